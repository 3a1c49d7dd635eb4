// DEL, UNLINK, EXISTS, TOUCH, TYPE, RENAME, RENAMENX, COPY and MOVE, byte for
// byte as Redis 7.0 answers them (each error text checked against
// redis-server 7.0.15).
#include <gtest/gtest.h>

#include "unit/support/command_harness.h"
#include "unit/support/key_test_helpers.h"

namespace mini_redis::testing {
namespace {

// ---- DEL / UNLINK ------------------------------------------------------------

TEST(Del, RemovesTheKeysAndCountsEachRemovedKeyOnce) {
  CommandHarness h;
  put(h, "a", "1");
  put(h, "b", "2");
  EXPECT_EQ(h.run({"DEL", "a", "a", "b", "missing"}), ":2\r\n");
  EXPECT_FALSE(value_of(h, "a"));
  EXPECT_FALSE(value_of(h, "b"));
  EXPECT_EQ(h.run({"DEL", "a"}), ":0\r\n");
}

TEST(Del, DoesNotCountAKeyThatHasAlreadyExpired) {
  CommandHarness h;
  put_expiring(h, "k", "v", 100);
  h.clock.advance(101);
  EXPECT_EQ(h.run({"DEL", "k"}), ":0\r\n");
}

TEST(Del, NeedsAtLeastOneKey) {
  CommandHarness h;
  EXPECT_EQ(h.run({"DEL"}), "-ERR wrong number of arguments for 'del' command\r\n");
  EXPECT_EQ(h.run({"UNLINK"}), "-ERR wrong number of arguments for 'unlink' command\r\n");
}

TEST(Unlink, RemovesKeysLikeDel) {
  CommandHarness h;
  put(h, "a", "1");
  put(h, "b", "2");
  EXPECT_EQ(h.run({"unlink", "a", "b", "c"}), ":2\r\n");
  EXPECT_EQ(h.keyspace.db(0).size(), 0U);
}

// ---- EXISTS / TOUCH / TYPE -------------------------------------------------------

TEST(Exists, CountsAKeyAsManyTimesAsItIsNamed) {
  CommandHarness h;
  put(h, "a", "1");
  EXPECT_EQ(h.run({"EXISTS", "a"}), ":1\r\n");
  EXPECT_EQ(h.run({"EXISTS", "a", "a", "b"}), ":2\r\n");
  EXPECT_EQ(h.run({"EXISTS", "nope"}), ":0\r\n");
}

TEST(Exists, DoesNotSeeAnExpiredKey) {
  CommandHarness h;
  put_expiring(h, "k", "v", 10);
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":1\r\n");
  h.clock.advance(11);
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n");
}

TEST(Exists, CountsKeyspaceHitsAndMissesLikeARead) {
  CommandHarness h;
  put(h, "a", "1");
  h.run({"EXISTS", "a", "a", "b"});
  EXPECT_EQ(h.keyspace.stats().keyspace_hits, 2U);
  EXPECT_EQ(h.keyspace.stats().keyspace_misses, 1U);
}

TEST(Touch, CountsExistingKeysIncludingRepeats) {
  CommandHarness h;
  EXPECT_EQ(h.run({"TOUCH", "q", "q", "nope"}), ":0\r\n");
  put(h, "q", "1");
  EXPECT_EQ(h.run({"TOUCH", "q", "q", "nope"}), ":2\r\n");
}

TEST(Type, NamesTheTypeAsAStatusReply) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"TYPE", "k"}), "+string\r\n");
  EXPECT_EQ(h.run({"TYPE", "nope"}), "+none\r\n");
  EXPECT_EQ(h.run({"TYPE"}), "-ERR wrong number of arguments for 'type' command\r\n");
}

TEST(Type, SaysNoneForAnExpiredKey) {
  CommandHarness h;
  put_expiring(h, "k", "v", 5);
  h.clock.advance(6);
  EXPECT_EQ(h.run({"TYPE", "k"}), "+none\r\n");
}

// ---- RENAME / RENAMENX -------------------------------------------------------------

TEST(Rename, MovesTheValueToTheNewName) {
  CommandHarness h;
  put(h, "a", "hello");
  EXPECT_EQ(h.run({"RENAME", "a", "b"}), "+OK\r\n");
  EXPECT_FALSE(value_of(h, "a"));
  EXPECT_EQ(value_of(h, "b"), "hello");
}

TEST(Rename, OverwritesTheDestination) {
  CommandHarness h;
  put(h, "a", "new");
  put(h, "b", "old");
  EXPECT_EQ(h.run({"RENAME", "a", "b"}), "+OK\r\n");
  EXPECT_EQ(value_of(h, "b"), "new");
  EXPECT_EQ(h.keyspace.db(0).size(), 1U);
}

TEST(Rename, KeepsTheSourcesTimeToLive) {
  CommandHarness h;
  put_expiring(h, "a", "v", 5000);
  EXPECT_EQ(h.run({"RENAME", "a", "b"}), "+OK\r\n");
  EXPECT_EQ(h.run({"PTTL", "b"}), ":5000\r\n");
}

TEST(Rename, DropsTheDestinationsOldTimeToLive) {
  CommandHarness h;
  put(h, "a", "v");
  put_expiring(h, "b", "old", 5000);
  EXPECT_EQ(h.run({"RENAME", "a", "b"}), "+OK\r\n");
  EXPECT_EQ(h.run({"PTTL", "b"}), ":-1\r\n");
}

TEST(Rename, FailsWhenTheSourceIsMissing) {
  CommandHarness h;
  EXPECT_EQ(h.run({"RENAME", "nope", "x"}), "-ERR no such key\r\n");
  EXPECT_EQ(h.run({"RENAME", "nope", "nope"}), "-ERR no such key\r\n");
}

TEST(Rename, ToItselfIsOkAndChangesNothing) {
  CommandHarness h;
  put_expiring(h, "a", "v", 5000);
  EXPECT_EQ(h.run({"RENAME", "a", "a"}), "+OK\r\n");
  EXPECT_EQ(value_of(h, "a"), "v");
  EXPECT_EQ(h.run({"PTTL", "a"}), ":5000\r\n");
}

TEST(Renamenx, RenamesOnlyWhenTheDestinationIsFree) {
  CommandHarness h;
  put(h, "a", "1");
  put(h, "b", "2");
  EXPECT_EQ(h.run({"RENAMENX", "a", "b"}), ":0\r\n");
  EXPECT_EQ(value_of(h, "a"), "1");
  EXPECT_EQ(value_of(h, "b"), "2");
  EXPECT_EQ(h.run({"RENAMENX", "a", "c"}), ":1\r\n");
  EXPECT_FALSE(value_of(h, "a"));
  EXPECT_EQ(value_of(h, "c"), "1");
}

TEST(Renamenx, ToItselfAnswersZeroButAMissingKeyIsAnError) {
  CommandHarness h;
  put(h, "a", "1");
  EXPECT_EQ(h.run({"RENAMENX", "a", "a"}), ":0\r\n");
  EXPECT_EQ(h.run({"RENAMENX", "nope", "nope"}), "-ERR no such key\r\n");
  EXPECT_EQ(h.run({"RENAMENX", "nope", "x"}), "-ERR no such key\r\n");
}

TEST(Renamenx, KeepsTheTimeToLive) {
  CommandHarness h;
  put_expiring(h, "a", "v", 3000);
  EXPECT_EQ(h.run({"RENAMENX", "a", "b"}), ":1\r\n");
  EXPECT_EQ(h.run({"PTTL", "b"}), ":3000\r\n");
}

// ---- COPY ------------------------------------------------------------------------

TEST(Copy, CopiesTheValueAndKeepsTheSource) {
  CommandHarness h;
  put(h, "a", "v");
  EXPECT_EQ(h.run({"COPY", "a", "b"}), ":1\r\n");
  EXPECT_EQ(value_of(h, "a"), "v");
  EXPECT_EQ(value_of(h, "b"), "v");
}

TEST(Copy, AnswersZeroForAMissingSource) {
  CommandHarness h;
  EXPECT_EQ(h.run({"COPY", "nope", "x"}), ":0\r\n");
  EXPECT_FALSE(value_of(h, "x"));
}

TEST(Copy, LeavesAnExistingDestinationUnlessReplace) {
  CommandHarness h;
  put(h, "a", "new");
  put_expiring(h, "b", "old", 5000);
  EXPECT_EQ(h.run({"COPY", "a", "b"}), ":0\r\n");
  EXPECT_EQ(value_of(h, "b"), "old");
  EXPECT_EQ(h.run({"COPY", "a", "b", "replace"}), ":1\r\n");
  EXPECT_EQ(value_of(h, "b"), "new");
  EXPECT_EQ(h.run({"PTTL", "b"}), ":-1\r\n");  // the old TTL went with the old value
}

TEST(Copy, CarriesTheTimeToLive) {
  CommandHarness h;
  put_expiring(h, "a", "v", 7000);
  EXPECT_EQ(h.run({"COPY", "a", "b"}), ":1\r\n");
  EXPECT_EQ(h.run({"PTTL", "b"}), ":7000\r\n");
}

TEST(Copy, ToAnotherDatabase) {
  CommandHarness h;
  put_expiring(h, "a", "v", 7000);
  EXPECT_EQ(h.run({"COPY", "a", "a", "DB", "3"}), ":1\r\n");
  EXPECT_EQ(value_of(h, "a", 3), "v");
  EXPECT_EQ(value_of(h, "a", 0), "v");
  h.client.db_index = 3;
  EXPECT_EQ(h.run({"PTTL", "a"}), ":7000\r\n");
}

TEST(Copy, OptionsMayComeInAnyOrderAndCase) {
  CommandHarness h;
  put(h, "a", "v");
  put(h, "b", "old", 2);
  EXPECT_EQ(h.run({"COPY", "a", "b", "Replace", "db", "2"}), ":1\r\n");
  EXPECT_EQ(value_of(h, "b", 2), "v");
}

TEST(Copy, ToItselfInTheSameDatabaseIsAnError) {
  CommandHarness h;
  put(h, "a", "v");
  EXPECT_EQ(h.run({"COPY", "a", "a"}), "-ERR source and destination objects are the same\r\n");
  EXPECT_EQ(h.run({"COPY", "a", "a", "DB", "0"}),
            "-ERR source and destination objects are the same\r\n");
  // Checked before the source is looked up.
  EXPECT_EQ(h.run({"COPY", "nope", "nope"}),
            "-ERR source and destination objects are the same\r\n");
}

TEST(Copy, RejectsBadOptions) {
  CommandHarness h;
  put(h, "a", "v");
  EXPECT_EQ(h.run({"COPY", "a", "c", "DB", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h.run({"COPY", "a", "c", "DB", "-1"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h.run({"COPY", "a", "c", "DB", "abc"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"COPY", "a", "c", "DB", "4294967296"}),
            "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  EXPECT_EQ(h.run({"COPY", "a", "c", "DB"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"COPY", "a", "c", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"COPY", "a"}), "-ERR wrong number of arguments for 'copy' command\r\n");
  EXPECT_FALSE(value_of(h, "c"));
}

// ---- MOVE ------------------------------------------------------------------------

TEST(Move, MovesTheKeyWithItsTimeToLive) {
  CommandHarness h;
  put_expiring(h, "k", "v", 9000);
  EXPECT_EQ(h.run({"MOVE", "k", "1"}), ":1\r\n");
  EXPECT_FALSE(value_of(h, "k", 0));
  EXPECT_EQ(value_of(h, "k", 1), "v");
  h.client.db_index = 1;
  EXPECT_EQ(h.run({"PTTL", "k"}), ":9000\r\n");
}

TEST(Move, NeverOverwritesTheTarget) {
  CommandHarness h;
  put(h, "k", "here");
  put(h, "k", "there", 1);
  EXPECT_EQ(h.run({"MOVE", "k", "1"}), ":0\r\n");
  EXPECT_EQ(value_of(h, "k", 0), "here");
  EXPECT_EQ(value_of(h, "k", 1), "there");
}

TEST(Move, AnswersZeroForAMissingKey) {
  CommandHarness h;
  EXPECT_EQ(h.run({"MOVE", "nope", "1"}), ":0\r\n");
}

TEST(Move, FromTheSelectedDatabase) {
  CommandHarness h;
  put(h, "k", "v", 5);
  h.client.db_index = 5;
  EXPECT_EQ(h.run({"MOVE", "k", "0"}), ":1\r\n");
  EXPECT_EQ(value_of(h, "k", 0), "v");
}

TEST(Move, ToTheSameDatabaseIsAnErrorEvenForAMissingKey) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"MOVE", "k", "0"}), "-ERR source and destination objects are the same\r\n");
  EXPECT_EQ(h.run({"MOVE", "nope", "0"}), "-ERR source and destination objects are the same\r\n");
}

TEST(Move, RejectsABadIndex) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"MOVE", "k", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h.run({"MOVE", "k", "-1"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h.run({"MOVE", "k", "x"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"MOVE", "k", "2147483648"}),
            "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  EXPECT_EQ(h.run({"MOVE", "k", "99999999999999999999"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"MOVE", "k"}), "-ERR wrong number of arguments for 'move' command\r\n");
}

// ---- the command table -------------------------------------------------------------

TEST(KeyCommandTable, RowsMatchCommandInfo) {
  CommandHarness h;
  const commands::CommandSpec* del = h.table.find("del");
  ASSERT_NE(del, nullptr);
  EXPECT_EQ(del->arity, -2);
  EXPECT_EQ(del->flags, commands::flags::kWrite);
  EXPECT_EQ(del->first_key, 1);
  EXPECT_EQ(del->last_key, -1);
  EXPECT_EQ(del->key_step, 1);
  EXPECT_EQ(del->group, "generic");
  EXPECT_EQ(del->acl_categories, "@keyspace @write @slow");

  const commands::CommandSpec* rename = h.table.find("RENAME");
  ASSERT_NE(rename, nullptr);
  EXPECT_EQ(rename->key_specs, "RW access delete|OW update");

  const commands::CommandSpec* dbsize = h.table.find("dbsize");
  ASSERT_NE(dbsize, nullptr);
  EXPECT_EQ(dbsize->group, "server");
}

}  // namespace
}  // namespace mini_redis::testing
