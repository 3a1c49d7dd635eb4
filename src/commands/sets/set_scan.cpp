// SSCAN key cursor [MATCH pattern] [COUNT count]: SCAN, over one set.
//
// Replies [next cursor, [member, member...]]; cursor "0" means the walk is
// over. The cursor and options are read by the SCAN family's shared parser
// (commands/core/scan_arguments.h), so the errors are SCAN's, except that
// SSCAN has no TYPE option.
//
// What a call visits depends on the encoding, as in Redis 7.0
// (scanGenericCommand):
//   intset     the whole set in one call, whatever the cursor and COUNT,
//              and the next cursor is 0: a small set costs no more to send
//              whole than one step of a table would.
//   hashtable  buckets from the cursor on, until COUNT members have been
//              visited, the walk ends, or 10 * COUNT buckets have been
//              looked at. SCAN's guarantee holds: a member present for the
//              whole walk comes back at least once, across resizes.
// MATCH filters what was visited, so a call may answer fewer members than
// COUNT, even none, while the cursor is not 0 yet.
#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/core/scan_arguments.h"
#include "commands/sets/set_commands.h"

namespace mini_redis::commands {

namespace {

void sscan_command(Context& ctx, Arguments args) {
  // Redis reads the cursor before it looks at the key, and the options only
  // once it has a set: SSCAN missing 0 COUNT 0 answers an empty page.
  const std::optional<std::uint64_t> start = scan_cursor_or_reply(ctx, args[2]);
  if (!start) return;
  const FoundSet found = find_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  if (found.set == nullptr) {
    reply_scan_cursor(ctx, 0);
    ctx.reply.array_header(0);
    return;
  }
  const std::optional<ScanOptions> options =
      parse_scan_options(ctx, args.subspan(3), ScanOf::value);
  if (!options) return;

  reply_value_scan_page(ctx, *found.set, *start, *options);
}

}  // namespace

void register_set_scan_commands(CommandTable& table) {
  table.add(set_row(
      "sscan", -3, flags::kReadonly, sscan_command,
      {.summary = "Incrementally iterate Set elements",
       .since = "2.8.0",
       // Two dots at the end: Redis's text has them.
       .complexity =
           "O(1) for every call. O(N) for a complete iteration, including enough command calls "
           "for the cursor to return back to 0. N is the number of elements inside the "
           "collection..",
       .acl_categories = "@read @set @slow",
       .key_specs = "RO access",
       .tips = "nondeterministic_output"},
      {arg::integer("cursor"), arg::pattern("pattern").token("MATCH").optional(),
       arg::integer("count").token("COUNT").optional()}));
}

}  // namespace mini_redis::commands
