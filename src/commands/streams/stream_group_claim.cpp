// XCLAIM and XAUTOCLAIM: handing pending entries to another consumer.
//
//   XCLAIM key group consumer min-idle-ms id [id ...] [IDLE ms] [TIME unix-ms]
//          [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]
//       -> the claimed entries (or their IDs with JUSTID)
//   XAUTOCLAIM key group consumer min-idle-ms start [COUNT n] [JUSTID]
//       -> [next start, claimed entries (or IDs), IDs deleted meanwhile]
//
// This is how a group survives a dead consumer: entries it read and never
// acknowledged stay pending, and once they have been idle for min-idle-ms
// another consumer claims them. Claiming resets the idle time (or sets it
// from IDLE / TIME) and counts one more delivery (RETRYCOUNT sets the count;
// JUSTID leaves it alone). A pending entry whose stream entry was deleted
// meanwhile is dropped from the PEL instead: XCLAIM says nothing of it,
// XAUTOCLAIM lists it in its third element (Redis 7.0).
//
// XAUTOCLAIM scans the PEL from `start`: at most COUNT entries (100 by
// default) are claimed or dropped, and at most 10 * COUNT are looked at, so
// one call stays short; the first element is where the next call should
// start, 0-0 when the scan reached the end.
//
// Both are logged to the AOF as one XCLAIM ... FORCE JUSTID per entry
// changed (stream_group_common.h), never as sent.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "commands/core/propagation.h"
#include "commands/streams/stream_group_common.h"
#include "commands/streams/stream_id_arguments.h"
#include "commands/streams/stream_reply.h"
#include "common/ascii.h"
#include "common/integer_parsing.h"

namespace mini_redis::commands {

namespace {

struct ClaimOptions {
  std::int64_t delivery_time = -1;  // -1: not given (now)
  std::int64_t retry_count = -1;    // -1: not given
  bool force = false;
  bool justid = false;
  types::StreamID last_id;
};

// The options after the IDs. `at` is the first argument that is not an ID.
bool parse_claim_options(Context& ctx, Arguments args, std::size_t at, std::int64_t now,
                         ClaimOptions& options) {
  for (std::size_t j = at; j < args.size(); ++j) {
    const bool more = j + 1 < args.size();
    const std::string_view option = args[j];
    if (equals_ignore_case(option, "FORCE")) {
      options.force = true;
    } else if (equals_ignore_case(option, "JUSTID")) {
      options.justid = true;
    } else if (equals_ignore_case(option, "IDLE") && more) {
      const std::optional<std::int64_t> idle =
          integer_or_reply(ctx, args[++j], "ERR Invalid IDLE option argument for XCLAIM");
      if (!idle) return false;
      options.delivery_time = now - *idle;
    } else if (equals_ignore_case(option, "TIME") && more) {
      const std::optional<std::int64_t> time =
          integer_or_reply(ctx, args[++j], "ERR Invalid TIME option argument for XCLAIM");
      if (!time) return false;
      options.delivery_time = *time;
    } else if (equals_ignore_case(option, "RETRYCOUNT") && more) {
      const std::optional<std::int64_t> count =
          integer_or_reply(ctx, args[++j], "ERR Invalid RETRYCOUNT option argument for XCLAIM");
      if (!count) return false;
      options.retry_count = *count;
    } else if (equals_ignore_case(option, "LASTID") && more) {
      const std::optional<types::StreamID> id = strict_stream_id_or_reply(ctx, args[++j], 0);
      if (!id) return false;
      options.last_id = *id;
    } else {
      ctx.reply.error("ERR Unrecognized XCLAIM option '" + std::string(option) + "'");
      return false;
    }
  }
  return true;
}

// Writes one claimed entry: its ID, or the entry itself.
void reply_claimed(Context& ctx, const types::Stream& stream, types::StreamID id, bool justid) {
  if (justid) {
    write_stream_id(ctx.reply, id);
    return;
  }
  types::StreamEntry entry;
  if (stream.find(id, entry)) {
    write_stream_entry(ctx.reply, entry);
  } else {
    ctx.reply.null();
  }
}

}  // namespace

void xclaim_command(Context& ctx, Arguments args) {
  types::ConsumerGroup* group = nullptr;
  types::Stream* stream = stream_with_group_or_reply(ctx, args[1], args[2], group);
  if (stream == nullptr) return;
  const std::optional<std::int64_t> min_idle_arg =
      integer_or_reply(ctx, args[4], "ERR Invalid min-idle-time argument for XCLAIM");
  if (!min_idle_arg) return;
  const std::int64_t min_idle = *min_idle_arg < 0 ? 0 : *min_idle_arg;
  // The IDs run until the first argument that is not one; the options
  // follow. All are checked before anything changes.
  std::vector<types::StreamID> ids;
  std::size_t at = 5;
  for (; at < args.size(); ++at) {
    const std::optional<types::StreamID> id = parse_stream_id(args[at], true, 0);
    if (!id) break;
    ids.push_back(*id);
  }
  const std::int64_t now = ctx.now_ms();
  ClaimOptions options;
  if (!parse_claim_options(ctx, args, at, now, options)) return;

  std::vector<std::vector<std::string>> effects;
  bool changed = false;
  bool position_moved = false;
  if (options.last_id > group->last_delivered_id()) {
    // LASTID moves the group's position (not its read counter).
    group->set_position(options.last_id, group->entries_read());
    position_moved = true;
  }
  // A time in the future or before 1970 is not an error (clients compute
  // it from their own clocks): it becomes now, as in Redis.
  std::int64_t delivery_time = options.delivery_time;
  if (delivery_time < 0 || delivery_time > now) delivery_time = now;

  const std::string_view key = args[1];
  const std::string_view group_name = args[2];
  const bool log = propagating(ctx);
  types::Consumer* consumer = nullptr;
  const std::size_t mark = ctx.reply.buffer().size();
  std::size_t claimed = 0;
  for (const types::StreamID id : ids) {
    types::PendingEntry* pending = group->find_pending(id);
    types::StreamEntry entry;
    if (!stream->find(id, entry)) {
      // The entry was deleted: drop it from the PEL, and tell the AOF.
      if (pending != nullptr) {
        if (log)
          effects.push_back(
              xclaim_effect(key, group_name, id, *pending, group->last_delivered_id()));
        group->acknowledge(id);
        changed = true;
      }
      continue;
    }
    const bool forced = pending == nullptr && options.force;
    if (pending == nullptr && !forced) continue;
    // min-idle applies to entries that were pending, not to forced ones.
    if (!forced && min_idle != 0 && now - pending->delivery_time_ms < min_idle) continue;
    if (consumer == nullptr) {
      bool created = false;
      consumer = &find_or_create_consumer(ctx, key, *group, args[3], created);
      consumer->seen_time_ms = now;
    }
    if (forced) {
      // Redis creates the entry as a first delivery (count 1), then claims it.
      pending = &group->create_pending(id, *consumer);
      pending->delivery_count = 1;
    } else {
      group->transfer(*pending, id, *consumer);
    }
    pending->delivery_time_ms = delivery_time;
    if (options.retry_count >= 0) {
      pending->delivery_count = static_cast<std::uint64_t>(options.retry_count);
    } else if (!options.justid) {
      ++pending->delivery_count;
    }
    reply_claimed(ctx, *stream, id, options.justid);
    ++claimed;
    changed = true;
    if (log)
      effects.push_back(xclaim_effect(key, group_name, id, *pending, group->last_delivered_id()));
    position_moved = false;  // the XCLAIM carries LASTID
  }
  insert_array_header(ctx.reply, mark, claimed);
  if (position_moved && log) effects.push_back(setid_effect(key, group_name, *group));
  if (changed || position_moved) ++ctx.stats.persistence.dirty;
  propagate_effects(ctx, std::move(effects));
}

void xautoclaim_command(Context& ctx, Arguments args) {
  // The arguments are all checked before the key is looked at.
  const std::optional<std::int64_t> min_idle_arg =
      integer_or_reply(ctx, args[4], "ERR Invalid min-idle-time argument for XAUTOCLAIM");
  if (!min_idle_arg) return;
  const std::int64_t min_idle = *min_idle_arg < 0 ? 0 : *min_idle_arg;
  const std::optional<types::StreamID> start = interval_start_or_reply(ctx, args[5]);
  if (!start) return;
  // Redis caps COUNT so that count * 10 attempts cannot overflow a long.
  constexpr std::int64_t kMaxCount = std::numeric_limits<std::int64_t>::max() / 16;
  std::int64_t count = 100;
  bool justid = false;
  for (std::size_t j = 6; j < args.size(); ++j) {
    if (equals_ignore_case(args[j], "COUNT") && j + 1 < args.size()) {
      const std::optional<std::int64_t> value = parse_int64_strict(args[++j]);
      if (!value || *value < 1 || *value > kMaxCount) {
        ctx.reply.error("ERR COUNT must be > 0");
        return;
      }
      count = *value;
    } else if (equals_ignore_case(args[j], "JUSTID")) {
      justid = true;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }
  types::ConsumerGroup* group = nullptr;
  types::Stream* stream = stream_with_group_or_reply(ctx, args[1], args[2], group);
  if (stream == nullptr) return;

  const std::string_view key = args[1];
  const std::string_view group_name = args[2];
  const bool log = propagating(ctx);
  const std::int64_t now = ctx.now_ms();
  std::int64_t attempts = count * 10;
  std::vector<std::vector<std::string>> effects;
  std::vector<types::StreamID> deleted;
  types::Consumer* consumer = nullptr;
  bool changed = false;
  std::string claimed_reply;
  std::size_t claimed = 0;

  // The claimed entries are written first into the reply, then moved after
  // the cursor, which is known only at the end.
  const std::size_t mark = ctx.reply.buffer().size();
  auto it = group->pel().lower_bound(*start);
  while (attempts-- > 0 && count > 0 && it != group->pel().end()) {
    const types::StreamID id = it->first;
    types::StreamEntry entry;
    if (!stream->find(id, entry)) {
      if (log)
        effects.push_back(
            xclaim_effect(key, group_name, id, it->second, group->last_delivered_id()));
      ++it;
      group->acknowledge(id);
      deleted.push_back(id);
      changed = true;
      --count;  // deleted IDs count against COUNT too: they are in the reply
      continue;
    }
    types::PendingEntry& pending = *group->find_pending(id);
    ++it;
    if (min_idle != 0 && now - pending.delivery_time_ms < min_idle) continue;
    if (consumer == nullptr) {
      bool created = false;
      consumer = &find_or_create_consumer(ctx, key, *group, args[3], created);
      consumer->seen_time_ms = now;
    }
    group->transfer(pending, id, *consumer);
    pending.delivery_time_ms = now;
    if (!justid) ++pending.delivery_count;
    reply_claimed(ctx, *stream, id, justid);
    ++claimed;
    --count;
    changed = true;
    if (log)
      effects.push_back(xclaim_effect(key, group_name, id, pending, group->last_delivered_id()));
  }
  claimed_reply = ctx.reply.buffer().substr(mark);
  ctx.reply.buffer().resize(mark);

  ctx.reply.array_header(3);
  write_stream_id(ctx.reply, it == group->pel().end() ? types::StreamID{} : it->first);
  ctx.reply.array_header(claimed);
  ctx.reply.raw(claimed_reply);
  ctx.reply.array_header(deleted.size());
  for (const types::StreamID id : deleted) write_stream_id(ctx.reply, id);
  if (changed) ++ctx.stats.persistence.dirty;
  propagate_effects(ctx, std::move(effects));
}

}  // namespace mini_redis::commands
