// SAVE, BGSAVE and LASTSAVE: the RDB snapshot on demand; BGREWRITEAOF for
// the append-only file.
//
// The handlers only decide what to answer; writing the file, forking and
// reaping the child are the server's (server/snapshots.h), reached through
// ServerServices so that this layer stays free of files and processes.
#include "commands/core/arguments.h"
#include "commands/core/command_docs.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"

namespace mini_redis::commands {

namespace {

constexpr std::string_view kSaveInProgress = "ERR Background save already in progress";

// SAVE: the whole dataset, written in the foreground; every other client
// waits. Refused while a BGSAVE child runs, as Redis does: two writers of the
// same file would race for the final rename.
void save_command(Context& ctx, Arguments /*args*/) {
  if (ctx.stats.persistence.child_running()) {
    ctx.reply.error(kSaveInProgress);
    return;
  }
  if (ctx.server.save_snapshot()) {
    ctx.reply.simple_string("OK");
  } else {
    ctx.reply.error("ERR");  // Redis's shared.err: the reason is in the log
  }
}

// BGSAVE [SCHEDULE]: a forked child writes the snapshot. Only one child
// runs at a time: while a BGREWRITEAOF child runs, SCHEDULE makes the cron
// start the BGSAVE once it ends (Redis's rdb_bgsave_scheduled); without it
// the answer is an error. Another BGSAVE running is an error either way.
void bgsave_command(Context& ctx, Arguments args) {
  bool schedule = false;
  if (args.size() > 1) {
    if (args.size() > 2 || !equals_ignore_case(args[1], "schedule")) {
      ctx.reply.error(errors::kSyntax);
      return;
    }
    schedule = true;
  }
  observability::PersistenceStats& persistence = ctx.stats.persistence;
  if (persistence.child_running()) {
    ctx.reply.error(kSaveInProgress);
    return;
  }
  if (persistence.aof_child_running()) {
    if (schedule) {
      persistence.bgsave_scheduled = true;
      ctx.reply.simple_string("Background saving scheduled");
    } else {
      ctx.reply.error(
          "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
          "SCHEDULE in order to schedule a BGSAVE whenever possible.");
    }
    return;
  }
  switch (ctx.server.start_background_save()) {
    case BackgroundSave::started: ctx.reply.simple_string("Background saving started"); return;
    case BackgroundSave::already_running: ctx.reply.error(kSaveInProgress); return;
    case BackgroundSave::failed: ctx.reply.error("ERR"); return;
  }
}

// BGREWRITEAOF: a forked child writes the AOF's new base file
// (server/append_only_file.h). While a BGSAVE child runs it is scheduled
// for when that one ends.
void bgrewriteaof_command(Context& ctx, Arguments /*args*/) {
  observability::PersistenceStats& persistence = ctx.stats.persistence;
  if (persistence.aof_child_running()) {
    ctx.reply.error("ERR Background append only file rewriting already in progress");
    return;
  }
  switch (ctx.server.start_aof_rewrite()) {
    case BackgroundSave::started:
      ctx.reply.simple_string("Background append only file rewriting started");
      return;
    case BackgroundSave::already_running:  // a BGSAVE child: the rewrite waits for it
      ctx.reply.simple_string("Background append only file rewriting scheduled");
      return;
    case BackgroundSave::failed:
      ctx.reply.error(
          "ERR Can't execute an AOF background rewriting. Please check the server logs for "
          "more information.");
      return;
  }
}

// LASTSAVE: the Unix time of the last successful save. A server that loaded
// nothing counts its start as one, as Redis does.
void lastsave_command(Context& ctx, Arguments /*args*/) {
  ctx.reply.integer(ctx.stats.persistence.last_save_unix);
}

}  // namespace

// Rows as COMMAND INFO and COMMAND DOCS on Redis 7.0 report them.
void register_persistence_commands(CommandTable& table) {
  using namespace flags;
  table.add({.name = "save",
             .arity = 1,
             .flags = kAdmin | kNoscript | kNoAsyncLoading | kNoMulti,
             .handler = save_command,
             .group = "server",
             .summary = "Synchronously save the dataset to disk",
             .since = "1.0.0",
             .complexity = "O(N) where N is the total number of keys in all databases",
             .acl_categories = "@admin @slow @dangerous"});
  table.add({.name = "bgsave",
             .arity = -1,
             .flags = kAdmin | kNoscript | kNoAsyncLoading,
             .handler = bgsave_command,
             .group = "server",
             .summary = "Asynchronously save the dataset to disk",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@admin @slow @dangerous",
             .arguments = {arg::pure_token("schedule", "SCHEDULE").since("3.2.2").optional()},
             .history = {{"3.2.2", "Added the `SCHEDULE` option."}}});
  table.add({.name = "bgrewriteaof",
             .arity = 1,
             .flags = kAdmin | kNoscript | kNoAsyncLoading,
             .handler = bgrewriteaof_command,
             .group = "server",
             .summary = "Asynchronously rewrite the append-only file",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@admin @slow @dangerous"});
  table.add({.name = "lastsave",
             .arity = 1,
             .flags = kLoading | kStale | kFast,
             .handler = lastsave_command,
             .group = "server",
             .summary = "Get the UNIX time stamp of the last successful save to disk",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@admin @fast @dangerous",
             .tips = "nondeterministic_output"});
}

}  // namespace mini_redis::commands
