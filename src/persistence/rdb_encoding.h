// The RDB format's small building blocks, as Redis 7.0's rdb.c writes them:
// lengths, strings (plain, as a small integer, or LZF-compressed) and binary
// doubles. Each function appends to a std::string, so the RDB writer and
// DUMP share them, and a reader can test its decoding against them.
//
// ---- Lengths (rdbSaveLen) ----------------------------------------------------
// The top two bits of the first byte say how long the length is:
//
//   00xxxxxx                      6 bits: 0..63              (1 byte)
//   01xxxxxx xxxxxxxx             14 bits, big endian: ..16383 (2 bytes)
//   10000000 + 4 bytes big endian 32 bits                    (5 bytes)
//   10000001 + 8 bytes big endian 64 bits                    (9 bytes)
//   11xxxxxx                      not a length: a special string encoding
//
// Big endian is the odd one out in a little-endian format; it is what Redis
// has written since the first RDB version, so we write it too.
//
// ---- Strings (rdbSaveRawString) -------------------------------------------------
// Redis picks the first of these that applies, in this order:
//   1. at most 11 bytes that spell a canonical integer fitting 32 bits:
//        C0 <int8> | C1 <int16 LE> | C2 <int32 LE>
//      ("12" takes 2 bytes instead of 3; "5000000000" does not fit 32 bits
//      and stays text, as does "007", which is not canonical);
//   2. with rdbcompression on and more than 20 bytes: LZF, if the result
//      fits in length - 4 bytes (so compression must save at least 4):
//        C3 <compressed length> <original length> <LZF bytes>
//   3. <length> <bytes>.
// Keys, values, AUX fields and the listpack/intset blobs of small
// collections all go through this one function, as in Redis.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mini_redis::persistence::rdb {

// Redis compresses only strings longer than this (rdbSaveRawString).
inline constexpr std::size_t kMinCompressedLength = 21;
// Redis tries the integer encodings only on strings this short (the longest
// int32, "-2147483648", has 11 characters).
inline constexpr std::size_t kMaxIntegerEncodedLength = 11;

// Appends `length` in the 1/2/5/9-byte encoding above.
void append_length(std::string& out, std::uint64_t length);

// Appends `value` as 8 bytes, little endian (expire times, the checksum).
void append_u64_le(std::string& out, std::uint64_t value);

// Appends `bytes` as Redis's rdbSaveRawString does (integer, LZF or plain;
// LZF only when `compression`, i.e. rdbcompression yes).
void append_string(std::string& out, std::string_view bytes, bool compression);

// Appends an already-compressed LZF blob (a compressed quicklist node, as
// Redis's rdbSaveLzfBlob does): C3, both lengths, then the bytes.
void append_lzf_blob(std::string& out, std::span<const std::uint8_t> compressed,
                     std::size_t original_size);

// Appends a score as the 8 bytes of an IEEE 754 double, little endian
// (rdbSaveBinaryDoubleValue; RDB 8+ no longer writes scores as text).
void append_binary_double(std::string& out, double value);

// The integer encoding step alone: `bytes` as C0/C1/C2 + value if it is a
// canonical integer of at most 11 characters that fits 32 bits.
[[nodiscard]] bool append_if_small_integer(std::string& out, std::string_view bytes);

}  // namespace mini_redis::persistence::rdb
