// StreamGroups: the consumer groups of one stream, as Redis 7.0's t_stream.c
// keeps them.
//
// What it is: the bookkeeping behind XGROUP, XREADGROUP, XACK, XPENDING,
// XCLAIM, XAUTOCLAIM and XINFO GROUPS / CONSUMERS. What it is not: the
// entries themselves (types/stream.h holds them; a Stream owns one
// std::unique_ptr<StreamGroups>, null until the first XGROUP CREATE) nor the
// commands (commands/streams/stream_group_*.cpp).
//
// ---- The model -----------------------------------------------------------------
//
//   StreamGroups      name -> ConsumerGroup, ordered by the bytes of the name
//                     (Redis keeps them in a rax, so XINFO GROUPS lists them
//                     in memcmp order: "B" < "a" < "ab").
//   ConsumerGroup     last_delivered_id  the greatest ID handed out by ">"
//                     entries_read       how many entries of the stream's
//                                        history the group has read (its
//                                        "logical read counter", Redis 7.0),
//                                        or kInvalidEntriesRead when unknown
//                     pel                the Pending Entries List: every ID
//                                        delivered and not yet XACKed, with
//                                        its delivery time, delivery count and
//                                        owner
//                     consumers          name -> Consumer, memcmp order too
//   Consumer          name, seen_time (the last time it read or claimed),
//                     pending: the IDs of the group PEL that it owns.
//
// One pending entry is in two places, as in Redis: the group's PEL (by ID, with
// its metadata) and its owner's set of IDs (so XREADGROUP's history read and
// XPENDING for one consumer walk only that consumer's entries). The group PEL's
// entry points at its owner; the consumer map is a std::map, whose nodes never
// move, so those pointers stay valid until the consumer is deleted (and
// deleting a consumer first deletes its pending entries, as XGROUP DELCONSUMER
// does). The copy constructor rebuilds the pointers, which is what COPY needs.
//
// ---- Lag (Redis 7.0) -------------------------------------------------------------
//
// A stream counts every entry ever added (entries_added) and remembers the
// greatest ID ever deleted by XDEL (max_deleted_id). A group counts what it has
// read. Then lag = entries_added - entries_read: how many entries the group
// has yet to see. That subtraction is only right when no deleted entry lies
// after the group's position (a deleted entry was counted in entries_added but
// will never be read). When the counter cannot be trusted, Redis tries to
// estimate it from the group's last ID (estimate_entries_read() below); when
// even that fails, XINFO GROUPS answers lag as nil.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "types/stream_id.h"

namespace mini_redis::types {

// Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown.
inline constexpr std::int64_t kInvalidEntriesRead = -1;

struct Consumer;

// One delivered, not yet acknowledged entry (Redis's streamNACK).
struct PendingEntry {
  std::int64_t delivery_time_ms = 0;  // unix ms of the last delivery
  std::uint64_t delivery_count = 0;   // how many times it was delivered
  Consumer* owner = nullptr;          // never null while in a group PEL
};

struct Consumer {
  std::string name;
  std::int64_t seen_time_ms = 0;  // unix ms of its last read or claim
  std::set<StreamID> pending;     // the IDs of the group PEL it owns
};

// The few numbers of a stream the lag rules read. The commands layer fills it
// from the Stream (types/stream.h), which keeps these functions testable
// without building entries.
struct StreamCounters {
  std::uint64_t length = 0;         // entries now in the stream
  std::uint64_t entries_added = 0;  // entries ever added (XADD count)
  StreamID first_id;                // first entry's ID; 0-0 when empty
  StreamID last_id;                 // greatest ID ever added (or XSETID)
  StreamID max_deleted_id;          // greatest ID XDEL removed; 0-0 if none
};

// Redis's streamRangeHasTombstones(s, start, end): might an entry between
// `start` and `end` (inclusive) have been deleted? Only max_deleted_id is
// known, so "yes" means "maybe".
[[nodiscard]] bool range_has_tombstones(const StreamCounters& s, StreamID start,
                                        StreamID end = StreamID::max());

// Redis's streamEstimateDistanceFromFirstEverEntry: the read counter a group
// would have after reading up to `id`, or kInvalidEntriesRead when it cannot
// be known (an ID in the future, or before a deleted entry).
[[nodiscard]] std::int64_t estimate_entries_read(const StreamCounters& s, StreamID id);

class ConsumerGroup {
 public:
  using Pel = std::map<StreamID, PendingEntry>;
  using Consumers = std::map<std::string, Consumer, std::less<>>;

  ConsumerGroup(StreamID last_delivered_id, std::int64_t entries_read)
      : last_delivered_id_(last_delivered_id), entries_read_(entries_read) {}
  ConsumerGroup(const ConsumerGroup& other);
  ConsumerGroup& operator=(const ConsumerGroup& other);
  ConsumerGroup(ConsumerGroup&&) noexcept = default;
  ConsumerGroup& operator=(ConsumerGroup&&) noexcept = default;
  ~ConsumerGroup() = default;

  [[nodiscard]] StreamID last_delivered_id() const { return last_delivered_id_; }
  [[nodiscard]] std::int64_t entries_read() const { return entries_read_; }
  // XGROUP SETID, and the creation of a group: both fields at once.
  void set_position(StreamID last_delivered_id, std::int64_t entries_read) {
    last_delivered_id_ = last_delivered_id;
    entries_read_ = entries_read;
  }

  // XREADGROUP ">" delivered `id`: move the group's position past it and keep
  // the read counter right (Redis's update in streamReplyWithRange). Does
  // nothing when `id` is not after last_delivered_id.
  void advance_to(const StreamCounters& s, StreamID id);

  // XINFO GROUPS "lag": the entries the group has not yet read, or nullopt-like
  // false when Redis would print nil. `lag` is set only when true is returned.
  [[nodiscard]] bool lag(const StreamCounters& s, std::int64_t& lag) const;

  // ---- consumers ----
  [[nodiscard]] const Consumers& consumers() const { return consumers_; }
  [[nodiscard]] Consumer* find_consumer(std::string_view name);
  // The consumer `name`, created (with seen_time now_ms) if missing; `created`
  // tells which. Existing consumers keep their seen time: the caller
  // refreshes it when Redis does.
  Consumer& find_or_create_consumer(std::string_view name, std::int64_t now_ms, bool& created);
  // XGROUP DELCONSUMER: removes the consumer and its pending entries from the
  // group PEL. Returns how many pending entries it had, or -1 if no such
  // consumer.
  std::int64_t delete_consumer(std::string_view name);

  // ---- the pending entries list ----
  [[nodiscard]] const Pel& pel() const { return pel_; }
  [[nodiscard]] PendingEntry* find_pending(StreamID id);
  // XREADGROUP ">" delivering `id` to `consumer` (not NOACK): a new entry with
  // count 1, or, when the ID is already pending (possible after XGROUP SETID
  // moved the group back), the entry is handed to `consumer` with its count
  // reset to 1, as Redis does.
  void deliver_new(StreamID id, Consumer& consumer, std::int64_t now_ms);
  // XCLAIM / XAUTOCLAIM: give an existing pending entry to `consumer`.
  void transfer(PendingEntry& entry, StreamID id, Consumer& consumer);
  // XCLAIM FORCE of an ID that is not pending: create it, owned by
  // `consumer`, with count 0 (the caller sets time and count after).
  PendingEntry& create_pending(StreamID id, Consumer& consumer);
  // XACK, and XCLAIM / XAUTOCLAIM of an entry that no longer exists: remove it
  // from the PEL and from its owner. False if it was not pending.
  bool acknowledge(StreamID id);

 private:
  StreamID last_delivered_id_;
  std::int64_t entries_read_ = kInvalidEntriesRead;
  Pel pel_;
  Consumers consumers_;
};

class StreamGroups {
 public:
  using Map = std::map<std::string, ConsumerGroup, std::less<>>;

  StreamGroups() = default;
  StreamGroups(const StreamGroups&) = default;
  StreamGroups& operator=(const StreamGroups&) = default;
  StreamGroups(StreamGroups&&) noexcept = default;
  StreamGroups& operator=(StreamGroups&&) noexcept = default;
  ~StreamGroups() = default;

  // A deep copy (COPY of a stream key copies its groups, PELs and consumers).
  [[nodiscard]] std::unique_ptr<StreamGroups> clone() const {
    return std::make_unique<StreamGroups>(*this);
  }

  [[nodiscard]] std::size_t size() const { return groups_.size(); }
  [[nodiscard]] bool empty() const { return groups_.empty(); }
  [[nodiscard]] ConsumerGroup* find(std::string_view name);
  [[nodiscard]] const ConsumerGroup* find(std::string_view name) const;
  // Null when a group of that name already exists (XGROUP CREATE's BUSYGROUP).
  ConsumerGroup* create(std::string_view name, StreamID last_delivered_id,
                        std::int64_t entries_read);
  // XGROUP DESTROY: false if there was no such group.
  bool destroy(std::string_view name);

  // Ordered by name bytes, as Redis's rax (XINFO GROUPS order).
  [[nodiscard]] const Map& all() const { return groups_; }
  [[nodiscard]] Map& all() { return groups_; }

  // Rough heap bytes, for MEMORY USAGE (counts nodes and names).
  [[nodiscard]] std::size_t memory_usage() const;

 private:
  Map groups_;
};

}  // namespace mini_redis::types
