// XREADGROUP: reading a stream as one consumer of a group.
//
//   XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK]
//              STREAMS key [key ...] id [id ...]
//
// Per stream, the ID chooses what is read:
//   ">"     entries never delivered to this group: those after the group's
//           last delivered ID. Each one moves the group forward and, unless
//           NOACK, becomes pending for this consumer (count 1, time now).
//   an ID   this consumer's *history*: its pending entries after that ID
//           ("0" = all of them), each delivered once more (count + 1). An
//           entry deleted from the stream since answers [id, nil].
// The reply lists, per stream served, [key, entries] (RESP2) or key ->
// entries (a RESP3 map); when nothing was served, a null array. A history
// read is always served (possibly empty); a ">" read only if the stream has
// entries after the group's position.
//
// BLOCK waits when no stream could be served (blocking.h). When a key it
// waits on becomes ready (XADD, a new stream, XGROUP DESTROY, and unlike
// XREAD also the stream's deletion, expiry, eviction or replacement: DEL,
// SET, FLUSHALL, SWAPDB, RENAME, MOVE...), the command runs again as Redis's
// serveClientsBlockedOnStreamKey: for that one key alone, which answers
//   - "-UNBLOCKED the stream key no longer exists" if it holds no stream,
//   - "-NOGROUP ..." if the stream has no such group (any more),
//   - the entries after the group's last delivered ID, as soon as the
//     stream's last_id has passed it (an empty list if they were deleted),
//     at most 1000 without COUNT (Redis's XREAD_BLOCKED_DEFAULT_COUNT),
//   - or nothing: the client keeps waiting in its place.
// Inside MULTI nothing waits: a null array (and BLOCK in a script is refused
// outright, as Redis refuses it).
//
// The consumer is created the first time a stream is served for it (a ">"
// read that finds nothing new creates nobody), as in Redis's xreadCommand.
// What reaches the AOF is described in stream_group_common.h.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/arguments.h"
#include "commands/core/blocking.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/propagation.h"
#include "commands/core/type_check.h"
#include "commands/streams/stream_group_common.h"
#include "commands/streams/stream_id_arguments.h"
#include "commands/streams/stream_reply.h"
#include "common/ascii.h"
#include "common/integer_parsing.h"
#include "storage/database.h"

namespace mini_redis::commands {

namespace {

// Redis's XREAD_BLOCKED_DEFAULT_COUNT.
constexpr std::size_t kBlockedDefaultCount = 1000;

struct ReadGroupRequest {
  std::string_view group;
  std::string_view consumer;
  std::size_t count = 0;                 // 0: no limit
  std::optional<std::int64_t> block_ms;  // relative ms; 0 waits forever
  bool noack = false;
  std::size_t streams_at = 0;  // index of the first key
  std::size_t stream_count = 0;
};

// BLOCK's milliseconds as Redis's getTimeoutFromObjectOrReply reads them in
// UNIT_MILLISECONDS: a canonical integer, not negative.
std::optional<std::int64_t> block_ms_or_reply(Context& ctx, std::string_view text) {
  const std::optional<std::int64_t> ms =
      integer_or_reply(ctx, text, "ERR timeout is not an integer or out of range");
  if (!ms) return std::nullopt;
  if (*ms < 0) {
    ctx.reply.error("ERR timeout is negative");
    return std::nullopt;
  }
  // A deadline past what the clock can hold waits forever.
  if (*ms > std::numeric_limits<std::int64_t>::max() - ctx.now_ms()) return 0;
  return ms;
}

// The options before STREAMS, in Redis's order and with its errors.
bool parse_request(Context& ctx, Arguments args, ReadGroupRequest& request) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::size_t more = args.size() - i - 1;
    const std::string_view option = args[i];
    if (equals_ignore_case(option, "BLOCK") && more > 0) {
      if (ctx.client.is_script) {
        ctx.reply.error("ERR " + std::string(args[0]) +
                        " command is not allowed with BLOCK option from scripts");
        return false;
      }
      request.block_ms = block_ms_or_reply(ctx, args[++i]);
      if (!request.block_ms) return false;
    } else if (equals_ignore_case(option, "COUNT") && more > 0) {
      const std::optional<std::int64_t> count = integer_or_reply(ctx, args[++i]);
      if (!count) return false;
      request.count = *count < 0 ? 0 : static_cast<std::size_t>(*count);
    } else if (equals_ignore_case(option, "STREAMS") && more > 0) {
      request.streams_at = i + 1;
      if ((args.size() - request.streams_at) % 2 != 0) {
        // Redis 7.0.15 names XREAD and '$' here even for XREADGROUP.
        ctx.reply.error(
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
            "specified.");
        return false;
      }
      request.stream_count = (args.size() - request.streams_at) / 2;
      break;
    } else if (equals_ignore_case(option, "GROUP") && more >= 2) {
      request.group = args[i + 1];
      request.consumer = args[i + 2];
      i += 2;
    } else if (equals_ignore_case(option, "NOACK")) {
      request.noack = true;
    } else {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
  }
  if (request.streams_at == 0) {
    ctx.reply.error(errors::kSyntax);
    return false;
  }
  if (request.group.data() == nullptr) {
    ctx.reply.error("ERR Missing GROUP option for XREADGROUP");
    return false;
  }
  return true;
}

// One stream of the request, resolved.
struct Target {
  std::string_view key{};
  types::Stream* stream = nullptr;
  types::ConsumerGroup* group = nullptr;
  bool new_entries = false;  // ">"
  types::StreamID after{};   // history: entries after this ID
};

bool resolve_targets(Context& ctx, Arguments args, const ReadGroupRequest& request,
                     std::vector<Target>& targets) {
  for (std::size_t k = 0; k < request.stream_count; ++k) {
    Target target{.key = args[request.streams_at + k]};
    const std::string_view id_text = args[request.streams_at + request.stream_count + k];
    storage::Entry* entry = ctx.db().lookup_for_read(target.key);
    if (entry == nullptr) notify_key_miss(ctx, target.key);
    if (!check_type(ctx, entry, storage::ValueType::stream)) return false;
    if (entry != nullptr) {
      target.stream = &entry->object<types::Stream>();
      if (target.stream->groups() != nullptr) {
        target.group = target.stream->groups()->find(request.group);
      }
    }
    if (target.group == nullptr) {
      ctx.reply.error(no_such_key_or_group(target.key, request.group) +
                      " in XREADGROUP with GROUP option");
      return false;
    }
    if (id_text == "$") {
      ctx.reply.error(
          "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "
          "history of this consumer by specifying a proper ID, or use the > ID to get new "
          "messages. The $ ID would just return an empty result set.");
      return false;
    }
    if (id_text == ">") {
      target.new_entries = true;
    } else {
      const std::optional<types::StreamID> id = strict_stream_id_or_reply(ctx, id_text, 0);
      if (!id) return false;
      // Redis marks ">" with the greatest ID, so that ID typed out reads as ">".
      target.new_entries = *id == types::StreamID::max();
      target.after = *id;
    }
    targets.push_back(target);
  }
  return true;
}

// Would this stream be answered now (Redis's serve_synchronously)?
bool serves_now(const Target& target) {
  if (!target.new_entries) return true;
  if (target.stream->length() == 0) return false;
  // The last entry still there (not last_id, which a deletion leaves behind).
  types::StreamID last;
  target.stream->for_each_in_range(types::StreamID::min(), types::StreamID::max(), 1, true,
                                   [&](const types::StreamEntry& entry) {
                                     last = entry.id;
                                     return false;
                                   });
  return last > target.group->last_delivered_id();
}

// The consumer's pending entries after `after`: each delivered again.
void read_history(Context& ctx, types::Stream& stream, types::ConsumerGroup& group,
                  types::Consumer& consumer, types::StreamID after, std::size_t count) {
  types::StreamID start;
  std::vector<types::StreamID> ids;
  if (after.next(start)) {
    for (auto it = consumer.pending.lower_bound(start);
         it != consumer.pending.end() && (count == 0 || ids.size() < count); ++it) {
      ids.push_back(*it);
    }
  }
  ctx.reply.array_header(ids.size());
  types::StreamEntry entry;
  for (const types::StreamID id : ids) {
    if (!stream.find(id, entry)) {
      // Deleted from the stream but still pending: the ID with no fields.
      ctx.reply.array_header(2);
      write_stream_id(ctx.reply, id);
      ctx.reply.null_array();
      continue;
    }
    write_stream_entry(ctx.reply, entry);
    types::PendingEntry* pending = group.find_pending(id);
    pending->delivery_time_ms = ctx.now_ms();
    ++pending->delivery_count;
  }
}

// Entries after the group's position: the group moves, and each becomes
// pending for `consumer` unless NOACK. Collects what the AOF must see.
void read_new(Context& ctx, const Target& target, std::string_view group_name,
              types::Consumer& consumer, std::size_t count, bool noack,
              std::vector<std::vector<std::string>>& effects) {
  types::ConsumerGroup& group = *target.group;
  const types::StreamCounters counters = stream_counters(*target.stream);
  types::StreamID start;
  if (!group.last_delivered_id().next(start)) start = types::StreamID::max();
  const bool log = propagating(ctx);
  const std::int64_t now = ctx.now_ms();
  std::size_t read = 0;
  write_stream_range(ctx.reply, *target.stream, start, types::StreamID::max(), count, false,
                     [&](const types::StreamEntry& entry) {
                       group.advance_to(counters, entry.id);
                       ++read;
                       if (noack) return;
                       group.deliver_new(entry.id, consumer, now);
                       if (log) {
                         effects.push_back(xclaim_effect(target.key, group_name, entry.id,
                                                         *group.find_pending(entry.id),
                                                         group.last_delivered_id()));
                       }
                     });
  // NOACK leaves no pending entry whose XCLAIM would carry the position.
  if (noack && read > 0 && log) effects.push_back(setid_effect(target.key, group_name, group));
}

// Serves one stream: its name, then its entries (RESP2 wraps the pair).
void serve_target(Context& ctx, const ReadGroupRequest& request, const Target& target,
                  std::size_t count, std::vector<std::vector<std::string>>& effects) {
  if (!ctx.reply.resp3()) ctx.reply.array_header(2);
  ctx.reply.bulk_string(target.key);
  bool created = false;
  types::Consumer& consumer =
      find_or_create_consumer(ctx, target.key, *target.group, request.consumer, created);
  consumer.seen_time_ms = ctx.now_ms();
  if (created && request.noack && propagating(ctx)) {
    effects.push_back({"XGROUP", "CREATECONSUMER", std::string(target.key),
                       std::string(request.group), std::string(request.consumer)});
  }
  if (target.new_entries) {
    read_new(ctx, target, request.group, consumer, count, request.noack, effects);
  } else {
    read_history(ctx, *target.stream, *target.group, consumer, target.after, count);
  }
}

// A parked client's run once `ready` became ready (see the top of the
// file). It waited with ">" on every key: a history read never waits.
void serve_ready_stream(Context& ctx, const ReadGroupRequest& request, std::string_view ready) {
  storage::Entry* entry = ctx.db().lookup_quietly(ready);
  if (entry == nullptr || entry->type() != storage::ValueType::stream) {
    ctx.reply.error("UNBLOCKED the stream key no longer exists");
    return;
  }
  Target target{.key = ready, .stream = &entry->object<types::Stream>(), .new_entries = true};
  if (target.stream->groups() != nullptr) {
    target.group = target.stream->groups()->find(request.group);
  }
  if (target.group == nullptr) {
    ctx.reply.error("NOGROUP the consumer group this client was blocked on no longer exists");
    return;
  }
  // last_id, not the last live entry: Redis serves (an empty list) when the
  // entries added since were deleted before the client's turn.
  if (!(target.stream->last_id() > target.group->last_delivered_id())) {
    block_for_keys(ctx, {}, {}, storage::ValueType::stream, 0, TimeoutReply::null_array);
    return;  // someone of the group was served first: keep waiting
  }
  if (ctx.reply.resp3()) {
    ctx.reply.map_header(1);
  } else {
    ctx.reply.array_header(1);
  }
  std::vector<std::vector<std::string>> effects;
  serve_target(ctx, request, target, request.count == 0 ? kBlockedDefaultCount : request.count,
               effects);
  ++ctx.stats.persistence.dirty;
  propagate_effects(ctx, std::move(effects));
}

}  // namespace

void xreadgroup_command(Context& ctx, Arguments args) {
  ReadGroupRequest request;
  if (!parse_request(ctx, args, request)) return;
  if (ctx.client.blocked && ctx.blocking.serving() != nullptr) {
    serve_ready_stream(ctx, request, ctx.blocking.serving()->key);
    return;
  }
  std::vector<Target> targets;
  if (!resolve_targets(ctx, args, request, targets)) return;

  bool any = false;
  for (const Target& target : targets) any = any || serves_now(target);
  if (!any) {
    if (request.block_ms) {
      std::vector<std::string_view> keys;
      keys.reserve(targets.size());
      for (const Target& target : targets) keys.push_back(target.key);
      block_for_keys(ctx, args, keys, storage::ValueType::stream, *request.block_ms,
                     TimeoutReply::null_array);
      if (ctx.client.blocked) ctx.client.blocked->wake_when_gone = true;
      return;
    }
    ctx.reply.null_array();
    return;
  }

  std::vector<std::vector<std::string>> effects;
  // Each stream is checked again just before it is served: a stream named
  // twice ("STREAMS s s > >") is served once, as the first read moved the
  // group. So the header goes in front once the count is known.
  const std::size_t mark = ctx.reply.buffer().size();
  std::size_t served = 0;
  for (const Target& target : targets) {
    if (!serves_now(target)) continue;
    ++served;
    serve_target(ctx, request, target, request.count, effects);
  }
  std::string header(1, ctx.reply.resp3() ? '%' : '*');
  header.append(std::to_string(served)).append("\r\n");
  ctx.reply.buffer().insert(mark, header);
  // Redis counts a change for every stream served, and logs only `effects`.
  ++ctx.stats.persistence.dirty;
  propagate_effects(ctx, std::move(effects));
}

}  // namespace mini_redis::commands
