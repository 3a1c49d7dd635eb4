// DUMP and RESTORE: one value as bytes, and back.
//
// DUMP's payload is the value exactly as an RDB file holds it, followed by
// the RDB version and a CRC64 (persistence/rdb_writer.h says how), so that
// a payload taken from Redis restores here and the other way round; MIGRATE
// and many backup tools move keys that way.
#include "commands/core/arguments.h"
#include "commands/core/command_docs.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/server_delete.h"
#include "commands/persistence/rdb_options.h"

namespace mini_redis::commands {

namespace {

// DUMP key: the payload, or nil when there is no such key.
void dump_command(Context& ctx, Arguments args) {
  const storage::Entry* entry = ctx.db().lookup_for_read(args[1]);
  if (entry == nullptr) {
    notify_key_miss(ctx, args[1]);
    ctx.reply.null();
    return;
  }
  ctx.reply.bulk_string(persistence::dump_payload(*entry, ctx.config.rdbcompression));
}

struct RestoreOptions {
  bool replace = false;
  bool absolute_ttl = false;  // ABSTTL: the TTL is a Unix time in ms
  std::int64_t idle_seconds = -1;
  int frequency = -1;
};

// [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency], as Redis's
// restoreCommand reads them: IDLETIME and FREQ exclude each other (the second
// one is a syntax error), and a word with no value after it is one too.
std::optional<RestoreOptions> restore_options_or_reply(Context& ctx, Arguments args) {
  RestoreOptions options;
  for (std::size_t i = 4; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (equals_ignore_case(args[i], "replace")) {
      options.replace = true;
    } else if (equals_ignore_case(args[i], "absttl")) {
      options.absolute_ttl = true;
    } else if (equals_ignore_case(args[i], "idletime") && has_value && options.frequency == -1) {
      auto idle = integer_or_reply(ctx, args[++i]);
      if (!idle) return std::nullopt;
      if (*idle < 0) {
        ctx.reply.error("ERR Invalid IDLETIME value, must be >= 0");
        return std::nullopt;
      }
      options.idle_seconds = *idle;
    } else if (equals_ignore_case(args[i], "freq") && has_value && options.idle_seconds == -1) {
      auto frequency = integer_or_reply(ctx, args[++i]);
      if (!frequency) return std::nullopt;
      if (*frequency < 0 || *frequency > 255) {
        ctx.reply.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
        return std::nullopt;
      }
      options.frequency = static_cast<int>(*frequency);
    } else {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
  }
  return options;
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f].
// The checks run in Redis's order: options, an existing key (BUSYKEY), the
// TTL, the payload's footer, then the value itself.
void restore_command(Context& ctx, Arguments args) {
  const std::string_view key = args[1];
  const std::optional<RestoreOptions> options = restore_options_or_reply(ctx, args);
  if (!options) return;
  storage::Database& db = ctx.db();
  if (!options->replace && db.lookup_for_write(key) != nullptr) {
    ctx.reply.error("BUSYKEY Target key name already exists.");
    return;
  }
  const std::optional<std::int64_t> ttl = integer_or_reply(ctx, args[2]);
  if (!ttl) return;
  if (*ttl < 0) {
    ctx.reply.error("ERR Invalid TTL value, must be >= 0");
    return;
  }
  auto restored = persistence::restore_payload(key, args[3], rdb_load_options(ctx.config));
  if (!restored) {
    ctx.reply.error(restored.error());
    return;
  }

  // The replaced value goes as Redis 7.0 frees it (dbDelete): lazily under
  // lazyfree-lazy-server-del.
  const bool deleted = options->replace && delete_by_server(ctx, key);
  // A TTL of 0 means none; a relative one counts from now.
  const std::int64_t expire_at = *ttl == 0 || options->absolute_ttl ? *ttl : ctx.now_ms() + *ttl;
  if (expire_at != 0 && expire_at <= ctx.now_ms()) {
    // Already expired: nothing is created, and a replaced key is gone,
    // which Redis announces as a DEL.
    if (deleted) notify_keyspace_event(ctx, notify::kGeneric, "del", key);
    ctx.reply.ok();
    return;
  }
  storage::Entry& entry = **restored;
  db.attach(std::move(*restored));
  if (expire_at != 0) db.set_expire_at(entry, expire_at);
  db.set_access_history(entry, options->idle_seconds, options->frequency);
  notify_keyspace_event(ctx, notify::kGeneric, "restore", key);
  ctx.reply.ok();
}

}  // namespace

// Rows as COMMAND INFO and COMMAND DOCS on Redis 7.0 report them.
void register_dump_restore_commands(CommandTable& table) {
  using namespace flags;
  table.add({.name = "dump",
             .arity = 2,
             .flags = kReadonly,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = dump_command,
             .group = "generic",
             .summary = "Return a serialized version of the value stored at the specified key.",
             .since = "2.6.0",
             .complexity = "O(1) to access the key and additional O(N*M) to serialize it, where N "
                           "is the number of Redis objects composing the value and M their "
                           "average size. For small string values the time complexity is thus "
                           "O(1)+O(1*M) where M is small, so simply O(1).",
             .acl_categories = "@keyspace @read @slow",
             .tips = "nondeterministic_output",
             .key_specs = "RO access",
             .arguments = {arg::key("key", 0)}});
  table.add({.name = "restore",
             .arity = -4,
             .flags = kWrite | kDenyOom,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = restore_command,
             .group = "generic",
             .summary = "Create a key using the provided serialized value, previously obtained "
                        "using DUMP.",
             .since = "2.6.0",
             .complexity = "O(1) to create the new key and additional O(N*M) to reconstruct the "
                           "serialized value, where N is the number of Redis objects composing "
                           "the value and M their average size. For small string values the "
                           "time complexity is thus O(1)+O(1*M) where M is small, so simply "
                           "O(1). However for sorted set values the complexity is O(N*M*log(N)) "
                           "because inserting values into sorted sets is O(log(N)).",
             .acl_categories = "@keyspace @write @slow @dangerous",
             .key_specs = "OW update",
             .arguments = {arg::key("key", 0), arg::integer("ttl"), arg::string("serialized-value"),
                           arg::pure_token("replace", "REPLACE").since("3.0.0").optional(),
                           arg::pure_token("absttl", "ABSTTL").since("5.0.0").optional(),
                           arg::integer("seconds").token("IDLETIME").since("5.0.0").optional(),
                           arg::integer("frequency").token("FREQ").since("5.0.0").optional()},
             .history = {{"3.0.0", "Added the `REPLACE` modifier."},
                         {"5.0.0", "Added the `ABSTTL` modifier."},
                         {"5.0.0", "Added the `IDLETIME` and `FREQ` options."}}});
}

}  // namespace mini_redis::commands
