// ServerStats: counters and facts about the running server, for INFO.
//
// The server fills in the facts at start-up and bumps the counters as things
// happen; the dispatcher counts commands. Keyspace counters (hits, misses,
// expired keys) live in storage::KeyspaceStats instead, next to the code
// that produces them.
//
// Per-command counters, error counts by code and the slowlog are here too
// (command_stats.h, slowlog.h): the dispatcher fills them, INFO, LATENCY and
// SLOWLOG read them.
#pragma once

#include <cstdint>
#include <string>

#include "common/stopwatch.h"
#include "observability/command_stats.h"
#include "observability/instantaneous_metrics.h"
#include "observability/latency_monitor.h"
#include "observability/slowlog.h"

namespace mini_redis::observability {

// The RDB snapshot's state, for LASTSAVE, INFO persistence and the save
// points (server/snapshots.h keeps it up to date).
struct PersistenceStats {
  // Writes since the last successful save (Redis's server.dirty): every
  // keyspace event of a write counts one, and the save points compare it
  // with their "changes".
  std::uint64_t dirty = 0;
  // dirty when the running BGSAVE forked: what its success takes away.
  std::uint64_t dirty_at_fork = 0;
  std::int64_t last_save_unix = 0;         // LASTSAVE; the start time until a save
  bool last_bgsave_ok = true;              // rdb_last_bgsave_status
  std::int64_t last_bgsave_seconds = -1;   // rdb_last_bgsave_time_sec
  std::int64_t bgsave_started_ms = -1;     // while a child runs (rdb_current_bgsave_time_sec)
  std::int64_t last_bgsave_try_ms = 0;     // a failed BGSAVE is retried after 5 s, not at once
  int child_pid = -1;                      // the BGSAVE child, -1 for none
  bool bgsave_scheduled = false;           // BGSAVE SCHEDULE while one ran
  std::uint64_t saves = 0;                 // rdb_saves: successful saves since start
  std::int64_t last_fork_usec = 0;         // latest_fork_usec
  double fork_rate_gb_per_s = 0;           // memory copied per second by it (LATENCY DOCTOR)
  std::uint64_t forks = 0;                 // total_forks: BGSAVE and BGREWRITEAOF children
  // The running child's reports (server/child_info.h): copy-on-write so
  // far, its peak, when it last reported, and keys written out of the
  // total it started with. Back to 0 when the child ends.
  std::uint64_t current_cow_size = 0;
  std::uint64_t current_cow_peak = 0;
  std::int64_t current_cow_updated_ms = 0;
  std::uint64_t current_save_keys_processed = 0;
  std::uint64_t current_save_keys_total = 0;
  std::uint64_t rdb_last_cow_size = 0;     // the last BGSAVE child's final copy-on-write
  std::uint64_t aof_last_cow_size = 0;     // the last BGREWRITEAOF child's
  std::uint64_t last_load_keys = 0;        // rdb_last_load_keys_loaded
  std::uint64_t last_load_expired = 0;     // rdb_last_load_keys_expired
  [[nodiscard]] bool child_running() const { return child_pid > 0; }

  // The append-only file (server/append_only_file.h keeps these current).
  bool aof_enabled = false;
  int aof_child_pid = -1;                  // the BGREWRITEAOF child, -1 for none
  bool aof_rewrite_scheduled = false;      // BGREWRITEAOF while a BGSAVE ran
  bool aof_last_rewrite_ok = true;
  bool aof_last_write_ok = true;
  // The errno of the AOF write or `everysec` fsync that failed, 0 while
  // they succeed: writes are refused with MISCONF meanwhile, as in Redis.
  int aof_write_errno = 0;
  std::int64_t aof_last_rewrite_seconds = -1;
  std::int64_t aof_rewrite_started_ms = -1;
  std::uint64_t aof_rewrites = 0;
  std::uint64_t aof_current_size = 0;
  std::uint64_t aof_base_size = 0;
  std::uint64_t aof_buffer_length = 0;
  bool aof_fsync_pending = false;
  [[nodiscard]] bool aof_child_running() const { return aof_child_pid > 0; }
  [[nodiscard]] bool any_child_running() const { return child_running() || aof_child_running(); }
};

struct ServerStats {
  // ---- facts, set once at start-up ----
  std::string run_id;       // 40 hex characters, random per start
  std::string executable;   // absolute path of the binary
  std::string config_file;  // absolute path, or "" when none
  std::int64_t process_id = 0;
  int tcp_port = 0;
  std::int64_t start_time_ms = 0;
  std::size_t startup_allocated_bytes = 0;  // used memory before loading data (MEMORY STATS)

  // The most memory ever in use (MEMORY STATS peak.allocated), sampled by the
  // cron and by MEMORY STATS itself, as Redis samples stat_peak_memory.
  std::size_t peak_allocated_bytes = 0;
  void note_memory_use(std::size_t used) {
    if (used > peak_allocated_bytes) peak_allocated_bytes = used;
  }

  // ---- counters (reset by CONFIG RESETSTAT) ----
  std::uint64_t total_connections_received = 0;
  std::uint64_t total_commands_processed = 0;
  std::uint64_t rejected_connections = 0;
  std::uint64_t total_net_input_bytes = 0;
  std::uint64_t total_net_output_bytes = 0;
  std::uint64_t total_error_replies = 0;
  std::uint64_t client_output_buffer_limit_disconnections = 0;
  std::uint64_t client_query_buffer_limit_disconnections = 0;
  CommandStatsTable commands;          // INFO commandstats, latencystats; LATENCY HISTOGRAM
  ErrorStats errors;                   // INFO errorstats
  InstantaneousMetrics instantaneous;  // sampled by the server's cron

  // ---- not counters: CONFIG RESETSTAT leaves them, as Redis leaves the slowlog ----
  Slowlog slowlog;
  LatencyMonitor latency_monitor;  // LATENCY LATEST/HISTORY/...; RESETSTAT keeps it too
  PersistenceStats persistence;
  Stopwatch stopwatch;  // times each command (common/stopwatch.h says why not steady_clock)

  void reset_counters() {
    total_connections_received = 0;
    total_commands_processed = 0;
    rejected_connections = 0;
    total_net_input_bytes = 0;
    total_net_output_bytes = 0;
    total_error_replies = 0;
    client_output_buffer_limit_disconnections = 0;
    client_query_buffer_limit_disconnections = 0;
    commands.clear();
    errors.clear();
    instantaneous = InstantaneousMetrics{};
  }
};

}  // namespace mini_redis::observability
