// The RDB codec's settings, read from the configuration: what the server
// passes to persistence/ when it saves or loads (server/snapshots.cpp) and
// what DUMP and RESTORE use.
#pragma once

#include <cstdint>

#include "config/config.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"

namespace mini_redis::commands {

// rdbcompression, rdbchecksum, and the AUX fields Redis 7.0 writes first.
persistence::RdbWriteOptions rdb_write_options(const config::Config& config,
                                               std::int64_t now_unix_seconds);

// The encodings' limits (hash-max-listpack-entries...), so that a loaded
// value takes the encoding Redis would give it; rdbchecksum.
persistence::RdbLoadOptions rdb_load_options(const config::Config& config);

}  // namespace mini_redis::commands
