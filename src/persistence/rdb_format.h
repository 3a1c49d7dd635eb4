// The numbers of Redis's RDB file format, version 10 (what Redis 7.0 writes
// and reads). A file is:
//
//   "REDIS0010"                       magic and version, 9 ASCII bytes
//   FA <aux name> <aux value>         any number of AUX fields (redis-ver, ...)
//   FE <db index>                     SELECTDB, then for that database:
//   FB <table size> <expires size>    RESIZEDB: hints for the table sizes
//   [FC <8-byte ms, little endian>]   an expire time, for the key that follows
//   <type> <key> <value>              one key; the type byte says how the value
//                                     is encoded (see the kType* below)
//   ...                               more keys, more SELECTDBs
//   FF <8-byte CRC64, little endian>  EOF and the checksum of all bytes before
//                                     it (zero when rdbchecksum is off)
//
// Lengths use a 1/2/5/9-byte encoding whose top two bits say which
// (kLength*); a string is a length and its bytes, or, when the top bits are
// 11, a special encoding: a small integer (kEncodingInt*) or an LZF-compressed
// blob (kEncodingLzf). DUMP's payload is one <type> <value> followed by the
// RDB version (2 bytes) and the CRC64 of both (8 bytes), little endian.
#pragma once

#include <cstdint>
#include <string_view>

namespace mini_redis::persistence::rdb {

inline constexpr std::string_view kMagic = "REDIS";
inline constexpr int kVersion = 10;  // the version Redis 7.0 writes

// Opcodes: bytes that stand where a type byte would, and mean something else.
inline constexpr std::uint8_t kOpFunction2 = 245;    // a function library (FUNCTION LOAD)
inline constexpr std::uint8_t kOpModuleAux = 247;    // module data, not for a key
inline constexpr std::uint8_t kOpIdle = 248;         // LRU idle seconds of the next key
inline constexpr std::uint8_t kOpFreq = 249;         // LFU counter of the next key
inline constexpr std::uint8_t kOpAux = 250;          // an AUX field: two strings
inline constexpr std::uint8_t kOpResizeDb = 251;     // table and expires sizes
inline constexpr std::uint8_t kOpExpireTimeMs = 252; // 8-byte expire time in ms
inline constexpr std::uint8_t kOpExpireTime = 253;   // 4-byte expire time in s (old files)
inline constexpr std::uint8_t kOpSelectDb = 254;     // the database of the keys that follow
inline constexpr std::uint8_t kOpEof = 255;          // end, then the checksum

// Value types. Redis 7.0 writes the ones marked "written"; the others are
// older encodings that a file from an older Redis may still hold.
inline constexpr std::uint8_t kTypeString = 0;            // written
inline constexpr std::uint8_t kTypeList = 1;              // old: plain list of strings
inline constexpr std::uint8_t kTypeSet = 2;               // written: a set as a hash table
inline constexpr std::uint8_t kTypeZset = 3;              // old: scores as text
inline constexpr std::uint8_t kTypeHash = 4;              // written: a hash as a hash table
inline constexpr std::uint8_t kTypeZset2 = 5;             // written: scores as binary doubles
inline constexpr std::uint8_t kTypeModule2 = 7;           // module value: not supported
inline constexpr std::uint8_t kTypeHashZipmap = 9;        // old
inline constexpr std::uint8_t kTypeListZiplist = 10;      // old
inline constexpr std::uint8_t kTypeSetIntset = 11;        // written: an intset blob
inline constexpr std::uint8_t kTypeZsetZiplist = 12;      // old
inline constexpr std::uint8_t kTypeHashZiplist = 13;      // old
inline constexpr std::uint8_t kTypeListQuicklist = 14;    // old: quicklist of ziplists
inline constexpr std::uint8_t kTypeStreamListpacks = 15;  // stream (not yet a type here)
inline constexpr std::uint8_t kTypeHashListpack = 16;     // written: a listpack blob
inline constexpr std::uint8_t kTypeZsetListpack = 17;     // written: a listpack blob
inline constexpr std::uint8_t kTypeListQuicklist2 = 18;   // written: quicklist of listpacks
inline constexpr std::uint8_t kTypeStreamListpacks2 = 19; // stream, 7.0 form

// A quicklist node in kTypeListQuicklist2 says how it is stored.
inline constexpr std::uint8_t kQuicklistNodePlain = 1;   // one big element as a string
inline constexpr std::uint8_t kQuicklistNodePacked = 2;  // a listpack blob

// The length encoding: the top two bits of the first byte.
inline constexpr std::uint8_t kLength6Bit = 0;     // 00xxxxxx: length < 64
inline constexpr std::uint8_t kLength14Bit = 1;    // 01xxxxxx xxxxxxxx: < 16384
inline constexpr std::uint8_t kLength32Bit = 0x80; // then 4 bytes, big endian
inline constexpr std::uint8_t kLength64Bit = 0x81; // then 8 bytes, big endian
inline constexpr std::uint8_t kLengthSpecial = 3;  // 11xxxxxx: an encoded string

// With kLengthSpecial, the low six bits say which encoding follows.
inline constexpr std::uint8_t kEncodingInt8 = 0;   // 1 byte, signed
inline constexpr std::uint8_t kEncodingInt16 = 1;  // 2 bytes, little endian
inline constexpr std::uint8_t kEncodingInt32 = 2;  // 4 bytes, little endian
inline constexpr std::uint8_t kEncodingLzf = 3;    // compressed length, length, LZF bytes

}  // namespace mini_redis::persistence::rdb
