// The Stopwatch must agree with steady_clock about how long an interval was,
// whichever counter it reads (the TSC where it is invariant).
#include "common/stopwatch.h"

#include <gtest/gtest.h>

#include <chrono>

namespace mini_redis {
namespace {

TEST(Stopwatch, MeasuresTheSameIntervalAsSteadyClock) {
  const Stopwatch stopwatch;
  using Clock = std::chrono::steady_clock;
  // Both clocks are read back to back around one busy interval, so being
  // descheduled meanwhile lengthens both readings alike.
  const std::uint64_t start_ticks = stopwatch.ticks();
  const auto start = Clock::now();
  while (Clock::now() - start < std::chrono::milliseconds(3)) {
  }
  const auto end = Clock::now();
  const std::uint64_t end_ticks = stopwatch.ticks();

  const auto steady_ns = static_cast<double>((end - start) / std::chrono::nanoseconds(1));
  const auto measured_ns = static_cast<double>(stopwatch.elapsed_ns(start_ticks, end_ticks));
  EXPECT_NEAR(measured_ns / steady_ns, 1.0, 0.05) << "uses TSC: " << stopwatch.uses_tsc();
}

TEST(Stopwatch, AReadingBeforeItsStartIsNoTimeAtAll) {
  const Stopwatch stopwatch;
  EXPECT_EQ(stopwatch.elapsed_ns(100, 50), 0U);
}

}  // namespace
}  // namespace mini_redis
