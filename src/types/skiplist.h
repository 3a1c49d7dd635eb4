// Skiplist: the "skiplist" encoding of a large sorted set, after Redis's
// zskiplist (t_zset.c) with its dict folded into the same nodes.
//
// A sorted set must answer two kinds of question fast:
//   - by member: "what is the score of alice?" (ZSCORE, ZADD's update)
//     -> a hash table, O(1);
//   - by order: "the 10 best", "everything between 5 and 8", "alice's rank"
//     -> an ordered structure with ranks, O(log n).
// Redis keeps two structures, a dict (member -> score) and a skiplist
// (ordered by score, then member), sharing the member string. We keep the
// same two indexes but in *one* block per element: the block is both the
// hash table's node (types/hash_table.h, intrusive) and the skiplist's node.
//
// ---- A skiplist in one picture ---------------------------------------------
//
//   level 2  head -----------------------------> c -----------------> NULL
//   level 1  head ------------> b -------------> c ------> d -------> NULL
//   level 0  head --> a ------> b ------> c ---> c2 -----> d --> e -> NULL
//
// Every element is on level 0, a sorted linked list. Each node also gets a
// random number of higher levels (1 with probability 3/4, 2 with 3/16...:
// p = 1/4, at most 32, as Redis), and each level is a sorted list that skips
// over the nodes below it. A search starts at the top of the head and moves
// right while the next node is still smaller, down otherwise: about log4(n)
// levels times a few steps each, O(log n) on average, without any
// rebalancing. `backward` links level 0 the other way, for ZREVRANGE.
//
// Spans make ranks O(log n) too: each forward link also records how many
// level-0 steps it jumps (head -> b on level 1 spans 2). Summing the spans
// along a search path gives the rank of the node found (ZRANK), and walking
// down while subtracting spans finds the node at a given rank (ZRANGE 1000
// 1010) without visiting the first thousand nodes.
//
// ---- One element's block ----------------------------------------------------
//
//   +--------+--------+----------+---------------------+-------------------+--------+
//   | next   | score  | backward | member size (56 bits)| level[0..L-1]    | member |
//   | 8      | 8      | 8        | + level count (8 bits)| forward + span   | bytes  |
//   +--------+--------+----------+---------------------+-------------------+--------+
//    hash chain                   8 bytes               16 bytes per level
//
// What it costs, 16-byte member: 32 + 16 * 1.33 (the average level count)
// + 16 = about 70 bytes in one allocation, plus the 8-byte bucket pointer.
// Redis 7.0 spends a skiplist node, an sds member, a dictEntry and a bucket
// per element. Measured (INFO used_memory before and after, jemalloc, ZADD
// of members "member:0".."member:999999" to one key, 1000 per command):
// 77.3 bytes per member here, 109.7 for Debian's Redis 7.0.15.
//
// What it is not: the listpack encoding of small sets, nor the conversion
// rule between the two (types/sorted_set.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/random.h"
#include "types/hash_table.h"
#include "types/sorted_set_range.h"

namespace mini_redis::types {

class Skiplist;

// One element. Read its member and score; the links are the skiplist's.
class SkiplistNode : public HashNode {
 public:
  [[nodiscard]] double score() const { return score_; }
  [[nodiscard]] std::string_view member() const {
    return {reinterpret_cast<const char*>(levels() + level_count()), member_size()};
  }

 private:
  friend class Skiplist;
  struct Level {
    SkiplistNode* forward;
    std::size_t span;  // level-0 steps from this node to `forward`
  };
  SkiplistNode() = default;
  ~SkiplistNode() = default;

  Level* levels() { return reinterpret_cast<Level*>(this + 1); }
  [[nodiscard]] const Level* levels() const { return reinterpret_cast<const Level*>(this + 1); }
  Level& level(std::size_t i) { return levels()[i]; }

  // The member's size in the low 56 bits, the level count in the top 8:
  // one word for both, since no member reaches 2^56 bytes.
  static constexpr unsigned kLevelShift = 56;
  [[nodiscard]] std::size_t member_size() const {
    return sizes_ & ((std::uint64_t{1} << kLevelShift) - 1);
  }
  [[nodiscard]] std::size_t level_count() const { return sizes_ >> kLevelShift; }
  void set_sizes(std::size_t member_size, std::size_t level_count) {
    sizes_ = member_size | (std::uint64_t{level_count} << kLevelShift);
  }

  double score_ = 0;
  SkiplistNode* backward_ = nullptr;
  std::uint64_t sizes_ = 0;
};

class Skiplist {
 public:
  using Node = SkiplistNode;
  // Called with each element met; must not modify the skiplist.
  using Visit = FunctionRef<void(std::string_view member, double score)>;

  static constexpr int kMaxLevel = 32;  // enough for 4^32 elements

  Skiplist();
  ~Skiplist();
  Skiplist(Skiplist&& other) noexcept;
  Skiplist& operator=(Skiplist&& other) noexcept;
  Skiplist(const Skiplist&) = delete;  // copies are explicit: clone()
  Skiplist& operator=(const Skiplist&) = delete;

  [[nodiscard]] std::size_t size() const { return table_.size(); }

  // ---- by member (the hash table) ------------------------------------------
  // Not const: a lookup moves one bucket of an ongoing rehash, as dictFind.
  [[nodiscard]] const Node* find(std::string_view member);
  [[nodiscard]] std::optional<double> score(std::string_view member);

  // Adds a member that is not there yet.
  void insert(std::string_view member, double score);
  // Gives an existing member a new score, moving its node only if the order
  // changes (Redis's zslUpdateScore). False if the member is absent.
  bool update_score(std::string_view member, double score);
  // Removes the member; false if it was not there.
  bool erase(std::string_view member);

  // ---- by order (the skiplist) -----------------------------------------------
  // Ranks are 0-based: rank 0 is the lowest (score, member).
  [[nodiscard]] std::size_t rank(const Node& node) const;
  [[nodiscard]] const Node* at_rank(std::size_t rank) const;  // null past the end
  [[nodiscard]] const Node* first() const { return head_->levels()[0].forward; }
  [[nodiscard]] const Node* last() const { return tail_; }
  [[nodiscard]] static const Node* next(const Node& node) { return node.levels()[0].forward; }
  [[nodiscard]] const Node* prev(const Node& node) const {
    return node.backward_;  // null before the first node
  }

  // The first / last node inside the range, or null if none is.
  [[nodiscard]] const Node* first_in(const ScoreRange& range) const;
  [[nodiscard]] const Node* last_in(const ScoreRange& range) const;
  [[nodiscard]] const Node* first_in(const LexRange& range) const;
  [[nodiscard]] const Node* last_in(const LexRange& range) const;

  // Removes the elements of ranks [begin, end); returns how many.
  std::size_t erase_ranks(std::size_t begin, std::size_t end);

  // Every element, lowest first.
  void for_each(Visit visit) const;

  // ---- the hash table's walks (ZSCAN, ZRANDMEMBER) ---------------------------
  std::uint64_t scan(std::uint64_t cursor, Visit visit);
  [[nodiscard]] const Node* random_node(std::uint64_t random_bits) {
    return table_.random_entry(random_bits);
  }

  // Bytes held: the element blocks as requested, the head and the buckets.
  [[nodiscard]] std::size_t memory_bytes() const;
  [[nodiscard]] Skiplist clone() const;

 private:
  struct NodeKey {
    std::string_view operator()(const Node& node) const { return node.member(); }
  };
  struct NodeFree {
    void operator()(Node* node) const;
  };
  using Table = IntrusiveHashTable<Node, NodeKey, NodeFree>;
  // The nodes that precede a position on each level, and their ranks.
  struct Path {
    Node* update[kMaxLevel];
    std::size_t rank[kMaxLevel];
  };

  template <class Range, class Key>
  bool overlaps(const Range& range, Key key) const;
  template <class MoveOn>
  const Node* last_where(MoveOn move_on) const;
  template <class Range, class Key>
  const Node* first_matching(const Range& range, Key key) const;
  template <class Range, class Key>
  const Node* last_matching(const Range& range, Key key) const;

  static Node* allocate_node(int level_count, std::string_view member, double score);
  static std::size_t block_size(int level_count, std::size_t member_size);
  int random_level();
  // The path to where (score, member) goes: update[i] is the last node on
  // level i that sorts before it.
  void find_path(double score, std::string_view member, Path& path) const;
  // Links `node` (not linked yet) at its (score, member) position.
  void link(Node* node);
  // Unlinks `node`, given the path to it; the node stays allocated.
  void unlink(Node* node, Path& path);

  Table table_;             // owns the element nodes
  Node* head_ = nullptr;    // kMaxLevel levels, no member; owned here
  Node* tail_ = nullptr;    // the last element
  int level_ = 1;           // levels in use
  std::size_t length_ = 0;  // linked elements (table_.size(), but for a node being moved)
  std::size_t node_bytes_ = 0;
  SplitMix64 random_{0x2545F4914F6CDD1DULL};  // node levels
};

}  // namespace mini_redis::types
