// Set: the value of a Redis set key, in Redis 7.0's two encodings.
//
// What it is: an unordered collection of distinct byte strings behind SADD,
// SREM, SISMEMBER, SMEMBERS, SSCAN, SPOP, SRANDMEMBER and the set algebra
// (SINTER, SUNION, SDIFF), plus the rule that picks its encoding, exactly as
// Redis 7.0's t_set.c does, so that OBJECT ENCODING, SMEMBERS's order and the
// memory per key answer as Redis does. What it is not: the commands
// (argument parsing, replies, which key gets what live in commands/sets/),
// nor the CONFIG table (the command layer passes the limit in a SetLimits).
//
// ---- The two encodings -------------------------------------------------------
//
//   intset      a new set whose members are all canonical integers ("42",
//               "-7"; not "042", "+1" or "1.0"): an Intset (types/intset.h),
//               a sorted array. So SMEMBERS of an intset answers in
//               ascending numeric order, as Redis's does:
//                 SADD s 3 1 2   ->  SMEMBERS s  ->  1 2 3
//   hashtable   a MemberDict (types/set_member_dict.h): any bytes, O(1)
//               lookups, SSCAN with SCAN's cursor guarantee, order
//               unspecified.
// (Redis 7.2 added a third, listpack, for small sets of strings; 7.0 has
// none: a single non-integer member makes a hashtable.)
//
// ---- When a set converts (intset -> hashtable, never back) ------------------
//
//   1. A member that is not a canonical integer is added.
//   2. An insert leaves more members than set-max-intset-entries (default
//      512; CONFIG SET-able; capped at 2^30, the most an intset may hold).
//      With set-max-intset-entries 0, the first SADD makes a hashtable.
// Removing members never converts back. The one way back to an intset is a
// new set: SPOP with a count close to the size builds a new set of the
// members that stay (see pop_random_members), and the set algebra's results
// start as empty intsets, so SINTERSTORE of two hashtables of numbers can
// store an intset. Checked on Redis 7.0.15 (Debian).
//
// ---- Reading members without allocating --------------------------------------
//
// An intset holds numbers, so visiting its members means formatting them: the
// Visit callbacks receive views into a buffer on the walker's stack, valid
// until the callback returns. Views of hashtable members point into the
// member blocks and stay valid until the member is removed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "types/hash_table.h"
#include "types/intset.h"
#include "types/listpack.h"
#include "types/set_member_dict.h"

namespace mini_redis::types {

// The conversion threshold, as set by CONFIG (set-max-intset-entries).
struct SetLimits {
  std::size_t max_intset_entries = 512;
};

class Set {
 public:
  enum class Encoding { intset, hashtable };

  // Called with each member met; must not modify the set.
  using Visit = MemberDict::Visit;
  // A source of random bits, called as often as a draw needs. The caller
  // brings it, so tests can be repeatable.
  using RandomBits = FunctionRef<std::uint64_t()>;

  // Redis caps set-max-intset-entries here: an intset's length and offsets
  // are 32-bit, and 2^30 members of 8 bytes already make an 8 GiB block.
  static constexpr std::size_t kMaxIntsetEntries = std::size_t{1} << 30;

  // An empty set, intset-encoded: what Redis's setTypeCreate and the set
  // algebra's results start as. It allocates nothing until the first add.
  Set() = default;
  Set(Set&& other) noexcept : word_(std::exchange(other.word_, 0)) {}
  Set& operator=(Set&& other) noexcept;
  Set(const Set&) = delete;  // copies are explicit: clone()
  Set& operator=(const Set&) = delete;
  ~Set();

  [[nodiscard]] Encoding encoding() const {
    return dict() != nullptr ? Encoding::hashtable : Encoding::intset;
  }
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] bool empty() const { return size() == 0; }

  // ---- membership (SISMEMBER, SMISMEMBER, the set algebra) ------------------
  // Const although a hashtable lookup moves one bucket of an ongoing rehash,
  // as Redis's dictFind does: nothing a caller can observe changes.
  [[nodiscard]] bool contains(std::string_view member) const;
  // The same for a member known to be an integer (an intset's), without
  // formatting it when this set is an intset too.
  [[nodiscard]] bool contains_integer(std::int64_t value) const;

  // ---- writes (SADD, SREM, SMOVE, building results) --------------------------
  // Adds `member`; false if it was there. Applies both conversion rules.
  bool add(std::string_view member, const SetLimits& limits);
  // add() for an integer member, without parsing it back from text.
  bool add_integer(std::int64_t value, const SetLimits& limits);
  // Removes `member`; false if it was not there. Never converts.
  bool remove(std::string_view member);
  // Moves the members into a MemberDict now. No-op if already a hashtable.
  void convert_to_hashtable();

  // ---- walks (SMEMBERS, SSCAN, the set algebra) ------------------------------
  // Every member: ascending for an intset, bucket order for a hashtable.
  void for_each(Visit visit) const;
  // SSCAN's step. An intset is visited whole in one call whatever the
  // cursor, and the next cursor is 0, as Redis does for every small
  // encoding. A hashtable delegates to MemberDict::scan.
  std::uint64_t scan(std::uint64_t cursor, Visit visit);

  // ---- random picks (SRANDMEMBER, SPOP) --------------------------------------
  // One member chosen uniformly (by index in an intset, Redis's
  // intsetRandom; a fair bucket pick in a hashtable). The set must not be
  // empty. An intset's member is formatted into `buffer`.
  [[nodiscard]] std::string_view random_member(std::uint64_t random_bits, IntText& buffer) const;

  // SRANDMEMBER with a negative count: `count` independent draws, so a
  // member may come more than once (Redis's CASE 1).
  void random_members(std::size_t count, RandomBits random_bits, Visit visit) const;

  // SRANDMEMBER with a positive count: min(count, size) distinct members,
  // with Redis 7.0's strategies (srandmemberWithCountCommand):
  //   count >= size     every member, in for_each order (CASE 2);
  //   count * 3 > size  take all, keep `count` of them at random (Redis
  //                     copies the set and deletes random members), in
  //                     random order (CASE 3);
  //   otherwise         random draws, skipping members already drawn, in
  //                     the order drawn (CASE 4).
  // (Redis's count == 1 is a single draw; the command does that.)
  void random_distinct_members(std::size_t count, RandomBits random_bits, Visit visit) const;

  // SPOP without a count: removes one random member and visits it (just
  // before it is removed). The set must not be empty.
  void pop_random_member(std::uint64_t random_bits, Visit visit);

  // SPOP with 0 < count < size (a larger count takes the whole set, which
  // the command does itself): removes `count` random members and visits
  // each, with Redis 7.0's two strategies (spopWithCountCommand):
  //   size - count > count / 5   draw, visit and remove, `count` times;
  //   otherwise                  draw the size - count members that stay
  //                              into a new set (it starts as an intset and
  //                              converts as any set does), visit what is
  //                              left of this one, then become the new set.
  void pop_random_members(std::size_t count, RandomBits random_bits, const SetLimits& limits,
                          Visit visit);

  // ---- memory and copies ------------------------------------------------------
  // MEMORY USAGE's figure: the heap bytes the set holds, the intset's block
  // or the dict object and what it holds (not the 8 bytes of this object,
  // which its owner places; as Hash::memory_bytes).
  [[nodiscard]] std::size_t memory_bytes() const;
  // How many allocations freeing the set takes (storage/lazy_free.h decides
  // by it, as Redis's lazyfreeGetFreeEffort): one per member of a
  // hashtable, a single block for an intset.
  [[nodiscard]] std::size_t free_effort() const { return dict() != nullptr ? size() : 1; }
  // A copy in the same encoding (COPY keeps a hashtable a hashtable even if
  // it would fit an intset, as Redis's setTypeDup does).
  [[nodiscard]] Set clone() const;

  // For the set algebra's fast path over an intset's numbers: the member at
  // `index` in ascending order. Only for an intset-encoded set.
  [[nodiscard]] std::int64_t integer_at(std::size_t index) const;
  // For the RDB writer and DEBUG: the dict while hashtable-encoded, else null.
  [[nodiscard]] MemberDict* dict() const {
    return (word_ & kDictTag) != 0 ? reinterpret_cast<MemberDict*>(word_ & ~kDictTag) : nullptr;
  }

 private:
  // ---- one word ---------------------------------------------------------------
  // A set takes 8 bytes in its entry's slot (a hash takes 16). That is what
  // keeps a small set as cheap as in Redis: with 16 bytes, the entry of a
  // 10-byte key holding a set would need jemalloc's 80-byte class instead of
  // the 64-byte one (measured: 135 bytes a key against Redis's 120, for
  // 1M sets of 10 integers). The word holds either
  //   an intset's block (null for the empty intset), lowest bit 0, or
  //   the MemberDict's address with its lowest bit set (kDictTag).
  // Both come from the allocator, which aligns them to at least 8 bytes, so
  // the lowest bit is free to say which one it is.
  static constexpr std::uintptr_t kDictTag = 1;

  // The intset, lent to an Intset object for the length of one operation
  // and taken back when the loan ends, even if the operation throws (the
  // block may have moved: an insert reallocates it).
  class LentIntset {
   public:
    explicit LentIntset(std::uintptr_t& word)
        : word_(word), ints_(Intset::adopt(reinterpret_cast<std::uint8_t*>(word))) {}
    ~LentIntset() { word_ = reinterpret_cast<std::uintptr_t>(ints_.release()); }
    LentIntset(const LentIntset&) = delete;
    LentIntset& operator=(const LentIntset&) = delete;
    Intset* operator->() { return &ints_; }

   private:
    std::uintptr_t& word_;
    Intset ints_;
  };
  // Only while intset-encoded. Const functions borrow too: lending changes
  // nothing a caller can see (word_ is mutable for that).
  [[nodiscard]] LentIntset ints() const { return LentIntset(word_); }

  // Rule 2, after an insert into the intset.
  void convert_if_too_many(const SetLimits& limits);
  // Frees whatever the word holds and leaves an empty intset.
  void reset();

  mutable std::uintptr_t word_ = 0;
};

}  // namespace mini_redis::types
