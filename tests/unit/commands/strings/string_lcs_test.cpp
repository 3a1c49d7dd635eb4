// LCS: the longest common subsequence, in its three reply shapes and both
// protocols. Expected bytes were taken from a real Redis 7.0.15 with the
// example strings of the LCS documentation page.
#include <gtest/gtest.h>

#include <string>

#include "unit/support/command_harness.h"

namespace mini_redis {
namespace {

class LcsTest : public ::testing::Test {
 protected:
  void SetUp() override { h.run({"MSET", "key1", "ohmytext", "key2", "mynewtext"}); }
  void use_resp3() { h.client.protocol = protocol::ProtocolVersion::resp3; }

  testing::CommandHarness h;
};

// "mytext" lies at 4..7 / 5..8 ("text") and 2..3 / 0..1 ("my"), listed from the end.
const std::string kMatches =
    "$7\r\nmatches\r\n*2\r\n"
    "*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
    "*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n"
    "$3\r\nlen\r\n:6\r\n";

TEST_F(LcsTest, AnswersTheSubsequence) {
  EXPECT_EQ(h.run({"LCS", "key1", "key2"}), "$6\r\nmytext\r\n");
  h.run({"MSET", "a", "ABCBDAB", "b", "BDCABA"});
  EXPECT_EQ(h.run({"LCS", "a", "b"}), "$4\r\nBDAB\r\n");
}

TEST_F(LcsTest, LenAnswersItsLength) {
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "LEN"}), ":6\r\n");
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "len", "LEN"}), ":6\r\n");
}

TEST_F(LcsTest, IdxAnswersTheMatchesAsAnArrayInResp2AndAMapInResp3) {
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "IDX"}), "*4\r\n" + kMatches);
  use_resp3();
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "IDX"}), "%2\r\n" + kMatches);
}

TEST_F(LcsTest, WithmatchlenAddsEachMatchLength) {
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "IDX", "WITHMATCHLEN"}),
            "*4\r\n$7\r\nmatches\r\n*2\r\n"
            "*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
            "*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n"
            "$3\r\nlen\r\n:6\r\n");
}

TEST_F(LcsTest, MinmatchlenHidesShorterMatches) {
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}),
            "*4\r\n$7\r\nmatches\r\n*1\r\n"
            "*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
            "$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "-5"}), "*4\r\n" + kMatches);
}

TEST_F(LcsTest, MatchesTouchingTheStartOfAStringAreKept) {
  h.run({"MSET", "n1", "12345", "n2", "2345"});
  EXPECT_EQ(h.run({"LCS", "n1", "n2", "IDX", "WITHMATCHLEN"}),
            "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:1\r\n:4\r\n*2\r\n:0\r\n:3\r\n:4\r\n"
            "$3\r\nlen\r\n:4\r\n");
  h.run({"MSET", "a", "ABCBDAB", "b", "BDCABA"});
  EXPECT_EQ(h.run({"LCS", "a", "b", "IDX", "WITHMATCHLEN"}),
            "*4\r\n$7\r\nmatches\r\n*2\r\n"
            "*3\r\n*2\r\n:5\r\n:6\r\n*2\r\n:3\r\n:4\r\n:2\r\n"
            "*3\r\n*2\r\n:3\r\n:4\r\n*2\r\n:0\r\n:1\r\n:2\r\n"
            "$3\r\nlen\r\n:4\r\n");
}

TEST_F(LcsTest, OptionsThatOnlyApplyToIdxAreIgnoredWithoutIt) {
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "WITHMATCHLEN"}), "$6\r\nmytext\r\n");
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "MINMATCHLEN", "3"}), "$6\r\nmytext\r\n");
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "LEN", "WITHMATCHLEN"}), ":6\r\n");
}

TEST_F(LcsTest, MissingKeysCountAsEmptyStrings) {
  EXPECT_EQ(h.run({"LCS", "nokey", "key2"}), "$0\r\n\r\n");
  EXPECT_EQ(h.run({"LCS", "nokey", "key2", "LEN"}), ":0\r\n");
  EXPECT_EQ(h.run({"LCS", "nokey", "nokey2", "IDX", "WITHMATCHLEN"}),
            "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n");
  use_resp3();
  EXPECT_EQ(h.run({"LCS", "nokey", "key2", "IDX"}),
            "%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n");
}

TEST_F(LcsTest, RefusesLenWithIdx) {
  const std::string both = "-ERR If you want both the length and indexes, please just use IDX.\r\n";
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "LEN", "IDX"}), both);
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "IDX", "LEN"}), both);
}

TEST_F(LcsTest, RefusesUnknownOptionsAndBadLengths) {
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "FOO"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "IDX", "FOO", "LEN"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "abc"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"LCS", "key1"}), "-ERR wrong number of arguments for 'lcs' command\r\n");
}

TEST_F(LcsTest, RefusesATableLargerThanProtoMaxBulkLen) {
  // 601 x 511 cells of 4 bytes each is more than 1 MB.
  h.config.proto_max_bulk_len = 1024 * 1024;
  h.run({"MSET", "a", std::string(600, 'x'), "b", std::string(510, 'y')});
  const std::string too_big =
      "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n";
  EXPECT_EQ(h.run({"LCS", "a", "b"}), too_big);
  EXPECT_EQ(h.run({"LCS", "a", "b", "LEN"}), too_big);
}

}  // namespace
}  // namespace mini_redis
