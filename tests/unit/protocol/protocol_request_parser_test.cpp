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

// ---- a command of very many arguments ------------------------------------------
// "*2147483647" then endless "$1\r\nx\r\n": the parser must neither trust the
// count nor copy its table of arguments as it grows (request_parser.h).

std::string tiny_arguments(std::size_t count) {
  std::string bytes;
  bytes.reserve(count * 7);
  for (std::size_t i = 0; i < count; ++i)
    bytes += "$1\r\n" + std::string(1, char('a' + i % 26)) + "\r\n";
  return bytes;
}

TEST(RequestParser, ACommandOfManyArgumentsSpanningSeveralBlocksParsesInOrder) {
  // Past the first 64 Ki arguments (kept in a vector) and over several blocks.
  const std::size_t count = 300'000;
  const std::string request = "*" + std::to_string(count) + "\r\n" + tiny_arguments(count);
  for (std::size_t chunk : {request.size(), std::size_t{16 * 1024}, std::size_t{4093}}) {
    RequestParser parser;
    ParseStatus status = ParseStatus::incomplete;
    for (std::size_t end = std::min(chunk, request.size());;
         end = std::min(end + chunk, request.size())) {
      status = parser.parse(std::string_view(request).substr(0, end));
      if (status != ParseStatus::incomplete || end == request.size()) break;
    }
    ASSERT_EQ(status, ParseStatus::command) << "chunk " << chunk;
    ASSERT_EQ(parser.args().size(), count);
    for (std::size_t i = 0; i < count; i += 7919) {
      ASSERT_EQ(parser.args()[i], std::string(1, char('a' + i % 26))) << i;
    }
    EXPECT_EQ(parser.args().back(), std::string(1, char('a' + (count - 1) % 26)));
    EXPECT_EQ(parser.consumed(), request.size());
    EXPECT_EQ(parser.pending_request_memory(), 0U);  // the table went with the request
  }
}

TEST(RequestParser, PendingMemoryFollowsTheArgumentsThatArrivedNotTheCount) {
  RequestParser parser;
  std::string input = "*2147483647\r\n" + tiny_arguments(10);
  ASSERT_EQ(parser.parse(input), ParseStatus::incomplete);
  // 1024 slots at most are reserved, whatever the count announced.
  EXPECT_LE(parser.pending_request_memory(), 1024 * 16U);

  // Then the memory grows with the arguments, about 16 bytes each plus at
  // most one block (1 MiB) being filled: never in proportion to INT_MAX.
  for (std::size_t framed = 10; framed < 1'000'000;) {
    const std::size_t more = 50'000;
    input += tiny_arguments(more);
    framed += more;
    ASSERT_EQ(parser.parse(input), ParseStatus::incomplete);
    EXPECT_GE(parser.pending_request_memory(), framed * 16);
    EXPECT_LE(parser.pending_request_memory(), framed * 16 + (2U << 20)) << framed;
  }
}

TEST(RequestParser, AProtocolErrorAfterManyArgumentsReleasesTheTable) {
  RequestParser parser;
  std::string input = "*2147483647\r\n" + tiny_arguments(200'000);
  ASSERT_EQ(parser.parse(input), ParseStatus::incomplete);
  EXPECT_GT(parser.pending_request_memory(), 200'000 * 16U);
  input += "?";
  input += "\r\n";
  ASSERT_EQ(parser.parse(input), ParseStatus::error);
  EXPECT_EQ(parser.error_message(), "ERR Protocol error: expected '$', got '?'");
  EXPECT_EQ(parser.pending_request_memory(), 0U);
  // And the parser is ready for ordinary requests again.
  EXPECT_EQ(parser.parse("*1\r\n$4\r\nPING\r\n"), ParseStatus::command);
}

// ---- before AUTH (Redis 7.0.15, checked against Debian's redis-server) -----------

ParseStatus parse_unauthenticated(RequestParser& parser, std::string_view input) {
  parser.set_unauthenticated(true);
  return parser.parse(input);
}

TEST(RequestParser, UnauthenticatedClientsMaySendAtMostTenArguments) {
  RequestParser parser;
  EXPECT_EQ(parse_unauthenticated(parser, "*10\r\n"), ParseStatus::incomplete);
  RequestParser other;
  ASSERT_EQ(parse_unauthenticated(other, "*11\r\n"), ParseStatus::error);
  EXPECT_EQ(other.error_message(), "ERR Protocol error: unauthenticated multibulk length");
  // Past INT_MAX the ordinary error comes first, as in Redis.
  ASSERT_EQ(parse_unauthenticated(other, "*3000000000\r\n"), ParseStatus::error);
  EXPECT_EQ(other.error_message(), "ERR Protocol error: invalid multibulk length");
  // Empty requests stay empty.
  EXPECT_EQ(parse_unauthenticated(other, "*0\r\n"), ParseStatus::empty);
}

TEST(RequestParser, UnauthenticatedClientsMaySendArgumentsOfAtMost16KiB) {
  RequestParser parser;
  EXPECT_EQ(parse_unauthenticated(parser, "*1\r\n$16384\r\n"), ParseStatus::incomplete);
  RequestParser other;
  ASSERT_EQ(parse_unauthenticated(other, "*1\r\n$16385\r\n"), ParseStatus::error);
  EXPECT_EQ(other.error_message(), "ERR Protocol error: unauthenticated bulk length");
  ASSERT_EQ(parse_unauthenticated(other, "*1\r\n$600000000\r\n"), ParseStatus::error);
  EXPECT_EQ(other.error_message(), "ERR Protocol error: invalid bulk length");
}

TEST(RequestParser, AuthenticatedClientsKeepTheOrdinaryLimits) {
  RequestParser parser;
  parser.set_unauthenticated(false);
  EXPECT_EQ(parser.parse("*1048577\r\n$100000\r\n"), ParseStatus::incomplete);
}

}  // namespace
}  // namespace mini_redis::protocol

namespace mini_redis::protocol {
namespace {

// A big argument read elsewhere (a connection's StringBlock): the parser
// says where its data starts and how long it is, the caller cuts the input
// there, and the argument comes back through supply_bulk.
TEST(RequestParser, ABigBulkSuppliedFromOutsideTheInputTakesItsPlace) {
  RequestParser parser;
  std::string input = "*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n0123";
  ASSERT_EQ(parser.parse(input), ParseStatus::incomplete);
  const RequestParser::PendingBulk pending = parser.pending_bulk();
  EXPECT_EQ(pending.length, 10u);
  EXPECT_EQ(input.substr(pending.offset), "0123");

  const std::string outside = "0123456789";
  input.resize(pending.offset);  // the data moved out of the input
  parser.supply_bulk(outside);
  input += "$2\r\nNX\r\n";  // what follows the CRLF arrives in the input
  ASSERT_EQ(parser.parse(input), ParseStatus::command);
  EXPECT_EQ(parser.consumed(), input.size());
  ASSERT_EQ(parser.args().size(), 4u);
  EXPECT_EQ(parser.args()[2], "0123456789");
  EXPECT_EQ(parser.args()[2].data(), outside.data());  // the very bytes, not a copy
  EXPECT_EQ(parser.args()[3], "NX");

  // The next request is parsed from its own bytes again.
  ASSERT_EQ(parser.parse("*1\r\n$4\r\nPING\r\n"), ParseStatus::command);
  ASSERT_EQ(parser.args().size(), 1u);
  EXPECT_EQ(parser.args()[0], "PING");
}

TEST(RequestParser, NoBulkIsPendingWhileAHeaderIsAwaited) {
  RequestParser parser;
  ASSERT_EQ(parser.parse("*2\r\n$3\r\nGET\r\n$"), ParseStatus::incomplete);
  EXPECT_EQ(parser.pending_bulk().length, 0u);
  RequestParser inline_parser;
  ASSERT_EQ(inline_parser.parse("GET k"), ParseStatus::incomplete);  // no newline yet
  EXPECT_EQ(inline_parser.pending_bulk().length, 0u);
}

}  // namespace
}  // namespace mini_redis::protocol
