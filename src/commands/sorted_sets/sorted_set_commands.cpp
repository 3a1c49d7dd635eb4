// Sorted sets: a key holding members ordered by a score (ZADD board 10 ada).
//
// This file has the commands that add, score, count and remove members:
//
//   ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
//   ZINCRBY key increment member           -> the new score
//   ZREM key member [member ...]           -> how many were removed
//   ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK
//   ZCOUNT key min max / ZLEXCOUNT key min max
//
// and the helpers the whole family shares (sorted_set_commands.h). A sorted
// set exists only while it has members: the first ZADD creates the key, and
// whatever removes the last member deletes it ("del" event). A missing key
// reads as an empty set (ZCARD 0, ZSCORE null). The value and its two
// encodings live in types/sorted_set.h; here we parse, call it and reply.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/type_check.h"
#include "commands/sorted_sets/sorted_set_commands.h"
#include "common/ascii.h"
#include "storage/database.h"

namespace mini_redis::commands {

// ---- helpers shared by the family (sorted_set_commands.h) -------------------------------------

types::SortedSetLimits sorted_set_limits(const Config& config) {
  // CONFIG only accepts values >= 0; the clamp keeps a bad value from
  // turning into a huge size_t.
  auto size = [](std::int64_t value) {
    return static_cast<std::size_t>(std::max<std::int64_t>(value, 0));
  };
  return {.max_listpack_entries = size(config.zset_max_listpack_entries),
          .max_listpack_value = size(config.zset_max_listpack_value)};
}

FoundSortedSet find_sorted_set_for_read(Context& ctx, std::string_view key) {
  storage::Entry* entry = ctx.db().lookup_for_read(key);
  if (entry == nullptr) {
    notify_key_miss(ctx, key);
    return {};
  }
  if (!check_type(ctx, entry, storage::ValueType::zset)) return {.wrong_type = true};
  return {.set = &entry->object<types::SortedSet>()};
}

FoundSortedSet find_sorted_set_for_write(Context& ctx, std::string_view key) {
  storage::Entry* entry = ctx.db().lookup_for_write(key);
  if (!check_type(ctx, entry, storage::ValueType::zset)) return {.wrong_type = true};
  if (entry == nullptr) return {};
  return {.set = &entry->object<types::SortedSet>()};
}

bool delete_if_empty(Context& ctx, std::string_view key, const types::SortedSet& set) {
  if (!set.empty()) return false;
  ctx.db().erase(key);  // `set` is gone from here on
  notify_keyspace_event(ctx, notify::kGeneric, "del", key);
  return true;
}

types::SortedSet empty_result_set(std::size_t count, std::size_t longest_member,
                                  const types::SortedSetLimits& limits) {
  types::SortedSet set;
  if (count > limits.max_listpack_entries || longest_member > limits.max_listpack_value) {
    set.convert_to_skiplist();
  }
  return set;
}

void reply_element(Context& ctx, std::string_view member, double score, bool with_score,
                   bool nested) {
  if (with_score && nested) ctx.reply.array_header(2);
  ctx.reply.bulk_string(member);
  if (with_score) ctx.reply.double_value(score);
}

void reply_ranks(Context& ctx, const types::SortedSet& set, types::RankInterval ranks, bool reverse,
                 bool with_scores) {
  const bool nested = with_scores && ctx.reply.resp3();
  ctx.reply.array_header(with_scores && !nested ? ranks.size() * 2 : ranks.size());
  set.visit_ranks(ranks.begin, ranks.end, reverse, [&](std::string_view member, double score) {
    reply_element(ctx, member, score, with_scores, nested);
  });
}

CommandSpec sorted_set_row(std::string name, int arity, std::uint32_t command_flags,
                           Handler handler, SortedSetRowText text,
                           std::vector<ArgumentSpec> arguments_after_key) {
  CommandSpec row{.name = std::move(name),
                  .arity = arity,
                  .flags = command_flags,
                  .first_key = 1,
                  .last_key = 1,
                  .key_step = 1,
                  .handler = handler,
                  .group = "sorted-set",
                  .summary = text.summary,
                  .since = text.since,
                  .complexity = text.complexity,
                  .acl_categories = text.acl_categories,
                  .tips = text.tips,
                  .key_specs = text.key_specs,
                  .arguments = {arg::key("key", 0)},
                  .history = std::move(text.history),
                  .deprecated_since = text.deprecated_since,
                  .replaced_by = text.replaced_by};
  for (ArgumentSpec& argument : arguments_after_key) row.arguments.push_back(std::move(argument));
  return row;
}

namespace {

// ---- ZADD and ZINCRBY -------------------------------------------------------------------------

struct ZaddOptions {
  bool nx = false;  // only add new members
  bool xx = false;  // only update existing ones
  bool gt = false;  // update only to a greater score
  bool lt = false;  // update only to a lower score
  bool ch = false;  // reply added + changed, not only added
  bool incr = false;
};

// What zsetAdd did with one score/member pair.
enum class ZaddOutcome : std::uint8_t { added, updated, unchanged, skipped, nan };

// Redis's zsetAdd, for one pair, given the options. `score` becomes the
// member's score (the sum, for INCR) unless the pair was skipped.
ZaddOutcome add_one(types::SortedSet& set, std::string_view member, double& score,
                    const ZaddOptions& options, const types::SortedSetLimits& limits) {
  const std::optional<double> current = set.score(member);
  if (!current) {
    if (options.xx) return ZaddOutcome::skipped;
    set.insert(member, score, limits);
    return ZaddOutcome::added;
  }
  if (options.nx) return ZaddOutcome::skipped;
  if (options.incr) {
    score += *current;
    if (std::isnan(score)) return ZaddOutcome::nan;  // inf + -inf
  }
  // GT and LT compare with the score the member would get (after INCR).
  if ((options.lt && score >= *current) || (options.gt && score <= *current)) {
    return ZaddOutcome::skipped;
  }
  // -0 and 0 are equal here, so ZADD k -0 m on a member at 0 changes nothing.
  if (score == *current) return ZaddOutcome::unchanged;
  set.update(member, score);
  return ZaddOutcome::updated;
}

// Reads the option words before the first score, as zaddGenericCommand:
// every word that is an option is taken, the first that is not starts the
// pairs. Returns the index of that word.
std::size_t read_zadd_options(Arguments args, std::size_t index, ZaddOptions& options) {
  for (; index < args.size(); ++index) {
    const std::string_view word = args[index];
    if (equals_ignore_case(word, "nx")) {
      options.nx = true;
    } else if (equals_ignore_case(word, "xx")) {
      options.xx = true;
    } else if (equals_ignore_case(word, "gt")) {
      options.gt = true;
    } else if (equals_ignore_case(word, "lt")) {
      options.lt = true;
    } else if (equals_ignore_case(word, "ch")) {
      options.ch = true;
    } else if (equals_ignore_case(word, "incr")) {
      options.incr = true;
    } else {
      break;
    }
  }
  return index;
}

// The checks of zaddGenericCommand, in its order; replies the first error.
bool zadd_arguments_valid(Context& ctx, const ZaddOptions& options, Arguments pairs) {
  if (pairs.empty() || pairs.size() % 2 != 0) {
    ctx.reply.error(errors::kSyntax);
    return false;
  }
  if (options.nx && options.xx) {
    ctx.reply.error("ERR XX and NX options at the same time are not compatible");
    return false;
  }
  if ((options.gt && options.nx) || (options.lt && options.nx) || (options.gt && options.lt)) {
    ctx.reply.error("ERR GT, LT, and/or NX options at the same time are not compatible");
    return false;
  }
  if (options.incr && pairs.size() > 2) {
    ctx.reply.error("ERR INCR option supports a single increment-element pair");
    return false;
  }
  // Every score is checked before anything is written: one bad score
  // anywhere and the command changes nothing.
  for (std::size_t i = 0; i < pairs.size(); i += 2) {
    if (!score_or_reply(ctx, pairs[i])) return false;
  }
  return true;
}

// ZADD and ZINCRBY are one command in Redis (zaddGenericCommand), and so
// here: ZINCRBY is ZADD with INCR, its arguments read the same way. That is
// why ZINCRBY k nx m is a syntax error ("nx" is taken as an option, and one
// word is left for the pairs), as in Redis.
void add_generic(Context& ctx, Arguments args, bool incr) {
  const std::string_view key = args[1];
  ZaddOptions options{.incr = incr};
  const Arguments pairs = args.subspan(read_zadd_options(args, 2, options));
  if (!zadd_arguments_valid(ctx, options, pairs)) return;

  const FoundSortedSet found = find_sorted_set_for_write(ctx, key);
  if (found.wrong_type) return;
  types::SortedSet* set = found.set;
  if (set == nullptr && !options.xx) set = &ctx.db().add(key, types::SortedSet{});

  const types::SortedSetLimits limits = sorted_set_limits(ctx);
  std::int64_t added = 0;
  std::int64_t updated = 0;
  bool processed = false;  // INCR: the pair was not skipped
  double score = 0;
  for (std::size_t i = 0; set != nullptr && i < pairs.size(); i += 2) {
    score = parse_score(pairs[i]).value_or(0.0);  // validated above: never the fallback
    const ZaddOutcome outcome = add_one(*set, pairs[i + 1], score, options, limits);
    if (outcome == ZaddOutcome::nan) {
      ctx.reply.error("ERR resulting score is not a number (NaN)");
      return;
    }
    added += outcome == ZaddOutcome::added ? 1 : 0;
    updated += outcome == ZaddOutcome::updated ? 1 : 0;
    processed = outcome != ZaddOutcome::skipped;
  }

  if (!options.incr) {
    ctx.reply.integer(options.ch ? added + updated : added);
  } else if (processed) {
    ctx.reply.double_value(score);
  } else {
    ctx.reply.null();  // NX on a present member, XX on an absent one, GT/LT refusing
  }
  if (added + updated > 0) {
    notify_keyspace_event(ctx, notify::kZset, options.incr ? "zincr" : "zadd", key);
  }
}

void zadd_command(Context& ctx, Arguments args) {
  add_generic(ctx, args, false);
}
void zincrby_command(Context& ctx, Arguments args) {
  add_generic(ctx, args, true);
}

// ---- ZREM -------------------------------------------------------------------------------------

void zrem_command(Context& ctx, Arguments args) {
  const std::string_view key = args[1];
  const FoundSortedSet found = find_sorted_set_for_write(ctx, key);
  if (found.wrong_type) return;
  std::int64_t deleted = 0;
  if (found.set != nullptr) {
    for (const std::string_view member : args.subspan(2)) {
      if (found.set->erase(member)) ++deleted;
      if (found.set->empty()) break;  // nothing left to remove
    }
  }
  // "zrem", then "del" if the last member went, then the reply.
  if (deleted > 0) {
    notify_keyspace_event(ctx, notify::kZset, "zrem", key);
    delete_if_empty(ctx, key, *found.set);
  }
  ctx.reply.integer(deleted);
}

// ---- reading ----------------------------------------------------------------------------------

void zcard_command(Context& ctx, Arguments args) {
  const FoundSortedSet found = find_sorted_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  ctx.reply.integer(found.set != nullptr ? static_cast<std::int64_t>(found.set->size()) : 0);
}

void zscore_command(Context& ctx, Arguments args) {
  const FoundSortedSet found = find_sorted_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  const std::optional<double> score =
      found.set != nullptr ? found.set->score(args[2]) : std::nullopt;
  if (score) {
    ctx.reply.double_value(*score);
  } else {
    ctx.reply.null();
  }
}

// ZMSCORE key member [member ...]: a score or null per member, an array of
// nulls for a missing key.
void zmscore_command(Context& ctx, Arguments args) {
  const FoundSortedSet found = find_sorted_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  const Arguments members = args.subspan(2);
  ctx.reply.array_header(members.size());
  for (const std::string_view member : members) {
    const std::optional<double> score =
        found.set != nullptr ? found.set->score(member) : std::nullopt;
    if (score) {
      ctx.reply.double_value(*score);
    } else {
      ctx.reply.null();
    }
  }
}

// ZRANK / ZREVRANK key member: the 0-based rank from the lowest (highest).
void reply_rank(Context& ctx, Arguments args, bool reverse) {
  const FoundSortedSet found = find_sorted_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  const std::optional<std::size_t> rank =
      found.set != nullptr ? found.set->rank(args[2]) : std::nullopt;
  if (!rank) {
    ctx.reply.null();
    return;
  }
  const std::size_t answer = reverse ? found.set->size() - 1 - *rank : *rank;
  ctx.reply.integer(static_cast<std::int64_t>(answer));
}

void zrank_command(Context& ctx, Arguments args) {
  reply_rank(ctx, args, false);
}
void zrevrank_command(Context& ctx, Arguments args) {
  reply_rank(ctx, args, true);
}

// ZCOUNT / ZLEXCOUNT key min max: the range is read before the key is looked
// up, so a bad range on a missing key is still an error.
void zcount_command(Context& ctx, Arguments args) {
  const std::optional<types::ScoreRange> range = score_range_or_reply(ctx, args[2], args[3]);
  if (!range) return;
  const FoundSortedSet found = find_sorted_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  const std::size_t count = found.set != nullptr ? found.set->ranks_in(*range).size() : 0;
  ctx.reply.integer(static_cast<std::int64_t>(count));
}

void zlexcount_command(Context& ctx, Arguments args) {
  const std::optional<types::LexRange> range = lex_range_or_reply(ctx, args[2], args[3]);
  if (!range) return;
  const FoundSortedSet found = find_sorted_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  const std::size_t count = found.set != nullptr ? found.set->ranks_in(*range).size() : 0;
  ctx.reply.integer(static_cast<std::int64_t>(count));
}

// The rows of ZSCORE, ZRANK and ZREVRANK: key and member, read-only, O(1)
// or O(log(N)).
CommandSpec member_read_row(std::string name, Handler handler, std::string_view summary,
                            std::string_view since, std::string_view complexity) {
  return sorted_set_row(std::move(name), 3, flags::kReadonly | flags::kFast, handler,
                        {.summary = summary,
                         .since = since,
                         .complexity = complexity,
                         .acl_categories = "@read @sortedset @fast",
                         .key_specs = "RO access"},
                        {arg::string("member")});
}

}  // namespace

void register_sorted_set_commands(CommandTable& table) {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  table.add(sorted_set_row(
      "zadd", -4, kWrite | kDenyOom | kFast, zadd_command,
      {.summary = "Add one or more members to a sorted set, or update its score if it already "
                  "exists",
       .since = "1.2.0",
       .complexity =
           "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
       .acl_categories = "@write @sortedset @fast",
       .key_specs = "RW update",
       .history = {{"2.4.0", "Accepts multiple elements."},
                   {"3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."},
                   {"6.2.0", "Added the `GT` and `LT` options."}}},
      {arg::oneof("condition", {arg::pure_token("nx", "NX"), arg::pure_token("xx", "XX")})
           .since("3.0.2")
           .optional(),
       arg::oneof("comparison", {arg::pure_token("gt", "GT"), arg::pure_token("lt", "LT")})
           .since("6.2.0")
           .optional(),
       arg::pure_token("change", "CH").since("3.0.2").optional(),
       arg::pure_token("increment", "INCR").since("3.0.2").optional(),
       arg::block("score_member", {arg::double_("score"), arg::string("member")}).multiple()}));
  table.add(sorted_set_row(
      "zincrby", 4, kWrite | kDenyOom | kFast, zincrby_command,
      {.summary = "Increment the score of a member in a sorted set",
       .since = "1.2.0",
       .complexity = "O(log(N)) where N is the number of elements in the sorted set.",
       .acl_categories = "@write @sortedset @fast",
       .key_specs = "RW access update"},
      {arg::integer("increment"), arg::string("member")}));
  table.add(sorted_set_row(
      "zrem", -3, kWrite | kFast, zrem_command,
      {.summary = "Remove one or more members from a sorted set",
       .since = "1.2.0",
       .complexity = "O(M*log(N)) with N being the number of elements in the sorted set and M the "
                     "number of elements to be removed.",
       .acl_categories = "@write @sortedset @fast",
       .key_specs = "RW delete",
       .history = {{"2.4.0", "Accepts multiple elements."}}},
      {arg::string("member").multiple()}));
  table.add(sorted_set_row("zcard", 2, kReadonly | kFast, zcard_command,
                           {.summary = "Get the number of members in a sorted set",
                            .since = "1.2.0",
                            .complexity = "O(1)",
                            .acl_categories = "@read @sortedset @fast",
                            .key_specs = "RO"}));
  table.add(sorted_set_row(
      "zcount", 4, kReadonly | kFast, zcount_command,
      {.summary = "Count the members in a sorted set with scores within the given values",
       .since = "2.0.0",
       .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
       .acl_categories = "@read @sortedset @fast",
       .key_specs = "RO access"},
      {arg::double_("min"), arg::double_("max")}));
  table.add(sorted_set_row(
      "zlexcount", 4, kReadonly | kFast, zlexcount_command,
      {.summary = "Count the number of members in a sorted set between a given lexicographical "
                  "range",
       .since = "2.8.9",
       .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
       .acl_categories = "@read @sortedset @fast",
       .key_specs = "RO access"},
      {arg::string("min"), arg::string("max")}));
  table.add(member_read_row("zscore", zscore_command,
                            "Get the score associated with the given member in a sorted set",
                            "1.2.0", "O(1)"));
  table.add(
      sorted_set_row("zmscore", -3, kReadonly | kFast, zmscore_command,
                     {.summary = "Get the score associated with the given members in a sorted set",
                      .since = "6.2.0",
                      .complexity = "O(N) where N is the number of members being requested.",
                      .acl_categories = "@read @sortedset @fast",
                      .key_specs = "RO access"},
                     {arg::string("member").multiple()}));
  table.add(member_read_row("zrank", zrank_command,
                            "Determine the index of a member in a sorted set", "2.0.0",
                            "O(log(N))"));
  table.add(member_read_row(
      "zrevrank", zrevrank_command,
      "Determine the index of a member in a sorted set, with scores ordered from high to low",
      "2.0.0", "O(log(N))"));
  register_sorted_set_range_commands(table);
  register_sorted_set_pop_commands(table);
  register_sorted_set_algebra_commands(table);
  register_sorted_set_random_commands(table);
}

}  // namespace mini_redis::commands
