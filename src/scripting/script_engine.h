// ScriptEngine: the Lua 5.1 interpreter behind EVAL, EVALSHA and SCRIPT.
//
// One engine per server (no globals: a test may build two). It owns one
// lua_State, in which every script runs, and the script cache: the body of
// each script, compiled once into a Lua function and kept under the SHA1 of
// its text, which is the name EVALSHA and SCRIPT EXISTS use. Redis 7.0 does
// the same (eval.c): EVAL caches what it runs, SCRIPT LOAD only caches.
//
// What a script sees is Redis's sandbox (lua_sandbox.h): the base, table,
// string, math, cjson and bit libraries, KEYS and ARGV, and the `redis`
// table (redis.call, pcall, error_reply, status_reply, sha1hex, log,
// setresp). Commands it runs go through the command table like a client's,
// and their RESP replies are read back into Lua values (lua_reply.h).
//
// This header knows nothing of Lua: lua_State stays behind a pointer, so
// only src/scripting/ includes Lua's headers (check-layers enforces it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "commands/core/context.h"

struct lua_State;

namespace mini_redis::scripting {

class FunctionEngine;

// The reply of SCRIPT LOAD: the script's SHA1 (40 lower-case hex digits),
// or the compile error as Redis words it.
struct LoadResult {
  std::string sha;    // set on success
  std::string error;  // "ERR Error compiling script (new function): user_script:1: ..."
  [[nodiscard]] bool ok() const { return error.empty(); }
};

// One EVAL/EVALSHA call: which script, its KEYS and ARGV, and whether it is
// the _RO form, which may run no write command.
struct ScriptCall {
  std::string_view sha;
  commands::Arguments command;  // the whole EVAL request (FUNCTION STATS shows a function's)
  commands::Arguments keys;
  commands::Arguments argv;
  bool read_only = false;
};

// What other clients hear while a script is busy (past busy-reply-threshold):
// Redis's shared.slowevalerr for EVAL's scripts, shared.slowscripterr for
// functions. Without the leading '-'.
inline constexpr std::string_view kBusyEvalError =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kBusyFunctionError =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

// FUNCTION STATS' running_script: the busy function, the request that
// called it, and how long it has run.
struct RunningFunction {
  std::string_view name;
  commands::Arguments command;
  std::int64_t duration_ms = 0;
};

class ScriptEngine {
 public:
  ScriptEngine();
  ~ScriptEngine();
  ScriptEngine(const ScriptEngine&) = delete;
  ScriptEngine& operator=(const ScriptEngine&) = delete;

  // Compiles `body` and caches it (a script already cached is not compiled
  // again). SCRIPT LOAD, and EVAL before it runs.
  LoadResult load(std::string_view body);
  // SCRIPT EXISTS. Case-insensitive, as Redis compares SHA1s.
  [[nodiscard]] bool exists(std::string_view sha) const;
  // SCRIPT FLUSH: forgets every script and starts a fresh interpreter, as
  // Redis does, so that nothing a script left behind survives.
  void flush();
  // Runs a cached script and writes its reply (or its error) to ctx.reply.
  // False when no script has that SHA1: the caller answers -NOSCRIPT.
  bool run(commands::Context& ctx, const ScriptCall& call);

  // INFO: number_of_cached_scripts, used_memory_lua, and
  // used_memory_scripts_eval (the cached bodies and their SHA1 names).
  [[nodiscard]] std::size_t cached_scripts() const;
  [[nodiscard]] std::size_t memory_bytes() const;
  [[nodiscard]] std::size_t cached_bytes() const { return cached_bytes_; }

  // The function libraries (FUNCTION, FCALL): their own interpreter, which
  // SCRIPT FLUSH leaves alone (function_library.h).
  FunctionEngine& functions() { return *functions_; }

  // Runs the Lua function below `nargs` arguments on the top of `lua`'s
  // stack, with error_handler just below the function, and writes its reply
  // (or its error, naming `name`: "... script: <name>, on @user_...:3.") to
  // ctx.reply; pops all of it. EVAL's scripts and FCALL's functions both
  // run here, so they share redis.call's context and the error format.
  // `command` is the caller's whole request, `is_eval` tells EVAL's scripts
  // from functions (which SCRIPT KILL and FUNCTION KILL tell apart).
  struct CallInfo {
    std::string_view name;
    commands::Arguments command;
    bool is_eval = true;
    bool read_only = false;
  };
  void call_and_reply(lua_State* lua, commands::Context& ctx, const CallInfo& call, int nargs);

  // ---- busy scripts (busy_script.cpp) ----
  // A script that runs longer than busy-reply-threshold (lua-time-limit)
  // does not stall the server: Lua's count hook calls this pump from
  // inside the script, and the server serves the other clients' requests
  // that arrived meanwhile (they get -BUSY, bar the commands flagged
  // allow-busy: SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE...). The pump
  // returns false once the server is shutting down: the script then stops.
  // The server passes it in, so that scripting needs no Asio (DESIGN.md).
  using EventPump = std::function<bool()>;
  void set_event_pump(EventPump pump) { pump_ = std::move(pump); }
  // Where redis.log() and the "Slow script detected" warning go: the
  // server's log, at Redis's levels (0 debug, 1 verbose, 2 notice, 3
  // warning). Without a sink (unit tests) the lines are dropped.
  using LogSink = std::function<void(int level, std::string_view message)>;
  void set_log_sink(LogSink sink) { log_sink_ = std::move(sink); }
  void log(int level, std::string_view message) const {
    if (log_sink_) log_sink_(level, message);
  }
  // True while a script runs past the threshold (Redis's scriptIsTimedout).
  [[nodiscard]] bool busy() const { return busy_; }
  [[nodiscard]] bool busy_with_eval() const { return busy_ && busy_eval_; }
  // The -BUSY text for the script that is busy now.
  [[nodiscard]] std::string_view busy_error() const {
    return busy_eval_ ? kBusyEvalError : kBusyFunctionError;
  }
  // SCRIPT KILL (from_script_kill) and FUNCTION KILL: empty when the busy
  // script will stop (+OK), else the error text (NOTBUSY, UNKILLABLE, or
  // -BUSY when the other kind of script runs), as Redis's scriptKill().
  std::string_view kill(bool from_script_kill);
  // FUNCTION STATS: the busy function, if a function is busy.
  [[nodiscard]] std::optional<RunningFunction> running_function() const;
  // Called by Lua's hook every kHookInstructions instructions of a script:
  // true when the script must stop now (killed, or the server stops).
  bool interrupted();

  // Used by the redis.* functions while a script runs (lua_api.cpp).
  struct Running;
  [[nodiscard]] Running* running() const { return running_.get(); }

 private:
  void open_interpreter();

  lua_State* lua_ = nullptr;
  std::size_t cached_ = 0;
  std::size_t cached_bytes_ = 0;
  std::unique_ptr<Running> running_;
  std::unique_ptr<FunctionEngine> functions_;
  EventPump pump_;
  LogSink log_sink_;
  bool busy_ = false;
  bool busy_eval_ = false;
};

}  // namespace mini_redis::scripting
