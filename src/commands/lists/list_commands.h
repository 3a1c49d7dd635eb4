// The list family, split by job. Internal to these files, not a public
// interface of commands/:
//
//   list_commands.cpp           the ends and reading: LPUSH, RPUSH, LPUSHX,
//                               RPUSHX, LPOP, RPOP, LLEN, LINDEX, LRANGE; the
//                               helpers below; registers the rest
//   list_edit_commands.cpp      the middle: LSET, LTRIM, LREM, LINSERT, LPOS
//   list_move_commands.cpp      between keys: LMOVE, RPOPLPUSH, LMPOP, and
//                               the two helpers they share with the blocking
//                               forms (move_element, multi_pop_or_reply)
//   list_blocking_commands.cpp  the same, waiting when there is nothing to
//                               take: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP
//
// A list is a types::Quicklist (see quicklist.h for its layout). Two rules
// hold for every command here, as in Redis 7.0 (t_list.c):
//   - a list key never holds an empty list: the command that removes the
//     last element deletes the key and announces "del" after its own event;
//   - elements are read as ListpackEntry views and written straight into the
//     reply (an integer element is formatted into a stack buffer), so a
//     reply of N elements costs no allocation per element.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "commands/core/command_table.h"
#include "commands/core/context.h"
#include "types/quicklist.h"

namespace mini_redis::commands {

// Which end of a list a command works on: Redis's LIST_HEAD ("left", where
// LPUSH and LPOP work) and LIST_TAIL ("right").
enum class ListEnd : std::uint8_t { left, right };

// The LEFT or RIGHT word of LMOVE, BLMOVE, LMPOP and BLMPOP, in any case;
// anything else is "ERR syntax error".
std::optional<ListEnd> list_end_or_reply(Context& ctx, std::string_view word);

// A new, empty list under the absent `key`, built with the list-max-listpack-size
// and list-compress-depth settings. The caller pushes into it at once.
types::Quicklist& add_list(Context& ctx, std::string_view key);

// Pushes `value` at `end` of `list`.
void push_at(types::Quicklist& list, ListEnd end, std::string_view value);

// Pops the element at `end` of the non-empty `list` and replies it as a bulk
// string, straight from the node's bytes.
void pop_and_reply(Context& ctx, types::Quicklist& list, ListEnd end);

// LRANGE's and LTRIM's indexes, made concrete for a list of `length`
// elements: `start` and `stop` may be negative (-1 is the last element) and
// are clamped to the list; a range that selects nothing has count 0.
struct IndexRange {
  std::int64_t first = 0;
  std::int64_t count = 0;
};
IndexRange clamp_range(std::int64_t start, std::int64_t stop, std::size_t length);

// Replies `count` elements as an array, starting at `index` and walking in
// `direction` (Redis's addListRangeReply). The caller has clamped both.
void reply_elements(Context& ctx, const types::Quicklist& list, std::int64_t index,
                    std::size_t count, types::ListDirection direction);

// After a pop of one or more elements from `end` of `key`: announces "lpop"
// or "rpop", then deletes the key if the list became empty (and announces
// "del"), Redis's listElementsRemoved(). `list` may be gone afterwards.
void elements_removed(Context& ctx, std::string_view key, ListEnd end,
                      const types::Quicklist& list);

// LPOP's reply with a count: up to `count` elements from `end` of the
// non-empty `list` as an array, which are then removed.
void pop_elements_and_reply(Context& ctx, types::Quicklist& list, ListEnd end, std::int64_t count);

// LMPOP's and BLMPOP's reply for the non-empty list at `key`: [key, [up to
// `count` elements from `end`]], then removes them (listPopRangeAndReplyWithKey).
void pop_elements_with_key(Context& ctx, std::string_view key, types::Quicklist& list, ListEnd end,
                           std::int64_t count);

// LMOVE's work once its source is known to be a non-empty list: checks the
// destination's type, pops from `from`, pushes at `to`, replies the element.
// Shared with BLMOVE and BRPOPLPUSH.
void move_element(Context& ctx, std::string_view source, types::Quicklist& source_list,
                  std::string_view destination, ListEnd from, ListEnd to);

// What LMPOP and BLMPOP read after their numkeys: the keys, the end, COUNT.
struct MultiPop {
  std::span<const std::string_view> keys;
  ListEnd end = ListEnd::left;
  std::int64_t count = 1;
};
// Parses `numkeys key [key ...] LEFT|RIGHT [COUNT count]` starting at
// args[numkeys_index], with Redis's errors; replies and returns nothing on error.
std::optional<MultiPop> multi_pop_or_reply(Context& ctx, Arguments args, std::size_t numkeys_index);

void register_list_edit_commands(CommandTable& table);
void register_list_move_commands(CommandTable& table);
void register_list_blocking_commands(CommandTable& table);

}  // namespace mini_redis::commands
