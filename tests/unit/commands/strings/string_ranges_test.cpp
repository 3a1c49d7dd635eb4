// APPEND, STRLEN, GETRANGE, SUBSTR and SETRANGE. Every expected reply and
// error was checked against a real Redis 7.0.15 (the size limits with
// proto-max-bulk-len lowered to 1 MB, as CONFIG SET allows).
#include <gtest/gtest.h>

#include <string>

#include "unit/support/command_harness.h"

namespace mini_redis {
namespace {

using storage::Encoding;

constexpr std::int64_t kOneMegabyte = 1024 * 1024;
const std::string kTooLong = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";

class StringRangesTest : public ::testing::Test {
 protected:
  storage::Entry* entry(const std::string& key) { return h.keyspace.db(0).lookup_quietly(key); }

  testing::CommandHarness h;
};

// ---- APPEND, STRLEN -----------------------------------------------------------------------

TEST_F(StringRangesTest, AppendCreatesThenExtendsAndAnswersTheLength) {
  EXPECT_EQ(h.run({"APPEND", "k", "abc"}), ":3\r\n");
  EXPECT_EQ(h.run({"APPEND", "k", "def"}), ":6\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$6\r\nabcdef\r\n");
}

TEST_F(StringRangesTest, AppendStoresANewKeyAsSetWouldAndGrowsItRaw) {
  h.run({"APPEND", "num", "123"});
  EXPECT_EQ(entry("num")->encoding(), Encoding::integer);
  h.run({"APPEND", "text", "abc"});
  EXPECT_EQ(entry("text")->encoding(), Encoding::embstr);
  h.run({"APPEND", "num", "4"});
  EXPECT_EQ(entry("num")->encoding(), Encoding::raw);
  EXPECT_EQ(h.run({"GET", "num"}), "$4\r\n1234\r\n");
}

TEST_F(StringRangesTest, AppendKeepsTheTimeToLive) {
  h.run({"SET", "k", "v", "EX", "100"});
  h.run({"APPEND", "k", "w"});
  EXPECT_TRUE(entry("k")->has_expire());
}

TEST_F(StringRangesTest, AppendRefusesToGrowPastProtoMaxBulkLen) {
  h.config.proto_max_bulk_len = kOneMegabyte;
  h.run({"SETRANGE", "k", std::to_string(kOneMegabyte - 1), "x"});
  EXPECT_EQ(h.run({"APPEND", "k", "y"}), kTooLong);
  EXPECT_EQ(h.run({"APPEND", "k", ""}), ":1048576\r\n");
}

TEST_F(StringRangesTest, StrlenIsZeroForAMissingKey) {
  EXPECT_EQ(h.run({"STRLEN", "nope"}), ":0\r\n");
  h.run({"SET", "s", "Hello World"});
  EXPECT_EQ(h.run({"STRLEN", "s"}), ":11\r\n");
  h.run({"SET", "n", "12345"});
  EXPECT_EQ(h.run({"STRLEN", "n"}), ":5\r\n");
}

// ---- GETRANGE, SUBSTR ---------------------------------------------------------------------

class GetrangeTest : public StringRangesTest {
 protected:
  void SetUp() override { h.run({"SET", "s", "Hello World"}); }
  std::string getrange(const char* start, const char* end) {
    return h.run({"GETRANGE", "s", start, end});
  }
};

TEST_F(GetrangeTest, AnswersTheBytesBetweenBothIndexesIncluded) {
  EXPECT_EQ(getrange("0", "4"), "$5\r\nHello\r\n");
  EXPECT_EQ(getrange("0", "-1"), "$11\r\nHello World\r\n");
  EXPECT_EQ(getrange("-3", "-1"), "$3\r\nrld\r\n");
}

TEST_F(GetrangeTest, ClampsIndexesOutsideTheString) {
  EXPECT_EQ(getrange("10", "100"), "$1\r\nd\r\n");
  EXPECT_EQ(getrange("-100", "2"), "$3\r\nHel\r\n");
  EXPECT_EQ(getrange("0", "9223372036854775807"), "$11\r\nHello World\r\n");
  EXPECT_EQ(getrange("-9223372036854775808", "-1"), "$11\r\nHello World\r\n");
}

TEST_F(GetrangeTest, ClampsAnEndBeforeTheStartToTheFirstByteAsRedis7Does) {
  EXPECT_EQ(getrange("0", "-100"), "$1\r\nH\r\n");
  EXPECT_EQ(getrange("-100", "-50"), "$1\r\nH\r\n");
}

TEST_F(GetrangeTest, AnswersAnEmptyStringForAnEmptyRange) {
  EXPECT_EQ(getrange("5", "3"), "$0\r\n\r\n");
  EXPECT_EQ(getrange("-1", "-5"), "$0\r\n\r\n");
  EXPECT_EQ(getrange("100", "200"), "$0\r\n\r\n");
  h.run({"SET", "e", ""});
  EXPECT_EQ(h.run({"GETRANGE", "e", "0", "-1"}), "$0\r\n\r\n");
  EXPECT_EQ(h.run({"GETRANGE", "e", "-1", "0"}), "$0\r\n\r\n");
}

TEST_F(GetrangeTest, AnswersAnEmptyStringNotNullForAMissingKey) {
  EXPECT_EQ(h.run({"GETRANGE", "nope", "0", "1"}), "$0\r\n\r\n");
  h.client.protocol = protocol::ProtocolVersion::resp3;
  EXPECT_EQ(h.run({"GETRANGE", "nope", "0", "1"}), "$0\r\n\r\n");
}

TEST_F(GetrangeTest, ReadsIntegerValuesAsTheirDigits) {
  h.run({"SET", "n", "12345"});
  EXPECT_EQ(h.run({"GETRANGE", "n", "1", "2"}), "$2\r\n23\r\n");
}

TEST_F(GetrangeTest, RefusesIndexesThatAreNotIntegersEvenForAMissingKey) {
  EXPECT_EQ(h.run({"GETRANGE", "nope", "a", "1"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"GETRANGE", "nope", "0", "b"}),
            "-ERR value is not an integer or out of range\r\n");
}

TEST_F(GetrangeTest, SubstrIsTheSameCommand) {
  EXPECT_EQ(h.run({"SUBSTR", "s", "0", "4"}), "$5\r\nHello\r\n");
  EXPECT_EQ(h.run({"SUBSTR", "s", "0"}), "-ERR wrong number of arguments for 'substr' command\r\n");
}

// ---- SETRANGE -----------------------------------------------------------------------------

TEST_F(StringRangesTest, SetrangePadsAMissingKeyWithZeroBytes) {
  EXPECT_EQ(h.run({"SETRANGE", "k", "3", "ab"}), ":5\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), std::string("$5\r\n\0\0\0ab\r\n", 11));
  EXPECT_EQ(entry("k")->encoding(), Encoding::raw);
}

TEST_F(StringRangesTest, SetrangeOverwritesInsideTheString) {
  h.run({"SETRANGE", "k", "3", "ab"});
  EXPECT_EQ(h.run({"SETRANGE", "k", "1", "Z"}), ":5\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), std::string("$5\r\n\0Z\0ab\r\n", 11));
}

TEST_F(StringRangesTest, SetrangeLeavesAnIntegerRaw) {
  h.run({"SET", "n", "123"});
  EXPECT_EQ(h.run({"SETRANGE", "n", "1", "9"}), ":3\r\n");
  EXPECT_EQ(h.run({"GET", "n"}), "$3\r\n193\r\n");
  EXPECT_EQ(entry("n")->encoding(), Encoding::raw);
}

TEST_F(StringRangesTest, SetrangeWithAnEmptyValueChangesNothing) {
  EXPECT_EQ(h.run({"SETRANGE", "nk", "5", ""}), ":0\r\n");
  EXPECT_EQ(h.run({"SETRANGE", "nk", "9223372036854775807", ""}), ":0\r\n");
  EXPECT_EQ(entry("nk"), nullptr);
  h.run({"SET", "k", "abc"});
  EXPECT_EQ(h.run({"SETRANGE", "k", "9223372036854775807", ""}), ":3\r\n");
}

TEST_F(StringRangesTest, SetrangeRefusesABadOffset) {
  EXPECT_EQ(h.run({"SETRANGE", "k", "-1", "x"}), "-ERR offset is out of range\r\n");
  EXPECT_EQ(h.run({"SETRANGE", "k", "abc", "x"}),
            "-ERR value is not an integer or out of range\r\n");
}

TEST_F(StringRangesTest, SetrangeRefusesToGrowPastProtoMaxBulkLen) {
  h.config.proto_max_bulk_len = kOneMegabyte;
  EXPECT_EQ(h.run({"SETRANGE", "k", "1048576", "x"}), kTooLong);
  EXPECT_EQ(h.run({"SETRANGE", "k", "9223372036854775807", "x"}), kTooLong);
  EXPECT_EQ(entry("k"), nullptr);
  EXPECT_EQ(h.run({"SETRANGE", "k", "1048575", "x"}), ":1048576\r\n");
  EXPECT_EQ(h.run({"SETRANGE", "k", "1048576", "x"}), kTooLong);
  EXPECT_EQ(h.run({"SETRANGE", "k", "9223372036854775807", "x"}), kTooLong);
  EXPECT_EQ(h.run({"SETRANGE", "k", "1048576", ""}), ":1048576\r\n");
}

}  // namespace
}  // namespace mini_redis
