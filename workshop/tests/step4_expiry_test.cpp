// Workshop step 4: expiry, passive and active, as Redis does it.
//
// What you wrote: in workshop/src/storage/database.cpp, the passive expiry in
// Database::find_live (an expired key met by a lookup is deleted there), and
// in workshop/src/storage/active_expiry.cpp the sampling loop of ActiveExpiryCycle::run
// (keys nobody looks up again are still reclaimed, a few at a time).
// Time is a ManualClock and the cycle's stopwatch a fake: nothing sleeps.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "storage/active_expiry.h"
#include "storage/clock.h"
#include "storage/keyspace.h"
#include "support/command_harness.h"
#include "support/step_support.h"

namespace mini_redis::storage {
namespace {

using std::chrono::microseconds;

class Step4Expiry : public ::testing::Test {
 protected:
  ManualClock clock;
  Keyspace keyspace{clock, 16};
  Database& db = keyspace.db(0);
  ActiveExpiryCycle cycle;

  static microseconds no_time_passes() { return microseconds(0); }
  static microseconds budget_is_spent() { return microseconds(1'000'000); }

  void add_keys(int count, std::string_view prefix, std::int64_t ttl_ms) {
    for (int i = 0; i < count; ++i) {
      Entry& entry = db.set(std::string(prefix) + std::to_string(i), "v");
      if (ttl_ms > 0) db.set_expire_at(entry, clock.now_ms() + ttl_ms);
    }
  }
};

// ---- passive expiry -------------------------------------------------------------------

TEST_F(Step4Expiry, AKeyLivesUpToAndIncludingItsExpireMillisecond) {
  add_keys(1, "k", 100);
  clock.advance(100);
  EXPECT_NE(db.lookup_for_read("k0"), nullptr)
      << "at its expire millisecond a key is still alive (is_expired: now > expire_at)";
}

TEST_F(Step4Expiry, AnExpiredKeyIsDeletedWhenALookupMeetsIt) {
  add_keys(1, "k", 100);
  clock.advance(101);
  EXPECT_EQ(db.lookup_for_read("k0"), nullptr)
      << "an expired key is reported absent: return nullptr";
  EXPECT_EQ(db.size(), 0u) << "passive expiry deletes the key (delete_expired), not only hides it";
  EXPECT_EQ(db.expiring_count(), 0u);
  EXPECT_EQ(keyspace.stats().expired_keys, 1u)
      << "INFO's expired_keys counts it (delete_expired does)";
}

TEST_F(Step4Expiry, AnExpiredKeyIsAbsentForEveryKindOfLookup) {
  add_keys(3, "k", 100);
  clock.advance(101);
  EXPECT_EQ(db.lookup_quietly("k0"), nullptr);
  EXPECT_EQ(db.lookup_for_write("k1"), nullptr);
  EXPECT_FALSE(db.erase("k2"));
  EXPECT_EQ(db.size(), 0u);
}

TEST_F(Step4Expiry, SetOnAnExpiredKeyMakesAFreshKeyWithoutTheOldTtl) {
  add_keys(1, "k", 100);
  clock.advance(101);
  db.set("k0", "new");
  Entry* entry = db.lookup_for_read("k0");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->value(), "new");
  EXPECT_FALSE(entry->has_expire());
}

TEST_F(Step4Expiry, ClientsSeeAnExpiredKeyAsGone) {
  testing::CommandHarness h;
  h.run({"SET", "session", "abc", "PX", "1500"});
  h.clock.advance(1'500);
  EXPECT_EQ(h.run({"GET", "session"}), "$3\r\nabc\r\n");
  h.clock.advance(1);
  EXPECT_EQ(h.run({"GET", "session"}), "$-1\r\n");
  EXPECT_EQ(h.run({"TTL", "session"}), ":-2\r\n");
}

// ---- active expiry ---------------------------------------------------------------------

TEST_F(Step4Expiry, TheCycleReclaimsExpiredKeysThatNobodyReads) {
  add_keys(1, "session:", 100);
  clock.advance(101);
  ExpiryCycleResult result = cycle.run(keyspace, 10, no_time_passes);
  EXPECT_EQ(result.sampled, 1u);
  EXPECT_EQ(result.expired, 1u);
  EXPECT_FALSE(result.time_limit_reached);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(keyspace.stats().expired_keys, 1u);
}

TEST_F(Step4Expiry, WhileManySampledKeysAreExpiredTheCycleGoesOn) {
  // Every sample of 20 is all stale, so the loop repeats until none is left.
  WORKSHOP_EXPECT("the cycle to stop once no key with a TTL is left");
  add_keys(500, "old:", 100);
  clock.advance(101);
  ExpiryCycleResult result = cycle.run(keyspace, 10, no_time_passes);
  EXPECT_EQ(result.expired, 500u)
      << "with 100% of each sample expired (more than 10%), the cycle samples again";
  EXPECT_EQ(db.size(), 0u);
}

TEST_F(Step4Expiry, AFreshSampleStopsTheCycleAfterOneRound) {
  // No sampled key has expired (0% <= 10%): not worth more CPU now.
  WORKSHOP_EXPECT("one round of 20 samples: 0% expired is at most 10%, so the loop stops");
  add_keys(500, "live:", 600'000);
  ExpiryCycleResult result = cycle.run(keyspace, 10, no_time_passes);
  EXPECT_EQ(result.sampled, kKeysPerLoop) << "0% of the sample expired: stop after one round";
  EXPECT_EQ(result.expired, 0u);
  EXPECT_EQ(db.size(), 500u);
}

TEST_F(Step4Expiry, TheCycleStopsWhenItsTimeBudgetIsSpent) {
  add_keys(500, "old:", 100);
  clock.advance(101);
  ExpiryCycleResult result = cycle.run(keyspace, 10, budget_is_spent);
  EXPECT_TRUE(result.time_limit_reached)
      << "elapsed() >= budget after a round: set result.time_limit_reached and stop";
  EXPECT_EQ(result.sampled, kKeysPerLoop);
  EXPECT_EQ(result.expired, kKeysPerLoop);
  EXPECT_EQ(db.size(), 500u - kKeysPerLoop);
}

TEST_F(Step4Expiry, KeysWithoutATtlAreNeverSampled) {
  add_keys(100, "plain:", 0);
  clock.advance(1'000'000);
  ExpiryCycleResult result = cycle.run(keyspace, 10, no_time_passes);
  EXPECT_EQ(result.sampled, 0u);
  EXPECT_EQ(db.size(), 100u);
}

// The next tests put the expired keys where the sampling cursor meets them
// first (Database::expire_sample walks the keys with a TTL in the order they
// got it), so each round's share of expired keys is known.

TEST_F(Step4Expiry, OneExpiredKeyInTwentyStopsTheCycleAfterOneRound) {
  // 5% stale: at most 10%, so one round is enough. A loop that stops only
  // when a round finds nothing expired would sample a second round.
  WORKSHOP_EXPECT("one round: 1 expired key in 20 (5%) is at most 10%, so the loop stops");
  add_keys(1, "old:", 100);
  add_keys(119, "live:", 600'000);
  clock.advance(101);
  ExpiryCycleResult result = cycle.run(keyspace, 10, no_time_passes);
  EXPECT_EQ(result.expired, 1u);
  EXPECT_EQ(result.sampled, kKeysPerLoop)
      << "1 of 20 sampled keys expired (5%, at most kAcceptableStalePercent): the cycle stops "
         "after this round. Stop on the percentage, not on \"nothing expired\"";
}

TEST_F(Step4Expiry, ExactlyTenPercentStaleStopsTheCycle) {
  // 2 of 20 is 10%: "more than 10%" goes on, so exactly 10% stops (<=, not <).
  WORKSHOP_EXPECT("one round: 2 expired keys in 20 (10%) is at most 10%, so the loop stops");
  add_keys(2, "old:", 100);
  add_keys(118, "live:", 600'000);
  clock.advance(101);
  ExpiryCycleResult result = cycle.run(keyspace, 10, no_time_passes);
  EXPECT_EQ(result.expired, 2u);
  EXPECT_EQ(result.sampled, kKeysPerLoop)
      << "2 of 20 (exactly 10%) is at most kAcceptableStalePercent: stop (<=, not <)";
}

TEST_F(Step4Expiry, ThirtyPercentStaleMakesTheCycleGoOn) {
  // 6 of each 20 expired: more than 10%, so the cycle samples again, round
  // after round, until a sample is at most 10% stale.
  WORKSHOP_EXPECT("the cycle to stop once a sample is at most 10% stale");
  for (int block = 0; block < 10; ++block) {
    add_keys(6, "old:" + std::to_string(block) + ":", 100);
    add_keys(14, "live:" + std::to_string(block) + ":", 600'000);
  }
  clock.advance(101);
  ExpiryCycleResult result = cycle.run(keyspace, 10, no_time_passes);
  EXPECT_GT(result.sampled, kKeysPerLoop)
      << "30% of the first sample expired (more than 10%): the cycle must sample again";
  EXPECT_GE(result.expired, 12u) << "two rounds at 30% reclaim at least 12 keys";
  EXPECT_EQ(db.size(), 200u - result.expired);
  EXPECT_EQ(keyspace.stats().expired_keys, result.expired);
}

}  // namespace
}  // namespace mini_redis::storage
