// The dataset as commands: what an AOF rewrite writes as the base file when
// `aof-use-rdb-preamble` is `no` (Redis's rewriteAppendOnlyFileRio).
//
// Replaying the file on an empty server rebuilds every library of functions
// and every live key:
//
//   FUNCTION LOAD <code>                         per library, first
//   SELECT <db>                                  per database that has keys
//   SET k v | RPUSH k e... | SADD k m... | HMSET k f v... | ZADD k s m...
//   XADD k id f v... XSETID ... XGROUP ... XCLAIM ... (a stream: see write_stream)
//   PEXPIREAT k <ms>                             when the key has a TTL
//
// A collection goes out in commands of at most 64 elements (Redis's
// AOF_REWRITE_ITEMS_PER_CMD), so that loading never builds one huge
// argument vector. Scores are written as "%.17g", enough digits to give back
// the same double. The file is plain RESP, as every incr file is, so the
// loader needs nothing new for it.
//
// Like the RDB writer, this reads and never changes the keyspace: it runs in
// the forked rewrite child.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "persistence/rdb_writer.h"
#include "storage/keyspace.h"

namespace mini_redis::persistence {

inline constexpr std::size_t kAofItemsPerCommand = 64;

// Writes the commands through `sink` (the RDB writer's chunked sink). False
// when the sink fails, or when a key's type has no command form here yet
// (`error` then names it): a rewrite that would drop a key must fail, not
// succeed with less data.
bool write_aof_commands(storage::Keyspace& keyspace, std::int64_t now_ms,
                        std::span<const std::string> function_libraries, const RdbSink& sink,
                        std::string& error);

}  // namespace mini_redis::persistence
