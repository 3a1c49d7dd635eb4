// The clocks: the system one agrees with itself across resolutions, and keeps
// microseconds (TIME shows them); the manual one moves only when told.
#include "storage/clock.h"

#include <gtest/gtest.h>

namespace mini_redis::storage {
namespace {

TEST(SystemClock, MicrosecondsAgreeWithMilliseconds) {
  SystemClock clock;
  const std::int64_t ms = clock.now_ms();
  const std::int64_t us = clock.now_us();
  EXPECT_GE(us / 1000, ms);
  EXPECT_LE(us / 1000, ms + 1000);  // generous: the machine may be busy
}

TEST(SystemClock, KeepsMicrosecondsNotJustMilliseconds) {
  // If now_us were milliseconds times 1000, every reading would end in 000.
  SystemClock clock;
  bool saw_microseconds = false;
  for (int i = 0; i < 1000 && !saw_microseconds; ++i) saw_microseconds = clock.now_us() % 1000 != 0;
  EXPECT_TRUE(saw_microseconds);
}

TEST(ManualClock, MovesOnlyWhenAdvanced) {
  ManualClock clock(5'000);
  EXPECT_EQ(clock.now_ms(), 5'000);
  EXPECT_EQ(clock.now_us(), 5'000'000);
  clock.advance(250);
  EXPECT_EQ(clock.now_ms(), 5'250);
}

}  // namespace
}  // namespace mini_redis::storage
