// Streams in RDB: see rdb_stream.h for the layout.
#include "persistence/rdb_stream.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "persistence/rdb_encoding.h"
#include "types/listpack.h"
#include "types/stream_group.h"
#include "types/stream_node.h"

namespace mini_redis::persistence {

namespace {

using types::Listpack;
using types::StreamID;

// ---- writing -----------------------------------------------------------------------

void append_id(std::string& out, StreamID id) {
  rdb::append_length(out, id.ms);
  rdb::append_length(out, id.seq);
}

// An ID as the 16 raw big-endian bytes Redis uses as its rax key.
std::string_view raw_id(const std::array<unsigned char, 16>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

void append_group(std::string& out, std::string_view name, const types::ConsumerGroup& group,
                  bool compression) {
  rdb::append_string(out, name, compression);
  append_id(out, group.last_delivered_id());
  // Redis saves the signed counter with rdbSaveLen: -1 (unknown) becomes
  // the 64-bit length 2^64 - 1, and is read back the same way.
  rdb::append_length(out, static_cast<std::uint64_t>(group.entries_read()));
  // The group PEL: raw ID, delivery time, delivery count (rdbSaveStreamPEL
  // with nacks = 1). The raw IDs have no length prefix.
  rdb::append_length(out, group.pel().size());
  for (const auto& [id, pending] : group.pel()) {
    out.append(raw_id(id.to_big_endian()));
    rdb::append_u64_le(out, static_cast<std::uint64_t>(pending.delivery_time_ms));
    rdb::append_length(out, pending.delivery_count);
  }
  // Consumers in name order (the rax order), each with its IDs only.
  rdb::append_length(out, group.consumers().size());
  for (const auto& [consumer_name, consumer] : group.consumers()) {
    rdb::append_string(out, consumer_name, compression);
    rdb::append_u64_le(out, static_cast<std::uint64_t>(consumer.seen_time_ms));
    rdb::append_length(out, consumer.pending.size());
    for (const StreamID id : consumer.pending) out.append(raw_id(id.to_big_endian()));
  }
}

// ---- reading: one node ---------------------------------------------------------------

// The integer at `pos`. Redis's lpGetIntegerIfValid also takes a string
// element that spells an integer; anything else (or no element) is corrupt.
bool integer_at(const Listpack& node, std::size_t pos, std::int64_t& value) {
  if (pos == Listpack::npos) return false;
  const types::ListpackEntry element = node.get(pos);
  if (element.is_int()) {
    value = element.as_int();
    return true;
  }
  const std::string_view text = element.as_string();
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// `count` elements on from `pos`; false if the listpack ends first.
bool skip(const Listpack& node, std::size_t& pos, std::uint64_t count) {
  for (std::uint64_t i = 0; i < count; ++i) {
    if (pos == Listpack::npos) return false;
    pos = node.next(pos);
  }
  return true;
}

struct NodeSummary {
  std::uint64_t live = 0;
  std::optional<StreamID> first_live;
  StreamID last_any;  // the greatest ID in the node, deleted or not
};

// Walks the node's stream layout (stream.h draws it) and checks every part:
// what streamValidateListpackIntegrity does in deep mode. `previous` is the
// greatest ID of the nodes before (every ID here must be greater). Reading
// the node afterwards with stream_node's unchecked helpers is then safe.
bool check_node(const Listpack& node, StreamID master, std::optional<StreamID> previous,
                NodeSummary& summary) {
  std::int64_t count = 0;
  std::int64_t deleted = 0;
  std::int64_t master_fields = 0;
  std::size_t pos = node.first();
  if (!integer_at(node, pos, count) || count <= 0) return false;  // a node has live entries
  pos = node.next(pos);
  if (!integer_at(node, pos, deleted) || deleted < 0) return false;
  pos = node.next(pos);
  if (!integer_at(node, pos, master_fields) || master_fields <= 0) return false;
  pos = node.next(pos);
  if (!skip(node, pos, static_cast<std::uint64_t>(master_fields))) return false;
  std::int64_t terminator = -1;
  if (!integer_at(node, pos, terminator) || terminator != 0) return false;
  pos = node.next(pos);
  if (previous && !(*previous < master)) return false;

  std::int64_t live_seen = 0;
  std::int64_t deleted_seen = 0;
  std::optional<StreamID> last;
  while (pos != Listpack::npos) {
    std::int64_t flags = 0;
    std::int64_t ms_diff = 0;
    std::int64_t seq_diff = 0;
    if (!integer_at(node, pos, flags) || (flags & ~std::int64_t{3}) != 0) return false;
    pos = node.next(pos);
    if (!integer_at(node, pos, ms_diff)) return false;
    pos = node.next(pos);
    if (!integer_at(node, pos, seq_diff)) return false;
    pos = node.next(pos);
    // The same wrap-around arithmetic the writer used (stream_node.cpp).
    const StreamID id{master.ms + static_cast<std::uint64_t>(ms_diff),
                      master.seq + static_cast<std::uint64_t>(seq_diff)};
    if (id < master || (last && !(*last < id))) return false;
    last = id;
    std::uint64_t elements = 0;  // the entry's elements after seq-diff, before lp-count
    if ((flags & types::stream_node::kFlagSameFields) != 0) {
      elements = static_cast<std::uint64_t>(master_fields);
    } else {
      std::int64_t fields = 0;
      if (!integer_at(node, pos, fields) || fields <= 0 || fields > (1LL << 30)) return false;
      elements = 1 + 2 * static_cast<std::uint64_t>(fields);
    }
    if (!skip(node, pos, elements)) return false;
    std::int64_t lp_count = 0;
    if (!integer_at(node, pos, lp_count) || static_cast<std::uint64_t>(lp_count) != elements + 3) {
      return false;  // the backward walk would land elsewhere
    }
    pos = node.next(pos);
    if ((flags & types::stream_node::kFlagDeleted) != 0) {
      ++deleted_seen;
    } else {
      ++live_seen;
      if (!summary.first_live) summary.first_live = id;
    }
  }
  if (!last || live_seen != count || deleted_seen != deleted) return false;
  summary.live = static_cast<std::uint64_t>(live_seen);
  summary.last_any = *last;
  return true;
}

StreamID read_id(RdbInput& in) {
  StreamID id;
  id.ms = in.read_length();
  id.seq = in.read_length();
  return id;
}

StreamID read_raw_id(RdbInput& in) {
  const std::string_view bytes = in.read_bytes(16);
  if (!in.ok()) return {};
  return StreamID::from_big_endian(reinterpret_cast<const unsigned char*>(bytes.data()));
}

// Fails `in` with `why`; the decoder's "no entry".
storage::EntryPtr refuse(RdbInput& in, std::string_view why) {
  in.fail(why);
  return {};
}

// ---- reading: groups ---------------------------------------------------------------------

struct LoadedPending {
  types::PendingEntry entry;
  bool owned = false;
};

bool read_group(RdbInput& in, types::Stream& stream, bool listpacks2) {
  std::string name = in.read_string();
  const StreamID last_delivered = read_id(in);
  std::int64_t entries_read = types::kInvalidEntriesRead;
  if (listpacks2) {
    entries_read = static_cast<std::int64_t>(in.read_length());
  } else {
    // Redis 6 had no read counter: Redis 7.0 estimates it on load.
    const types::StreamCounters counters{stream.length(), stream.entries_added(), stream.first_id(),
                                         stream.last_id(), stream.max_deleted_id()};
    entries_read = types::estimate_entries_read(counters, last_delivered);
  }
  if (!in.ok()) return false;
  types::ConsumerGroup* group = stream.ensure_groups().create(name, last_delivered, entries_read);
  if (group == nullptr) return in.fail("Duplicated consumer group name");

  std::map<StreamID, LoadedPending> pel;
  const std::uint64_t pel_size = in.read_count(16 + 8 + 1);
  for (std::uint64_t i = 0; i < pel_size && in.ok(); ++i) {
    const StreamID id = read_raw_id(in);
    LoadedPending pending;
    pending.entry.delivery_time_ms = static_cast<std::int64_t>(in.read_little_endian(8));
    pending.entry.delivery_count = in.read_length();
    if (in.ok() && !pel.emplace(id, pending).second) {
      return in.fail("Duplicated global PEL entry loading stream consumer group");
    }
  }

  const std::uint64_t consumers = in.read_count(1 + 8 + 1);
  for (std::uint64_t i = 0; i < consumers && in.ok(); ++i) {
    std::string consumer_name = in.read_string();
    const auto seen = static_cast<std::int64_t>(in.read_little_endian(8));
    if (!in.ok()) break;
    bool created = false;
    types::Consumer& consumer = group->find_or_create_consumer(consumer_name, seen, created);
    if (!created) return in.fail("Duplicate stream consumer detected");
    const std::uint64_t owned = in.read_count(16);
    for (std::uint64_t j = 0; j < owned && in.ok(); ++j) {
      const StreamID id = read_raw_id(in);
      if (!in.ok()) break;
      auto it = pel.find(id);
      if (it == pel.end()) return in.fail("Consumer entry not found in group global PEL");
      if (it->second.owned) return in.fail("Duplicated consumer PEL entry loading a stream");
      it->second.owned = true;
      types::PendingEntry& entry = group->create_pending(id, consumer);
      entry.delivery_time_ms = it->second.entry.delivery_time_ms;
      entry.delivery_count = it->second.entry.delivery_count;
    }
  }
  if (!in.ok()) return false;
  // Redis's deep sanitization: a group PEL entry nobody owns cannot be
  // claimed, acknowledged by its consumer, or shown consistently.
  for (const auto& [id, pending] : pel) {
    if (!pending.owned) return in.fail("Stream CG PEL entry without consumer");
  }
  return true;
}

}  // namespace

void append_stream_value(std::string& out, const types::Stream& stream, bool compression) {
  rdb::append_length(out, stream.node_count());
  for (const auto& [master, node] : stream.nodes()) {
    // rdbSaveRawString of the 16-byte key: too long for an integer, too
    // short for LZF, so always the plain bytes.
    rdb::append_string(out, raw_id(master.to_big_endian()), compression);
    const std::span<const std::uint8_t> bytes = node.bytes();
    rdb::append_string(out, {reinterpret_cast<const char*>(bytes.data()), bytes.size()},
                       compression);
  }
  rdb::append_length(out, stream.length());
  append_id(out, stream.last_id());
  append_id(out, stream.first_id());
  append_id(out, stream.max_deleted_id());
  rdb::append_length(out, stream.entries_added());
  const types::StreamGroups* groups = stream.groups();
  rdb::append_length(out, groups == nullptr ? 0 : groups->size());
  if (groups == nullptr) return;
  for (const auto& [name, group] : groups->all()) append_group(out, name, group, compression);
}

storage::EntryPtr decode_stream(RdbInput& in, std::string_view key, bool listpacks2) {
  types::Stream stream;
  // Each node takes at least its 17-byte key string and a listpack string.
  const std::uint64_t nodes = in.read_count(17 + 8);
  std::optional<StreamID> greatest;  // the greatest ID of the nodes so far
  std::optional<StreamID> first_live;
  std::uint64_t live = 0;
  std::string key_scratch;
  std::string node_scratch;
  for (std::uint64_t i = 0; i < nodes && in.ok(); ++i) {
    const std::string_view master_bytes = in.read_string(key_scratch);
    if (!in.ok()) break;
    if (master_bytes.size() != 16)
      return refuse(in, "Stream node key entry is not the size of a stream ID");
    const StreamID master =
        StreamID::from_big_endian(reinterpret_cast<const unsigned char*>(master_bytes.data()));
    const std::string_view blob = in.read_string(node_scratch);
    if (!in.ok()) break;
    std::optional<Listpack> node =
        Listpack::from_bytes({reinterpret_cast<const std::uint8_t*>(blob.data()), blob.size()});
    if (!node || node->empty()) return refuse(in, "Stream listpack integrity check failed");
    NodeSummary summary;
    if (!check_node(*node, master, greatest, summary)) {
      return refuse(in, "Stream listpack integrity check failed");
    }
    greatest = summary.last_any;
    if (!first_live) first_live = summary.first_live;
    live += summary.live;
    stream.load_node(master, std::move(*node));
  }
  const std::uint64_t length = in.read_length();
  const StreamID last_id = read_id(in);
  StreamID first_id = first_live.value_or(StreamID{});
  StreamID max_deleted;
  std::uint64_t entries_added = length;  // Redis 6: nothing was counted
  if (listpacks2) {
    const StreamID stated_first = read_id(in);
    max_deleted = read_id(in);
    entries_added = in.read_length();
    // An empty stream keeps the ID its file states (XINFO's
    // recorded-first-entry-id); otherwise the entries decide.
    if (length == 0) first_id = stated_first;
  }
  if (!in.ok()) return {};
  if (length != live) return refuse(in, "Stream length does not match its entries");
  if (greatest && last_id < *greatest) {
    return refuse(in, "Stream last ID is smaller than an entry's ID");
  }
  if (entries_added < length) return refuse(in, "Stream entries_added is below its length");
  stream.set_loaded_counters(length, first_id);
  stream.set_last_id(last_id);
  stream.set_max_deleted_id(max_deleted);
  stream.set_entries_added(entries_added);

  // Each group: a name, the last ID, the PEL and consumer counts.
  const std::uint64_t groups = in.read_count(1 + 2 + 1 + 1);
  for (std::uint64_t i = 0; i < groups && in.ok(); ++i) read_group(in, stream, listpacks2);
  if (!in.ok()) return {};
  return storage::make_object_entry(key, storage::kObjectType<types::Stream>, &stream);
}

}  // namespace mini_redis::persistence
