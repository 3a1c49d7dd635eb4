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
#include <memory>
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
  commands::Arguments keys;
  commands::Arguments argv;
  bool read_only = false;
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
  void call_and_reply(lua_State* lua, commands::Context& ctx, bool read_only, int nargs,
                      std::string_view name);

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
};

}  // namespace mini_redis::scripting
