// DBSIZE, FLUSHDB, FLUSHALL and SWAPDB, as Redis 7.0 answers them.
#include <gtest/gtest.h>

#include "unit/support/command_harness.h"
#include "unit/support/key_test_helpers.h"

namespace mini_redis::testing {
namespace {

TEST(Dbsize, CountsTheKeysOfTheSelectedDatabase) {
  CommandHarness h;
  EXPECT_EQ(h.run({"DBSIZE"}), ":0\r\n");
  put(h, "a", "1");
  put(h, "b", "2");
  put(h, "c", "3", 1);
  EXPECT_EQ(h.run({"DBSIZE"}), ":2\r\n");
  h.client.db_index = 1;
  EXPECT_EQ(h.run({"dbsize"}), ":1\r\n");
}

TEST(Dbsize, CountsExpiredKeysNotYetReclaimed) {
  // Redis reads the table's size; it does not look at each key.
  CommandHarness h;
  put_expiring(h, "k", "v", 10);
  h.clock.advance(11);
  EXPECT_EQ(h.run({"DBSIZE"}), ":1\r\n");
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n");  // the lookup reclaims it
  EXPECT_EQ(h.run({"DBSIZE"}), ":0\r\n");
}

TEST(Dbsize, TakesNoArguments) {
  CommandHarness h;
  EXPECT_EQ(h.run({"DBSIZE", "x"}), "-ERR wrong number of arguments for 'dbsize' command\r\n");
}

TEST(Flushdb, EmptiesOnlyTheSelectedDatabase) {
  CommandHarness h;
  put(h, "a", "1");
  put_expiring(h, "b", "2", 1000);
  put(h, "c", "3", 1);
  EXPECT_EQ(h.run({"FLUSHDB"}), "+OK\r\n");
  EXPECT_EQ(h.keyspace.db(0).size(), 0U);
  EXPECT_EQ(h.keyspace.db(0).expiring_count(), 0U);
  EXPECT_EQ(value_of(h, "c", 1), "3");
}

TEST(Flushdb, AcceptsAsyncOrSyncInAnyCase) {
  CommandHarness h;
  put(h, "a", "1");
  EXPECT_EQ(h.run({"FLUSHDB", "async"}), "+OK\r\n");
  EXPECT_EQ(h.keyspace.db(0).size(), 0U);
  put(h, "a", "1");
  EXPECT_EQ(h.run({"FLUSHDB", "SYNC"}), "+OK\r\n");
  EXPECT_EQ(h.keyspace.db(0).size(), 0U);
}

TEST(Flushdb, RejectsAnythingElse) {
  CommandHarness h;
  put(h, "a", "1");
  EXPECT_EQ(h.run({"FLUSHDB", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"FLUSHDB", "async", "sync"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.keyspace.db(0).size(), 1U);
}

TEST(Flushall, EmptiesEveryDatabase) {
  CommandHarness h;
  put(h, "a", "1");
  put(h, "b", "2", 7);
  put(h, "c", "3", 15);
  EXPECT_EQ(h.run({"FLUSHALL"}), "+OK\r\n");
  EXPECT_EQ(h.keyspace.total_keys(), 0U);
}

TEST(Flushall, AcceptsAsyncOrSyncAndRejectsAnythingElse) {
  CommandHarness h;
  EXPECT_EQ(h.run({"FLUSHALL", "Async"}), "+OK\r\n");
  EXPECT_EQ(h.run({"FLUSHALL", "sync"}), "+OK\r\n");
  EXPECT_EQ(h.run({"FLUSHALL", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"FLUSHALL", "async", "x"}), "-ERR syntax error\r\n");
}

TEST(Swapdb, ClientsOfOneDatabaseSeeTheOthersKeys) {
  CommandHarness h;
  put(h, "zero", "0", 0);
  put(h, "one", "1", 1);
  EXPECT_EQ(h.run({"SWAPDB", "0", "1"}), "+OK\r\n");
  EXPECT_EQ(h.run({"KEYS", "*"}), "*1\r\n$3\r\none\r\n");
  h.client.db_index = 1;
  EXPECT_EQ(h.run({"KEYS", "*"}), "*1\r\n$4\r\nzero\r\n");
}

TEST(Swapdb, KeepsTimesToLive) {
  CommandHarness h;
  put_expiring(h, "k", "v", 4000, 2);
  EXPECT_EQ(h.run({"SWAPDB", "2", "0"}), "+OK\r\n");
  EXPECT_EQ(h.run({"PTTL", "k"}), ":4000\r\n");
}

TEST(Swapdb, WithItselfIsOk) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"SWAPDB", "0", "0"}), "+OK\r\n");
  EXPECT_EQ(value_of(h, "k"), "v");
}

TEST(Swapdb, NamesWhichIndexIsNotANumber) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SWAPDB", "x", "0"}), "-ERR invalid first DB index\r\n");
  EXPECT_EQ(h.run({"SWAPDB", "0", "x"}), "-ERR invalid second DB index\r\n");
  EXPECT_EQ(h.run({"SWAPDB", "16", "x"}), "-ERR invalid second DB index\r\n");
  // Numbers that do not fit in a C int get the same words.
  EXPECT_EQ(h.run({"SWAPDB", "4294967296", "0"}), "-ERR invalid first DB index\r\n");
  EXPECT_EQ(h.run({"SWAPDB", "0", "99999999999999999999"}), "-ERR invalid second DB index\r\n");
}

TEST(Swapdb, RejectsAnIndexOutOfRange) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SWAPDB", "0", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h.run({"SWAPDB", "-1", "0"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h.run({"SWAPDB", "0"}), "-ERR wrong number of arguments for 'swapdb' command\r\n");
}

}  // namespace
}  // namespace mini_redis::testing
