// parse_int64_strict: Redis's string2ll rules. Each rejected spelling below
// was checked on Redis 7.0.15 as `SET k <text>` then `INCRBY k 0`, which
// answers "ERR value is not an integer or out of range" exactly when Redis
// does not read the stored text as a 64-bit integer.
#include "common/integer_parsing.h"

#include <gtest/gtest.h>

#include <limits>
#include <string_view>

namespace mini_redis {
namespace {

TEST(ParseInt64Strict, ReadsCanonicalSpellings) {
  EXPECT_EQ(parse_int64_strict("0"), 0);
  EXPECT_EQ(parse_int64_strict("7"), 7);
  EXPECT_EQ(parse_int64_strict("10"), 10);
  EXPECT_EQ(parse_int64_strict("-1"), -1);
  EXPECT_EQ(parse_int64_strict("-42"), -42);
  EXPECT_EQ(parse_int64_strict("1234567890"), 1234567890);
}

TEST(ParseInt64Strict, ReadsBothEndsOfTheRange) {
  EXPECT_EQ(parse_int64_strict("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_int64_strict("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
}

TEST(ParseInt64Strict, RejectsOneBeyondEitherEnd) {
  EXPECT_EQ(parse_int64_strict("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_int64_strict("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(parse_int64_strict("18446744073709551616"),
            std::nullopt);  // 2^64 wraps to 0 if unchecked
  EXPECT_EQ(parse_int64_strict("18446744073709551617"), std::nullopt);
  EXPECT_EQ(parse_int64_strict("99999999999999999999"), std::nullopt);
}

TEST(ParseInt64Strict, RejectsNonCanonicalSpellings) {
  for (std::string_view text : {"", "-", "-0", "007", "00", "+1", " 1", "1 ", "1a", "a1", "1.0",
                                "1e3", "0x10", "--1", "1-", "\t1"}) {
    EXPECT_EQ(parse_int64_strict(text), std::nullopt) << "[" << text << "]";
  }
}

TEST(ParseInt64Strict, RejectsTextLongerThanAnyInt64) {
  // 21 characters cannot be an int64 even with leading zeros (which are
  // rejected anyway); the length check answers before any digit is read.
  EXPECT_EQ(parse_int64_strict("100000000000000000000"), std::nullopt);
  EXPECT_EQ(parse_int64_strict("-100000000000000000000"), std::nullopt);
}

TEST(ParseInt64Strict, IsBinarySafe) {
  using namespace std::string_view_literals;
  EXPECT_EQ(parse_int64_strict("12\0"sv), std::nullopt);
  EXPECT_EQ(parse_int64_strict("\0"sv), std::nullopt);
  // Only the view's bytes count, not what follows it in memory.
  std::string_view prefix = std::string_view("123456").substr(0, 3);
  EXPECT_EQ(parse_int64_strict(prefix), 123);
}

}  // namespace
}  // namespace mini_redis
