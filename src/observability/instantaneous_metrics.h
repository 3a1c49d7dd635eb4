// InstantaneousMetrics: INFO's instantaneous_ops_per_sec,
// instantaneous_input_kbps and instantaneous_output_kbps.
//
// Redis (server.c, trackInstantaneousMetric) samples three running totals
// every 100 ms from its cron: commands processed, bytes read, bytes written.
// Each sample is the rate since the previous one, per second, kept in a ring
// of the last 16 samples; INFO shows the mean of the ring (so about the last
// 1.6 seconds, and a freshly started server shows less than its real rate for
// its first 1.6 seconds, as Redis does).
//
// The server's cron calls sample() every time it runs; sample() itself checks
// that 100 ms have passed since its last sample, so it keeps its pace
// whatever `hz` is (with hz below 10 it samples on every cron run).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace mini_redis::observability {

struct ServerStats;

class InstantaneousMetrics {
 public:
  static constexpr std::int64_t kSamplePeriodMs = 100;  // Redis: run_with_period(100)
  static constexpr std::size_t kSamples = 16;           // Redis: STATS_METRIC_SAMPLES

  // Takes a sample from `stats`' totals if 100 ms have passed since the last.
  void sample(const ServerStats& stats, std::int64_t now_ms);

  [[nodiscard]] std::uint64_t ops_per_sec() const { return mean(commands_); }
  [[nodiscard]] double input_kbps() const { return static_cast<double>(mean(input_)) / 1024; }
  [[nodiscard]] double output_kbps() const { return static_cast<double>(mean(output_)) / 1024; }

 private:
  // One running total and the rates sampled from it.
  struct Metric {
    std::uint64_t last_total = 0;
    std::array<std::uint64_t, kSamples> per_second{};
  };
  static void track(Metric& metric, std::uint64_t total, std::int64_t elapsed_ms, std::size_t slot);
  [[nodiscard]] static std::uint64_t mean(const Metric& metric);

  Metric commands_;
  Metric input_;
  Metric output_;
  std::int64_t last_sample_ms_ = -1;  // -1: no sample taken yet
  std::size_t next_slot_ = 0;
};

}  // namespace mini_redis::observability
