// Walking the keyspace: KEYS, SCAN and RANDOMKEY.
//
// KEYS answers in one go and so blocks every other client for as long as it
// takes to visit all keys; SCAN answers a few keys at a time and hands back a
// cursor to continue from. Database::scan guarantees, as Redis's dictScan
// does, that a key present for the whole iteration is returned at least once
// (possibly more than once) even if the table grows or shrinks in between.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/scan_arguments.h"
#include "commands/keys/key_commands.h"
#include "common/glob.h"

namespace mini_redis::commands {

namespace {

// KEYS pattern: every live key matching the glob pattern, in table order.
// Expired keys that nobody has deleted yet are skipped but left in place:
// KEYS only reads, as in Redis.
void keys_command(Context& ctx, Arguments args) {
  const std::string_view pattern = args[1];
  const bool match_all = pattern == "*";  // the common case needs no matching
  std::vector<std::string_view> keys;
  // The views point into the entries, which stay put until the next write.
  ctx.db().for_each_live([&](storage::Entry& entry) {
    if (match_all || glob_match(pattern, entry.key())) keys.push_back(entry.key());
  });
  ctx.reply.array_header(keys.size());
  for (std::string_view key : keys) ctx.reply.bulk_string(key);
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]: replies
// [next cursor as a bulk string, [keys...]]; cursor "0" means done.
//
// As in Redis 7.0, COUNT bounds the keys *visited*, and MATCH and TYPE filter
// them afterwards, so a call may return fewer keys than COUNT, even none,
// while the iteration is not over. A call visits buckets until it has COUNT
// keys, the scan ends, or it has looked at 10 * COUNT buckets (so a sparse
// table cannot make one call run forever). The cursor's and the options'
// parsing, with their errors, is the SCAN family's (core/scan_arguments.h).
void scan_command(Context& ctx, Arguments args) {
  auto cursor = scan_cursor_or_reply(ctx, args[1]);
  if (!cursor) return;
  auto options = parse_scan_options(ctx, args.subspan(2), ScanOf::keyspace);
  if (!options) return;

  const auto count = static_cast<std::uint64_t>(options->count);
  std::uint64_t steps_left = scan_step_budget(options->count);

  // Copies, not views: the TYPE filter below looks keys up again, and a
  // lookup may delete an expired entry under a view's feet.
  std::vector<std::string> keys;
  storage::Database& db = ctx.db();
  do {
    *cursor = db.scan(*cursor, [&](storage::Entry& entry) { keys.emplace_back(entry.key()); });
  } while (*cursor != 0 && steps_left-- > 0 && keys.size() < count);

  // Filter what was visited. Erasing from the vector keeps the table order.
  // The TYPE check is a read that counts in INFO stats, as in Redis.
  std::erase_if(keys, [&](const std::string& key) {
    if (options->pattern && !glob_match(*options->pattern, key)) return true;
    if (options->type_name) {
      const storage::Entry* entry = lookup_without_touching(ctx, key);
      if (entry == nullptr || !equals_ignore_case(*options->type_name, type_name(entry->type())))
        return true;
    }
    return false;
  });

  reply_scan_cursor(ctx, *cursor);
  ctx.reply.array_header(keys.size());
  for (const std::string& key : keys) ctx.reply.bulk_string(key);
}

// RANDOMKEY: a random live key, or a null reply when the database is empty.
void randomkey_command(Context& ctx, Arguments /*args*/) {
  const storage::Entry* entry = ctx.db().random_entry();
  if (entry == nullptr) {
    ctx.reply.null();
  } else {
    ctx.reply.bulk_string(entry->key());
  }
}

}  // namespace

void register_keyspace_scan_commands(CommandTable& table) {
  table.add(
      {.name = "keys",
       .arity = 2,
       .flags = flags::kReadonly,
       .handler = keys_command,
       .group = "generic",
       .summary = "Find all keys matching the given pattern",
       .since = "1.0.0",
       .complexity =
           "O(N) with N being the number of keys in the database, under the assumption that the "
           "key names in the database and the given pattern have limited length.",
       .acl_categories = "@keyspace @read @slow @dangerous",
       .tips = "request_policy:all_shards nondeterministic_output_order",
       .key_specs = "",
       .arguments = {arg::pattern("pattern")}});
  table.add(
      {.name = "scan",
       .arity = -2,
       .flags = flags::kReadonly,
       .handler = scan_command,
       .group = "generic",
       .summary = "Incrementally iterate the keys space",
       .since = "2.8.0",
       .complexity =
           "O(1) for every call. O(N) for a complete iteration, including enough command calls "
           "for the cursor to return back to 0. N is the number of elements inside the collection.",
       .acl_categories = "@keyspace @read @slow",
       .tips = "nondeterministic_output request_policy:special",
       .key_specs = "",
       .arguments = {arg::integer("cursor"), arg::pattern("pattern").token("MATCH").optional(),
                     arg::integer("count").token("COUNT").optional(),
                     arg::string("type").token("TYPE").since("6.0.0").optional()},
       .history = {{"6.0.0", "Added the `TYPE` subcommand."}}});
  table.add({.name = "randomkey",
             .arity = 1,
             .flags = flags::kReadonly,
             .handler = randomkey_command,
             .group = "generic",
             .summary = "Return a random key from the keyspace",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@keyspace @read @slow",
             .tips = "request_policy:all_shards nondeterministic_output",
             .key_specs = ""});
}

}  // namespace mini_redis::commands
