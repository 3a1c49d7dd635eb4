// Commands on whole databases: DBSIZE, FLUSHDB, FLUSHALL and SWAPDB.
//
// Redis files these under the "server" group rather than "generic", and
// COMMAND DOCS says so; they live here because, like the key commands, they
// are plain verbs on storage::Database and storage::Keyspace.
#include "commands/core/blocking.h"
#include "commands/core/errors.h"
#include "commands/core/watched_keys.h"
#include "commands/keys/key_commands.h"

namespace mini_redis::commands {

namespace {

// DBSIZE: the number of keys in the selected database. Like Redis, it counts
// keys that have expired but were not reclaimed yet: it reads the table's
// size and does not visit the keys.
void dbsize_command(Context& ctx, Arguments /*args*/) {
  ctx.reply.integer(static_cast<std::int64_t>(ctx.db().size()));
}

// FLUSHDB and FLUSHALL take one optional word, ASYNC or SYNC. ASYNC hands
// the keys to the lazy-free thread (storage/lazy_free.h): they are gone at
// once, and their memory comes back over the next moments. Without a word,
// lazyfree-lazy-user-flush decides, as in Redis. Anything else is a syntax
// error; nullopt then.
std::optional<bool> flush_lazily(Context& ctx, Arguments args) {
  if (args.size() == 1) return ctx.config.lazyfree_lazy_user_flush;
  if (args.size() == 2 && equals_ignore_case(args[1], "async")) return true;
  if (args.size() == 2 && equals_ignore_case(args[1], "sync")) return false;
  ctx.reply.error(errors::kSyntax);
  return std::nullopt;
}

// FLUSHDB [ASYNC|SYNC]: deletes every key of the selected database.
void flushdb_command(Context& ctx, Arguments args) {
  const std::optional<bool> lazily = flush_lazily(ctx, args);
  if (!lazily) return;
  signal_database_flushed(ctx, ctx.client.db_index);  // WATCHed keys it holds change
  ctx.stats.persistence.dirty += ctx.db().size();     // Redis counts each key removed
  ctx.db().clear(*lazily);
  ctx.blocking.signal_every_waited_key(ctx.client.db_index);  // XREADGROUP waits end
  ctx.reply.ok();
}

// FLUSHALL [ASYNC|SYNC]: deletes every key of every database.
void flushall_command(Context& ctx, Arguments args) {
  const std::optional<bool> lazily = flush_lazily(ctx, args);
  if (!lazily) return;
  signal_all_databases_flushed(ctx);  // WATCHed keys they hold change
  ctx.stats.persistence.dirty += ctx.keyspace.total_keys();
  ctx.keyspace.clear(*lazily);
  for (int index = 0; index < ctx.keyspace.database_count(); ++index) {
    ctx.blocking.signal_every_waited_key(index);  // XREADGROUP waits end
  }
  // A running BGSAVE is stopped and, with save points, the empty dataset
  // saved at once (Redis's flushAllDataAndResetRDB), which leaves nothing
  // dirty.
  ctx.server.dataset_flushed();
  ctx.reply.ok();
}

// SWAPDB index1 index2: every client that selected one database now sees the
// other's keys, and so does a client parked on a key there (BLPOP): if the
// swapped-in database holds the key, it is served (Redis's
// scanDatabaseForReadyKeys), and an XREADGROUP whose stream is gone gets
// its error (scanDatabaseForDeletedKeys). Each index that is not a number gets its own message
// (Redis names which one); a number outside 0..databases-1 gets the common one.
void swapdb_command(Context& ctx, Arguments args) {
  auto first = int32_or_reply(ctx, args[1], "ERR invalid first DB index");
  if (!first) return;
  auto second = int32_or_reply(ctx, args[2], "ERR invalid second DB index");
  if (!second) return;
  if (!is_valid_db_index(ctx, *first) || !is_valid_db_index(ctx, *second)) {
    ctx.reply.error(errors::kDbIndexOutOfRange);
    return;
  }
  if (*first != *second) {
    signal_databases_swapped(ctx, *first, *second);  // WATCHed keys may change
    ctx.keyspace.swap(*first, *second);
    ++ctx.stats.persistence.dirty;  // no key event says so, but the data moved
    ctx.blocking.signal_every_waited_key(*first);
    ctx.blocking.signal_every_waited_key(*second);
  }
  ctx.reply.ok();
}

// FLUSHDB and FLUSHALL take the same optional ASYNC | SYNC word.
std::vector<ArgumentSpec> flush_mode_arguments() {
  return {arg::oneof("async", {arg::pure_token("async", "ASYNC").since("4.0.0"),
                               arg::pure_token("sync", "SYNC").since("6.2.0")})
              .optional()};
}

std::vector<HistoryEntry> flush_mode_history() {
  return {{"4.0.0", "Added the `ASYNC` flushing mode modifier."},
          {"6.2.0", "Added the `SYNC` flushing mode modifier."}};
}

}  // namespace

void register_database_commands(CommandTable& table) {
  table.add({.name = "dbsize",
             .arity = 1,
             .flags = flags::kReadonly | flags::kFast,
             .handler = dbsize_command,
             .group = "server",
             .summary = "Return the number of keys in the selected database",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@keyspace @read @fast",
             .tips = "request_policy:all_shards response_policy:agg_sum",
             .key_specs = ""});
  table.add({.name = "flushdb",
             .arity = -1,
             .flags = flags::kWrite,
             .handler = flushdb_command,
             .group = "server",
             .summary = "Remove all keys from the current database",
             .since = "1.0.0",
             .complexity = "O(N) where N is the number of keys in the selected database",
             .acl_categories = "@keyspace @write @slow @dangerous",
             .tips = "request_policy:all_shards response_policy:all_succeeded",
             .key_specs = "",
             .arguments = flush_mode_arguments(),
             .history = flush_mode_history()});
  table.add({.name = "flushall",
             .arity = -1,
             .flags = flags::kWrite,
             .handler = flushall_command,
             .group = "server",
             .summary = "Remove all keys from all databases",
             .since = "1.0.0",
             .complexity = "O(N) where N is the total number of keys in all databases",
             .acl_categories = "@keyspace @write @slow @dangerous",
             .tips = "request_policy:all_shards response_policy:all_succeeded",
             .key_specs = "",
             .arguments = flush_mode_arguments(),
             .history = flush_mode_history()});
  table.add(
      {.name = "swapdb",
       .arity = 3,
       .flags = flags::kWrite | flags::kFast,
       .handler = swapdb_command,
       .group = "server",
       .summary = "Swaps two Redis databases",
       .since = "4.0.0",
       .complexity =
           "O(N) where N is the count of clients watching or blocking on keys from both databases.",
       .acl_categories = "@keyspace @write @fast @dangerous",
       .tips = "",
       .key_specs = "",
       .arguments = {arg::integer("index1"), arg::integer("index2")}});
}

}  // namespace mini_redis::commands
