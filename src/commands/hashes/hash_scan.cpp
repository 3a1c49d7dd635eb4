// HSCAN key cursor [MATCH pattern] [COUNT count]: SCAN, over one hash.
//
// Replies [next cursor, [field, value, field, value...]]; cursor "0" means
// the walk is over. The cursor and options are read by the SCAN family's
// shared parser (commands/core/scan_arguments.h), so the errors are SCAN's,
// except that HSCAN has no TYPE option.
//
// What a call visits depends on the encoding, as in Redis 7.0
// (scanGenericCommand):
//   listpack   the whole hash in one call, whatever the cursor and COUNT,
//              and the next cursor is 0: a small hash costs no more to send
//              whole than one step of a table would.
//   hashtable  buckets from the cursor on, until COUNT *elements* have been
//              visited (a pair counts as two, a field and a value, so COUNT 10
//              visits about 5 fields), the walk ends, or 10 * COUNT buckets
//              have been looked at. SCAN's guarantee holds: a field present for
//              the whole walk comes back at least once, across resizes.
// MATCH filters what was visited, by field name, so a call may answer fewer
// pairs than COUNT, even none, while the cursor is not 0 yet.
#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/core/scan_arguments.h"
#include "commands/hashes/hash_commands.h"

namespace mini_redis::commands {

namespace {

void hscan_command(Context& ctx, Arguments args) {
  // Redis reads the cursor before it looks at the key, and the options only
  // once it has a hash: HSCAN missing 0 COUNT 0 answers an empty page.
  const std::optional<std::uint64_t> start = scan_cursor_or_reply(ctx, args[2]);
  if (!start) return;
  const FoundHash found = find_hash_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  if (found.hash == nullptr) {
    reply_scan_cursor(ctx, 0);
    ctx.reply.array_header(0);
    return;
  }
  const std::optional<ScanOptions> options =
      parse_scan_options(ctx, args.subspan(3), ScanOf::value);
  if (!options) return;

  reply_value_scan_page(ctx, *found.hash, *start, *options);
}

}  // namespace

void register_hash_scan_commands(CommandTable& table) {
  table.add(hash_row(
      "hscan", -3, flags::kReadonly, hscan_command,
      {.summary = "Incrementally iterate hash fields and associated values",
       .since = "2.8.0",
       // Two dots at the end: Redis's text has them.
       .complexity =
           "O(1) for every call. O(N) for a complete iteration, including enough command calls "
           "for the cursor to return back to 0. N is the number of elements inside the "
           "collection..",
       .acl_categories = "@read @hash @slow",
       .key_specs = "RO access",
       .tips = "nondeterministic_output"},
      {arg::integer("cursor"), arg::pattern("pattern").token("MATCH").optional(),
       arg::integer("count").token("COUNT").optional()}));
}

}  // namespace mini_redis::commands
