// Taking the lowest or highest members: ZPOPMIN, ZPOPMAX, ZMPOP, and the
// blocking BZPOPMIN, BZPOPMAX, BZMPOP.
//
//   ZPOPMIN key [count]                         [member, score, ...]
//   ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]   [key, [[member, score], ...]]
//   BZPOPMIN key [key ...] timeout              [key, member, score]
//   BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]    as ZMPOP
//
// All are Redis's genericZpopCommand with different reply shapes, which is
// what this file is mostly about:
//
//   command                    RESP2                   RESP3
//   ZPOPMIN k                  [m, s]                  [m, s]
//   ZPOPMIN k 2                [m, s, m, s]            [[m, s], [m, s]]
//   BZPOPMIN k 0               [k, m, s]               [k, m, s]
//   ZMPOP / BZMPOP             [k, [[m, s], ...]]      the same
//
// and, when nothing is there: ZPOPMIN answers an empty array, ZMPOP a null
// array, the blocking ones wait (blocking.h) and answer a null array (_ in
// RESP3) if their time runs out. Inside MULTI they answer that at once.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "commands/core/arguments.h"
#include "commands/core/blocking.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/sorted_sets/sorted_set_commands.h"
#include "common/ascii.h"
#include "storage/database.h"

namespace mini_redis::commands {

namespace {

enum class PopEnd : std::uint8_t { min, max };

// How the popped elements are framed (see the table above).
enum class PopShape : std::uint8_t {
  flat,             // ZPOPMIN k, and ZPOPMIN k n in RESP2
  nested,           // ZPOPMIN k n in RESP3
  with_key_flat,    // BZPOPMIN, BZPOPMAX
  with_key_nested,  // ZMPOP, BZMPOP
};

// Pops up to `count` members from `end` of the set at `key`, replying them
// in `shape`; then "zpopmin"/"zpopmax", and "del" if the set emptied.
void pop_and_reply(Context& ctx, std::string_view key, types::SortedSet& set, PopEnd end,
                   std::size_t count, PopShape shape) {
  const std::size_t size = set.size();
  const std::size_t popped = count < size ? count : size;
  const bool nested = shape == PopShape::nested || shape == PopShape::with_key_nested;
  switch (shape) {
    case PopShape::flat: ctx.reply.array_header(popped * 2); break;
    case PopShape::nested: ctx.reply.array_header(popped); break;
    case PopShape::with_key_flat:
      ctx.reply.array_header(popped * 2 + 1);
      ctx.reply.bulk_string(key);
      break;
    case PopShape::with_key_nested:
      ctx.reply.array_header(2);
      ctx.reply.bulk_string(key);
      ctx.reply.array_header(popped);
      break;
  }
  const types::RankInterval ranks = end == PopEnd::min ? types::RankInterval{0, popped}
                                                       : types::RankInterval{size - popped, size};
  // Replied before they are erased: the members are views into the set.
  set.visit_ranks(ranks.begin, ranks.end, end == PopEnd::max,
                  [&](std::string_view member, double score) {
                    reply_element(ctx, member, score, true, nested);
                  });
  set.erase_ranks(ranks.begin, ranks.end);
  notify_keyspace_event(ctx, notify::kZset, end == PopEnd::min ? "zpopmin" : "zpopmax", key);
  delete_if_empty(ctx, key, set);
}

// ---- ZPOPMIN, ZPOPMAX --------------------------------------------------------------------------

void pop_command(Context& ctx, Arguments args, PopEnd end) {
  if (args.size() > 3) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  // Redis's getPositiveLongFromObjectOrReply: 0 is "positive" here, and a
  // word that is no number at all gets the same text as -1.
  constexpr std::string_view kNotPositive = "ERR value is out of range, must be positive";
  std::optional<std::int64_t> count;
  if (args.size() == 3) {
    count = integer_or_reply(ctx, args[2], kNotPositive);
    if (!count) return;
    if (*count < 0) {
      ctx.reply.error(kNotPositive);
      return;
    }
  }
  const std::string_view key = args[1];
  const FoundSortedSet found = find_sorted_set_for_write(ctx, key);
  if (found.wrong_type) return;
  if (found.set == nullptr || count == 0) {
    ctx.reply.array_header(0);
    return;
  }
  const PopShape shape = count && ctx.reply.resp3() ? PopShape::nested : PopShape::flat;
  pop_and_reply(ctx, key, *found.set, end, count ? static_cast<std::size_t>(*count) : 1, shape);
}

void zpopmin_command(Context& ctx, Arguments args) {
  pop_command(ctx, args, PopEnd::min);
}
void zpopmax_command(Context& ctx, Arguments args) {
  pop_command(ctx, args, PopEnd::max);
}

// ---- finding a set to pop from
// -------------------------------------------------------------------

struct FoundToPop {
  std::string_view key{};
  types::SortedSet* set = nullptr;  // null: none of the keys holds a set
  bool wrong_type = false;          // WRONGTYPE was replied
};

// The first of `keys` that holds a sorted set; a key of another type met
// first is WRONGTYPE. A blocking command that runs again for a parked client
// (ctx.client.blocked is set then) skips such keys instead, as Redis serves
// a woken client from the ready key only.
FoundToPop first_sorted_set(Context& ctx, std::span<const std::string_view> keys) {
  const bool rerun = ctx.client.blocked != nullptr;
  for (const std::string_view key : keys) {
    storage::Entry* entry = ctx.db().lookup_for_write(key);
    if (entry == nullptr) continue;
    if (entry->type() != storage::ValueType::zset) {
      if (rerun) continue;
      ctx.reply.error(errors::kWrongType);
      return {.wrong_type = true};
    }
    return {.key = key, .set = &entry->object<types::SortedSet>()};
  }
  return {};
}

// ---- ZMPOP and BZMPOP's arguments
// -----------------------------------------------------------------

struct MultiPop {
  std::span<const std::string_view> keys;
  PopEnd end = PopEnd::min;
  std::size_t count = 1;
};

// numkeys at `numkeys_index`, the keys, MIN|MAX, then at most one COUNT;
// the checks and their texts are zmpopGenericCommand's.
std::optional<MultiPop> multi_pop_or_reply(Context& ctx, Arguments args,
                                           std::size_t numkeys_index) {
  const std::optional<std::int64_t> numkeys =
      integer_or_reply(ctx, args[numkeys_index], zset_errors::kNumkeysNotPositive);
  if (!numkeys) return std::nullopt;
  if (*numkeys < 1) {
    ctx.reply.error(zset_errors::kNumkeysNotPositive);
    return std::nullopt;
  }
  const std::size_t first_key = numkeys_index + 1;
  if (static_cast<std::uint64_t>(*numkeys) >= args.size() - first_key) {
    ctx.reply.error(errors::kSyntax);  // no room left for MIN|MAX
    return std::nullopt;
  }
  MultiPop pop{.keys = args.subspan(first_key, static_cast<std::size_t>(*numkeys))};
  const std::size_t where = first_key + pop.keys.size();
  if (equals_ignore_case(args[where], "max")) {
    pop.end = PopEnd::max;
  } else if (!equals_ignore_case(args[where], "min")) {
    ctx.reply.error(errors::kSyntax);
    return std::nullopt;
  }
  const Arguments options = args.subspan(where + 1);
  for (std::size_t i = 0; i < options.size(); i += 2) {
    if (i != 0 || !equals_ignore_case(options[i], "count") || i + 1 == options.size()) {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
    const std::optional<std::int64_t> count =
        integer_or_reply(ctx, options[i + 1], zset_errors::kCountNotPositive);
    if (!count) return std::nullopt;
    if (*count < 1) {
      ctx.reply.error(zset_errors::kCountNotPositive);
      return std::nullopt;
    }
    pop.count = static_cast<std::size_t>(*count);
  }
  return pop;
}

void zmpop_command(Context& ctx, Arguments args) {
  const std::optional<MultiPop> pop = multi_pop_or_reply(ctx, args, 1);
  if (!pop) return;
  const FoundToPop found = first_sorted_set(ctx, pop->keys);
  if (found.wrong_type) return;
  if (found.set == nullptr) {
    ctx.reply.null_array();
    return;
  }
  pop_and_reply(ctx, found.key, *found.set, pop->end, pop->count, PopShape::with_key_nested);
}

// ---- the blocking forms
// ------------------------------------------------------------------------------

// Pops from the first key holding a set, or parks the client on all of them.
void pop_or_block(Context& ctx, Arguments args, std::span<const std::string_view> keys, PopEnd end,
                  std::size_t count, PopShape shape, std::int64_t timeout_ms) {
  const FoundToPop found = first_sorted_set(ctx, keys);
  if (found.wrong_type) return;
  if (found.set == nullptr) {
    block_for_keys(ctx, args, keys, storage::ValueType::zset, timeout_ms, TimeoutReply::null_array);
    return;
  }
  pop_and_reply(ctx, found.key, *found.set, end, count, shape);
}

// BZPOPMIN / BZPOPMAX key [key ...] timeout: the timeout is read first.
void blocking_pop(Context& ctx, Arguments args, PopEnd end) {
  const std::optional<std::int64_t> timeout = blocking_timeout_or_reply(ctx, args.back());
  if (!timeout) return;
  pop_or_block(ctx, args, args.subspan(1, args.size() - 2), end, 1, PopShape::with_key_flat,
               *timeout);
}

void bzpopmin_command(Context& ctx, Arguments args) {
  blocking_pop(ctx, args, PopEnd::min);
}
void bzpopmax_command(Context& ctx, Arguments args) {
  blocking_pop(ctx, args, PopEnd::max);
}

// BZMPOP timeout numkeys key ... MIN|MAX [COUNT n]: the timeout comes first
// but is read last, after everything else was found valid (BZMPOP x 0 k MIN
// is a numkeys error, not a timeout error).
void bzmpop_command(Context& ctx, Arguments args) {
  const std::optional<MultiPop> pop = multi_pop_or_reply(ctx, args, 2);
  if (!pop) return;
  const std::optional<std::int64_t> timeout = blocking_timeout_or_reply(ctx, args[1]);
  if (!timeout) return;
  pop_or_block(ctx, args, pop->keys, pop->end, pop->count, PopShape::with_key_nested, *timeout);
}

ArgumentSpec min_or_max() {
  return arg::oneof("where", {arg::pure_token("min", "MIN"), arg::pure_token("max", "MAX")});
}

}  // namespace

void register_sorted_set_pop_commands(CommandTable& table) {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  const auto pop_row = [](std::string name, Handler handler, std::string_view summary) {
    return sorted_set_row(
        std::move(name), -2, kWrite | kFast, handler,
        {.summary = summary,
         .since = "5.0.0",
         .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M "
                       "being the number of elements popped.",
         .acl_categories = "@write @sortedset @fast",
         .key_specs = "RW access delete"},
        {arg::integer("count").optional()});
  };
  table.add(pop_row("zpopmin", zpopmin_command,
                    "Remove and return members with the lowest scores in a sorted set"));
  table.add(pop_row("zpopmax", zpopmax_command,
                    "Remove and return members with the highest scores in a sorted set"));
  const auto blocking_row = [](std::string name, Handler handler, std::string_view summary) {
    return CommandSpec{
        .name = std::move(name),
        .arity = -3,
        .flags = kWrite | kNoscript | kBlocking | kFast,
        .first_key = 1,
        .last_key = -2,
        .key_step = 1,
        .handler = handler,
        .group = "sorted-set",
        .summary = summary,
        .since = "5.0.0",
        .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
        .acl_categories = "@write @sortedset @fast @blocking",
        .key_specs = "RW access delete",
        .arguments = {arg::key("key", 0).multiple(), arg::double_("timeout")},
        .history = {{"6.0.0", "`timeout` is interpreted as a double instead of an integer."}}};
  };
  table.add(blocking_row(
      "bzpopmin", bzpopmin_command,
      "Remove and return the member with the lowest score from one or more sorted sets, or block "
      "until one is available"));
  table.add(blocking_row(
      "bzpopmax", bzpopmax_command,
      "Remove and return the member with the highest score from one or more sorted sets, or "
      "block until one is available"));
  constexpr std::string_view kMultiPopComplexity =
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements "
      "in the sorted set, and M being the number of elements popped.";
  table.add({.name = "zmpop",
             .arity = -4,
             .flags = kWrite | kMovableKeys,
             .keynum_index = 1,
             .handler = zmpop_command,
             .group = "sorted-set",
             .summary = "Remove and return members with scores in a sorted set",
             .since = "7.0.0",
             .complexity = kMultiPopComplexity,
             .acl_categories = "@write @sortedset @slow",
             .key_specs = "RW access delete",
             .arguments = {arg::integer("numkeys"), arg::key("key", 0).multiple(), min_or_max(),
                           arg::integer("count").token("COUNT").optional()}});
  table.add({.name = "bzmpop",
             .arity = -5,
             .flags = kWrite | kBlocking | kMovableKeys,
             .keynum_index = 2,
             .handler = bzmpop_command,
             .group = "sorted-set",
             .summary = "Remove and return members with scores in a sorted set or block until one "
                        "is available",
             .since = "7.0.0",
             .complexity = kMultiPopComplexity,
             .acl_categories = "@write @sortedset @slow @blocking",
             .key_specs = "RW access delete",
             .arguments = {arg::double_("timeout"), arg::integer("numkeys"),
                           arg::key("key", 0).multiple(), min_or_max(),
                           arg::integer("count").token("COUNT").optional()}});
}

}  // namespace mini_redis::commands
