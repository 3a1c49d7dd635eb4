// Whole sets and the set algebra:
//
//   SMEMBERS key                             every member
//   SINTER key [key ...]                     members of every set
//   SINTERCARD numkeys key [key ...] [LIMIT limit]   how many (up to limit)
//   SUNION key [key ...]                     members of any set
//   SDIFF key [key ...]                      members of the first set only
//   SINTERSTORE / SUNIONSTORE / SDIFFSTORE destination key [key ...]
//                                            the same, stored; replies the size
//
// A missing key is an empty set; a key of another type is WRONGTYPE, even
// after a missing one. Every source is looked up as a read (keyspace hits,
// misses, "keymiss"), the STORE forms included, as in Redis 7.0.
//
// The order of a reply is Redis's, because the algorithm is (t_set.c):
//   - SINTER walks the *smallest* set and keeps what every other set holds,
//     so its members come in that set's order (ascending for an intset);
//   - SUNION and SDIFF build a new set, which starts as an empty intset and
//     converts as any set does, and answer in its order: the union of two
//     hashtables holding only numbers answers sorted, as Redis's does;
//   - the STORE forms store that new set, so its encoding is Redis's too.
// In RESP3 every one of them is a set reply (~).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/server_delete.h"
#include "commands/sets/set_commands.h"
#include "common/ascii.h"
#include "storage/database.h"

namespace mini_redis::commands {

using types::Set;

namespace {

// The sets named by `keys`, in order, null for a missing key. Replies
// WRONGTYPE and returns nothing at the first key of another type.
std::optional<std::vector<Set*>> find_sets(Context& ctx, Arguments keys) {
  std::vector<Set*> sets;
  sets.reserve(keys.size());
  for (const std::string_view key : keys) {
    const FoundSet found = find_set_for_read(ctx, key);
    if (found.wrong_type) return std::nullopt;
    sets.push_back(found.set);
  }
  return sets;
}

// The ending every *STORE shares (Redis's setKey, then dbDelete): a
// non-empty result replaces whatever `destination` held, of any type, and
// its TTL; an empty one deletes `destination` ("del" if there was one).
void store_result(Context& ctx, std::string_view destination, Set result, std::string_view event) {
  const auto size = static_cast<std::int64_t>(result.size());
  if (size == 0) {
    ctx.reply.integer(0);
    if (delete_by_server(ctx, destination))
      notify_keyspace_event(ctx, notify::kGeneric, "del", destination);
    return;
  }
  ctx.db().overwrite(destination, std::move(result));
  ctx.reply.integer(size);
  notify_keyspace_event(ctx, notify::kSet, event, destination);
}

// ---- intersection ----------------------------------------------------------------------

// What an intersection keeps, without copying it: the smallest set's
// members, as integers if it is an intset, else as views into its blocks
// (nothing is modified while they are in use).
struct Intersection {
  std::vector<std::int64_t> integers;
  std::vector<std::string_view> strings;
  [[nodiscard]] std::size_t size() const { return integers.size() + strings.size(); }
};

// Redis's sinterGenericCommand: walks the smallest set (the fewest checks)
// and keeps each member that every other set holds. A set named twice is
// the same object and is not checked against itself. Stops at `limit`
// members (0: no limit), for SINTERCARD ... LIMIT.
Intersection intersect(std::vector<Set*> sets, std::size_t limit) {
  // Stable, as glibc's qsort (a merge sort) is: equal sizes keep the order
  // of the arguments, so the same set is walked as in Redis.
  std::stable_sort(sets.begin(), sets.end(),
                   [](const Set* a, const Set* b) { return a->size() < b->size(); });
  const Set* smallest = sets.front();
  const auto in_all_others = [&](auto member, auto contains) {
    return std::all_of(sets.begin() + 1, sets.end(), [&](const Set* other) {
      return other == smallest || contains(*other, member);
    });
  };
  const auto full = [&](const Intersection& kept) { return limit != 0 && kept.size() >= limit; };

  Intersection kept;
  if (smallest->encoding() == Set::Encoding::intset) {
    for (std::size_t i = 0; i < smallest->size() && !full(kept); ++i) {
      const std::int64_t value = smallest->integer_at(i);
      if (in_all_others(value,
                        [](const Set& s, std::int64_t v) { return s.contains_integer(v); })) {
        kept.integers.push_back(value);
      }
    }
    return kept;
  }
  smallest->for_each([&](std::string_view member) {
    if (full(kept)) return;  // the walk cannot stop early; it only skips
    if (in_all_others(member, [](const Set& s, std::string_view m) { return s.contains(m); })) {
      kept.strings.push_back(member);
    }
  });
  return kept;
}

enum class InterOutput : std::uint8_t { members, cardinality, store };

// SINTER, SINTERCARD and SINTERSTORE once their arguments are read.
void intersection_command(Context& ctx, Arguments keys, InterOutput output,
                          std::string_view destination = {}, std::size_t limit = 0) {
  const std::optional<std::vector<Set*>> sets = find_sets(ctx, keys);
  if (!sets) return;
  // A missing key is an empty set: the result is empty, whatever the rest.
  if (std::find(sets->begin(), sets->end(), nullptr) != sets->end()) {
    if (output == InterOutput::store) {
      if (delete_by_server(ctx, destination)) {
        notify_keyspace_event(ctx, notify::kGeneric, "del", destination);
      }
      ctx.reply.integer(0);
    } else if (output == InterOutput::cardinality) {
      ctx.reply.integer(0);
    } else {
      ctx.reply.set_header(0);
    }
    return;
  }

  const Intersection kept = intersect(*sets, output == InterOutput::cardinality ? limit : 0);
  if (output == InterOutput::cardinality) {
    ctx.reply.integer(static_cast<std::int64_t>(kept.size()));
  } else if (output == InterOutput::members) {
    ctx.reply.set_header(kept.size());
    types::IntText buffer;
    for (const std::int64_t value : kept.integers) {
      ctx.reply.bulk_string(types::ListpackEntry::of_int(value).text(buffer));
    }
    for (const std::string_view member : kept.strings) ctx.reply.bulk_string(member);
  } else {
    Set result;
    const types::SetLimits limits = set_limits(ctx);
    for (const std::int64_t value : kept.integers) result.add_integer(value, limits);
    for (const std::string_view member : kept.strings) result.add(member, limits);
    store_result(ctx, destination, std::move(result), "sinterstore");
  }
}

void smembers_command(Context& ctx, Arguments args) {
  const FoundSet found = find_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  if (found.set == nullptr) {
    ctx.reply.set_header(0);
    return;
  }
  reply_members(ctx, *found.set);
}

void sinter_command(Context& ctx, Arguments args) {
  intersection_command(ctx, args.subspan(1), InterOutput::members);
}

void sinterstore_command(Context& ctx, Arguments args) {
  intersection_command(ctx, args.subspan(2), InterOutput::store, args[1]);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit] (Redis's sinterCardCommand).
void sintercard_command(Context& ctx, Arguments args) {
  constexpr std::string_view kBadNumkeys = "ERR numkeys should be greater than 0";
  const std::optional<std::int64_t> numkeys = integer_or_reply(ctx, args[1], kBadNumkeys);
  if (!numkeys) return;
  if (*numkeys < 1) {
    ctx.reply.error(kBadNumkeys);
    return;
  }
  if (static_cast<std::uint64_t>(*numkeys) > args.size() - 2) {
    ctx.reply.error("ERR Number of keys can't be greater than number of args");
    return;
  }
  const auto key_count = static_cast<std::size_t>(*numkeys);
  // Then any number of "LIMIT n", the last one winning, each checked as read.
  std::size_t limit = 0;
  for (std::size_t i = 2 + key_count; i < args.size(); i += 2) {
    if (!equals_ignore_case(args[i], "limit") || i + 1 == args.size()) {
      ctx.reply.error(errors::kSyntax);
      return;
    }
    constexpr std::string_view kBadLimit = "ERR LIMIT can't be negative";
    const std::optional<std::int64_t> value = integer_or_reply(ctx, args[i + 1], kBadLimit);
    if (!value) return;
    if (*value < 0) {
      ctx.reply.error(kBadLimit);
      return;
    }
    limit = static_cast<std::size_t>(*value);
  }
  intersection_command(ctx, args.subspan(2, key_count), InterOutput::cardinality, {}, limit);
}

// ---- union and difference -------------------------------------------------------------------

// Adds every member of `from` to `to`; integers of an intset go in as numbers.
void add_all(Set& to, const Set& from, const types::SetLimits& limits) {
  if (from.encoding() == Set::Encoding::intset) {
    for (std::size_t i = 0; i < from.size(); ++i) to.add_integer(from.integer_at(i), limits);
    return;
  }
  from.for_each([&](std::string_view member) { to.add(member, limits); });
}

Set union_of(const std::vector<Set*>& sets, const types::SetLimits& limits) {
  Set result;
  for (const Set* set : sets) {
    if (set != nullptr) add_all(result, *set, limits);
  }
  return result;
}

// Redis's two SDIFF algorithms, and its rule for choosing (sunionDiffGenericCommand):
//   1. walk the first set, keep what no other set holds: about
//      size(first) * number of sets lookups;
//   2. copy the first set, then remove every member of the others: about
//      the sum of all sizes.
// Algorithm 1 gets a factor 2 advantage (it stops at the first set holding
// a member). The choice shows in the result's encoding: algorithm 2 keeps
// the first set's encoding even when few numbers are left.
Set difference_of(std::vector<Set*> sets, const types::SetLimits& limits) {
  Set result;
  const Set* first = sets.front();
  if (first == nullptr) return result;
  std::size_t one_work = 0;
  std::size_t two_work = 0;
  for (const Set* set : sets) {
    if (set == nullptr) continue;
    one_work += first->size();
    two_work += set->size();
  }
  if (one_work / 2 <= two_work) {
    // Largest first: a member is more likely to be found, and dropped, early.
    std::stable_sort(sets.begin() + 1, sets.end(), [](const Set* a, const Set* b) {
      return (a != nullptr ? a->size() : 0) > (b != nullptr ? b->size() : 0);
    });
    first->for_each([&](std::string_view member) {
      const bool elsewhere = std::any_of(sets.begin() + 1, sets.end(), [&](const Set* other) {
        return other == first || (other != nullptr && other->contains(member));
      });
      if (!elsewhere) result.add(member, limits);
    });
    return result;
  }
  add_all(result, *first, limits);
  for (auto it = sets.begin() + 1; it != sets.end() && !result.empty(); ++it) {
    if (*it != nullptr) (*it)->for_each([&](std::string_view member) { result.remove(member); });
  }
  return result;
}

enum class Operation : std::uint8_t { union_of_sets, difference };

// SUNION, SDIFF and their STORE forms.
void union_or_difference(Context& ctx, Arguments keys, Operation operation,
                         std::optional<std::string_view> destination = std::nullopt) {
  std::optional<std::vector<Set*>> sets = find_sets(ctx, keys);
  if (!sets) return;
  const types::SetLimits limits = set_limits(ctx);
  Set result = operation == Operation::union_of_sets ? union_of(*sets, limits)
                                                     : difference_of(std::move(*sets), limits);
  if (!destination) {
    reply_members(ctx, result);
    return;
  }
  store_result(ctx, *destination, std::move(result),
               operation == Operation::union_of_sets ? "sunionstore" : "sdiffstore");
}

void sunion_command(Context& ctx, Arguments args) {
  union_or_difference(ctx, args.subspan(1), Operation::union_of_sets);
}
void sunionstore_command(Context& ctx, Arguments args) {
  union_or_difference(ctx, args.subspan(2), Operation::union_of_sets, args[1]);
}
void sdiff_command(Context& ctx, Arguments args) {
  union_or_difference(ctx, args.subspan(1), Operation::difference);
}
void sdiffstore_command(Context& ctx, Arguments args) {
  union_or_difference(ctx, args.subspan(2), Operation::difference, args[1]);
}

// ---- the rows ----------------------------------------------------------------------------------

constexpr std::string_view kInterComplexity =
    "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.";
constexpr std::string_view kAllElements =
    "O(N) where N is the total number of elements in all given sets.";

// SINTER, SUNION, SDIFF: every argument a key, read.
CommandSpec read_many_row(std::string name, Handler handler, std::string_view summary,
                          std::string_view complexity) {
  return {.name = std::move(name),
          .arity = -2,
          .flags = flags::kReadonly,
          .first_key = 1,
          .last_key = -1,
          .key_step = 1,
          .handler = handler,
          .group = "set",
          .summary = summary,
          .since = "1.0.0",
          .complexity = complexity,
          .acl_categories = "@read @set @slow",
          .tips = "nondeterministic_output_order",
          .key_specs = "RO access",
          .arguments = {arg::key("key", 0).multiple()}};
}

// The STORE forms: the destination, then the keys read.
CommandSpec store_row(std::string name, Handler handler, std::string_view summary,
                      std::string_view complexity, std::string_view key_specs) {
  return {.name = std::move(name),
          .arity = -3,
          .flags = flags::kWrite | flags::kDenyOom,
          .first_key = 1,
          .last_key = -1,
          .key_step = 1,
          .handler = handler,
          .group = "set",
          .summary = summary,
          .since = "1.0.0",
          .complexity = complexity,
          .acl_categories = "@write @set @slow",
          .key_specs = key_specs,
          .arguments = {arg::key("destination", 0), arg::key("key", 1).multiple()}};
}

}  // namespace

void register_set_algebra_commands(CommandTable& table) {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  table.add(set_row("smembers", 2, kReadonly, smembers_command,
                    {.summary = "Get all the members in a set",
                     .complexity = "O(N) where N is the set cardinality.",
                     .acl_categories = "@read @set @slow",
                     .key_specs = "RO access",
                     .tips = "nondeterministic_output_order"}));
  table.add(read_many_row("sinter", sinter_command, "Intersect multiple sets", kInterComplexity));
  // SINTERCARD's keys are counted by numkeys (a "keynum" key spec); COMMAND
  // INFO shows the legacy 0 0 0 and movablekeys, as Redis does.
  table.add({.name = "sintercard",
             .arity = -3,
             .flags = kReadonly | kMovableKeys,
             .keynum_index = 1,
             .handler = sintercard_command,
             .group = "set",
             .summary = "Intersect multiple sets and return the cardinality of the result",
             .since = "7.0.0",
             .complexity = kInterComplexity,
             .acl_categories = "@read @set @slow",
             .key_specs = "RO access",
             .arguments = {arg::integer("numkeys"), arg::key("key", 0).multiple(),
                           arg::integer("limit").token("LIMIT").optional()}});
  table.add(store_row("sinterstore", sinterstore_command,
                      "Intersect multiple sets and store the resulting set in a key",
                      kInterComplexity, "RW update|RO access"));
  table.add(read_many_row("sunion", sunion_command, "Add multiple sets", kAllElements));
  table.add(store_row("sunionstore", sunionstore_command,
                      "Add multiple sets and store the resulting set in a key", kAllElements,
                      "OW update|RO access"));
  table.add(read_many_row("sdiff", sdiff_command, "Subtract multiple sets", kAllElements));
  table.add(store_row("sdiffstore", sdiffstore_command,
                      "Subtract multiple sets and store the resulting set in a key", kAllElements,
                      "OW update|RO access"));
}

}  // namespace mini_redis::commands
