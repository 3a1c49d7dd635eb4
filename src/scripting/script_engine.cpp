// ScriptEngine: the interpreter's life, the script cache, and running one
// script (Redis 7.0's eval.c and luaCallFunction()).
#include "scripting/script_engine.h"

#include <array>
#include <optional>

#include "common/ascii.h"
#include "scripting/function_library.h"
#include "scripting/lua_internal.h"

namespace mini_redis::scripting {

namespace {

// The cache is keyed by the lower-case SHA1; EVALSHA accepts either case.
// Nullopt for a text that cannot be a SHA1 (wrong length).
std::optional<std::array<char, 40>> normalized_sha(std::string_view sha) {
  if (sha.size() != 40) return std::nullopt;
  std::array<char, 40> lower{};
  for (std::size_t i = 0; i < 40; ++i) lower[i] = to_lower_ascii(sha[i]);
  return lower;
}

// Pushes scripts[sha] (nil when absent).
void push_script(lua_State* lua, std::string_view sha) {
  lua_getfield(lua, LUA_REGISTRYINDEX, kScriptsKey);
  lua_pushlstring(lua, sha.data(), sha.size());
  lua_rawget(lua, -2);
  lua_remove(lua, -2);
}

// globals[name] = {words...}, written past the read-only view.
void set_words(lua_State* lua, const char* name, commands::Arguments words) {
  lua_getfield(lua, LUA_REGISTRYINDEX, kGlobalsKey);
  lua_createtable(lua, static_cast<int>(words.size()), 0);
  for (std::size_t i = 0; i < words.size(); ++i) {
    lua_pushlstring(lua, words[i].data(), words[i].size());
    lua_rawseti(lua, -2, static_cast<int>(i + 1));
  }
  lua_setfield(lua, -2, name);
  lua_pop(lua, 1);
}

std::string_view string_field(lua_State* lua, int table, const char* name) {
  lua_getfield(lua, table, name);
  std::size_t length = 0;
  const char* text = lua_isstring(lua, -1) != 0 ? lua_tolstring(lua, -1, &length) : "";
  lua_pop(lua, 1);  // the table still holds the string
  return {text, length};
}

// A failed script answers its error table's text, then where it failed:
// "<err> script: <sha>, on @user_script:<line>." (Redis 7.0's wording).
void reply_script_error(lua_State* lua, std::string_view sha, protocol::ReplyWriter& reply) {
  if (!lua_istable(lua, -1)) {
    const char* message = lua_tostring(lua, -1);
    reply.error("ERR Error running script (call to f_" + std::string(sha) +
                "): " + (message == nullptr ? "" : message));
    return;
  }
  const int table = lua_gettop(lua);
  std::string text(string_field(lua, table, "err"));
  text += " script: ";
  text += sha;
  const std::string_view source = string_field(lua, table, "source");
  lua_getfield(lua, table, "line");
  if (!source.empty() && lua_isnumber(lua, -1) != 0) {
    text += ", on ";
    text += source;
    text += ':';
    text += std::to_string(lua_tointeger(lua, -1));
    text += '.';
  }
  lua_pop(lua, 1);
  reply.error(text);
}

}  // namespace

ScriptEngine::ScriptEngine() : running_(std::make_unique<Running>()) {
  running_->lua_client.peer_address = "lua";
  running_->lua_client.deny_blocking = true;
  running_->lua_client.is_script = true;
  open_interpreter();
  functions_ = std::make_unique<FunctionEngine>(*this);
}

ScriptEngine::~ScriptEngine() {
  functions_.reset();
  lua_close(lua_);
}

void ScriptEngine::open_interpreter() {
  lua_ = luaL_newstate();
  open_sandbox(lua_);
  open_redis_api(lua_, *this);
  protect_globals(lua_);
  lua_newtable(lua_);
  lua_setfield(lua_, LUA_REGISTRYINDEX, kScriptsKey);
  cached_ = 0;
  cached_bytes_ = 0;
}

LoadResult ScriptEngine::load(std::string_view body) {
  LoadResult result{.sha = sha1_hex(body), .error = {}};
  push_script(lua_, result.sha);
  const bool cached = !lua_isnil(lua_, -1);
  lua_pop(lua_, 1);
  if (cached) return result;
  // "@user_script" names the chunk, so errors read "user_script:1: ...".
  if (luaL_loadbuffer(lua_, body.data(), body.size(), "@user_script") != 0) {
    result.error = "ERR Error compiling script (new function): ";
    result.error += lua_tostring(lua_, -1);
    lua_pop(lua_, 1);
    return result;
  }
  lua_getfield(lua_, LUA_REGISTRYINDEX, kScriptsKey);
  lua_pushlstring(lua_, result.sha.data(), result.sha.size());
  lua_pushvalue(lua_, -3);
  lua_rawset(lua_, -3);
  lua_pop(lua_, 2);
  ++cached_;
  // Redis counts each cached body and its 40-byte name (used_memory_scripts_eval).
  cached_bytes_ += body.size() + result.sha.size();
  return result;
}

bool ScriptEngine::exists(std::string_view sha) const {
  const auto lower = normalized_sha(sha);
  if (!lower) return false;
  push_script(lua_, {lower->data(), lower->size()});
  const bool found = !lua_isnil(lua_, -1);
  lua_pop(lua_, 1);
  return found;
}

void ScriptEngine::flush() {
  lua_close(lua_);
  open_interpreter();
}

bool ScriptEngine::run(commands::Context& ctx, const ScriptCall& call) {
  const auto lower = normalized_sha(call.sha);
  if (!lower) return false;
  const std::string_view sha(lower->data(), lower->size());
  const int base = lua_gettop(lua_);
  lua_pushcfunction(lua_, error_handler);
  push_script(lua_, sha);
  if (lua_isnil(lua_, -1)) {
    lua_settop(lua_, base);
    return false;
  }
  set_words(lua_, "KEYS", call.keys);
  set_words(lua_, "ARGV", call.argv);
  call_and_reply(
      lua_, ctx,
      {.name = sha, .command = call.command, .is_eval = true, .read_only = call.read_only}, 0);
  return true;
}

void ScriptEngine::call_and_reply(lua_State* lua, commands::Context& ctx, const CallInfo& call,
                                  int nargs) {
  const int handler = lua_gettop(lua) - nargs - 1;
  // What redis.call needs (see Running in lua_internal.h).
  running_->ctx = &ctx;
  running_->read_only = call.read_only;
  running_->resp = protocol::ProtocolVersion::resp2;  // until redis.setresp(3)
  running_->repl_flags = 3;                           // REPL_ALL, until redis.set_repl()
  commands::ClientState& lua_client = running_->lua_client;
  lua_client.db_index = ctx.client.db_index;
  lua_client.user = ctx.client.user;
  // What the busy hook watches (busy_script.cpp).
  running_->call = call;
  running_->started = std::chrono::steady_clock::now();
  running_->timed_out = false;
  running_->killed = false;
  running_->wrote = false;
  install_busy_hook(lua);
  const int status = lua_pcall(lua, nargs, 1, handler);
  lua_sethook(lua, nullptr, 0, 0);
  // The script is over: other clients' commands run again (Redis's
  // scriptResetRun). Its own reply goes out below, as usual.
  busy_ = false;

  if (status == 0) {
    write_lua_value(lua, -1, ctx.reply, running_->resp);
  } else {
    reply_script_error(lua, call.name, ctx.reply);
  }
  running_->ctx = nullptr;
  lua_settop(lua, handler - 1);
  // A little garbage collection after each script, so that memory a script
  // dropped comes back without one long pause later.
  lua_gc(lua, LUA_GCSTEP, 1);
}

std::size_t ScriptEngine::cached_scripts() const {
  return cached_;
}

std::size_t ScriptEngine::memory_bytes() const {
  const auto kilobytes = static_cast<std::size_t>(lua_gc(lua_, LUA_GCCOUNT, 0));
  const auto remainder = static_cast<std::size_t>(lua_gc(lua_, LUA_GCCOUNTB, 0));
  return kilobytes * 1024 + remainder;
}

}  // namespace mini_redis::scripting
