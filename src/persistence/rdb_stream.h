// A stream in an RDB file or DUMP payload: Redis 7.0's RDB_TYPE_STREAM_LISTPACKS_2
// (type 19), and, for loading only, the older RDB_TYPE_STREAM_LISTPACKS (15)
// of Redis 5 and 6. The value, after its type byte (and key), is:
//
//   <node count>
//     per node:  <master ID: a 16-byte string, ms then seq, big endian>
//                <the node's listpack as a string>        (stream.h draws it)
//   <length>  <last ID ms> <last ID seq>
//   <first ID ms> <first ID seq>                          \  type 19 only
//   <max deleted ID ms> <max deleted ID seq>               > (Redis 7.0's
//   <entries added>                                       /   lag counters)
//   <group count>
//     per group: <name> <last delivered ms> <last delivered seq>
//                <entries read>                           type 19 only; -1 (as an
//                                                         unsigned 64-bit length)
//                                                         when unknown
//                <PEL count>
//                  per entry: <16 raw bytes: the ID, big endian, no length>
//                             <delivery time ms, 8 bytes LE> <delivery count>
//                <consumer count>
//                  per consumer: <name> <seen time ms, 8 bytes LE>
//                                <PEL count> <16 raw bytes>... (IDs only: the
//                                metadata is in the group PEL above)
//
// Every number not marked otherwise is an RDB length (rdb_format.h). Strings
// go through the usual string encoding, so a node listpack longer than 20
// bytes is LZF-compressed when rdbcompression is on, as Redis's
// rdbSaveRawString does.
#pragma once

#include <string>
#include <string_view>

#include "persistence/rdb_input.h"
#include "storage/entry.h"
#include "types/stream.h"

namespace mini_redis::persistence {

// Appends the value (no type byte) in type 19's layout.
void append_stream_value(std::string& out, const types::Stream& stream, bool compression);

// Reads a value of type 19 (`listpacks2`) or 15. Validates everything a
// hostile payload could get wrong, as Redis's deep sanitization does: every
// node's listpack and its stream layout, IDs in order across nodes, the
// counters against the entries, group and consumer names unique, and each
// consumer's pending IDs present (once) in its group's PEL, every PEL entry
// owned. A bad value fails `in`; an empty result cannot happen (an empty
// stream is a valid value).
storage::EntryPtr decode_stream(RdbInput& in, std::string_view key, bool listpacks2);

}  // namespace mini_redis::persistence
