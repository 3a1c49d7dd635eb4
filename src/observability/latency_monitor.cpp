// The latency monitor's rings (latency_monitor.h explains the layout).
#include "observability/latency_monitor.h"

#include <algorithm>
#include <limits>

namespace mini_redis::observability {

std::vector<LatencyMonitor::Sample> LatencyMonitor::Series::chronological() const {
  std::vector<Sample> out;
  for (std::size_t j = 0; j < kSamples; ++j) {
    const Sample& sample = samples[(next + j) % kSamples];
    if (sample.unix_time_s != 0) out.push_back(sample);
  }
  return out;
}

void LatencyMonitor::add_sample(std::string_view event, std::uint64_t latency_ms,
                                std::int64_t now_s) {
  auto it = std::find_if(events_.begin(), events_.end(),
                         [&](const Event& known) { return known.name == event; });
  if (it == events_.end()) {
    events_.push_back(Event{.name = std::string(event), .series = {}});
    it = events_.end() - 1;
  }
  Series& series = it->series;
  // Redis keeps samples in 32 bits; a latency of 49 days does not happen.
  const auto latency = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(latency_ms, std::numeric_limits<std::uint32_t>::max()));
  series.max_ms = std::max(series.max_ms, latency);

  // One slot per second: a second sample in the same second keeps the worse.
  Sample& previous = series.samples[(series.next + kSamples - 1) % kSamples];
  if (previous.unix_time_s == now_s) {
    previous.latency_ms = std::max(previous.latency_ms, latency);
    return;
  }
  series.samples[series.next] = Sample{.unix_time_s = now_s, .latency_ms = latency};
  series.next = (series.next + 1) % kSamples;
}

const LatencyMonitor::Series* LatencyMonitor::find(std::string_view event) const {
  for (const Event& known : events_) {
    if (known.name == event) return &known.series;
  }
  return nullptr;
}

bool LatencyMonitor::reset(std::string_view event) {
  const auto removed =
      std::erase_if(events_, [&](const Event& known) { return known.name == event; });
  return removed > 0;
}

std::size_t LatencyMonitor::reset_all() {
  const std::size_t count = events_.size();
  events_.clear();
  return count;
}

LatencyAnalysis analyze_latency(const LatencyMonitor::Series& series, std::int64_t now_s) {
  LatencyAnalysis result;
  std::uint64_t sum = 0;
  std::int64_t oldest = 0;
  // Redis walks the slots in storage order, not time order: the sums and the
  // extremes do not care.
  for (const auto& sample : series.samples) {
    if (sample.unix_time_s == 0) continue;
    ++result.samples;
    if (result.samples == 1) {
      result.min_ms = result.max_ms = sample.latency_ms;
    } else {
      result.min_ms = std::min(result.min_ms, sample.latency_ms);
      result.max_ms = std::max(result.max_ms, sample.latency_ms);
    }
    sum += sample.latency_ms;
    if (oldest == 0 || sample.unix_time_s < oldest) oldest = sample.unix_time_s;
  }
  if (result.samples == 0) return result;
  result.average_ms = sum / result.samples;
  // Samples from this very second still count as one second of history.
  result.period_s = std::max<std::int64_t>(now_s - oldest, 1);

  // The mean absolute deviation from the (integer) average.
  std::uint64_t deviations = 0;
  for (const auto& sample : series.samples) {
    if (sample.unix_time_s == 0) continue;
    const auto delta =
        static_cast<std::int64_t>(result.average_ms) - static_cast<std::int64_t>(sample.latency_ms);
    deviations += static_cast<std::uint64_t>(delta < 0 ? -delta : delta);
  }
  result.mean_deviation_ms = deviations / result.samples;
  return result;
}

}  // namespace mini_redis::observability
