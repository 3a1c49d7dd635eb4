// Lazy free: big values leave the table at once and are freed by the
// thread; small ones are freed on the spot. The counters are INFO's
// lazyfree_pending_objects and lazyfreed_objects.
#include "storage/lazy_free.h"

#include <gtest/gtest.h>

#include <string>

#include "storage/keyspace.h"
#include "types/quicklist.h"

namespace mini_redis::storage {
namespace {

class LazyFreeTest : public ::testing::Test {
 protected:
  ManualClock clock{1'700'000'000'000};
  Keyspace keyspace{clock, 2};
  Database& db = keyspace.db(0);
  LazyFree& lazy_free = keyspace.lazy_free();

  // A list of `nodes` quicklist nodes: one element per node (fill 1).
  void add_list(std::string_view key, std::size_t nodes) {
    types::Quicklist& list = db.add(key, types::Quicklist{1});
    for (std::size_t i = 0; i < nodes; ++i) list.push_back("element " + std::to_string(i));
    ASSERT_EQ(list.node_count(), nodes);
  }
};

TEST_F(LazyFreeTest, FreeEffortCountsAllocations) {
  db.set("s", "value");
  add_list("small", 3);
  add_list("big", 100);
  EXPECT_EQ(free_effort(*db.lookup_quietly("s")), 1u);
  EXPECT_EQ(free_effort(*db.lookup_quietly("small")), 3u);
  EXPECT_EQ(free_effort(*db.lookup_quietly("big")), 100u);
}

TEST_F(LazyFreeTest, UnlinkOfABigValueIsFreedByTheThread) {
  add_list("big", kLazyFreeThreshold + 1);
  ASSERT_TRUE(db.unlink("big"));
  EXPECT_EQ(db.lookup_quietly("big"), nullptr);  // gone at once
  lazy_free.wait_until_idle();
  EXPECT_EQ(lazy_free.freed_objects(), 1u);
  EXPECT_EQ(lazy_free.pending_objects(), 0u);
}

TEST_F(LazyFreeTest, SmallValuesAreFreedOnTheSpot) {
  // At the threshold exactly, not above it: Redis's `effort > LAZYFREE_THRESHOLD`.
  add_list("edge", kLazyFreeThreshold);
  db.set("s", "v");
  EXPECT_TRUE(db.unlink("edge"));
  EXPECT_TRUE(db.unlink("s"));
  EXPECT_FALSE(db.unlink("missing"));
  lazy_free.wait_until_idle();
  EXPECT_EQ(lazy_free.freed_objects(), 0u);
}

TEST_F(LazyFreeTest, EraseNeverUsesTheThread) {
  add_list("big", 200);
  ASSERT_TRUE(db.erase("big"));
  lazy_free.wait_until_idle();
  EXPECT_EQ(lazy_free.freed_objects(), 0u);
}

TEST_F(LazyFreeTest, LazyClearHandsOverTheWholeTableCountedPerKey) {
  for (int i = 0; i < 1000; ++i) db.set("key:" + std::to_string(i), "v");
  db.set_expire_at(*db.lookup_quietly("key:1"), clock.now_ms() + 1000);
  keyspace.clear(/*lazily=*/true);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expiring_count(), 0u);
  // The emptied database works as before.
  db.set("after", "v");
  EXPECT_EQ(db.lookup_quietly("after")->value(), "v");
  lazy_free.wait_until_idle();
  EXPECT_EQ(lazy_free.freed_objects(), 1000u);
  EXPECT_EQ(lazy_free.pending_objects(), 0u);
}

TEST_F(LazyFreeTest, ExpiredBigValuesGoToTheThreadOnlyWhenAsked) {
  add_list("a", 100);
  db.set_expire_at(*db.lookup_quietly("a"), clock.now_ms() + 10);
  clock.advance(11);
  EXPECT_EQ(db.lookup_for_read("a"), nullptr);  // lazyfree-lazy-expire is off
  lazy_free.wait_until_idle();
  EXPECT_EQ(lazy_free.freed_objects(), 0u);

  keyspace.set_lazy_free_modes({.expire = true});
  add_list("b", 100);
  db.set_expire_at(*db.lookup_quietly("b"), clock.now_ms() + 10);
  clock.advance(11);
  EXPECT_EQ(db.lookup_for_read("b"), nullptr);
  lazy_free.wait_until_idle();
  EXPECT_EQ(lazy_free.freed_objects(), 1u);
}

TEST_F(LazyFreeTest, DestroyingTheKeyspaceFreesWhatIsStillQueued) {
  // Run under AddressSanitizer's leak check: nothing queued may be lost.
  for (int i = 0; i < 20; ++i) {
    add_list("l" + std::to_string(i), 100);
    db.unlink("l" + std::to_string(i));
  }
  SUCCEED();
}

}  // namespace
}  // namespace mini_redis::storage
