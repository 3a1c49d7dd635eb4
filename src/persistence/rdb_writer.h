// The RDB writer: a keyspace to the bytes of an RDB version 10 file, the
// format Redis 7.0 writes for SAVE, BGSAVE and full resyncs, and DUMP's
// payload of one value. rdb_format.h draws the file; rdb_encoding.h the
// lengths and strings inside it. This file decides what goes where:
//
//   "REDIS0010"
//   FA name value ...                       the caller's AUX fields, in order
//   for each database that has keys:
//     FE <index>  FB <keys> <keys with a TTL>
//     [FC <expire ms, 8 bytes LE>] <type> <key> <value>     per live key
//   FF <CRC64 of everything before, 8 bytes LE, or 8 zero bytes>
//
// Each value is written in the encoding it has in memory, with the type
// byte Redis 7.0 uses for that encoding, so loading it back needs no
// conversion (Redis's rdbSaveObject):
//
//   string                    0   the string (integer / LZF / plain)
//   list (quicklist)         18   node count, then per node: 2 ("packed") and
//                                 its listpack as a string, or the LZF blob a
//                                 compressed node already holds
//   hash, listpack           16   the listpack's bytes as one string
//   hash, hashtable           4   pair count, then field, value, field...
//   set, intset              11   the intset's bytes as one string
//   set, hashtable            2   member count, then the members
//   zset, listpack           17   the listpack's bytes as one string
//   zset, skiplist            5   count, then member + 8-byte LE double, from
//                                 the highest score to the lowest (a loader
//                                 inserting in that order always inserts at
//                                 the head, Redis's comment in rdbSaveObject)
//   stream                   19   nodes (master ID + listpack), counters,
//                                 groups with their PELs and consumers
//                                 (rdb_stream.h draws it)
//
// A listpack or an intset is already a flat block in exactly Redis's byte
// format, so small collections are copied out whole, without a loop.
//
// The writer reads and never changes the keyspace: it runs in a forked
// child for BGSAVE (where a change would only touch copied pages, but a
// deletion would still be wrong) and in the server itself for SAVE, where
// an expired key skipped here must stay for expiry to count and report.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/entry.h"
#include "storage/keyspace.h"

namespace mini_redis::persistence {

struct RdbWriteOptions {
  bool compression = true;  // rdbcompression: LZF for strings longer than 20 bytes, as Redis
  bool checksum = true;     // rdbchecksum: CRC64 at the end, else 8 zero bytes
  // AUX fields written after the header, in order (the server passes
  // redis-ver 7.0.15, redis-bits 64, ctime, used-mem, aof-base 0, as Redis
  // 7.0 does).
  std::vector<std::pair<std::string, std::string>> aux;
  // The function libraries' codes (FUNCTION LOAD), written after the AUX
  // fields as FUNCTION2 opcodes, each followed by its code as a string.
  std::vector<std::string> function_libraries;
  // Under an LRU or LFU maxmemory-policy Redis writes each key's access
  // history before it (opcode IDLE: idle seconds; FREQ: the LFU counter),
  // so that eviction after a restart still knows which keys are cold.
  enum class AccessHistory { none, lru_idle, lfu_counter };
  AccessHistory access_history = AccessHistory::none;
  // Called after each key is written: a BGSAVE child counts keys and
  // reports its progress through it (server/child_info.h).
  std::function<void()> after_each_key;
};

// Receives the file in chunks, in order: each is at least kRdbChunkBytes
// (one key past it, so a single huge value makes one huge chunk) except the
// last. Returns false on a write error.
using RdbSink = std::function<bool(std::string_view)>;

// How much the writer buffers before handing bytes to the sink: big enough
// that the sink (a write(2) in the server) is called rarely, small enough to
// stay in the CPU caches.
inline constexpr std::size_t kRdbChunkBytes = 64 * 1024;

// Writes every database of `keyspace` that has keys: SELECTDB, RESIZEDB,
// then each live key (one whose expire time has passed, now_ms > expire,
// is skipped) with its expire (FC, ms) and its value. Does not modify the
// keyspace: no passive expiry, no access-time updates. Returns false as soon
// as the sink fails; the sink is not called again after that.
bool write_rdb(storage::Keyspace& keyspace, std::int64_t now_ms, const RdbWriteOptions& options,
               const RdbSink& sink);

// DUMP's payload of one value: <type byte><value>, the RDB version as 2
// bytes LE (10), then the CRC64 of all that, 8 bytes LE. Byte for byte what
// Redis 7.0.15's DUMP returns for the same value in the same encoding;
// `compression` is rdbcompression, which Redis's DUMP follows too.
std::string dump_payload(const storage::Entry& entry, bool compression);

}  // namespace mini_redis::persistence
