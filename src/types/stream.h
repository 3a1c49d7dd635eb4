// Stream: Redis's append-only log of entries, each a small field/value map
// named by a StreamID, stored as Redis 7.0 stores it.
//
// ---- The shape ---------------------------------------------------------------
//
// A stream is an ordered index of *nodes*. Each node is one listpack (see
// listpack.h) holding up to `stream-node-max-entries` (100) entries or about
// `stream-node-max-bytes` (4096) bytes; the index is keyed by the node's
// *master ID*, the ID of the first entry ever appended to it. Beside the index
// the stream keeps the counters XINFO shows: length, last ID, first ID,
// max-deleted-entry-id and entries-added, and, once XGROUP CREATE ran, its
// consumer groups (stream_group.h, owned by the groups code).
//
// ---- The index: a radix tree, as Redis's rax ---------------------------------
//
// Redis indexes nodes with its rax keyed by the master ID's 16 big-endian
// bytes; so do we, with our own compressed radix tree (radix_tree.h).
// Big-endian bytes compare as the numbers do, so walking the tree visits
// nodes in ID order and "the last node whose master ID <= X" is a seek.
//
// What it buys, honestly: the same shape as Redis, and compactness that
// comes from the keys themselves: the millisecond bytes that consecutive
// masters share are stored once, so a node's index entry is a leaf, a short
// run and a share of a branch (plus the 8-byte holder of its Listpack). It
// costs a little more than the absl::btree_map we used before, and a lookup
// walks up to 17 small nodes instead of binary-searching one; both are small
// next to the listpacks. Measured (1,000,000 XADDs of `a 1 b 2` from one
// EVAL, 10,000 nodes, used_memory after minus before): 13.2-13.3 bytes per entry
// with this tree, 12.98 with the B-tree, 13.45 for Redis 7.0.15; XADD and
// XRANGE throughput unchanged within the noise of a shared machine.
// Nothing observable depends on the index:
// trimming with `~` removes whole nodes, decided by the nodes' own
// counters, exactly as t_stream.c does.
//
// ---- One node's listpack (byte-for-byte Redis's layout) -------------------
//
//   master entry:  count | deleted | num-fields | field_1 ... field_N | 0
//   each entry:    flags | ms-diff | seq-diff | <fields/values> | lp-count
//
//   count, deleted  live and deleted entries in this node. A deleted entry
//                   stays in place with its DELETED flag set; the node goes
//                   away when `count` drops to 0.
//   num-fields ...  the field names of the node's first entry. An entry with
//                   exactly these fields in this order sets the SAMEFIELDS
//                   flag and stores only its values.
//   flags           1 = DELETED, 2 = SAMEFIELDS (Redis's STREAM_ITEM_FLAG_*).
//   ms-diff,        the entry's ID minus the master ID, ms and seq apart:
//   seq-diff        small numbers, so listpack stores them in 1-2 bytes.
//   fields/values   SAMEFIELDS: value_1 ... value_N.
//                   otherwise:  num-fields | field_1 | value_1 ... value_N.
//   lp-count        how many listpack elements the entry had before this one
//                   (3 + N with SAMEFIELDS, 4 + 2N otherwise), so that a
//                   reader walking backwards can jump to the entry's flags.
//
// Every number is a listpack integer (1 byte when < 128), so an entry of two
// small fields matching the master costs flags(2) + ms(2) + seq(2) + values +
// lp-count(2) bytes: this is why streams are compact.
//
// ---- What this class is not --------------------------------------------------
//
// It does not parse client text (stream_id_arguments.h does), does not choose
// errors, and knows nothing of blocking or replies. It is the data alone.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "types/listpack.h"
#include "types/radix_tree.h"
#include "types/stream_id.h"
#include "types/stream_node.h"

namespace mini_redis::types {

class StreamGroups;  // stream_group.h: the consumer groups, owned by the groups code

// How the node index spells a master ID: its 16 big-endian bytes, so that
// byte order is ID order (radix_tree.h's RadixMap codec).
struct StreamIDBytes {
  using Key = StreamID;
  static std::array<unsigned char, 16> encode(const StreamID& id) { return id.to_big_endian(); }
  static StreamID decode(RadixTree::Bytes bytes) { return StreamID::from_big_endian(bytes.data()); }
};

// The node limits from CONFIG (stream-node-max-bytes, stream-node-max-entries).
// 0 means "no limit" for either, as in Redis (bytes are then capped at 1 GiB,
// Redis's STREAM_LISTPACK_MAX_SIZE).
struct StreamNodeLimits {
  std::size_t max_bytes = 4096;
  std::size_t max_entries = 100;
};

// One entry as read from a node: its ID and its fields and values, in order,
// alternating (field, value, field, value...). The views point into the
// node's listpack: they are valid until the stream changes.
struct StreamEntry {
  StreamID id;
  std::vector<ListpackEntry> fields_and_values;  // 2 * number of fields

  [[nodiscard]] std::size_t field_count() const { return fields_and_values.size() / 2; }
};

// How XADD names a new entry (the forms of its ID argument).
enum class StreamIDKind : std::uint8_t {
  automatic,   // "*": the current time, or the last ID + 1 if the clock is behind
  seq_auto,    // "5-*": ms given, the next free sequence number in that ms
  explicit_id  // "5-3": exactly that ID
};

// A trim request (XADD ... MAXLEN/MINID, XTRIM).
struct StreamTrim {
  enum class Strategy : std::uint8_t { maxlen, minid };
  Strategy strategy = Strategy::maxlen;
  std::uint64_t maxlen = 0;  // MAXLEN: keep at most this many entries
  StreamID minid;            // MINID: remove entries whose ID < minid
  bool approx = false;       // "~": remove whole nodes only
  // "~ ... LIMIT n": remove at most n entries (whole nodes); 0 = no limit.
  std::uint64_t limit = 0;
};

class Stream {
 public:
  Stream();
  Stream(Stream&&) noexcept;
  Stream& operator=(Stream&&) noexcept;
  Stream(const Stream&) = delete;  // copies are explicit: clone()
  Stream& operator=(const Stream&) = delete;
  ~Stream();

  // A deep copy, consumer groups included (COPY).
  [[nodiscard]] Stream clone() const;

  // ---- counters ----------------------------------------------------------
  [[nodiscard]] std::uint64_t length() const { return length_; }
  // Last ID ever added (or set by XSETID); 0-0 for a new stream. It does not
  // go back when the last entry is deleted.
  [[nodiscard]] StreamID last_id() const { return last_id_; }
  // ID of the first live entry, 0-0 when the stream is empty.
  [[nodiscard]] StreamID first_id() const { return first_id_; }
  [[nodiscard]] StreamID max_deleted_id() const { return max_deleted_id_; }
  [[nodiscard]] std::uint64_t entries_added() const { return entries_added_; }
  [[nodiscard]] std::size_t node_count() const { return nodes_.size(); }
  // The ID of the first entry still in a node, deleted or not; max() when
  // there is no node. What Redis logs as MINID after an approximate trim
  // (streamGetEdgeID without skipping tombstones).
  [[nodiscard]] StreamID first_id_with_tombstones() const;

  // XSETID's setters; the command checks the values first.
  void set_last_id(StreamID id) { last_id_ = id; }
  void set_entries_added(std::uint64_t n) { entries_added_ = n; }
  void set_max_deleted_id(StreamID id) { max_deleted_id_ = id; }

  // ---- adding ------------------------------------------------------------
  // The ID XADD would give a new entry, or false when no valid ID exists:
  // for an explicit or "ms-*" ID, when it is not greater than last_id()
  // (Redis's "equal or smaller" error); for "*", when last_id() is the
  // maximum ID. `now_ms` is the clock for "*"; `given` is ignored for "*"
  // and only its ms counts for seq_auto.
  [[nodiscard]] bool id_for_append(StreamIDKind kind, StreamID given, std::uint64_t now_ms,
                                   StreamID& out) const;

  // Appends an entry; `id` must be greater than last_id() (id_for_append
  // gives one) and `fields_and_values` must hold at least one pair.
  // Starts a new node when the last one is full by `limits`.
  void append(StreamID id, std::span<const std::string_view> fields_and_values,
              const StreamNodeLimits& limits);

  // ---- reading -----------------------------------------------------------
  // The entry with exactly this ID, if it exists and is not deleted.
  [[nodiscard]] bool find(StreamID id, StreamEntry& out) const;

  // Calls `visit(const StreamEntry&)` for each live entry with
  // start <= ID <= end, in ID order (or in reverse order when `reverse`),
  // at most `count` times (0 = no limit). `visit` returns false to stop
  // early. The stream must not change during the walk. Returns the number of
  // entries visited. (StreamIterator below is the same walk, step by step.)
  template <class Visit>
  std::size_t for_each_in_range(StreamID start, StreamID end, std::size_t count, bool reverse,
                                Visit&& visit) const;

  // ---- removing ----------------------------------------------------------
  // Deletes one entry; false if there is no live entry with this ID.
  // Updates length, first ID and max-deleted-entry-id as XDEL does.
  bool erase(StreamID id);

  // Trims as XTRIM / XADD's trim options do; returns how many entries went.
  std::uint64_t trim(const StreamTrim& trim);

  // ---- consumer groups (defined and used by stream_group.h's code) --------
  [[nodiscard]] StreamGroups* groups() { return groups_.get(); }
  [[nodiscard]] const StreamGroups* groups() const { return groups_.get(); }
  StreamGroups& ensure_groups();

  // ---- memory ------------------------------------------------------------
  // Heap bytes held (nodes, index, groups), for MEMORY USAGE.
  [[nodiscard]] std::size_t memory_bytes() const;
  // Allocations freeing the stream takes (lazy_free.h decides by it).
  [[nodiscard]] std::size_t free_effort() const { return nodes_.size() + 1; }

  // The nodes, for tests, XINFO and the RDB writer: master ID -> listpack.
  // Iterating gives (master ID, listpack&) pairs in ID order.
  using NodeIndex = RadixMap<Listpack, StreamIDBytes>;
  [[nodiscard]] const NodeIndex& nodes() const { return nodes_; }

  // RDB loading (persistence/rdb_stream.cpp) rebuilds a stream from the
  // file's nodes and counters as they are, without re-appending entries
  // (which would change node boundaries): the loader validates each node's
  // layout and the counters against the entries before handing them over.
  void load_node(StreamID master, Listpack node) { nodes_.insert(master, std::move(node)); }
  void set_loaded_counters(std::uint64_t length, StreamID first_id) {
    length_ = length;
    first_id_ = first_id;
  }

 private:
  friend class StreamIterator;

  // Sets first_id_ to the first live entry's ID, or to `if_empty`.
  void refresh_first_id(StreamID if_empty);
  // Marks the live entry at `flags_pos` of the node at `node` deleted;
  // removes the node when it was its last live entry. Returns the iterator
  // after the node when it was removed, else `node`.
  NodeIndex::iterator delete_entry(NodeIndex::iterator node, std::size_t flags_pos,
                                   std::int64_t flags);

  NodeIndex nodes_;
  std::uint64_t length_ = 0;
  StreamID last_id_;
  StreamID first_id_;
  StreamID max_deleted_id_;
  std::uint64_t entries_added_ = 0;
  std::unique_ptr<StreamGroups> groups_;
};

// Walks the live entries of a stream between two IDs (inclusive), forwards or
// backwards, one at a time: Redis's streamIterator. The stream must not
// change while an iterator is in use. Reusing one StreamEntry across next()
// calls reuses its vector, so a long walk allocates nothing per entry.
class StreamIterator {
 public:
  StreamIterator(const Stream& stream, StreamID start, StreamID end, bool reverse);

  // Fills `out` with the next entry; false at the end of the range.
  bool next(StreamEntry& out);

 private:
  // Positions the walk at the first (or, reverse, the last) entry of the
  // current node.
  void enter_node();

  const Stream* stream_;
  StreamID start_;
  StreamID end_;
  bool reverse_;
  bool done_ = false;
  bool in_node_ = false;
  Stream::NodeIndex::const_iterator node_;
  // The current node, read once on entering it (the index decodes its key
  // on every access).
  StreamID master_;
  const Listpack* lp_ = nullptr;
  stream_node::Layout layout_;
  std::size_t pos_ = Listpack::npos;  // flags of the entry to read next
};

template <class Visit>
std::size_t Stream::for_each_in_range(StreamID start, StreamID end, std::size_t count, bool reverse,
                                      Visit&& visit) const {
  StreamIterator it(*this, start, end, reverse);
  StreamEntry entry;
  std::size_t visited = 0;
  while ((count == 0 || visited < count) && it.next(entry)) {
    ++visited;
    if (!visit(static_cast<const StreamEntry&>(entry))) break;
  }
  return visited;
}

}  // namespace mini_redis::types
