// Lists in the middle: changing, cutting and searching them.
//
//   LSET key index element                      overwrite one element
//   LTRIM key start stop                        keep only a range
//   LREM key count element                      remove matching elements
//   LINSERT key BEFORE|AFTER pivot element      insert next to the first match
//   LPOS key element [RANK r] [COUNT n] [MAXLEN m]   where the matches are
//
// Elements are compared as Redis compares them: byte for byte, and an element
// stored as an integer (listpacks keep "42" as the number 42) matches only
// its canonical spelling, so LREM k 0 042 does not remove 42.
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "commands/core/arguments.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/type_check.h"
#include "commands/lists/list_commands.h"

namespace mini_redis::commands {

namespace {

using types::InsertWhere;
using types::ListDirection;
using types::Quicklist;

constexpr std::string_view kIndexOutOfRange = "ERR index out of range";
constexpr std::string_view kRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
constexpr std::string_view kCountNegative = "ERR COUNT can't be negative";
constexpr std::string_view kMaxlenNegative = "ERR MAXLEN can't be negative";

// ---- LSET
// ----------------------------------------------------------------------------------------

// The key must exist ("ERR no such key") before the index is even read, and
// the index must fall inside the list. Replies, then announces "lset".
void lset_command(Context& ctx, Arguments args) {
  const std::string_view key = args[1];
  storage::Entry* entry = ctx.db().lookup_for_write(key);
  if (!check_type(ctx, entry, storage::ValueType::list)) return;
  if (entry == nullptr) {
    ctx.reply.error(errors::kNoSuchKey);
    return;
  }
  const std::optional<std::int64_t> index = integer_or_reply(ctx, args[2]);
  if (!index) return;
  if (!entry->object<Quicklist>().set(*index, args[3])) {
    ctx.reply.error(kIndexOutOfRange);
    return;
  }
  ctx.reply.ok();
  notify_keyspace_event(ctx, notify::kList, "lset", key);
}

// ---- LTRIM
// ----------------------------------------------------------------------------------------

// Keeps start..stop (as LRANGE reads them) and drops both sides. A range
// that selects nothing empties the list, which deletes the key. The event
// "ltrim" is announced even when nothing was cut, then "del" if the list
// went, and only then +OK. A missing key is simply OK.
void ltrim_command(Context& ctx, Arguments args) {
  const std::optional<std::int64_t> start = integer_or_reply(ctx, args[2]);
  if (!start) return;
  const std::optional<std::int64_t> stop = integer_or_reply(ctx, args[3]);
  if (!stop) return;

  const std::string_view key = args[1];
  storage::Entry* entry = ctx.db().lookup_for_write(key);
  if (!check_type(ctx, entry, storage::ValueType::list)) return;
  if (entry == nullptr) {
    ctx.reply.ok();
    return;
  }
  Quicklist& list = entry->object<Quicklist>();
  const IndexRange keep = clamp_range(*start, *stop, list.size());
  const auto size = static_cast<std::int64_t>(list.size());
  const std::int64_t cut_right = keep.count == 0 ? 0 : size - keep.first - keep.count;
  const std::int64_t cut_left = keep.count == 0 ? size : keep.first;
  list.erase_range(0, cut_left);
  if (cut_right > 0) list.erase_range(-cut_right, cut_right);

  notify_keyspace_event(ctx, notify::kList, "ltrim", key);
  if (list.empty()) {
    ctx.db().erase(key);
    notify_keyspace_event(ctx, notify::kGeneric, "del", key);
  }
  ctx.reply.ok();
}

// ---- LREM --------------------------------------------------------------------------------------

// count > 0: the first `count` matches from the head; count < 0: the first
// |count| from the tail; 0: every match. Answers how many went.
void lrem_command(Context& ctx, Arguments args) {
  const std::optional<std::int64_t> count = integer_or_reply(ctx, args[2]);
  if (!count) return;

  const std::string_view key = args[1];
  const std::string_view element = args[3];
  storage::Entry* entry = ctx.db().lookup_for_write(key);
  if (!check_type(ctx, entry, storage::ValueType::list)) return;
  if (entry == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  Quicklist& list = entry->object<Quicklist>();
  const bool from_tail = *count < 0;
  // -count would overflow for INT64_MIN; its magnitude as unsigned does not
  // (Redis negates it, wraps, and so removes every match: the same result).
  const std::uint64_t limit =
      from_tail ? 0 - static_cast<std::uint64_t>(*count) : static_cast<std::uint64_t>(*count);

  std::uint64_t removed = 0;
  Quicklist::Iterator it = list.iterate(
      from_tail ? -1 : 0, from_tail ? ListDirection::kTailToHead : ListDirection::kHeadToTail);
  while (!it.done() && (limit == 0 || removed < limit)) {
    if (it.entry().equals(element)) {
      it = list.erase(it);
      ++removed;
    } else {
      it.advance();
    }
  }

  if (removed > 0) notify_keyspace_event(ctx, notify::kList, "lrem", key);
  if (list.empty()) {
    ctx.db().erase(key);
    notify_keyspace_event(ctx, notify::kGeneric, "del", key);
  }
  ctx.reply.integer(static_cast<std::int64_t>(removed));
}

// ---- LINSERT -----------------------------------------------------------------------------------

// Inserts next to the first element equal to the pivot, searching from the
// head. Answers the new length, -1 when there is no pivot, 0 when there is
// no key. BEFORE/AFTER is read first: a bad word is a syntax error even on a
// missing key.
void linsert_command(Context& ctx, Arguments args) {
  InsertWhere where = InsertWhere::kBefore;
  if (equals_ignore_case(args[2], "after")) {
    where = InsertWhere::kAfter;
  } else if (!equals_ignore_case(args[2], "before")) {
    ctx.reply.error(errors::kSyntax);
    return;
  }

  const std::string_view key = args[1];
  storage::Entry* entry = ctx.db().lookup_for_write(key);
  if (!check_type(ctx, entry, storage::ValueType::list)) return;
  if (entry == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  Quicklist& list = entry->object<Quicklist>();
  Quicklist::Iterator it = list.begin(ListDirection::kHeadToTail);
  while (!it.done() && !it.entry().equals(args[3])) it.advance();
  if (it.done()) {
    ctx.reply.integer(-1);
    return;
  }
  list.insert(it, args[4], where);
  notify_keyspace_event(ctx, notify::kList, "linsert", key);
  ctx.reply.integer(static_cast<std::int64_t>(list.size()));
}

// ---- LPOS
// ------------------------------------------------------------------------------------------

struct LposOptions {
  std::int64_t rank = 1;    // the rank-th match is the first answered; < 0 searches from the tail
  std::int64_t count = -1;  // -1: no COUNT, answer one index (or null); 0: every match
  std::int64_t maxlen = 0;  // compare at most this many elements; 0: all
};

// RANK, COUNT and MAXLEN, each "NAME value", in any order, the last one of
// a name winning. Each value is checked as soon as it is read.
std::optional<LposOptions> parse_lpos_options(Context& ctx, Arguments words) {
  LposOptions options;
  for (std::size_t i = 0; i < words.size(); i += 2) {
    const std::string_view name = words[i];
    if (i + 1 == words.size()) {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
    const std::string_view value = words[i + 1];
    if (equals_ignore_case(name, "rank")) {
      const std::optional<std::int64_t> rank = integer_or_reply(ctx, value);
      if (!rank) return std::nullopt;
      // Any int64 but 0, even -9223372036854775808 (find_matches says what
      // that one means).
      if (*rank == 0) {
        ctx.reply.error(kRankZero);
        return std::nullopt;
      }
      options.rank = *rank;
    } else if (equals_ignore_case(name, "count") || equals_ignore_case(name, "maxlen")) {
      const bool is_count = equals_ignore_case(name, "count");
      const std::string_view error = is_count ? kCountNegative : kMaxlenNegative;
      const std::optional<std::int64_t> number = integer_or_reply(ctx, value, error);
      if (!number) return std::nullopt;
      if (*number < 0) {
        ctx.reply.error(error);
        return std::nullopt;
      }
      (is_count ? options.count : options.maxlen) = *number;
    } else {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
  }
  return options;
}

// The indexes of the matches LPOS answers, in the order found: skip the
// first rank-1 matches, then take one (without COUNT), `count` (with one),
// or all (COUNT 0), looking at no more than `maxlen` elements. Indexes
// count from the head even when the search runs from the tail.
std::vector<std::int64_t> find_matches(const Quicklist& list, std::string_view element,
                                       const LposOptions& options) {
  const bool from_tail = options.rank < 0;
  // Redis negates a negative rank in place. For INT64_MIN that wraps back to
  // INT64_MIN, so every match is past the rank and a COUNT is never reached:
  // Redis 7.0.15 answers the first match from the tail, or with COUNT every
  // match from the tail. We reproduce that without the overflow.
  const bool rank_wrapped = options.rank == std::numeric_limits<std::int64_t>::min();
  const std::int64_t rank = from_tail && !rank_wrapped ? -options.rank : options.rank;
  const bool single = options.count == -1;
  const auto size = static_cast<std::int64_t>(list.size());

  std::vector<std::int64_t> found;
  std::int64_t matches = 0;
  std::int64_t index = 0;  // elements looked at so far
  for (Quicklist::Iterator it =
           list.begin(from_tail ? ListDirection::kTailToHead : ListDirection::kHeadToTail);
       !it.done() && (options.maxlen == 0 || index < options.maxlen); it.advance(), ++index) {
    if (!it.entry().equals(element)) continue;
    ++matches;
    if (!rank_wrapped && matches < rank) continue;
    found.push_back(from_tail ? size - index - 1 : index);
    if (single) break;
    if (!rank_wrapped && options.count != 0 &&
        static_cast<std::int64_t>(found.size()) >= options.count) {
      break;
    }
  }
  return found;
}

// Without COUNT: the index of the match, or null. With COUNT: an array of
// indexes (empty when none, and for a missing key).
void lpos_command(Context& ctx, Arguments args) {
  const std::optional<LposOptions> options = parse_lpos_options(ctx, args.subspan(3));
  if (!options) return;

  const storage::Entry* entry = ctx.db().lookup_for_read(args[1]);
  if (entry == nullptr) {
    notify_key_miss(ctx, args[1]);
    if (options->count == -1) {
      ctx.reply.null();
    } else {
      ctx.reply.array_header(0);
    }
    return;
  }
  if (!check_type(ctx, entry, storage::ValueType::list)) return;

  const std::vector<std::int64_t> found =
      find_matches(entry->object<Quicklist>(), args[2], *options);
  if (options->count == -1) {
    if (found.empty()) {
      ctx.reply.null();
    } else {
      ctx.reply.integer(found.front());
    }
    return;
  }
  ctx.reply.array_header(found.size());
  for (const std::int64_t index : found) ctx.reply.integer(index);
}

}  // namespace

void register_list_edit_commands(CommandTable& table) {
  using namespace flags;
  table.add({.name = "lset",
             .arity = 4,
             .flags = kWrite | kDenyOom,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = lset_command,
             .group = "list",
             .summary = "Set the value of an element in a list by its index",
             .since = "1.0.0",
             .complexity = "O(N) where N is the length of the list. Setting either the first or "
                           "the last element of the list is O(1).",
             .acl_categories = "@write @list @slow",
             .key_specs = "RW update",
             .arguments = {arg::key("key", 0), arg::integer("index"), arg::string("element")}});
  table.add({.name = "ltrim",
             .arity = 4,
             .flags = kWrite,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = ltrim_command,
             .group = "list",
             .summary = "Trim a list to the specified range",
             .since = "1.0.0",
             .complexity = "O(N) where N is the number of elements to be removed by the operation.",
             .acl_categories = "@write @list @slow",
             .key_specs = "RW delete",
             .arguments = {arg::key("key", 0), arg::integer("start"), arg::integer("stop")}});
  table.add({.name = "lrem",
             .arity = 4,
             .flags = kWrite,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = lrem_command,
             .group = "list",
             .summary = "Remove elements from a list",
             .since = "1.0.0",
             .complexity = "O(N+M) where N is the length of the list and M is the number of "
                           "elements removed.",
             .acl_categories = "@write @list @slow",
             .key_specs = "RW delete",
             .arguments = {arg::key("key", 0), arg::integer("count"), arg::string("element")}});
  table.add({.name = "linsert",
             .arity = 5,
             .flags = kWrite | kDenyOom,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = linsert_command,
             .group = "list",
             .summary = "Insert an element before or after another element in a list",
             .since = "2.2.0",
             .complexity = "O(N) where N is the number of elements to traverse before seeing the "
                           "value pivot. This means that inserting somewhere on the left end on "
                           "the list (head) can be considered O(1) and inserting somewhere on the "
                           "right end (tail) is O(N).",
             .acl_categories = "@write @list @slow",
             .key_specs = "RW insert",
             .arguments = {arg::key("key", 0),
                           arg::oneof("where", {arg::pure_token("before", "BEFORE"),
                                                arg::pure_token("after", "AFTER")}),
                           arg::string("pivot"), arg::string("element")}});
  table.add({.name = "lpos",
             .arity = -3,
             .flags = kReadonly,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = lpos_command,
             .group = "list",
             .summary = "Return the index of matching elements on a list",
             .since = "6.0.6",
             .complexity = "O(N) where N is the number of elements in the list, for the average "
                           "case. When searching for elements near the head or the tail of the "
                           "list, or when the MAXLEN option is provided, the command may run in "
                           "constant time.",
             .acl_categories = "@read @list @slow",
             .key_specs = "RO access",
             .arguments = {arg::key("key", 0), arg::string("element"),
                           arg::integer("rank").token("RANK").optional(),
                           arg::integer("num-matches").token("COUNT").optional(),
                           arg::integer("len").token("MAXLEN").optional()}});
}

}  // namespace mini_redis::commands
