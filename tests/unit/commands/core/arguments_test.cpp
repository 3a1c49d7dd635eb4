// Reading numbers out of arguments: the integer and long double rules of
// Redis 7.0 (string2ll, string2ld) and INCRBYFLOAT's number format (ld2string
// in human-friendly mode). Expected texts were taken from a real Redis 7.0.
#include "commands/core/arguments.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "unit/support/command_harness.h"

namespace mini_redis::commands {
namespace {

// Runs an *_or_reply function and returns what it wrote to the client.
class ArgumentsTest : public ::testing::Test {
 protected:
  testing::CommandHarness h;
  std::string out;
  protocol::ReplyWriter reply{out};
  Context ctx{h.client, reply,   h.keyspace, h.config,  h.stats,
              h.server, h.table, h.pubsub,   h.monitors, h.blocking};
};

TEST_F(ArgumentsTest, IntegerOrReplyReadsCanonicalIntegersSilently) {
  EXPECT_EQ(integer_or_reply(ctx, "42"), 42);
  EXPECT_EQ(integer_or_reply(ctx, "-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(out, "");
}

TEST_F(ArgumentsTest, IntegerOrReplyRepliesTheNotAnIntegerError) {
  EXPECT_EQ(integer_or_reply(ctx, "007"), std::nullopt);
  EXPECT_EQ(out, "-ERR value is not an integer or out of range\r\n");
}

TEST_F(ArgumentsTest, IntegerOrReplyUsesTheCallersErrorWhenGiven) {
  EXPECT_EQ(integer_or_reply(ctx, "x", "ERR timeout is not an integer or out of range"),
            std::nullopt);
  EXPECT_EQ(out, "-ERR timeout is not an integer or out of range\r\n");
}

TEST_F(ArgumentsTest, LongDoubleOrReplyRepliesTheNotAFloatError) {
  EXPECT_EQ(long_double_or_reply(ctx, "1.5"), 1.5L);
  EXPECT_EQ(out, "");
  EXPECT_EQ(long_double_or_reply(ctx, "abc"), std::nullopt);
  EXPECT_EQ(out, "-ERR value is not a valid float\r\n");
}

TEST(ParseLongDouble, AcceptsWhatStrtoldAccepts) {
  EXPECT_EQ(parse_long_double("10.5"), 10.5L);
  EXPECT_EQ(parse_long_double("+3"), 3.0L);
  EXPECT_EQ(parse_long_double(".5"), 0.5L);
  EXPECT_EQ(parse_long_double("-.5e1"), -5.0L);
  EXPECT_EQ(parse_long_double("1.5e+2"), 150.0L);
  EXPECT_EQ(parse_long_double("3.0e3"), 3000.0L);
  EXPECT_EQ(parse_long_double("0x10"), 16.0L);
  EXPECT_EQ(parse_long_double("0x1p3"), 8.0L);
}

TEST(ParseLongDouble, AcceptsInfinityButNotNan) {
  EXPECT_EQ(parse_long_double("inf"), INFINITY);
  EXPECT_EQ(parse_long_double("infinity"), INFINITY);
  EXPECT_EQ(parse_long_double("-inf"), -INFINITY);
  EXPECT_EQ(parse_long_double("nan"), std::nullopt);
  EXPECT_EQ(parse_long_double("-nan"), std::nullopt);
}

TEST(ParseLongDouble, RejectsSpacesAndTrailingBytes) {
  EXPECT_EQ(parse_long_double(""), std::nullopt);
  EXPECT_EQ(parse_long_double(" 1"), std::nullopt);
  EXPECT_EQ(parse_long_double("\t1"), std::nullopt);
  EXPECT_EQ(parse_long_double("1 "), std::nullopt);
  EXPECT_EQ(parse_long_double("1e"), std::nullopt);
  EXPECT_EQ(parse_long_double("abc"), std::nullopt);
  EXPECT_EQ(parse_long_double(std::string("1\0"
                                          "2",
                                          3)),
            std::nullopt);
}

TEST(ParseLongDouble, RejectsOverflowAndUnderflowToZeroButNotSubnormals) {
  EXPECT_EQ(parse_long_double("1e5000"), std::nullopt);
  EXPECT_EQ(parse_long_double("-1e5000"), std::nullopt);
  EXPECT_EQ(parse_long_double("1e-5000"), std::nullopt);
  ASSERT_TRUE(parse_long_double("1e-4940").has_value());
  EXPECT_GT(*parse_long_double("1e-4940"), 0.0L);
  EXPECT_TRUE(parse_long_double("1e4000").has_value());
}

TEST(ParseLongDouble, RejectsTextsOf5120BytesOrMore) {
  // Redis copies the text into a 5 KiB buffer (MAX_LONG_DOUBLE_CHARS).
  EXPECT_EQ(parse_long_double(std::string(5119, '0')), 0.0L);
  EXPECT_EQ(parse_long_double(std::string(5120, '0')), std::nullopt);
}

TEST(FormatLongDouble, DropsTrailingZerosAndThePoint) {
  EXPECT_EQ(format_long_double(10.5L), "10.5");
  EXPECT_EQ(format_long_double(10.5L + 0.1L), "10.6");
  EXPECT_EQ(format_long_double(3.0e3L), "3000");
  EXPECT_EQ(format_long_double(3.0e3L + 5.0e3L), "8000");
  EXPECT_EQ(format_long_double(0.1L + 0.2L), "0.3");
  EXPECT_EQ(format_long_double(-2.5L), "-2.5");
}

TEST(FormatLongDouble, KeepsSeventeenDecimalsAtMost) {
  EXPECT_EQ(format_long_double(*parse_long_double("1.23456789012345678901234")),
            "1.23456789012345679");
  EXPECT_EQ(format_long_double(1e-20L), "0");
}

TEST(FormatLongDouble, NegativeZeroIsZero) {
  EXPECT_EQ(format_long_double(-0.0L), "0");
  EXPECT_EQ(format_long_double(-1e-20L), "0");
}

TEST(FormatLongDouble, NeverUsesAnExponent) {
  EXPECT_EQ(format_long_double(*parse_long_double("12345678901234567890123456789")),
            "12345678901234567890421678080");
  EXPECT_EQ(format_long_double(1e40L), "9999999999999999999783686092270256259072");
  // All 301 digits of the long double nearest to 1e300, as Redis stores them.
  EXPECT_EQ(format_long_double(*parse_long_double("1e300")),
            "100000000000000000000899732407955919387052394427329074793826"
            "008232126564659618093575584915208375049719035037250861427483"
            "590359255618467298391309626052074864628732713564184365329408"
            "425510760601678972665293237003055138294762099454029477278188"
            "962060617926761162709741065056718738610569008942491510400614"
            "4");
}

TEST(FormatLongDouble, SpellsInfinitiesLikeRedis) {
  EXPECT_EQ(format_long_double(INFINITY), "inf");
  EXPECT_EQ(format_long_double(-INFINITY), "-inf");
}

}  // namespace
}  // namespace mini_redis::commands
