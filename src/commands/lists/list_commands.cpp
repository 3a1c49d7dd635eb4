// Lists at their ends, and reading them:
//
//   LPUSH / RPUSH key element [element ...]     push, creating the list
//   LPUSHX / RPUSHX key element [element ...]   push only onto an existing list
//   LPOP / RPOP key [count]                     take from an end
//   LLEN key   LINDEX key index   LRANGE key start stop
//
// and the helpers the other list files share (list_commands.h). Everything
// follows Redis 7.0's t_list.c, including the order in which a command
// replies and announces its events: a RESP3 client subscribed to its own
// keyspace events sees them interleaved with its replies, so that order is
// part of the behaviour. Pushes and pops reply first and then announce;
// commands that edit the middle (list_edit_commands.cpp) mostly announce first.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "commands/core/arguments.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/type_check.h"
#include "commands/lists/list_commands.h"

namespace mini_redis::commands {

using types::IntText;
using types::ListDirection;
using types::ListpackEntry;
using types::Quicklist;

namespace {

// LPOP k -1 and LPOP k abc alike (Redis's getPositiveLongFromObjectOrReply
// with its own message, which it also sends for a non-integer).
constexpr std::string_view kCountNotPositive = "ERR value is out of range, must be positive";

std::string_view event_for_push(ListEnd end) {
  return end == ListEnd::left ? "lpush" : "rpush";
}

}  // namespace

// ---- helpers shared by the list files ------------------------------------------------------

std::optional<ListEnd> list_end_or_reply(Context& ctx, std::string_view word) {
  if (equals_ignore_case(word, "left")) return ListEnd::left;
  if (equals_ignore_case(word, "right")) return ListEnd::right;
  ctx.reply.error(errors::kSyntax);
  return std::nullopt;
}

Quicklist& add_list(Context& ctx, std::string_view key) {
  return ctx.db().add(key,
                      Quicklist(ctx.config.list_max_listpack_size, ctx.config.list_compress_depth));
}

void push_at(Quicklist& list, ListEnd end, std::string_view value) {
  if (end == ListEnd::left) {
    list.push_front(value);
  } else {
    list.push_back(value);
  }
}

void pop_and_reply(Context& ctx, Quicklist& list, ListEnd end) {
  // The element goes from the node into the reply, then leaves the node.
  const auto reply = [&ctx](const ListpackEntry& element) {
    IntText digits;
    ctx.reply.bulk_string(element.text(digits));
  };
  if (end == ListEnd::left) {
    list.pop_front(reply);
  } else {
    list.pop_back(reply);
  }
}

void reply_elements(Context& ctx, const Quicklist& list, std::int64_t index, std::size_t count,
                    ListDirection direction) {
  ctx.reply.array_header(count);
  IntText digits;
  Quicklist::Iterator it = list.iterate(index, direction);
  for (std::size_t i = 0; i < count && !it.done(); ++i, it.advance()) {
    ctx.reply.bulk_string(it.entry().text(digits));
  }
}

// Replies up to `count` elements from `end` as an array, in the order they
// are popped, then cuts them all at once. RPOP k 2 on [a b c] answers c, b:
// the elements are read from the tail towards the head.
void pop_elements_and_reply(Context& ctx, Quicklist& list, ListEnd end, std::int64_t count) {
  const auto taken = std::min(count, static_cast<std::int64_t>(list.size()));
  const bool left = end == ListEnd::left;
  reply_elements(ctx, list, left ? 0 : -1, static_cast<std::size_t>(taken),
                 left ? ListDirection::kHeadToTail : ListDirection::kTailToHead);
  list.erase_range(left ? 0 : -taken, taken);
}

void pop_elements_with_key(Context& ctx, std::string_view key, Quicklist& list, ListEnd end,
                           std::int64_t count) {
  ctx.reply.array_header(2);
  ctx.reply.bulk_string(key);
  pop_elements_and_reply(ctx, list, end, count);
  elements_removed(ctx, key, end, list);
}

void elements_removed(Context& ctx, std::string_view key, ListEnd end, const Quicklist& list) {
  notify_keyspace_event(ctx, notify::kList, end == ListEnd::left ? "lpop" : "rpop", key);
  if (!list.empty()) return;
  ctx.db().erase(key);
  notify_keyspace_event(ctx, notify::kGeneric, "del", key);
}

IndexRange clamp_range(std::int64_t start, std::int64_t stop, std::size_t length) {
  const auto size = static_cast<std::int64_t>(length);
  // -1 is the last element; what is still negative after that starts at 0.
  if (start < 0) start += size;
  if (stop < 0) stop += size;
  start = std::max<std::int64_t>(start, 0);
  if (start > stop || start >= size) return {};
  stop = std::min(stop, size - 1);
  return {.first = start, .count = stop - start + 1};
}

namespace {

// ---- LPUSH, RPUSH, LPUSHX, RPUSHX ------------------------------------------------------------

// Pushes every element in order, so LPUSH k a b c leaves c b a. The X forms
// answer 0 and do nothing when the key is absent. The reply is the new length.
void push_generic(Context& ctx, Arguments args, ListEnd end, bool only_if_exists) {
  const std::string_view key = args[1];
  storage::Entry* entry = ctx.db().lookup_for_write(key);
  if (!check_type(ctx, entry, storage::ValueType::list)) return;
  if (entry == nullptr && only_if_exists) {
    ctx.reply.integer(0);
    return;
  }
  // A new key is announced to clients blocked on it (BLPOP) by storage.
  Quicklist& list = entry != nullptr ? entry->object<Quicklist>() : add_list(ctx, key);
  for (std::string_view element : args.subspan(2)) push_at(list, end, element);

  ctx.reply.integer(static_cast<std::int64_t>(list.size()));
  notify_keyspace_event(ctx, notify::kList, event_for_push(end), key);
}

void lpush_command(Context& ctx, Arguments args) {
  push_generic(ctx, args, ListEnd::left, false);
}
void rpush_command(Context& ctx, Arguments args) {
  push_generic(ctx, args, ListEnd::right, false);
}
void lpushx_command(Context& ctx, Arguments args) {
  push_generic(ctx, args, ListEnd::left, true);
}
void rpushx_command(Context& ctx, Arguments args) {
  push_generic(ctx, args, ListEnd::right, true);
}

// ---- LPOP, RPOP --------------------------------------------------------------------------------

// Without a count: the element, or null. With one (Redis 6.2+): an array of
// up to count elements in the order they were popped, an empty array for
// count 0, and for a missing key a *null array* (*-1; _ in RESP3), not an
// empty one. The count is checked before the key is looked at.
void pop_generic(Context& ctx, Arguments args, ListEnd end) {
  // The row says "at least 2"; the third word is optional, a fourth is too many.
  if (args.size() > 3) {
    ctx.reply.error(errors::wrong_arity(end == ListEnd::left ? "lpop" : "rpop"));
    return;
  }
  const bool has_count = args.size() == 3;
  std::int64_t count = 0;
  if (has_count) {
    const std::optional<std::int64_t> parsed = integer_or_reply(ctx, args[2], kCountNotPositive);
    if (!parsed) return;
    if (*parsed < 0) {
      ctx.reply.error(kCountNotPositive);
      return;
    }
    count = *parsed;
  }

  const std::string_view key = args[1];
  storage::Entry* entry = ctx.db().lookup_for_write(key);
  if (!check_type(ctx, entry, storage::ValueType::list)) return;
  if (entry == nullptr) {
    if (has_count) {
      ctx.reply.null_array();
    } else {
      ctx.reply.null();
    }
    return;
  }
  Quicklist& list = entry->object<Quicklist>();
  if (has_count && count == 0) {
    ctx.reply.array_header(0);
    return;
  }

  if (has_count) {
    pop_elements_and_reply(ctx, list, end, count);
  } else {
    pop_and_reply(ctx, list, end);
  }
  elements_removed(ctx, key, end, list);
}

void lpop_command(Context& ctx, Arguments args) {
  pop_generic(ctx, args, ListEnd::left);
}
void rpop_command(Context& ctx, Arguments args) {
  pop_generic(ctx, args, ListEnd::right);
}

// ---- LLEN, LINDEX, LRANGE ----------------------------------------------------------------------

// The reads below look the key up as reads do (a "keymiss" event when it is
// absent, announced before the reply, as Redis's lookupKeyRead does).

void llen_command(Context& ctx, Arguments args) {
  const storage::Entry* entry = ctx.db().lookup_for_read(args[1]);
  if (!check_type(ctx, entry, storage::ValueType::list)) return;
  if (entry == nullptr) {
    notify_key_miss(ctx, args[1]);
    ctx.reply.integer(0);
    return;
  }
  ctx.reply.integer(static_cast<std::int64_t>(entry->object<Quicklist>().size()));
}

// LINDEX key index: the element, or null past either end. Redis looks the
// key up before it reads the index, so a missing key answers null even for
// LINDEX k abc.
void lindex_command(Context& ctx, Arguments args) {
  const storage::Entry* entry = ctx.db().lookup_for_read(args[1]);
  if (!check_type(ctx, entry, storage::ValueType::list)) return;
  if (entry == nullptr) {
    notify_key_miss(ctx, args[1]);
    ctx.reply.null();
    return;
  }
  const std::optional<std::int64_t> index = integer_or_reply(ctx, args[2]);
  if (!index) return;
  const std::optional<ListpackEntry> element = entry->object<Quicklist>().get(*index);
  if (!element) {
    ctx.reply.null();
    return;
  }
  IntText digits;
  ctx.reply.bulk_string(element->text(digits));
}

// LRANGE key start stop: both ends included, clamped to the list, so
// LRANGE k 0 -1 is the whole list and LRANGE k 5 1 is empty. Here the
// indexes are read first, and a missing key is an empty array.
void lrange_command(Context& ctx, Arguments args) {
  const std::optional<std::int64_t> start = integer_or_reply(ctx, args[2]);
  if (!start) return;
  const std::optional<std::int64_t> stop = integer_or_reply(ctx, args[3]);
  if (!stop) return;

  const storage::Entry* entry = ctx.db().lookup_for_read(args[1]);
  if (!check_type(ctx, entry, storage::ValueType::list)) return;
  if (entry == nullptr) {
    notify_key_miss(ctx, args[1]);
    ctx.reply.array_header(0);
    return;
  }
  const Quicklist& list = entry->object<Quicklist>();
  const IndexRange range = clamp_range(*start, *stop, list.size());
  reply_elements(ctx, list, range.first, static_cast<std::size_t>(range.count),
                 ListDirection::kHeadToTail);
}

// The rows of LPUSH and its three siblings differ only in name, summary,
// since and history.
CommandSpec push_row(std::string_view name, Handler handler, std::string_view summary,
                     std::string_view since, HistoryEntry history) {
  return {.name = std::string(name),
          .arity = -3,
          .flags = flags::kWrite | flags::kDenyOom | flags::kFast,
          .first_key = 1,
          .last_key = 1,
          .key_step = 1,
          .handler = handler,
          .group = "list",
          .summary = summary,
          .since = since,
          .complexity =
              "O(1) for each element added, so O(N) to add N elements when the command "
              "is called with multiple arguments.",
          .acl_categories = "@write @list @fast",
          .key_specs = "RW insert",
          .arguments = {arg::key("key", 0), arg::string("element").multiple()},
          .history = {history}};
}

CommandSpec pop_row(std::string_view name, Handler handler, std::string_view summary) {
  return {.name = std::string(name),
          .arity = -2,
          .flags = flags::kWrite | flags::kFast,
          .first_key = 1,
          .last_key = 1,
          .key_step = 1,
          .handler = handler,
          .group = "list",
          .summary = summary,
          .since = "1.0.0",
          .complexity = "O(N) where N is the number of elements returned",
          .acl_categories = "@write @list @fast",
          .key_specs = "RW access delete",
          .arguments = {arg::key("key", 0), arg::integer("count").since("6.2.0").optional()},
          .history = {{"6.2.0", "Added the `count` argument."}}};
}

}  // namespace

// Rows as COMMAND INFO and COMMAND DOCS on Redis 7.0.15 report them.
void register_list_commands(CommandTable& table) {
  using namespace flags;
  table.add(push_row("lpush", lpush_command, "Prepend one or multiple elements to a list", "1.0.0",
                     {"2.4.0", "Accepts multiple `element` arguments."}));
  table.add(push_row("rpush", rpush_command, "Append one or multiple elements to a list", "1.0.0",
                     {"2.4.0", "Accepts multiple `element` arguments."}));
  table.add(push_row("lpushx", lpushx_command,
                     "Prepend an element to a list, only if the list exists", "2.2.0",
                     {"4.0.0", "Accepts multiple `element` arguments."}));
  table.add(push_row("rpushx", rpushx_command,
                     "Append an element to a list, only if the list exists", "2.2.0",
                     {"4.0.0", "Accepts multiple `element` arguments."}));
  table.add(pop_row("lpop", lpop_command, "Remove and get the first elements in a list"));
  table.add(pop_row("rpop", rpop_command, "Remove and get the last elements in a list"));
  table.add({.name = "llen",
             .arity = 2,
             .flags = kReadonly | kFast,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = llen_command,
             .group = "list",
             .summary = "Get the length of a list",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@read @list @fast",
             .key_specs = "RO",
             .arguments = {arg::key("key", 0)}});
  table.add({.name = "lindex",
             .arity = 3,
             .flags = kReadonly,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = lindex_command,
             .group = "list",
             .summary = "Get an element from a list by its index",
             .since = "1.0.0",
             .complexity = "O(N) where N is the number of elements to traverse to get to the "
                           "element at index. This makes asking for the first or the last element "
                           "of the list O(1).",
             .acl_categories = "@read @list @slow",
             .key_specs = "RO access",
             .arguments = {arg::key("key", 0), arg::integer("index")}});
  table.add({.name = "lrange",
             .arity = 4,
             .flags = kReadonly,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = lrange_command,
             .group = "list",
             .summary = "Get a range of elements from a list",
             .since = "1.0.0",
             .complexity = "O(S+N) where S is the distance of start offset from HEAD for small "
                           "lists, from nearest end (HEAD or TAIL) for large lists; and N is the "
                           "number of elements in the specified range.",
             .acl_categories = "@read @list @slow",
             .key_specs = "RO access",
             .arguments = {arg::key("key", 0), arg::integer("start"), arg::integer("stop")}});
  register_list_edit_commands(table);
  register_list_move_commands(table);
  register_list_blocking_commands(table);
}

}  // namespace mini_redis::commands
