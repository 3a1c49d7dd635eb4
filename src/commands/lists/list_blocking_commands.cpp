// The blocking list commands: take an element, or wait until there is one.
//
//   BLPOP key [key ...] timeout                 LPOP from the first non-empty list
//   BRPOP key [key ...] timeout                 RPOP likewise
//   BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout   LMOVE
//   BRPOPLPUSH source destination timeout       = BLMOVE ... RIGHT LEFT timeout
//   BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]   LMPOP
//
// When there is something to take, each behaves as its non-blocking twin,
// replies and events included, except for BLPOP's and BRPOP's reply: the
// key comes with the element, [key, element], since the caller named
// several. When there is nothing, the command writes no reply and parks the
// client through block_for_keys() (commands/core/blocking.h tells the whole
// story): once a key gets a list, the server runs the very same command
// again for this client, and it either serves now or, when another client
// was faster, parks again, keeping its place in line.
//
// The timeout is in seconds, fractions allowed, 0 meaning "forever". On
// expiry BLPOP, BRPOP and BLMPOP answer a null array, and so do BLMOVE and
// BRPOPLPUSH: Redis 7.0.15 answers every blocked list command's timeout with
// *-1 (replyToBlockedClientTimedOut), although BLMOVE inside MULTI, where
// nothing may wait, answers a null *bulk* ($-1) at once.
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "commands/core/arguments.h"
#include "commands/core/blocking.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/lists/list_commands.h"

namespace mini_redis::commands {

namespace {

using types::Quicklist;

constexpr std::string_view kTimeoutNotFloat = "ERR timeout is not a float or out of range";
constexpr std::string_view kTimeoutNegative = "ERR timeout is negative";

// ---- the timeout
// ---------------------------------------------------------------------------------

// Redis's getTimeoutFromObjectOrReply in seconds, to relative milliseconds
// (0: wait forever). Its quirks are part of the behaviour, each checked
// against Redis 7.0.15:
//   - the seconds are a long double as strtold reads them ("0x10", "1e1",
//     ".5", "inf" are numbers; " 1" and "nan" are not);
//   - seconds * 1000 is rounded *up* to whole milliseconds, so 0.0004 waits
//     1 ms, and -0.0009 becomes 0 and waits forever (so does -0.001, whose
//     long double is a hair above -0.001);
//   - a result that does not fit in an int64 ("inf", "1e30",
//     "9223372036854775.8075") becomes INT64_MIN, which is what C's
//     conversion gives on x86, and so "timeout is negative";
//   - now + timeout is not checked: a sum past INT64_MAX wraps to a date in
//     the past that Redis's timeout table never reaches, so the client waits
//     forever, which is what 0 asks of block_for_keys().
std::optional<std::int64_t> timeout_or_reply(Context& ctx, std::string_view text) {
  const std::optional<long double> seconds = parse_long_double(text);
  if (!seconds) {
    ctx.reply.error(kTimeoutNotFloat);
    return std::nullopt;
  }
  constexpr long double kTwoToThe63 = 9223372036854775808.0L;
  const long double ms_up = std::ceil(*seconds * 1000.0L);
  const std::int64_t ms = ms_up >= -kTwoToThe63 && ms_up < kTwoToThe63
                              ? static_cast<std::int64_t>(ms_up)
                              : std::numeric_limits<std::int64_t>::min();
  if (ms < 0) {
    ctx.reply.error(kTimeoutNegative);
    return std::nullopt;
  }
  if (ms > std::numeric_limits<std::int64_t>::max() - ctx.now_ms()) return 0;
  return ms;
}

// ---- finding a list to serve from -------------------------------------------------------------

// A command runs again for a parked client once one of its keys got a list
// (ctx.client.blocked is set during that run). Redis then serves from that
// key alone, never looking at the others, so a key that meanwhile became a
// string does not turn the wait into a WRONGTYPE error. On such a run we skip
// keys of other types instead of refusing them.
bool is_rerun(const Context& ctx) {
  return ctx.client.blocked != nullptr;
}

struct FoundList {
  std::string_view key{};
  Quicklist* list = nullptr;  // null: no key holds a list
  bool wrong_type = false;    // WRONGTYPE was replied
};

// The first of `keys`, in order, that holds a list (lists are never empty).
// A key of another type met first is WRONGTYPE, as in Redis.
FoundList first_list(Context& ctx, std::span<const std::string_view> keys) {
  for (const std::string_view key : keys) {
    storage::Entry* entry = ctx.db().lookup_for_write(key);
    if (entry == nullptr) continue;
    if (entry->type() != storage::ValueType::list) {
      if (is_rerun(ctx)) continue;
      ctx.reply.error(errors::kWrongType);
      return {.wrong_type = true};
    }
    return {.key = key, .list = &entry->object<Quicklist>()};
  }
  return {};
}

// ---- BLPOP, BRPOP
// --------------------------------------------------------------------------------

void blocking_pop(Context& ctx, Arguments args, ListEnd end) {
  const std::optional<std::int64_t> timeout = timeout_or_reply(ctx, args.back());
  if (!timeout) return;
  const Arguments keys = args.subspan(1, args.size() - 2);

  const FoundList found = first_list(ctx, keys);
  if (found.wrong_type) return;
  if (found.list == nullptr) {
    block_for_keys(ctx, args, keys, storage::ValueType::list, *timeout, TimeoutReply::null_array);
    return;
  }
  ctx.reply.array_header(2);
  ctx.reply.bulk_string(found.key);
  pop_and_reply(ctx, *found.list, end);
  elements_removed(ctx, found.key, end, *found.list);
}

void blpop_command(Context& ctx, Arguments args) {
  blocking_pop(ctx, args, ListEnd::left);
}
void brpop_command(Context& ctx, Arguments args) {
  blocking_pop(ctx, args, ListEnd::right);
}

// ---- BLMOVE, BRPOPLPUSH -------------------------------------------------------------------------

// Only the source is waited on. The destination's type is checked when
// there is an element to move, so a string destination is WRONGTYPE then,
// also for a client that waited (Redis 7.0 answers it the error and stops
// its wait, leaving the element in the source).
void blocking_move(Context& ctx, Arguments args, ListEnd from, ListEnd to, std::int64_t timeout) {
  const std::string_view source = args[1];
  storage::Entry* entry = ctx.db().lookup_for_write(source);
  if (entry != nullptr && entry->type() != storage::ValueType::list) {
    if (!is_rerun(ctx)) {
      ctx.reply.error(errors::kWrongType);
      return;
    }
    entry = nullptr;
  }
  if (entry != nullptr) {
    move_element(ctx, source, entry->object<Quicklist>(), args[2], from, to);
    return;
  }
  // Inside MULTI this is a null bulk, not the null array of a timeout.
  if (ctx.client.deny_blocking) {
    ctx.reply.null();
    return;
  }
  block_for_keys(ctx, args, args.subspan(1, 1), storage::ValueType::list, timeout,
                 TimeoutReply::null_array);
}

void blmove_command(Context& ctx, Arguments args) {
  const std::optional<ListEnd> from = list_end_or_reply(ctx, args[3]);
  if (!from) return;
  const std::optional<ListEnd> to = list_end_or_reply(ctx, args[4]);
  if (!to) return;
  const std::optional<std::int64_t> timeout = timeout_or_reply(ctx, args[5]);
  if (!timeout) return;
  blocking_move(ctx, args, *from, *to, *timeout);
}

void brpoplpush_command(Context& ctx, Arguments args) {
  const std::optional<std::int64_t> timeout = timeout_or_reply(ctx, args[3]);
  if (!timeout) return;
  blocking_move(ctx, args, ListEnd::right, ListEnd::left, *timeout);
}

// ---- BLMPOP
// ------------------------------------------------------------------------------------------

// The timeout comes first in the command but is read last, after numkeys,
// the keys, the end and COUNT (BLMPOP abc 0 k LEFT is a numkeys error).
void blmpop_command(Context& ctx, Arguments args) {
  const std::optional<MultiPop> pop = multi_pop_or_reply(ctx, args, 2);
  if (!pop) return;
  const std::optional<std::int64_t> timeout = timeout_or_reply(ctx, args[1]);
  if (!timeout) return;

  const FoundList found = first_list(ctx, pop->keys);
  if (found.wrong_type) return;
  if (found.list == nullptr) {
    block_for_keys(ctx, args, pop->keys, storage::ValueType::list, *timeout,
                   TimeoutReply::null_array);
    return;
  }
  pop_elements_with_key(ctx, found.key, *found.list, pop->end, pop->count);
}

// BLPOP and BRPOP share a row but for their name, summary and handler.
CommandSpec blocking_pop_row(std::string_view name, Handler handler, std::string_view summary) {
  return {.name = std::string(name),
          .arity = -3,
          .flags = flags::kWrite | flags::kNoscript | flags::kBlocking,
          .first_key = 1,
          .last_key = -2,
          .key_step = 1,
          .handler = handler,
          .group = "list",
          .summary = summary,
          .since = "2.0.0",
          .complexity = "O(N) where N is the number of provided keys.",
          .acl_categories = "@write @list @slow @blocking",
          .key_specs = "RW access delete",
          .arguments = {arg::key("key", 0).multiple(), arg::double_("timeout")},
          .history = {{"6.0.0", "`timeout` is interpreted as a double instead of an integer."}}};
}

}  // namespace

void register_list_blocking_commands(CommandTable& table) {
  using namespace flags;
  const auto left_or_right = [](std::string_view name) {
    return arg::oneof(name, {arg::pure_token("left", "LEFT"), arg::pure_token("right", "RIGHT")});
  };
  table.add(blocking_pop_row(
      "blpop", blpop_command,
      "Remove and get the first element in a list, or block until one is available"));
  table.add(blocking_pop_row(
      "brpop", brpop_command,
      "Remove and get the last element in a list, or block until one is available"));
  table.add(
      {.name = "blmove",
       .arity = 6,
       .flags = kWrite | kDenyOom | kNoscript | kBlocking,
       .first_key = 1,
       .last_key = 2,
       .key_step = 1,
       .handler = blmove_command,
       .group = "list",
       .summary = "Pop an element from a list, push it to another list and return it; or "
                  "block until one is available",
       .since = "6.2.0",
       .complexity = "O(1)",
       .acl_categories = "@write @list @slow @blocking",
       .key_specs = "RW access delete|RW insert",
       .arguments = {arg::key("source", 0), arg::key("destination", 1), left_or_right("wherefrom"),
                     left_or_right("whereto"), arg::double_("timeout")}});
  table.add(
      {.name = "brpoplpush",
       .arity = 4,
       .flags = kWrite | kDenyOom | kNoscript | kBlocking,
       .first_key = 1,
       .last_key = 2,
       .key_step = 1,
       .handler = brpoplpush_command,
       .group = "list",
       .summary = "Pop an element from a list, push it to another list and return it; or "
                  "block until one is available",
       .since = "2.2.0",
       .complexity = "O(1)",
       .acl_categories = "@write @list @slow @blocking",
       .key_specs = "RW access delete|RW insert",
       .arguments = {arg::key("source", 0), arg::key("destination", 1), arg::double_("timeout")},
       .history = {{"6.0.0", "`timeout` is interpreted as a double instead of an integer."}},
       .deprecated_since = "6.2.0",
       .replaced_by = "`BLMOVE` with the `RIGHT` and `LEFT` arguments"});
  // Like LMPOP's (list_move_commands.cpp), BLMPOP's keys are counted by
  // numkeys, here the second argument.
  table.add({.name = "blmpop",
             .arity = -5,
             .flags = kWrite | kBlocking | kMovableKeys,
             .keynum_index = 2,
             .handler = blmpop_command,
             .group = "list",
             .summary = "Pop elements from a list, or block until one is available",
             .since = "7.0.0",
             .complexity = "O(N+M) where N is the number of provided keys and M is the number of "
                           "elements returned.",
             .acl_categories = "@write @list @slow @blocking",
             .key_specs = "RW access delete",
             .arguments = {arg::double_("timeout"), arg::integer("numkeys"),
                           arg::key("key", 0).multiple(), left_or_right("where"),
                           arg::integer("count").token("COUNT").optional()}});
}

}  // namespace mini_redis::commands
