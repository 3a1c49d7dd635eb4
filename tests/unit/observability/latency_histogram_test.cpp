// LatencyHistogram: the slot layout, percentiles and the power-of-two steps
// that INFO latencystats and LATENCY HISTOGRAM print. The expected values
// are what Redis 7.0.15 prints for the same durations (its HDR histogram
// has the same layout).
#include "observability/latency_histogram.h"

#include <gtest/gtest.h>

#include <vector>

namespace mini_redis::observability {
namespace {

using Step = LatencyHistogram::CumulativeStep;

TEST(LatencyHistogram, CountsValuesBelow256Exactly) {
  EXPECT_EQ(LatencyHistogram::lowest_equivalent_value(0), 0U);
  EXPECT_EQ(LatencyHistogram::highest_equivalent_value(255), 255U);
  EXPECT_EQ(LatencyHistogram::lowest_equivalent_value(200), 200U);
}

TEST(LatencyHistogram, SplitsEachPowerOfTwoInto128Slots) {
  // 256..511 in slots of 2, 512..1023 in slots of 4, 4096..8191 in slots of 32.
  EXPECT_EQ(LatencyHistogram::lowest_equivalent_value(257), 256U);
  EXPECT_EQ(LatencyHistogram::highest_equivalent_value(256), 257U);
  EXPECT_EQ(LatencyHistogram::lowest_equivalent_value(1003), 1000U);
  EXPECT_EQ(LatencyHistogram::highest_equivalent_value(1000), 1003U);
  EXPECT_EQ(LatencyHistogram::highest_equivalent_value(6000), 6015U);  // Redis: p50=6.015
  EXPECT_EQ(LatencyHistogram::highest_equivalent_value(10000), 10047U);
  // A slot is never wider than 1/128 of its values.
  for (std::uint64_t value : {300ULL, 5'000ULL, 123'456'789ULL, 999'999'999'999ULL}) {
    const auto width = LatencyHistogram::highest_equivalent_value(value) -
                       LatencyHistogram::lowest_equivalent_value(value) + 1;
    EXPECT_LE(width * 128, value) << value;
  }
}

TEST(LatencyHistogram, PercentilesAreTheHighestValueOfTheirSlot) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.value_at_percentile(50), 0U);  // empty
  histogram.record(6000);
  EXPECT_EQ(histogram.total_count(), 1U);
  EXPECT_EQ(histogram.value_at_percentile(50), 6015U);
  EXPECT_EQ(histogram.value_at_percentile(99.9), 6015U);
  // Percentile 0 is the lowest value of the first slot instead.
  EXPECT_EQ(histogram.value_at_percentile(0), 5984U);
}

TEST(LatencyHistogram, PercentileRankIsRoundedToTheNearestCount) {
  LatencyHistogram histogram;
  for (std::uint64_t value : {1000, 2000, 3000, 4000}) histogram.record(value);
  EXPECT_EQ(histogram.value_at_percentile(50), 2007U);   // 2nd of 4
  EXPECT_EQ(histogram.value_at_percentile(60), 2007U);   // 2.4 + 0.5 -> 2nd
  EXPECT_EQ(histogram.value_at_percentile(70), 3007U);   // 2.8 + 0.5 -> 3rd
  EXPECT_EQ(histogram.value_at_percentile(100), 4015U);  // the largest
  EXPECT_EQ(histogram.value_at_percentile(150), 4015U);  // held to 100
}

TEST(LatencyHistogram, ClampsToOneNanosecondAndAThousandSeconds) {
  LatencyHistogram histogram;
  histogram.record(0);  // a call that took 0 µs is counted as 1 ns, as Redis does
  EXPECT_EQ(histogram.value_at_percentile(50), 1U);
  histogram.record(5'000'000'000'000);
  EXPECT_EQ(histogram.value_at_percentile(100),
            LatencyHistogram::highest_equivalent_value(LatencyHistogram::kMaxValue));
}

TEST(LatencyHistogram, StepsAreCumulativeAtPowersOfTwoFrom1024Nanoseconds) {
  LatencyHistogram histogram;
  histogram.record(0);       // at 1 µs
  histogram.record(1500);    // at 2 µs
  histogram.record(2000);    // at 2 µs
  histogram.record(7000);    // at 8 µs (the 4 µs step adds nothing: left out)
  histogram.record(40'000);  // at 66 µs
  EXPECT_EQ(histogram.cumulative_power_of_two_steps(),
            (std::vector<Step>{{1031, 1}, {2063, 3}, {8255, 4}, {66047, 5}}));
}

TEST(LatencyHistogram, NoStepsWhenEmpty) {
  EXPECT_TRUE(LatencyHistogram().cumulative_power_of_two_steps().empty());
}

}  // namespace
}  // namespace mini_redis::observability
