// LatencyMonitor: Redis's latency monitor (latency.c), the data behind
// LATENCY LATEST, HISTORY, RESET, GRAPH and DOCTOR.
//
// Redis names the places where the server may stall ("events"): a command
// ("command", or "fast-command" for one flagged O(1)/O(log N)), an active
// expiry cycle ("expire-cycle"), eviction ("eviction-cycle", "eviction-del"),
// a fork ("fork"), a write or fsync of the AOF ("aof-write",
// "aof-fsync-always"...). When `latency-monitor-threshold` is above 0, each
// of those places measures itself and, if it took at least the threshold (in
// milliseconds), hands the duration to add_sample(). With the threshold at 0
// nothing is measured and nothing is recorded: the monitor costs one
// integer test per place.
//
// Per event, Redis keeps a ring of the last 160 samples, one per second:
//
//   samples: [ t=1700000012 12ms | t=1700000015 40ms | 0 | 0 | ... ]   (160)
//                                                    ^ next
//   max: the worst latency ever seen for the event (survives the ring)
//
// A sample in the same second as the newest one does not take a new slot: it
// only raises that slot's latency if it is worse. A slot whose time is 0 was
// never written, which is how HISTORY and GRAPH skip the unused part of the
// ring. RESET forgets an event entirely (its ring and its max).
//
// Events are kept in the order they first happened. Redis keeps them in a
// hash table, so its order for several events is not defined; ours is one
// valid order. Not here: the report texts (latency_report.h).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mini_redis::observability {

class LatencyMonitor {
 public:
  // Redis's LATENCY_TS_LEN: 160 seconds of history per event.
  static constexpr std::size_t kSamples = 160;

  struct Sample {
    std::int64_t unix_time_s = 0;  // 0: the slot was never written
    std::uint32_t latency_ms = 0;
  };

  // One event's ring. `next` is the slot the next new second goes to, so
  // the newest sample is just before it and the oldest at it (once full).
  struct Series {
    std::array<Sample, kSamples> samples{};
    std::size_t next = 0;
    std::uint32_t max_ms = 0;

    [[nodiscard]] const Sample& newest() const { return samples[(next + kSamples - 1) % kSamples]; }
    // The written samples, oldest first (HISTORY and GRAPH's order).
    [[nodiscard]] std::vector<Sample> chronological() const;
  };

  struct Event {
    std::string name;
    Series series;
  };

  // Redis's latencyAddSample: records `latency_ms` for `event` at `now_s`.
  void add_sample(std::string_view event, std::uint64_t latency_ms, std::int64_t now_s);

  // Redis's latencyAddSampleIfNeeded: records only when the monitor is on
  // (threshold > 0) and the latency reached the threshold.
  void add_sample_if_needed(std::string_view event, std::uint64_t latency_ms,
                            std::int64_t threshold_ms, std::int64_t now_s) {
    if (threshold_ms > 0 && latency_ms >= static_cast<std::uint64_t>(threshold_ms)) {
      add_sample(event, latency_ms, now_s);
    }
  }

  // The event's series, or null if it has no samples (never seen, or reset).
  [[nodiscard]] const Series* find(std::string_view event) const;
  // Every event with samples, in the order each first happened.
  [[nodiscard]] const std::vector<Event>& events() const { return events_; }

  // LATENCY RESET <event>: forgets the event; true if it had samples.
  bool reset(std::string_view event);
  // LATENCY RESET: forgets every event; how many there were.
  std::size_t reset_all();

 private:
  std::vector<Event> events_;  // a handful at most: a linear search is cheapest
};

// For the places the server measures itself: whole milliseconds since
// `started` (Redis's latencyStartMonitor / latencyEndMonitor pair).
inline std::uint64_t elapsed_ms_since(std::chrono::steady_clock::time_point started) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now() - started)
                                        .count());
}

// Redis's stat_fork_rate, which DOCTOR grades: how many GB of memory a fork
// of `fork_usec` microseconds copied the page tables of, per second.
inline double fork_rate_gb_per_s(std::size_t used_bytes, std::int64_t fork_usec) {
  if (fork_usec <= 0) return 0;
  return static_cast<double>(used_bytes) * 1000000 / static_cast<double>(fork_usec) /
         (1024.0 * 1024 * 1024);
}

// What DOCTOR says about one event's samples (Redis's analyzeLatencyForEvent).
struct LatencyAnalysis {
  std::uint32_t samples = 0;
  std::uint64_t average_ms = 0;  // integer mean, as Redis computes it
  std::uint64_t mean_deviation_ms = 0;
  std::uint32_t min_ms = 0;
  std::uint32_t max_ms = 0;
  // Seconds from the oldest sample to `now_s` (at least 1 when there are samples).
  std::int64_t period_s = 0;
};
LatencyAnalysis analyze_latency(const LatencyMonitor::Series& series, std::int64_t now_s);

}  // namespace mini_redis::observability
