// LRU and LFU access tracking: the LFU counter arithmetic on its own, then a
// Database switched to LFU. Time is a ManualClock; the random draws of the
// counter's increments are passed in by hand where the test needs them.
#include "storage/access_tracking.h"

#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/keyspace.h"

namespace mini_redis::storage {
namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kStart = 1'699'999'980'000;  // Unix ms, at the start of a minute

// ---- the counter arithmetic ----------------------------------------------------------

TEST(LfuCounter, ANewKeyStartsAtFiveStampedWithTheCurrentMinute) {
  const std::uint32_t field = lfu::fresh_field(kStart);
  EXPECT_EQ(field & 0xFF, 5u);
  EXPECT_EQ(field >> 8, static_cast<std::uint32_t>((kStart / kMinute) & 0xFFFF));
  EXPECT_EQ(lfu::decayed_counter(field, kStart, {}), 5);
}

TEST(LfuCounter, AccessesUpToFiveAlwaysCount) {
  // The probability is 1 / ((counter - 5) * factor + 1): 1 while counter <= 5.
  std::uint32_t field = lfu::fresh_field(kStart);
  field = lfu::after_access(field, kStart, {}, 0.999);
  EXPECT_EQ(lfu::decayed_counter(field, kStart, {}), 6);
}

TEST(LfuCounter, AboveFiveAnAccessCountsWithProbabilityOneOverBaseTimesFactorPlusOne) {
  std::uint32_t six = lfu::after_access(lfu::fresh_field(kStart), kStart, {}, 0.0);
  // At 6 the chance is 1 / (1 * 10 + 1) = 0.0909...
  EXPECT_EQ(lfu::decayed_counter(lfu::after_access(six, kStart, {}, 0.09), kStart, {}), 7);
  EXPECT_EQ(lfu::decayed_counter(lfu::after_access(six, kStart, {}, 0.10), kStart, {}), 6);
  // With lfu-log-factor 0 every access counts.
  const LfuSettings eager{.log_factor = 0, .decay_minutes = 1};
  EXPECT_EQ(lfu::decayed_counter(lfu::after_access(six, kStart, eager, 0.99), kStart, eager), 7);
}

TEST(LfuCounter, StopsAt255) {
  const std::uint32_t full = lfu::fresh_field(kStart) | 0xFF;
  EXPECT_EQ(lfu::decayed_counter(lfu::after_access(full, kStart, {}, 0.0), kStart, {}), 255);
}

TEST(LfuCounter, DecaysByOnePerDecayPeriodWithoutAccess) {
  const std::uint32_t field = lfu::fresh_field(kStart);  // 5
  EXPECT_EQ(lfu::decayed_counter(field, kStart + 59'000, {}), 5);
  EXPECT_EQ(lfu::decayed_counter(field, kStart + 3 * kMinute, {}), 2);
  EXPECT_EQ(lfu::decayed_counter(field, kStart + 100 * kMinute, {}), 0);
  const LfuSettings slow{.log_factor = 10, .decay_minutes = 2};
  EXPECT_EQ(lfu::decayed_counter(field, kStart + 3 * kMinute, slow), 4);
  const LfuSettings never{.log_factor = 10, .decay_minutes = 0};
  EXPECT_EQ(lfu::decayed_counter(field, kStart + 100 * kMinute, never), 5);
}

TEST(LfuCounter, AnAccessAppliesTheDecayFirstAndRestampsTheMinute) {
  const std::uint32_t field = lfu::fresh_field(kStart);                                 // 5
  const std::uint32_t later = lfu::after_access(field, kStart + 3 * kMinute, {}, 0.0);  // 2, then 3
  EXPECT_EQ(lfu::decayed_counter(later, kStart + 3 * kMinute, {}), 3);
  EXPECT_EQ(later >> 8, static_cast<std::uint32_t>(((kStart + 3 * kMinute) / kMinute) & 0xFFFF));
}

// ---- a Database in LFU mode -----------------------------------------------------------

class LfuDatabaseTest : public ::testing::Test {
 protected:
  ManualClock clock{kStart};
  KeyspaceStats stats;
  Database db{clock, stats};

  void SetUp() override { db.set_access_tracking(AccessTracking::lfu); }
  std::uint8_t freq(std::string_view key) { return db.access_frequency(*db.lookup_quietly(key)); }
};

TEST_F(LfuDatabaseTest, TracksLruUntilToldOtherwise) {
  Database plain{clock, stats};
  EXPECT_EQ(plain.access_tracking(), AccessTracking::lru);
  EXPECT_EQ(db.access_tracking(), AccessTracking::lfu);
}

TEST_F(LfuDatabaseTest, ANewKeyHasCounterFiveAndQuietLookupsDoNotCount) {
  db.set("k", "v");
  EXPECT_EQ(freq("k"), 5);
  EXPECT_EQ(freq("k"), 5);
  db.set_range("r", 2, "ab");
  EXPECT_EQ(freq("r"), 5);
}

TEST_F(LfuDatabaseTest, ReadsWritesAndOverwritesCountAsAccesses) {
  db.set("k", "v");
  db.lookup_for_read("k");
  EXPECT_EQ(freq("k"), 6);
  db.set("j", "v");
  db.set("j", "w");  // the overwrite keeps the counter, and counts
  EXPECT_EQ(freq("j"), 6);
}

TEST_F(LfuDatabaseTest, ManyReadsGrowTheCounterLogarithmically) {
  db.set("k", "v");
  for (int i = 0; i < 1000; ++i) db.lookup_for_read("k");
  // About sqrt(2 * 1000 / 10) = 14 increments above 5 are expected.
  EXPECT_GT(freq("k"), 12);
  EXPECT_LT(freq("k"), 30);
}

TEST_F(LfuDatabaseTest, TheCounterDecaysWhileTheKeyIsLeftAlone) {
  db.set("k", "v");
  db.lookup_for_read("k");  // 6
  clock.advance(4 * kMinute);
  EXPECT_EQ(freq("k"), 2);
}

TEST(KeyspaceAccessTracking, AppliesToEveryDatabase) {
  ManualClock clock{kStart};
  Keyspace keyspace(clock, 3);
  keyspace.set_access_tracking(AccessTracking::lfu, {.log_factor = 5, .decay_minutes = 2});
  EXPECT_EQ(keyspace.access_tracking(), AccessTracking::lfu);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(keyspace.db(i).access_tracking(), AccessTracking::lfu);
  keyspace.set_access_tracking(AccessTracking::lru);
  EXPECT_EQ(keyspace.db(2).access_tracking(), AccessTracking::lru);
}

}  // namespace
}  // namespace mini_redis::storage
