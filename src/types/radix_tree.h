// RadixTree: an ordered map from byte strings to values, stored as a
// compressed radix tree. Written from the idea of Redis's rax (rax.c), which
// Redis 7.0 uses to index a stream's nodes; this is our own code.
//
// ---- The structure -----------------------------------------------------------
//
// A key is spelled one byte at a time along a path from the root. A node is
// named by the bytes spelled on the way to it, and is a *key node* when that
// name is a key of the map (it then holds the value). Below a node the path
// goes on in one of two ways:
//
//   compressed   a run of bytes with exactly one child: the bytes no other key
//                branches away from, stored once instead of one node per byte.
//   branch       N one-byte edges, sorted, each to its own child: the point
//                where keys start to differ. A leaf is a branch with N = 0.
//
// The keys "abc", "abd" and "b":
//
//                      (root, branch)
//                       'a' /   \ 'b'
//            (compressed "b")   [leaf, key "b"]
//                        |
//                 (branch) --'c'--> [leaf, key "abc"]
//                        \---'d'--> [leaf, key "abd"]
//
// The tree is kept *fully compressed*: a compressed node's child is never a
// compressed non-key node (the two runs would be one), and a branch has at
// least two edges (one edge is a compressed run of one byte). Insert splits a
// run where a new key leaves it; erase removes what the key alone needed and
// merges the runs that split left behind, so the shape depends only on the
// set of keys, not on the order they came in.
//
// ---- Why it suits 128-bit stream IDs ------------------------------------------
//
// A stream node is named by its master ID written big-endian (8 bytes of
// milliseconds, 8 of sequence), so byte order is ID order and walking the
// tree left to right visits IDs in order. IDs made with "*" are dense: the
// first five or six bytes of the milliseconds are the same for days, and the
// sequence is mostly zeros. Those shared bytes are stored once, in compressed
// runs near the root, and each new stream node costs a leaf, a short run and
// a share of a branch: for masters like those of a million XADDs, about 2
// tree nodes and 51 bytes per key (Redis's XINFO STREAM shows 1.7 nodes per
// key for its rax on that benchmark).
//
// ---- How a seek works ----------------------------------------------------------
//
// Seeking the first key >= X walks down spelling X. Where the walk cannot go
// on, the byte comparison at that point decides everything: if the tree's
// byte is greater (or X ran out inside a run), every key below is > X, and
// the answer is the smallest key there (go down taking the first edge until
// a key node); if it is smaller, every key below is < X, and the answer is
// the smallest key *after* this subtree (climb until a branch has a next
// edge, then go down as before). The other seeks are built on that one and
// one step: > X is >= X stepped over an exact match, <= X is one step back
// from > X, and < X one step back from >= X.
//
// An iterator remembers the path from the root (a stack of nodes) and the
// key spelled so far, so stepping forward or back never searches from the
// top; nodes have no parent pointers (8 bytes each that Redis saves too).
//
// ---- Memory ------------------------------------------------------------------
//
// Each node is one heap block, laid out as rax lays it out:
//
//   | header: 4 bytes | bytes (run or edges) | pad to 8 | child pointers | value slot |
//                                                         1 or N          if key node
//
// so a leaf is 16 bytes and a short run 16 to 32. The value slot holds a
// pointer (`void*`): this class does not own what it points to. RadixMap
// below is the typed, owning map that stream.h uses.
//
// ---- What this is not ----------------------------------------------------------
//
// Not thread-safe, and every insert or erase invalidates every iterator
// (nodes are reallocated when they change, as in rax).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>

#include <absl/container/inlined_vector.h>

namespace mini_redis::types {

// Which key a seek lands on, relative to the key sought.
enum class RadixSeek : std::uint8_t {
  ge,  // the first key >= X
  gt,  // the first key >  X
  le,  // the last key  <= X
  lt   // the last key  <  X
};

class RadixTree {
 public:
  struct Node;  // opaque: the header of one node's block (radix_tree.cpp)
  using Bytes = std::span<const std::uint8_t>;

  RadixTree();
  RadixTree(RadixTree&& other) noexcept;
  RadixTree& operator=(RadixTree&& other) noexcept;
  RadixTree(const RadixTree&) = delete;
  RadixTree& operator=(const RadixTree&) = delete;
  ~RadixTree();  // frees the nodes, not what the values point to

  // Adds `key` -> `value` (not null). When the key is already there nothing
  // changes; either way the result is the key's value slot, and true when
  // the key is new.
  std::pair<void**, bool> insert(Bytes key, void* value);
  // The key's value, or nullptr.
  [[nodiscard]] void* find(Bytes key) const;
  // Removes the key; returns its value, or nullptr when it was not there.
  void* erase(Bytes key);

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  // Tree nodes (XINFO STREAM's radix-tree-nodes counts these in Redis).
  [[nodiscard]] std::size_t node_count() const { return node_count_; }
  // Heap bytes of the nodes, as the allocator counts them.
  [[nodiscard]] std::size_t memory_bytes() const { return memory_bytes_; }

  // A position in the tree: one key, or the end. Copyable; a copy walks on
  // alone. Keys up to ~20 bytes walk without allocating.
  class Iterator {
   public:
    Iterator() = default;  // an end that belongs to no tree
    [[nodiscard]] bool at_end() const { return path_.empty(); }
    // The key here, valid until the iterator moves.
    [[nodiscard]] Bytes key() const { return {key_.data(), key_.size()}; }
    // The value slot here (not at the end).
    [[nodiscard]] void** value_slot() const;
    // One key on; past the last key, the end.
    void next();
    // One key back; from the end, the last key; before the first, the end.
    void prev();

    friend bool operator==(const Iterator& a, const Iterator& b) {
      if (a.at_end() || b.at_end()) return a.at_end() == b.at_end();
      return a.path_.back().node == b.path_.back().node;
    }

   private:
    friend class RadixTree;
    struct Frame {
      Node* node;
      std::size_t depth;  // length of the key that names `node`
    };
    explicit Iterator(const RadixTree* tree) : tree_(tree) {}
    void go_child(std::size_t index);
    void descend_first();
    void descend_last();
    void climb_next();
    void seek_ge(Bytes target);

    const RadixTree* tree_ = nullptr;
    absl::InlinedVector<Frame, 18> path_;        // root first; empty at the end
    absl::InlinedVector<std::uint8_t, 24> key_;  // the bytes spelled so far
  };

  [[nodiscard]] Iterator begin() const;
  [[nodiscard]] Iterator end() const { return Iterator(this); }
  [[nodiscard]] Iterator seek(RadixSeek how, Bytes key) const;

 private:
  // Node building and freeing (radix_tree.cpp); they keep the counters.
  Node* make_node(bool is_key, bool compressed, Bytes bytes, std::span<Node* const> children,
                  void* value);
  Node* make_branch(std::uint8_t a, Node* a_child, std::uint8_t b, Node* b_child, bool is_key,
                    void* value);
  Node* make_chain(Bytes rest, void* value);
  Node* rebuild(Node* node, bool is_key, void* value);
  void free_node(Node* node);
  void free_subtree(Node* node);
  Node* split_run(Node* node, std::size_t at, Bytes rest, void* value);
  Node* add_edge(Node* node, Bytes rest, void* value);
  Node* remove_child(Node* node, std::size_t index);
  void merge_down(Node** link);

  Node* root_;
  std::size_t size_ = 0;
  std::size_t node_count_ = 0;
  std::size_t memory_bytes_ = 0;
};

// RadixMap: RadixTree with typed keys and owned values, for a caller that
// wants map-like code. `Codec` turns a key into bytes whose order is the
// key order and back:
//
//   struct Codec {
//     using Key = ...;
//     static auto encode(const Key&);      // something with data() and size()
//     static Key decode(RadixTree::Bytes);
//   };
//
// Each value lives in its own allocation, pointed to by the tree's value
// slot (as a rax points at a stream node's listpack). Iterators dereference
// to a pair (key, value&) made on the spot: `for (auto [k, v] : map)` and
// `it->second` work as on a std::map, but the pair is a temporary.
template <class V, class Codec>
class RadixMap {
  template <bool Const>
  class Iter;

 public:
  using Key = typename Codec::Key;
  using iterator = Iter<false>;
  using const_iterator = Iter<true>;

  RadixMap() = default;
  RadixMap(RadixMap&&) noexcept = default;
  RadixMap& operator=(RadixMap&& other) noexcept {
    clear();
    tree_ = std::move(other.tree_);
    return *this;
  }
  RadixMap(const RadixMap&) = delete;
  RadixMap& operator=(const RadixMap&) = delete;
  ~RadixMap() { clear(); }

  [[nodiscard]] std::size_t size() const { return tree_.size(); }
  [[nodiscard]] bool empty() const { return tree_.empty(); }
  [[nodiscard]] const RadixTree& tree() const { return tree_; }

  // Adds key -> value unless the key is there; returns where it is.
  std::pair<iterator, bool> insert(const Key& key, V value) {
    const auto bytes = Codec::encode(key);
    auto owned = std::make_unique<V>(std::move(value));
    const auto [slot, added] = tree_.insert(as_bytes(bytes), owned.get());
    if (added) static_cast<void>(owned.release());  // the tree's slot owns it now
    return {iterator(tree_.seek(RadixSeek::ge, as_bytes(bytes))), added};
  }
  // Removes the key; false when it was not there.
  bool erase(const Key& key) {
    const auto bytes = Codec::encode(key);
    const std::unique_ptr<V> value(static_cast<V*>(tree_.erase(as_bytes(bytes))));
    return value != nullptr;
  }
  // Removes the key at `it`; returns the position after it.
  iterator erase(iterator it) {
    const Key key = it->first;
    erase(key);
    return iterator(tree_.seek(RadixSeek::gt, as_bytes(Codec::encode(key))));
  }
  void clear() {
    for (auto it = tree_.begin(); !it.at_end(); it.next())
      std::unique_ptr<V>(static_cast<V*>(*it.value_slot())).reset();
    tree_ = RadixTree();
  }

  iterator begin() { return iterator(tree_.begin()); }
  iterator end() { return iterator(tree_.end()); }
  const_iterator begin() const { return const_iterator(tree_.begin()); }
  const_iterator end() const { return const_iterator(tree_.end()); }
  iterator find(const Key& key) { return iterator(find_in_tree(key)); }
  const_iterator find(const Key& key) const { return const_iterator(find_in_tree(key)); }
  iterator seek(RadixSeek how, const Key& key) { return iterator(seek_in_tree(how, key)); }
  const_iterator seek(RadixSeek how, const Key& key) const {
    return const_iterator(seek_in_tree(how, key));
  }

 private:
  template <class B>
  static RadixTree::Bytes as_bytes(const B& bytes) {
    return {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
  }
  // The encoded key lives on this frame only: an iterator keeps its own copy.
  RadixTree::Iterator seek_in_tree(RadixSeek how, const Key& key) const {
    const auto bytes = Codec::encode(key);
    return tree_.seek(how, as_bytes(bytes));
  }
  RadixTree::Iterator find_in_tree(const Key& key) const {
    const auto bytes = Codec::encode(key);
    if (tree_.find(as_bytes(bytes)) == nullptr) return tree_.end();
    return tree_.seek(RadixSeek::ge, as_bytes(bytes));
  }

  template <bool Const>
  class Iter {
   public:
    using Value = std::conditional_t<Const, const V, V>;
    using reference = std::pair<Key, Value&>;
    using value_type = reference;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::bidirectional_iterator_tag;
    // operator-> needs a pointer; this holds the temporary pair.
    struct Arrow {
      reference pair;
      const reference* operator->() const { return &pair; }
    };

    Iter() = default;
    explicit Iter(RadixTree::Iterator it) : it_(std::move(it)) {}
    operator Iter<true>() const { return Iter<true>(it_); }  // NOLINT: as std::map's

    reference operator*() const {
      return {Codec::decode(it_.key()), *static_cast<V*>(*it_.value_slot())};
    }
    Arrow operator->() const { return {**this}; }
    Iter& operator++() {
      it_.next();
      return *this;
    }
    Iter& operator--() {
      it_.prev();
      return *this;
    }
    Iter operator++(int) {
      Iter before = *this;
      it_.next();
      return before;
    }
    Iter operator--(int) {
      Iter before = *this;
      it_.prev();
      return before;
    }
    friend bool operator==(const Iter& a, const Iter& b) { return a.it_ == b.it_; }

   private:
    RadixTree::Iterator it_;
  };

  RadixTree tree_;
};

}  // namespace mini_redis::types
