// Sets: a key holding an unordered collection of distinct strings
// (SADD tags:1 red blue).
//
// This file has the commands that add, remove and test single members:
//
//   SADD key member [member ...]       -> how many members were new
//   SREM key member [member ...]       -> how many members were removed
//   SISMEMBER key member               -> 1 or 0
//   SMISMEMBER key member [member ...] -> 1 or 0 for each member, in order
//   SCARD key                          -> the number of members
//   SMOVE source destination member    -> 1 if moved, 0 if not in source
//
// A set exists only while it has members: the first SADD creates the key,
// and the command that removes the last member deletes it ("del" event), so
// EXISTS and TYPE never see an empty set. A missing key reads as an empty
// set (SCARD 0, SISMEMBER 0, SMEMBERS empty).
//
// The value itself, its two encodings (intset while every member is an
// integer and there are at most set-max-intset-entries of them, then
// hashtable) and the order SMEMBERS answers in live in types/set.h; here we
// only parse, call it and reply.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/type_check.h"
#include "commands/sets/set_commands.h"
#include "storage/database.h"

namespace mini_redis::commands {

// ---- helpers shared by the family (set_commands.h) ------------------------------------

types::SetLimits set_limits(const Context& ctx) {
  // CONFIG only accepts values >= 0; the clamp keeps a bad value from
  // turning into a huge size_t.
  return {.max_intset_entries = static_cast<std::size_t>(
              std::max<std::int64_t>(ctx.config.set_max_intset_entries, 0))};
}

FoundSet find_set_for_read(Context& ctx, std::string_view key) {
  storage::Entry* entry = ctx.db().lookup_for_read(key);
  if (entry == nullptr) {
    notify_key_miss(ctx, key);
    return {};
  }
  if (!check_type(ctx, entry, storage::ValueType::set)) return {.wrong_type = true};
  return {.set = &entry->object<types::Set>()};
}

FoundSet find_set_for_write(Context& ctx, std::string_view key) {
  storage::Entry* entry = ctx.db().lookup_for_write(key);
  if (entry == nullptr) return {};
  if (!check_type(ctx, entry, storage::ValueType::set)) return {.wrong_type = true};
  return {.set = &entry->object<types::Set>()};
}

void reply_members(Context& ctx, const types::Set& set) {
  ctx.reply.set_header(set.size());
  set.for_each([&ctx](std::string_view member) { ctx.reply.bulk_string(member); });
}

bool delete_if_empty(Context& ctx, std::string_view key, const types::Set& set) {
  if (!set.empty()) return false;
  ctx.db().erase(key);  // `set` is gone from here on
  notify_keyspace_event(ctx, notify::kGeneric, "del", key);
  return true;
}

CommandSpec set_row(std::string name, int arity, std::uint32_t command_flags, Handler handler,
                    const SetRowText& text, std::vector<ArgumentSpec> arguments_after_key) {
  KeyedRowText with_since = text;
  if (with_since.since.empty()) with_since.since = "1.0.0";  // SADD and most of the family
  return keyed_row(std::move(name), "set", arity, command_flags, handler, with_since,
                   std::move(arguments_after_key));
}

namespace {

// ---- SADD, SREM --------------------------------------------------------------------------

// SADD key member [member ...] (Redis's saddCommand).
void sadd_command(Context& ctx, Arguments args) {
  const std::string_view key = args[1];
  const FoundSet found = find_set_for_write(ctx, key);
  if (found.wrong_type) return;
  // A missing key gets an empty set first ("new" event), which the first
  // member then fills: a new key always gains at least that one.
  types::Set& set = found.set != nullptr ? *found.set : ctx.db().add(key, types::Set{});

  const types::SetLimits limits = set_limits(ctx);
  std::int64_t added = 0;
  for (const std::string_view member : args.subspan(2)) {
    if (set.add(member, limits)) ++added;
  }
  // Redis announces first, then replies; nothing is announced if every
  // member was there already.
  if (added > 0) notify_keyspace_event(ctx, notify::kSet, "sadd", key);
  ctx.reply.integer(added);
}

// SREM key member [member ...] (Redis's sremCommand).
void srem_command(Context& ctx, Arguments args) {
  const std::string_view key = args[1];
  const FoundSet found = find_set_for_write(ctx, key);
  if (found.wrong_type) return;
  if (found.set == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  types::Set& set = *found.set;
  std::int64_t removed = 0;
  for (const std::string_view member : args.subspan(2)) {
    if (set.remove(member)) ++removed;
    if (set.empty()) break;  // nothing left to remove
  }
  // "srem", then "del" if the last member went, then the reply.
  if (removed > 0) {
    notify_keyspace_event(ctx, notify::kSet, "srem", key);
    delete_if_empty(ctx, key, set);
  }
  ctx.reply.integer(removed);
}

// ---- membership: SISMEMBER, SMISMEMBER, SCARD -----------------------------------------------

void sismember_command(Context& ctx, Arguments args) {
  const FoundSet found = find_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  ctx.reply.integer(found.set != nullptr && found.set->contains(args[2]) ? 1 : 0);
}

// A missing key is an empty set: one 0 per member, not an empty array.
void smismember_command(Context& ctx, Arguments args) {
  const FoundSet found = find_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  const Arguments members = args.subspan(2);
  ctx.reply.array_header(members.size());
  for (const std::string_view member : members) {
    ctx.reply.integer(found.set != nullptr && found.set->contains(member) ? 1 : 0);
  }
}

void scard_command(Context& ctx, Arguments args) {
  const FoundSet found = find_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  ctx.reply.integer(found.set != nullptr ? static_cast<std::int64_t>(found.set->size()) : 0);
}

// ---- SMOVE ------------------------------------------------------------------------------------

// SMOVE source destination member (Redis's smoveCommand). The checks come in
// Redis's order: a missing source answers 0 before the destination's type
// is looked at; then both types; then a move onto the same key only says
// whether the member is there.
void smove_command(Context& ctx, Arguments args) {
  const std::string_view source = args[1];
  const std::string_view destination = args[2];
  const std::string_view member = args[3];
  storage::Database& db = ctx.db();
  storage::Entry* from = db.lookup_for_write(source);
  storage::Entry* to = db.lookup_for_write(destination);
  if (from == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  if (!check_type(ctx, from, storage::ValueType::set) ||
      !check_type(ctx, to, storage::ValueType::set)) {
    return;
  }
  types::Set& from_set = from->object<types::Set>();
  if (from == to) {
    ctx.reply.integer(from_set.contains(member) ? 1 : 0);
    return;
  }
  if (!from_set.remove(member)) {
    ctx.reply.integer(0);
    return;
  }
  notify_keyspace_event(ctx, notify::kSet, "srem", source);
  delete_if_empty(ctx, source, from_set);

  // Entry blocks never move when other keys come and go, so `to` is still
  // good after the source's deletion.
  types::Set& to_set = to != nullptr ? to->object<types::Set>() : db.add(destination, types::Set{});
  if (to_set.add(member, set_limits(ctx))) {
    notify_keyspace_event(ctx, notify::kSet, "sadd", destination);
  }
  ctx.reply.integer(1);
}

constexpr std::string_view kReadFast = "@read @set @fast";
constexpr std::string_view kWriteFast = "@write @set @fast";

}  // namespace

void register_set_commands(CommandTable& table) {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  CommandSpec sadd = set_row("sadd", -3, kWrite | kDenyOom | kFast, sadd_command,
                             {.summary = "Add one or more members to a set",
                              .complexity = "O(1) for each element added, so O(N) to add N "
                                            "elements when the command is called with multiple "
                                            "arguments.",
                              .acl_categories = kWriteFast,
                              .key_specs = "RW insert"},
                             {arg::string("member").multiple()});
  sadd.history = {{"2.4.0", "Accepts multiple `member` arguments."}};
  table.add(std::move(sadd));
  CommandSpec srem = set_row("srem", -3, kWrite | kFast, srem_command,
                             {.summary = "Remove one or more members from a set",
                              .complexity = "O(N) where N is the number of members to be removed.",
                              .acl_categories = kWriteFast,
                              .key_specs = "RW delete"},
                             {arg::string("member").multiple()});
  srem.history = {{"2.4.0", "Accepts multiple `member` arguments."}};
  table.add(std::move(srem));
  table.add(set_row("sismember", 3, kReadonly | kFast, sismember_command,
                    {.summary = "Determine if a given value is a member of a set",
                     .acl_categories = kReadFast,
                     .key_specs = "RO"},
                    {arg::string("member")}));
  table.add(set_row("smismember", -3, kReadonly | kFast, smismember_command,
                    {.summary = "Returns the membership associated with the given elements for a "
                                "set",
                     .since = "6.2.0",
                     .complexity = "O(N) where N is the number of elements being checked for "
                                   "membership",
                     .acl_categories = kReadFast,
                     .key_specs = "RO access"},
                    {arg::string("member").multiple()}));
  table.add(set_row("scard", 2, kReadonly | kFast, scard_command,
                    {.summary = "Get the number of members in a set",
                     .acl_categories = kReadFast,
                     .key_specs = "RO"}));
  table.add(
      {.name = "smove",
       .arity = 4,
       .flags = kWrite | kFast,
       .first_key = 1,
       .last_key = 2,
       .key_step = 1,
       .handler = smove_command,
       .group = "set",
       .summary = "Move a member from one set to another",
       .since = "1.0.0",
       .complexity = "O(1)",
       .acl_categories = kWriteFast,
       .key_specs = "RW access delete|RW insert",
       .arguments = {arg::key("source", 0), arg::key("destination", 1), arg::string("member")}});
  register_set_algebra_commands(table);
  register_set_random_commands(table);
  register_set_scan_commands(table);
}

}  // namespace mini_redis::commands
