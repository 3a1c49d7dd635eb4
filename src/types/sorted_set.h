// SortedSet: the value of a Redis sorted set key (ZADD, ZRANGE...), in
// Redis 7.0's two encodings.
//
// What it is: members (unique byte strings) each with a score (a double),
// kept ordered by score and then by member bytes, and the rule that picks
// the encoding, as Redis 7.0's t_zset.c does, so that OBJECT ENCODING, the
// replies and the memory per key answer as Redis does. What it is not: the
// commands (argument parsing, ZADD's NX/XX/GT/LT rules, replies live in
// commands/sorted_sets/) nor the CONFIG table (limits are passed in).
//
// ---- The two encodings -------------------------------------------------------
//
//   listpack   a new sorted set: one Listpack (types/listpack.h) holding
//              member, score, member, score... already in order:
//                ZADD z 2 b 1 a 1.5 c  ->  [ "a" | 1 | "c" | "1.5" | "b" | 2 ]
//              A whole score within +-2^62 is stored as a listpack integer,
//              any other as its "%.17g" text (sorted_set_range.h). Every
//              operation is a walk: for 128 short members that beats
//              following pointers, and costs ~4 bytes of overhead per element.
//   skiplist   a Skiplist (types/skiplist.h): a skiplist with spans for
//              O(log n) ranks and ranges, plus a hash table for O(1) scores.
//
// ---- When a sorted set converts ------------------------------------------------
//
//   zset-max-listpack-entries 128  most elements a listpack may hold
//   zset-max-listpack-value   64   longest member a listpack may hold
//
// An insert that would pass either limit (or push the listpack past 1 GiB,
// Redis's lpSafeToAdd) converts to a skiplist first, as zsetAdd does; with
// zset-max-listpack-entries 0 the first ZADD makes a skiplist. Removing
// elements never converts back (ZREM down to 1 element stays skiplist), but
// a set *built* by a command (ZRANGESTORE, ZUNIONSTORE...) is a listpack
// whenever its result fits: those are built with append_greatest(), which
// starts from a listpack. Checked on Redis 7.0.15.
//
// ---- Ranks -------------------------------------------------------------------------
//
// Every ordered question is answered in ranks (0 = lowest): a score or lex
// range is a contiguous interval of ranks, so ZCOUNT is its length,
// ZRANGEBYSCORE ... LIMIT is arithmetic on it, ZREMRANGEBYSCORE erases it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "types/listpack.h"
#include "types/skiplist.h"
#include "types/sorted_set_range.h"

namespace mini_redis::types {

// The conversion thresholds, as set by CONFIG (zset-max-listpack-entries,
// zset-max-listpack-value; the old -ziplist- names are aliases).
struct SortedSetLimits {
  std::size_t max_listpack_entries = 128;
  std::size_t max_listpack_value = 64;
};

// A half-open interval of ranks [begin, end).
struct RankInterval {
  std::size_t begin = 0;
  std::size_t end = 0;
  [[nodiscard]] std::size_t size() const { return end - begin; }
  [[nodiscard]] bool empty() const { return begin >= end; }
};

class SortedSet {
 public:
  enum class Encoding { listpack, skiplist };
  // Called with each element met; must not modify the set. A listpack
  // integer member is spelled into a buffer that lives for the call only.
  using Visit = FunctionRef<void(std::string_view member, double score)>;
  // ZSCAN's callback: the score as text, as Redis spells it there (the
  // listpack's stored text, or "%.17g" for a skiplist).
  using ScanVisit = FunctionRef<void(std::string_view member, std::string_view score)>;
  using RandomBits = FunctionRef<std::uint64_t()>;

  static constexpr std::size_t kListpackSafetyLimit = std::size_t{1} << 30;

  SortedSet() = default;  // empty, listpack-encoded, nothing allocated
  SortedSet(SortedSet&&) noexcept = default;
  SortedSet& operator=(SortedSet&&) noexcept = default;
  SortedSet(const SortedSet&) = delete;  // copies are explicit: clone()
  SortedSet& operator=(const SortedSet&) = delete;
  ~SortedSet() = default;

  [[nodiscard]] Encoding encoding() const {
    return skiplist_ ? Encoding::skiplist : Encoding::listpack;
  }
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] bool empty() const { return size() == 0; }

  // ---- by member ------------------------------------------------------------
  // Const although a skiplist lookup moves one bucket of an ongoing rehash.
  [[nodiscard]] std::optional<double> score(std::string_view member) const;
  // ZRANK's answer: the member's 0-based rank from the lowest, or nullopt.
  [[nodiscard]] std::optional<std::size_t> rank(std::string_view member) const;

  // Adds a member that is not there yet, converting first if it would pass
  // a limit.
  void insert(std::string_view member, double score, const SortedSetLimits& limits);
  // Gives a present member a new score (and its new place).
  void update(std::string_view member, double score);
  // Removes the member; false if it was not there. Never converts.
  bool erase(std::string_view member);
  // Adds a member that sorts after every element present (a set being
  // built in order by a STORE command), converting as insert() does.
  void append_greatest(std::string_view member, double score, const SortedSetLimits& limits);
  void convert_to_skiplist();

  // ---- by order -----------------------------------------------------------------
  [[nodiscard]] RankInterval ranks_in(const ScoreRange& range) const;
  [[nodiscard]] RankInterval ranks_in(const LexRange& range) const;
  // Visits ranks [begin, end) (end <= size()), lowest first or, `reverse`,
  // highest first.
  void visit_ranks(std::size_t begin, std::size_t end, bool reverse, Visit visit) const;
  // Removes ranks [begin, end); returns how many went.
  std::size_t erase_ranks(std::size_t begin, std::size_t end);
  void for_each(Visit visit) const { visit_ranks(0, size(), false, visit); }

  // ---- walks by hash (ZSCAN) and random picks (ZRANDMEMBER) -----------------------
  // A listpack is visited whole and the next cursor is 0 (as HSCAN); a
  // skiplist's hash table is scanned with SCAN's guarantees.
  std::uint64_t scan(std::uint64_t cursor, ScanVisit visit);
  // `count` independent uniform draws (a member may come more than once).
  void random_elements(std::size_t count, RandomBits random_bits, Visit visit) const;
  // min(count, size) distinct elements; see sorted_set.cpp for the order.
  void random_distinct_elements(std::size_t count, RandomBits random_bits, Visit visit) const;

  // ---- memory and copies ----------------------------------------------------------
  // Heap bytes held (the listpack block, or the skiplist and what it
  // holds), not this 16-byte object, which its entry places.
  [[nodiscard]] std::size_t memory_bytes() const;
  [[nodiscard]] SortedSet clone() const;
  // How many allocations freeing it takes (storage's lazy free decides by
  // it, as Redis's lazyfreeGetFreeEffort counts a skiplist's length).
  [[nodiscard]] std::size_t free_effort() const { return skiplist_ ? size() : 1; }
  [[nodiscard]] const Listpack* listpack() const { return skiplist_ ? nullptr : &pairs_; }
  [[nodiscard]] const Skiplist* skiplist() const { return skiplist_.get(); }

 private:
  // Converts before an insert of `member` if the listpack would pass a limit.
  void convert_if_needed(std::string_view member, const SortedSetLimits& limits);
  [[nodiscard]] std::size_t find_member(std::string_view member) const;  // listpack position
  void listpack_insert(std::string_view member, double score);

  // Two members rather than a std::variant, as types::Hash: 16 bytes, and a
  // small set pays one null pointer for the skiplist it does not have.
  Listpack pairs_;
  std::unique_ptr<Skiplist> skiplist_;
};

}  // namespace mini_redis::types
