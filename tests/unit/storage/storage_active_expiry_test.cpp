// ActiveExpiryCycle: keys nobody reads again are still reclaimed, within a
// time budget. The clock is a ManualClock and the stopwatch a fake that
// reports whatever time the test wants, so nothing here sleeps.
#include "storage/active_expiry.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace mini_redis::storage {
namespace {

using std::chrono::microseconds;

class ActiveExpiryTest : public ::testing::Test {
 protected:
  ManualClock clock;
  Keyspace keyspace{clock, 16};
  ActiveExpiryCycle cycle;

  // A stopwatch that says no time has passed: only the stale ratio stops.
  static microseconds no_time() { return microseconds(0); }

  void add_keys(int db, int count, std::string_view prefix, std::int64_t ttl_ms) {
    for (int i = 0; i < count; ++i) {
      Entry& entry = keyspace.db(db).set(std::string(prefix) + std::to_string(i), "v");
      if (ttl_ms > 0) keyspace.db(db).set_expire_at(entry, clock.now_ms() + ttl_ms);
    }
  }
};

TEST_F(ActiveExpiryTest, AKeyWithATtlThatNobodyReadsAgainIsReclaimed) {
  add_keys(3, 1, "session:", 100);
  clock.advance(101);
  ExpiryCycleResult result = cycle.run(keyspace, 10, no_time);
  EXPECT_EQ(result.sampled, 1u);
  EXPECT_EQ(result.expired, 1u);
  EXPECT_FALSE(result.time_limit_reached);
  EXPECT_EQ(keyspace.db(3).size(), 0u);
  EXPECT_EQ(keyspace.stats().expired_keys, 1u);
}

TEST_F(ActiveExpiryTest, KeysWithoutATtlAreNeverSampled) {
  add_keys(0, 1000, "plain:", 0);
  clock.advance(1'000'000);
  ExpiryCycleResult result = cycle.run(keyspace, 10, no_time);
  EXPECT_EQ(result.sampled, 0u);
  EXPECT_EQ(keyspace.db(0).size(), 1000u);
}

TEST_F(ActiveExpiryTest, TheLastFewExpiredKeysAmongManyLiveOnesAreFoundWithinOnePass) {
  // 1000 keys with a long TTL and 3 short ones scattered among them: each
  // sample finds too few stale keys to repeat, yet the cursor must still reach
  // all three within 1000/20 cycles.
  add_keys(0, 300, "long-a:", 600'000);
  add_keys(0, 1, "short-a:", 100);
  add_keys(0, 400, "long-b:", 600'000);
  add_keys(0, 2, "short-b:", 100);
  add_keys(0, 300, "long-c:", 600'000);
  clock.advance(101);
  for (int i = 0; i < 1003 / 20 + 1 && keyspace.db(0).size() > 1000; ++i)
    cycle.run(keyspace, 10, no_time);
  EXPECT_EQ(keyspace.db(0).size(), 1000u);
  EXPECT_EQ(keyspace.stats().expired_keys, 3u);
}

TEST_F(ActiveExpiryTest, LiveKeysWithATtlAreSampledOnceAndKept) {
  add_keys(0, 1000, "fresh:", 60'000);
  ExpiryCycleResult result = cycle.run(keyspace, 10, no_time);
  // 0% of the first 20 were stale, so the cycle moves on at once.
  EXPECT_EQ(result.sampled, kKeysPerLoop);
  EXPECT_EQ(result.expired, 0u);
  EXPECT_EQ(keyspace.db(0).size(), 1000u);
}

TEST_F(ActiveExpiryTest, RepeatsWhileMoreThanTenPercentOfASampleExpired) {
  add_keys(0, 1000, "old:", 10);
  clock.advance(11);
  ExpiryCycleResult result = cycle.run(keyspace, 10, no_time);
  EXPECT_EQ(result.expired, 1000u);
  EXPECT_EQ(keyspace.db(0).size(), 0u);
  EXPECT_EQ(keyspace.stats().expired_keys, 1000u);
}

TEST_F(ActiveExpiryTest, StopsRepeatingOnceFewKeysInASampleExpired) {
  // 1 key in 20 stale: 5%, below the 10% that justifies another round.
  add_keys(0, 19, "live:", 60'000);
  add_keys(0, 1, "dead:", 10);
  clock.advance(11);
  int rounds_with_a_stale_key = 0;
  for (int i = 0; i < 50; ++i) {
    ExpiryCycleResult result = cycle.run(keyspace, 10, no_time);
    EXPECT_GT(result.sampled, 0u);
    EXPECT_LE(result.sampled, kKeysPerLoop) << "one round per cycle, cycle " << i;
    rounds_with_a_stale_key += result.expired > 0 ? 1 : 0;
  }
  EXPECT_EQ(rounds_with_a_stale_key, 1);
  EXPECT_EQ(keyspace.db(0).size(), 19u);
}

TEST_F(ActiveExpiryTest, TheTimeBudgetStopsACycle) {
  add_keys(0, 10'000, "old:", 10);
  clock.advance(11);
  // Each look at the stopwatch costs 10 ms; at hz 10 the budget is 25 ms, so
  // the third sample is the last.
  microseconds spent{0};
  auto slow = [&spent] { return spent += microseconds(10'000); };
  ExpiryCycleResult result = cycle.run(keyspace, 10, slow);
  EXPECT_TRUE(result.time_limit_reached);
  EXPECT_EQ(result.sampled, 3 * kKeysPerLoop);
  EXPECT_EQ(result.expired, 3 * kKeysPerLoop);
  EXPECT_EQ(keyspace.db(0).size(), 10'000u - 60u);
  EXPECT_EQ(keyspace.stats().expired_time_cap_reached_count, 1u);
}

TEST_F(ActiveExpiryTest, TheBudgetIsAQuarterOfTheHzInterval) {
  add_keys(0, 1000, "old:", 10);
  clock.advance(11);
  auto two_ms = [] { return microseconds(2'000); };
  // hz 10: 25 ms budget, 2 ms spent is fine.
  EXPECT_FALSE(ActiveExpiryCycle{}.run(keyspace, 10, two_ms).time_limit_reached);
  add_keys(0, 1000, "old2:", 10);
  clock.advance(11);
  // hz 100: 2.5 ms budget, still enough; hz 500: 0.5 ms, over budget.
  EXPECT_FALSE(ActiveExpiryCycle{}.run(keyspace, 100, two_ms).time_limit_reached);
  add_keys(0, 1000, "old3:", 10);
  clock.advance(11);
  EXPECT_TRUE(ActiveExpiryCycle{}.run(keyspace, 500, two_ms).time_limit_reached);
}

TEST_F(ActiveExpiryTest, ACycleCutShortResumesAtTheNextDatabase) {
  add_keys(0, 500, "a:", 10);
  add_keys(1, 500, "b:", 10);
  clock.advance(11);
  auto over_budget = [] { return microseconds(1'000'000); };

  cycle.run(keyspace, 10, over_budget);  // one sample in db 0, then out of time
  EXPECT_EQ(keyspace.db(0).size(), 480u);
  EXPECT_EQ(keyspace.db(1).size(), 500u);

  cycle.run(keyspace, 10, over_budget);  // starts at db 1
  EXPECT_EQ(keyspace.db(0).size(), 480u);
  EXPECT_EQ(keyspace.db(1).size(), 480u);

  // Databases 2..15 are empty: the next cycle goes through them and on to
  // db 0 again, with no budget spent on empty ones.
  cycle.run(keyspace, 10, over_budget);
  EXPECT_EQ(keyspace.db(0).size(), 460u);
  EXPECT_EQ(keyspace.db(1).size(), 480u);
}

TEST_F(ActiveExpiryTest, StalePercentIsASmoothedEstimateAsInRedis) {
  add_keys(0, 20, "old:", 10);
  clock.advance(11);
  cycle.run(keyspace, 10, no_time);                               // 100% of the samples were stale
  EXPECT_DOUBLE_EQ(keyspace.stats().expired_stale_percent, 5.0);  // 5% new, 95% old
  cycle.run(keyspace, 10, no_time);                               // nothing sampled counts as 0%
  EXPECT_DOUBLE_EQ(keyspace.stats().expired_stale_percent, 4.75);
}

TEST_F(ActiveExpiryTest, TheRealStopwatchOverloadReclaimsToo) {
  add_keys(7, 50, "old:", 10);
  clock.advance(11);
  ExpiryCycleResult result = cycle.run(keyspace, 10);
  EXPECT_EQ(result.expired, 50u);
  EXPECT_EQ(keyspace.total_keys(), 0u);
}

}  // namespace
}  // namespace mini_redis::storage
