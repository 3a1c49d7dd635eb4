// Stream IDs as the commands read them (Redis's streamGenericParseIDOrReply
// and string2ull): the forms each command accepts and the quirks of the
// number parsing, each checked against Redis 7.0.15 (tests/diff/cases/
// streams.txt sends the same texts to both servers).
#include "commands/streams/stream_id_arguments.h"

#include <gtest/gtest.h>

#include <string>

namespace mini_redis::commands {
namespace {

using types::StreamID;
constexpr std::uint64_t kMax = StreamID::max().seq;

TEST(ParseStreamID, FullAndShortForms) {
  EXPECT_EQ(parse_stream_id("5-3", true, 0), (StreamID{5, 3}));
  EXPECT_EQ(parse_stream_id("5", true, 0), (StreamID{5, 0}));
  EXPECT_EQ(parse_stream_id("5", true, kMax), (StreamID{5, kMax}));
  EXPECT_EQ(parse_stream_id("18446744073709551615-18446744073709551615", true, 0), StreamID::max());
}

TEST(ParseStreamID, DashAndPlusOnlyWhenNotStrict) {
  EXPECT_EQ(parse_stream_id("-", false, 0), StreamID::min());
  EXPECT_EQ(parse_stream_id("+", false, 0), StreamID::max());
  EXPECT_FALSE(parse_stream_id("-", true, 0));
  EXPECT_FALSE(parse_stream_id("+", true, 0));
}

TEST(ParseStreamID, RejectsWhatRedisRejects) {
  for (const char* text :
       {"", "abc", "1-x", "-1", "1--1", "18446744073709551616", "5-", "*", "1-*", "1.5", "0x10"}) {
    EXPECT_FALSE(parse_stream_id(text, true, 0)) << text;
  }
  EXPECT_FALSE(parse_stream_id(std::string(128, '1'), true, 0));  // longer than 127 bytes
}

TEST(ParseStreamID, StrtoullLeniencyPastInt64Rules) {
  // Not canonical int64 text, so Redis falls back to strtoull, which takes
  // a '+' sign and leading blanks (XADD s " 5" answers 5-0 in Redis too).
  EXPECT_EQ(parse_stream_id("+6-1", true, 0), (StreamID{6, 1}));
  EXPECT_EQ(parse_stream_id(" 5", true, 0), (StreamID{5, 0}));
  EXPECT_EQ(parse_stream_id("5-01", true, 0), (StreamID{5, 1}));
}

TEST(ParseStreamID, SequenceStarOnlyWhenAsked) {
  bool seq_given = true;
  EXPECT_EQ(parse_stream_id("7-*", true, 0, &seq_given), (StreamID{7, 0}));
  EXPECT_FALSE(seq_given);
  EXPECT_EQ(parse_stream_id("7-2", true, 0, &seq_given), (StreamID{7, 2}));
  EXPECT_TRUE(seq_given);
  EXPECT_FALSE(parse_stream_id("7-*", true, 0));
}

}  // namespace
}  // namespace mini_redis::commands
