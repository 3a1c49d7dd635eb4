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
// ---- Compression (list-compress-depth) ---------------------------------------
//
// LPUSH/RPUSH/LPOP/RPOP touch the ends; the middle of a long list is mostly
// left alone. With compress depth D > 0, Redis (quicklist.c,
// __quicklistCompress) keeps the D nodes at each end as plain listpacks and
// every node in between compressed with LZF (we use Debian's liblzf):
//
//   depth 1:   [plain] <-> [lzf] <-> [lzf] <-> ... <-> [lzf] <-> [plain]
//
// A node is compressed only if its listpack has at least 48 bytes
// (MIN_COMPRESS_BYTES) and LZF saves more than 8 (MIN_COMPRESS_IMPROVE);
// otherwise it stays plain, and is tried again the next time it is touched.
// A compressed node keeps its element count and listpack size, so finding an
// index or checking for room never decompresses it.
//
// Changing a compressed node decompresses it, changes it and compresses it
// again before the operation returns (Redis's "recompress" flag), so after
// every public operation the layout above holds. Like Redis, we restore it
// incrementally: an operation moves the ends by at most a node or so, so it
// is enough to decompress the D nodes at each end, compress the node just
// past them on each side, and compress the inner nodes the operation touched.
//
// Reading a compressed node (get(), an iterator) decompresses it into the
// node beside its compressed copy, for as long as it is read. Redis frees
// that copy when the iterator is released; our entries are views with no
// release, so the copy lives until the list changes or another compressed
// node is read (at most one such copy per list). Dropping it costs nothing:
// the compressed bytes were kept. With depth 0 no node is ever compressed,
// and a read costs one test of a null pointer per node access.
//
// Not implemented: Redis's "plain" nodes for single elements of 1 GiB or
// more (our bulk strings stop at proto-max-bulk-len, 512 MiB, so such an
// element cannot arrive).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <iterator>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "types/listpack.h"

namespace mini_redis::types {

enum class ListDirection { kHeadToTail, kTailToHead };

class Quicklist {
 public:
  // One node: a listpack, plain or LZF-compressed. Outside the Quicklist it
  // is read-only; walk the elements with for_each_node() or an iterator.
  class Node {
   public:
    // Elements and listpack bytes, known without decompressing.
    [[nodiscard]] std::size_t size() const { return lzf_ ? count_ : plain_.size(); }
    [[nodiscard]] bool empty() const { return size() == 0; }
    [[nodiscard]] std::size_t bytes_size() const { return lzf_ ? raw_bytes_ : plain_.bytes_size(); }
    [[nodiscard]] bool compressed() const { return lzf_ != nullptr; }
    // The LZF bytes of a compressed node (for an RDB writer), empty if plain.
    [[nodiscard]] std::span<const std::uint8_t> compressed_bytes() const {
      return {lzf_.get(), lzf_ ? lzf_size_ : 0};
    }

    Node() = default;
    explicit Node(Listpack plain) : plain_(std::move(plain)) {}

   private:
    friend class Quicklist;
    struct FreeDeleter {
      void operator()(std::uint8_t* p) const { std::free(p); }
    };

    // A copy of the listpack decompressed from lzf_.
    [[nodiscard]] Listpack decompressed() const;
    // The plain listpack for changing: the compressed bytes go stale, so
    // they are dropped and the node is plain until compressed again.
    Listpack& write();
    // Drops the copy made for reading, if the node is compressed.
    void close() const {
      if (lzf_) plain_ = Listpack{};
    }
    // Redis's __quicklistCompressNode: compresses a plain node when that
    // pays (see above); a compressed node is left as it is.
    void compress();
    // Makes the node plain for good (it has become one of the end nodes).
    void decompress() { static_cast<void>(write()); }
    [[nodiscard]] Node clone() const;
    [[nodiscard]] std::size_t memory_bytes() const;

    // Plain node: the elements. Compressed node: empty, or a read copy.
    mutable Listpack plain_;
    std::unique_ptr<std::uint8_t, FreeDeleter> lzf_;
    std::uint32_t lzf_size_ = 0;   // bytes in lzf_
    std::uint32_t count_ = 0;      // elements, while compressed
    std::uint32_t raw_bytes_ = 0;  // listpack bytes, while compressed
  };

 private:
  using Nodes = std::list<Node>;

 public:
  static constexpr int kDefaultFill = -2;
  static constexpr int kMinFill = -5;
  static constexpr int kMaxFill = 32767;
  static constexpr int kMaxCompressDepth = 65535;

  explicit Quicklist(int fill = kDefaultFill, int compress_depth = 0);
  // A move hands over the read copy too (see read() below).
  Quicklist(Quicklist&& other) noexcept;
  Quicklist& operator=(Quicklist&& other) noexcept;
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
  [[nodiscard]] const std::list<Node>& nodes() const { return nodes_; }
  // Hands each node's plain listpack, head to tail, to
  // `visit(const Listpack&)`. A compressed node is decompressed into a
  // temporary copy that lives for the call.
  template <typename Visit>
  void for_each_node(Visit&& visit) const;
  // Appends a ready listpack as a new tail node (RDB loading); empty ones
  // are dropped.
  void append_node(Listpack node);

  // Bytes held by the nodes and their listpack blocks, as MEMORY USAGE
  // counts them: a compressed node counts its LZF block (not a copy that is
  // being read). The Quicklist object itself is not included.
  [[nodiscard]] std::size_t memory_bytes() const;
  // Allocations freeing it takes: one per node (Redis's lazyfree effort).
  [[nodiscard]] std::size_t free_effort() const { return node_count(); }

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
  // The element at `index`, valid until the list changes or another read
  // (get(), an iterator) decompresses a node; nullopt if out of range.
  [[nodiscard]] std::optional<ListpackEntry> get(std::int64_t index) const;
  // Overwrites the element at `index`; false if out of range.
  bool set(std::int64_t index, std::string_view value);
  // Removes up to `count` elements from `start` on (Redis's quicklistDelRange,
  // used by LTRIM); returns how many were removed.
  std::size_t erase_range(std::int64_t start, std::int64_t count);

  // ---- iteration -------------------------------------------------------------
  // A cursor on one element that moves one way. Any change to the list other
  // than through erase() and replace() below invalidates it. An entry() is
  // valid until the iterator moves or the list is read or changed again.
  class Iterator {
   public:
    [[nodiscard]] bool done() const { return node_ == nodes_->end(); }
    explicit operator bool() const { return !done(); }
    [[nodiscard]] ListpackEntry entry() const { return list_->read(*node_).get(pos_); }
    [[nodiscard]] ListDirection direction() const { return direction_; }
    // Moves to the next element in the iterator's direction.
    void advance();

   private:
    friend class Quicklist;
    Iterator(const Quicklist* list, Nodes::const_iterator node, std::size_t pos, ListDirection d)
        : list_(list), nodes_(&list->nodes_), node_(node), pos_(pos), direction_(d) {}
    // Moves to the first element (in our direction) of the node after (before) node_.
    void enter_neighbour_node();

    const Quicklist* list_;
    const Nodes* nodes_;
    Nodes::const_iterator node_;
    std::size_t pos_;  // byte position inside *node_'s plain listpack
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
  // The node's plain listpack for reading, decompressing it if needed; the
  // copy made before for another node is dropped (one copy per list).
  const Listpack& read(const Node& node) const {
    if (node.lzf_ && node.plain_.empty()) [[unlikely]]
      open_for_reading(node);
    return node.plain_;
  }
  void open_for_reading(const Node& node) const;
  // Called first by every change: drops the read copy, whose node may be
  // about to change or go.
  void begin_change() {
    if (reading_ != nullptr) reading_->close();
    reading_ = nullptr;
  }
  // Called last by every change: restores the compression layout, given the
  // inner nodes the change wrote to (end nodes are handled anyway).
  void end_change(std::initializer_list<Nodes::iterator> touched = {});
  // The node `steps` away from `node` (negative: towards the head), or
  // end() past either end.
  Nodes::iterator step(Nodes::iterator node, int steps);
  [[nodiscard]] bool exceeds_limit(std::size_t bytes, std::size_t count) const;
  [[nodiscard]] bool node_has_room(const Node& node, std::size_t value_size) const;
  Nodes::iterator try_merge(Nodes::iterator front, Nodes::iterator back);
  // Returns the node that ended up holding the center's elements.
  Nodes::iterator merge_around(Nodes::iterator center);
  void erase_at(Nodes::iterator node, std::size_t pos);

  Nodes nodes_;
  std::size_t count_ = 0;
  int fill_;
  int compress_depth_;
  // The compressed node whose read copy is alive, if any (see read()).
  mutable const Node* reading_ = nullptr;
};

template <typename Visit>
void Quicklist::for_each_node(Visit&& visit) const {
  for (const Node& node : nodes_) {
    if (node.lzf_ && node.plain_.empty()) {
      const Listpack copy = node.decompressed();
      visit(copy);
    } else {
      visit(node.plain_);
    }
  }
}

template <typename Visit>
bool Quicklist::pop_front(Visit&& visit) {
  if (empty()) return false;
  begin_change();
  Listpack& head = nodes_.front().write();
  visit(head.get(head.first()));
  erase_at(nodes_.begin(), head.first());
  end_change();
  return true;
}

template <typename Visit>
bool Quicklist::pop_back(Visit&& visit) {
  if (empty()) return false;
  begin_change();
  Listpack& tail = nodes_.back().write();
  visit(tail.get(tail.last()));
  erase_at(std::prev(nodes_.end()), tail.last());
  end_change();
  return true;
}

}  // namespace mini_redis::types
