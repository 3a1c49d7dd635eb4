// InstantaneousMetrics: see instantaneous_metrics.h.
#include "observability/instantaneous_metrics.h"

#include "observability/server_stats.h"

namespace mini_redis::observability {

void InstantaneousMetrics::sample(const ServerStats& stats, std::int64_t now_ms) {
  if (last_sample_ms_ < 0) {
    // The first call only sets the starting point, as Redis's zeroed
    // counters at start-up do.
    last_sample_ms_ = now_ms;
    commands_.last_total = stats.total_commands_processed;
    input_.last_total = stats.total_net_input_bytes;
    output_.last_total = stats.total_net_output_bytes;
    return;
  }
  const std::int64_t elapsed_ms = now_ms - last_sample_ms_;
  if (elapsed_ms < kSamplePeriodMs) return;
  track(commands_, stats.total_commands_processed, elapsed_ms, next_slot_);
  track(input_, stats.total_net_input_bytes, elapsed_ms, next_slot_);
  track(output_, stats.total_net_output_bytes, elapsed_ms, next_slot_);
  next_slot_ = (next_slot_ + 1) % kSamples;
  last_sample_ms_ = now_ms;
}

void InstantaneousMetrics::track(Metric& metric, std::uint64_t total, std::int64_t elapsed_ms,
                                 std::size_t slot) {
  // CONFIG RESETSTAT may have zeroed the total since the last sample: count
  // from zero then instead of wrapping around.
  const std::uint64_t delta = total >= metric.last_total ? total - metric.last_total : total;
  metric.per_second[slot] = delta * 1000 / static_cast<std::uint64_t>(elapsed_ms);
  metric.last_total = total;
}

std::uint64_t InstantaneousMetrics::mean(const Metric& metric) {
  std::uint64_t sum = 0;
  for (std::uint64_t rate : metric.per_second) sum += rate;
  return sum / kSamples;
}

}  // namespace mini_redis::observability
