// LEB128 varints: how the dict nodes of large hashes and sets store lengths.
//
// A length is written 7 bits per byte, low bits first; the top bit of a byte
// says "another byte follows". A length under 128 takes 1 byte, under 16384
// takes 2, the largest 64-bit size 10. Almost every field, value and member
// is shorter than 128 bytes, so its length costs one byte, yet any size is
// stored exactly. FieldDict (a hash's field and value) and MemberDict (a
// set's member) both put one such length in front of their bytes.
#pragma once

#include <cstddef>

namespace mini_redis::types::varint {

inline constexpr unsigned kPayloadBits = 7;
inline constexpr unsigned char kMore = 0x80;
inline constexpr unsigned char kPayload = 0x7F;

// How many bytes write() takes for `n`.
inline std::size_t size(std::size_t n) {
  std::size_t bytes = 1;
  while (n > kPayload) {
    n >>= kPayloadBits;
    ++bytes;
  }
  return bytes;
}

// Writes `n` at `out` and returns the byte after it.
inline unsigned char* write(unsigned char* out, std::size_t n) {
  while (n > kPayload) {
    *out++ = static_cast<unsigned char>((n & kPayload) | kMore);
    n >>= kPayloadBits;
  }
  *out++ = static_cast<unsigned char>(n);
  return out;
}

// Reads a length written by write() and moves `in` past it.
inline std::size_t read(const unsigned char*& in) {
  std::size_t n = 0;
  for (unsigned shift = 0;; shift += kPayloadBits) {
    const unsigned char byte = *in++;
    n |= static_cast<std::size_t>(byte & kPayload) << shift;
    if ((byte & kMore) == 0) return n;
  }
}

}  // namespace mini_redis::types::varint
