// FCALL, FCALL_RO and FUNCTION: Redis 7.0's functions.
//
//   FUNCTION LOAD [REPLACE] code        create (or replace) a library
//   FUNCTION DELETE name | FLUSH [ASYNC|SYNC]
//   FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE] | STATS
//   FUNCTION DUMP | RESTORE payload [FLUSH|APPEND|REPLACE]
//   FUNCTION KILL | HELP
//   FCALL name numkeys [key ...] [arg ...]      run a function
//   FCALL_RO name numkeys ...                   the same; only no-writes functions
//
// The libraries live in scripting::FunctionEngine; these handlers read the
// arguments, check what Redis checks before a function runs, and reply.
// LOAD, DELETE, FLUSH and RESTORE move the dirty counter, which is what puts
// them in the AOF as they were sent (propagation.h) and counts them for
// the save points, as Redis's server.dirty++ does. An FCALL goes to the AOF
// as the writes its function made, like EVAL.
#include <optional>

#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/scripting/function_payload.h"
#include "commands/server/monitor.h"
#include "common/ascii.h"
#include "common/glob.h"
#include "common/integer_parsing.h"
#include "scripting/function_library.h"
#include "scripting/script_engine.h"

namespace mini_redis::commands {

namespace {

using scripting::FunctionEngine;
namespace function_flags = scripting::function_flags;

constexpr std::string_view kNoEngine = "ERR scripting is not available";

// The library changed: count it as a write (AOF, save points).
void mark_dirty(Context& ctx) {
  ++ctx.stats.persistence.dirty;
}

// What Redis's processCommand refuses before a function that may write
// runs: FCALL takes its flags from the function (scriptFlagsToCmdFlags), so
// one without no-writes counts as a write, and one without allow-oom (or
// no-writes) as denyoom. The texts are the generic ones.
bool refused_by_server_state(Context& ctx, std::uint32_t flags) {
  const bool writes = (flags & function_flags::kNoWrites) == 0;
  const bool deny_oom = (flags & (function_flags::kNoWrites | function_flags::kAllowOom)) == 0;
  if (deny_oom && ctx.config.maxmemory != 0 &&
      ctx.keyspace.make_room() == storage::EvictionResult::failed) {
    ctx.reply.error(errors::kOutOfMemory);
    return true;
  }
  if (writes && !ctx.stats.persistence.last_bgsave_ok && ctx.config.stop_writes_on_bgsave_error &&
      !ctx.config.save.empty()) {
    ctx.reply.error(errors::kSnapshotsFailing);
    return true;
  }
  if (writes && ctx.stats.persistence.aof_write_errno != 0) {
    ctx.reply.error(errors::aof_write_failing(ctx.stats.persistence.aof_write_errno));
    return true;
  }
  return false;
}

// fcallCommandGeneric: the function first, then the key count, then the
// function's flags against the command (FCALL_RO) and the server's state.
template <bool ReadOnly>
void fcall_command(Context& ctx, Arguments args) {
  if (ctx.scripts == nullptr) return ctx.reply.error(kNoEngine);
  FunctionEngine& functions = ctx.scripts->functions();
  const scripting::FunctionInfo* function = functions.find(args[1]);
  if (function != nullptr && refused_by_server_state(ctx, function->flags)) return;
  // Flagged skip_monitor: shown before the commands it runs, as Redis does.
  if (!ctx.monitors.empty()) ctx.monitors.feed(ctx.client, args, ctx.keyspace.clock().now_us());
  if (function == nullptr) return ctx.reply.error("ERR Function not found");
  const std::optional<std::int64_t> numkeys = parse_int64_strict(args[2]);
  if (!numkeys) return ctx.reply.error("ERR Bad number of keys provided");
  const Arguments rest = args.subspan(3);
  if (*numkeys > static_cast<std::int64_t>(rest.size())) {
    return ctx.reply.error("ERR Number of keys can't be greater than number of args");
  }
  if (*numkeys < 0) return ctx.reply.error("ERR Number of keys can't be negative");
  if (ReadOnly && (function->flags & function_flags::kNoWrites) == 0) {
    return ctx.reply.error("ERR Can not execute a script with write flag using *_ro command.");
  }
  const auto count = static_cast<std::size_t>(*numkeys);
  functions.call(ctx, *function, rest.first(count), rest.subspan(count), args);
}

// FUNCTION LOAD [REPLACE] code: options come before the code, which is the
// last argument (so "FUNCTION LOAD REPLACE" loads the code "REPLACE").
void function_load_command(Context& ctx, Arguments args) {
  bool replace = false;
  for (std::size_t i = 2; i + 1 < args.size(); ++i) {
    if (!equals_ignore_case(args[i], "replace")) {
      return ctx.reply.error("ERR Unknown option given: " + std::string(args[i]));
    }
    replace = true;
  }
  if (ctx.scripts == nullptr) return ctx.reply.error(kNoEngine);
  auto loaded = ctx.scripts->functions().load(args.back(), replace);
  if (!loaded) return ctx.reply.error(loaded.error());
  mark_dirty(ctx);
  ctx.reply.bulk_string(*loaded);
}

void function_delete_command(Context& ctx, Arguments args) {
  if (ctx.scripts == nullptr || !ctx.scripts->functions().remove(args[2])) {
    return ctx.reply.error("ERR Library not found");
  }
  mark_dirty(ctx);
  ctx.reply.ok();
}

// FUNCTION FLUSH [ASYNC|SYNC]: libraries are small next to a keyspace, so
// both modes free them at once.
void function_flush_command(Context& ctx, Arguments args) {
  if (args.size() > 3) {
    return ctx.reply.error(errors::subcommand_syntax_error(args[1], "FUNCTION"));
  }
  if (args.size() == 3 && !equals_ignore_case(args[2], "async") &&
      !equals_ignore_case(args[2], "sync")) {
    return ctx.reply.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  }
  if (ctx.scripts != nullptr) ctx.scripts->functions().flush();
  mark_dirty(ctx);
  ctx.reply.ok();
}

void reply_function(protocol::ReplyWriter& reply, const scripting::FunctionInfo& function) {
  reply.map_header(3);
  reply.bulk_string("name");
  reply.bulk_string(function.name);
  reply.bulk_string("description");
  if (function.description) {
    reply.bulk_string(*function.description);
  } else {
    reply.null();
  }
  reply.bulk_string("flags");
  std::size_t count = 0;
  for (const auto& flag : scripting::kFunctionFlagNames) count += (function.flags & flag.flag) != 0;
  reply.set_header(count);
  for (const auto& flag : scripting::kFunctionFlagNames) {
    if ((function.flags & flag.flag) != 0) reply.simple_string(flag.name);
  }
}

// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]: each option once, the
// pattern matched against library names ignoring case (stringmatchlen's
// nocase), though the names themselves are case-sensitive.
void function_list_command(Context& ctx, Arguments args) {
  bool with_code = false;
  std::optional<std::string_view> pattern;
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (!with_code && equals_ignore_case(args[i], "withcode")) {
      with_code = true;
      continue;
    }
    if (!pattern && equals_ignore_case(args[i], "libraryname")) {
      if (i + 1 >= args.size()) return ctx.reply.error("ERR library name argument was not given");
      pattern = args[++i];
      continue;
    }
    return ctx.reply.error("ERR Unknown argument " + std::string(args[i]));
  }
  if (ctx.scripts == nullptr) return ctx.reply.array_header(0);
  const auto& libraries = ctx.scripts->functions().libraries();
  std::vector<const scripting::Library*> shown;
  for (const auto& [name, library] : libraries) {
    if (!pattern || glob_match(*pattern, name, /*nocase=*/true)) shown.push_back(&library);
  }
  ctx.reply.array_header(shown.size());
  for (const scripting::Library* library : shown) {
    ctx.reply.map_header(with_code ? 4 : 3);
    ctx.reply.bulk_string("library_name");
    ctx.reply.bulk_string(library->name);
    ctx.reply.bulk_string("engine");
    ctx.reply.bulk_string("LUA");
    ctx.reply.bulk_string("functions");
    ctx.reply.array_header(library->functions.size());
    for (const auto& [name, function] : library->functions) reply_function(ctx.reply, function);
    if (with_code) {
      ctx.reply.bulk_string("library_code");
      ctx.reply.bulk_string(library->code);
    }
  }
}

// FUNCTION STATS. A function is only seen running while it is busy (past
// busy-reply-threshold), when its hook serves this command
// (scripting/busy_script.cpp): running_script then shows its name, the
// FCALL that called it and how long it has run. While one of EVAL's
// scripts is busy, Redis answers the -BUSY text instead.
void function_stats_command(Context& ctx, Arguments /*args*/) {
  std::size_t libraries = 0;
  std::size_t functions = 0;
  std::optional<scripting::RunningFunction> running;
  if (ctx.scripts != nullptr) {
    if (ctx.scripts->busy_with_eval()) {
      return ctx.reply.error(scripting::kBusyEvalError);
    }
    libraries = ctx.scripts->functions().libraries().size();
    functions = ctx.scripts->functions().function_count();
    running = ctx.scripts->running_function();
  }
  ctx.reply.map_header(2);
  ctx.reply.bulk_string("running_script");
  if (running) {
    ctx.reply.map_header(3);
    ctx.reply.bulk_string("name");
    ctx.reply.bulk_string(running->name);
    ctx.reply.bulk_string("command");
    ctx.reply.array_header(running->command.size());
    for (std::string_view word : running->command) ctx.reply.bulk_string(word);
    ctx.reply.bulk_string("duration_ms");
    ctx.reply.integer(running->duration_ms);
  } else {
    ctx.reply.null();
  }
  ctx.reply.bulk_string("engines");
  ctx.reply.map_header(1);
  ctx.reply.bulk_string("LUA");
  ctx.reply.map_header(2);
  ctx.reply.bulk_string("libraries_count");
  ctx.reply.integer(static_cast<std::int64_t>(libraries));
  ctx.reply.bulk_string("functions_count");
  ctx.reply.integer(static_cast<std::int64_t>(functions));
}

void function_dump_command(Context& ctx, Arguments /*args*/) {
  std::vector<std::string> codes;
  if (ctx.scripts != nullptr) {
    for (const auto& [name, library] : ctx.scripts->functions().libraries()) {
      codes.push_back(library.code);
    }
  }
  ctx.reply.bulk_string(function_dump_payload(codes, ctx.config.rdbcompression));
}

void function_restore_command(Context& ctx, Arguments args) {
  if (args.size() > 4) {
    return ctx.reply.error(errors::subcommand_syntax_error(args[1], "FUNCTION"));
  }
  scripting::RestorePolicy policy = scripting::RestorePolicy::append;
  if (args.size() == 4) {
    if (equals_ignore_case(args[3], "append")) {
      policy = scripting::RestorePolicy::append;
    } else if (equals_ignore_case(args[3], "replace")) {
      policy = scripting::RestorePolicy::replace;
    } else if (equals_ignore_case(args[3], "flush")) {
      policy = scripting::RestorePolicy::flush;
    } else {
      return ctx.reply.error(
          "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
    }
  }
  auto codes = function_payload_codes(args[2]);
  if (!codes) return ctx.reply.error(codes.error());
  if (ctx.scripts == nullptr) return ctx.reply.error(kNoEngine);
  const std::string error = ctx.scripts->functions().restore(*codes, policy);
  if (!error.empty()) return ctx.reply.error(error);
  mark_dirty(ctx);
  ctx.reply.ok();
}

// FUNCTION KILL: SCRIPT KILL's twin for functions (see STATS for when a
// function can be seen running); the same refusals, from the same place.
void function_kill_command(Context& ctx, Arguments /*args*/) {
  if (ctx.scripts == nullptr) return ctx.reply.error("NOTBUSY No scripts in execution right now.");
  const std::string_view refused = ctx.scripts->kill(/*from_script_kill=*/false);
  if (!refused.empty()) return ctx.reply.error(refused);
  ctx.reply.ok();
}

}  // namespace

// The FUNCTION HELP text and the command rows (function_rows.cpp).
void function_help_command(Context& ctx, Arguments args);
void register_function_rows(CommandTable& table, Handler fcall, Handler fcall_ro,
                            const std::vector<std::pair<std::string, Handler>>& subcommands);

void register_function_commands(CommandTable& table) {
  register_function_rows(table, fcall_command<false>, fcall_command<true>,
                         {{"load", function_load_command},
                          {"delete", function_delete_command},
                          {"flush", function_flush_command},
                          {"list", function_list_command},
                          {"stats", function_stats_command},
                          {"dump", function_dump_command},
                          {"restore", function_restore_command},
                          {"kill", function_kill_command},
                          {"help", function_help_command}});
}

}  // namespace mini_redis::commands
