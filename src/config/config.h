// Config: the server's settings, and the one table that reads and writes them.
//
// The same parameter table serves three doors: the config file (redis.conf
// syntax), command-line flags (--port 7000) and CONFIG GET / CONFIG SET at run
// time. So a value is parsed and validated in exactly one place, with Redis's
// error texts. Parameters that exist only so that clients find them (save,
// appendonly: redis-benchmark asks for them at start; replication, cluster
// and TLS settings: test suites set them) are stored and reported but change
// nothing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mini_redis::config {

// client-output-buffer-limit <class> <hard> <soft> <soft-seconds>: a client is
// disconnected when its pending replies exceed `hard` bytes, or stay above
// `soft` bytes for `soft_seconds`. Zero disables a limit.
struct OutputBufferLimit {
  std::uint64_t hard_bytes = 0;
  std::uint64_t soft_bytes = 0;
  std::int64_t soft_seconds = 0;
};

// Every parameter of Redis 7.0.15's CONFIG GET * has a field here, so that
// clients and test suites that set parameters at start find them all. Many
// are stored and reported only (mini-redis has no replication, cluster, TLS
// or files yet); each group below says which. Redis's defaults throughout.
struct Config {
  // ---- network ----
  std::string bind = "127.0.0.1";
  int port = 6379;
  std::string unixsocket;
  int unixsocketperm = 0;   // octal; stored only
  int timeout_seconds = 0;  // close idle clients after this long; 0 = never
  int tcp_keepalive = 300;
  int maxclients = 10000;
  // Stored only:
  int tcp_backlog = 511;
  bool protected_mode = true;
  std::string bind_source_addr;
  std::uint64_t socket_mark_id = 0;
  int io_threads = 1;
  bool io_threads_do_reads = false;
  // ---- general ----
  int databases = 16;
  int hz = 10;
  std::string loglevel = "notice";
  std::string logfile;  // empty: standard output
  std::string dir = ".";
  // ---- the process (stored only: mini-redis does not daemonize, log to
  // syslog, set its title, pin threads or adjust its OOM score) ----
  bool daemonize = false;
  std::string supervised = "no";
  std::string pidfile;
  bool syslog_enabled = false;
  std::string syslog_ident = "redis";
  std::string syslog_facility = "local0";
  bool always_show_logo = false;
  bool set_proc_title = true;
  std::string proc_title_template = "{title} {listen-addr} {server-mode}";
  bool dynamic_hz = true;
  bool crash_log_enabled = true;
  bool crash_memcheck_enabled = true;
  bool disable_thp = true;
  bool jemalloc_bg_thread = true;
  std::string oom_score_adj = "no";
  std::array<int, 3> oom_score_adj_values{0, 200, 800};  // primary, replica, background child
  std::string server_cpulist;
  std::string bio_cpulist;
  std::string aof_rewrite_cpulist;
  std::string bgsave_cpulist;
  std::string ignore_warnings;
  int shutdown_timeout = 10;  // seconds to wait for replicas
  // SIGINT / SIGTERM: the bits of config::ShutdownFlag; 0 is "default".
  std::uint32_t shutdown_on_sigint = 0;
  std::uint32_t shutdown_on_sigterm = 0;
  // ---- security and admin (stored only; requirepass is separate work) ----
  std::string enable_protected_configs = "no";
  std::string enable_debug_command = "no";
  std::string enable_module_command = "no";
  std::string aclfile;
  // The default user's password, as in Redis 7: setting it makes the
  // default user "resetpass >password" (or "nopass" when empty); the server
  // applies it (commands/core/acl_user.h). ACL SETUSER default does not
  // change this value.
  std::string requirepass;
  std::uint64_t acllog_max_len = 128;
  std::string acl_pubsub_default = "resetchannels";
  std::string sanitize_dump_payload = "no";
  std::string propagation_error_behavior = "ignore";
  std::int64_t busy_reply_threshold_ms = 5000;  // alias lua-time-limit
  std::int64_t tracking_table_max_keys = 1000000;
  // DEBUG SET-ACTIVE-EXPIRE 0|1: not a parameter (no CONFIG name), Redis's
  // server.active_expire_enabled. Off, the cron's active expiry cycle skips;
  // keys still expire when they are looked up.
  bool active_expire_enabled = true;
  // Debug and test knobs Redis hides from CONFIG GET patterns (stored only).
  bool use_exit_on_panic = false;
  int watchdog_period = 0;
  int rdb_key_save_delay = 0;
  int key_load_delay = 0;
  std::int64_t loading_process_events_interval_bytes = 2 * 1024 * 1024;
  // ---- limits ----
  std::int64_t proto_max_bulk_len = 512LL * 1024 * 1024;  // the largest single argument
  std::uint64_t client_query_buffer_limit = 1024ULL * 1024 * 1024;
  OutputBufferLimit output_limit_normal{};
  OutputBufferLimit output_limit_replica{256ULL << 20, 64ULL << 20, 60};
  OutputBufferLimit output_limit_pubsub{32ULL << 20, 8ULL << 20, 60};
  // ---- memory (reported; no eviction yet) ----
  std::uint64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  int maxmemory_samples = 5;
  int maxmemory_eviction_tenacity = 10;
  std::int64_t maxmemory_clients = 0;  // bytes, or -N for N% of maxmemory
  // The LFU counter's growth and decay (used under the *-lfu policies, by
  // OBJECT FREQ for now; see storage/access_tracking.h).
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;  // minutes
  // Where freeing happens in the background (stored only for now).
  bool lazyfree_lazy_eviction = false;
  bool lazyfree_lazy_expire = false;
  bool lazyfree_lazy_server_del = false;
  bool lazyfree_lazy_user_del = false;
  bool lazyfree_lazy_user_flush = false;
  // Active expiry's effort, 1..10 (stored only for now).
  int active_expire_effort = 1;
  // Incremental rehashing and active defragmentation (stored only).
  bool activerehashing = true;
  bool activedefrag = false;  // Debian's Redis refuses "yes" (no defrag-capable jemalloc)
  std::int64_t active_defrag_ignore_bytes = 100LL << 20;
  int active_defrag_threshold_lower = 10;  // percent of fragmentation
  int active_defrag_threshold_upper = 100;
  int active_defrag_cycle_min = 1;  // percent of CPU
  int active_defrag_cycle_max = 25;
  std::int64_t active_defrag_max_scan_fields = 1000;
  // ---- observability (slowlog.h, latency_histogram.h) ----
  std::int64_t slowlog_log_slower_than_us = 10000;  // negative: off; 0: every command
  std::uint64_t slowlog_max_len = 128;
  bool latency_tracking = true;  // per-command latency histograms
  std::vector<double> latency_tracking_info_percentiles{50.0, 99.0, 99.9};
  std::int64_t latency_monitor_threshold_ms = 0;  // latency monitor (latency_monitor.h); 0: off
  // ---- keyspace notifications (notifications.h) ----
  // The notify::k... bits of notify-keyspace-events; 0, the default, is off.
  std::uint32_t notify_keyspace_events = 0;
  // ---- encodings: when a small value changes to its big encoding ----
  // Redis 7.0's defaults (DESIGN.md, "The value model"). Changes apply to
  // values created or converted later.
  int list_max_listpack_size = -2;  // > 0: entries per node; -1..-5: 4..64 KiB per node
  int list_compress_depth = 0;
  std::int64_t hash_max_listpack_entries = 512;
  std::int64_t hash_max_listpack_value = 64;
  std::int64_t set_max_intset_entries = 512;
  std::int64_t zset_max_listpack_entries = 128;
  std::int64_t zset_max_listpack_value = 64;
  std::int64_t stream_node_max_bytes = 4096;
  std::int64_t stream_node_max_entries = 100;
  std::int64_t hll_sparse_max_bytes = 3000;
  // ---- persistence (reported only: mini-redis keeps no files) ----
  std::string save = "3600 1 300 100 60 10000";
  // redis.conf may hold several "save" lines: the first one read at start-up
  // replaces the defaults, the later ones add to it. This remembers "first".
  bool save_set_at_startup = false;
  std::string dbfilename = "dump.rdb";
  bool rdbcompression = true;
  bool rdbchecksum = true;
  bool rdb_del_sync_files = false;
  bool rdb_save_incremental_fsync = true;
  bool stop_writes_on_bgsave_error = true;
  bool appendonly = false;
  std::string appendfilename = "appendonly.aof";
  std::string appenddirname = "appendonlydir";
  std::string appendfsync = "everysec";
  bool no_appendfsync_on_rewrite = false;
  int auto_aof_rewrite_percentage = 100;
  std::int64_t auto_aof_rewrite_min_size = 64LL << 20;
  bool aof_load_truncated = true;
  bool aof_use_rdb_preamble = true;
  bool aof_rewrite_incremental_fsync = true;
  bool aof_timestamp_enabled = false;
  bool aof_disable_auto_gc = false;
  // ---- replication (stored only: mini-redis has no replicas yet) ----
  std::string replicaof;  // "host port", or empty
  std::string masterauth;
  std::string masteruser;
  bool replica_serve_stale_data = true;
  bool replica_read_only = true;
  bool replica_lazy_flush = false;
  bool replica_ignore_maxmemory = true;
  bool replica_announced = true;
  bool replica_ignore_disk_write_errors = false;
  std::string replica_announce_ip;
  int replica_announce_port = 0;
  int replica_priority = 100;
  bool repl_diskless_sync = true;
  int repl_diskless_sync_delay = 5;
  int repl_diskless_sync_max_replicas = 0;
  std::string repl_diskless_load = "disabled";
  int repl_ping_replica_period = 10;
  int repl_timeout = 60;
  bool repl_disable_tcp_nodelay = false;
  std::int64_t repl_backlog_size = 1024 * 1024;
  std::int64_t repl_backlog_ttl = 3600;
  int min_replicas_to_write = 0;
  int min_replicas_max_lag = 10;
  // ---- cluster (stored only) ----
  bool cluster_enabled = false;
  std::string cluster_config_file = "nodes.conf";
  std::int64_t cluster_node_timeout = 15000;
  int cluster_port = 0;
  std::string cluster_announce_ip;
  std::string cluster_announce_hostname;
  int cluster_announce_port = 0;
  int cluster_announce_bus_port = 0;
  int cluster_announce_tls_port = 0;
  int cluster_replica_validity_factor = 10;
  int cluster_migration_barrier = 1;
  bool cluster_allow_replica_migration = true;
  bool cluster_require_full_coverage = true;
  bool cluster_replica_no_failover = false;
  bool cluster_allow_reads_when_down = false;
  bool cluster_allow_pubsubshard_when_down = true;
  std::uint64_t cluster_link_sendbuf_limit = 0;
  std::string cluster_preferred_endpoint_type = "ip";
  // ---- TLS (stored only: mini-redis speaks plain TCP) ----
  int tls_port = 0;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_key_file_pass;
  std::string tls_client_cert_file;
  std::string tls_client_key_file;
  std::string tls_client_key_file_pass;
  std::string tls_dh_params_file;
  std::string tls_ca_cert_file;
  std::string tls_ca_cert_dir;
  std::string tls_protocols;
  std::string tls_ciphers;
  std::string tls_ciphersuites;
  std::string tls_auth_clients = "yes";
  bool tls_replication = false;
  bool tls_cluster = false;
  bool tls_prefer_server_ciphers = false;
  bool tls_session_caching = true;
  int tls_session_cache_size = 20 * 1024;
  int tls_session_cache_timeout = 300;
};

// shutdown-on-sigint / shutdown-on-sigterm: what a signal's SHUTDOWN does,
// as SHUTDOWN's own options. None of them set is "default".
enum ShutdownFlag : std::uint32_t {
  kShutdownSave = 1,
  kShutdownNosave = 2,
  kShutdownNow = 4,
  kShutdownForce = 8,
};

// Sets `name` (case-insensitive) from its text form, as CONFIG SET and the
// config file do. Returns Redis's error text (without "ERR ") on failure: the
// reason alone, e.g. "argument couldn't be parsed into an integer", which is
// what Redis prints under a bad config-file line (CONFIG SET wraps it in
// "CONFIG SET failed (possibly related to argument 'hz') - ..."). An unknown
// name gives "Bad directive or wrong number of arguments", the config file's
// text. `at_startup` allows the parameters that cannot change at run time
// (port...) and the directives Redis 7.0 still accepts in a config file and
// ignores (list-max-ziplist-entries...); multi-word values (save, bind,
// client-output-buffer-limit) are the words joined by single spaces. Redis's
// older names (list-max-ziplist-size, slave-priority...) work everywhere.
std::optional<std::string> set_config_value(Config& config, std::string_view name,
                                            std::string_view value, bool at_startup);

// A percentile as CONFIG GET latency-tracking-info-percentiles and INFO
// latencystats show it: "%f" with the trailing zeros trimmed ("99.9").
std::string format_percentile(double percentile);

// Every parameter whose name matches the glob `pattern` (case-insensitive),
// an older name counting as a parameter of its own (as in Redis, a pattern
// may list both names) and hidden ones only for their exact name,
// as (name, value) pairs in table order: CONFIG GET.
std::vector<std::pair<std::string, std::string>> get_config_values(const Config& config,
                                                                   std::string_view pattern);

}  // namespace mini_redis::config
