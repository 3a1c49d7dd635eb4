// The sorted set commands through the dispatcher: ZADD's options, score
// spellings, ranges, pops, set algebra, encodings and events. Every
// expected reply was checked against Redis 7.0.15
// (tests/diff/cases/sorted_sets.txt compares them on the wire).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "commands/sorted_sets/sorted_set_commands.h"
#include "unit/support/command_harness.h"

namespace mini_redis::testing {
namespace {

class SortedSetCommands : public ::testing::Test {
 protected:
  std::string encoding(const std::string& key) { return h.run({"OBJECT", "ENCODING", key}); }
  CommandHarness h;
};

// ---- argument readers ---------------------------------------------------------------------------

TEST(SortedSetArguments, ScoresAreReadAsRedisString2d) {
  using commands::parse_score;
  EXPECT_EQ(parse_score("1.5"), 1.5);
  EXPECT_EQ(parse_score("0x10"), 16.0);
  EXPECT_EQ(parse_score("-inf"), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::signbit(*parse_score("-0")));
  EXPECT_TRUE(parse_score("1e-310").has_value());  // a denormal is fine
  for (const char* bad : {"", " 1", "1 ", "nan", "1e400", "1e-400", "abc", "1x"}) {
    EXPECT_FALSE(parse_score(bad).has_value()) << bad;
  }
  EXPECT_FALSE(parse_score(std::string_view("1\0", 2)).has_value());
}

TEST(SortedSetArguments, RankArithmeticClampsAsRedis) {
  using commands::clamp_ranks;
  EXPECT_EQ(clamp_ranks(0, -1, 5).size(), 5U);
  EXPECT_EQ(clamp_ranks(-2, -1, 5).begin, 3U);
  EXPECT_EQ(clamp_ranks(-100, 100, 5).size(), 5U);
  EXPECT_TRUE(clamp_ranks(3, 1, 5).empty());
  EXPECT_TRUE(clamp_ranks(5, 9, 5).empty());
  EXPECT_TRUE(clamp_ranks(0, -1, 0).empty());
}

// ---- ZADD -------------------------------------------------------------------------------------

TEST_F(SortedSetCommands, ZaddOptionsDecideWhatChanges) {
  EXPECT_EQ(h.run({"ZADD", "z", "1", "a", "2", "b"}), ":2\r\n");
  EXPECT_EQ(h.run({"ZADD", "z", "NX", "5", "a", "3", "c"}), ":1\r\n");
  EXPECT_EQ(h.run({"ZADD", "z", "XX", "CH", "7", "a", "9", "x"}), ":1\r\n");
  EXPECT_EQ(h.run({"ZADD", "z", "GT", "CH", "1", "a", "5", "b"}), ":1\r\n");
  EXPECT_EQ(h.run({"ZADD", "z", "LT", "8", "a"}), ":0\r\n");  // not lower: skipped
  EXPECT_EQ(h.run({"ZADD", "z", "LT", "0", "a"}), ":0\r\n");  // lower: updated, not counted
  EXPECT_EQ(h.run({"ZRANGE", "z", "0", "-1", "WITHSCORES"}),
            "*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n5\r\n");
}

TEST_F(SortedSetCommands, ZaddIncrAnswersTheScoreOrNull) {
  EXPECT_EQ(h.run({"ZADD", "z", "INCR", "1.5", "a"}), "$3\r\n1.5\r\n");
  EXPECT_EQ(h.run({"ZINCRBY", "z", "0.1", "a"}), "$18\r\n1.6000000000000001\r\n");
  EXPECT_EQ(h.run({"ZADD", "z", "NX", "INCR", "1", "a"}), "$-1\r\n");
  EXPECT_EQ(h.run({"ZADD", "z", "INCR", "inf", "a"}), "$3\r\ninf\r\n");
  EXPECT_EQ(h.run({"ZADD", "z", "INCR", "-inf", "a"}),
            "-ERR resulting score is not a number (NaN)\r\n");
  // ZINCRBY reads its arguments as ZADD does: "nx" is an option word.
  EXPECT_EQ(h.run({"ZINCRBY", "z", "nx", "a"}), "-ERR syntax error\r\n");
}

TEST_F(SortedSetCommands, ZaddChecksEverythingBeforeWriting) {
  EXPECT_EQ(h.run({"ZADD", "z", "1", "a", "x", "b"}), "-ERR value is not a valid float\r\n");
  EXPECT_EQ(h.run({"ZADD", "z", "NX", "XX", "1", "a"}),
            "-ERR XX and NX options at the same time are not compatible\r\n");
  EXPECT_EQ(h.run({"ZADD", "z", "GT", "LT", "1", "a"}),
            "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  EXPECT_EQ(h.run({"ZADD", "z", "INCR", "1", "a", "2", "b"}),
            "-ERR INCR option supports a single increment-element pair\r\n");
  EXPECT_EQ(h.run({"EXISTS", "z"}), ":0\r\n");
  EXPECT_EQ(h.run({"ZADD", "z", "XX", "1", "a"}), ":0\r\n");
  EXPECT_EQ(h.run({"EXISTS", "z"}), ":0\r\n");
}

// ---- scores as Redis spells them ------------------------------------------------------------

TEST_F(SortedSetCommands, ScoresAreRepliedWithSeventeenDigits) {
  h.run({"ZADD", "z", "1.1", "a", "1e20", "b", "-0", "c"});
  EXPECT_EQ(h.run({"ZSCORE", "z", "a"}), "$18\r\n1.1000000000000001\r\n");
  EXPECT_EQ(h.run({"ZSCORE", "z", "b"}), "$5\r\n1e+20\r\n");
  EXPECT_EQ(h.run({"ZSCORE", "z", "c"}), "$1\r\n0\r\n");  // a listpack stores -0 as 0
  h.client.protocol = protocol::ProtocolVersion::resp3;
  EXPECT_EQ(h.run({"ZSCORE", "z", "a"}), ",1.1000000000000001\r\n");
  EXPECT_EQ(h.run({"ZRANGE", "z", "0", "0", "WITHSCORES"}), "*1\r\n*2\r\n$1\r\nc\r\n,0\r\n");
}

TEST_F(SortedSetCommands, ZscanSpellsScoresAsTheEncodingStoresThem) {
  h.run({"ZADD", "small", "1e18", "a"});
  EXPECT_EQ(h.run({"ZSCAN", "small", "0"}),
            "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$19\r\n1000000000000000000\r\n");
  h.run({"CONFIG", "SET", "zset-max-listpack-entries", "0"});
  h.run({"ZADD", "large", "1e18", "a"});
  EXPECT_EQ(h.run({"ZSCAN", "large", "0"}), "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$5\r\n1e+18\r\n");
}

// ---- ranges, pops, algebra
// -------------------------------------------------------------------------

TEST_F(SortedSetCommands, RangesByScoreWithLimitAndRev) {
  h.run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  EXPECT_EQ(h.run({"ZRANGE", "z", "+inf", "(1", "BYSCORE", "REV", "LIMIT", "1", "2"}),
            "*2\r\n$1\r\nc\r\n$1\r\nb\r\n");
  EXPECT_EQ(h.run({"ZCOUNT", "z", "(1", "3"}), ":2\r\n");
  EXPECT_EQ(h.run({"ZRANGE", "z", "0", "1", "LIMIT", "0", "1"}),
            "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or "
            "BYLEX\r\n");
  EXPECT_EQ(h.run({"ZREMRANGEBYSCORE", "z", "-inf", "+inf"}), ":4\r\n");
  EXPECT_EQ(h.run({"EXISTS", "z"}), ":0\r\n");
}

TEST_F(SortedSetCommands, PopsAndTheirShapes) {
  h.run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.run({"ZPOPMAX", "z"}), "*2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  EXPECT_EQ(h.run({"ZMPOP", "1", "z", "MIN", "COUNT", "5"}),
            "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  EXPECT_EQ(h.run({"ZMPOP", "1", "z", "MIN"}), "*-1\r\n");
  // Where nothing may wait (MULTI), a blocking pop answers as timed out.
  h.client.deny_blocking = true;
  EXPECT_EQ(h.run({"BZPOPMIN", "z", "0"}), "*-1\r\n");
}

TEST_F(SortedSetCommands, UnionSumsWeightedScoresAndInfinitiesCancel) {
  h.run({"ZADD", "a", "1", "x", "inf", "y"});
  h.run({"ZADD", "b", "2", "x", "-inf", "y"});
  EXPECT_EQ(h.run({"ZUNION", "2", "a", "b", "WEIGHTS", "1", "3", "WITHSCORES"}),
            "*4\r\n$1\r\ny\r\n$1\r\n0\r\n$1\r\nx\r\n$1\r\n7\r\n");
  EXPECT_EQ(h.run({"ZINTERSTORE", "d", "2", "a", "b", "AGGREGATE", "MAX"}), ":2\r\n");
  EXPECT_EQ(h.run({"ZRANGE", "d", "0", "-1", "WITHSCORES"}),
            "*4\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$3\r\ninf\r\n");
  EXPECT_EQ(h.run({"ZUNION", "0", "a"}),
            "-ERR at least 1 input key is needed for 'zunion' command\r\n");
}

// ---- encodings
// ----------------------------------------------------------------------------------------

TEST_F(SortedSetCommands, EncodingFollowsTheLimitsAndStoreResultsShrinkBack) {
  h.run({"CONFIG", "SET", "zset-max-listpack-entries", "2"});
  h.run({"ZADD", "z", "1", "a", "2", "b"});
  EXPECT_EQ(encoding("z"), "$8\r\nlistpack\r\n");
  h.run({"ZADD", "z", "3", "c"});
  EXPECT_EQ(encoding("z"), "$8\r\nskiplist\r\n");
  h.run({"ZREM", "z", "c"});
  EXPECT_EQ(encoding("z"), "$8\r\nskiplist\r\n");
  EXPECT_EQ(h.run({"ZRANGESTORE", "d", "z", "0", "-1"}), ":2\r\n");
  EXPECT_EQ(encoding("d"), "$8\r\nlistpack\r\n");
  EXPECT_EQ(h.run({"TYPE", "d"}), "+zset\r\n");
}

TEST_F(SortedSetCommands, EventsNameTheCommandAndTheEmptiedKeyIsDeleted) {
  commands::ClientState& listener = h.add_client();
  h.run({"CONFIG", "SET", "notify-keyspace-events", "Egz"});
  h.run_as(listener, {"SUBSCRIBE", "__keyevent@0__:zpopmin", "__keyevent@0__:del"});
  h.output_of(listener);
  h.run({"ZADD", "z", "1", "a"});
  h.run({"ZPOPMIN", "z"});
  const std::string heard = h.output_of(listener);
  EXPECT_NE(heard.find("__keyevent@0__:zpopmin"), std::string::npos);
  EXPECT_LT(heard.find("__keyevent@0__:zpopmin"), heard.find("__keyevent@0__:del"));
  EXPECT_EQ(h.run({"EXISTS", "z"}), ":0\r\n");
}

}  // namespace
}  // namespace mini_redis::testing
