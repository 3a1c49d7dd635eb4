// The latency monitor's two texts: LATENCY GRAPH's ASCII chart and LATENCY
// DOCTOR's report, both byte for byte as Redis 7.0 writes them.
//
// GRAPH (Redis's latencyCommandGenSparkeline and sparkline.c) draws an
// event's samples, oldest first, one column each, 80 columns per band:
//
//   command - high 500 ms, low 100 ms (all time high 500 ms)
//   --------------------------------------------------------------------------------
//      #                 four rows: each row has three levels ("_", "o", "#"),
//     _|                 so a column's height is one of 12 steps between the
//    o||                 lowest and highest sample; "|" fills below the top
//   _|||
//                        a blank row, then each sample's age written downwards
//   4221                 ("42s", "2m", "1h", "3d": seconds, minutes, hours or
//   2mmm                 days ago)
//   s
//
// DOCTOR (Redis's createLatencyReport) writes one line per event with its
// statistics (latency_monitor.h's analyze_latency), then advice that depends
// on which events happened and on the settings; the advice paragraphs and
// their order are Redis's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "observability/latency_monitor.h"

namespace mini_redis::observability {

// Redis's LATENCY_GRAPH_COLS.
inline constexpr int kLatencyGraphColumns = 80;

// LATENCY GRAPH <event>'s text.
std::string render_latency_graph(std::string_view event, const LatencyMonitor::Series& series,
                                 std::int64_t now_s);

// What DOCTOR's advice depends on besides the samples.
struct LatencyDoctorSettings {
  std::int64_t threshold_ms = 0;            // latency-monitor-threshold
  std::int64_t slowlog_slower_than_us = 0;  // slowlog-log-slower-than
  std::uint64_t slowlog_max_len = 0;        // slowlog-max-len
  bool fsync_always = false;                // appendfsync always
  int hz = 10;
  double fork_rate_gb_per_s = 0;      // of the latest fork (Redis's stat_fork_rate)
  bool anonymous_huge_pages = false;  // the process uses transparent huge pages
};

// LATENCY DOCTOR's text.
std::string render_latency_doctor(const LatencyMonitor& monitor,
                                  const LatencyDoctorSettings& settings, std::int64_t now_s);

// Whether this process holds transparent huge pages (AnonHugePages in
// /proc/self/smaps_rollup above 0), which DOCTOR warns about as Redis does.
bool process_uses_anonymous_huge_pages();

}  // namespace mini_redis::observability
