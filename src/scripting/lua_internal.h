// The pieces of the Lua engine that share lua_State (internal to src/scripting/).
//
// script_engine.cpp drives them:
//   lua_sandbox.cpp  which libraries a script gets, and the read-only globals
//   lua_api.cpp      the `redis` table: redis.call, pcall, log, sha1hex...
//   lua_reply.cpp    RESP reply bytes -> Lua values, and Lua values -> RESP
// Only files in src/scripting/ may include Lua's headers (check-layers.py).
#pragma once

#include <lua5.1/lua.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/context.h"
#include "protocol/reply_writer.h"
#include "scripting/script_engine.h"

namespace mini_redis::scripting {

// What the redis.* functions need to know about the script running now.
struct ScriptEngine::Running {
  commands::Context* ctx = nullptr;  // the caller's; null between scripts
  bool read_only = false;            // EVAL_RO / EVALSHA_RO
  // redis.setresp(): the protocol the script's commands answer in.
  protocol::ProtocolVersion resp = protocol::ProtocolVersion::resp2;
  // redis.set_repl(): where the writes that follow propagate. Bit 1 is the
  // AOF (REPL_AOF), bit 2 the replicas (REPL_REPLICA; there are none here).
  int repl_flags = 3;
  std::string reply;                    // one command's reply, reused from call to call
  std::vector<std::string_view> words;  // one command's words, likewise
  // The client the script's commands run as: Redis's fake "lua" client. It
  // starts each script in the caller's database and as the caller's user;
  // a SELECT inside the script moves only it (so the caller stays where it
  // was, as in Redis 7.0), blocking commands never wait for it, and MONITOR
  // shows its commands as "[0 lua]".
  commands::ClientState lua_client;

  // For busy scripts (busy_script.cpp): what runs, since when, and whether
  // it may still be killed.
  ScriptEngine::CallInfo call;
  std::chrono::steady_clock::time_point started;
  bool timed_out = false;  // ran past busy-reply-threshold
  bool killed = false;     // SCRIPT KILL / FUNCTION KILL / shutdown: stop at the next hook
  // A write command ran (Redis's SCRIPT_WRITE_DIRTY, set even when the
  // write changed nothing): SCRIPT KILL would leave half a change, so the
  // script is UNKILLABLE.
  bool wrote = false;
};

// How many Lua instructions run between two looks at the clock (Redis's
// luaMaskCountHook uses the same count): about a millisecond of a busy loop.
inline constexpr int kHookInstructions = 100000;

// Installs the hook that watches a script's time (busy_script.cpp) on
// `lua`, whose registry must hold the engine (open_redis_api puts it there).
void install_busy_hook(lua_State* lua);

// Registry key of the ScriptEngine (a light userdata): a hook has no upvalues.
inline constexpr const char* kEngineKey = "mini_redis.engine";

// Registry keys (strings, so a reader of the Lua state sees what they are).
inline constexpr const char* kGlobalsKey = "mini_redis.globals";  // the real globals table
inline constexpr const char* kScriptsKey = "mini_redis.scripts";  // sha1 -> function

// Loads the libraries Redis gives scripts, without what reaches outside the
// server, and makes the libraries read-only (lua_sandbox.cpp).
void open_sandbox(lua_State* lua);

// Makes a table read-only in Redis 7.0's way: writes fail with "Attempt to
// modify a readonly table". Replaces the value on top of the stack by a
// read-only view of it.
void make_top_read_only(lua_State* lua);

// Called after open_redis_api: makes `redis` and the globals read-only and
// keeps the real globals table in the registry under kGlobalsKey.
void protect_globals(lua_State* lua);

// Installs the `redis` table (lua_api.cpp) in the real globals table.
void open_redis_api(lua_State* lua, ScriptEngine& engine);

// Pushes what a function library's top-level code may use of `redis` while
// it loads (Redis's library API): log, the LOG_* levels, REDIS_VERSION and
// REDIS_VERSION_NUM. The caller adds register_function (function_library.cpp).
void push_library_redis_api(lua_State* lua);

// Like make_top_read_only, but reading a missing name is an error too
// ("Script attempted to access nonexistent global variable 'x'"), as for
// the globals: Redis's load-time API tables behave so.
void make_top_strict_read_only(lua_State* lua);

// Pops a table and makes reads of the (read-only) globals go to it: FUNCTION
// LOAD swaps in its narrow API while a library's top-level code runs, and
// then the real globals (kGlobalsKey) back, as Redis swaps its globals'
// __index (luaEngineCreate).
void set_globals_source(lua_State* lua);

// redis.register_function (function_register.cpp), as a C closure whose
// upvalue 1 is the FunctionEngine loading the library.
int register_function_from_lua(lua_State* lua);

// The message handler lua_pcall runs when a script fails: it turns the
// error into Redis's error table {err=..., source=..., line=...}.
int error_handler(lua_State* lua);

// Pushes the error table Redis builds for an error reply text (without its
// '-'): a text without an error code gets "ERR " in front (luaPushErrorBuff).
void push_error_table(lua_State* lua, std::string_view text);

// Reads one RESP2/RESP3 reply from the front of `bytes`, pushes it as a Lua
// value (Redis's conversion table) and drops it from `bytes`.
void push_reply(lua_State* lua, std::string_view& bytes);

// Writes the Lua value at `index` as a reply (Redis's Lua -> RESP table).
// Booleans follow the script's protocol (redis.setresp), the rest the
// caller's.
void write_lua_value(lua_State* lua, int index, protocol::ReplyWriter& reply,
                     protocol::ProtocolVersion script_resp);

// SHA1 of `bytes` as 40 lower-case hex digits (redis.sha1hex, script names).
std::string sha1_hex(std::string_view bytes);

}  // namespace mini_redis::scripting
