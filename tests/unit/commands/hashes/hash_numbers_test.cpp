// HINCRBY and HINCRBYFLOAT: arithmetic, Redis's spelling of the float
// result, every error and the order in which they are checked. Every
// expected reply was checked against a real Redis 7.0.15.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/commands/hashes/hash_test_support.h"

namespace mini_redis::testing {
namespace {

using HashNumbers = HashTest;

const std::string kNotInteger = "-ERR value is not an integer or out of range\r\n";
const std::string kHashNotInteger = "-ERR hash value is not an integer\r\n";
const std::string kHashNotFloat = "-ERR hash value is not a float\r\n";
const std::string kOverflow = "-ERR increment or decrement would overflow\r\n";
const std::string kNotFloat = "-ERR value is not a valid float\r\n";
const std::string kNotFinite = "-ERR value is NaN or Infinity\r\n";
const std::string kNanOrInfinity = "-ERR increment would produce NaN or Infinity\r\n";

// ---- HINCRBY -----------------------------------------------------------------------------------

TEST_F(HashNumbers, HincrbyStartsAMissingFieldAtZero) {
  EXPECT_EQ(h.run({"HINCRBY", "h", "a", "5"}), ":5\r\n");
  EXPECT_EQ(h.run({"HINCRBY", "h", "a", "-7"}), ":-2\r\n");
  EXPECT_EQ(h.run({"HGET", "h", "a"}), "$2\r\n-2\r\n");
  EXPECT_EQ(h.run({"TYPE", "h"}), "+hash\r\n");
}

TEST_F(HashNumbers, HincrbyRefusesAStoredValueThatIsNotACanonicalInteger) {
  for (const char* value : {"abc", " 1", "010", "1.5", "", "9223372036854775808"}) {
    h.run({"HSET", "h", "f", value});
    EXPECT_EQ(h.run({"HINCRBY", "h", "f", "1"}), kHashNotInteger) << value;
  }
}

TEST_F(HashNumbers, HincrbyRefusesABadIncrement) {
  h.run({"HSET", "h", "f", "1"});
  for (const char* increment : {"abc", "1.5", "", "9223372036854775808", "-0"}) {
    EXPECT_EQ(h.run({"HINCRBY", "h", "f", increment}), kNotInteger) << increment;
  }
}

TEST_F(HashNumbers, HincrbyRefusesToOverflow) {
  h.run({"HSET", "h", "max", "9223372036854775807", "min", "-9223372036854775808"});
  EXPECT_EQ(h.run({"HINCRBY", "h", "max", "1"}), kOverflow);
  EXPECT_EQ(h.run({"HINCRBY", "h", "min", "-1"}), kOverflow);
  EXPECT_EQ(h.run({"HINCRBY", "h", "max", "-1"}), ":9223372036854775806\r\n");
  EXPECT_EQ(h.run({"HINCRBY", "h", "min", "9223372036854775807"}), ":-1\r\n");
  EXPECT_EQ(h.run({"HINCRBY", "h", "new", "-9223372036854775808"}), ":-9223372036854775808\r\n");
}

TEST_F(HashNumbers, HincrbyReadsTheIncrementBeforeTheKey) {
  h.run({"SET", "s", "v"});
  EXPECT_EQ(h.run({"HINCRBY", "s", "a", "x"}), kNotInteger);
  EXPECT_EQ(h.run({"HINCRBY", "s", "a", "1"}), kWrongType);
  EXPECT_EQ(h.run({"HINCRBY", "nokey", "a", "x"}), kNotInteger);
  EXPECT_EQ(h.run({"EXISTS", "nokey"}), ":0\r\n");
}

TEST_F(HashNumbers, HincrbyPublishesOnlyWhenItWrites) {
  listen("h");
  h.run({"HINCRBY", "h", "a", "1"});
  h.run({"HINCRBY", "h", "a", "x"});
  h.run({"HINCRBY", "h", "a", "9223372036854775807"});
  EXPECT_EQ(events(), (std::vector<std::string>{"hincrby h"}));
}

// ---- HINCRBYFLOAT ------------------------------------------------------------------------------

TEST_F(HashNumbers, HincrbyfloatSpellsTheResultAsRedisDoes) {
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "h", "a", "10.5"}), "$4\r\n10.5\r\n");
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "h", "a", "0.1"}), "$4\r\n10.6\r\n");
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "h", "b", "1e20"}), "$21\r\n100000000000000000000\r\n");
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "h", "b", "-1e20"}), "$1\r\n0\r\n");
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "h", "c", "3.0"}), "$1\r\n3\r\n");
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "h", "d", "0x10"}), "$2\r\n16\r\n");
  EXPECT_EQ(h.run({"HGET", "h", "a"}), "$4\r\n10.6\r\n");
}

TEST_F(HashNumbers, HincrbyfloatAddsToAStoredInteger) {
  h.run({"HSET", "h", "n", "5"});
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "h", "n", "1"}), "$1\r\n6\r\n");
  EXPECT_EQ(h.run({"HINCRBY", "h", "n", "1"}), ":7\r\n");  // still an integer
}

TEST_F(HashNumbers, HincrbyfloatIsABulkStringInResp3) {
  use_resp3();
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "h", "a", "1.5"}), "$3\r\n1.5\r\n");
}

TEST_F(HashNumbers, HincrbyfloatRefusesAnInfiniteIncrementFirst) {
  h.run({"SET", "s", "v"});
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "s", "a", "inf"}), kNotFinite);
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "s", "a", "-inf"}), kNotFinite);
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "s", "a", "nan"}), kNotFloat);
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "s", "a", "1e5000"}), kNotFloat);
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "s", "a", " 1"}), kNotFloat);
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "s", "a", "1"}), kWrongType);
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "nokey", "a", "inf"}), kNotFinite);
  EXPECT_EQ(h.run({"EXISTS", "nokey"}), ":0\r\n");
}

TEST_F(HashNumbers, HincrbyfloatRefusesAStoredValueThatIsNotAFloat) {
  for (const char* value : {"abc", " 1", "", "1x"}) {
    h.run({"HSET", "h", "f", value});
    EXPECT_EQ(h.run({"HINCRBYFLOAT", "h", "f", "1"}), kHashNotFloat) << value;
  }
}

TEST_F(HashNumbers, HincrbyfloatRefusesAnInfiniteResult) {
  h.run({"HSET", "h", "inf", "inf", "big", "1e4932"});
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "h", "inf", "1"}), kNanOrInfinity);
  EXPECT_EQ(h.run({"HINCRBYFLOAT", "h", "big", "1e4932"}), kNanOrInfinity);
  EXPECT_EQ(h.run({"HGET", "h", "big"}), "$6\r\n1e4932\r\n");
}

TEST_F(HashNumbers, HincrbyfloatPublishesOnlyWhenItWrites) {
  listen("h");
  h.run({"HINCRBYFLOAT", "h", "a", "1.5"});
  h.run({"HINCRBYFLOAT", "h", "a", "inf"});
  EXPECT_EQ(events(), (std::vector<std::string>{"hincrbyfloat h"}));
}

}  // namespace
}  // namespace mini_redis::testing
