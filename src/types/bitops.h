// Bit operations on a string seen as an array of bits: what SETBIT, GETBIT,
// BITCOUNT, BITPOS, BITOP and BITFIELD compute, without the commands.
//
// Redis has no "bitmap" type. A bitmap is a string, and bit number N lives
// in byte N / 8, counted from the *most* significant bit of that byte:
//
//     byte:          0                         1
//     bits:   7 6 5 4 3 2 1 0         7 6 5 4 3 2 1 0     (inside the byte)
//     offset: 0 1 2 3 4 5 6 7         8 9 ...             (what clients say)
//
// so SETBIT k 0 1 on an empty key gives the byte 0x80 ("\x80"), and a string
// reads left to right as one long row of bits. Bits past the end of the
// string read as 0: a bitmap is "infinitely zero-padded" on the right.
//
// BITFIELD reads and writes integers of 1 to 64 bits at any bit offset, most
// significant bit first (big-endian at the bit level), so "u8 at offset 0"
// is simply byte 0. A signed field is two's complement within its width.
//
// Everything here is pure: bytes in, numbers or bytes out. Growing the
// string, keys, types and replies are the commands' business
// (commands/bitmaps/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace mini_redis::types::bitops {

// ---- single bits ---------------------------------------------------------------

// The byte that holds bit `offset`, and that bit's mask inside it.
constexpr std::uint64_t byte_of(std::uint64_t offset) {
  return offset >> 3;
}
constexpr unsigned char mask_of(std::uint64_t offset) {
  return static_cast<unsigned char>(0x80U >> (offset & 7));
}

// Bit `offset` of `bytes`; 0 past the end.
bool get_bit(std::string_view bytes, std::uint64_t offset);

// ---- BITCOUNT ---------------------------------------------------------------------

// How many bits are set in `bytes`.
std::uint64_t count_set_bits(std::string_view bytes);

// How many bits are set from bit `first` to bit `last`, both included.
// Both must lie inside `bytes` and first <= last.
std::uint64_t count_set_bits(std::string_view bytes, std::uint64_t first, std::uint64_t last);

// ---- BITPOS -------------------------------------------------------------------------

// The offset of the first bit equal to `bit` from bit `first` to bit `last`
// (both included, both inside `bytes`, first <= last); nothing if there is
// none. Whole 8-byte words of the wrong kind are skipped at once, so a scan
// of a long run of zeros (or ones) costs a compare per word.
std::optional<std::uint64_t> find_bit(std::string_view bytes, bool bit, std::uint64_t first,
                                      std::uint64_t last);

// ---- BITOP ----------------------------------------------------------------------------

enum class BitOperation { bit_and, bit_or, bit_xor, bit_not };

// Combines `sources` byte by byte into `out`, which is as long as the
// longest source. A shorter source counts as padded with zero bytes, so
// AND with a short (or empty) source clears the tail. NOT takes exactly one
// source. `out` may not overlap a source.
void combine(BitOperation operation, std::span<const std::string_view> sources,
             std::span<char> out);

// ---- BITFIELD -------------------------------------------------------------------------

// An integer type as BITFIELD names it: i1..i64 (signed) or u1..u63
// (unsigned; u64 is refused because a 64-bit unsigned value does not fit the
// signed 64-bit integer a RESP reply carries).
struct FieldType {
  bool is_signed = false;
  unsigned bits = 0;
};

// Parses "i8", "u16", "i64"... as Redis 7.0's getBitfieldTypeFromArgument:
// a lower-case letter, then a canonical number (no "+", no leading zero).
// Redis reads the argument as a C string there, so it stops at a NUL byte
// ("u8\0junk" is u8); we do the same. Nothing if it is not a valid type.
std::optional<FieldType> parse_field_type(std::string_view text);

// The `bits`-bit field at bit `offset`, as an unsigned number; bits past
// the end of `bytes` read as 0.
std::uint64_t read_field(std::string_view bytes, std::uint64_t offset, unsigned bits);

// The same field read as a two's complement number of its width.
std::int64_t read_signed_field(std::string_view bytes, std::uint64_t offset, unsigned bits);

// Stores the low `bits` bits of `value` at bit `offset`. The field must lie
// inside `bytes` (the command grew the string first).
void write_field(std::span<char> bytes, std::uint64_t offset, unsigned bits, std::uint64_t value);

// OVERFLOW WRAP | SAT | FAIL: what SET and INCRBY do with a result that does
// not fit the field.
enum class Overflow { wrap, saturate, fail };

// The value to store for `value + increment` in a signed field of `bits`
// bits (SET passes its value and an increment of 0): the sum itself when it
// fits; otherwise wrapped modulo 2^bits, or clamped to the nearest limit, or
// nothing under FAIL.
std::optional<std::int64_t> fit_signed(std::int64_t value, std::int64_t increment, unsigned bits,
                                       Overflow overflow);

// The same for an unsigned field. `value` is what SET was given read as an
// unsigned 64-bit number, so SET u8 -1 is "too big" (SAT stores 255), as in
// Redis.
std::optional<std::uint64_t> fit_unsigned(std::uint64_t value, std::int64_t increment,
                                          unsigned bits, Overflow overflow);

}  // namespace mini_redis::types::bitops
