// The RDB reader: the bytes of an RDB file (or of one DUMP payload) in, keys
// and values out. What it is: Redis 7.0.15's rdbLoad and RESTORE decoding,
// pure bytes -> keyspace, no files and no sockets (the server reads the file
// and hands us its bytes). What it is not: the writer (rdb_writer.h) nor the
// commands (DEBUG RELOAD, RESTORE's argument parsing live in commands/).
//
// ---- What a file holds (rdb_format.h draws the whole layout) ----------------
//
//   "REDIS0010"                  magic and a 4-digit version: 1..10 are read;
//                                11 and up are refused, as Redis 7.0 does
//                                ("Can't handle RDB format version 11")
//   FA name value                AUX fields (redis-ver, ctime...): collected
//   FE db                        SELECTDB: the database of the keys that follow
//   FB size expires              RESIZEDB: hints only, never trusted for sizing
//   FC ms | FD s                 the expire time of the next key
//   F8 idle | F9 freq            the LRU / LFU hint of the next key: skipped
//   <type> <key> <value>         one key
//   FF crc64                     EOF, then the checksum of everything before
//
// Values come in the encodings Redis 7.0 writes (string, set, hash, zset2,
// intset, hash/zset listpack, quicklist2) and a few cheap older ones (the
// plain list, the text-score zset). Redis 6's ziplist encodings (types 10,
// 12, 13, 14), the zipmap (9), modules (7, MODULE_AUX) and streams (15, 19)
// are refused with a message that names them. Function libraries (FUNCTION2)
// are collected as text for the caller to load (RdbLoadStats).
//
// A loaded value takes the encoding Redis would give it after loading with
// our limits (rdbLoadObject converts as it loads): a hash written as a
// hashtable but holding 2 fields becomes a listpack; a listpack hash with more
// fields than hash-max-listpack-entries becomes a hashtable.
//
// ---- Untrusted input ----------------------------------------------------------
//
// A file may be truncated or corrupt, a RESTORE payload hostile. Every length
// is checked against the bytes that remain before anything is read or sized
// from it; every embedded blob (listpack, intset) is validated in full; a
// member twice in a set, a field twice in a hash, a NaN score, and an empty
// intset are refused. Malformed input gives an error text, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/entry.h"
#include "storage/keyspace.h"
#include "types/hash.h"
#include "types/quicklist.h"
#include "types/sorted_set.h"

namespace mini_redis::persistence {

struct RdbLoadOptions {
  // The encodings' conversion limits from CONFIG, so that a loaded value takes
  // the encoding Redis would give it after loading.
  types::HashLimits hash_limits;
  types::SortedSetLimits zset_limits;
  std::size_t set_max_intset_entries = 512;
  // list-max-listpack-size and list-compress-depth: a loaded list keeps the
  // file's nodes as they are (Redis does not re-split them) and compresses
  // the inner ones to this depth.
  int list_max_listpack_size = types::Quicklist::kDefaultFill;
  int list_compress_depth = 0;
  // rdbchecksum: check the file's CRC64. A stored zero means "written with
  // rdbchecksum no" and is accepted unchecked, as Redis does. (RESTORE always
  // checks its payload's CRC; this option does not apply to it.)
  bool verify_checksum = true;
};

struct RdbLoadStats {
  std::size_t keys_loaded = 0;
  std::size_t keys_expired = 0;  // skipped: their time had passed
  std::size_t empty_keys_skipped = 0;  // an empty list/set/hash/zset, dropped as Redis 7.0 does
  std::vector<std::pair<std::string, std::string>> aux;  // the AUX fields, in file order
  // The codes of the function libraries (FUNCTION2), in file order: the
  // caller loads them into its function engine.
  std::vector<std::string> function_libraries;
  // Where the RDB data ended (after its checksum): an AOF base file written
  // by Redis 6 goes on with commands from there.
  std::size_t bytes_read = 0;
};

// Loads a whole RDB file into `keyspace`. A key whose expire time is before
// `now_ms` is skipped and counted (Redis does that when loading as a master;
// a key expiring at now_ms exactly is still alive, as keyIsExpired says). A
// key already present is replaced (as DEBUG RELOAD does). On malformed input,
// returns an error naming the byte offset; the keys loaded before it stay in
// `keyspace`, which the caller then discards.
std::expected<RdbLoadStats, std::string> load_rdb(std::string_view file,
                                                  storage::Keyspace& keyspace,
                                                  std::int64_t now_ms,
                                                  const RdbLoadOptions& options);

// RESTORE's decoding: checks the DUMP payload's footer (RDB version <= 10 as 2
// bytes little endian, then the CRC64 of everything before it, little endian)
// and decodes its <type><value> into a new entry named `key`, with no TTL.
// The errors are Redis 7.0.15's texts: kDumpPayloadError for the footer,
// kBadDataFormatError for a value that does not decode.
std::expected<storage::EntryPtr, std::string> restore_payload(std::string_view key,
                                                             std::string_view payload,
                                                             const RdbLoadOptions& options);

inline constexpr std::string_view kDumpPayloadError = "ERR DUMP payload version or checksum are wrong";
inline constexpr std::string_view kBadDataFormatError = "ERR Bad data format";

}  // namespace mini_redis::persistence
