// The parameters of the data: memory and eviction, lazy freeing, active
// expiry and defragmentation, and the thresholds at which each type leaves
// its small encoding (DESIGN.md, "The value model"). The encoding rows keep
// Redis 7.0's older names as aliases (the *-ziplist-* of Redis 6), which
// clients and redis.conf files still use.
#include <array>

#include "common/ascii.h"
#include "config/config_parameters.h"

namespace mini_redis::config {

namespace {

constexpr std::array<Choice, 8> kEvictionPolicies{{{"volatile-lru"},
                                                   {"volatile-lfu"},
                                                   {"volatile-random"},
                                                   {"volatile-ttl"},
                                                   {"allkeys-lru"},
                                                   {"allkeys-lfu"},
                                                   {"allkeys-random"},
                                                   {"noeviction"}}};

// Debian's redis-server is built without a defragmenting allocator, so it
// refuses "yes" with this text, and so do we.
SetResult check_activedefrag(const Config& /*config*/, std::string_view value) {
  if (!equals_ignore_case(value, "yes")) return std::nullopt;
  return "Active defragmentation cannot be enabled: it requires a Redis server compiled with a "
         "modified Jemalloc like the one shipped by default with the Redis source distribution";
}

const std::array kDataParameters{
    // memory and eviction (reported; no eviction yet)
    memory("maxmemory", &Config::maxmemory, 0, kAnyUint64),
    choice("maxmemory-policy", &Config::maxmemory_policy, kEvictionPolicies),
    integer("maxmemory-samples", &Config::maxmemory_samples, 1, kIntMax),
    integer("maxmemory-eviction-tenacity", &Config::maxmemory_eviction_tenacity, 0, 100),
    // Bytes or a percentage of maxmemory, at most 100%.
    number("maxmemory-clients", &Config::maxmemory_clients,
           {-100, kLongLongMax, Units::memory_or_percent}),
    integer("lfu-log-factor", &Config::lfu_log_factor, 0, kIntMax),
    integer("lfu-decay-time", &Config::lfu_decay_time, 0, kIntMax),
    // lazy freeing and active expiry: stored, no effect yet
    yes_no("lazyfree-lazy-eviction", &Config::lazyfree_lazy_eviction),
    yes_no("lazyfree-lazy-expire", &Config::lazyfree_lazy_expire),
    yes_no("lazyfree-lazy-server-del", &Config::lazyfree_lazy_server_del),
    yes_no("lazyfree-lazy-user-del", &Config::lazyfree_lazy_user_del),
    yes_no("lazyfree-lazy-user-flush", &Config::lazyfree_lazy_user_flush),
    integer("active-expire-effort", &Config::active_expire_effort, 1, 10),
    // rehashing and active defragmentation: stored, no effect
    yes_no("activerehashing", &Config::activerehashing),
    yes_no("activedefrag", &Config::activedefrag).checked_by(check_activedefrag),
    memory("active-defrag-ignore-bytes", &Config::active_defrag_ignore_bytes, 1, kLongLongMax),
    integer("active-defrag-threshold-lower", &Config::active_defrag_threshold_lower, 0, 1000),
    integer("active-defrag-threshold-upper", &Config::active_defrag_threshold_upper, 0, 1000),
    integer("active-defrag-cycle-min", &Config::active_defrag_cycle_min, 1, 99),
    integer("active-defrag-cycle-max", &Config::active_defrag_cycle_max, 1, 99),
    integer("active-defrag-max-scan-fields", &Config::active_defrag_max_scan_fields, 1,
            kLongLongMax),
    // encodings: lists and hashes use them; sets, sorted sets, streams and
    // HyperLogLogs will
    integer("list-max-listpack-size", &Config::list_max_listpack_size, kIntMin, kIntMax)
        .also_named("list-max-ziplist-size"),
    integer("list-compress-depth", &Config::list_compress_depth, 0, kIntMax),
    integer("hash-max-listpack-entries", &Config::hash_max_listpack_entries, 0, kLongLongMax)
        .also_named("hash-max-ziplist-entries"),
    memory("hash-max-listpack-value", &Config::hash_max_listpack_value, 0, kLongLongMax)
        .also_named("hash-max-ziplist-value"),
    integer("set-max-intset-entries", &Config::set_max_intset_entries, 0, kLongLongMax),
    integer("zset-max-listpack-entries", &Config::zset_max_listpack_entries, 0, kLongLongMax)
        .also_named("zset-max-ziplist-entries"),
    memory("zset-max-listpack-value", &Config::zset_max_listpack_value, 0, kLongLongMax)
        .also_named("zset-max-ziplist-value"),
    memory("stream-node-max-bytes", &Config::stream_node_max_bytes, 0, kLongLongMax),
    integer("stream-node-max-entries", &Config::stream_node_max_entries, 0, kLongLongMax),
    memory("hll-sparse-max-bytes", &Config::hll_sparse_max_bytes, 0, kLongLongMax),
};

}  // namespace

std::span<const Parameter> data_parameters() {
  return kDataParameters;
}

}  // namespace mini_redis::config
