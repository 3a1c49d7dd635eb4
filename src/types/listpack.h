// Listpack: Redis 7.0's compact sequence of strings and integers, byte for byte.
//
// A listpack is one heap block that holds a small sequence of elements, each a
// byte string or a 64-bit integer, packed end to end with no pointers. It is
// the "small" encoding behind quicklist nodes (lists), small hashes and small
// sorted sets (field, value, field, value... in one listpack) and stream
// nodes. It is not a general container: inserting in the middle moves every
// byte after the insertion point, so callers keep listpacks small (a few KiB,
// see quicklist.h) and switch to a real hash table or skiplist past that.
//
// We keep Redis's exact bytes for three reasons: the RDB writer can emit the
// block unchanged (and load Redis's blocks after `from_bytes` validated them),
// DUMP's output equals Redis's, and MEMORY USAGE counts what Redis counts.
//
// ---- The block --------------------------------------------------------------
//
//    0      1      2      3      4      5      6                         last
//   +------+------+------+------+------+------+-----------------------+------+
//   |  total bytes, uint32 LE   | count, u16 LE| entry entry ... entry | 0xFF |
//   +------+------+------+------+------+------+-----------------------+------+
//
//   total bytes   the size of the whole block, header and 0xFF included.
//   count         the number of entries; 65535 means "unknown, walk to count"
//                 (Redis stops counting there rather than widen the header).
//   0xFF          the terminator. No entry can start with 0xFF, so a reader
//                 walking forward knows where to stop without the header.
//
// ---- One entry --------------------------------------------------------------
//
//   +---------------------------+----------------+
//   | encoding (+ length) | data | backlen        |
//   +---------------------------+----------------+
//   |<-------- L bytes -------->|<- 1..5 bytes ->|
//
// The first byte says what follows (x = value bits, L = length bits):
//
//   0xxxxxxx                    integer 0..127 in the byte itself        (1 byte)
//   10LLLLLL  + L bytes         string of 0..63 bytes                    (1 + L)
//   110xxxxx  xxxxxxxx          integer -4096..4095, 13-bit two's
//                               complement, high bits in the first byte  (2 bytes)
//   1110LLLL  LLLLLLLL + bytes  string of 64..4095 bytes; the length's
//                               high 4 bits come first                   (2 + L)
//   11110000  + u32 LE + bytes  string of any length up to 4 GiB         (5 + L)
//   11110001  + 2 bytes LE      int16                                    (3 bytes)
//   11110010  + 3 bytes LE      int24                                    (4 bytes)
//   11110011  + 4 bytes LE      int32                                    (5 bytes)
//   11110100  + 8 bytes LE      int64                                    (9 bytes)
//   11110101 .. 11111110        unused: a block containing them is corrupt
//   11111111                    not an entry: the terminator
//
// A string that is a canonical decimal int64 ("42", "-7", but not "042", "+1",
// " 1" or "-0") is stored as an integer in the smallest encoding that holds it,
// as Redis does; reading it back gives the same text.
//
// backlen is L (the size of encoding + data) so that a reader at the start of
// an entry can step back to the previous one: the byte just before an entry is
// the last byte of the previous entry's backlen. L is split into 7-bit groups,
// most significant group first; every byte but the first has its top bit set,
// meaning "the number continues to the left". Read right to left: take the low
// 7 bits, and keep going while the top bit is set. Sizes: L <= 127 takes 1 byte,
// L < 16383 takes 2, L < 2^21-1 takes 3, L < 2^28-1 takes 4, else 5 (Redis's
// thresholds; note that L = 16383 takes 3 bytes although 2 would do).
//
// ---- Worked example: ["hi", "5", "-200"] (16 bytes) ---------------------------
//
//   10 00 00 00  03 00    total 16, count 3
//   82 68 69  03          string of 2 ("hi"), backlen 3
//   05  01                integer 5 (7-bit form), backlen 1
//   DF 38  02             -200 = 8192 - 200 = 0x1F38 in 13 bits: 110|11111 00111000
//   FF                    terminator
//
// (Redis 7.0.15's DUMP of `RPUSH l hi 5 -200` carries exactly these bytes.)
// A 16-byte string element costs 1 + 16 + 1 = 18 bytes.
//
// Positions are byte offsets of entries inside the block; `npos` means "none".
// A position, and any ListpackEntry read from the block, is invalidated by any
// change to the listpack (the block may move when it grows).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/integer_parsing.h"

namespace mini_redis::types {

// Where insert() puts the new element relative to the given one.
enum class InsertWhere { kBefore, kAfter };

// Room to format any int64 in decimal without allocating.
using IntText = std::array<char, kMaxInt64Chars>;

// One element as read from a listpack: a view of its string bytes, or its
// integer value. Elements stored as integers were canonical decimal strings,
// so the text of an integer element is exactly the string that was stored.
class ListpackEntry {
 public:
  ListpackEntry() = default;
  static ListpackEntry of_string(std::string_view text) { return ListpackEntry(text, 0, false); }
  static ListpackEntry of_int(std::int64_t value) { return ListpackEntry({}, value, true); }

  [[nodiscard]] bool is_int() const { return is_int_; }
  [[nodiscard]] std::int64_t as_int() const { return int_; }            // only if is_int()
  [[nodiscard]] std::string_view as_string() const { return string_; }  // only if !is_int()

  // The element's text: the string itself, or the integer formatted into
  // `buffer` (which must outlive the returned view).
  [[nodiscard]] std::string_view text(IntText& buffer) const;
  [[nodiscard]] std::string to_string() const;
  void append_to(std::string& out) const;

  // Same text as `other`, without allocating: an integer element equals only
  // the canonical spelling of its value, so "7" matches 7 but "07" does not.
  [[nodiscard]] bool equals(std::string_view other) const;
  friend bool operator==(const ListpackEntry& a, const ListpackEntry& b);

 private:
  ListpackEntry(std::string_view s, std::int64_t i, bool is_int)
      : string_(s), int_(i), is_int_(is_int) {}
  std::string_view string_;
  std::int64_t int_ = 0;
  bool is_int_ = true;
};

class Listpack {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  static constexpr std::size_t kHeaderSize = 6;
  static constexpr std::size_t kEmptySize = kHeaderSize + 1;  // header + terminator
  static constexpr std::uint16_t kUnknownCount = 65535;
  static constexpr std::uint8_t kTerminator = 0xFF;

  // An empty listpack. It allocates nothing until the first write, yet
  // bytes() still shows the 7 bytes of an empty block.
  Listpack() = default;
  Listpack(Listpack&&) noexcept = default;
  Listpack& operator=(Listpack&&) noexcept = default;
  Listpack(const Listpack&) = delete;  // copies are explicit: clone()
  Listpack& operator=(const Listpack&) = delete;
  ~Listpack() = default;

  [[nodiscard]] Listpack clone() const;

  // A listpack holding a copy of `bytes` if they are a well-formed listpack,
  // checked completely (header, every entry's encoding, length and backlen,
  // terminator, count) without reading outside the span. For RDB and RESTORE
  // payloads, which may be corrupt or hostile.
  static std::optional<Listpack> from_bytes(std::span<const std::uint8_t> bytes);

  // ---- size --------------------------------------------------------------
  // O(1) unless the header says "unknown" (65535 or more entries).
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] bool empty() const { return bytes_size() == kEmptySize; }
  [[nodiscard]] std::size_t bytes_size() const;
  [[nodiscard]] std::span<const std::uint8_t> bytes() const { return {data(), bytes_size()}; }
  // What the allocator holds for the block (its usable size), 0 if nothing
  // is allocated yet. This is what MEMORY USAGE adds up.
  [[nodiscard]] std::size_t allocated_bytes() const;

  // ---- positions ---------------------------------------------------------
  [[nodiscard]] std::size_t first() const { return empty() ? npos : kHeaderSize; }
  [[nodiscard]] std::size_t last() const;
  [[nodiscard]] std::size_t next(std::size_t pos) const;
  [[nodiscard]] std::size_t prev(std::size_t pos) const;
  // The position of element `index` (negative counts from the tail: -1 is
  // the last), or npos if out of range. Walks from the nearer end.
  [[nodiscard]] std::size_t seek(std::int64_t index) const;
  [[nodiscard]] ListpackEntry get(std::size_t pos) const;

  // ---- changes -----------------------------------------------------------
  void push_back(std::string_view value);
  void push_front(std::string_view value);
  // Inserts next to the element at `pos`; returns the new element's position.
  std::size_t insert(std::size_t pos, std::string_view value, InsertWhere where);
  // Overwrites the element at `pos`; its position does not change.
  std::size_t replace(std::size_t pos, std::string_view value);
  // Removes the element at `pos`; returns the position of the element that
  // followed it (npos if it was the last).
  std::size_t erase(std::size_t pos);
  // Removes up to `count` elements starting at index `first_index` (negative
  // from the tail); returns how many were removed.
  std::size_t erase_range(std::int64_t first_index, std::size_t count);

  // Moves the elements from `pos` to the end into a new listpack and returns
  // it; this one keeps the elements before `pos`.
  Listpack split_off(std::size_t pos);
  // One listpack with `front`'s elements then `back`'s. The larger block is
  // kept and grown, so merging a small node into a big one copies little.
  static Listpack merge(Listpack front, Listpack back);

  // The first element equal to `value`, looking at `start` and then at every
  // (skip + 1)-th element after it; npos if none. A hash stored as
  // field, value, field, value... finds a field with skip = 1.
  [[nodiscard]] std::size_t find(std::size_t start, std::string_view value, std::size_t skip) const;

 private:
  struct FreeDeleter {
    void operator()(std::uint8_t* p) const { std::free(p); }
  };

  [[nodiscard]] const std::uint8_t* data() const;
  [[nodiscard]] std::uint16_t header_count() const;
  void set_header_count(std::size_t count);
  // Adds `delta` to a known count (a count at or past 65535 stays unknown).
  void add_to_count(std::ptrdiff_t delta);
  [[nodiscard]] std::size_t entry_size(std::size_t pos) const;
  std::size_t insert_at(std::size_t offset, std::string_view value);
  // Replaces `old_len` bytes at `offset` by `new_len` uninitialised bytes,
  // moving the rest of the block; returns where to write them.
  std::uint8_t* splice(std::size_t offset, std::size_t old_len, std::size_t new_len);

  std::unique_ptr<std::uint8_t, FreeDeleter> blob_;
};

}  // namespace mini_redis::types
