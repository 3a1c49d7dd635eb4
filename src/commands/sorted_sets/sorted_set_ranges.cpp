// Ranges of a sorted set: reading them, storing them, removing them.
//
//   ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
//   ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
//   ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX
//                          the pre-6.2 spellings of ZRANGE with fixed options
//   ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX key min max
//
// As in Redis (zrangeGenericCommand), the seven reading commands are one
// function: the older ones only fix the kind of range and the direction,
// and may then not repeat them (ZRANGEBYSCORE k 0 1 REV is a syntax error).
// Whatever the kind, the elements asked for are a run of consecutive ranks,
// so LIMIT offset count is arithmetic on that run (types/sorted_set.h).
//
// With REV, a score or lex range is written max first (ZRANGE k 5 1 BYSCORE
// REV), a rank range is counted from the highest element (ZRANGE k 0 0 REV
// is the highest).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/server_delete.h"
#include "commands/sorted_sets/sorted_set_commands.h"
#include "common/ascii.h"
#include "storage/database.h"

namespace mini_redis::commands {

namespace {

enum class RangeKind : std::uint8_t { unset, rank, score, lex };
enum class Direction : std::uint8_t { unset, forward, reverse };

// What the arguments of a ZRANGE-family command asked for.
struct RangeRequest {
  RangeKind kind = RangeKind::unset;
  Direction direction = Direction::unset;
  bool with_scores = false;
  std::int64_t offset = 0;
  std::int64_t limit = -1;  // -1: no LIMIT (or LIMIT x -1: the same to Redis)
  std::string_view min{};   // the lower end, after REV's swap
  std::string_view max{};
};

// Step 1 of zrangeGenericCommand: the option words after min and max, in any
// order; a LIMIT without two words after it is a syntax error, a repeated
// LIMIT wins last. `key_index` is where the source key is.
std::optional<RangeRequest> parse_request(Context& ctx, Arguments args, std::size_t key_index,
                                          RangeRequest request, bool store) {
  for (std::size_t j = key_index + 3; j < args.size(); ++j) {
    const std::string_view word = args[j];
    const std::size_t left = args.size() - j - 1;
    if (!store && equals_ignore_case(word, "withscores")) {
      request.with_scores = true;
    } else if (equals_ignore_case(word, "limit") && left >= 2) {
      const std::optional<std::int64_t> offset = integer_or_reply(ctx, args[j + 1]);
      if (!offset) return std::nullopt;
      const std::optional<std::int64_t> limit = integer_or_reply(ctx, args[j + 2]);
      if (!limit) return std::nullopt;
      request.offset = *offset;
      request.limit = *limit;
      j += 2;
    } else if (request.direction == Direction::unset && equals_ignore_case(word, "rev")) {
      request.direction = Direction::reverse;
    } else if (request.kind == RangeKind::unset && equals_ignore_case(word, "bylex")) {
      request.kind = RangeKind::lex;
    } else if (request.kind == RangeKind::unset && equals_ignore_case(word, "byscore")) {
      request.kind = RangeKind::score;
    } else {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
  }
  if (request.direction == Direction::unset) request.direction = Direction::forward;
  if (request.kind == RangeKind::unset) request.kind = RangeKind::rank;
  if (request.limit != -1 && request.kind == RangeKind::rank) {
    ctx.reply.error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return std::nullopt;
  }
  if (request.with_scores && request.kind == RangeKind::lex) {
    ctx.reply.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return std::nullopt;
  }
  request.min = args[key_index + 1];
  request.max = args[key_index + 2];
  const bool reverse = request.direction == Direction::reverse;
  if (reverse && request.kind != RangeKind::rank) std::swap(request.min, request.max);
  return request;
}

// LIMIT on a run of ranks: skip `offset` from the end we start at, then keep
// at most `limit` (all if negative). A negative offset leaves nothing, as
// Redis's "while (offset--)" walks off the end.
types::RankInterval apply_limit(types::RankInterval ranks, const RangeRequest& request) {
  if (request.offset < 0 || static_cast<std::uint64_t>(request.offset) >= ranks.size()) return {};
  const auto offset = static_cast<std::size_t>(request.offset);
  const std::size_t keep =
      request.limit < 0 ? ranks.size() - offset
                        : std::min(ranks.size() - offset, static_cast<std::size_t>(request.limit));
  if (request.direction == Direction::reverse)
    return {ranks.end - offset - keep, ranks.end - offset};
  return {ranks.begin + offset, ranks.begin + offset + keep};
}

// A parsed range of any kind, ready to be resolved against a set.
struct ParsedRange {
  std::int64_t start = 0;  // rank ranges
  std::int64_t stop = 0;
  types::ScoreRange score{};
  types::LexRange lex{};
};

// Step 2: the range itself, by kind, with the kind's own error text.
std::optional<ParsedRange> parse_range(Context& ctx, const RangeRequest& request) {
  ParsedRange parsed;
  switch (request.kind) {
    case RangeKind::score: {
      const auto range = score_range_or_reply(ctx, request.min, request.max);
      if (!range) return std::nullopt;
      parsed.score = *range;
      return parsed;
    }
    case RangeKind::lex: {
      const auto range = lex_range_or_reply(ctx, request.min, request.max);
      if (!range) return std::nullopt;
      parsed.lex = *range;
      return parsed;
    }
    case RangeKind::rank:
    case RangeKind::unset: break;
  }
  const std::optional<std::int64_t> start = integer_or_reply(ctx, request.min);
  if (!start) return std::nullopt;
  const std::optional<std::int64_t> stop = integer_or_reply(ctx, request.max);
  if (!stop) return std::nullopt;
  parsed.start = *start;
  parsed.stop = *stop;
  return parsed;
}

// Step 3: the ranks the request selects in `set`, in ascending terms.
types::RankInterval resolve(const types::SortedSet& set, const RangeRequest& request,
                            const ParsedRange& parsed) {
  switch (request.kind) {
    case RangeKind::score: return apply_limit(set.ranks_in(parsed.score), request);
    case RangeKind::lex: return apply_limit(set.ranks_in(parsed.lex), request);
    case RangeKind::rank:
    case RangeKind::unset: break;
  }
  const types::RankInterval ranks = clamp_ranks(parsed.start, parsed.stop, set.size());
  if (request.direction == Direction::forward || ranks.empty()) return ranks;
  // Counted from the highest element: mirror the interval.
  return {set.size() - ranks.end, set.size() - ranks.begin};
}

// ZRANGESTORE's end: the selected elements become `destination` (any old
// value there is replaced), or, when none were selected, `destination` is
// deleted. Replies the number stored.
void store_ranks(Context& ctx, std::string_view destination, const types::SortedSet* source,
                 types::RankInterval ranks, bool by_rank) {
  const types::SortedSetLimits limits = sorted_set_limits(ctx);
  // By rank Redis knows the count up front and picks the encoding from it
  // (zsetTypeCreate); by score or lex it does not, and starts from a
  // listpack that converts as it fills. Built before anything is replaced:
  // src may be dst.
  types::SortedSet result = empty_result_set(by_rank ? ranks.size() : 0, 0, limits);
  if (source != nullptr) {
    source->visit_ranks(ranks.begin, ranks.end, false, [&](std::string_view member, double score) {
      result.append_greatest(member, score, limits);
    });
  }
  storage::Database& db = ctx.db();
  const std::size_t stored = result.size();
  if (stored == 0) {
    if (delete_by_server(ctx, destination))
      notify_keyspace_event(ctx, notify::kGeneric, "del", destination);
  } else {
    db.overwrite(destination, std::move(result));  // setKey: "new" only if it was absent
    notify_keyspace_event(ctx, notify::kZset, "zrangestore", destination);
  }
  ctx.reply.integer(static_cast<std::int64_t>(stored));
}

// zrangeGenericCommand: `key_index` is 1, or 2 for ZRANGESTORE (whose
// destination is argument 1); `fixed` holds what the command name fixes.
void range_generic(Context& ctx, Arguments args, std::size_t key_index, RangeRequest fixed) {
  const bool store = key_index == 2;
  const std::optional<RangeRequest> request = parse_request(ctx, args, key_index, fixed, store);
  if (!request) return;
  const std::optional<ParsedRange> parsed = parse_range(ctx, *request);
  if (!parsed) return;

  const FoundSortedSet found = find_sorted_set_for_read(ctx, args[key_index]);
  if (found.wrong_type) return;
  const types::RankInterval ranks =
      found.set != nullptr ? resolve(*found.set, *request, *parsed) : types::RankInterval{};
  if (store) {
    store_ranks(ctx, args[1], found.set, ranks, request->kind == RangeKind::rank);
  } else if (found.set == nullptr) {
    ctx.reply.array_header(0);
  } else {
    reply_ranks(ctx, *found.set, ranks, request->direction == Direction::reverse,
                request->with_scores);
  }
}

void zrange_command(Context& ctx, Arguments args) {
  range_generic(ctx, args, 1, {});
}
void zrangestore_command(Context& ctx, Arguments args) {
  range_generic(ctx, args, 2, {});
}
void zrevrange_command(Context& ctx, Arguments args) {
  range_generic(ctx, args, 1, {.kind = RangeKind::rank, .direction = Direction::reverse});
}
void zrangebyscore_command(Context& ctx, Arguments args) {
  range_generic(ctx, args, 1, {.kind = RangeKind::score, .direction = Direction::forward});
}
void zrevrangebyscore_command(Context& ctx, Arguments args) {
  range_generic(ctx, args, 1, {.kind = RangeKind::score, .direction = Direction::reverse});
}
void zrangebylex_command(Context& ctx, Arguments args) {
  range_generic(ctx, args, 1, {.kind = RangeKind::lex, .direction = Direction::forward});
}
void zrevrangebylex_command(Context& ctx, Arguments args) {
  range_generic(ctx, args, 1, {.kind = RangeKind::lex, .direction = Direction::reverse});
}

// ---- ZREMRANGEBYRANK / BYSCORE / BYLEX ---------------------------------------------------

// zremrangeGenericCommand: the range is read first, then the key; the event
// names the command ("zremrangebyscore"), then "del" if the set emptied.
void remove_range(Context& ctx, Arguments args, RangeKind kind, std::string_view event) {
  RangeRequest request{.kind = kind, .direction = Direction::forward};
  request.min = args[2];
  request.max = args[3];
  const std::optional<ParsedRange> parsed = parse_range(ctx, request);
  if (!parsed) return;
  const std::string_view key = args[1];
  const FoundSortedSet found = find_sorted_set_for_write(ctx, key);
  if (found.wrong_type) return;
  if (found.set == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  const types::RankInterval ranks = resolve(*found.set, request, *parsed);
  const std::size_t deleted = found.set->erase_ranks(ranks.begin, ranks.end);
  if (deleted > 0) {
    notify_keyspace_event(ctx, notify::kZset, event, key);
    delete_if_empty(ctx, key, *found.set);
  }
  ctx.reply.integer(static_cast<std::int64_t>(deleted));
}

void zremrangebyrank_command(Context& ctx, Arguments args) {
  remove_range(ctx, args, RangeKind::rank, "zremrangebyrank");
}
void zremrangebyscore_command(Context& ctx, Arguments args) {
  remove_range(ctx, args, RangeKind::score, "zremrangebyscore");
}
void zremrangebylex_command(Context& ctx, Arguments args) {
  remove_range(ctx, args, RangeKind::lex, "zremrangebylex");
}

// ZRANGEBYSCORE and friends share all but their name, handler, texts and
// the names of their two range arguments.
CommandSpec legacy_range_row(std::string name, Handler handler, SortedSetRowText text,
                             std::vector<ArgumentSpec> arguments) {
  text.acl_categories = "@read @sortedset @slow";
  text.key_specs = "RO access";
  text.deprecated_since = "6.2.0";
  return sorted_set_row(std::move(name), -4, flags::kReadonly, handler, std::move(text),
                        std::move(arguments));
}

ArgumentSpec limit_argument() {
  return arg::block("offset_count", {arg::integer("offset"), arg::integer("count")})
      .token("LIMIT")
      .optional();
}

ArgumentSpec by_score_or_lex() {
  return arg::oneof("sortby",
                    {arg::pure_token("byscore", "BYSCORE"), arg::pure_token("bylex", "BYLEX")});
}

constexpr std::string_view kLegacyComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
    "with LIMIT), you can consider it O(log(N)).";

void register_removal_rows(CommandTable& table) {
  const auto row = [&table](std::string name, Handler handler, std::string_view summary,
                            std::string_view since, std::vector<ArgumentSpec> arguments) {
    table.add(sorted_set_row(
        std::move(name), 4, flags::kWrite, handler,
        {.summary = summary,
         .since = since,
         .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M "
                       "the number of elements removed by the operation.",
         .acl_categories = "@write @sortedset @slow",
         .key_specs = "RW delete"},
        std::move(arguments)));
  };
  row("zremrangebylex", zremrangebylex_command,
      "Remove all members in a sorted set between the given lexicographical range", "2.8.9",
      {arg::string("min"), arg::string("max")});
  row("zremrangebyrank", zremrangebyrank_command,
      "Remove all members in a sorted set within the given indexes", "2.0.0",
      {arg::integer("start"), arg::integer("stop")});
  row("zremrangebyscore", zremrangebyscore_command,
      "Remove all members in a sorted set within the given scores", "1.2.0",
      {arg::double_("min"), arg::double_("max")});
}

void register_legacy_rows(CommandTable& table) {
  table.add(legacy_range_row(
      "zrevrange", zrevrange_command,
      {.summary = "Return a range of members in a sorted set, by index, with scores ordered from "
                  "high to low",
       .since = "1.2.0",
       .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                     "number of elements returned.",
       .replaced_by = "`ZRANGE` with the `REV` argument"},
      {arg::integer("start"), arg::integer("stop"),
       arg::pure_token("withscores", "WITHSCORES").optional()}));
  table.add(legacy_range_row(
      "zrangebyscore", zrangebyscore_command,
      {.summary = "Return a range of members in a sorted set, by score",
       .since = "1.0.5",
       .complexity = kLegacyComplexity,
       .history = {{"2.0.0", "Added the `WITHSCORES` modifier."}},
       .replaced_by = "`ZRANGE` with the `BYSCORE` argument"},
      {arg::double_("min"), arg::double_("max"),
       arg::pure_token("withscores", "WITHSCORES").since("2.0.0").optional(), limit_argument()}));
  table.add(legacy_range_row(
      "zrevrangebyscore", zrevrangebyscore_command,
      {.summary = "Return a range of members in a sorted set, by score, with scores ordered from "
                  "high to low",
       .since = "2.2.0",
       .complexity = kLegacyComplexity,
       .history = {{"2.1.6", "`min` and `max` can be exclusive."}},
       .replaced_by = "`ZRANGE` with the `REV` and `BYSCORE` arguments"},
      {arg::double_("max"), arg::double_("min"),
       arg::pure_token("withscores", "WITHSCORES").optional(), limit_argument()}));
  table.add(legacy_range_row(
      "zrangebylex", zrangebylex_command,
      {.summary = "Return a range of members in a sorted set, by lexicographical range",
       .since = "2.8.9",
       .complexity = kLegacyComplexity,
       .replaced_by = "`ZRANGE` with the `BYLEX` argument"},
      {arg::string("min"), arg::string("max"), limit_argument()}));
  table.add(legacy_range_row(
      "zrevrangebylex", zrevrangebylex_command,
      {.summary = "Return a range of members in a sorted set, by lexicographical range, ordered "
                  "from higher to lower strings.",
       .since = "2.8.9",
       .complexity = kLegacyComplexity,
       .replaced_by = "`ZRANGE` with the `REV` and `BYLEX` arguments"},
      {arg::string("max"), arg::string("min"), limit_argument()}));
}

}  // namespace

void register_sorted_set_range_commands(CommandTable& table) {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  table.add(sorted_set_row(
      "zrange", -4, kReadonly, zrange_command,
      {.summary = "Return a range of members in a sorted set",
       .since = "1.2.0",
       .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                     "number of elements returned.",
       .acl_categories = "@read @sortedset @slow",
       .key_specs = "RO access",
       .history = {{"6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."}}},
      {arg::string("start"), arg::string("stop"), by_score_or_lex().since("6.2.0").optional(),
       arg::pure_token("rev", "REV").since("6.2.0").optional(), limit_argument().since("6.2.0"),
       arg::pure_token("withscores", "WITHSCORES").optional()}));
  table.add({.name = "zrangestore",
             .arity = -5,
             .flags = kWrite | kDenyOom,
             .first_key = 1,
             .last_key = 2,
             .key_step = 1,
             .handler = zrangestore_command,
             .group = "sorted-set",
             .summary = "Store a range of members from sorted set into another key",
             .since = "6.2.0",
             .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and "
                           "M the number of elements stored into the destination key.",
             .acl_categories = "@write @sortedset @slow",
             .key_specs = "OW update|RO access",
             .arguments = {arg::key("dst", 0), arg::key("src", 1), arg::string("min"),
                           arg::string("max"), by_score_or_lex().optional(),
                           arg::pure_token("rev", "REV").optional(), limit_argument()}});
  register_legacy_rows(table);
  register_removal_rows(table);
}

}  // namespace mini_redis::commands
