// FieldDict: the field -> value map of a large hash, Redis's "hashtable"
// encoding (OBJECT ENCODING answers "hashtable" once a hash outgrows
// hash-max-listpack-entries or hash-max-listpack-value).
//
// What it is: the keyspace's own table (types/hash_table.h: chained buckets,
// incremental rehashing, SCAN's reverse-binary cursor, fair random pick) with
// a field/value pair as the node. So HSCAN keeps SCAN's guarantee (a field
// present for the whole scan is returned at least once, across resizes),
// HRANDFIELD gets random pairs, and growing a hash of millions of fields never
// stalls a command: the bucket move is spread over the operations that follow.
// What it is not: the small-hash encoding (that is a listpack), nor the HSET
// command logic (conversion thresholds live with the hash commands).
//
// Memory layout: one heap block per pair, nothing else but its bucket pointer.
//
//   +-----------+--------------+--------------+-------------+-------------+
//   | next      | field length | value length | field bytes | value bytes |
//   | 8 bytes   | varint, 1-10 | varint, 1-10 | field length| value length|
//   +-----------+--------------+--------------+-------------+-------------+
//    HashNode    (LEB128: 7 bits per byte, low bits first, the top bit set on
//                 every byte but the last; under 128 takes 1 byte, under
//                 16384 takes 2, the largest 64-bit size 10)
//
// Why varints: almost every field and value is shorter than 128 bytes, so
// both lengths cost 2 bytes in all, yet a length of any 64-bit size is stored
// exactly (fixed 32-bit lengths would save nothing for short pairs and would
// cap a value at 4 GiB). No terminator and no capacity: a value replaced by
// one of the same length is overwritten in place, any other length gets a new
// block (HSET replaces whole values; there is no APPEND for fields).
//
// What it costs, 16-byte field + 16-byte value: the block is 8 + 1 + 1 + 16 +
// 16 = 42 bytes, a 48-byte jemalloc size class (64 under glibc malloc), plus
// one 8-byte bucket pointer at a load factor between 0.5 and 1. Measured at
// 1,000,000 such fields (a throwaway program, -O2, allocator statistics and
// /proc/self/statm before and after): 56.4 bytes per field with jemalloc
// (64.7 of RSS), 72.4 with glibc malloc (64 of heap chunks and the 8 MiB
// bucket array, which glibc maps apart; 72.6 of RSS); memory_bytes() says
// 50.4, since it counts requested sizes, not size classes. Debian's Redis
// 7.0.15, same HSET of the same million pairs: 104.5 bytes of used_memory
// per field (112 of RSS), for its dictEntry, two sds strings and a bucket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "types/hash_table.h"

namespace mini_redis::types {

class FieldDict {
 public:
  struct Pair {
    std::string_view field;
    std::string_view value;
  };
  // Called with each pair met. It must not modify the dict (collect, then act).
  using Visit = FunctionRef<void(std::string_view field, std::string_view value)>;

  FieldDict();
  ~FieldDict();
  // Copying a million fields should be visible in the code: use clone().
  FieldDict(const FieldDict&) = delete;
  FieldDict& operator=(const FieldDict&) = delete;
  FieldDict(FieldDict&& other) noexcept;
  FieldDict& operator=(FieldDict&& other) noexcept;

  [[nodiscard]] std::size_t size() const { return table_.size(); }
  [[nodiscard]] bool empty() const { return table_.size() == 0; }

  // The value of `field`, valid until the dict is next modified. Not const:
  // like every operation it moves a bucket of an ongoing rehash.
  [[nodiscard]] std::optional<std::string_view> find(std::string_view field);

  // Stores `value` under `field`; true if the field is new (HSET counts
  // those), false if an existing value was replaced.
  bool set(std::string_view field, std::string_view value);

  // Removes `field`; false if it was not there.
  bool erase(std::string_view field);

  // HSCAN's step: visits the pairs at `cursor`, returns the next cursor (0 at
  // the end). Same guarantees as SCAN; see HashTableCore::scan.
  std::uint64_t scan(std::uint64_t cursor, Visit visit);

  // Every pair, in bucket order (HGETALL, HKEYS, HVALS).
  void for_each(Visit visit) const;

  // A uniformly-ish random pair for HRANDFIELD, or nullopt when empty. The
  // caller brings the randomness, so tests can be repeatable.
  [[nodiscard]] std::optional<Pair> random_pair(std::uint64_t random_bits);

  // Bytes held: the sum of the pair blocks as requested from the allocator
  // (not rounded up to its size classes) plus the bucket arrays. The dict
  // object itself is counted by whoever holds it.
  [[nodiscard]] std::size_t memory_bytes() const { return node_bytes_ + table_.bucket_bytes(); }

  // A deep copy (COPY, and tests), sized up front so that it does not rehash.
  [[nodiscard]] FieldDict clone() const;

  // Moves up to `steps` buckets of an ongoing resize; true if more remain.
  bool rehash_step(std::size_t steps) { return table_.rehash_step(steps); }
  [[nodiscard]] bool is_rehashing() const { return table_.is_rehashing(); }

  void clear();

 private:
  struct Node;      // a pair block; defined in field_dict.cpp
  struct NodeKey;   // reads a node's field
  struct NodeFree;  // frees a node's block
  using Table = IntrusiveHashTable<Node, NodeKey, NodeFree>;

  // A new block holding one pair.
  static Table::Owned make_node(std::string_view field, std::string_view value);

  Table table_;
  std::size_t node_bytes_ = 0;  // sum of the pair blocks' sizes
};

}  // namespace mini_redis::types
