// CONFIG GET / SET / RESETSTAT / HELP, and what a changed setting must do
// to the rest of the server beyond storing a value.
#pragma once

#include "config/config.h"
#include "storage/keyspace.h"

namespace mini_redis::commands {

// The settings storage follows, pushed into the keyspace: maxmemory-policy
// decides what lookups record in each key's access field (LRU seconds or an
// LFU counter, storage/access_tracking.h) and, with maxmemory and its
// samples and tenacity, what eviction does (storage/eviction.h);
// lazyfree-lazy-expire, -server-del and -eviction which implicit deletes
// send big values to the lazy-free thread. Called at start and after every CONFIG SET.
void apply_storage_settings(const config::Config& config, storage::Keyspace& keyspace);

}  // namespace mini_redis::commands
