// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
//
// Sets a stream's counters directly. Redis uses it to replicate what XADD
// and XDEL leave behind (an emptied stream's last ID, Redis 7.0's lag
// counters); users rarely need it. The rules, checked on Redis 7.0.15:
//   - the key must exist ("ERR no such key"), options are read first;
//   - the new last ID may not be below the newest live entry, and
//     ENTRIESADDED not below the length (both only for a non-empty stream);
//   - MAXDELETEDID may not exceed the new last ID; 0-0 leaves it unchanged.
// 7.0.15 does not compare the new last ID with the current max deleted ID.
#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/streams/stream_commands.h"
#include "commands/streams/stream_id_arguments.h"
#include "common/ascii.h"

namespace mini_redis::commands {

void xsetid_command(Context& ctx, Arguments args) {
  using types::StreamID;
  const std::optional<StreamID> id = strict_stream_id_or_reply(ctx, args[2], 0);
  if (!id) return;
  std::int64_t entries_added = -1;  // not given
  StreamID max_deleted;             // 0-0: not given
  for (std::size_t i = 3; i < args.size(); i += 2) {
    const bool more = i + 1 < args.size();
    if (equals_ignore_case(args[i], "entriesadded") && more) {
      const std::optional<std::int64_t> value = integer_or_reply(ctx, args[i + 1]);
      if (!value) return;
      if (*value < 0) {
        ctx.reply.error("ERR entries_added must be positive");
        return;
      }
      entries_added = *value;
    } else if (equals_ignore_case(args[i], "maxdeletedid") && more) {
      const std::optional<StreamID> value = strict_stream_id_or_reply(ctx, args[i + 1], 0);
      if (!value) return;
      if (*id < *value) {
        ctx.reply.error(
            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
        return;
      }
      max_deleted = *value;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }

  const std::string_view key = args[1];
  const FoundStream found = find_stream_for_write(ctx, key);
  if (found.wrong_type) return;
  if (found.stream == nullptr) {
    ctx.reply.error(errors::kNoSuchKey);
    return;
  }
  types::Stream& stream = *found.stream;
  if (stream.length() > 0) {
    StreamID newest;
    stream.for_each_in_range(StreamID::min(), StreamID::max(), 1, true,
                             [&](const types::StreamEntry& entry) {
                               newest = entry.id;
                               return false;
                             });
    if (*id < newest) {
      ctx.reply.error("ERR The ID specified in XSETID is smaller than the target stream top item");
      return;
    }
    if (entries_added != -1 && stream.length() > static_cast<std::uint64_t>(entries_added)) {
      ctx.reply.error(
          "ERR The entries_added specified in XSETID is smaller than the target stream length");
      return;
    }
  }
  stream.set_last_id(*id);
  if (entries_added != -1) stream.set_entries_added(static_cast<std::uint64_t>(entries_added));
  if (max_deleted != StreamID::min()) stream.set_max_deleted_id(max_deleted);
  notify_keyspace_event(ctx, notify::kStream, "xsetid", key);
  ctx.reply.ok();
}

}  // namespace mini_redis::commands
