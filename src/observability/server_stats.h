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
#include "observability/slowlog.h"

namespace mini_redis::observability {

struct ServerStats {
  // ---- facts, set once at start-up ----
  std::string run_id;       // 40 hex characters, random per start
  std::string executable;   // absolute path of the binary
  std::string config_file;  // absolute path, or "" when none
  std::int64_t process_id = 0;
  int tcp_port = 0;
  std::int64_t start_time_ms = 0;

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
