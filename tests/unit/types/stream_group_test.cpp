// StreamGroups / ConsumerGroup: the bookkeeping of consumer groups. These
// tests pin down Redis 7.0's lag and entries-read rules (each scenario was
// replayed on redis-server 7.0.15 with XADD / XDEL / XTRIM / XREADGROUP and
// XINFO GROUPS), the PEL kept in two places (group and owner) through
// delivery, re-delivery, transfer, acknowledgement and consumer deletion,
// the memcmp order of names, and that a copy is deep (COPY of a stream).
#include "types/stream_group.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mini_redis::types {
namespace {

// A stream of ids 1-0 .. n-0 that nobody deleted from.
StreamCounters contiguous(std::uint64_t n) {
  StreamCounters s;
  s.length = n;
  s.entries_added = n;
  s.first_id = n == 0 ? StreamID{} : StreamID{1, 0};
  s.last_id = {n, 0};
  return s;
}

TEST(StreamLagTest, NeverUsedStreamHasZeroReadAndZeroLag) {
  StreamCounters s;
  EXPECT_EQ(estimate_entries_read(s, {5, 0}), 0);
  ConsumerGroup g({0, 0}, kInvalidEntriesRead);
  std::int64_t lag = -7;
  ASSERT_TRUE(g.lag(s, lag));
  EXPECT_EQ(lag, 0);
}

TEST(StreamLagTest, EstimateIsExactAtTheLastAndFirstEntry) {
  const StreamCounters s = contiguous(5);
  EXPECT_EQ(estimate_entries_read(s, {5, 0}), 5);
  EXPECT_EQ(estimate_entries_read(s, {1, 0}), 1);
  // Before the first entry: nothing read yet.
  EXPECT_EQ(estimate_entries_read(s, {0, 0}), 0);
  // In the middle: unknown (Redis does not count entries to get there).
  EXPECT_EQ(estimate_entries_read(s, {3, 0}), kInvalidEntriesRead);
  // In the future: unknown.
  EXPECT_EQ(estimate_entries_read(s, {6, 0}), kInvalidEntriesRead);
}

TEST(StreamLagTest, TrimmedStreamCountsTheRemovedHead) {
  // XADD 1..10 then XTRIM MAXLEN 4: entries 7..10 remain, no tombstone.
  StreamCounters s = contiguous(10);
  s.length = 4;
  s.first_id = {7, 0};
  EXPECT_EQ(estimate_entries_read(s, {0, 0}), 6);
  EXPECT_EQ(estimate_entries_read(s, {7, 0}), 7);
}

TEST(StreamLagTest, DeletionAheadMakesEstimatesUnknown) {
  // XADD 1..5, XDEL 3: max_deleted_id 3-0 lies after the first entry.
  StreamCounters s = contiguous(5);
  s.length = 4;
  s.max_deleted_id = {3, 0};
  EXPECT_EQ(estimate_entries_read(s, {0, 0}), kInvalidEntriesRead);
  EXPECT_EQ(estimate_entries_read(s, {1, 0}), kInvalidEntriesRead);
  EXPECT_EQ(estimate_entries_read(s, {5, 0}), 5);  // the last stays exact
  EXPECT_TRUE(range_has_tombstones(s, {0, 0}));
  EXPECT_TRUE(range_has_tombstones(s, {3, 0}));
  EXPECT_FALSE(range_has_tombstones(s, {4, 0}));
  EXPECT_FALSE(range_has_tombstones(s, {0, 0}, {2, 0}));
}

TEST(StreamLagTest, DeletionBeforeTheFirstEntryIsNotATombstone) {
  // XADD 1..5, XDEL 1: the first entry is now 2-0, after max_deleted_id.
  StreamCounters s = contiguous(5);
  s.length = 4;
  s.first_id = {2, 0};
  s.max_deleted_id = {1, 0};
  EXPECT_FALSE(range_has_tombstones(s, {0, 0}));
  EXPECT_EQ(estimate_entries_read(s, {0, 0}), 1);
}

TEST(StreamLagTest, EmptiedStreamAnswersEntriesAddedUpToItsLastId) {
  StreamCounters s;
  s.entries_added = 3;
  s.last_id = {3, 0};
  s.max_deleted_id = {3, 0};
  EXPECT_EQ(estimate_entries_read(s, {0, 0}), 3);
  EXPECT_EQ(estimate_entries_read(s, {3, 0}), 3);
  EXPECT_EQ(estimate_entries_read(s, {4, 0}), kInvalidEntriesRead);
  EXPECT_FALSE(range_has_tombstones(s, {0, 0}));  // empty: nothing to miss
}

TEST(StreamLagTest, GroupCreatedAtZeroOnAFullStreamKnowsItsLag) {
  // XGROUP CREATE s g 0 on 1..5: entries-read stays unknown (nil), but the
  // lag is estimated from the position: 5.
  const StreamCounters s = contiguous(5);
  ConsumerGroup g({0, 0}, kInvalidEntriesRead);
  std::int64_t lag = 0;
  ASSERT_TRUE(g.lag(s, lag));
  EXPECT_EQ(lag, 5);
  // The first read recovers the counter (1-0 is the first entry), then
  // each read counts one.
  g.advance_to(s, {1, 0});
  EXPECT_EQ(g.entries_read(), 1);
  g.advance_to(s, {2, 0});
  EXPECT_EQ(g.entries_read(), 2);
  ASSERT_TRUE(g.lag(s, lag));
  EXPECT_EQ(lag, 3);
  // Going back is not a read.
  g.advance_to(s, {1, 0});
  EXPECT_EQ(g.last_delivered_id(), (StreamID{2, 0}));
  EXPECT_EQ(g.entries_read(), 2);
}

TEST(StreamLagTest, GroupInTheMiddleWithoutCounterHasNilLagUntilItReachesTheEnd) {
  // XGROUP CREATE s g 3-0 on 1..5: entries-read nil and no estimate for
  // 3-0 -> lag nil. Reading to 5-0 makes both known again.
  const StreamCounters s = contiguous(5);
  ConsumerGroup g({3, 0}, kInvalidEntriesRead);
  EXPECT_EQ(estimate_entries_read(s, {3, 0}), kInvalidEntriesRead);
  std::int64_t lag = 0;
  EXPECT_FALSE(g.lag(s, lag));
  g.advance_to(s, {4, 0});
  EXPECT_EQ(g.entries_read(), kInvalidEntriesRead);
  g.advance_to(s, {5, 0});
  EXPECT_EQ(g.entries_read(), 5);
  ASSERT_TRUE(g.lag(s, lag));
  EXPECT_EQ(lag, 0);
}

TEST(StreamLagTest, TombstoneAheadOfAValidCounterFallsBackToTheEstimate) {
  // Group read 1-0 (entries_read 1), then XDEL 3-0: the counter cannot be
  // trusted and 1-0 is not the first entry's position any more -> nil.
  StreamCounters s = contiguous(5);
  ConsumerGroup g({0, 0}, 0);
  g.advance_to(s, {1, 0});
  s.length = 4;
  s.max_deleted_id = {3, 0};
  std::int64_t lag = 0;
  EXPECT_FALSE(g.lag(s, lag));
  // Past the tombstone the counter is trusted again.
  g.advance_to(s, {4, 0});
  ASSERT_TRUE(g.lag(s, lag));
}

TEST(ConsumerGroupTest, DeliveryKeepsGroupAndOwnerPelInStep) {
  ConsumerGroup g({0, 0}, 0);
  bool created = false;
  Consumer& alice = g.find_or_create_consumer("alice", 100, created);
  EXPECT_TRUE(created);
  Consumer& bob = g.find_or_create_consumer("bob", 200, created);
  g.deliver_new({1, 0}, alice, 1000);
  g.deliver_new({2, 0}, alice, 1000);
  ASSERT_EQ(g.pel().size(), 2U);
  EXPECT_EQ(alice.pending.size(), 2U);
  EXPECT_EQ(g.find_pending({1, 0})->delivery_count, 1U);

  // Re-delivery of a pending ID by ">" (after SETID back) moves it to bob,
  // count reset to 1.
  g.find_pending({1, 0})->delivery_count = 4;
  g.deliver_new({1, 0}, bob, 2000);
  EXPECT_EQ(g.find_pending({1, 0})->owner, &bob);
  EXPECT_EQ(g.find_pending({1, 0})->delivery_count, 1U);
  EXPECT_EQ(g.find_pending({1, 0})->delivery_time_ms, 2000);
  EXPECT_EQ(alice.pending.count({1, 0}), 0U);
  EXPECT_EQ(bob.pending.count({1, 0}), 1U);

  // Transfer (XCLAIM) of 2-0 to bob, then ACK.
  g.transfer(*g.find_pending({2, 0}), {2, 0}, bob);
  EXPECT_TRUE(alice.pending.empty());
  EXPECT_EQ(bob.pending.size(), 2U);
  EXPECT_TRUE(g.acknowledge({2, 0}));
  EXPECT_FALSE(g.acknowledge({2, 0}));
  EXPECT_EQ(g.pel().size(), 1U);
  EXPECT_EQ(bob.pending.size(), 1U);

  // An existing consumer keeps its seen time.
  Consumer& again = g.find_or_create_consumer("alice", 999, created);
  EXPECT_FALSE(created);
  EXPECT_EQ(&again, &alice);
  EXPECT_EQ(again.seen_time_ms, 100);
}

TEST(ConsumerGroupTest, DeletingAConsumerDropsItsPendingEntries) {
  ConsumerGroup g({0, 0}, 0);
  bool created = false;
  Consumer& a = g.find_or_create_consumer("a", 0, created);
  Consumer& b = g.find_or_create_consumer("b", 0, created);
  g.deliver_new({1, 0}, a, 0);
  g.deliver_new({2, 0}, b, 0);
  g.deliver_new({3, 0}, a, 0);
  EXPECT_EQ(g.delete_consumer("a"), 2);
  EXPECT_EQ(g.delete_consumer("a"), -1);
  ASSERT_EQ(g.pel().size(), 1U);
  EXPECT_EQ(g.pel().begin()->first, (StreamID{2, 0}));
  EXPECT_EQ(g.find_consumer("a"), nullptr);
  EXPECT_EQ(g.delete_consumer("b"), 1);
  EXPECT_TRUE(g.pel().empty());
}

TEST(ConsumerGroupTest, ForcedClaimCreatesAnEntryWithZeroCount) {
  ConsumerGroup g({0, 0}, 0);
  bool created = false;
  Consumer& c = g.find_or_create_consumer("c", 0, created);
  PendingEntry& e = g.create_pending({9, 0}, c);
  EXPECT_EQ(e.delivery_count, 0U);
  EXPECT_EQ(e.owner, &c);
  EXPECT_EQ(c.pending.count({9, 0}), 1U);
}

TEST(StreamGroupsTest, NamesAreOrderedByBytesAndUnique) {
  StreamGroups groups;
  ASSERT_NE(groups.create("ab", {}, 0), nullptr);
  ASSERT_NE(groups.create("a", {}, 0), nullptr);
  ASSERT_NE(groups.create("B", {}, 0), nullptr);
  ASSERT_NE(groups.create("\xff", {}, 0), nullptr);
  EXPECT_EQ(groups.create("a", {}, 0), nullptr);
  std::vector<std::string> names;
  for (const auto& [name, group] : groups.all()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"B", "a", "ab", "\xff"}));
  EXPECT_TRUE(groups.destroy("a"));
  EXPECT_FALSE(groups.destroy("a"));
  EXPECT_EQ(groups.size(), 3U);
  EXPECT_EQ(groups.find("a"), nullptr);
  EXPECT_NE(groups.find("ab"), nullptr);
}

TEST(StreamGroupsTest, CloneIsDeepAndRepointsOwners) {
  StreamGroups groups;
  ConsumerGroup* g = groups.create("g", {5, 0}, 5);
  bool created = false;
  Consumer& a = g->find_or_create_consumer("a", 7, created);
  g->deliver_new({3, 0}, a, 11);
  g->deliver_new({4, 0}, a, 12);

  auto copy = groups.clone();
  ConsumerGroup* cg = copy->find("g");
  ASSERT_NE(cg, nullptr);
  EXPECT_EQ(cg->last_delivered_id(), (StreamID{5, 0}));
  EXPECT_EQ(cg->entries_read(), 5);
  Consumer* ca = cg->find_consumer("a");
  ASSERT_NE(ca, nullptr);
  EXPECT_NE(ca, &a);
  ASSERT_EQ(cg->pel().size(), 2U);
  for (const auto& [id, entry] : cg->pel()) EXPECT_EQ(entry.owner, ca);
  EXPECT_EQ(cg->find_pending({4, 0})->delivery_time_ms, 12);

  // Changing the original leaves the copy alone.
  EXPECT_TRUE(g->acknowledge({3, 0}));
  EXPECT_EQ(g->delete_consumer("a"), 1);
  EXPECT_EQ(cg->pel().size(), 2U);
  EXPECT_EQ(ca->pending.size(), 2U);
  EXPECT_GT(copy->memory_usage(), groups.memory_usage());
}

}  // namespace
}  // namespace mini_redis::types
