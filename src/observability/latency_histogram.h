// LatencyHistogram: how long one command's calls took, to about 1% precision,
// in a fixed amount of memory.
//
// Redis 7 keeps one such histogram per command (an HDR histogram with two
// significant digits, fed the duration of every call in nanoseconds) for
// INFO latencystats and LATENCY HISTOGRAM. This is our own histogram with the
// same layout, so that percentiles and buckets come out as Redis prints them:
//
//   - values are nanoseconds, clamped to 1 ns .. 1000 s;
//   - 0..255 are counted exactly, one slot per value;
//   - above that, each power-of-two range [2^k, 2^(k+1)) is split into 128
//     equal sub-buckets, so a slot is at most 1/128 (under 0.8%) of its value
//     wide. A slot's "lowest" and "highest equivalent value" are its bounds.
//
// That is 33 ranges and 4,352 counters (34 KiB), which is why the dispatcher
// allocates a command's histogram on its first call, not up front.
//
// Not here: merging, iterating at arbitrary steps, or anything Redis does not
// ask of its histograms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mini_redis::observability {

class LatencyHistogram {
 public:
  // Redis's LATENCY_HISTOGRAM_MIN_VALUE and _MAX_VALUE, in nanoseconds.
  static constexpr std::uint64_t kMinValue = 1;
  static constexpr std::uint64_t kMaxValue = 1'000'000'000'000;

  LatencyHistogram();

  // Counts one value, first clamped to kMinValue..kMaxValue.
  void record(std::uint64_t value_ns);

  [[nodiscard]] std::uint64_t total_count() const { return total_count_; }

  // The value below which `percentile` percent of the recorded values fall,
  // as HDR histograms report it: the highest value of the slot holding the
  // n-th smallest value (n = percentile% of the count, rounded, at least 1),
  // or the lowest value of the first slot for percentile 0. 0 when empty.
  [[nodiscard]] std::uint64_t value_at_percentile(double percentile) const;

  // One step of LATENCY HISTOGRAM: every value up to `upper_ns` (the
  // highest equivalent value of a power-of-two boundary) was counted
  // `cumulative_count` times.
  struct CumulativeStep {
    std::uint64_t upper_ns;
    std::uint64_t cumulative_count;
    bool operator==(const CumulativeStep&) const = default;
  };
  // The cumulative counts at 1024 ns, 2048 ns, 4096 ns... up to the first
  // boundary that covers every value, keeping only the steps where the count
  // grew: exactly the buckets Redis's LATENCY HISTOGRAM lists.
  [[nodiscard]] std::vector<CumulativeStep> cumulative_power_of_two_steps() const;

  // The bounds of the slot that counts `value_ns`.
  [[nodiscard]] static std::uint64_t lowest_equivalent_value(std::uint64_t value_ns);
  [[nodiscard]] static std::uint64_t highest_equivalent_value(std::uint64_t value_ns);

 private:
  [[nodiscard]] static std::size_t slot_of(std::uint64_t value_ns);
  [[nodiscard]] static std::uint64_t slot_lowest_value(std::size_t slot);

  std::vector<std::uint64_t> counts_;
  std::uint64_t total_count_ = 0;
};

}  // namespace mini_redis::observability
