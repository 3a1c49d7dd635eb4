// One value of an RDB file or DUMP payload, decoded into an Entry: Redis
// 7.0's rdbLoadObject. The file reader (rdb_reader.cpp) calls it once per key,
// RESTORE once per payload.
//
// How each type byte is read (lengths and strings as in rdb_input.h):
//
//   0  string         <string>
//   1  list (old)     <count> <string>...                 pushed one by one
//   2  set            <count> <member>...                 built as SADD would
//   3  zset (old)     <count> (<member> <text score>)...
//   4  hash           <count> (<field> <value>)...        built as HSET would
//   5  zset2          <count> (<member> <8-byte double>)...
//  11  intset         <string: the intset block>          validated, then added
//  16  hash listpack  <string: the listpack>              validated, kept
//  17  zset listpack  <string: the listpack>              validated, re-sorted
//  18  quicklist2     <count> (<container> <string>)...   1 = one plain element,
//                                                         2 = a listpack node
//  15  stream (5/6)   as 19 without the 7.0 counters      rdb_stream.h
//  19  stream         nodes, counters, groups, PELs        rdb_stream.h, checked deeply
//
// Redis writes a set/hash/zset from its hashtable or skiplist in whatever
// order that holds them; loading builds the value with the same rules as the
// commands (types/), so the encoding comes out as Redis's rdbLoadObject
// converts it, and every member is checked for duplicates on the way.
#pragma once

#include <cstdint>
#include <string_view>

#include "persistence/rdb_input.h"
#include "persistence/rdb_reader.h"
#include "storage/entry.h"

namespace mini_redis::persistence {

// True for the type bytes that can start a value (Redis's rdbIsObjectType:
// 0..7 and 9..19), whether or not we can load them.
bool is_value_type(std::uint8_t type);

// Decodes the value of type `type` that starts at `in`'s position, as an
// entry named `key` (no TTL). Returns null either with `in` failed (the value
// is malformed or of a type we refuse) or with `in` still ok (the value was
// empty: Redis 7.0 drops such keys when loading, and RESTORE refuses them).
storage::EntryPtr decode_value(RdbInput& in, std::uint8_t type, std::string_view key,
                               const RdbLoadOptions& options);

}  // namespace mini_redis::persistence
