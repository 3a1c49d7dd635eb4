// Workshop step 1: RESP, the bytes a Redis client and server exchange.
//
// What you wrote: workshop/src/protocol/reply_writer.cpp (simple_string, integer,
// bulk_string, null) and, in workshop/src/protocol/request_parser.cpp, the part of
// parse_multibulk that frames one bulk string. Each test shows the exact bytes.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_writer.h"
#include "protocol/request_parser.h"
#include "support/step_support.h"

namespace mini_redis::protocol {
namespace {

// ---- encoding replies -------------------------------------------------------------

std::string written(void (*write)(ReplyWriter&), ProtocolVersion version = ProtocolVersion::resp2) {
  std::string out;
  ReplyWriter writer(out, version);
  write(writer);
  return out;
}

TEST(Step1Replies, ASimpleStringIsAPlusTheTextAndCrlf) {
  EXPECT_EQ(written([](ReplyWriter& w) { w.simple_string("PONG"); }), "+PONG\r\n")
      << "a simple string is '+', the text, then CRLF (\\r\\n)";
  EXPECT_EQ(written([](ReplyWriter& w) { w.ok(); }), "+OK\r\n");
}

TEST(Step1Replies, AnIntegerIsAColonTheDigitsAndCrlf) {
  EXPECT_EQ(written([](ReplyWriter& w) { w.integer(42); }), ":42\r\n")
      << "an integer is ':', the digits, then CRLF";
  EXPECT_EQ(written([](ReplyWriter& w) { w.integer(0); }), ":0\r\n");
  EXPECT_EQ(written([](ReplyWriter& w) { w.integer(-7); }), ":-7\r\n");
  EXPECT_EQ(written([](ReplyWriter& w) { w.integer(std::numeric_limits<std::int64_t>::min()); }),
            ":-9223372036854775808\r\n");
}

TEST(Step1Replies, ABulkStringIsItsLengthThenItsBytes) {
  EXPECT_EQ(written([](ReplyWriter& w) { w.bulk_string("hello"); }), "$5\r\nhello\r\n")
      << "a bulk string is '$', the length of the data (not counting the CRLF), CRLF, "
         "the data, CRLF";
  EXPECT_EQ(written([](ReplyWriter& w) { w.bulk_string(""); }), "$0\r\n\r\n");
}

TEST(Step1Replies, ABulkStringMayHoldAnyByteEvenCrlf) {
  EXPECT_EQ(written([](ReplyWriter& w) { w.bulk_string(std::string_view("a\r\n\0b", 5)); }),
            std::string("$5\r\na\r\n\0b\r\n", 11));
}

TEST(Step1Replies, NullIsDollarMinusOneInResp2AndUnderscoreInResp3) {
  EXPECT_EQ(written([](ReplyWriter& w) { w.null(); }), "$-1\r\n") << "RESP2's null is $-1";
  EXPECT_EQ(written([](ReplyWriter& w) { w.null(); }, ProtocolVersion::resp3), "_\r\n")
      << "after HELLO 3 (resp3() is true) null is \"_\\r\\n\"";
}

TEST(Step1Replies, RepliesAccumulateInOneBuffer) {
  std::string out;
  ReplyWriter w(out);
  w.simple_string("OK");
  w.integer(1);
  w.bulk_string("v");
  w.null();
  EXPECT_EQ(out, "+OK\r\n:1\r\n$1\r\nv\r\n$-1\r\n");
}

// ---- parsing requests -----------------------------------------------------------------

std::vector<std::string> args_of(const RequestParser& parser) {
  return {parser.args().begin(), parser.args().end()};
}

TEST(Step1Requests, AnArrayOfBulkStringsIsOneCommand) {
  RequestParser parser;
  const std::string request = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
  ASSERT_EQ(parser.parse(request), ParseStatus::command);
  EXPECT_EQ(args_of(parser), (std::vector<std::string>{"SET", "key", "value"}))
      << "each argument is exactly the bulk's data: no CRLF, no header";
  EXPECT_EQ(parser.consumed(), request.size())
      << "consumed() counts every byte of the request, the last CRLF included";
}

TEST(Step1Requests, TheLengthDecidesWhereAnArgumentEndsNotTheBytesInIt) {
  RequestParser parser;
  ASSERT_EQ(parser.parse(std::string_view("*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n")),
            ParseStatus::command);
  EXPECT_EQ(args_of(parser), (std::vector<std::string>{"ECHO", "a\r\nb"}));
}

TEST(Step1Requests, AnEmptyBulkStringIsAnEmptyArgument) {
  RequestParser parser;
  ASSERT_EQ(parser.parse("*2\r\n$3\r\nGET\r\n$0\r\n\r\n"), ParseStatus::command);
  EXPECT_EQ(args_of(parser), (std::vector<std::string>{"GET", ""}));
  EXPECT_EQ(parser.consumed(), 19u);
}

TEST(Step1Requests, ARequestCutAnywhereIsIncompleteUntilItsLastByteArrives) {
  // TCP may deliver the bytes in any pieces: feed a longer prefix each time,
  // as a connection does after each read.
  const std::string request = "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n";
  RequestParser parser;
  for (std::size_t cut = 1; cut < request.size(); ++cut) {
    ASSERT_EQ(parser.parse(std::string_view(request).substr(0, cut)), ParseStatus::incomplete)
        << "with only the first " << cut << " of " << request.size()
        << " bytes the request is incomplete (not an error, not a command: wait for more)";
  }
  ASSERT_EQ(parser.parse(request), ParseStatus::command)
      << "once its last byte (the final CRLF) is there, the request is complete";
  EXPECT_EQ(args_of(parser), (std::vector<std::string>{"ECHO", "hello"}));
  EXPECT_EQ(parser.consumed(), request.size());
}

TEST(Step1Requests, PipelinedRequestsAreReadOneAtATime) {
  const std::string two = "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
  RequestParser parser;
  ASSERT_EQ(parser.parse(two), ParseStatus::command);
  EXPECT_EQ(args_of(parser), (std::vector<std::string>{"PING"}));
  ASSERT_EQ(parser.consumed(), 14u);

  ASSERT_EQ(parser.parse(std::string_view(two).substr(14)), ParseStatus::command)
      << "the second request starts where the first one ended: was bulk_length_ reset to -1?";
  EXPECT_EQ(args_of(parser), (std::vector<std::string>{"GET", "k"}));
  EXPECT_EQ(parser.consumed(), two.size() - 14);
}

TEST(Step1Requests, AnIncompleteBulkSaysHowManyBytesItStillNeeds) {
  // "$10\r\n" announced 10 bytes; 3 arrived, so 7 + the CRLF are missing.
  RequestParser parser;
  ASSERT_EQ(parser.parse("*1\r\n$10\r\nabc"), ParseStatus::incomplete);
  EXPECT_EQ(parser.bytes_still_needed(), 9u)
      << "7 bytes of data and the 2 of the CRLF are missing: still_needed_ = end - input.size()";
}

}  // namespace
}  // namespace mini_redis::protocol
