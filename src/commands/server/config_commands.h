// CONFIG GET / SET / RESETSTAT / HELP, and what a changed setting must do
// to the rest of the server beyond storing a value.
#pragma once

#include "config/config.h"
#include "storage/keyspace.h"

namespace mini_redis::commands {

// maxmemory-policy decides what lookups record in each key's access field:
// LRU seconds or an LFU counter (storage/access_tracking.h). Called at start
// and after every CONFIG SET.
void apply_access_tracking(const config::Config& config, storage::Keyspace& keyspace);

}  // namespace mini_redis::commands
