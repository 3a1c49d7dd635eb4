// LSET, LTRIM, LREM, LINSERT and LPOS. Every expected reply and error was
// checked against redis-server 7.0.15.
#include <gtest/gtest.h>

#include <string>

#include "unit/commands/lists/list_test_helpers.h"

namespace mini_redis::testing {
namespace {

class ListEditTest : public ::testing::Test {
 protected:
  bool exists(const std::string& key) { return h.keyspace.db(0).lookup_quietly(key) != nullptr; }
  CommandHarness h;
};

const std::string kNotInteger = "-ERR value is not an integer or out of range\r\n";
const std::string kSyntax = "-ERR syntax error\r\n";

// ---- LSET
// ----------------------------------------------------------------------------------------------

TEST_F(ListEditTest, LsetOverwritesByIndexFromEitherEnd) {
  h.run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(h.run({"LSET", "l", "0", "x"}), "+OK\r\n");
  EXPECT_EQ(h.run({"LSET", "l", "-1", "12345"}), "+OK\r\n");
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"x", "b", "12345"}));
}

TEST_F(ListEditTest, LsetErrorsInRedisOrder) {
  // The key is looked up first, so a missing key wins over a bad index.
  EXPECT_EQ(h.run({"LSET", "nope", "abc", "x"}), "-ERR no such key\r\n");
  h.run({"RPUSH", "l", "a"});
  EXPECT_EQ(h.run({"LSET", "l", "abc", "x"}), kNotInteger);
  EXPECT_EQ(h.run({"LSET", "l", "1", "x"}), "-ERR index out of range\r\n");
  EXPECT_EQ(h.run({"LSET", "l", "-2", "x"}), "-ERR index out of range\r\n");
}

TEST_F(ListEditTest, LsetAnnouncesAfterReplying) {
  h.run({"RPUSH", "l", "a"});
  EventLog events(h);
  h.run({"LSET", "l", "0", "b"});
  h.run({"LSET", "l", "5", "b"});
  EXPECT_EQ(events.take(), (Events{"lset l"}));
}

// ---- LTRIM
// ---------------------------------------------------------------------------------------------

TEST_F(ListEditTest, LtrimKeepsTheRange) {
  h.run({"RPUSH", "l", "a", "b", "c", "d", "e"});
  EXPECT_EQ(h.run({"LTRIM", "l", "1", "-2"}), "+OK\r\n");
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"b", "c", "d"}));
  EXPECT_EQ(h.run({"LTRIM", "l", "0", "100"}), "+OK\r\n");
  EXPECT_EQ(h.run({"LLEN", "l"}), ":3\r\n");
}

TEST_F(ListEditTest, LtrimToNothingDeletesTheKey) {
  h.run({"RPUSH", "l", "a", "b"});
  EventLog events(h);
  EXPECT_EQ(h.run({"LTRIM", "l", "1", "0"}), "+OK\r\n");
  EXPECT_FALSE(exists("l"));
  EXPECT_EQ(events.take(), (Events{"ltrim l", "del l"}));
  EXPECT_EQ(h.run({"LTRIM", "l", "0", "1"}), "+OK\r\n");
  EXPECT_EQ(events.take(), Events{});
}

TEST_F(ListEditTest, LtrimAcrossNodes) {
  h.config.list_max_listpack_size = 2;
  h.run({"RPUSH", "l", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"});
  h.run({"LTRIM", "l", "3", "6"});
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"4", "5", "6", "7"}));
}

TEST_F(ListEditTest, LtrimReadsItsIndexesFirst) {
  EXPECT_EQ(h.run({"LTRIM", "nope", "a", "1"}), kNotInteger);
  EXPECT_EQ(h.run({"LTRIM", "nope", "0", "1"}), "+OK\r\n");
}

// ---- LREM
// ----------------------------------------------------------------------------------------------

TEST_F(ListEditTest, LremCountsFromTheHeadTheTailOrRemovesAll) {
  h.run({"RPUSH", "l", "a", "b", "a", "c", "a", "b", "a"});
  EXPECT_EQ(h.run({"LREM", "l", "2", "a"}), ":2\r\n");
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"b", "c", "a", "b", "a"}));
  EXPECT_EQ(h.run({"LREM", "l", "-1", "a"}), ":1\r\n");
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"b", "c", "a", "b"}));
  EXPECT_EQ(h.run({"LREM", "l", "0", "b"}), ":2\r\n");
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"c", "a"}));
}

TEST_F(ListEditTest, LremWithTheSmallestCountRemovesEveryMatch) {
  h.run({"RPUSH", "l", "a", "b", "a", "b", "a"});
  EXPECT_EQ(h.run({"LREM", "l", "-9223372036854775808", "a"}), ":3\r\n");
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"b", "b"}));
}

TEST_F(ListEditTest, LremMatchesOnlyTheCanonicalSpellingOfAnInteger) {
  h.run({"RPUSH", "l", "42", "042", "42"});
  EXPECT_EQ(h.run({"LREM", "l", "0", "042"}), ":1\r\n");
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"42", "42"}));
}

TEST_F(ListEditTest, LremEmptyingTheListDeletesItAfterAnnouncingLrem) {
  h.config.list_max_listpack_size = 2;
  h.run({"RPUSH", "l", "x", "x", "x", "x", "x"});
  EventLog events(h);
  EXPECT_EQ(h.run({"LREM", "l", "0", "zz"}), ":0\r\n");
  EXPECT_EQ(h.run({"LREM", "l", "0", "x"}), ":5\r\n");
  EXPECT_FALSE(exists("l"));
  EXPECT_EQ(events.take(), (Events{"lrem l", "del l"}));
  EXPECT_EQ(h.run({"LREM", "l", "x", "a"}), kNotInteger);
  EXPECT_EQ(h.run({"LREM", "l", "0", "a"}), ":0\r\n");
}

// ---- LINSERT
// -------------------------------------------------------------------------------------------

TEST_F(ListEditTest, LinsertNextToTheFirstPivot) {
  h.run({"RPUSH", "l", "a", "b", "a"});
  EXPECT_EQ(h.run({"LINSERT", "l", "BEFORE", "a", "x"}), ":4\r\n");
  EXPECT_EQ(h.run({"LINSERT", "l", "after", "a", "y"}), ":5\r\n");
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"x", "a", "y", "b", "a"}));
  EXPECT_EQ(h.run({"LINSERT", "l", "before", "zz", "q"}), ":-1\r\n");
}

TEST_F(ListEditTest, LinsertReadsTheDirectionBeforeTheKey) {
  EXPECT_EQ(h.run({"LINSERT", "nope", "middle", "a", "b"}), kSyntax);
  EXPECT_EQ(h.run({"LINSERT", "nope", "before", "a", "b"}), ":0\r\n");
  EXPECT_FALSE(exists("nope"));
}

TEST_F(ListEditTest, LinsertIntoFullNodes) {
  h.config.list_max_listpack_size = 2;
  h.run({"RPUSH", "l", "1", "2", "3", "4"});
  h.run({"LINSERT", "l", "before", "1", "a"});
  h.run({"LINSERT", "l", "after", "2", "b"});
  h.run({"LINSERT", "l", "after", "4", "c"});
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"a", "1", "2", "b", "3", "4", "c"}));
}

TEST_F(ListEditTest, LinsertAnnouncesOnlyWhenItInserted) {
  h.run({"RPUSH", "l", "a"});
  EventLog events(h);
  h.run({"LINSERT", "l", "before", "zz", "q"});
  h.run({"LINSERT", "l", "before", "a", "q"});
  EXPECT_EQ(events.take(), (Events{"linsert l"}));
}

// ---- LPOS
// ----------------------------------------------------------------------------------------------

class LposTest : public ListEditTest {
 protected:
  void SetUp() override { h.run({"RPUSH", "l", "a", "b", "c", "a", "b", "c", "a"}); }
};

TEST_F(LposTest, FindsTheFirstMatchOrNull) {
  EXPECT_EQ(h.run({"LPOS", "l", "c"}), ":2\r\n");
  EXPECT_EQ(h.run({"LPOS", "l", "zz"}), kNullBulk);
  EXPECT_EQ(h.run({"LPOS", "nope", "a"}), kNullBulk);
  EXPECT_EQ(h.run({"LPOS", "nope", "a", "COUNT", "0"}), kEmptyArray);
}

TEST_F(LposTest, RankSkipsMatchesAndANegativeRankSearchesFromTheTail) {
  EXPECT_EQ(h.run({"LPOS", "l", "a", "RANK", "2"}), ":3\r\n");
  EXPECT_EQ(h.run({"LPOS", "l", "a", "RANK", "-1"}), ":6\r\n");
  EXPECT_EQ(h.run({"LPOS", "l", "a", "RANK", "-3"}), ":0\r\n");
  EXPECT_EQ(h.run({"LPOS", "l", "a", "RANK", "4"}), kNullBulk);
}

TEST_F(LposTest, CountAnswersAnArrayAndZeroMeansAll) {
  EXPECT_EQ(h.run({"LPOS", "l", "a", "COUNT", "2"}), integers({0, 3}));
  EXPECT_EQ(h.run({"LPOS", "l", "a", "COUNT", "0"}), integers({0, 3, 6}));
  EXPECT_EQ(h.run({"LPOS", "l", "a", "COUNT", "0", "RANK", "-2"}), integers({3, 0}));
  EXPECT_EQ(h.run({"LPOS", "l", "zz", "COUNT", "1"}), kEmptyArray);
}

TEST_F(LposTest, MaxlenLimitsTheElementsCompared) {
  EXPECT_EQ(h.run({"LPOS", "l", "a", "COUNT", "0", "MAXLEN", "4"}), integers({0, 3}));
  EXPECT_EQ(h.run({"LPOS", "l", "b", "RANK", "-1", "MAXLEN", "2"}), kNullBulk);
  EXPECT_EQ(h.run({"LPOS", "l", "a", "RANK", "2", "MAXLEN", "3"}), kNullBulk);
}

TEST_F(LposTest, TheSmallestRankAnswersEveryMatchFromTheTailAsRedisDoes) {
  EXPECT_EQ(h.run({"LPOS", "l", "a", "RANK", "-9223372036854775808"}), ":6\r\n");
  EXPECT_EQ(h.run({"LPOS", "l", "a", "RANK", "-9223372036854775808", "COUNT", "1"}),
            integers({6, 3, 0}));
  EXPECT_EQ(h.run({"LPOS", "l", "a", "RANK", "9223372036854775807"}), kNullBulk);
}

TEST_F(LposTest, OptionErrorsComeBeforeTheKeyIsLookedAt) {
  EXPECT_EQ(h.run({"LPOS", "nope", "a", "RANK", "0"}),
            "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list\r\n");
  EXPECT_EQ(h.run({"LPOS", "l", "a", "RANK", "x"}), kNotInteger);
  EXPECT_EQ(h.run({"LPOS", "l", "a", "COUNT", "-1"}), "-ERR COUNT can't be negative\r\n");
  EXPECT_EQ(h.run({"LPOS", "l", "a", "COUNT", "x"}), "-ERR COUNT can't be negative\r\n");
  EXPECT_EQ(h.run({"LPOS", "l", "a", "MAXLEN", "x"}), "-ERR MAXLEN can't be negative\r\n");
  EXPECT_EQ(h.run({"LPOS", "l", "a", "FOO", "1"}), kSyntax);
  EXPECT_EQ(h.run({"LPOS", "l", "a", "RANK"}), kSyntax);
}

TEST_F(LposTest, Resp3NullsAreUnderscores) {
  h.client.protocol = protocol::ProtocolVersion::resp3;
  EXPECT_EQ(h.run({"LPOS", "l", "zz"}), "_\r\n");
  EXPECT_EQ(h.run({"LPOS", "nope", "zz"}), "_\r\n");
}

}  // namespace
}  // namespace mini_redis::testing
