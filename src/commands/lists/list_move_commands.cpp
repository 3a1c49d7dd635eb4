// Lists between keys:
//
//   LMOVE source destination LEFT|RIGHT LEFT|RIGHT   pop one end, push another
//   RPOPLPUSH source destination                     = LMOVE ... RIGHT LEFT
//   LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
//                                                    pop from the first non-empty list
//
// LMOVE is how a reliable queue is built (move a job to a "processing" list
// as you take it), and with source = destination it rotates a list. The
// blocking forms (list_blocking_commands.cpp) end up in the same code.
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

using types::Quicklist;

namespace {

constexpr std::string_view kNumkeysNotPositive = "ERR numkeys should be greater than 0";
constexpr std::string_view kCountNotPositive = "ERR count should be greater than 0";

}  // namespace

// ---- the shared steps --------------------------------------------------------------------------

// The order of events is Redis's (lmoveGenericCommand): the destination's
// "lpush"/"rpush" and the reply come first, then the source's "lpop"/"rpop"
// and, if it is now empty, its "del".
void move_element(Context& ctx, std::string_view source, Quicklist& source_list,
                  std::string_view destination, ListEnd from, ListEnd to) {
  // Checked before anything moves: a string destination leaves the source whole.
  storage::Entry* target = ctx.db().lookup_for_write(destination);
  if (!check_type(ctx, target, storage::ValueType::list)) return;

  // A copy, because with source = destination the push below may move the
  // node bytes a view would point into. (Small elements fit in std::string
  // itself; this is one element, not one per element.)
  std::string element;
  const auto take = [&element](const types::ListpackEntry& popped) {
    element = popped.to_string();
  };
  if (from == ListEnd::left) {
    source_list.pop_front(take);
  } else {
    source_list.pop_back(take);
  }
  // With source = destination and one element, the list is empty for a
  // moment but its key is still there, so the element goes back into it.
  Quicklist& target_list =
      target != nullptr ? target->object<Quicklist>() : add_list(ctx, destination);
  push_at(target_list, to, element);
  notify_keyspace_event(ctx, notify::kList, to == ListEnd::left ? "lpush" : "rpush", destination);
  ctx.reply.bulk_string(element);

  elements_removed(ctx, source, from, source_list);
}

std::optional<MultiPop> multi_pop_or_reply(Context& ctx, Arguments args,
                                           std::size_t numkeys_index) {
  const std::optional<std::int64_t> numkeys =
      integer_or_reply(ctx, args[numkeys_index], kNumkeysNotPositive);
  if (!numkeys) return std::nullopt;
  if (*numkeys < 1) {
    ctx.reply.error(kNumkeysNotPositive);
    return std::nullopt;
  }
  // The keys must leave room for LEFT|RIGHT after them; more keys than
  // there are words is the same "syntax error" as a missing LEFT|RIGHT.
  const std::size_t first_key = numkeys_index + 1;
  if (static_cast<std::uint64_t>(*numkeys) >= args.size() - first_key) {
    ctx.reply.error(errors::kSyntax);
    return std::nullopt;
  }
  MultiPop parsed;
  parsed.keys = args.subspan(first_key, static_cast<std::size_t>(*numkeys));
  const std::size_t end_index = first_key + parsed.keys.size();
  const std::optional<ListEnd> end = list_end_or_reply(ctx, args[end_index]);
  if (!end) return std::nullopt;
  parsed.end = *end;

  // Then at most one "COUNT n", its value checked as soon as it is read:
  // LMPOP 1 k LEFT COUNT 0 FOO is a count error, not a syntax error.
  const Arguments options = args.subspan(end_index + 1);
  for (std::size_t i = 0; i < options.size(); i += 2) {
    const bool first_count = i == 0 && equals_ignore_case(options[i], "count");
    if (!first_count || i + 1 == options.size()) {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
    const std::optional<std::int64_t> count =
        integer_or_reply(ctx, options[i + 1], kCountNotPositive);
    if (!count) return std::nullopt;
    if (*count < 1) {
      ctx.reply.error(kCountNotPositive);
      return std::nullopt;
    }
    parsed.count = *count;
  }
  return parsed;
}

namespace {

// ---- LMOVE, RPOPLPUSH -----------------------------------------------------------------------

// Answers the element moved, or null when the source is absent (the
// destination is not looked at then, even if it is not a list).
void lmove_generic(Context& ctx, Arguments args, ListEnd from, ListEnd to) {
  const std::string_view source = args[1];
  storage::Entry* entry = ctx.db().lookup_for_write(source);
  if (!check_type(ctx, entry, storage::ValueType::list)) return;
  if (entry == nullptr) {
    ctx.reply.null();
    return;
  }
  move_element(ctx, source, entry->object<Quicklist>(), args[2], from, to);
}

void lmove_command(Context& ctx, Arguments args) {
  const std::optional<ListEnd> from = list_end_or_reply(ctx, args[3]);
  if (!from) return;
  const std::optional<ListEnd> to = list_end_or_reply(ctx, args[4]);
  if (!to) return;
  lmove_generic(ctx, args, *from, *to);
}

void rpoplpush_command(Context& ctx, Arguments args) {
  lmove_generic(ctx, args, ListEnd::right, ListEnd::left);
}

// ---- LMPOP -----------------------------------------------------------------------------------

// Pops from the first key, in the order given, that holds a non-empty list;
// a key of another type met before that is WRONGTYPE. Nothing anywhere: a
// null array. The reply is [key, [elements...]].
void lmpop_command(Context& ctx, Arguments args) {
  const std::optional<MultiPop> pop = multi_pop_or_reply(ctx, args, 1);
  if (!pop) return;
  for (std::string_view key : pop->keys) {
    storage::Entry* entry = ctx.db().lookup_for_write(key);
    if (!check_type(ctx, entry, storage::ValueType::list)) return;
    if (entry == nullptr) continue;
    pop_elements_with_key(ctx, key, entry->object<Quicklist>(), pop->end, pop->count);
    return;
  }
  ctx.reply.null_array();
}

}  // namespace

void register_list_move_commands(CommandTable& table) {
  using namespace flags;
  const auto left_or_right = [](std::string_view name) {
    return arg::oneof(name, {arg::pure_token("left", "LEFT"), arg::pure_token("right", "RIGHT")});
  };
  table.add({.name = "lmove",
             .arity = 5,
             .flags = kWrite | kDenyOom,
             .first_key = 1,
             .last_key = 2,
             .key_step = 1,
             .handler = lmove_command,
             .group = "list",
             .summary = "Pop an element from a list, push it to another list and return it",
             .since = "6.2.0",
             .complexity = "O(1)",
             .acl_categories = "@write @list @slow",
             .key_specs = "RW access delete|RW insert",
             .arguments = {arg::key("source", 0), arg::key("destination", 1),
                           left_or_right("wherefrom"), left_or_right("whereto")}});
  table.add({.name = "rpoplpush",
             .arity = 3,
             .flags = kWrite | kDenyOom,
             .first_key = 1,
             .last_key = 2,
             .key_step = 1,
             .handler = rpoplpush_command,
             .group = "list",
             .summary = "Remove the last element in a list, prepend it to another list and "
                        "return it",
             .since = "1.2.0",
             .complexity = "O(1)",
             .acl_categories = "@write @list @slow",
             .key_specs = "RW access delete|RW insert",
             .arguments = {arg::key("source", 0), arg::key("destination", 1)},
             .deprecated_since = "6.2.0",
             .replaced_by = "`LMOVE` with the `RIGHT` and `LEFT` arguments"});
  // LMPOP's keys are counted by numkeys (a "keynum" key spec); COMMAND INFO
  // shows the legacy 0 0 0 and movablekeys, as Redis does.
  table.add(
      {.name = "lmpop",
       .arity = -4,
       .flags = kWrite | kMovableKeys,
       .keynum_index = 1,
       .handler = lmpop_command,
       .group = "list",
       .summary = "Pop elements from a list",
       .since = "7.0.0",
       .complexity = "O(N+M) where N is the number of provided keys and M is the number of "
                     "elements returned.",
       .acl_categories = "@write @list @slow",
       .key_specs = "RW access delete",
       .arguments = {arg::integer("numkeys"), arg::key("key", 0).multiple(), left_or_right("where"),
                     arg::integer("count").token("COUNT").optional()}});
}

}  // namespace mini_redis::commands
