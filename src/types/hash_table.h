// The chained hash table behind the keyspace and behind large hashes, after
// Redis's dict.c.
//
// Two users need the same table: the keyspace (key -> Entry block, see
// storage/hash_table.h) and the hash type's "hashtable" encoding (field ->
// value, see field_dict.h). Redis uses one dict.c for both, and so do we.
//
// Why not absl::flat_hash_map or std::unordered_map? Three Redis behaviours
// need control over the table itself:
//   1. Incremental rehashing. Growing a table of millions of keys in one go
//      stalls every client for the length of the copy. Like Redis, we keep two
//      bucket arrays while growing and move a few buckets on every operation
//      (and from the server's cron), so no single command pays for all of it.
//   2. SCAN's guarantee: a key present for the whole scan is returned at least
//      once, even if the table grows or shrinks in between. That needs a
//      power-of-two bucket array and Redis's reverse-binary cursor, which an
//      opaque library table cannot offer. HSCAN makes the same promise.
//   3. Memory: the table is intrusive. Whatever it stores begins with a
//      HashNode (one 8-byte `next` pointer) and is chained through it, so a
//      stored item costs its own block plus one bucket pointer, nothing more:
//      no separate node, no copy of the key.
//
// How the code is split, and why:
//   - HashTableCore is the algorithm (buckets, rehash, scan, random pick) on
//     bare HashNode pointers. It is compiled once, in hash_table.cpp, whatever
//     is stored in it. It reads a key through a plain function pointer, but
//     only on cold paths (moving a node during a rehash).
//   - IntrusiveHashTable<Node, KeyOf, Deleter> is a thin typed layer on top:
//     it owns the nodes, casts HashNode* back to Node*, and hands the core the
//     key comparison as an inlined lambda. So a lookup, the hot path of every
//     GET, compares keys without any indirect call, exactly as the former
//     keyspace-only table did.
//
// Lookups are by std::string_view: a GET hashes the bytes in the read buffer
// and never builds a std::string.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace mini_redis::types {

// The link every stored object starts with (by deriving from it). Only the
// table reads or writes it.
class HashNode {
 public:
  HashNode(const HashNode&) = delete;
  HashNode& operator=(const HashNode&) = delete;

 protected:
  HashNode() = default;
  ~HashNode() = default;

 private:
  friend class HashTableCore;
  HashNode* next_ = nullptr;  // the next node in the same bucket
};

// A borrowed callable, two pointers wide: what scan() and for_each() take so
// that their bodies can live in a .cpp file. Unlike std::function it never
// allocates and never copies the callable; like any reference it must not
// outlive what it refers to (pass it down, do not store it).
template <class Signature>
class FunctionRef;

// What a FunctionRef `Ref` returning R from Args can refer to: a callable
// other than a FunctionRef (copying one must copy its two pointers, not wrap it).
template <class F, class Ref, class R, class... Args>
concept ReferableBy =
    !std::same_as<std::remove_cvref_t<F>, Ref> && std::is_invocable_r_v<R, F&, Args...>;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
 public:
  template <ReferableBy<FunctionRef, R, Args...> F>
  FunctionRef(F&& callable) noexcept  // NOLINT(google-explicit-constructor): as std::function
      : target_(const_cast<void*>(static_cast<const void*>(std::addressof(callable)))),
        call_([](void* target, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(target))(std::forward<Args>(args)...);
        }) {}

  R operator()(Args... args) const { return call_(target_, std::forward<Args>(args)...); }

 private:
  void* target_;
  R (*call_)(void*, Args...);
};

class HashTableCore {
 public:
  // How the core reads a node's key when it must rehash it.
  using KeyOfNode = std::string_view (*)(const HashNode&);
  // How clear() disposes of a node.
  using FreeNode = void (*)(HashNode*);

  explicit HashTableCore(KeyOfNode key_of) noexcept : key_of_(key_of) {}
  // The core never frees nodes; its owner calls clear() first.
  ~HashTableCore() = default;
  HashTableCore(const HashTableCore&) = delete;
  HashTableCore& operator=(const HashTableCore&) = delete;
  HashTableCore(HashTableCore&& other) noexcept;
  // Takes other's nodes; this table must be empty (its owner cleared it).
  HashTableCore& operator=(HashTableCore&& other) noexcept;

  // The seeded hash of a key (see hash_table.cpp for why absl::Hash).
  static std::uint64_t hash(std::string_view key);

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool is_rehashing() const { return rehash_index_ >= 0; }

  // The node with this hash for which `matches(node)` holds, or null.
  template <class Matches>
  HashNode* find(std::uint64_t key_hash, Matches&& matches) {
    if (size_ == 0) return nullptr;
    if (is_rehashing()) rehash_step(1);
    Link link = find_link(key_hash, matches);
    return link.slot != nullptr ? *link.slot : nullptr;
  }

  // Links a node whose key is not present yet.
  void insert(HashNode* node, std::uint64_t key_hash);

  // Unlinks the matching node and hands it back (null if absent).
  template <class Matches>
  HashNode* remove(std::uint64_t key_hash, Matches&& matches) {
    if (size_ == 0) return nullptr;
    if (is_rehashing()) rehash_step(1);
    Link link = find_link(key_hash, matches);
    return link.slot != nullptr ? unlink(link) : nullptr;
  }

  // Puts `new_node` where `old_node` (same key, hash `key_hash`) hangs.
  void replace(HashNode* old_node, HashNode* new_node, std::uint64_t key_hash);
  // The link that points at `node` (in the table, hash `key_hash`): a bucket
  // or the previous node's next_. Valid until the table next changes.
  HashNode** link_to(const HashNode* node, std::uint64_t key_hash);

  // Unlinks every node, hands each to `free_node`, frees the buckets.
  void clear(FreeNode free_node);

  // Sizes an empty table for `count` nodes at once, so that filling it (a
  // copy) does not rehash on the way. Does nothing on a non-empty table.
  void reserve(std::size_t count);

  // A uniformly-ish random node (Redis's dictGetFairRandomKey idea), or null.
  HashNode* random_node(std::uint64_t random_bits);

  // Calls `visit` for the nodes of the bucket(s) at `cursor` and returns the
  // next cursor; 0 means the scan is complete. Guarantees as Redis's dictScan.
  // `visit` must not insert or remove nodes (collect them, then act).
  std::uint64_t scan(std::uint64_t cursor, FunctionRef<void(HashNode&)> visit);

  // Every node, in bucket order. Same rule for `visit` as scan(). The walk
  // changes nothing, hence const; the typed wrapper gives const nodes to a
  // const caller.
  void for_each(FunctionRef<void(HashNode&)> visit) const;

  // Moves up to `steps` buckets of an ongoing rehash; true if more remain.
  bool rehash_step(std::size_t steps);

  // Bytes held by the bucket arrays (for MEMORY USAGE / INFO).
  [[nodiscard]] std::size_t bucket_bytes() const;

 private:
  // The bucket array: `size` null pointers. Not a std::vector, which writes
  // every zero itself when it is made: for the 8M buckets of a table of 8M
  // keys that is 64 MB written inside one command (Redis, which callocs,
  // stays far below a millisecond there). A big calloc is served with fresh
  // pages that the kernel zeroes on first touch, so that cost is spread over
  // the incremental rehash that fills the new array bucket by bucket.
  class BucketArray {
   public:
    BucketArray() = default;
    void assign(std::size_t size);  // `size` empty buckets, the old ones freed
    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] bool empty() const { return size_ == 0; }
    [[nodiscard]] std::size_t capacity() const { return size_; }
    HashNode*& operator[](std::size_t i) { return slots_[i]; }
    HashNode* operator[](std::size_t i) const { return slots_[i]; }
    HashNode** begin() { return slots_.get(); }
    HashNode** end() { return slots_.get() + size_; }
    [[nodiscard]] HashNode* const* begin() const { return slots_.get(); }
    [[nodiscard]] HashNode* const* end() const { return slots_.get() + size_; }

   private:
    struct Free {
      void operator()(HashNode** slots) const;
    };
    std::unique_ptr<HashNode*[], Free> slots_;
    std::size_t size_ = 0;
  };

  struct Table {
    BucketArray buckets;  // size is 0 or a power of two
    std::size_t used = 0;
    [[nodiscard]] std::uint64_t mask() const { return buckets.size() - 1; }
  };
  // Where a node hangs: the pointer that points at it (a bucket slot or the
  // previous node's next_) and the table that owns it.
  struct Link {
    HashNode** slot = nullptr;
    Table* table = nullptr;
  };

  // Inline so that `matches` (the typed key comparison) is inlined too.
  template <class Matches>
  Link find_link(std::uint64_t key_hash, Matches& matches) {
    int last_table = is_rehashing() ? 1 : 0;
    for (int t = 0; t <= last_table; ++t) {
      Table& table = tables_[t];
      if (table.buckets.empty()) continue;
      HashNode** slot = &table.buckets[key_hash & table.mask()];
      while (*slot != nullptr) {
        if (matches(static_cast<const HashNode&>(**slot))) return {slot, &table};
        slot = &(*slot)->next_;
      }
    }
    return {};
  }
  HashNode* unlink(Link link);
  void grow_if_needed();
  void shrink_if_needed();
  void start_rehash(std::size_t new_bucket_count);

  KeyOfNode key_of_;
  Table tables_[2];  // [1] is used only while rehashing
  std::ptrdiff_t rehash_index_ = -1;
  std::size_t size_ = 0;
};

// The typed face of HashTableCore. `Node` derives from HashNode; `KeyOf` is a
// stateless functor returning a node's key as a std::string_view; `Deleter` is
// the stateless functor that frees a node (as for std::unique_ptr). The table
// owns the nodes it holds. Users see only Node*, never HashNode*.
template <class Node, class KeyOf, class Deleter>
class IntrusiveHashTable {
 public:
  using Owned = std::unique_ptr<Node, Deleter>;

  IntrusiveHashTable() noexcept : core_(&key_of_node) {}
  ~IntrusiveHashTable() { clear(); }
  IntrusiveHashTable(const IntrusiveHashTable&) = delete;
  IntrusiveHashTable& operator=(const IntrusiveHashTable&) = delete;
  IntrusiveHashTable(IntrusiveHashTable&& other) noexcept = default;
  IntrusiveHashTable& operator=(IntrusiveHashTable&& other) noexcept {
    if (this != &other) {
      clear();
      core_ = std::move(other.core_);
    }
    return *this;
  }

  [[nodiscard]] std::size_t size() const { return core_.size(); }

  [[nodiscard]] Node* find(std::string_view key) {
    if (core_.size() == 0) return nullptr;
    return to_node(core_.find(HashTableCore::hash(key), matching(key)));
  }

  // Takes ownership. The key must not be present already.
  void insert(Owned node) {
    std::uint64_t key_hash = HashTableCore::hash(KeyOf{}(*node));
    core_.insert(node.release(), key_hash);
  }

  // Unlinks the node with this key and hands it back (empty if absent).
  Owned remove(std::string_view key) {
    if (core_.size() == 0) return {};
    return Owned(to_node(core_.remove(HashTableCore::hash(key), matching(key))));
  }

  // Replaces `old_node` (in the table) by `new_node` with the same key, e.g.
  // after the value outgrew its block. `old_node` is freed.
  // Returns the old node, unlinked: dropping the result frees it, or the
  // caller may free it elsewhere (storage's lazy free).
  Owned replace(Node* old_node, Owned new_node) {
    core_.replace(old_node, new_node.release(), HashTableCore::hash(KeyOf{}(*old_node)));
    return Owned(old_node);
  }

  // Lets `move(node)` give `node` a new address with the same bytes, as
  // realloc() does (its next_ link travels with it), and points the table's
  // link at the result, which it returns. Nothing is freed or rehashed.
  template <class Move>
  Node* relocate(Node* node, Move&& move) {
    HashNode** link = core_.link_to(node, HashTableCore::hash(KeyOf{}(*node)));
    Node* moved = std::forward<Move>(move)(node);
    *link = moved;
    return moved;
  }

  void clear() {
    core_.clear([](HashNode* node) { Deleter{}(to_node(node)); });
  }

  void reserve(std::size_t count) { core_.reserve(count); }

  // A uniformly-ish random node, or null when empty.
  Node* random_entry(std::uint64_t random_bits) { return to_node(core_.random_node(random_bits)); }

  // See HashTableCore::scan; `visit` is called with a Node&.
  template <class Visit>
  std::uint64_t scan(std::uint64_t cursor, Visit&& visit) {
    return core_.scan(cursor, [&visit](HashNode& node) { visit(*to_node(&node)); });
  }

  // Every node, in bucket order. Same rule for `visit` as scan().
  template <class Visit>
  void for_each(Visit&& visit) {
    core_.for_each([&visit](HashNode& node) { visit(*to_node(&node)); });
  }
  template <class Visit>
  void for_each(Visit&& visit) const {
    core_.for_each([&visit](HashNode& node) { visit(std::as_const(*to_node(&node))); });
  }

  bool rehash_step(std::size_t steps) { return core_.rehash_step(steps); }
  [[nodiscard]] bool is_rehashing() const { return core_.is_rehashing(); }
  [[nodiscard]] std::size_t bucket_bytes() const { return core_.bucket_bytes(); }

 private:
  static Node* to_node(HashNode* node) {
    static_assert(std::is_base_of_v<HashNode, Node>, "a stored node derives from HashNode");
    return static_cast<Node*>(node);
  }
  static std::string_view key_of_node(const HashNode& node) {
    return KeyOf{}(static_cast<const Node&>(node));
  }
  static auto matching(std::string_view key) {
    return [key](const HashNode& node) { return KeyOf{}(static_cast<const Node&>(node)) == key; };
  }

  HashTableCore core_;
};

}  // namespace mini_redis::types
