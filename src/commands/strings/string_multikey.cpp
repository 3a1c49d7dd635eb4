// MGET, MSET and MSETNX: GET and SET on many keys in one round trip.
//
// MGET answers one element per key asked for (null for a missing one), so a
// client can match answers to keys by position. MSET and MSETNX take pairs and
// check the count themselves: the table's arity (-3) cannot say "odd", and
// Redis answers an even count with its wrong-arity error.
#include <string_view>

#include "commands/core/arguments.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/strings/string_commands.h"

namespace mini_redis::commands {

namespace {

// One answer per key, null for missing ones: the array always has as many
// elements as keys were asked for. A key of another type is null too, not
// an error (Redis's mgetCommand skips the type check), and no keymiss.
void mget_command(Context& ctx, Arguments args) {
  const Arguments keys = args.subspan(1);
  ctx.reply.array_header(keys.size());
  for (std::string_view key : keys) {
    const storage::Entry* entry = ctx.db().lookup_for_read(key);
    if (entry == nullptr) {
      notify_key_miss(ctx, key);
      ctx.reply.null();
    } else if (entry->type() != storage::ValueType::string) {
      ctx.reply.null();
    } else {
      ctx.reply.bulk_string(entry->value());
    }
  }
}

// MSET and MSETNX take pairs; an odd count is an arity error even though the
// table's arity (-3) let it through, as Redis checks it in the command.
bool pairs_or_reply(Context& ctx, Arguments args, std::string_view command) {
  if (args.size() % 2 == 1) return true;
  ctx.reply.error(errors::wrong_arity(command));
  return false;
}

// Later pairs win: MSET k 1 k 2 leaves k = 2. Old TTLs are cleared. Each
// key announces "set" right after its own write, as in Redis (so "new" and
// "set" alternate key by key).
void set_pairs(Context& ctx, Arguments args) {
  for (std::size_t i = 1; i + 1 < args.size(); i += 2) {
    ctx.db().set(args[i], args[i + 1]);
    notify_keyspace_event(ctx, notify::kString, "set", args[i]);
  }
}

void mset_command(Context& ctx, Arguments args) {
  if (!pairs_or_reply(ctx, args, "mset")) return;
  set_pairs(ctx, args);
  ctx.reply.ok();
}

// All or nothing: if any key exists, nothing is set and the answer is 0.
void msetnx_command(Context& ctx, Arguments args) {
  if (!pairs_or_reply(ctx, args, "msetnx")) return;
  for (std::size_t i = 1; i < args.size(); i += 2) {
    if (ctx.db().lookup_for_write(args[i]) != nullptr) {
      ctx.reply.integer(0);
      return;
    }
  }
  set_pairs(ctx, args);
  ctx.reply.integer(1);
}

}  // namespace

void register_string_multikey_commands(CommandTable& table) {
  using namespace flags;
  table.add({.name = "mget",
             .arity = -2,
             .flags = kReadonly | kFast,
             .first_key = 1,
             .last_key = -1,
             .key_step = 1,
             .handler = mget_command,
             .group = "string",
             .summary = "Get the values of all the given keys",
             .since = "1.0.0",
             .complexity = "O(N) where N is the number of keys to retrieve.",
             .acl_categories = "@read @string @fast",
             .tips = "request_policy:multi_shard",
             .key_specs = "RO access",
             .arguments = {arg::key("key", 0).multiple()}});
  table.add({.name = "mset",
             .arity = -3,
             .flags = kWrite | kDenyOom,
             .first_key = 1,
             .last_key = -1,
             .key_step = 2,
             .handler = mset_command,
             .group = "string",
             .summary = "Set multiple keys to multiple values",
             .since = "1.0.1",
             .complexity = "O(N) where N is the number of keys to set.",
             .acl_categories = "@write @string @slow",
             .tips = "request_policy:multi_shard response_policy:all_succeeded",
             .key_specs = "OW update",
             .arguments = {
                 arg::block("key_value", {arg::key("key", 0), arg::string("value")}).multiple()}});
  table.add({.name = "msetnx",
             .arity = -3,
             .flags = kWrite | kDenyOom,
             .first_key = 1,
             .last_key = -1,
             .key_step = 2,
             .handler = msetnx_command,
             .group = "string",
             .summary = "Set multiple keys to multiple values, only if none of the keys exist",
             .since = "1.0.1",
             .complexity = "O(N) where N is the number of keys to set.",
             .acl_categories = "@write @string @slow",
             .tips = "request_policy:multi_shard response_policy:agg_min",
             .key_specs = "OW insert",
             .arguments = {
                 arg::block("key_value", {arg::key("key", 0), arg::string("value")}).multiple()}});
}

}  // namespace mini_redis::commands
