// StreamGroups, ConsumerGroup: see stream_group.h for the model and the lag
// rules. Each function names the Redis 7.0 function whose behaviour it
// reproduces.
#include "types/stream_group.h"

#include <utility>

namespace mini_redis::types {

bool range_has_tombstones(const StreamCounters& s, StreamID start, StreamID end) {
  // No deletion ever, or an empty stream: nothing in any range is missing.
  if (s.length == 0 || s.max_deleted_id == StreamID::min()) {
    return false;
  }
  // The last deletion happened before the first entry still there (trimming
  // removed everything up to it): the remaining entries are contiguous.
  if (s.first_id > s.max_deleted_id) {
    return false;
  }
  return start <= s.max_deleted_id && s.max_deleted_id <= end;
}

std::int64_t estimate_entries_read(const StreamCounters& s, StreamID id) {
  const auto added = static_cast<std::int64_t>(s.entries_added);
  // A stream nothing was ever added to: every position is "0 read".
  if (s.entries_added == 0) {
    return 0;
  }
  // An empty stream (all entries deleted or trimmed) at or before its last
  // ID: reading everything there was means reading entries_added entries.
  if (s.length == 0 && id <= s.last_id) {
    return added;
  }
  if (id == s.last_id) {
    return added;  // exactly the last entry: the counter is exact
  }
  if (id > s.last_id) {
    return kInvalidEntriesRead;  // a position in the future
  }
  // Between the first and the last entry we can only tell when no deletion
  // fragments the stream, and then only at (or before) the first entry: the
  // entries before the first were all removed from the front (trimmed).
  const bool no_fragmentation =
      s.max_deleted_id == StreamID::min() || s.max_deleted_id < s.first_id;
  if (no_fragmentation) {
    const auto length = static_cast<std::int64_t>(s.length);
    if (id < s.first_id) {
      return added - length;
    }
    if (id == s.first_id) {
      return added - length + 1;
    }
  }
  return kInvalidEntriesRead;
}

// ---- ConsumerGroup ---------------------------------------------------------------

ConsumerGroup::ConsumerGroup(const ConsumerGroup& other)
    : last_delivered_id_(other.last_delivered_id_),
      entries_read_(other.entries_read_),
      consumers_(other.consumers_) {
  // The copied PEL entries must point at *our* consumers, found by name.
  for (const auto& [id, entry] : other.pel_) {
    PendingEntry copy = entry;
    copy.owner = &consumers_.find(entry.owner->name)->second;
    pel_.emplace_hint(pel_.end(), id, copy);
  }
}

ConsumerGroup& ConsumerGroup::operator=(const ConsumerGroup& other) {
  if (this != &other) {
    ConsumerGroup copy(other);
    *this = std::move(copy);
  }
  return *this;
}

void ConsumerGroup::advance_to(const StreamCounters& s, StreamID id) {
  if (id <= last_delivered_id_) {
    return;
  }
  // Redis's streamReplyWithRange: while the counter is valid and no deleted
  // entry lies ahead, one more entry read is one more count. Otherwise try to
  // recover the counter from the ID (it may stay invalid).
  if (entries_read_ != kInvalidEntriesRead && !range_has_tombstones(s, id)) {
    ++entries_read_;
  } else if (s.entries_added != 0) {
    entries_read_ = estimate_entries_read(s, id);
  }
  last_delivered_id_ = id;
}

bool ConsumerGroup::lag(const StreamCounters& s, std::int64_t& lag) const {
  const auto added = static_cast<std::int64_t>(s.entries_added);
  // Redis's streamReplyWithCGLag.
  if (s.entries_added == 0) {
    lag = 0;  // nothing was ever added: nothing to read
    return true;
  }
  if (entries_read_ != kInvalidEntriesRead && !range_has_tombstones(s, last_delivered_id_)) {
    lag = added - entries_read_;
    return true;
  }
  const std::int64_t estimate = estimate_entries_read(s, last_delivered_id_);
  if (estimate != kInvalidEntriesRead) {
    lag = added - estimate;
    return true;
  }
  return false;
}

Consumer* ConsumerGroup::find_consumer(std::string_view name) {
  auto it = consumers_.find(name);
  return it == consumers_.end() ? nullptr : &it->second;
}

Consumer& ConsumerGroup::find_or_create_consumer(std::string_view name, std::int64_t now_ms,
                                                 bool& created) {
  auto it = consumers_.find(name);
  created = it == consumers_.end();
  if (created) {
    it = consumers_.emplace(std::string(name), Consumer{std::string(name), now_ms, {}}).first;
  }
  return it->second;
}

std::int64_t ConsumerGroup::delete_consumer(std::string_view name) {
  auto it = consumers_.find(name);
  if (it == consumers_.end()) {
    return -1;
  }
  // Its pending entries leave the group PEL too: nobody owns them any more,
  // and Redis (streamDelConsumer) drops them rather than orphaning them.
  const auto pending = static_cast<std::int64_t>(it->second.pending.size());
  for (const StreamID& id : it->second.pending) {
    pel_.erase(id);
  }
  consumers_.erase(it);
  return pending;
}

PendingEntry* ConsumerGroup::find_pending(StreamID id) {
  auto it = pel_.find(id);
  return it == pel_.end() ? nullptr : &it->second;
}

void ConsumerGroup::deliver_new(StreamID id, Consumer& consumer, std::int64_t now_ms) {
  auto [it, inserted] = pel_.try_emplace(id);
  PendingEntry& entry = it->second;
  if (!inserted) {
    entry.owner->pending.erase(id);
  }
  entry.owner = &consumer;
  entry.delivery_time_ms = now_ms;
  entry.delivery_count = 1;
  consumer.pending.insert(id);
}

void ConsumerGroup::transfer(PendingEntry& entry, StreamID id, Consumer& consumer) {
  if (entry.owner == &consumer) {
    return;
  }
  entry.owner->pending.erase(id);
  entry.owner = &consumer;
  consumer.pending.insert(id);
}

PendingEntry& ConsumerGroup::create_pending(StreamID id, Consumer& consumer) {
  PendingEntry& entry = pel_[id];
  entry.owner = &consumer;
  consumer.pending.insert(id);
  return entry;
}

bool ConsumerGroup::acknowledge(StreamID id) {
  auto it = pel_.find(id);
  if (it == pel_.end()) {
    return false;
  }
  it->second.owner->pending.erase(id);
  pel_.erase(it);
  return true;
}

// ---- StreamGroups ----------------------------------------------------------------

ConsumerGroup* StreamGroups::find(std::string_view name) {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

const ConsumerGroup* StreamGroups::find(std::string_view name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

ConsumerGroup* StreamGroups::create(std::string_view name, StreamID last_delivered_id,
                                    std::int64_t entries_read) {
  auto [it, inserted] = groups_.try_emplace(std::string(name), last_delivered_id, entries_read);
  return inserted ? &it->second : nullptr;
}

bool StreamGroups::destroy(std::string_view name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) {
    return false;
  }
  groups_.erase(it);
  return true;
}

std::size_t StreamGroups::memory_usage() const {
  // A std::map node is the value plus three pointers and a colour word.
  constexpr std::size_t kNode = 4 * sizeof(void*);
  std::size_t bytes = sizeof(StreamGroups);
  for (const auto& [name, group] : groups_) {
    bytes += kNode + sizeof(std::string) + sizeof(ConsumerGroup) + name.capacity();
    bytes += group.pel().size() * (kNode + sizeof(StreamID) + sizeof(PendingEntry));
    for (const auto& [cname, consumer] : group.consumers()) {
      bytes += kNode + sizeof(std::string) + sizeof(Consumer) + 2 * cname.capacity();
      bytes += consumer.pending.size() * (kNode + sizeof(StreamID));
    }
  }
  return bytes;
}

}  // namespace mini_redis::types
