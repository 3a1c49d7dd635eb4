// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT: Lua scripting (Redis 7.0).
//
// These handlers only read their arguments and hand over to the engine
// (scripting/script_engine.h), which compiles, caches and runs the script
// and writes its reply. A script runs to its end before any other command
// (the server is single-threaded), which is what makes scripts atomic.
//
//   EVAL script numkeys [key ...] [arg ...]     caches the script, runs it
//   EVALSHA sha1 numkeys [key ...] [arg ...]    runs a cached script
//   EVAL_RO / EVALSHA_RO                        the same; no write command inside
//   SCRIPT LOAD | EXISTS | FLUSH | KILL | DEBUG | HELP
#include <optional>

#include "commands/core/command_docs.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/server/monitor.h"
#include "common/ascii.h"
#include "common/integer_parsing.h"
#include "scripting/script_engine.h"

namespace mini_redis::commands {

namespace {

constexpr std::string_view kNoScript = "NOSCRIPT No matching script. Please use EVAL.";
constexpr std::string_view kNoEngine = "ERR scripting is not available";

// The KEYS and ARGV of an EVAL-like command, split by numkeys (argument 2),
// or nullopt after replying Redis's error for a bad count.
struct KeysAndArgs {
  Arguments keys;
  Arguments argv;
};

std::optional<KeysAndArgs> split_keys_or_reply(Context& ctx, Arguments args) {
  // EVAL is flagged skip_monitor, so the dispatcher does not show it after
  // it ran; Redis shows it before the script runs, so that MONITOR lists
  // the EVAL line first and then the script's commands as "[0 lua]".
  if (!ctx.monitors.empty()) ctx.monitors.feed(ctx.client, args, ctx.keyspace.clock().now_us());
  const std::optional<std::int64_t> numkeys = parse_int64_strict(args[2]);
  if (!numkeys) {
    ctx.reply.error(errors::kNotInteger);
    return std::nullopt;
  }
  if (*numkeys < 0) {
    ctx.reply.error("ERR Number of keys can't be negative");
    return std::nullopt;
  }
  const Arguments rest = args.subspan(3);
  if (static_cast<std::uint64_t>(*numkeys) > rest.size()) {
    ctx.reply.error("ERR Number of keys can't be greater than number of args");
    return std::nullopt;
  }
  const auto count = static_cast<std::size_t>(*numkeys);
  return KeysAndArgs{rest.first(count), rest.subspan(count)};
}

// EVAL and EVAL_RO: compile and cache the body (once), then run it.
template <bool ReadOnly>
void eval_command(Context& ctx, Arguments args) {
  const std::optional<KeysAndArgs> words = split_keys_or_reply(ctx, args);
  if (!words) return;
  if (ctx.scripts == nullptr) return ctx.reply.error(kNoEngine);
  const scripting::LoadResult loaded = ctx.scripts->load(args[1]);
  if (!loaded.ok()) return ctx.reply.error(loaded.error);
  ctx.scripts->run(ctx, {.sha = loaded.sha,
                         .command = args,
                         .keys = words->keys,
                         .argv = words->argv,
                         .read_only = ReadOnly});
}

// EVALSHA and EVALSHA_RO: run a script SCRIPT LOAD or EVAL cached before.
template <bool ReadOnly>
void evalsha_command(Context& ctx, Arguments args) {
  const std::optional<KeysAndArgs> words = split_keys_or_reply(ctx, args);
  if (!words) return;
  if (ctx.scripts == nullptr) return ctx.reply.error(kNoEngine);
  const bool ran = ctx.scripts->run(ctx, {.sha = args[1],
                                          .command = args,
                                          .keys = words->keys,
                                          .argv = words->argv,
                                          .read_only = ReadOnly});
  if (!ran) ctx.reply.error(kNoScript);
}

void script_load_command(Context& ctx, Arguments args) {
  if (ctx.scripts == nullptr) return ctx.reply.error(kNoEngine);
  const scripting::LoadResult loaded = ctx.scripts->load(args[2]);
  if (!loaded.ok()) return ctx.reply.error(loaded.error);
  ctx.reply.bulk_string(loaded.sha);
}

void script_exists_command(Context& ctx, Arguments args) {
  ctx.reply.array_header(args.size() - 2);
  for (std::string_view sha : args.subspan(2)) {
    ctx.reply.integer(ctx.scripts != nullptr && ctx.scripts->exists(sha) ? 1 : 0);
  }
}

// SCRIPT FLUSH [ASYNC|SYNC]. The cache is small next to a keyspace, so both
// modes free it at once.
void script_flush_command(Context& ctx, Arguments args) {
  if (args.size() > 3 || (args.size() == 3 && !equals_ignore_case(args[2], "async") &&
                          !equals_ignore_case(args[2], "sync"))) {
    return ctx.reply.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  }
  if (ctx.scripts != nullptr) ctx.scripts->flush();
  ctx.reply.ok();
}

// SCRIPT KILL: it can only find a script running while that script is busy
// (past busy-reply-threshold), when the script's hook serves the other
// clients (scripting/busy_script.cpp). The script stops at its next hook
// and its caller gets "ERR Script killed by user with SCRIPT KILL...".
void script_kill_command(Context& ctx, Arguments /*args*/) {
  if (ctx.scripts == nullptr) return ctx.reply.error("NOTBUSY No scripts in execution right now.");
  const std::string_view refused = ctx.scripts->kill(/*from_script_kill=*/true);
  if (!refused.empty()) return ctx.reply.error(refused);
  ctx.reply.ok();
}

// SCRIPT DEBUG: only NO (the default) is supported; the Lua debugger that
// YES and SYNC start (redis-cli --ldb) is not part of this server.
void script_debug_command(Context& ctx, Arguments args) {
  if (equals_ignore_case(args[2], "no")) return ctx.reply.ok();
  if (equals_ignore_case(args[2], "yes") || equals_ignore_case(args[2], "sync")) {
    return ctx.reply.error("ERR SCRIPT DEBUG YES|SYNC is not supported by this server");
  }
  ctx.reply.error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
}

void script_help_command(Context& ctx, Arguments /*args*/) {
  reply_help(ctx.reply, "SCRIPT",
             {"DEBUG (YES|SYNC|NO)", "    Set the debug mode for subsequent scripts executed.",
              "EXISTS <sha1> [<sha1> ...]",
              "    Return information about the existence of the scripts in the script cache.",
              "FLUSH [ASYNC|SYNC]", "    Flush the Lua scripts cache. Very dangerous on replicas.",
              std::string_view("    When called without the optional mode argument, the behavior "
                               "is determined by the"),
              "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
              "    * ASYNC: Asynchronously flush the scripts cache.",
              "    * SYNC: Synchronously flush the scripts cache.", "KILL",
              "    Kill the currently executing Lua script.", "LOAD <script>",
              "    Load a script into the scripts cache without executing it."});
}

}  // namespace

namespace {

// EVAL, EVALSHA and their _RO forms differ in name, flags, summary and the
// name of their first argument; their keys are counted by numkeys.
CommandSpec eval_row(std::string name, bool read_only, bool by_sha, Handler handler) {
  using namespace flags;  // NOLINT(google-build-using-namespace)
  const std::uint32_t common = kNoscript | kStale | kSkipMonitor | kNoMandatoryKeys | kMovableKeys;
  CommandSpec row{.name = std::move(name),
                  .arity = -3,
                  .flags = read_only ? (kReadonly | common) : common,
                  .keynum_index = 2,
                  .handler = handler,
                  .group = "scripting",
                  .summary = read_only ? "Execute a read-only Lua script server side"
                                       : "Execute a Lua script server side",
                  .since = read_only ? "7.0.0" : "2.6.0",
                  .complexity = "Depends on the script that is executed.",
                  .acl_categories = "@slow @scripting",
                  .key_specs = read_only ? "RO access" : "RW access update",
                  .arguments = {arg::string(by_sha ? "sha1" : "script"), arg::integer("numkeys"),
                                arg::key("key", 0).optional().multiple(),
                                arg::string("arg").optional().multiple()}};
  // Only EVAL and EVAL_RO carry Redis's note on their key spec.
  if (!by_sha) {
    row.key_spec_notes =
        read_only ? "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"
                  : "We cannot tell how the keys will be used so we assume the worst, RW and "
                    "UPDATE";
  }
  return row;
}

CommandSpec script_row(std::string name, int arity, std::uint32_t row_flags, Handler handler,
                       std::string_view summary, std::string_view complexity) {
  return {.name = std::move(name),
          .arity = arity,
          .flags = row_flags,
          .handler = handler,
          .group = "scripting",
          .summary = summary,
          .since = "2.6.0",
          .complexity = complexity,
          .acl_categories = "@slow @scripting"};
}

std::vector<CommandSpec> script_subcommands() {
  using namespace flags;  // NOLINT(google-build-using-namespace)
  CommandSpec load = script_row("load", 3, kNoscript | kStale, script_load_command,
                                "Load the specified Lua script into the script cache.",
                                "O(N) with N being the length in bytes of the script body.");
  load.tips = "request_policy:all_nodes response_policy:all_succeeded";
  load.arguments = {arg::string("script")};
  CommandSpec flush = script_row("flush", -2, kNoscript, script_flush_command,
                                 "Remove all the scripts from the script cache.",
                                 "O(N) with N being the number of scripts in cache");
  flush.tips = "request_policy:all_nodes response_policy:all_succeeded";
  flush.history = {{"6.2.0", "Added the `ASYNC` and `SYNC` flushing mode modifiers."}};
  flush.arguments = {
      arg::oneof("async", {arg::pure_token("async", "ASYNC"), arg::pure_token("sync", "SYNC")})
          .since("6.2.0")
          .optional()};
  CommandSpec debug = script_row("debug", 3, kNoscript, script_debug_command,
                                 "Set the debug mode for executed scripts.", "O(1)");
  debug.since = "3.2.0";
  debug.arguments = {
      arg::oneof("mode", {arg::pure_token("yes", "YES"), arg::pure_token("sync", "SYNC"),
                          arg::pure_token("no", "NO")})};
  CommandSpec exists = script_row(
      "exists", -3, kNoscript, script_exists_command,
      "Check existence of scripts in the script cache.",
      "O(N) with N being the number of scripts to check (so checking a single script is an "
      "O(1) operation).");
  exists.tips = "request_policy:all_shards response_policy:agg_logical_and";
  exists.arguments = {arg::string("sha1").multiple()};
  CommandSpec kill = script_row("kill", 2, kNoscript | kAllowBusy, script_kill_command,
                                "Kill the script currently in execution.", "O(1)");
  kill.tips = "request_policy:all_shards response_policy:one_succeeded";
  CommandSpec help = script_row("help", 2, kLoading | kStale, script_help_command,
                                "Show helpful text about the different subcommands", "O(1)");
  help.since = "5.0.0";
  std::vector<CommandSpec> rows;
  for (CommandSpec* row : {&load, &flush, &debug, &exists, &kill, &help}) {
    rows.push_back(std::move(*row));
  }
  return rows;
}

}  // namespace

// FCALL, FCALL_RO and FUNCTION (function_commands.cpp).
void register_function_commands(CommandTable& table);

void register_scripting_commands(CommandTable& table) {
  table.add(eval_row("eval", false, false, eval_command<false>));
  table.add(eval_row("evalsha", false, true, evalsha_command<false>));
  table.add(eval_row("eval_ro", true, false, eval_command<true>));
  table.add(eval_row("evalsha_ro", true, true, evalsha_command<true>));
  table.add({.name = "script",
             .arity = -2,
             .group = "scripting",
             .summary = "A container for Lua scripts management commands",
             .since = "2.6.0",
             .complexity = "Depends on subcommand.",
             .acl_categories = "@slow",
             .subcommands = script_subcommands()});
  register_function_commands(table);
}

}  // namespace mini_redis::commands
