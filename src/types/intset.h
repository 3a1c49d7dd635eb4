// Intset: Redis's sorted array of integers, the "intset" encoding of a small
// set of integers (OBJECT ENCODING answers "intset").
//
// What it is: one heap block holding distinct 64-bit integers in ascending
// order, each stored in the narrowest width that fits the *widest* member.
// A set whose members are all canonical integers ("42", "-7", not "042")
// keeps them here until it holds more than set-max-intset-entries (512) of
// them, or until a non-integer member arrives (types/set.h has that rule).
// What it is not: a general container. Inserting in the middle moves every
// byte after the insertion point, which is cheap for a few hundred members
// and nothing else.
//
// ---- The block (the same bytes Redis keeps, and writes to an RDB file) -----
//
//    0      1      2      3      4      5      6      7      8
//   +------+------+------+------+------+------+------+------+--------------+
//   |  width, uint32 LE         |  length, uint32 LE        | contents ... |
//   +------+------+------+------+------+------+------+------+--------------+
//
//   width     bytes per member: 2 (int16), 4 (int32) or 8 (int64).
//   length    how many members follow.
//   contents  length * width bytes: the members, ascending, each a little-
//             endian two's complement integer of `width` bytes.
//
// Worked example, SADD s 5 -3 300:
//
//   02 00 00 00  03 00 00 00   width 2, length 3
//   FD FF  05 00  2C 01        -3, 5, 300
//
// SADD s 70000 then needs 4 bytes per member (70000 > 32767), so the whole
// block is rewritten at width 4: "upgrading". A value that needs a wider
// width than every member is larger or smaller than all of them, so it goes
// at the very end (positive) or the very start (negative): no search needed.
// Removing members never narrows the width again (Redis does not either: a
// set that held a big number is likely to hold one again).
//
// ---- Costs --------------------------------------------------------------------
//
// Lookups are a binary search: O(log n). Inserts and removals are O(n) (the
// tail moves) and resize the block to its exact size with realloc, as
// Redis's intset.c does: jemalloc keeps the block in place while it stays
// inside one size class, so most resizes copy nothing. Ten small members
// take 8 + 10 * 2 = 28 bytes (a 32-byte jemalloc class), against ten
// separately allocated strings and a hash table for any other encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>

namespace mini_redis::types {

class Intset {
 public:
  static constexpr std::size_t kHeaderSize = 8;

  // An empty intset. It allocates nothing until the first insert; bytes()
  // still shows the 8-byte header of an empty block (width 2, length 0).
  Intset() = default;
  Intset(Intset&&) noexcept = default;
  Intset& operator=(Intset&&) noexcept = default;
  Intset(const Intset&) = delete;  // copies are explicit: clone()
  Intset& operator=(const Intset&) = delete;
  ~Intset() = default;

  [[nodiscard]] Intset clone() const;

  // An intset holding a copy of `bytes` if they are a well-formed, non-empty
  // intset: a valid width, a length that matches the size exactly, members
  // strictly ascending (Redis's intsetValidateIntegrity in deep mode). For
  // RDB and RESTORE payloads, which may be corrupt or hostile.
  static std::optional<Intset> from_bytes(std::span<const std::uint8_t> bytes);

  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] bool empty() const { return size() == 0; }
  // Bytes per member: 2, 4 or 8 (2 for an empty intset, as in Redis).
  [[nodiscard]] std::size_t width() const;

  [[nodiscard]] bool contains(std::int64_t value) const;
  // The member at `index` (0 is the smallest); index < size().
  [[nodiscard]] std::int64_t at(std::size_t index) const;
  // A member chosen by `random_bits` (uniformly over the indexes, as Redis's
  // intsetRandom); the intset must not be empty.
  [[nodiscard]] std::int64_t random(std::uint64_t random_bits) const {
    return at(static_cast<std::size_t>(random_bits % size()));
  }

  // Adds `value`; false if it was a member already (nothing changes then).
  bool insert(std::int64_t value);
  // Removes `value`; false if it was not a member.
  bool erase(std::int64_t value);

  // Hands the block over (null for an empty intset that never allocated),
  // leaving this intset empty; adopt() makes an Intset own it again. Set
  // keeps its intset's block in a tagged word of its own (types/set.h).
  [[nodiscard]] std::uint8_t* release() { return blob_.release(); }
  static Intset adopt(std::uint8_t* block) {
    Intset ints;
    ints.blob_.reset(block);
    return ints;
  }

  // The block as Redis lays it out (see the top of this file).
  [[nodiscard]] std::span<const std::uint8_t> bytes() const;
  // What the allocator holds for the block (its usable size), 0 if nothing
  // is allocated. This is what MEMORY USAGE adds up.
  [[nodiscard]] std::size_t allocated_bytes() const;

 private:
  struct FreeDeleter {
    void operator()(std::uint8_t* block) const { std::free(block); }
  };

  // Where `value` is (found) or would go to keep the order (not found).
  struct Position {
    std::size_t index;
    bool found;
  };
  [[nodiscard]] Position search(std::int64_t value) const;
  [[nodiscard]] std::uint8_t* contents();
  [[nodiscard]] const std::uint8_t* contents() const;
  void set_header(std::size_t width, std::size_t length);
  // Resizes the block for `length` members of `width` bytes (the header is
  // not rewritten: callers do it once the members are in place).
  void resize(std::size_t width, std::size_t length);
  // Rewrites every member at a wider width and adds `value`, which needs it.
  void upgrade_and_add(std::int64_t value);

  std::unique_ptr<std::uint8_t, FreeDeleter> blob_;
};

}  // namespace mini_redis::types
