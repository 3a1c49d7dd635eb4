// ZRANDMEMBER and ZSCAN: the commands that look at a sorted set in no
// particular order.
//
//   ZRANDMEMBER key                      one random member, or null
//   ZRANDMEMBER key count [WITHSCORES]   count > 0: up to count distinct
//                                        members; count < 0: |count| draws,
//                                        repeats allowed
//   ZSCAN key cursor [MATCH pattern] [COUNT count]
//
// The random source is the database's generator (storage/database.h), so
// no global state is involved. The strategies and their orders are Redis
// 7.0's and live in types/sorted_set.cpp (random_distinct_elements).
//
// ZSCAN walks a listpack whole in one call (cursor 0 back), a skiplist's
// hash table step by step with SCAN's guarantees, as HSCAN does. A score
// comes back as text: for a listpack the stored spelling (1e18 is
// "1000000000000000000"), for a skiplist "%.17g" ("1e+18"), as in Redis.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "commands/core/scan_arguments.h"
#include "commands/sorted_sets/sorted_set_commands.h"
#include "common/ascii.h"
#include "storage/database.h"

namespace mini_redis::commands {

namespace {

// ZRANDMEMBER key count [WITHSCORES] (zrandmemberWithCountCommand).
void random_with_count(Context& ctx, std::string_view key, std::int64_t count, bool with_scores) {
  const FoundSortedSet found = find_sorted_set_for_read(ctx, key);
  if (found.wrong_type) return;
  if (found.set == nullptr || count == 0) {
    ctx.reply.array_header(0);
    return;
  }
  const bool unique = count > 0;
  const std::uint64_t wanted =
      unique ? static_cast<std::uint64_t>(count) : 0 - static_cast<std::uint64_t>(count);
  const std::size_t replied = unique ? std::min<std::uint64_t>(wanted, found.set->size()) : wanted;
  const bool nested = with_scores && ctx.reply.resp3();
  ctx.reply.array_header(with_scores && !nested ? replied * 2 : replied);

  storage::Database& db = ctx.db();
  auto bits = [&db] { return db.random_bits(); };
  auto emit = [&](std::string_view member, double score) {
    reply_element(ctx, member, score, with_scores, nested);
  };
  if (unique) {
    found.set->random_distinct_elements(replied, bits, emit);
  } else {
    found.set->random_elements(replied, bits, emit);
  }
}

void zrandmember_command(Context& ctx, Arguments args) {
  if (args.size() >= 3) {
    // -LONG_MAX..LONG_MAX: the negation of LONG_MIN would not fit.
    const std::optional<std::int64_t> count = integer_or_reply(ctx, args[2]);
    if (!count) return;
    if (*count == std::numeric_limits<std::int64_t>::min()) {
      ctx.reply.error(
          "ERR value is out of range, value must between -9223372036854775807 and "
          "9223372036854775807");
      return;
    }
    if (args.size() > 4 || (args.size() == 4 && !equals_ignore_case(args[3], "withscores"))) {
      ctx.reply.error(errors::kSyntax);
      return;
    }
    const bool with_scores = args.size() == 4;
    // With scores the reply has two entries per member, so the count must
    // stay within half the range (Redis's check, same text).
    constexpr std::int64_t kHalf = std::numeric_limits<std::int64_t>::max() / 2;
    if (with_scores && (*count < -kHalf || *count > kHalf)) {
      ctx.reply.error("ERR value is out of range");
      return;
    }
    random_with_count(ctx, args[1], *count, with_scores);
    return;
  }
  const FoundSortedSet found = find_sorted_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  if (found.set == nullptr) {
    ctx.reply.null();
    return;
  }
  storage::Database& db = ctx.db();
  found.set->random_elements(
      1, [&db] { return db.random_bits(); },
      [&](std::string_view member, double) { ctx.reply.bulk_string(member); });
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]; see the top of the file.
void zscan_command(Context& ctx, Arguments args) {
  // As HSCAN: the cursor is read before the key, the options only once
  // there is a set (ZSCAN missing 0 COUNT 0 answers an empty page).
  const std::optional<std::uint64_t> start = scan_cursor_or_reply(ctx, args[2]);
  if (!start) return;
  const FoundSortedSet found = find_sorted_set_for_read(ctx, args[1]);
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

void register_sorted_set_random_commands(CommandTable& table) {
  table.add(sorted_set_row(
      "zrandmember", -2, flags::kReadonly, zrandmember_command,
      {.summary = "Get one or multiple random elements from a sorted set",
       .since = "6.2.0",
       .complexity = "O(N) where N is the number of elements returned",
       .acl_categories = "@read @sortedset @slow",
       .key_specs = "RO access",
       .tips = "nondeterministic_output"},
      {arg::block("options",
                  {arg::integer("count"), arg::pure_token("withscores", "WITHSCORES").optional()})
           .optional()}));
  table.add(sorted_set_row(
      "zscan", -3, flags::kReadonly, zscan_command,
      {.summary = "Incrementally iterate sorted sets elements and associated scores",
       .since = "2.8.0",
       // Two dots at the end: Redis's text has them.
       .complexity =
           "O(1) for every call. O(N) for a complete iteration, including enough command calls "
           "for the cursor to return back to 0. N is the number of elements inside the "
           "collection..",
       .acl_categories = "@read @sortedset @slow",
       .key_specs = "RO access",
       .tips = "nondeterministic_output"},
      {arg::integer("cursor"), arg::pattern("pattern").token("MATCH").optional(),
       arg::integer("count").token("COUNT").optional()}));
}

}  // namespace mini_redis::commands
