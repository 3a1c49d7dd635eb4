#include "commands/persistence/rdb_options.h"

#include <algorithm>
#include <string>

#include "commands/hashes/hash_commands.h"
#include "commands/server/info.h"
#include "commands/sorted_sets/sorted_set_commands.h"
#include "storage/eviction.h"
#include "storage/memory.h"

namespace mini_redis::commands {

persistence::RdbWriteOptions rdb_write_options(const config::Config& config,
                                               std::int64_t now_unix_seconds) {
  persistence::RdbWriteOptions options;
  options.compression = config.rdbcompression;
  options.checksum = config.rdbchecksum;
  // The AUX fields Redis 7.0 puts at the top of every file it writes (a
  // replica's file adds replication fields, which we do not have).
  options.aux = {{"redis-ver", std::string(kRedisVersion)},
                 {"redis-bits", "64"},
                 {"ctime", std::to_string(now_unix_seconds)},
                 {"used-mem", std::to_string(storage::allocated_bytes())},
                 {"aof-base", "0"}};
  // Redis's MAXMEMORY_FLAG_LRU / _LFU: the *-lru and *-lfu policies.
  using storage::EvictionPolicy;
  using History = persistence::RdbWriteOptions::AccessHistory;
  switch (storage::parse_eviction_policy(config.maxmemory_policy)
              .value_or(EvictionPolicy::noeviction)) {
    case EvictionPolicy::allkeys_lru:
    case EvictionPolicy::volatile_lru: options.access_history = History::lru_idle; break;
    case EvictionPolicy::allkeys_lfu:
    case EvictionPolicy::volatile_lfu: options.access_history = History::lfu_counter; break;
    default: break;
  }
  return options;
}

persistence::RdbLoadOptions rdb_load_options(const config::Config& config) {
  persistence::RdbLoadOptions options;
  options.hash_limits = hash_limits(config);
  options.zset_limits = sorted_set_limits(config);
  options.set_max_intset_entries =
      static_cast<std::size_t>(std::max<std::int64_t>(config.set_max_intset_entries, 0));
  options.list_max_listpack_size = config.list_max_listpack_size;
  options.list_compress_depth = config.list_compress_depth;
  options.verify_checksum = config.rdbchecksum;
  return options;
}

}  // namespace mini_redis::commands
