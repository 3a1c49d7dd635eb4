// XGROUP: creating, moving and destroying consumer groups and their
// consumers; and the registration of every consumer-group command.
//
//   XGROUP CREATE key group <id|$> [MKSTREAM] [ENTRIESREAD n]   -> OK
//   XGROUP SETID key group <id|$> [ENTRIESREAD n]               -> OK
//   XGROUP DESTROY key group                -> 1, or 0 if there was no group
//   XGROUP CREATECONSUMER key group name    -> 1 if created, 0 if it existed
//   XGROUP DELCONSUMER key group name       -> the pending entries it had
//
// A group starts at an ID: the entries after it are what ">" reads. "$"
// means the stream's last ID (only new entries). ENTRIESREAD tells the group
// how many entries of the stream's history that position stands for; without
// it the count is unknown (-1) and XINFO GROUPS estimates the lag itself.
//
// The checks run in Redis 7.0's order (xgroupCommand), which decides which
// error a request with several mistakes gets: first the options of CREATE /
// SETID, then the key (WRONGTYPE; "requires the key to exist" unless CREATE
// MKSTREAM), then the group (NOGROUP, except for CREATE and DESTROY), then
// the argument count, and the ID last.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "commands/core/arguments.h"
#include "commands/core/blocking.h"
#include "commands/core/command_docs.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/type_check.h"
#include "commands/streams/stream_group_common.h"
#include "commands/streams/stream_id_arguments.h"
#include "common/ascii.h"
#include "storage/database.h"

namespace mini_redis::commands {

namespace {

constexpr std::string_view kKeyMustExist =
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to "
    "use the MKSTREAM option to create an empty stream automatically.";
constexpr std::string_view kBadEntriesRead = "ERR value for ENTRIESREAD must be positive or -1";

// What the XGROUP subcommands found before doing their job.
struct GroupTarget {
  storage::Entry* entry = nullptr;        // null: no key (CREATE MKSTREAM only)
  types::ConsumerGroup* group = nullptr;  // null: no such group
};

// ENTRIESREAD's value: a number >= 0, or -1 for "unknown".
std::optional<std::int64_t> entries_read_or_reply(Context& ctx, std::string_view text) {
  const std::optional<std::int64_t> value = integer_or_reply(ctx, text);
  if (!value) return std::nullopt;
  if (*value < 0 && *value != types::kInvalidEntriesRead) {
    ctx.reply.error(kBadEntriesRead);
    return std::nullopt;
  }
  return value;
}

// The key and group checks every subcommand with a key shares. Replies and
// returns false when the command must stop.
bool find_target(Context& ctx, Arguments args, bool may_create, bool needs_group,
                 GroupTarget& target) {
  const std::string_view key = args[2];
  target.entry = ctx.db().lookup_for_write(key);
  if (!check_type(ctx, target.entry, storage::ValueType::stream)) return false;
  if (target.entry == nullptr) {
    if (!may_create) {
      ctx.reply.error(kKeyMustExist);
      return false;
    }
    return true;
  }
  types::StreamGroups* groups = target.entry->object<types::Stream>().groups();
  target.group = groups == nullptr ? nullptr : groups->find(args[3]);
  if (needs_group && target.group == nullptr) {
    ctx.reply.error(no_such_group_for_key(args[3], key));
    return false;
  }
  return true;
}

// "$" (the stream's last ID) or a strict ID ("<ms>[-<seq>]"; not "-", "+").
std::optional<types::StreamID> group_position_or_reply(Context& ctx, std::string_view text,
                                                       const types::Stream* stream, bool strict) {
  if (text == "$") return stream == nullptr ? types::StreamID{} : stream->last_id();
  // SETID reads the ID as XRANGE does (streamParseIDOrReply), so "-" and
  // "+" are accepted there; CREATE is strict. Both fill a missing seq with 0.
  return strict ? strict_stream_id_or_reply(ctx, text, 0) : stream_id_or_reply(ctx, text, 0);
}

}  // namespace

void xgroup_create_command(Context& ctx, Arguments args) {
  bool mkstream = false;
  std::int64_t entries_read = types::kInvalidEntriesRead;
  for (std::size_t i = 5; i < args.size();) {
    if (equals_ignore_case(args[i], "MKSTREAM")) {
      mkstream = true;
      ++i;
    } else if (equals_ignore_case(args[i], "ENTRIESREAD") && i + 1 < args.size()) {
      const std::optional<std::int64_t> value = entries_read_or_reply(ctx, args[i + 1]);
      if (!value) return;
      entries_read = *value;
      i += 2;
    } else {
      ctx.reply.error(errors::subcommand_syntax_error(args[1], "xgroup"));
      return;
    }
  }
  GroupTarget target;
  if (!find_target(ctx, args, mkstream, false, target)) return;
  if (args.size() > 8) {  // Redis accepts CREATE with 5 to 8 arguments only
    ctx.reply.error(errors::subcommand_syntax_error(args[1], "xgroup"));
    return;
  }
  const std::string_view key = args[2];
  const types::Stream* existing =
      target.entry == nullptr ? nullptr : &target.entry->object<types::Stream>();
  const std::optional<types::StreamID> id = group_position_or_reply(ctx, args[4], existing, true);
  if (!id) return;
  // MKSTREAM creates the key only now that nothing can fail any more.
  types::Stream& stream = target.entry == nullptr ? ctx.db().add(key, types::Stream{})
                                                  : target.entry->object<types::Stream>();
  if (stream.ensure_groups().create(args[3], *id, entries_read) == nullptr) {
    ctx.reply.error("BUSYGROUP Consumer Group name already exists");
    return;
  }
  ctx.reply.ok();
  notify_keyspace_event(ctx, notify::kStream, "xgroup-create", key);
}

void xgroup_setid_command(Context& ctx, Arguments args) {
  std::int64_t entries_read = types::kInvalidEntriesRead;
  if (args.size() != 5) {
    if (args.size() != 7 || !equals_ignore_case(args[5], "ENTRIESREAD")) {
      ctx.reply.error(errors::subcommand_syntax_error(args[1], "xgroup"));
      return;
    }
    const std::optional<std::int64_t> value = entries_read_or_reply(ctx, args[6]);
    if (!value) return;
    entries_read = *value;
  }
  GroupTarget target;
  if (!find_target(ctx, args, false, true, target)) return;
  const types::Stream& stream = target.entry->object<types::Stream>();
  const std::optional<types::StreamID> id = group_position_or_reply(ctx, args[4], &stream, false);
  if (!id) return;
  target.group->set_position(*id, entries_read);
  ctx.reply.ok();
  notify_keyspace_event(ctx, notify::kStream, "xgroup-setid", args[2]);
}

void xgroup_destroy_command(Context& ctx, Arguments args) {
  GroupTarget target;
  if (!find_target(ctx, args, false, false, target)) return;
  if (target.group == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  target.entry->object<types::Stream>().groups()->destroy(args[3]);
  ctx.reply.integer(1);
  notify_keyspace_event(ctx, notify::kStream, "xgroup-destroy", args[2]);
  // Clients blocked in XREADGROUP on this group run again and answer
  // "-NOGROUP the consumer group this client was blocked on no longer
  // exists" (Redis signals the key as ready for exactly that).
  ctx.blocking.signal_key_added(ctx.client.db_index, args[2]);
}

void xgroup_createconsumer_command(Context& ctx, Arguments args) {
  GroupTarget target;
  if (!find_target(ctx, args, false, true, target)) return;
  bool created = false;
  find_or_create_consumer(ctx, args[2], *target.group, args[4], created);
  ctx.reply.integer(created ? 1 : 0);
}

void xgroup_delconsumer_command(Context& ctx, Arguments args) {
  GroupTarget target;
  if (!find_target(ctx, args, false, true, target)) return;
  const std::int64_t pending = target.group->delete_consumer(args[4]);
  if (pending < 0) {
    ctx.reply.integer(0);  // no such consumer: nothing deleted, no event
    return;
  }
  ctx.reply.integer(pending);
  notify_keyspace_event(ctx, notify::kStream, "xgroup-delconsumer", args[2]);
}

void xgroup_help_command(Context& ctx, Arguments /*args*/) {
  reply_help(ctx.reply, "XGROUP",
             {
                 "CREATE <key> <groupname> <id|$> [option]",
                 "    Create a new consumer group. Options are:",
                 "    * MKSTREAM",
                 "      Create the empty stream if it does not exist.",
                 "    * ENTRIESREAD entries_read",
                 "      Set the group's entries_read counter (internal use).",
                 "CREATECONSUMER <key> <groupname> <consumer>",
                 "    Create a new consumer in the specified group.",
                 "DELCONSUMER <key> <groupname> <consumer>",
                 "    Remove the specified consumer.",
                 "DESTROY <key> <groupname>",
                 "    Remove the specified group.",
                 "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                 "    Set the current group ID and entries_read counter.",
             });
}

}  // namespace mini_redis::commands
