// Hash: the value of a Redis hash key, in Redis 7.0's two encodings.
//
// What it is: the field -> value map behind HSET, HGET, HDEL, HGETALL, HSCAN,
// HRANDFIELD... and the rule that picks its encoding, exactly as Redis 7.0's
// t_hash.c does, so that OBJECT ENCODING, HGETALL's order and memory per key
// answer as Redis does. What it is not: the commands (argument parsing,
// replies, HINCRBY arithmetic live in commands/hashes/) nor the CONFIG table
// (the command layer passes the current limits in as a HashLimits).
//
// ---- The two encodings -------------------------------------------------------
//
//   listpack    a new hash: one Listpack (types/listpack.h) holding
//               field, value, field, value... in insertion order.
//                 HSET h b 1 a 2   ->  [ "b" | 1 | "a" | 2 ]
//               HGETALL, HKEYS, HVALS and HSCAN answer in that order;
//               replacing a value overwrites it in place (the field keeps its
//               position); HDEL removes the field and its value. A lookup is a
//               linear walk comparing every other entry, which is faster than
//               hashing for a few hundred short fields and costs ~2 bytes of
//               overhead per string instead of a node, two strings and a bucket.
//   hashtable   a FieldDict (types/field_dict.h): O(1) lookups, HSCAN with
//               SCAN's cursor guarantee, order unspecified.
//
// ---- When a hash converts (listpack -> hashtable, never back) ----------------
//
// Both limits are CONFIG-settable; the defaults are Redis 7.0's:
//   hash-max-listpack-value   64   longest field or value a listpack may hold
//   hash-max-listpack-entries 512  most fields a listpack may hold
//
//   1. Before a write, if a field or a value is longer than the value limit:
//      a. HSET / HMSET / HSETNX check every field and value argument before
//         inserting anything (hashTypeTryConversion); see
//         convert_if_any_longer(). Redis 7.0.15 checks HSETNX's arguments only
//         once it knows the field is new, so HSETNX of an existing field with a
//         long value answers 0 and leaves a listpack alone.
//      b. set() itself checks its own pair again (7.0.15's hashTypeSet does):
//         that is what converts a hash when HINCRBYFLOAT's *result* is long.
//   2. After an insert, if the hash holds more fields than the entries limit.
//      With hash-max-listpack-entries 0, the first HSET makes a hashtable.
//   3. When a listpack would pass 1 GiB (Redis's lpSafeToAdd guard in
//      hashTypeTryConversion; set() checks it too): a listpack's header counts
//      its bytes in 32 bits, and only raised limits could get near it.
//
// Deleting fields never converts back: a hash that was once big is likely to
// be big again, and converting back and forth at the boundary would cost a
// full copy per command (Redis never converts back either).
//
// Checked on Redis 7.0.15 (Debian): a 64-byte value or field stays listpack,
// 65 bytes converts; 512 fields stay listpack, the 513th converts; HDEL back
// to 1 field stays hashtable; HINCRBYFLOAT producing a 71-byte value converts,
// a 64-byte one does not; HINCRBY / HINCRBYFLOAT on a 65-byte field convert.
//
// ---- Reading integers without allocating -------------------------------------
//
// A listpack stores "12" as the integer 12 (and "007" or "-0" as strings, as
// they are not canonical integers), so reading a value may mean formatting an
// integer. Readers pass an IntText (a 21-byte stack array) for get(), or the
// Visit callbacks receive views into buffers on the walker's stack: no heap
// allocation on any read path. Views are valid until the hash is modified
// (for listpack integers: until the callback returns / the buffer is reused).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "types/field_dict.h"
#include "types/hash_table.h"
#include "types/listpack.h"

namespace mini_redis::types {

// The conversion thresholds, as set by CONFIG (hash-max-listpack-entries and
// hash-max-listpack-value; Redis 7.0 also accepts the old -ziplist- names).
struct HashLimits {
  std::size_t max_listpack_entries = 512;
  std::size_t max_listpack_value = 64;
};

class Hash {
 public:
  enum class Encoding { listpack, hashtable };

  using Pair = FieldDict::Pair;
  // Called with each pair met; must not modify the hash.
  using Visit = FieldDict::Visit;
  // A source of random bits, called as often as a draw needs. The caller
  // brings it, so tests can be repeatable.
  using RandomBits = FunctionRef<std::uint64_t()>;

  // Room for a pair's text when both are listpack integers.
  struct PairBuffers {
    IntText field;
    IntText value;
  };

  // Redis's lpSafeToAdd limit: a listpack never grows past 1 GiB.
  static constexpr std::size_t kListpackSafetyLimit = std::size_t{1} << 30;

  // An empty hash, listpack-encoded. It allocates nothing until the first set.
  Hash() = default;
  Hash(Hash&&) noexcept = default;
  Hash& operator=(Hash&&) noexcept = default;
  Hash(const Hash&) = delete;  // copies are explicit: clone()
  Hash& operator=(const Hash&) = delete;
  ~Hash() = default;

  // A hash from a listpack read from an RDB file or a RESTORE payload
  // (already validated by Listpack::from_bytes), or nullopt if it is not a
  // hash: an odd number of entries, or a field twice. Converted right away if
  // it exceeds `limits`, so a server with smaller limits than the writer's
  // still keeps small hashes small and big hashes fast.
  static std::optional<Hash> from_listpack(Listpack pairs, const HashLimits& limits);

  [[nodiscard]] Encoding encoding() const {
    return dict_ ? Encoding::hashtable : Encoding::listpack;
  }
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] bool empty() const { return size() == 0; }

  // ---- point reads (HGET, HEXISTS, HSTRLEN, HMGET) ------------------------
  // The value of `field`, or nullopt. A listpack integer is formatted into
  // `buffer`, which must outlive the view. Const although a hashtable lookup
  // moves one bucket of an ongoing rehash, as Redis's dictFind does: nothing a
  // caller can observe changes.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view field, IntText& buffer) const;
  [[nodiscard]] bool contains(std::string_view field) const;
  // HSTRLEN: the value's length in bytes, 0 if the field is absent.
  [[nodiscard]] std::size_t value_length(std::string_view field) const;

  // ---- writes (HSET, HSETNX, HMSET, HINCRBY, HINCRBYFLOAT, HDEL) ----------
  // Rule 1a: converts to a hashtable if any of `arguments` (a command's
  // fields and values) is longer than limits.max_listpack_value, or if
  // together they could push the listpack past kListpackSafetyLimit. Call it
  // before the first set() of a command, even if the write may then fail.
  void convert_if_any_longer(std::span<const std::string_view> arguments, const HashLimits& limits);

  // Stores `value` under `field`; true if the field is new (HSET counts those),
  // false if an existing value was replaced (in place, for a listpack). Applies
  // rules 1b before and 2 after the insert.
  bool set(std::string_view field, std::string_view value, const HashLimits& limits);

  // Removes `field` and its value; false if it was not there. Never converts.
  bool erase(std::string_view field);

  // Moves the pairs into a FieldDict now. No-op if already a hashtable.
  void convert_to_hashtable();

  // ---- walks (HGETALL, HKEYS, HVALS, HSCAN) -------------------------------
  // Every pair: insertion order for a listpack, bucket order for a hashtable.
  void for_each(Visit visit) const;

  // HSCAN's step. A listpack hash is visited whole in one call whatever the
  // cursor, and the next cursor is 0: Redis does the same for every small
  // encoding (HSCAN h 12345 on a listpack answers "0" and every pair), since
  // walking it costs no more than one COUNT step of a table. A hashtable
  // delegates to FieldDict::scan and keeps SCAN's guarantees.
  std::uint64_t scan(std::uint64_t cursor, Visit visit);

  // ---- random picks (HRANDFIELD) ------------------------------------------
  // HRANDFIELD without a count: one pair chosen uniformly (by index in a
  // listpack, Redis's lpRandomPair; a fair bucket pick in a hashtable), or
  // nullopt when empty. Listpack integers are formatted into `buffers`.
  [[nodiscard]] std::optional<Pair> random_pair(std::uint64_t random_bits, PairBuffers& buffers);

  // HRANDFIELD with a negative count: `count` independent draws, so a pair
  // may come more than once. A listpack is indexed once and then each draw
  // costs O(1), instead of a walk per draw.
  void random_pairs(std::size_t count, RandomBits random_bits, Visit visit);

  // HRANDFIELD with a positive count: min(count, size) distinct pairs, with
  // Redis 7.0's strategies (hrandfieldWithCountCommand):
  //   count >= size        every pair, in for_each order;
  //   count * 3 > size     take all, keep `count` of them at random (Redis
  //                        copies the hash and deletes random fields), in
  //                        random order;
  //   otherwise, listpack  one pass of selection sampling (lpRandomPairsUnique),
  //                        in listpack order;
  //   otherwise, hashtable random draws, skipping fields already drawn, in
  //                        the order drawn.
  void random_distinct_pairs(std::size_t count, RandomBits random_bits, Visit visit);

  // ---- memory and copies ----------------------------------------------------
  // MEMORY USAGE's figure: the heap bytes the hash holds, the listpack's
  // allocation or the dict object and what it holds (not the 16 bytes of
  // this object, which its owner places; as Quicklist::memory_bytes).
  [[nodiscard]] std::size_t memory_bytes() const;
  // Allocations freeing it takes: one listpack, or one per dict field
  // (Redis's lazyfree effort).
  [[nodiscard]] std::size_t free_effort() const { return dict_ ? size() : 1; }
  [[nodiscard]] Hash clone() const;

  // For the RDB writer and DEBUG: the representation in use, the other is null.
  [[nodiscard]] const Listpack* listpack() const { return dict_ ? nullptr : &pairs_; }
  [[nodiscard]] const FieldDict* dict() const { return dict_.get(); }

 private:
  // The listpack position of `field`'s entry, or npos.
  [[nodiscard]] std::size_t find_field(std::string_view field) const;
  // Rule 3: would adding `extra` bytes pass kListpackSafetyLimit?
  [[nodiscard]] bool listpack_would_pass_limit(std::size_t extra) const;

  // Two members rather than a std::variant: sizeof(Hash) stays 16 bytes (a
  // Redis robj is 16 too), and the common small hash pays one pointer for the
  // dict it does not have. pairs_ is empty (no allocation) once dict_ is set.
  Listpack pairs_;
  std::unique_ptr<FieldDict> dict_;
};

}  // namespace mini_redis::types
