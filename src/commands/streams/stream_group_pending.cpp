// XACK and XPENDING: closing and inspecting a group's pending entries.
//
//   XACK key group id [id ...]    -> how many of the IDs were pending
//   XPENDING key group            -> [count, smallest id, greatest id,
//                                     [[consumer, "n"], ...]]
//   XPENDING key group [IDLE ms] start end count [consumer]
//                                 -> [[id, consumer, idle ms, deliveries], ...]
//
// XACK on a missing key or group answers 0 rather than an error: an
// acknowledgement that finds nothing to acknowledge has nothing to report.
// The summary form lists only the consumers that have pending entries, in
// name order, with their counts as bulk strings (Redis's
// addReplyBulkLongLong); an empty PEL answers [0, nil, nil, nil-array].
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/type_check.h"
#include "commands/streams/stream_group_common.h"
#include "commands/streams/stream_id_arguments.h"
#include "commands/streams/stream_reply.h"
#include "common/ascii.h"
#include "storage/database.h"

namespace mini_redis::commands {

void xack_command(Context& ctx, Arguments args) {
  storage::Entry* entry = ctx.db().lookup_for_read(args[1]);
  if (entry == nullptr) notify_key_miss(ctx, args[1]);
  if (!check_type(ctx, entry, storage::ValueType::stream)) return;
  types::ConsumerGroup* group = nullptr;
  if (entry != nullptr) {
    types::StreamGroups* groups = entry->object<types::Stream>().groups();
    if (groups != nullptr) group = groups->find(args[2]);
  }
  // No key or no group: nothing to acknowledge, and Redis 7.0.15 answers 0
  // before it even reads the IDs ("XACK nokey g bad" is 0, not an error).
  if (group == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  // Every ID is checked before anything is acknowledged: the reply cannot
  // be an error once some entries were (all or nothing, as Redis does).
  std::vector<types::StreamID> ids;
  ids.reserve(args.size() - 3);
  for (std::size_t i = 3; i < args.size(); ++i) {
    const std::optional<types::StreamID> id = strict_stream_id_or_reply(ctx, args[i], 0);
    if (!id) return;
    ids.push_back(*id);
  }
  std::int64_t acknowledged = 0;
  for (const types::StreamID id : ids) acknowledged += group->acknowledge(id) ? 1 : 0;
  ctx.reply.integer(acknowledged);
  // No keyspace event (Redis has none for XACK), but a change to save and
  // to log, once per entry acknowledged (server.dirty += acknowledged).
  ctx.stats.persistence.dirty += static_cast<std::uint64_t>(acknowledged);
}

namespace {

void reply_pending_summary(Context& ctx, const types::ConsumerGroup& group) {
  const types::ConsumerGroup::Pel& pel = group.pel();
  ctx.reply.array_header(4);
  ctx.reply.integer(static_cast<std::int64_t>(pel.size()));
  if (pel.empty()) {
    ctx.reply.null();
    ctx.reply.null();
    ctx.reply.null_array();
    return;
  }
  write_stream_id(ctx.reply, pel.begin()->first);
  write_stream_id(ctx.reply, pel.rbegin()->first);
  std::size_t with_pending = 0;
  for (const auto& [name, consumer] : group.consumers()) {
    with_pending += consumer.pending.empty() ? 0 : 1;
  }
  ctx.reply.array_header(with_pending);
  for (const auto& [name, consumer] : group.consumers()) {
    if (consumer.pending.empty()) continue;
    ctx.reply.array_header(2);
    ctx.reply.bulk_string(name);
    ctx.reply.bulk_string(std::to_string(consumer.pending.size()));
  }
}

// One row of the extended form.
void reply_pending_row(Context& ctx, types::StreamID id, const types::PendingEntry& entry,
                       std::int64_t now) {
  ctx.reply.array_header(4);
  write_stream_id(ctx.reply, id);
  ctx.reply.bulk_string(entry.owner->name);
  const std::int64_t idle = now - entry.delivery_time_ms;
  ctx.reply.integer(idle < 0 ? 0 : idle);
  ctx.reply.integer(static_cast<std::int64_t>(entry.delivery_count));
}

struct PendingRange {
  std::int64_t min_idle = 0;
  types::StreamID start;
  types::StreamID end;
  std::int64_t count = 0;
  std::optional<std::string_view> consumer;
};

// The extended form's arguments, in Redis's order: IDLE, then count (before
// the IDs), then start and end, then the optional consumer; anything after
// the consumer is ignored, as Redis ignores it.
bool parse_range(Context& ctx, Arguments args, PendingRange& range) {
  std::size_t at = 3;
  if (equals_ignore_case(args[3], "IDLE")) {
    const std::optional<std::int64_t> idle = integer_or_reply(ctx, args[4]);
    if (!idle) return false;
    if (args.size() < 8) {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
    range.min_idle = *idle;
    at += 2;
  }
  const std::optional<std::int64_t> count = integer_or_reply(ctx, args[at + 2]);
  if (!count) return false;
  range.count = *count < 0 ? 0 : *count;
  const std::optional<types::StreamID> start = interval_start_or_reply(ctx, args[at]);
  if (!start) return false;
  const std::optional<types::StreamID> end = interval_end_or_reply(ctx, args[at + 1]);
  if (!end) return false;
  range.start = *start;
  range.end = *end;
  if (at + 3 < args.size()) range.consumer = args[at + 3];
  return true;
}

}  // namespace

void xpending_command(Context& ctx, Arguments args) {
  // Three arguments ask for the summary; the extended form takes 6 to 9.
  const bool summary = args.size() == 3;
  if (!summary && (args.size() < 6 || args.size() > 9)) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  PendingRange range;
  if (!summary && !parse_range(ctx, args, range)) return;
  types::ConsumerGroup* group = nullptr;
  if (stream_with_group_or_reply(ctx, args[1], args[2], group) == nullptr) return;
  if (summary) {
    reply_pending_summary(ctx, *group);
    return;
  }

  const std::int64_t now = ctx.now_ms();
  std::vector<std::pair<types::StreamID, const types::PendingEntry*>> rows;
  const auto take = [&](types::StreamID id) {
    if (range.count == 0 || id > range.end) return false;
    const types::PendingEntry& entry = *group->find_pending(id);
    if (range.min_idle != 0 && now - entry.delivery_time_ms < range.min_idle) return true;
    rows.emplace_back(id, &entry);
    --range.count;
    return true;
  };
  if (range.consumer) {
    // A consumer that does not exist has no pending entries: empty, no error.
    const types::Consumer* consumer = group->find_consumer(*range.consumer);
    if (consumer != nullptr) {
      for (auto it = consumer->pending.lower_bound(range.start);
           it != consumer->pending.end() && take(*it); ++it) {
      }
    }
  } else {
    for (auto it = group->pel().lower_bound(range.start);
         it != group->pel().end() && take(it->first); ++it) {
    }
  }
  ctx.reply.array_header(rows.size());
  for (const auto& [id, entry] : rows) reply_pending_row(ctx, id, *entry, now);
}

}  // namespace mini_redis::commands
