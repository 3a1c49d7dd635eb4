// Config: the server's settings, and the one table that reads and writes them.
//
// The same parameter table serves three doors: the config file (redis.conf
// syntax), command-line flags (--port 7000) and CONFIG GET / CONFIG SET at run
// time. So a value is parsed and validated in exactly one place, with Redis's
// error texts. Parameters that exist only so that clients find them (save,
// appendonly: redis-benchmark asks for them at start) are stored and reported
// but change nothing.
#pragma once

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

struct Config {
  // ---- network ----
  std::string bind = "127.0.0.1";
  int port = 6379;
  std::string unixsocket;
  int timeout_seconds = 0;  // close idle clients after this long; 0 = never
  int tcp_keepalive = 300;
  int maxclients = 10000;
  // ---- general ----
  int databases = 16;
  int hz = 10;
  std::string loglevel = "notice";
  std::string logfile;  // empty: standard output
  std::string dir = ".";
  // ---- limits ----
  std::int64_t proto_max_bulk_len = 512LL * 1024 * 1024;  // the largest single argument
  std::uint64_t client_query_buffer_limit = 1024ULL * 1024 * 1024;
  OutputBufferLimit output_limit_normal{};
  OutputBufferLimit output_limit_replica{256ULL << 20, 64ULL << 20, 60};
  OutputBufferLimit output_limit_pubsub{32ULL << 20, 8ULL << 20, 60};
  // ---- memory (reported; no eviction yet) ----
  std::uint64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  // The LFU counter's growth and decay (used under the *-lfu policies, by
  // OBJECT FREQ for now; see storage/access_tracking.h).
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;  // minutes
  // ---- observability (slowlog.h, latency_histogram.h) ----
  std::int64_t slowlog_log_slower_than_us = 10000;  // negative: off; 0: every command
  std::uint64_t slowlog_max_len = 128;
  bool latency_tracking = true;  // per-command latency histograms
  std::vector<double> latency_tracking_info_percentiles{50.0, 99.0, 99.9};
  // ---- keyspace notifications (notifications.h) ----
  // The notify::k... bits of notify-keyspace-events; 0, the default, is off.
  std::uint32_t notify_keyspace_events = 0;
  // The small encodings of lists and hashes (Redis 7.0's defaults; see
  // storage/object.h). Changes apply to values created or converted later.
  int list_max_listpack_size = -2;  // > 0: entries per node; -1..-5: 4..64 KiB per node
  int list_compress_depth = 0;
  std::int64_t hash_max_listpack_entries = 512;
  std::int64_t hash_max_listpack_value = 64;
  // ---- persistence (reported only: mini-redis keeps no files) ----
  std::string save = "3600 1 300 100 60 10000";
  std::string appendonly = "no";
  // redis.conf may hold several "save" lines: the first one read at start-up
  // replaces the defaults, the later ones add to it. This remembers "first".
  bool save_set_at_startup = false;
};

// Sets `name` (case-insensitive) from its text form, as CONFIG SET and the
// config file do. Returns Redis's error text (without "ERR ") on failure: the
// reason alone, e.g. "argument couldn't be parsed into an integer", which is
// what Redis prints under a bad config-file line (CONFIG SET wraps it in
// "CONFIG SET failed (possibly related to argument 'hz') - ..."). An unknown
// name gives "Bad directive or wrong number of arguments", the config file's
// text. `at_startup` allows the parameters that cannot change at run time
// (port...); multi-word values (save, bind, client-output-buffer-limit) are
// the words joined by single spaces.
std::optional<std::string> set_config_value(Config& config, std::string_view name,
                                            std::string_view value, bool at_startup);

// A percentile as CONFIG GET latency-tracking-info-percentiles and INFO
// latencystats show it: "%f" with the trailing zeros trimmed ("99.9").
std::string format_percentile(double percentile);

// Every parameter whose name matches the glob `pattern` (case-insensitive),
// as (name, value) pairs in table order: CONFIG GET.
std::vector<std::pair<std::string, std::string>> get_config_values(const Config& config,
                                                                   std::string_view pattern);

}  // namespace mini_redis::config
