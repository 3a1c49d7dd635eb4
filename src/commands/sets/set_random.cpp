// Random members of a set:
//
//   SPOP key           removes and returns one random member (null if absent)
//   SPOP key count     removes and returns up to count distinct members
//   SRANDMEMBER key            one random member, the set unchanged
//   SRANDMEMBER key count      count > 0: up to count distinct members
//                              count < 0: |count| draws, repeats allowed
//
// Which members, and in which order, is types::Set's business: it follows
// Redis 7.0's strategies for each case of count against size (set.h lists
// them), so the distribution and the shape of every reply are Redis's. This
// file reads the arguments with Redis's checks and shapes the reply. In
// RESP3, SPOP with a count answers a set (~) and SRANDMEMBER an array (*),
// as Redis 7.0 does.
//
// The random bits come from the client's database (Database::random_bits),
// whose generator is seeded once: no system call and no global state per
// command. The types::Set tests bring their own fixed bits.
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/propagation.h"
#include "commands/sets/set_commands.h"
#include "storage/database.h"

namespace mini_redis::commands {

namespace {

// SPOP reads its count as a non-negative C long, and any failure (a word,
// a negative number) gets this text (getPositiveLongFromObjectOrReply).
constexpr std::string_view kCountNotPositive = "ERR value is out of range, must be positive";
// SRANDMEMBER reads its count in -LONG_MAX..LONG_MAX, so -2^63 gets this.
constexpr std::string_view kCountOutOfRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";

// SPOP key count (Redis's spopWithCountCommand).
void pop_with_count(Context& ctx, Arguments args) {
  const std::optional<std::int64_t> count = integer_or_reply(ctx, args[2], kCountNotPositive);
  if (!count) return;
  if (*count < 0) {
    ctx.reply.error(kCountNotPositive);
    return;
  }
  const std::string_view key = args[1];
  const FoundSet found = find_set_for_write(ctx, key);
  if (found.wrong_type) return;
  if (found.set == nullptr || *count == 0) {
    ctx.reply.set_header(0);
    return;
  }
  types::Set& set = *found.set;
  const types::SetLimits limits = set_limits(ctx);
  // One "spop" for the whole command, before the reply.
  notify_keyspace_event(ctx, notify::kSet, "spop", key);

  const auto wanted = static_cast<std::size_t>(*count);
  if (wanted >= set.size()) {
    // The whole set. Redis answers it as SUNION of this one key would, a
    // copy built member by member (so a hashtable of numbers answers sorted
    // when the copy fits an intset), then deletes the key.
    types::Set copy;
    set.for_each([&](std::string_view member) { copy.add(member, limits); });
    reply_members(ctx, copy);
    ctx.db().erase(key);  // `set` is gone from here on
    notify_keyspace_event(ctx, notify::kGeneric, "del", key);
    propagate_as(ctx, {"DEL", std::string(key)});
    return;
  }
  ctx.reply.set_header(wanted);
  storage::Database& db = ctx.db();
  // The AOF gets the members that were popped, as SREM (the pick is random).
  const bool logging = propagating(ctx);
  std::vector<std::string> removed;
  if (logging) removed = {"SREM", std::string(key)};
  set.pop_random_members(
      wanted, [&db] { return db.random_bits(); }, limits, [&](std::string_view member) {
        ctx.reply.bulk_string(member);
        if (logging) removed.emplace_back(member);
      });
  if (logging) propagate_as(ctx, std::move(removed));
}

// SPOP key [count] (Redis's spopCommand).
void spop_command(Context& ctx, Arguments args) {
  if (args.size() == 3) {
    pop_with_count(ctx, args);
    return;
  }
  if (args.size() > 3) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  const std::string_view key = args[1];
  const FoundSet found = find_set_for_write(ctx, key);
  if (found.wrong_type) return;
  if (found.set == nullptr) {
    ctx.reply.null();
    return;
  }
  // "spop", the member, then "del" if it was the last one.
  notify_keyspace_event(ctx, notify::kSet, "spop", key);
  found.set->pop_random_member(ctx.db().random_bits(), [&ctx, key](std::string_view member) {
    ctx.reply.bulk_string(member);
    propagate_as(ctx, {"SREM", std::string(key), std::string(member)});  // the AOF: which one
  });
  delete_if_empty(ctx, key, *found.set);
}

// SRANDMEMBER key count (Redis's srandmemberWithCountCommand).
void random_with_count(Context& ctx, Arguments args) {
  const std::optional<std::int64_t> count = integer_or_reply(ctx, args[2]);
  if (!count) return;
  if (*count == std::numeric_limits<std::int64_t>::min()) {
    ctx.reply.error(kCountOutOfRange);
    return;
  }
  const FoundSet found = find_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  if (found.set == nullptr || *count == 0) {
    ctx.reply.array_header(0);
    return;
  }
  const types::Set& set = *found.set;
  storage::Database& db = ctx.db();
  auto random = [&db] { return db.random_bits(); };
  auto reply_member = [&ctx](std::string_view member) { ctx.reply.bulk_string(member); };

  // A negative count may repeat members, so it gets exactly |count| draws;
  // so does a count of 1, a single draw (Redis's CASE 1 takes both).
  const bool distinct = *count > 0;
  const auto wanted = static_cast<std::size_t>(distinct ? *count : -*count);
  if (!distinct || wanted == 1) {
    ctx.reply.array_header(wanted);
    set.random_members(wanted, random, reply_member);
    return;
  }
  ctx.reply.array_header(std::min(wanted, set.size()));
  set.random_distinct_members(wanted, random, reply_member);
}

// SRANDMEMBER key [count] (Redis's srandmemberCommand).
void srandmember_command(Context& ctx, Arguments args) {
  if (args.size() == 3) {
    random_with_count(ctx, args);
    return;
  }
  if (args.size() > 3) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  const FoundSet found = find_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  if (found.set == nullptr) {
    ctx.reply.null();
    return;
  }
  types::IntText buffer;
  ctx.reply.bulk_string(found.set->random_member(ctx.db().random_bits(), buffer));
}

}  // namespace

void register_set_random_commands(CommandTable& table) {
  CommandSpec spop = set_row(
      "spop", -2, flags::kWrite | flags::kFast, spop_command,
      {.summary = "Remove and return one or multiple random members from a set",
       .complexity = "Without the count argument O(1), otherwise O(N) where N is the value of the "
                     "passed count.",
       .acl_categories = "@write @set @fast",
       .key_specs = "RW access delete",
       .tips = "nondeterministic_output"},
      {arg::integer("count").since("3.2.0").optional()});
  spop.history = {{"3.2.0", "Added the `count` argument."}};
  table.add(std::move(spop));
  CommandSpec srandmember = set_row(
      "srandmember", -2, flags::kReadonly, srandmember_command,
      {.summary = "Get one or multiple random members from a set",
       .complexity = "Without the count argument O(1), otherwise O(N) where N is the absolute "
                     "value of the passed count.",
       .acl_categories = "@read @set @slow",
       .key_specs = "RO access",
       .tips = "nondeterministic_output"},
      {arg::integer("count").since("2.6.0").optional()});
  srandmember.history = {{"2.6.0", "Added the optional `count` argument."}};
  table.add(std::move(srandmember));
}

}  // namespace mini_redis::commands
