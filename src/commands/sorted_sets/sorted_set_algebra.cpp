// Set algebra over sorted sets: union, intersection, difference.
//
//   ZUNION numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
//   ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
//   ZDIFF numkeys key [key ...] [WITHSCORES]
//   ZUNIONSTORE / ZINTERSTORE destination numkeys key ... [WEIGHTS ...] [AGGREGATE ...]
//   ZDIFFSTORE destination numkeys key [key ...]
//   ZINTERCARD numkeys key [key ...] [LIMIT limit]
//
// One function does them all, as Redis's zunionInterDiffGenericCommand:
//   - an input may be a sorted set or a plain set (each member scoring 1);
//     a missing key is an empty set; any other type is WRONGTYPE;
//   - each input's scores are multiplied by its weight (default 1), a NaN
//     product (0 * inf) counting as 0;
//   - scores of a member found in several inputs are aggregated: SUM (with
//     inf + -inf = 0), MIN or MAX;
//   - ZDIFF keeps the members of the first input found in none of the
//     others, with their scores (no weights).
// Floating-point sums depend on their order, so the inputs are visited in
// Redis's order: sorted by size, smallest first (a stable sort, as glibc's
// qsort is for these sizes), except for ZDIFF.
//
// The result is sorted by score then member, like any sorted set; the
// STORE forms keep it as a listpack when it fits the limits (Redis's
// zsetConvertToListpackIfNeeded), and delete the destination when it is
// empty.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/server_delete.h"
#include "commands/sorted_sets/sorted_set_commands.h"
#include "common/ascii.h"
#include "storage/database.h"
#include "types/set.h"

namespace mini_redis::commands {

namespace {

enum class SetOperation : std::uint8_t { union_, inter, diff };
enum class Aggregate : std::uint8_t { sum, min, max };

// One input: a sorted set, a plain set, or nothing (a missing key).
struct Source {
  const types::SortedSet* zset = nullptr;
  const types::Set* set = nullptr;
  double weight = 1;

  [[nodiscard]] std::size_t size() const {
    return zset != nullptr ? zset->size() : set != nullptr ? set->size() : 0;
  }
  // Every member with its score (1 for a plain set's members).
  template <class Visit>
  void for_each(Visit&& visit) const {
    if (zset != nullptr) zset->for_each(visit);
    if (set != nullptr) set->for_each([&visit](std::string_view member) { visit(member, 1.0); });
  }
  [[nodiscard]] std::optional<double> score(std::string_view member) const {
    if (zset != nullptr) return zset->score(member);
    if (set != nullptr && set->contains(member)) return 1.0;
    return std::nullopt;
  }
};

// What the arguments asked for.
struct AlgebraRequest {
  std::vector<Source> sources;
  Aggregate aggregate = Aggregate::sum;
  bool with_scores = false;
  std::int64_t limit = 0;  // ZINTERCARD; 0: no limit
};

using Element = std::pair<std::string, double>;

// zunionInterAggregate.
void aggregate_into(double& target, double value, Aggregate aggregate) {
  switch (aggregate) {
    case Aggregate::sum:
      target += value;
      if (std::isnan(target)) target = 0;  // inf + -inf
      break;
    case Aggregate::min: target = std::min(target, value); break;
    case Aggregate::max: target = std::max(target, value); break;
  }
}

double weighted(double score, double weight) {
  const double product = score * weight;
  return std::isnan(product) ? 0 : product;  // 0 * inf
}

// The keys after numkeys: each looked up (for a write when there is a
// destination, as Redis does), its type checked. Replies the error.
bool read_sources(Context& ctx, Arguments keys, bool for_write, std::vector<Source>& sources) {
  sources.reserve(keys.size());
  for (const std::string_view key : keys) {
    storage::Entry* entry =
        for_write ? ctx.db().lookup_for_write(key) : ctx.db().lookup_for_read(key);
    Source source;
    if (entry == nullptr) {
      if (!for_write) notify_key_miss(ctx, key);
    } else if (entry->type() == storage::ValueType::zset) {
      source.zset = &entry->object<types::SortedSet>();
    } else if (entry->type() == storage::ValueType::set) {
      source.set = &entry->object<types::Set>();
    } else {
      ctx.reply.error(errors::kWrongType);
      return false;
    }
    sources.push_back(source);
  }
  return true;
}

// The words after the keys, in any order (each allowed only where Redis
// allows it); a repeated option wins last.
bool read_options(Context& ctx, Arguments words, SetOperation operation, bool store,
                  bool cardinality_only, AlgebraRequest& request) {
  const bool weighted_op = operation != SetOperation::diff && !cardinality_only;
  const std::size_t setnum = request.sources.size();
  for (std::size_t j = 0; j < words.size();) {
    const std::size_t remaining = words.size() - j;
    if (weighted_op && remaining > setnum && equals_ignore_case(words[j], "weights")) {
      for (std::size_t i = 0; i < setnum; ++i) {
        const std::optional<double> weight = parse_score(words[j + 1 + i]);
        if (!weight) {
          ctx.reply.error("ERR weight value is not a float");
          return false;
        }
        request.sources[i].weight = *weight;
      }
      j += 1 + setnum;
    } else if (weighted_op && remaining >= 2 && equals_ignore_case(words[j], "aggregate")) {
      const std::string_view how = words[j + 1];
      if (equals_ignore_case(how, "sum")) {
        request.aggregate = Aggregate::sum;
      } else if (equals_ignore_case(how, "min")) {
        request.aggregate = Aggregate::min;
      } else if (equals_ignore_case(how, "max")) {
        request.aggregate = Aggregate::max;
      } else {
        ctx.reply.error(errors::kSyntax);
        return false;
      }
      j += 2;
    } else if (!store && !cardinality_only && equals_ignore_case(words[j], "withscores")) {
      request.with_scores = true;
      ++j;
    } else if (cardinality_only && remaining >= 2 && equals_ignore_case(words[j], "limit")) {
      constexpr std::string_view kLimitNegative = "ERR LIMIT can't be negative";
      const std::optional<std::int64_t> limit = integer_or_reply(ctx, words[j + 1], kLimitNegative);
      if (!limit) return false;
      if (*limit < 0) {
        ctx.reply.error(kLimitNegative);
        return false;
      }
      request.limit = *limit;
      j += 2;
    } else {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// ---- the three operations ----------------------------------------------------------------

// Members of the smallest input found in every other, scores aggregated.
// With `count_only`, stops counting at a non-zero `limit` (ZINTERCARD).
std::size_t intersect(const AlgebraRequest& request, std::vector<Element>* out, bool count_only) {
  const std::vector<Source>& sources = request.sources;
  if (sources.empty() || sources[0].size() == 0) return 0;
  std::size_t found = 0;
  const auto limit = static_cast<std::uint64_t>(request.limit);
  bool done = false;
  sources[0].for_each([&](std::string_view member, double score) {
    if (done) return;
    double total = weighted(score, sources[0].weight);
    for (std::size_t j = 1; j < sources.size(); ++j) {
      const std::optional<double> other = sources[j].score(member);
      if (!other) return;
      aggregate_into(total, *other * sources[j].weight, request.aggregate);
    }
    ++found;
    if (!count_only) out->emplace_back(member, total);
    if (count_only && limit != 0 && found >= limit) done = true;
  });
  return found;
}

void unite(const AlgebraRequest& request, std::vector<Element>& out) {
  absl::flat_hash_map<std::string, double> scores;
  if (!request.sources.empty()) scores.reserve(request.sources.back().size());
  for (const Source& source : request.sources) {
    source.for_each([&](std::string_view member, double score) {
      const double value = weighted(score, source.weight);
      const auto [it, added] = scores.try_emplace(std::string(member), value);
      if (!added) aggregate_into(it->second, value, request.aggregate);
    });
  }
  out.reserve(scores.size());
  for (auto& [member, score] : scores) out.emplace_back(member, score);
}

void subtract(const AlgebraRequest& request, std::vector<Element>& out) {
  const std::vector<Source>& sources = request.sources;
  if (sources.empty()) return;
  sources[0].for_each([&](std::string_view member, double score) {
    for (std::size_t j = 1; j < sources.size(); ++j) {
      if (sources[j].score(member)) return;
    }
    out.emplace_back(member, score);
  });
}

// ---- the command ---------------------------------------------------------------------------

// The result, in sorted set order: by score, then member bytes.
std::vector<Element> compute(AlgebraRequest& request, SetOperation operation) {
  if (operation != SetOperation::diff) {
    std::stable_sort(request.sources.begin(), request.sources.end(),
                     [](const Source& a, const Source& b) { return a.size() < b.size(); });
  }
  std::vector<Element> result;
  switch (operation) {
    case SetOperation::inter: intersect(request, &result, false); break;
    case SetOperation::union_: unite(request, result); break;
    case SetOperation::diff: subtract(request, result); break;
  }
  std::sort(result.begin(), result.end(), [](const Element& a, const Element& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
  return result;
}

void store_result(Context& ctx, std::string_view destination, const std::vector<Element>& result,
                  SetOperation operation) {
  storage::Database& db = ctx.db();
  if (result.empty()) {
    ctx.reply.integer(0);
    if (delete_by_server(ctx, destination))
      notify_keyspace_event(ctx, notify::kGeneric, "del", destination);
    return;
  }
  const types::SortedSetLimits limits = sorted_set_limits(ctx);
  std::size_t longest = 0;
  for (const auto& [member, score] : result) longest = std::max(longest, member.size());
  types::SortedSet stored = empty_result_set(result.size(), longest, limits);
  for (const auto& [member, score] : result) stored.append_greatest(member, score, limits);
  // Any old value, of any type, is replaced; "new" only if there was none.
  db.overwrite(destination, std::move(stored));
  ctx.reply.integer(static_cast<std::int64_t>(result.size()));
  const std::string_view event = operation == SetOperation::union_  ? "zunionstore"
                                 : operation == SetOperation::inter ? "zinterstore"
                                                                    : "zdiffstore";
  notify_keyspace_event(ctx, notify::kZset, event, destination);
}

// zunionInterDiffGenericCommand. `destination` is empty for the forms that
// reply the result; numkeys is at `numkeys_index`.
void algebra_generic(Context& ctx, Arguments args, std::size_t numkeys_index,
                     SetOperation operation, bool cardinality_only = false) {
  const bool store = numkeys_index == 2;
  const std::optional<std::int64_t> numkeys = integer_or_reply(ctx, args[numkeys_index]);
  if (!numkeys) return;
  if (*numkeys < 1) {
    std::string name(args[0]);  // Redis names the command as its table does: lower case
    for (char& c : name) c = to_lower_ascii(c);
    ctx.reply.error("ERR at least 1 input key is needed for '" + name + "' command");
    return;
  }
  const std::size_t first_key = numkeys_index + 1;
  if (static_cast<std::uint64_t>(*numkeys) > args.size() - first_key) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  const Arguments keys = args.subspan(first_key, static_cast<std::size_t>(*numkeys));
  AlgebraRequest request;
  if (!read_sources(ctx, keys, store, request.sources)) return;
  if (!read_options(ctx, args.subspan(first_key + keys.size()), operation, store, cardinality_only,
                    request)) {
    return;
  }
  if (cardinality_only) {
    std::stable_sort(request.sources.begin(), request.sources.end(),
                     [](const Source& a, const Source& b) { return a.size() < b.size(); });
    ctx.reply.integer(static_cast<std::int64_t>(intersect(request, nullptr, true)));
    return;
  }
  const std::vector<Element> result = compute(request, operation);
  if (store) {
    store_result(ctx, args[1], result, operation);
    return;
  }
  const bool nested = request.with_scores && ctx.reply.resp3();
  ctx.reply.array_header(request.with_scores && !nested ? result.size() * 2 : result.size());
  for (const auto& [member, score] : result) {
    reply_element(ctx, member, score, request.with_scores, nested);
  }
}

void zunion_command(Context& ctx, Arguments args) {
  algebra_generic(ctx, args, 1, SetOperation::union_);
}
void zinter_command(Context& ctx, Arguments args) {
  algebra_generic(ctx, args, 1, SetOperation::inter);
}
void zdiff_command(Context& ctx, Arguments args) {
  algebra_generic(ctx, args, 1, SetOperation::diff);
}
void zunionstore_command(Context& ctx, Arguments args) {
  algebra_generic(ctx, args, 2, SetOperation::union_);
}
void zinterstore_command(Context& ctx, Arguments args) {
  algebra_generic(ctx, args, 2, SetOperation::inter);
}
void zdiffstore_command(Context& ctx, Arguments args) {
  algebra_generic(ctx, args, 2, SetOperation::diff);
}
void zintercard_command(Context& ctx, Arguments args) {
  algebra_generic(ctx, args, 1, SetOperation::inter, true);
}

// The rows differ in name, handler, texts, where numkeys is and which
// options follow the keys.
struct AlgebraRow {
  std::string_view name;
  Handler handler;
  std::string_view summary;
  std::string_view since;
  std::string_view complexity;
};

ArgumentSpec weights_argument() {
  return arg::integer("weight").token("WEIGHTS").optional().multiple();
}
ArgumentSpec aggregate_argument() {
  return arg::oneof("aggregate", {arg::pure_token("sum", "SUM"), arg::pure_token("min", "MIN"),
                                  arg::pure_token("max", "MAX")})
      .token("AGGREGATE")
      .optional();
}

// ZUNION, ZINTER, ZDIFF, ZINTERCARD: numkeys first, read-only.
CommandSpec reading_row(const AlgebraRow& row, std::vector<ArgumentSpec> options) {
  CommandSpec spec{.name = std::string(row.name),
                   .arity = -3,
                   .flags = flags::kReadonly | flags::kMovableKeys,
                   .keynum_index = 1,
                   .handler = row.handler,
                   .group = "sorted-set",
                   .summary = row.summary,
                   .since = row.since,
                   .complexity = row.complexity,
                   .acl_categories = "@read @sortedset @slow",
                   .key_specs = "RO access",
                   .arguments = {arg::integer("numkeys"), arg::key("key", 0).multiple()}};
  for (ArgumentSpec& option : options) spec.arguments.push_back(std::move(option));
  return spec;
}

// The STORE forms: destination, then numkeys. Two key specs, as Redis
// gives them: the destination by position (overwritten), the sources by
// numkeys (read), so COMMAND GETKEYS and ACL key checks see all of them.
// The legacy first/last/step (1 1 1) are Redis's.
CommandSpec storing_row(const AlgebraRow& row, std::vector<ArgumentSpec> options) {
  CommandSpec spec{.name = std::string(row.name),
                   .arity = -4,
                   .flags = flags::kWrite | flags::kDenyOom | flags::kMovableKeys,
                   .first_key = 1,
                   .last_key = 1,
                   .key_step = 1,
                   .keynum_index = 2,
                   .handler = row.handler,
                   .group = "sorted-set",
                   .summary = row.summary,
                   .since = row.since,
                   .complexity = row.complexity,
                   .acl_categories = "@write @sortedset @slow",
                   .key_specs = "OW update|RO access",
                   .arguments = {arg::key("destination", 0), arg::integer("numkeys"),
                                 arg::key("key", 1).multiple()}};
  for (ArgumentSpec& option : options) spec.arguments.push_back(std::move(option));
  return spec;
}

}  // namespace

void register_sorted_set_algebra_commands(CommandTable& table) {
  const auto withscores = [] { return arg::pure_token("withscores", "WITHSCORES").optional(); };
  constexpr std::string_view kUnion =
      "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
      "the number of elements in the resulting sorted set.";
  constexpr std::string_view kInter =
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
      "number of input sorted sets and M being the number of elements in the resulting sorted "
      "set.";
  constexpr std::string_view kDiff =
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
      "is the size of the first set, and K is the size of the result set.";
  table.add(reading_row({"zunion", zunion_command, "Add multiple sorted sets", "6.2.0", kUnion},
                        {weights_argument(), aggregate_argument(), withscores()}));
  table.add(
      reading_row({"zinter", zinter_command, "Intersect multiple sorted sets", "6.2.0", kInter},
                  {weights_argument(), aggregate_argument(), withscores()}));
  table.add(reading_row({"zdiff", zdiff_command, "Subtract multiple sorted sets", "6.2.0", kDiff},
                        {withscores()}));
  table.add(reading_row(
      {"zintercard", zintercard_command,
       "Intersect multiple sorted sets and return the cardinality of the result", "7.0.0",
       "O(N*K) worst case with N being the smallest input sorted set, K being "
       "the number of input sorted sets."},
      {arg::integer("limit").token("LIMIT").optional()}));
  table.add(storing_row(
      {"zunionstore", zunionstore_command,
       "Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0",
       "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
       "the number of elements in the resulting sorted set."},
      {weights_argument(), aggregate_argument()}));
  table.add(
      storing_row({"zinterstore", zinterstore_command,
                   "Intersect multiple sorted sets and store the resulting sorted set in a new key",
                   "2.0.0", kInter},
                  {weights_argument(), aggregate_argument()}));
  table.add(
      storing_row({"zdiffstore", zdiffstore_command,
                   "Subtract multiple sorted sets and store the resulting sorted set in a new key",
                   "6.2.0", kDiff},
                  {}));
}

}  // namespace mini_redis::commands
