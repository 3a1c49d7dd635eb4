// Quicklist: Redis 7.0's list value, a doubly linked list of listpack nodes.
//
// A plain linked list costs two pointers and an allocation per element; one
// big listpack costs a memmove of the whole list per insert at the head.
// Redis's quicklist sits between the two: a linked list whose nodes are small
// listpacks (listpack.h), so LPUSH/RPUSH touch one small block, LINDEX skips
// whole nodes by their counts, and a 16-byte element costs about 18 bytes.
//
//   Quicklist { count = 7, fill = -2 }
//       |
//       v
//   +-----------+     +-----------+     +-----------+
//   | listpack  |<--->| listpack  |<--->| listpack  |
//   | a b c     |     | d e       |     | f g       |
//   +-----------+     +-----------+     +-----------+
//     head node                            tail node
//
// How full a node may get is the `fill` setting (list-max-listpack-size):
//   fill -1..-5  a node's listpack may grow to 4, 8, 16, 32 or 64 KiB
//                (-2, 8 KiB, is the default);
//   fill  >= 0   at most `fill` elements per node, but never past 8 KiB (the
//                "safety limit", so that a list of huge elements does not
//                build huge nodes); fill 0 means one element per node.
// Redis clamps fill to -5..32767 and so do we.
//
// Whether an element fits is estimated before encoding it, as Redis does:
// node bytes + element length + 8 (the most an entry's encoding and backlen
// add below 64 KiB) must stay within the limit. Integers encode shorter than
// their text, so the estimate errs on the side of a slightly emptier node.
//
// Inserting into a full node (LINSERT) follows Redis: at the node's edge the
// element goes into the neighbour if it has room, or into a new node; in the
// middle the node is split at the insertion point and the pieces around it
// are merged with their neighbours when the merged size fits. Deleting never
// merges; a node left empty is removed. LSET replaces in place.
//
// Not implemented: compressing inner nodes with LZF (list-compress-depth is
// kept and reported, but every node stays a plain listpack), and Redis's
// "plain" nodes for single elements of 1 GiB or more (our bulk strings stop
// at proto-max-bulk-len, 512 MiB, so such an element cannot arrive).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "types/listpack.h"

namespace mini_redis::types {

enum class ListDirection { kHeadToTail, kTailToHead };

class Quicklist {
  using Nodes = std::list<Listpack>;

 public:
  static constexpr int kDefaultFill = -2;
  static constexpr int kMinFill = -5;
  static constexpr int kMaxFill = 32767;
  static constexpr int kMaxCompressDepth = 65535;

  explicit Quicklist(int fill = kDefaultFill, int compress_depth = 0);
  Quicklist(Quicklist&&) noexcept = default;
  Quicklist& operator=(Quicklist&&) noexcept = default;
  Quicklist(const Quicklist&) = delete;  // copies are explicit: clone()
  Quicklist& operator=(const Quicklist&) = delete;
  ~Quicklist() = default;

  [[nodiscard]] Quicklist clone() const;

  [[nodiscard]] int fill() const { return fill_; }
  [[nodiscard]] int compress_depth() const { return compress_depth_; }
  [[nodiscard]] std::size_t size() const { return count_; }
  [[nodiscard]] bool empty() const { return count_ == 0; }
  [[nodiscard]] std::size_t node_count() const { return nodes_.size(); }
  // The nodes in order, for the RDB writer and for tests. Never empty ones.
  [[nodiscard]] const std::list<Listpack>& nodes() const { return nodes_; }
  // Appends a ready listpack as a new tail node (RDB loading); empty ones
  // are dropped.
  void append_node(Listpack node);

  // Bytes held by the nodes and their listpack blocks, as MEMORY USAGE
  // counts them. The Quicklist object itself is not included.
  [[nodiscard]] std::size_t memory_bytes() const;

  // ---- ends ----------------------------------------------------------------
  void push_front(std::string_view value);
  void push_back(std::string_view value);
  std::optional<std::string> pop_front();
  std::optional<std::string> pop_back();
  // Hands the first (last) element to `visit(const ListpackEntry&)` and then
  // removes it; false if the list is empty. The entry is valid only during
  // the call, which saves a copy when it goes straight into a reply.
  template <typename Visit>
  bool pop_front(Visit&& visit);
  template <typename Visit>
  bool pop_back(Visit&& visit);

  // ---- by index (negative counts from the tail: -1 is the last) ----------------
  // The element at `index`, valid until the list changes; nullopt if out of range.
  [[nodiscard]] std::optional<ListpackEntry> get(std::int64_t index) const;
  // Overwrites the element at `index`; false if out of range.
  bool set(std::int64_t index, std::string_view value);
  // Removes up to `count` elements from `start` on (Redis's quicklistDelRange,
  // used by LTRIM); returns how many were removed.
  std::size_t erase_range(std::int64_t start, std::int64_t count);

  // ---- iteration -------------------------------------------------------------
  // A cursor on one element that moves one way. Any change to the list other
  // than through erase() and replace() below invalidates it.
  class Iterator {
   public:
    [[nodiscard]] bool done() const { return node_ == nodes_->end(); }
    explicit operator bool() const { return !done(); }
    [[nodiscard]] ListpackEntry entry() const { return node_->get(pos_); }
    [[nodiscard]] ListDirection direction() const { return direction_; }
    // Moves to the next element in the iterator's direction.
    void advance();

   private:
    friend class Quicklist;
    Iterator(const Nodes* nodes, Nodes::const_iterator node, std::size_t pos, ListDirection d)
        : nodes_(nodes), node_(node), pos_(pos), direction_(d) {}
    // Moves to the first element (in our direction) of the node after (before) node_.
    void enter_neighbour_node();

    const Nodes* nodes_;
    Nodes::const_iterator node_;
    std::size_t pos_;  // byte position inside *node_
    ListDirection direction_;
  };

  // An iterator on the element at `index` (done() if out of range).
  [[nodiscard]] Iterator iterate(std::int64_t index, ListDirection direction) const;
  [[nodiscard]] Iterator begin(ListDirection direction) const {
    return iterate(direction == ListDirection::kHeadToTail ? 0 : -1, direction);
  }
  // LINSERT: inserts next to the iterator's element. Invalidates iterators.
  void insert(const Iterator& at, std::string_view value, InsertWhere where);
  // LREM: removes the iterator's element; returns an iterator on the element
  // that would have come next in the same direction.
  Iterator erase(const Iterator& at);
  // Overwrites the iterator's element in place; `at` stays valid.
  void replace(const Iterator& at, std::string_view value);

 private:
  struct Location {
    Nodes::const_iterator node;
    std::size_t offset = 0;  // index of the element inside the node
  };
  [[nodiscard]] Location locate(std::int64_t index) const;
  Nodes::iterator mutable_node(Nodes::const_iterator node) { return nodes_.erase(node, node); }
  [[nodiscard]] bool exceeds_limit(std::size_t bytes, std::size_t count) const;
  [[nodiscard]] bool node_has_room(const Listpack& node, std::size_t value_size) const;
  Nodes::iterator try_merge(Nodes::iterator front, Nodes::iterator back);
  void merge_around(Nodes::iterator center);
  void erase_at(Nodes::iterator node, std::size_t pos);

  Nodes nodes_;
  std::size_t count_ = 0;
  int fill_;
  int compress_depth_;
};

template <typename Visit>
bool Quicklist::pop_front(Visit&& visit) {
  if (empty()) return false;
  Listpack& head = nodes_.front();
  visit(head.get(head.first()));
  erase_at(nodes_.begin(), head.first());
  return true;
}

template <typename Visit>
bool Quicklist::pop_back(Visit&& visit) {
  if (empty()) return false;
  Listpack& tail = nodes_.back();
  visit(tail.get(tail.last()));
  erase_at(std::prev(nodes_.end()), tail.last());
  return true;
}

}  // namespace mini_redis::types
