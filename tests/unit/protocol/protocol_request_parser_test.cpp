// The request parser, fed the way TCP delivers bytes: whole, split at every
// possible point, and many requests at once.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/request_parser.h"

namespace mini_redis::protocol {
namespace {

using Commands = std::vector<std::vector<std::string>>;

// Drives the parser like a connection does: bytes arrive in `chunks`; after
// each arrival every complete request is taken and its bytes discarded.
struct Feed {
  Commands commands;
  std::string error;
  std::size_t empties = 0;
};

Feed feed_in_chunks(const std::vector<std::string>& chunks, ProtocolLimits limits = {}) {
  RequestParser parser(limits);
  std::string buffer;
  Feed result;
  for (const std::string& chunk : chunks) {
    buffer += chunk;
    while (!buffer.empty()) {
      ParseStatus status = parser.parse(buffer);
      if (status == ParseStatus::incomplete) break;
      if (status == ParseStatus::error) {
        result.error = std::string(parser.error_message());
        return result;
      }
      if (status == ParseStatus::command) {
        std::vector<std::string> words;
        for (std::string_view arg : parser.args()) words.emplace_back(arg);
        result.commands.push_back(words);
      } else {
        ++result.empties;
      }
      buffer.erase(0, parser.consumed());
    }
  }
  return result;
}

Feed feed(const std::string& bytes, ProtocolLimits limits = {}) {
  return feed_in_chunks({bytes}, limits);
}

TEST(RequestParser, ParsesOneMultibulkCommand) {
  Feed f = feed("*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n");
  ASSERT_EQ(f.commands, (Commands{{"GET", "key"}}));
}

TEST(RequestParser, ParsesManyPipelinedCommandsFromOneRead) {
  Feed f = feed("*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\nPING\r\n");
  ASSERT_EQ(f.commands, (Commands{{"PING"}, {"SET", "k", "v"}, {"PING"}}));
}

TEST(RequestParser, BulkStringsMayHoldAnyByte) {
  std::string value("a\r\nb\0c", 6);
  Feed f = feed("*2\r\n$4\r\nECHO\r\n$6\r\n" + value + "\r\n");
  ASSERT_EQ(f.commands.size(), 1U);
  EXPECT_EQ(f.commands[0][1], value);
}

TEST(RequestParser, EverySplitPointOfAPipelinedStreamGivesTheSameCommands) {
  const std::string stream =
      "*3\r\n$3\r\nSET\r\n$5\r\nhello\r\n$5\r\nworld\r\n"
      "GET hello\r\n"
      "*0\r\n"
      "\r\n"
      "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"
      "*1\r\n$4\r\nPING\r\n";
  const Commands expected{{"SET", "hello", "world"}, {"GET", "hello"}, {"ECHO", ""}, {"PING"}};
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    Feed f = feed_in_chunks({stream.substr(0, split), stream.substr(split)});
    ASSERT_EQ(f.commands, expected) << "split at byte " << split;
    ASSERT_EQ(f.empties, 2U) << "split at byte " << split;
  }
}

TEST(RequestParser, ByteByByteDeliveryGivesTheSameCommands) {
  const std::string stream = "*2\r\n$4\r\nECHO\r\n$11\r\nhello world\r\nPING\r\n";
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  EXPECT_EQ(feed_in_chunks(bytes).commands, (Commands{{"ECHO", "hello world"}, {"PING"}}));
}

TEST(RequestParser, IncompleteRequestReportsHowManyBytesTheBulkStillNeeds) {
  RequestParser parser;
  EXPECT_EQ(parser.parse("*2\r\n$3\r\nSET\r\n$10\r\nabc"), ParseStatus::incomplete);
  EXPECT_EQ(parser.bytes_still_needed(), 9U);  // 7 more value bytes + CRLF
  EXPECT_EQ(parser.parse("*2\r\n$3\r\nSET\r\n$10\r\nabcdefghij\r\n"), ParseStatus::command);
  EXPECT_EQ(parser.consumed(), 30U);
}

TEST(RequestParser, EmptyArraysAndNegativeCountsAreSkippedSilently) {
  // Redis ignores "*0" and any negative count, such as "*-10".
  Feed f = feed("*0\r\n*-1\r\n*-10\r\nPING\r\n");
  EXPECT_EQ(f.empties, 3U);
  EXPECT_EQ(f.commands, (Commands{{"PING"}}));
}

TEST(RequestParser, BlankInlineLinesAreSkipped) {
  Feed f = feed("\r\n\n   \r\nPING\r\n");
  EXPECT_EQ(f.empties, 3U);
  EXPECT_EQ(f.commands, (Commands{{"PING"}}));
}

// ---- protocol errors: Redis's exact texts --------------------------------------

TEST(RequestParser, RejectsAnArrayLongerThanIntMax) {
  EXPECT_EQ(feed("*3000000000\r\n").error, "ERR Protocol error: invalid multibulk length");
}

TEST(RequestParser, RejectsANonNumericArrayLength) {
  EXPECT_EQ(feed("*abc\r\n").error, "ERR Protocol error: invalid multibulk length");
  EXPECT_EQ(feed("*\r\n").error, "ERR Protocol error: invalid multibulk length");
  EXPECT_EQ(feed("*+1\r\n").error, "ERR Protocol error: invalid multibulk length");
}

TEST(RequestParser, RejectsANegativeBulkLength) {
  EXPECT_EQ(feed("*1\r\n$-10\r\n").error, "ERR Protocol error: invalid bulk length");
}

TEST(RequestParser, RejectsANonNumericBulkLength) {
  EXPECT_EQ(feed("*1\r\n$blabla\r\n").error, "ERR Protocol error: invalid bulk length");
  EXPECT_EQ(feed("*1\r\n$01\r\n").error, "ERR Protocol error: invalid bulk length");
}

TEST(RequestParser, RejectsABulkLongerThanTheConfiguredMaximum) {
  ProtocolLimits limits;
  limits.max_bulk_length = 10;
  EXPECT_EQ(feed("*1\r\n$11\r\n", limits).error, "ERR Protocol error: invalid bulk length");
  EXPECT_TRUE(feed("*1\r\n$10\r\n0123456789\r\n", limits).error.empty());
}

TEST(RequestParser, NamesTheByteFoundWhereADollarBelongs) {
  EXPECT_EQ(feed("*1\r\nx\r\n").error, "ERR Protocol error: expected '$', got 'x'");
  EXPECT_EQ(feed("*2\r\n$4\r\nECHO\r\n:1\r\n").error, "ERR Protocol error: expected '$', got ':'");
}

TEST(RequestParser, RejectsUnbalancedQuotesInInlineCommands) {
  EXPECT_EQ(feed("SET \"abc\r\n").error, "ERR Protocol error: unbalanced quotes in request");
  EXPECT_EQ(feed("SET 'abc\r\n").error, "ERR Protocol error: unbalanced quotes in request");
  EXPECT_EQ(feed("SET \"a\"b\r\n").error, "ERR Protocol error: unbalanced quotes in request");
}

TEST(RequestParser, RejectsAnInlineRequestLongerThan64KiB) {
  std::string line(64 * 1024 + 1, 'a');
  EXPECT_EQ(feed(line).error, "ERR Protocol error: too big inline request");
  // Exactly at the limit and still without a newline: wait for more.
  EXPECT_TRUE(feed(std::string(64 * 1024, 'a')).error.empty());
}

TEST(RequestParser, RejectsHeaderLinesLongerThan64KiB) {
  EXPECT_EQ(feed("*" + std::string(64 * 1024 + 1, '1')).error,
            "ERR Protocol error: too big mbulk count string");
  EXPECT_EQ(feed("*1\r\n$" + std::string(64 * 1024 + 1, '1')).error,
            "ERR Protocol error: too big bulk count string");
}

TEST(RequestParser, DoesNotPreallocateFromAHugeAnnouncedCount) {
  // 2^31-1 elements announced, one sent: the parser just waits for more,
  // without reserving gigabytes for the rest.
  RequestParser parser;
  EXPECT_EQ(parser.parse("*2147483647\r\n$4\r\nPING\r\n"), ParseStatus::incomplete);
}

// ---- inline commands: what a person types into nc or telnet --------------------

TEST(RequestParser, SplitsInlineCommandsOnWhitespace) {
  EXPECT_EQ(feed("SET  key\tvalue \r\n").commands, (Commands{{"SET", "key", "value"}}));
}

TEST(RequestParser, AcceptsABareNewlineAfterAnInlineCommand) {
  EXPECT_EQ(feed("PING\nPING\n").commands, (Commands{{"PING"}, {"PING"}}));
}

TEST(RequestParser, UnescapesDoubleQuotedInlineArguments) {
  Feed f = feed("SET k \"a b\\n\\x41\\\"\"\r\n");
  EXPECT_EQ(f.commands, (Commands{{"SET", "k", "a b\nA\""}}));
}

TEST(RequestParser, SingleQuotesOnlyEscapeTheQuote) {
  Feed f = feed("SET k 'it\\'s \\n'\r\n");
  EXPECT_EQ(f.commands, (Commands{{"SET", "k", "it's \\n"}}));
}

TEST(RequestParser, EmptyQuotedStringIsAnArgument) {
  EXPECT_EQ(feed("ECHO \"\"\r\n").commands, (Commands{{"ECHO", ""}}));
}

TEST(RequestParser, ParsingResumesCleanlyAfterAnInlineCommand) {
  EXPECT_EQ(feed("ECHO \"x y\"\r\n*1\r\n$4\r\nPING\r\n").commands,
            (Commands{{"ECHO", "x y"}, {"PING"}}));
}

}  // namespace
}  // namespace mini_redis::protocol
