// MemberDict: the members of a large set, Redis's "hashtable" set encoding
// (OBJECT ENCODING answers "hashtable" once a set holds a non-integer member
// or more than set-max-intset-entries integers).
//
// What it is: the keyspace's own table (types/hash_table.h: chained buckets,
// incremental rehashing, SCAN's reverse-binary cursor, fair random pick) with
// one member as the node. Redis keeps a set in the same dict it uses for
// hashes, with NULL values; we keep the same table too, with a node that has
// no value at all, so SSCAN keeps SCAN's guarantee across resizes, SPOP and
// SRANDMEMBER get random members, and growing a set of millions of members
// never stalls a command. What it is not: the small encoding (an intset,
// types/intset.h) nor the rule that picks one (types/set.h).
//
// Memory layout: one heap block per member, nothing else but its bucket
// pointer.
//
//   +-----------+---------------+--------------+
//   | next      | member length | member bytes |
//   | 8 bytes   | varint, 1-10  |              |
//   +-----------+---------------+--------------+
//    HashNode    (LEB128, as FieldDict's lengths: types/varint.h)
//
// What it costs: a 7-byte member ("1000000") is an 8 + 1 + 7 = 16-byte block,
// jemalloc's 16-byte class, plus one 8-byte bucket pointer at a load factor
// between 0.5 and 1: 24 to 32 bytes a member. Redis 7.0 spends a 24-byte
// dictEntry (a 32-byte class), a 16-byte sds block and the bucket: 56 to 64.
// Measured figures for a 1M-member set are in bench/RESULTS.md and in the
// report that introduced this file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "types/hash_table.h"

namespace mini_redis::types {

class MemberDict {
 public:
  // Called with each member met. It must not modify the dict (collect, then act).
  using Visit = FunctionRef<void(std::string_view member)>;

  MemberDict();
  ~MemberDict();
  // Copying a million members should be visible in the code: use clone().
  MemberDict(const MemberDict&) = delete;
  MemberDict& operator=(const MemberDict&) = delete;
  MemberDict(MemberDict&& other) noexcept;
  MemberDict& operator=(MemberDict&& other) noexcept;

  [[nodiscard]] std::size_t size() const { return table_.size(); }
  [[nodiscard]] bool empty() const { return table_.size() == 0; }

  // Not const: like every operation, a lookup moves one bucket of an
  // ongoing rehash.
  [[nodiscard]] bool contains(std::string_view member);
  // Adds `member`; false if it was there already.
  bool insert(std::string_view member);
  // Removes `member`; false if it was not there.
  bool erase(std::string_view member);

  // SSCAN's step: visits the members at `cursor`, returns the next cursor (0
  // at the end). Same guarantees as SCAN; see HashTableCore::scan.
  std::uint64_t scan(std::uint64_t cursor, Visit visit);
  // Every member, in bucket order (SMEMBERS, SUNION...).
  void for_each(Visit visit) const;

  // A uniformly-ish random member for SPOP / SRANDMEMBER, or nullopt when
  // empty. The view is valid until the member is removed. The caller brings
  // the randomness, so tests can be repeatable.
  [[nodiscard]] std::optional<std::string_view> random_member(std::uint64_t random_bits);

  // Sizes an empty dict for `count` members, so that filling it does not
  // rehash on the way (an intset converting, a copy).
  void reserve(std::size_t count) { table_.reserve(count); }

  // Bytes held: the member blocks as requested from the allocator plus the
  // bucket arrays. The dict object itself is counted by whoever holds it.
  [[nodiscard]] std::size_t memory_bytes() const { return node_bytes_ + table_.bucket_bytes(); }

  // A deep copy (COPY, and tests), sized up front so that it does not rehash.
  [[nodiscard]] MemberDict clone() const;

  // Moves up to `steps` buckets of an ongoing resize; true if more remain.
  bool rehash_step(std::size_t steps) { return table_.rehash_step(steps); }
  [[nodiscard]] bool is_rehashing() const { return table_.is_rehashing(); }

 private:
  struct Node;      // a member block; defined in set_member_dict.cpp
  struct NodeKey;   // reads a node's member
  struct NodeFree;  // frees a node's block
  using Table = IntrusiveHashTable<Node, NodeKey, NodeFree>;

  static Table::Owned make_node(std::string_view member);

  Table table_;
  std::size_t node_bytes_ = 0;  // sum of the member blocks' sizes
};

}  // namespace mini_redis::types
