// LatencyHistogram: see latency_histogram.h.
//
// Slot arithmetic. Let "range r" (r = 0, 1, 2, ...) be the values whose slot
// width is 2^r. Range 0 holds 0..255 (256 slots of width 1); range r >= 1
// holds 128·2^r .. 256·2^r - 1 (128 slots of width 2^r). A value's range is
// therefore (position of its highest set bit) - 7, or 0 below 256, and its
// slot inside the range is value >> r. The slots of every range sit one after
// the other in counts_: range r >= 1 starts at 256 + 128·(r - 1).
#include "observability/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mini_redis::observability {

namespace {

constexpr std::uint64_t kExactLimit = 256;  // values below are counted exactly
constexpr std::size_t kSlotsPerRange = 128;

// The range of `value`: how many low bits its slot ignores.
unsigned range_of(std::uint64_t value) {
  if (value < kExactLimit) return 0;
  return static_cast<unsigned>(std::bit_width(value)) - 8;
}

// The first boundary LATENCY HISTOGRAM reports, 1024 ns, and its growth.
constexpr std::uint64_t kFirstReportedBoundary = 1024;

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(slot_of(kMaxValue) + 1, 0) {}

std::size_t LatencyHistogram::slot_of(std::uint64_t value_ns) {
  const unsigned range = range_of(value_ns);
  if (range == 0) return static_cast<std::size_t>(value_ns);
  // value >> range lies in 128..255; its range's slots start at 256 + 128·(range-1).
  return kExactLimit + kSlotsPerRange * (range - 1) +
         static_cast<std::size_t>((value_ns >> range) - kSlotsPerRange);
}

std::uint64_t LatencyHistogram::slot_lowest_value(std::size_t slot) {
  if (slot < kExactLimit) return slot;
  const std::size_t past_exact = slot - kExactLimit;
  const std::size_t range = past_exact / kSlotsPerRange + 1;
  const std::uint64_t sub = past_exact % kSlotsPerRange + kSlotsPerRange;
  return sub << range;
}

std::uint64_t LatencyHistogram::lowest_equivalent_value(std::uint64_t value_ns) {
  const unsigned range = range_of(value_ns);
  return (value_ns >> range) << range;
}

std::uint64_t LatencyHistogram::highest_equivalent_value(std::uint64_t value_ns) {
  return lowest_equivalent_value(value_ns) + (std::uint64_t{1} << range_of(value_ns)) - 1;
}

void LatencyHistogram::record(std::uint64_t value_ns) {
  ++counts_[slot_of(std::clamp(value_ns, kMinValue, kMaxValue))];
  ++total_count_;
}

std::uint64_t LatencyHistogram::value_at_percentile(double percentile) const {
  const double wanted = std::min(percentile, 100.0);
  // Rounded to the nearest count, and never below the first value.
  const auto rank = std::max<std::uint64_t>(
      1,
      static_cast<std::uint64_t>(std::llround(wanted / 100 * static_cast<double>(total_count_))));
  std::uint64_t seen = 0;
  for (std::size_t slot = 0; slot < counts_.size(); ++slot) {
    seen += counts_[slot];
    if (seen >= rank) {
      const std::uint64_t value = slot_lowest_value(slot);
      return percentile == 0.0 ? value : highest_equivalent_value(value);
    }
  }
  return 0;
}

std::vector<LatencyHistogram::CumulativeStep> LatencyHistogram::cumulative_power_of_two_steps()
    const {
  std::vector<CumulativeStep> steps;
  std::uint64_t cumulative = 0;
  std::size_t next_slot = 0;  // counts_[0 .. next_slot) are in `cumulative`
  for (std::uint64_t boundary = kFirstReportedBoundary; cumulative < total_count_; boundary *= 2) {
    // Every value whose slot is at or before the boundary's own slot.
    const std::size_t last = std::min(slot_of(boundary), counts_.size() - 1);
    const std::uint64_t before = cumulative;
    for (; next_slot <= last; ++next_slot) cumulative += counts_[next_slot];
    if (cumulative > before) steps.push_back({highest_equivalent_value(boundary), cumulative});
    if (last == counts_.size() - 1) break;
  }
  return steps;
}

}  // namespace mini_redis::observability
