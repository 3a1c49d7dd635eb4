// SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO through the
// dispatcher. Every expected reply was checked against a real Redis 7.0.15;
// tests/diff/cases/bitmaps.txt compares many more byte for byte.
#include <gtest/gtest.h>

#include <string>

#include "unit/support/command_harness.h"

namespace mini_redis {
namespace {

using storage::Encoding;

class BitmapCommandsTest : public ::testing::Test {
 protected:
  storage::Entry* entry(const std::string& key) { return h.keyspace.db(0).lookup_quietly(key); }
  void use_resp3() { h.client.protocol = protocol::ProtocolVersion::resp3; }

  testing::CommandHarness h;
};

TEST_F(BitmapCommandsTest, SetbitCreatesTheStringAndAnswersTheOldBit) {
  EXPECT_EQ(h.run({"SETBIT", "k", "7", "1"}), ":0\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$1\r\n\x01\r\n");
  EXPECT_EQ(h.run({"SETBIT", "k", "7", "0"}), ":1\r\n");
  EXPECT_EQ(h.run({"SETBIT", "k", "16", "1"}), ":0\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), std::string("$3\r\n\x00\x00\x80\r\n", 9));
}

TEST_F(BitmapCommandsTest, SetbitLeavesTheStringRawEvenWhenNothingChanges) {
  h.run({"SET", "n", "123"});
  EXPECT_EQ(h.run({"SETBIT", "n", "0", "0"}), ":0\r\n");
  EXPECT_EQ(entry("n")->encoding(), Encoding::raw);
  EXPECT_EQ(h.run({"GET", "n"}), "$3\r\n123\r\n");
}

TEST_F(BitmapCommandsTest, SetbitRefusesBadOffsetsAndBits) {
  EXPECT_EQ(h.run({"SETBIT", "k", "-1", "1"}),
            "-ERR bit offset is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"SETBIT", "k", "4294967296", "1"}),
            "-ERR bit offset is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"SETBIT", "k", "0", "2"}), "-ERR bit is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n");
}

TEST_F(BitmapCommandsTest, TheOffsetLimitFollowsProtoMaxBulkLen) {
  h.run({"CONFIG", "SET", "proto-max-bulk-len", "1mb"});
  EXPECT_EQ(h.run({"SETBIT", "k", "8388608", "1"}),
            "-ERR bit offset is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"SETBIT", "k", "8388607", "1"}), ":0\r\n");
  EXPECT_EQ(h.run({"STRLEN", "k"}), ":1048576\r\n");
}

TEST_F(BitmapCommandsTest, AHugeGrowthKeepsTheValueTheTtlAndTheExpiryList) {
  // More than 1 MB of new zeros: the value moves to a fresh zeroed block,
  // and the list of keys with a TTL must follow it.
  h.run({"SET", "k", "hello", "PX", "100"});
  EXPECT_EQ(h.run({"SETBIT", "k", "20000000", "1"}), ":0\r\n");
  EXPECT_EQ(h.run({"GETRANGE", "k", "0", "5"}), std::string("$6\r\nhello\0\r\n", 12));
  EXPECT_EQ(h.run({"BITCOUNT", "k"}), ":22\r\n");  // "hello" has 21 bits set
  h.clock.advance(200);
  EXPECT_EQ(h.keyspace.db(0).expire_sample(20).expired, 1U);
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n");
}

TEST_F(BitmapCommandsTest, GetbitReadsZeroPastTheEndAndForMissingKeys) {
  h.run({"SET", "k", "\x80"});
  EXPECT_EQ(h.run({"GETBIT", "k", "0"}), ":1\r\n");
  EXPECT_EQ(h.run({"GETBIT", "k", "1"}), ":0\r\n");
  EXPECT_EQ(h.run({"GETBIT", "k", "100"}), ":0\r\n");
  EXPECT_EQ(h.run({"GETBIT", "nope", "0"}), ":0\r\n");
  h.run({"RPUSH", "l", "a"});
  EXPECT_EQ(h.run({"GETBIT", "l", "0"}),
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

TEST_F(BitmapCommandsTest, BitcountCountsBytesOrBitRanges) {
  h.run({"SET", "k", "foobar"});
  EXPECT_EQ(h.run({"BITCOUNT", "k"}), ":26\r\n");
  EXPECT_EQ(h.run({"BITCOUNT", "k", "1", "1"}), ":6\r\n");
  EXPECT_EQ(h.run({"BITCOUNT", "k", "5", "30", "BIT"}), ":17\r\n");
  EXPECT_EQ(h.run({"BITCOUNT", "k", "-1", "-5"}), ":0\r\n");
  EXPECT_EQ(h.run({"BITCOUNT", "k", "0"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"BITCOUNT", "nope", "0"}), ":0\r\n");  // the key is looked up first
}

TEST_F(BitmapCommandsTest, BitposTreatsTheStringAsZeroPaddedUnlessAnEndIsGiven) {
  h.run({"SET", "k", "\xff\xff"});
  EXPECT_EQ(h.run({"BITPOS", "k", "0"}), ":16\r\n");
  EXPECT_EQ(h.run({"BITPOS", "k", "0", "0", "-1"}), ":-1\r\n");
  EXPECT_EQ(h.run({"BITPOS", "k", "1", "9", "-1", "BIT"}), ":9\r\n");
  EXPECT_EQ(h.run({"BITPOS", "nope", "0"}), ":0\r\n");
  EXPECT_EQ(h.run({"BITPOS", "nope", "1"}), ":-1\r\n");
  EXPECT_EQ(h.run({"BITPOS", "k", "2"}), "-ERR The bit argument must be 1 or 0.\r\n");
}

TEST_F(BitmapCommandsTest, BitopStoresARawResultOrDeletesTheDestination) {
  h.run({"SET", "a", "1"});
  h.run({"SET", "b", "3"});
  EXPECT_EQ(h.run({"BITOP", "AND", "d", "a", "b"}), ":1\r\n");
  EXPECT_EQ(h.run({"GET", "d"}), "$1\r\n1\r\n");
  EXPECT_EQ(entry("d")->encoding(), Encoding::raw);
  EXPECT_EQ(h.run({"BITOP", "OR", "d", "nope"}), ":0\r\n");
  EXPECT_EQ(h.run({"EXISTS", "d"}), ":0\r\n");
  EXPECT_EQ(h.run({"BITOP", "NOT", "d", "a", "b"}),
            "-ERR BITOP NOT must be called with a single source key.\r\n");
}

TEST_F(BitmapCommandsTest, BitfieldRunsStepsInOrderWithTheirOverflowMode) {
  EXPECT_EQ(
      h.run({"BITFIELD", "k",        "SET", "u8",     "0",   "255", "INCRBY", "u8",       "0",
             "1",        "OVERFLOW", "SAT", "INCRBY", "u8",  "0",   "-1000",  "OVERFLOW", "FAIL",
             "INCRBY",   "u8",       "#0",  "-1",     "GET", "i8",  "0"}),
      "*5\r\n:0\r\n:0\r\n:0\r\n$-1\r\n:0\r\n");
  use_resp3();
  EXPECT_EQ(h.run({"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "-1"}), "*1\r\n_\r\n");
}

TEST_F(BitmapCommandsTest, BitfieldRefusesBadTypesAndBitfieldRoRefusesWrites) {
  EXPECT_EQ(h.run({"BITFIELD", "k", "GET", "u64", "0"}),
            "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
            "supported but i64 is.\r\n");
  EXPECT_EQ(h.run({"BITFIELD", "k", "OVERFLOW", "x"}), "-ERR Invalid OVERFLOW type specified\r\n");
  EXPECT_EQ(h.run({"BITFIELD_RO", "k", "SET", "u8", "0", "1"}),
            "-ERR BITFIELD_RO only supports the GET subcommand\r\n");
  EXPECT_EQ(h.run({"BITFIELD_RO", "k", "GET", "u8", "0"}), "*1\r\n:0\r\n");
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n");
}

TEST_F(BitmapCommandsTest, ABitfieldWriteThatFailsStillCreatesTheKey) {
  EXPECT_EQ(h.run({"BITFIELD", "k", "OVERFLOW", "FAIL", "SET", "u8", "8", "300"}), "*1\r\n$-1\r\n");
  EXPECT_EQ(h.run({"STRLEN", "k"}), ":2\r\n");
}

}  // namespace
}  // namespace mini_redis
