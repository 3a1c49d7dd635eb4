// XINFO: what a stream, its groups and their consumers look like.
//
//   XINFO STREAM key              -> length, radix-tree-keys, radix-tree-nodes,
//                                    last-generated-id, max-deleted-entry-id,
//                                    entries-added, recorded-first-entry-id,
//                                    groups, first-entry, last-entry
//   XINFO STREAM key FULL [COUNT n] -> the same counters, then the first n
//                                    entries (10 by default, 0 = all) and every
//                                    group with its PEL and consumers (each
//                                    list cut at n too)
//   XINFO GROUPS key              -> per group: name, consumers, pending,
//                                    last-delivered-id, entries-read, lag
//   XINFO CONSUMERS key group     -> per consumer: name, pending, idle
//
// Each record is a map in RESP3 and a flat name/value array in RESP2; the
// ReplyWriter's map_header writes either. entries-read and lag are nil when
// unknown (the lag rules are in types/stream_group.h).
//
// ---- radix-tree-nodes -----------------------------------------------------------
//
// Redis reports how many nodes its rax has. We keep the stream's nodes in a
// B-tree (types/stream.h), so we count the nodes the rax *would* have for
// the same keys: the 16-byte big-endian master IDs. A rax is a compressed
// radix tree, and after its inserts and removals (which re-compress) its
// shape depends only on the set of keys:
//   - one key below a point: a compressed node holding the rest of its
//     bytes (if any are left) and the key's own empty leaf node;
//   - several keys: a compressed node for the bytes they all share next (if
//     any), then a branching node with one child per distinct next byte.
// An empty rax is its root alone: 1 node.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "commands/core/arguments.h"
#include "commands/core/command_docs.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/type_check.h"
#include "commands/streams/stream_group_common.h"
#include "commands/streams/stream_reply.h"
#include "common/ascii.h"
#include "storage/database.h"

namespace mini_redis::commands {

namespace {

using RaxKey = std::array<unsigned char, 16>;

std::size_t rax_nodes_below(std::span<const RaxKey> keys, std::size_t depth) {
  if (keys.size() == 1) return depth < 16 ? 2 : 1;
  // Sorted keys: the bytes all share are the bytes the first and last share.
  std::size_t shared = depth;
  while (keys.front()[shared] == keys.back()[shared]) ++shared;
  std::size_t nodes = (shared > depth ? 1 : 0) + 1;  // the shared run, the branch
  std::size_t begin = 0;
  while (begin < keys.size()) {
    std::size_t end = begin + 1;
    while (end < keys.size() && keys[end][shared] == keys[begin][shared]) ++end;
    nodes += rax_nodes_below(keys.subspan(begin, end - begin), shared + 1);
    begin = end;
  }
  return nodes;
}

std::size_t rax_node_count(const types::Stream& stream) {
  std::vector<RaxKey> keys;
  keys.reserve(stream.node_count());
  for (const auto& [master_id, node] : stream.nodes()) keys.push_back(master_id.to_big_endian());
  return keys.empty() ? 1 : rax_nodes_below(keys, 0);
}

// The stream at `key`, or "ERR no such key" / WRONGTYPE.
types::Stream* stream_or_reply(Context& ctx, std::string_view key) {
  storage::Entry* entry = ctx.db().lookup_for_read(key);
  if (entry == nullptr) {
    notify_key_miss(ctx, key);
    ctx.reply.error(errors::kNoSuchKey);
    return nullptr;
  }
  if (!check_type(ctx, entry, storage::ValueType::stream)) return nullptr;
  return &entry->object<types::Stream>();
}

void reply_entries_read(Context& ctx, const types::ConsumerGroup& group) {
  if (group.entries_read() == types::kInvalidEntriesRead) {
    ctx.reply.null();
  } else {
    ctx.reply.integer(group.entries_read());
  }
}

void reply_lag(Context& ctx, const types::StreamCounters& counters,
               const types::ConsumerGroup& group) {
  std::int64_t lag = 0;
  if (group.lag(counters, lag)) {
    ctx.reply.integer(lag);
  } else {
    ctx.reply.null();
  }
}

// The first fields of both forms of XINFO STREAM.
void reply_stream_counters(Context& ctx, const types::Stream& stream) {
  ctx.reply.bulk_string("length");
  ctx.reply.integer(static_cast<std::int64_t>(stream.length()));
  ctx.reply.bulk_string("radix-tree-keys");
  ctx.reply.integer(static_cast<std::int64_t>(stream.node_count()));
  ctx.reply.bulk_string("radix-tree-nodes");
  ctx.reply.integer(static_cast<std::int64_t>(rax_node_count(stream)));
  ctx.reply.bulk_string("last-generated-id");
  write_stream_id(ctx.reply, stream.last_id());
  ctx.reply.bulk_string("max-deleted-entry-id");
  write_stream_id(ctx.reply, stream.max_deleted_id());
  ctx.reply.bulk_string("entries-added");
  ctx.reply.integer(static_cast<std::int64_t>(stream.entries_added()));
  ctx.reply.bulk_string("recorded-first-entry-id");
  write_stream_id(ctx.reply, stream.first_id());
}

// The first or last entry, or nil for an empty stream.
void reply_edge_entry(Context& ctx, const types::Stream& stream, bool last) {
  bool found = false;
  stream.for_each_in_range(types::StreamID::min(), types::StreamID::max(), 1, last,
                           [&](const types::StreamEntry& entry) {
                             write_stream_entry(ctx.reply, entry);
                             found = true;
                             return false;
                           });
  if (!found) ctx.reply.null();
}

// One group of XINFO STREAM FULL, its PEL and consumers cut at `count`.
void reply_full_group(Context& ctx, const types::StreamCounters& counters, std::string_view name,
                      const types::ConsumerGroup& group, std::size_t count) {
  const auto limited = [count](std::size_t size) {
    return count == 0 || size < count ? size : count;
  };
  ctx.reply.map_header(7);
  ctx.reply.bulk_string("name");
  ctx.reply.bulk_string(name);
  ctx.reply.bulk_string("last-delivered-id");
  write_stream_id(ctx.reply, group.last_delivered_id());
  ctx.reply.bulk_string("entries-read");
  reply_entries_read(ctx, group);
  ctx.reply.bulk_string("lag");
  reply_lag(ctx, counters, group);
  ctx.reply.bulk_string("pel-count");
  ctx.reply.integer(static_cast<std::int64_t>(group.pel().size()));
  ctx.reply.bulk_string("pending");
  ctx.reply.array_header(limited(group.pel().size()));
  std::size_t written = 0;
  for (auto it = group.pel().begin(); written < limited(group.pel().size()); ++it, ++written) {
    ctx.reply.array_header(4);
    write_stream_id(ctx.reply, it->first);
    ctx.reply.bulk_string(it->second.owner->name);
    ctx.reply.integer(it->second.delivery_time_ms);
    ctx.reply.integer(static_cast<std::int64_t>(it->second.delivery_count));
  }
  ctx.reply.bulk_string("consumers");
  ctx.reply.array_header(group.consumers().size());
  for (const auto& [consumer_name, consumer] : group.consumers()) {
    ctx.reply.map_header(4);
    ctx.reply.bulk_string("name");
    ctx.reply.bulk_string(consumer_name);
    ctx.reply.bulk_string("seen-time");
    ctx.reply.integer(consumer.seen_time_ms);
    ctx.reply.bulk_string("pel-count");
    ctx.reply.integer(static_cast<std::int64_t>(consumer.pending.size()));
    ctx.reply.bulk_string("pending");
    ctx.reply.array_header(limited(consumer.pending.size()));
    written = 0;
    for (auto it = consumer.pending.begin(); written < limited(consumer.pending.size());
         ++it, ++written) {
      const types::PendingEntry& entry = group.pel().find(*it)->second;
      ctx.reply.array_header(3);
      write_stream_id(ctx.reply, *it);
      ctx.reply.integer(entry.delivery_time_ms);
      ctx.reply.integer(static_cast<std::int64_t>(entry.delivery_count));
    }
  }
}

}  // namespace

void xinfo_stream_command(Context& ctx, Arguments args) {
  const types::Stream* stream = stream_or_reply(ctx, args[2]);
  if (stream == nullptr) return;
  bool full = false;
  std::int64_t count = 10;  // FULL's default, so that a huge stream does not stall the server
  if (args.size() > 3) {
    const bool valid =
        equals_ignore_case(args[3], "FULL") &&
        (args.size() == 4 || (args.size() == 6 && equals_ignore_case(args[4], "COUNT")));
    if (!valid) {
      ctx.reply.error(errors::subcommand_syntax_error(args[1], "xinfo"));
      return;
    }
    full = true;
    if (args.size() == 6) {
      const std::optional<std::int64_t> value = integer_or_reply(ctx, args[5]);
      if (!value) return;
      count = *value < 0 ? 0 : *value;
    }
  }
  if (!full) {
    ctx.reply.map_header(10);
    reply_stream_counters(ctx, *stream);
    ctx.reply.bulk_string("groups");
    ctx.reply.integer(
        static_cast<std::int64_t>(stream->groups() == nullptr ? 0 : stream->groups()->size()));
    ctx.reply.bulk_string("first-entry");
    reply_edge_entry(ctx, *stream, false);
    ctx.reply.bulk_string("last-entry");
    reply_edge_entry(ctx, *stream, true);
    return;
  }
  ctx.reply.map_header(9);
  reply_stream_counters(ctx, *stream);
  ctx.reply.bulk_string("entries");
  write_stream_range(ctx.reply, *stream, types::StreamID::min(), types::StreamID::max(),
                     static_cast<std::size_t>(count), false);
  ctx.reply.bulk_string("groups");
  const types::StreamGroups* groups = stream->groups();
  ctx.reply.array_header(groups == nullptr ? 0 : groups->size());
  if (groups == nullptr) return;
  const types::StreamCounters counters = stream_counters(*stream);
  for (const auto& [name, group] : groups->all()) {
    reply_full_group(ctx, counters, name, group, static_cast<std::size_t>(count));
  }
}

void xinfo_groups_command(Context& ctx, Arguments args) {
  const types::Stream* stream = stream_or_reply(ctx, args[2]);
  if (stream == nullptr) return;
  const types::StreamGroups* groups = stream->groups();
  ctx.reply.array_header(groups == nullptr ? 0 : groups->size());
  if (groups == nullptr) return;
  const types::StreamCounters counters = stream_counters(*stream);
  for (const auto& [name, group] : groups->all()) {
    ctx.reply.map_header(6);
    ctx.reply.bulk_string("name");
    ctx.reply.bulk_string(name);
    ctx.reply.bulk_string("consumers");
    ctx.reply.integer(static_cast<std::int64_t>(group.consumers().size()));
    ctx.reply.bulk_string("pending");
    ctx.reply.integer(static_cast<std::int64_t>(group.pel().size()));
    ctx.reply.bulk_string("last-delivered-id");
    write_stream_id(ctx.reply, group.last_delivered_id());
    ctx.reply.bulk_string("entries-read");
    reply_entries_read(ctx, group);
    ctx.reply.bulk_string("lag");
    reply_lag(ctx, counters, group);
  }
}

void xinfo_consumers_command(Context& ctx, Arguments args) {
  types::Stream* stream = stream_or_reply(ctx, args[2]);
  if (stream == nullptr) return;
  const types::ConsumerGroup* group =
      stream->groups() == nullptr ? nullptr : stream->groups()->find(args[3]);
  if (group == nullptr) {
    ctx.reply.error(no_such_group_for_key(args[3], args[2]));
    return;
  }
  const std::int64_t now = ctx.now_ms();
  ctx.reply.array_header(group->consumers().size());
  for (const auto& [name, consumer] : group->consumers()) {
    ctx.reply.map_header(3);
    ctx.reply.bulk_string("name");
    ctx.reply.bulk_string(name);
    ctx.reply.bulk_string("pending");
    ctx.reply.integer(static_cast<std::int64_t>(consumer.pending.size()));
    ctx.reply.bulk_string("idle");
    const std::int64_t idle = now - consumer.seen_time_ms;
    ctx.reply.integer(idle < 0 ? 0 : idle);
  }
}

void xinfo_help_command(Context& ctx, Arguments /*args*/) {
  reply_help(ctx.reply, "XINFO",
             {
                 "CONSUMERS <key> <groupname>",
                 "    Show consumers of <groupname>.",
                 "GROUPS <key>",
                 "    Show the stream consumer groups.",
                 "STREAM <key> [FULL [COUNT <count>]",
                 "    Show information about the stream.",
             });
}

}  // namespace mini_redis::commands
