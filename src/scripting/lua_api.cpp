// The `redis` table a script calls into (Redis 7.0's script_lua.c API).
//
//   redis.call(cmd, ...)    runs a command; an error reply raises a Lua error
//   redis.pcall(cmd, ...)   the same, but an error reply comes back as {err=...}
//   redis.error_reply(s), redis.status_reply(s)   build {err=...} / {ok=...}
//   redis.sha1hex(s), redis.log(level, ...), redis.setresp(2|3)
//   redis.acl_check_cmd(cmd, ...), and the 7.0 stubs set_repl,
//   replicate_commands, breakpoint, debug; REDIS_VERSION, LOG_*, REPL_*
//
// A command from a script goes through the same table and handlers as a
// client's, after the checks Redis makes for scripts: the command exists,
// its arity, no "noscript" command (EVAL itself, MULTI, SUBSCRIBE, BLPOP...),
// no write command from EVAL_RO. Its reply is written as RESP into a buffer
// and read back into Lua values, which is exactly what Redis does with its
// fake Lua client.
//
// Lua reports errors with longjmp, which skips C++ destructors. So every C
// function here does its C++ work in a helper that returns before
// lua_error() is called, leaving no live C++ object on the way out.
#include <openssl/evp.h>

#include <array>
#include <span>
#include <vector>

#include "commands/core/acl_check.h"
#include "commands/core/acl_user.h"
#include "commands/core/command_table.h"
#include "commands/core/dispatcher.h"
#include "commands/server/info.h"
#include "scripting/lua_internal.h"

namespace mini_redis::scripting {

namespace {

ScriptEngine& engine_of(lua_State* lua) {
  return *static_cast<ScriptEngine*>(lua_touserdata(lua, lua_upvalueindex(1)));
}

// The checks Redis makes before a script's command runs (scriptCall()).
// Returns the error text, or nullptr when the command may run.
const char* refusal(const commands::CommandSpec* spec, std::size_t argc, bool read_only) {
  using namespace commands::flags;  // NOLINT(google-build-using-namespace)
  if (spec == nullptr) return "ERR Unknown Redis command called from script";
  const bool arity_ok = spec->arity >= 0 ? static_cast<int>(argc) == spec->arity
                                         : static_cast<int>(argc) >= -spec->arity;
  if (!arity_ok) return "ERR Wrong number of args calling Redis command from script";
  if ((spec->flags & kNoscript) != 0) return "ERR This Redis command is not allowed from script";
  if (read_only && (spec->flags & kWrite) != 0) {
    return "ERR Write commands are not allowed from read-only scripts.";
  }
  return nullptr;
}

// The command or subcommand `words` name; null when there is none.
const commands::CommandSpec* find_command(const commands::CommandTable& table,
                                          std::span<const std::string_view> words) {
  const commands::CommandSpec* spec = table.find(words[0]);
  if (spec != nullptr && !spec->subcommands.empty() && words.size() >= 2) {
    spec = spec->find_subcommand(words[1]);
  }
  return spec;
}

// The caller's Context (keyspace, config, stats...) for another client and
// another reply buffer.
commands::Context context_for(commands::Context& caller, commands::ClientState& client,
                              protocol::ReplyWriter& reply) {
  return {client,          reply,           caller.keyspace, caller.config,
          caller.stats,    caller.server,   caller.commands, caller.pubsub,
          caller.monitors, caller.blocking, caller.acl,      caller.watched_keys,
          caller.scripts,  caller.propagation};
}

// The caller's user must be allowed the command, its keys and channels, as
// if the caller had sent it. A refusal goes to ACL LOG with context "lua"
// and the caller's client-info (still showing cmd=eval); the script gets
// Redis's script-specific text instead of -NOPERM.
const char* acl_refusal(ScriptEngine::Running& running, const commands::CommandSpec& spec,
                        commands::Arguments words) {
  commands::Context& caller = *running.ctx;
  if (caller.client.user == nullptr || caller.client.user->unrestricted) return nullptr;
  const commands::AclVerdict verdict = commands::check_acl(*caller.client.user, spec, words);
  if (verdict.denial == commands::AclDenial::none) return nullptr;
  // acl_refuses() writes the log entry; its -NOPERM reply goes to a scratch
  // buffer that is then dropped.
  running.reply.clear();
  protocol::ReplyWriter scratch(running.reply);
  commands::Context logging = context_for(caller, caller.client, scratch);
  const std::string_view last_command = caller.client.last_command;
  commands::acl_refuses(logging, spec, words, "lua");
  caller.client.last_command = last_command;
  running.reply.clear();
  switch (verdict.denial) {
    case commands::AclDenial::key:
      return "ERR The user executing the script can't access at least one of the keys mentioned "
             "in the command arguments";
    case commands::AclDenial::channel:
      return "ERR The user executing the script can't publish to the channel mentioned in the "
             "command";
    default: return "ERR The user executing the script can't run this command or subcommand";
  }
}

// redis.acl_check_cmd's question, on the words on the Lua stack: 1 when the
// caller's user may run them, 0 when not, -1 for an unknown command.
int acl_allows(lua_State* lua, ScriptEngine::Running& running) {
  std::vector<std::string_view> words;
  for (int i = 1; i <= lua_gettop(lua); ++i) {
    std::size_t length = 0;
    const char* text = lua_tolstring(lua, i, &length);
    words.emplace_back(text == nullptr ? "" : text, text == nullptr ? 0 : length);
  }
  const commands::Context& caller = *running.ctx;
  const commands::CommandSpec* spec = find_command(caller.commands, words);
  if (spec == nullptr) return -1;
  if (caller.client.user == nullptr) return 1;
  return commands::check_acl(*caller.client.user, *spec, words).denial == commands::AclDenial::none
             ? 1
             : 0;
}

// Runs the command whose words are the function's arguments and leaves its
// RESP reply in running.reply. Returns an error text for a call refused
// before it ran (the reply is then empty), nullptr otherwise.
const char* run_command(lua_State* lua, ScriptEngine::Running& running) {
  const int argc = lua_gettop(lua);
  if (argc == 0) return "ERR Please specify at least one argument for this redis lib call";
  // The words point into the Lua strings, which stay on the stack while the
  // command runs; the vector is the engine's, reused from call to call.
  std::vector<std::string_view>& words = running.words;
  words.clear();
  for (int i = 1; i <= argc; ++i) {
    // Numbers become text as Lua prints them ("%.14g": 1.5, 1e+20, 100).
    const int type = lua_type(lua, i);
    if (type != LUA_TSTRING && type != LUA_TNUMBER) {
      return "ERR Lua redis lib command arguments must be strings or integers";
    }
    std::size_t length = 0;
    const char* text = lua_tolstring(lua, i, &length);
    words.emplace_back(text, length);
  }
  commands::Context& caller = *running.ctx;
  const commands::CommandSpec* spec = find_command(caller.commands, words);
  if (const char* refused = refusal(spec, words.size(), running.read_only)) return refused;
  if (const char* refused = acl_refusal(running, *spec, words)) return refused;
  // From here on the script may have changed the dataset, so SCRIPT KILL
  // refuses to stop it (Redis flags it before the command runs, whatever
  // the command then does).
  if ((spec->flags & commands::flags::kWrite) != 0) running.wrote = true;

  running.reply.clear();
  protocol::ReplyWriter writer(running.reply, running.resp);
  commands::Context ctx = context_for(caller, running.lua_client, writer);
  if ((running.repl_flags & 1) == 0) ctx.propagation = nullptr;  // redis.set_repl()
  commands::run_queued_command(ctx, *spec, words);
  if ((spec->flags & commands::flags::kReadonly) != 0 && caller.client.tracking.on) {
    // Client-side caching: the caller's keys, as Redis tracks a script's reads.
    if (const commands::CommandSpec* script = find_command(caller.commands, running.call.command)) {
      commands::remember_script_read(caller, *script, running.call.command);
    }
  }
  return nullptr;
}

// redis.call and redis.pcall: `raise` tells whether an error is raised.
int call_command(lua_State* lua, bool raise) {
  ScriptEngine::Running* running = engine_of(lua).running();
  const char* refused = run_command(lua, *running);
  if (refused != nullptr) {
    push_error_table(lua, refused);
  } else {
    std::string_view bytes = running->reply;
    push_reply(lua, bytes);
  }
  // An error reply is a table with an `err` field (push_reply made it so).
  const bool failed = refused != nullptr || running->reply.starts_with('-');
  if (failed && raise) return lua_error(lua);
  return 1;
}

int redis_call(lua_State* lua) {
  return call_command(lua, true);
}
int redis_pcall(lua_State* lua) {
  return call_command(lua, false);
}

// Raises Redis's error table for a misuse of the redis.* helpers.
int raise_error(lua_State* lua, const char* text) {
  push_error_table(lua, text);
  return lua_error(lua);
}

int redis_sha1hex(lua_State* lua) {
  if (lua_gettop(lua) != 1) return raise_error(lua, "ERR wrong number of arguments");
  std::size_t length = 0;
  const char* text = lua_tolstring(lua, 1, &length);
  // A number is hashed as its text; a nil or a table as the empty string.
  const std::string digest = sha1_hex({text == nullptr ? "" : text, length});
  lua_pushlstring(lua, digest.data(), digest.size());
  return 1;
}

// redis.error_reply(text) and redis.status_reply(text): the tables a
// script returns to answer an error or a status.
int redis_error_reply(lua_State* lua) {
  // A misuse is not raised: the error table is the result (Redis 7.0).
  if (lua_gettop(lua) != 1 || lua_type(lua, 1) != LUA_TSTRING) {
    push_error_table(lua, "ERR wrong number or type of arguments");
    return 1;
  }
  std::size_t length = 0;
  const char* text = lua_tolstring(lua, 1, &length);
  // Redis adds the '-' a reply would have, then reads the text back as one.
  std::string_view view(text, length);
  if (view.starts_with('-')) view.remove_prefix(1);
  push_error_table(lua, view);
  return 1;
}

int redis_status_reply(lua_State* lua) {
  // A misuse is not raised: the error table is the result (Redis 7.0).
  if (lua_gettop(lua) != 1 || lua_type(lua, 1) != LUA_TSTRING) {
    push_error_table(lua, "ERR wrong number or type of arguments");
    return 1;
  }
  lua_newtable(lua);
  lua_pushvalue(lua, 1);
  lua_setfield(lua, -2, "ok");
  return 1;
}

// redis.log(level, message...): the words, joined by spaces, go to the
// server's log at that level (redis.LOG_WARNING is 3), shown when the
// `loglevel` lets them through. Like Redis, arguments that are neither
// strings nor numbers are left out.
int redis_log(lua_State* lua) {
  const int argc = lua_gettop(lua);
  if (argc < 2) return raise_error(lua, "ERR redis.log() requires two arguments or more.");
  if (lua_type(lua, 1) != LUA_TNUMBER)
    return raise_error(lua, "ERR First argument must be a number (log level).");
  const lua_Number level = lua_tonumber(lua, 1);
  if (level < 0 || level > 3) return raise_error(lua, "ERR Invalid debug level.");
  std::string line;
  for (int i = 2; i <= argc; ++i) {
    std::size_t length = 0;
    const char* text = lua_tolstring(lua, i, &length);
    if (text == nullptr) continue;
    if (i != 2) line.push_back(' ');
    line.append(text, length);
  }
  // From the registry, not an upvalue: a library's code calls redis.log
  // while FUNCTION LOAD runs it too (push_library_redis_api).
  lua_getfield(lua, LUA_REGISTRYINDEX, kEngineKey);
  const auto* engine = static_cast<const ScriptEngine*>(lua_touserdata(lua, -1));
  lua_pop(lua, 1);
  if (engine != nullptr) engine->log(static_cast<int>(level), line);
  return 0;
}

int redis_setresp(lua_State* lua) {
  if (lua_gettop(lua) != 1) {
    return raise_error(lua, "ERR redis.setresp() requires one argument.");
  }
  const lua_Number version = lua_tonumber(lua, 1);
  if (version != 2 && version != 3) return raise_error(lua, "ERR RESP version must be 2 or 3.");
  engine_of(lua).running()->resp =
      version == 3 ? protocol::ProtocolVersion::resp3 : protocol::ProtocolVersion::resp2;
  return 0;
}

// redis.acl_check_cmd(cmd, ...): may the caller's user run this command,
// with these keys and channels? A boolean; an unknown command is an error.
int redis_acl_check_cmd(lua_State* lua) {
  const int argc = lua_gettop(lua);
  if (argc == 0) {
    return raise_error(lua, "ERR Please specify at least one argument for this redis lib call");
  }
  const int verdict = acl_allows(lua, *engine_of(lua).running());
  if (verdict < 0) return raise_error(lua, "ERR Invalid command passed to redis.acl_check_cmd()");
  lua_pushboolean(lua, verdict);
  return 1;
}

// redis.set_repl(flags): where the script's next writes propagate. Without
// REPL_AOF in the flags (REPL_NONE, REPL_REPLICA) they stay out of the AOF,
// so a restart does not redo them; there are no replicas here.
int redis_set_repl(lua_State* lua) {
  if (lua_gettop(lua) != 1) return raise_error(lua, "ERR redis.set_repl() requires two arguments.");
  const auto flags = static_cast<long long>(lua_tonumber(lua, 1));
  if ((flags & ~3LL) != 0) {
    return raise_error(lua,
                       "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or "
                       "REPL_NONE.");
  }
  engine_of(lua).running()->repl_flags = static_cast<int>(flags);
  return 0;
}

// redis.replicate_commands(): since Redis 5 scripts always replicate their
// effects, so this is a no-op that answers true.
int redis_replicate_commands(lua_State* lua) {
  lua_pushboolean(lua, 1);
  return 1;
}

// redis.breakpoint() and redis.debug(): the Lua debugger's hooks; without a
// debugging session (never, here) they do nothing.
int redis_no_debugger(lua_State* lua) {
  lua_pushboolean(lua, 0);
  return 1;
}

void set_function(lua_State* lua, ScriptEngine& engine, const char* name, lua_CFunction function) {
  lua_pushlightuserdata(lua, &engine);
  lua_pushcclosure(lua, function, 1);
  lua_setfield(lua, -2, name);
}

void set_number(lua_State* lua, const char* name, int value) {
  lua_pushinteger(lua, value);
  lua_setfield(lua, -2, name);
}

}  // namespace

void open_redis_api(lua_State* lua, ScriptEngine& engine) {
  lua_pushlightuserdata(lua, &engine);
  lua_setfield(lua, LUA_REGISTRYINDEX, kEngineKey);  // for the busy hook
  lua_newtable(lua);
  set_function(lua, engine, "call", redis_call);
  set_function(lua, engine, "pcall", redis_pcall);
  set_function(lua, engine, "sha1hex", redis_sha1hex);
  set_function(lua, engine, "error_reply", redis_error_reply);
  set_function(lua, engine, "status_reply", redis_status_reply);
  set_function(lua, engine, "log", redis_log);
  set_function(lua, engine, "setresp", redis_setresp);
  // redis.log's levels, as Redis numbers them.
  set_number(lua, "LOG_DEBUG", 0);
  set_number(lua, "LOG_VERBOSE", 1);
  set_number(lua, "LOG_NOTICE", 2);
  set_number(lua, "LOG_WARNING", 3);
  set_function(lua, engine, "acl_check_cmd", redis_acl_check_cmd);
  set_function(lua, engine, "set_repl", redis_set_repl);
  set_function(lua, engine, "replicate_commands", redis_replicate_commands);
  set_function(lua, engine, "breakpoint", redis_no_debugger);
  set_function(lua, engine, "debug", redis_no_debugger);
  // redis.set_repl's flags.
  set_number(lua, "REPL_NONE", 0);
  set_number(lua, "REPL_AOF", 1);
  set_number(lua, "REPL_SLAVE", 2);
  set_number(lua, "REPL_REPLICA", 2);
  set_number(lua, "REPL_ALL", 3);
  lua_pushlstring(lua, commands::kRedisVersion.data(), commands::kRedisVersion.size());
  lua_setfield(lua, -2, "REDIS_VERSION");
  set_number(lua, "REDIS_VERSION_NUM", 0x07000F);  // 7.0.15 as 0x00MMmmpp
  lua_setglobal(lua, "redis");
}

void push_library_redis_api(lua_State* lua) {
  lua_newtable(lua);
  // redis.log finds the engine in the registry (open_redis_api put it there).
  lua_pushcfunction(lua, redis_log);
  lua_setfield(lua, -2, "log");
  set_number(lua, "LOG_DEBUG", 0);
  set_number(lua, "LOG_VERBOSE", 1);
  set_number(lua, "LOG_NOTICE", 2);
  set_number(lua, "LOG_WARNING", 3);
  lua_pushlstring(lua, commands::kRedisVersion.data(), commands::kRedisVersion.size());
  lua_setfield(lua, -2, "REDIS_VERSION");
  set_number(lua, "REDIS_VERSION_NUM", 0x07000F);
}

void push_error_table(lua_State* lua, std::string_view text) {
  lua_newtable(lua);
  // "-WRONGTYPE Operation..." keeps its code; "-oops" (one word, no code)
  // becomes "ERR oops" (Redis's luaPushErrorBuff: every error has a code).
  if (text.find(' ') == std::string_view::npos) {
    lua_pushliteral(lua, "ERR ");
    lua_pushlstring(lua, text.data(), text.size());
    lua_concat(lua, 2);
  } else {
    lua_pushlstring(lua, text.data(), text.size());
  }
  lua_setfield(lua, -2, "err");
}

// Redis's __redis__err__handler: a string error becomes {err="ERR <text>"},
// a table stays as it is, and both learn where the script failed: the
// source and line of the Lua function that raised it, or of its caller
// when a C function (redis.call) raised it.
int error_handler(lua_State* lua) {
  if (!lua_istable(lua, 1)) {
    lua_newtable(lua);
    lua_pushliteral(lua, "ERR ");
    lua_pushvalue(lua, 1);
    lua_concat(lua, 2);
    lua_setfield(lua, -2, "err");
    lua_replace(lua, 1);
  }
  lua_Debug where{};
  if (lua_getstack(lua, 1, &where) != 0 && lua_getinfo(lua, "Sl", &where) != 0 &&
      where.what != nullptr && std::string_view(where.what) == "C") {
    if (lua_getstack(lua, 2, &where) == 0 || lua_getinfo(lua, "Sl", &where) == 0) return 1;
  }
  if (where.source != nullptr) {
    lua_pushstring(lua, where.source);
    lua_setfield(lua, 1, "source");
    lua_pushinteger(lua, where.currentline);
    lua_setfield(lua, 1, "line");
  }
  lua_settop(lua, 1);
  return 1;
}

std::string sha1_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha1(), nullptr);
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0f]);
  }
  return hex;
}

}  // namespace mini_redis::scripting
