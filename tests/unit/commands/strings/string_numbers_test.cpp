// INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT. Every expected reply and error
// was checked against a real Redis 7.0.15.
#include <gtest/gtest.h>

#include <string>

#include "unit/support/command_harness.h"

namespace mini_redis {
namespace {

using storage::Encoding;

class StringNumbersTest : public ::testing::Test {
 protected:
  storage::Entry* entry(const std::string& key) { return h.keyspace.db(0).lookup_quietly(key); }

  testing::CommandHarness h;
};

const std::string kNotInteger = "-ERR value is not an integer or out of range\r\n";
const std::string kOverflow = "-ERR increment or decrement would overflow\r\n";
const std::string kNotFloat = "-ERR value is not a valid float\r\n";

// ---- INCR family ------------------------------------------------------------------------------

TEST_F(StringNumbersTest, IncrStartsAMissingKeyAtZero) {
  EXPECT_EQ(h.run({"INCR", "n"}), ":1\r\n");
  EXPECT_EQ(h.run({"INCR", "n"}), ":2\r\n");
  EXPECT_EQ(h.run({"GET", "n"}), "$1\r\n2\r\n");
  EXPECT_EQ(entry("n")->encoding(), Encoding::integer);
}

TEST_F(StringNumbersTest, DecrIncrbyAndDecrbyMoveByTheirAmount) {
  EXPECT_EQ(h.run({"DECR", "n"}), ":-1\r\n");
  EXPECT_EQ(h.run({"INCRBY", "n", "10"}), ":9\r\n");
  EXPECT_EQ(h.run({"INCRBY", "n", "-20"}), ":-11\r\n");
  EXPECT_EQ(h.run({"DECRBY", "n", "4"}), ":-15\r\n");
  EXPECT_EQ(h.run({"DECRBY", "n", "-15"}), ":0\r\n");
}

TEST_F(StringNumbersTest, IncrKeepsTheTimeToLive) {
  h.run({"SET", "n", "10", "EX", "100"});
  const std::int64_t expire_at = entry("n")->expire_at_ms();
  EXPECT_EQ(h.run({"INCR", "n"}), ":11\r\n");
  EXPECT_EQ(entry("n")->expire_at_ms(), expire_at);
}

TEST_F(StringNumbersTest, IncrTurnsAStringThatSpellsAnIntegerIntoAnInteger) {
  h.run({"APPEND", "n", "4"});
  h.run({"APPEND", "n", "1"});
  EXPECT_EQ(entry("n")->encoding(), Encoding::raw);
  EXPECT_EQ(h.run({"INCR", "n"}), ":42\r\n");
  EXPECT_EQ(entry("n")->encoding(), Encoding::integer);
}

TEST_F(StringNumbersTest, IncrRefusesValuesThatAreNotCanonicalIntegers) {
  for (const char* value : {"abc", " 1", "007", "1.5", "+1", "12345678901234567890", ""}) {
    h.run({"SET", "s", value});
    EXPECT_EQ(h.run({"INCR", "s"}), kNotInteger) << value;
    EXPECT_EQ(h.run({"GET", "s"}),
              "$" + std::to_string(std::string(value).size()) + "\r\n" + value + "\r\n");
  }
}

TEST_F(StringNumbersTest, IncrbyRefusesIncrementsThatAreNotCanonicalIntegers) {
  EXPECT_EQ(h.run({"INCRBY", "n", "abc"}), kNotInteger);
  EXPECT_EQ(h.run({"INCRBY", "n", "01"}), kNotInteger);
  EXPECT_EQ(h.run({"DECRBY", "n", "1.0"}), kNotInteger);
  EXPECT_EQ(entry("n"), nullptr);
}

TEST_F(StringNumbersTest, IncrRefusesToOverflowEitherWay) {
  h.run({"SET", "n", "1"});
  EXPECT_EQ(h.run({"INCRBY", "n", "9223372036854775806"}), ":9223372036854775807\r\n");
  EXPECT_EQ(h.run({"INCR", "n"}), kOverflow);
  EXPECT_EQ(h.run({"DECRBY", "n", "-1"}), kOverflow);
  EXPECT_EQ(h.run({"GET", "n"}), "$19\r\n9223372036854775807\r\n");
  h.run({"SET", "m", "-9223372036854775808"});
  EXPECT_EQ(h.run({"DECR", "m"}), kOverflow);
  EXPECT_EQ(h.run({"INCRBY", "m", "-1"}), kOverflow);
  EXPECT_EQ(h.run({"INCRBY", "m", "9223372036854775807"}), ":-1\r\n");
}

TEST_F(StringNumbersTest, DecrbyOfTheSmallestIntegerIsRefusedUpFront) {
  EXPECT_EQ(h.run({"DECRBY", "x", "-9223372036854775808"}), "-ERR decrement would overflow\r\n");
  EXPECT_EQ(entry("x"), nullptr);
  EXPECT_EQ(h.run({"DECRBY", "x", "9223372036854775807"}), ":-9223372036854775807\r\n");
}

TEST_F(StringNumbersTest, CountersCheckTheirArity) {
  EXPECT_EQ(h.run({"INCR"}), "-ERR wrong number of arguments for 'incr' command\r\n");
  EXPECT_EQ(h.run({"INCRBY", "n"}), "-ERR wrong number of arguments for 'incrby' command\r\n");
  EXPECT_EQ(h.run({"DECR", "n", "1"}), "-ERR wrong number of arguments for 'decr' command\r\n");
}

// ---- INCRBYFLOAT ------------------------------------------------------------------------------

TEST_F(StringNumbersTest, IncrbyfloatAnswersTheHumanFriendlySpelling) {
  EXPECT_EQ(h.run({"INCRBYFLOAT", "f", "10.5"}), "$4\r\n10.5\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "f", "0.1"}), "$4\r\n10.6\r\n");
  EXPECT_EQ(h.run({"GET", "f"}), "$4\r\n10.6\r\n");
}

TEST_F(StringNumbersTest, IncrbyfloatWritesWholeNumbersWithoutPointOrExponent) {
  EXPECT_EQ(h.run({"INCRBYFLOAT", "g", "3.0e3"}), "$4\r\n3000\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "g", "5.0e3"}), "$4\r\n8000\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "q", "0.1"}), "$3\r\n0.1\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "q", "0.2"}), "$3\r\n0.3\r\n");
}

TEST_F(StringNumbersTest, IncrbyfloatWritesHugeNumbersInFull) {
  const std::string reply = h.run({"INCRBYFLOAT", "h", "1e300"});
  EXPECT_EQ(reply.substr(0, 31), "$301\r\n1000000000000000000008997");
  EXPECT_EQ(reply.substr(reply.size() - 11), "104006144\r\n");
  EXPECT_EQ(entry("h")->encoding(), Encoding::raw);
  EXPECT_EQ(h.run({"INCRBYFLOAT", "r", "1e40"}),
            "$40\r\n9999999999999999999783686092270256259072\r\n");
  EXPECT_EQ(entry("r")->encoding(), Encoding::embstr);
}

TEST_F(StringNumbersTest, IncrbyfloatRoundsToSeventeenDecimals) {
  EXPECT_EQ(h.run({"INCRBYFLOAT", "r", "1.23456789012345678901234"}),
            "$19\r\n1.23456789012345679\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "z", "1e-20"}), "$1\r\n0\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "m", "-0"}), "$1\r\n0\r\n");
}

TEST_F(StringNumbersTest, IncrbyfloatStoresEmbstrEvenForAnInteger) {
  EXPECT_EQ(h.run({"INCRBYFLOAT", "e", "3"}), "$1\r\n3\r\n");
  EXPECT_EQ(entry("e")->encoding(), Encoding::embstr);
  h.run({"SET", "s", "1e5"});
  EXPECT_EQ(h.run({"INCRBYFLOAT", "s", "0"}), "$6\r\n100000\r\n");
  EXPECT_EQ(entry("s")->encoding(), Encoding::embstr);
}

TEST_F(StringNumbersTest, IncrbyfloatAcceptsWhatStrtoldAccepts) {
  EXPECT_EQ(h.run({"INCRBYFLOAT", "x", "0x10"}), "$2\r\n16\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "x", ".5"}), "$4\r\n16.5\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "x", "+3"}), "$4\r\n19.5\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "x", "-.5e1"}), "$4\r\n14.5\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "x", "1.5e+2"}), "$5\r\n164.5\r\n");
}

TEST_F(StringNumbersTest, IncrbyfloatRefusesIncrementsThatAreNotFloats) {
  for (const char* increment : {"abc", "nan", " 1", "1 ", "1e", "1e5000", "1e-5000"}) {
    EXPECT_EQ(h.run({"INCRBYFLOAT", "x", increment}), kNotFloat) << increment;
  }
  EXPECT_EQ(entry("x"), nullptr);
}

TEST_F(StringNumbersTest, IncrbyfloatRefusesStoredValuesThatAreNotFloats) {
  h.run({"SET", "s", "abc"});
  EXPECT_EQ(h.run({"INCRBYFLOAT", "s", "1"}), kNotFloat);
  h.run({"SET", "s", " 1"});
  EXPECT_EQ(h.run({"INCRBYFLOAT", "s", "1"}), kNotFloat);
}

TEST_F(StringNumbersTest, IncrbyfloatRefusesAnInfiniteResult) {
  const std::string nan_or_inf = "-ERR increment would produce NaN or Infinity\r\n";
  EXPECT_EQ(h.run({"INCRBYFLOAT", "x", "inf"}), nan_or_inf);
  EXPECT_EQ(h.run({"INCRBYFLOAT", "x", "-infinity"}), nan_or_inf);
  EXPECT_EQ(entry("x"), nullptr);
  // 1.18e4932 is near the largest long double; twice that is infinite.
  EXPECT_EQ(h.run({"INCRBYFLOAT", "big", "1.18e4932"}).substr(0, 7), "$4933\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "big", "1.18e4932"}), nan_or_inf);
}

TEST_F(StringNumbersTest, IncrbyfloatKeepsTheTimeToLive) {
  h.run({"SET", "y", "10", "EX", "100"});
  const std::int64_t expire_at = entry("y")->expire_at_ms();
  EXPECT_EQ(h.run({"INCRBYFLOAT", "y", "1"}), "$2\r\n11\r\n");
  EXPECT_EQ(entry("y")->expire_at_ms(), expire_at);
}

}  // namespace
}  // namespace mini_redis
