// Busy scripts: what happens when a script or a function runs for long
// (Redis 7.0's script.c: scriptInterrupt, scriptKill; script_lua.c:
// luaMaskCountHook).
//
// A script is atomic, so while it runs no other command may touch the
// dataset. Redis does not simply go deaf meanwhile, though. Lua calls a
// hook every kHookInstructions instructions; the hook looks at the clock,
// and once the script has run longer than busy-reply-threshold (alias
// lua-time-limit, 5 s by default) the script is "timed out" and, from then
// on, every hook serves the other clients' requests that arrived:
//
//     other client                      server
//     GET x                  ------->   -BUSY Redis is busy running a script. ...
//     SCRIPT KILL            ------->   +OK   (the script stops at the next hook)
//
// Only commands flagged allow-busy run normally (AUTH, HELLO, MULTI, WATCH,
// SCRIPT KILL, FUNCTION KILL, FUNCTION STATS, SHUTDOWN NOSAVE...); the
// dispatcher answers -BUSY to everything else. Serving clients happens in
// the server (it owns the event loop), through the pump it passed in, so
// this layer needs no Asio.
//
// SCRIPT KILL only stops a script that has not written yet: stopping one
// half-way through its writes would break atomicity, so that one is
// UNKILLABLE and only SHUTDOWN NOSAVE ends it (with the server).
#include <string_view>

#include "scripting/lua_internal.h"

namespace mini_redis::scripting {

namespace {

// Redis's wording for a killed script; the caller then reads
// "ERR Script killed by user with SCRIPT KILL... script: <name>, on @user_script:1."
constexpr std::string_view kKilledError = "ERR Script killed by user with SCRIPT KILL...";

void busy_hook(lua_State* lua, lua_Debug* /*where*/) {
  lua_getfield(lua, LUA_REGISTRYINDEX, kEngineKey);
  auto* engine = static_cast<ScriptEngine*>(lua_touserdata(lua, -1));
  lua_pop(lua, 1);
  if (engine == nullptr || !engine->interrupted()) return;
  // From now on the hook runs on every line (and every backward jump), so
  // a script that catches the error with pcall and loops on meets it again
  // at once, as in Redis.
  lua_sethook(lua, busy_hook, LUA_MASKLINE, 0);
  push_error_table(lua, kKilledError);
  lua_error(lua);  // nothing C++ lives in this frame: longjmp is safe
}

}  // namespace

void install_busy_hook(lua_State* lua) {
  lua_sethook(lua, busy_hook, LUA_MASKCOUNT, kHookInstructions);
}

bool ScriptEngine::interrupted() {
  Running& run = *running_;
  if (run.killed) return true;
  if (!run.timed_out) {
    const auto elapsed = std::chrono::steady_clock::now() - run.started;
    if (run.ctx == nullptr ||
        elapsed < std::chrono::milliseconds(run.ctx->config.busy_reply_threshold_ms)) {
      return false;
    }
    // Past the threshold: the server starts answering -BUSY, and says so
    // in its log as Redis does (scriptInterrupt).
    run.timed_out = true;
    busy_ = true;
    busy_eval_ = run.call.is_eval;
    const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
    log(3, "Slow script detected: still in execution after " + std::to_string(elapsed_ms) +
               " milliseconds. You can try killing the script using the " +
               (run.call.is_eval ? "SCRIPT KILL" : "FUNCTION KILL") +
               " command. Script name is: " + std::string(run.call.name) + ".");
  }
  // Serve the requests that arrived. A SCRIPT KILL among them sets `killed`;
  // a SHUTDOWN NOSAVE makes the pump answer false, and the script stops so
  // that the server can (Redis exits there and then).
  if (pump_ && !pump_()) run.killed = true;
  return run.killed;
}

std::string_view ScriptEngine::kill(bool from_script_kill) {
  const Running& run = *running_;
  // A script can only be seen running from a command served by its hook.
  if (!busy_) return "NOTBUSY No scripts in execution right now.";
  if (run.wrote) {
    return "UNKILLABLE Sorry the script already executed write commands against the dataset. "
           "You can either wait the script termination or kill the server in a hard way using "
           "the SHUTDOWN NOSAVE command.";
  }
  // SCRIPT KILL stops only EVAL's scripts, FUNCTION KILL only functions;
  // the wrong one answers the -BUSY text that names the right one.
  if (from_script_kill != run.call.is_eval) return busy_error();
  running_->killed = true;
  return {};
}

std::optional<RunningFunction> ScriptEngine::running_function() const {
  if (!busy_ || busy_eval_) return std::nullopt;
  const Running& run = *running_;
  const auto elapsed = std::chrono::steady_clock::now() - run.started;
  return RunningFunction{
      .name = run.call.name,
      .command = run.call.command,
      .duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()};
}

}  // namespace mini_redis::scripting
