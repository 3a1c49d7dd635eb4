// GET, SET and their variants (SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX,
// MGET, MSET, MSETNX). Every expected reply and error was checked against a
// real Redis 7.0.15.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "unit/support/command_harness.h"

namespace mini_redis {
namespace {

using storage::Encoding;

class StringCommandsTest : public ::testing::Test {
 protected:
  // The entry as storage holds it (nullptr if absent), without counting a read.
  storage::Entry* entry(const std::string& key) { return h.keyspace.db(0).lookup_quietly(key); }
  std::int64_t expire_at(const std::string& key) { return entry(key)->expire_at_ms(); }
  std::int64_t now() const { return h.clock.now_ms(); }
  void use_resp3() { h.client.protocol = protocol::ProtocolVersion::resp3; }

  testing::CommandHarness h;
};

// ---- GET ----------------------------------------------------------------------------------

TEST_F(StringCommandsTest, GetAnswersTheValue) {
  h.run({"SET", "k", "hello"});
  EXPECT_EQ(h.run({"GET", "k"}), "$5\r\nhello\r\n");
}

TEST_F(StringCommandsTest, GetOfAMissingKeyIsNullInEitherProtocol) {
  EXPECT_EQ(h.run({"GET", "nope"}), "$-1\r\n");
  use_resp3();
  EXPECT_EQ(h.run({"GET", "nope"}), "_\r\n");
}

TEST_F(StringCommandsTest, GetIsBinarySafe) {
  h.run({"SET", "k", std::string("a\0\r\nb", 5)});
  EXPECT_EQ(h.run({"GET", "k"}), std::string("$5\r\na\0\r\nb\r\n", 11));
}

TEST_F(StringCommandsTest, GetCountsHitsAndMisses) {
  h.run({"SET", "k", "v"});
  h.run({"GET", "k"});
  h.run({"GET", "nope"});
  EXPECT_EQ(h.keyspace.stats().keyspace_hits, 1U);
  EXPECT_EQ(h.keyspace.stats().keyspace_misses, 1U);
}

TEST_F(StringCommandsTest, GetChecksItsArity) {
  EXPECT_EQ(h.run({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(h.run({"GET", "a", "b"}), "-ERR wrong number of arguments for 'get' command\r\n");
}

// ---- SET: plain, encodings, TTL ---------------------------------------------------------------

TEST_F(StringCommandsTest, SetAnswersOkAndOverwrites) {
  EXPECT_EQ(h.run({"SET", "k", "one"}), "+OK\r\n");
  EXPECT_EQ(h.run({"SET", "k", "two"}), "+OK\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$3\r\ntwo\r\n");
}

TEST_F(StringCommandsTest, SetPicksTheEncodingRedisWould) {
  h.run({"SET", "int", "12345"});
  h.run({"SET", "padded", "012"});
  h.run({"SET", "short", std::string(44, 'x')});
  h.run({"SET", "long", std::string(45, 'x')});
  EXPECT_EQ(entry("int")->encoding(), Encoding::integer);
  EXPECT_EQ(entry("padded")->encoding(), Encoding::embstr);
  EXPECT_EQ(entry("short")->encoding(), Encoding::embstr);
  EXPECT_EQ(entry("long")->encoding(), Encoding::raw);
}

TEST_F(StringCommandsTest, SetClearsAnOldTimeToLive) {
  h.run({"SET", "k", "v", "EX", "100"});
  h.run({"SET", "k", "w"});
  EXPECT_FALSE(entry("k")->has_expire());
}

TEST_F(StringCommandsTest, SetExAndPxAreRelativeToNow) {
  EXPECT_EQ(h.run({"SET", "a", "v", "EX", "10"}), "+OK\r\n");
  EXPECT_EQ(h.run({"SET", "b", "v", "px", "1500"}), "+OK\r\n");
  EXPECT_EQ(expire_at("a"), now() + 10'000);
  EXPECT_EQ(expire_at("b"), now() + 1'500);
}

TEST_F(StringCommandsTest, SetExatAndPxatAreUnixTimes) {
  EXPECT_EQ(h.run({"SET", "a", "v", "EXAT", "1800000000"}), "+OK\r\n");
  EXPECT_EQ(h.run({"SET", "b", "v", "PXAT", "1800000000123"}), "+OK\r\n");
  EXPECT_EQ(expire_at("a"), 1'800'000'000'000);
  EXPECT_EQ(expire_at("b"), 1'800'000'000'123);
}

TEST_F(StringCommandsTest, SetWithATimeInThePastLeavesAKeyThatIsAlreadyGone) {
  EXPECT_EQ(h.run({"SET", "k", "v", "EXAT", "1"}), "+OK\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$-1\r\n");
}

TEST_F(StringCommandsTest, SetKeyExpiresWhenTheClockPassesItsTime) {
  h.run({"SET", "k", "v", "PX", "100"});
  h.clock.advance(100);
  EXPECT_EQ(h.run({"GET", "k"}), "$1\r\nv\r\n");
  h.clock.advance(1);
  EXPECT_EQ(h.run({"GET", "k"}), "$-1\r\n");
}

TEST_F(StringCommandsTest, SetKeepttlKeepsTheOldTimeToLive) {
  h.run({"SET", "k", "v", "EX", "100"});
  const std::int64_t before = expire_at("k");
  h.clock.advance(5'000);
  EXPECT_EQ(h.run({"SET", "k", "w", "KEEPTTL"}), "+OK\r\n");
  EXPECT_EQ(expire_at("k"), before);
  EXPECT_EQ(h.run({"GET", "k"}), "$1\r\nw\r\n");
}

TEST_F(StringCommandsTest, SetAllowsTheSameTimeOptionTwiceAndTheLastWins) {
  EXPECT_EQ(h.run({"SET", "k", "v", "EX", "10", "EX", "20"}), "+OK\r\n");
  EXPECT_EQ(expire_at("k"), now() + 20'000);
  EXPECT_EQ(h.run({"SET", "k", "v", "KEEPTTL", "KEEPTTL"}), "+OK\r\n");
  EXPECT_EQ(h.run({"SET", "k", "v", "exat", "1800000000", "EXAT", "1900000000"}), "+OK\r\n");
  EXPECT_EQ(expire_at("k"), 1'900'000'000'000);
}

// ---- SET: NX, XX, GET ---------------------------------------------------------------------

TEST_F(StringCommandsTest, SetNxWritesOnlyAMissingKey) {
  EXPECT_EQ(h.run({"SET", "k", "v", "NX"}), "+OK\r\n");
  EXPECT_EQ(h.run({"SET", "k", "w", "nx"}), "$-1\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$1\r\nv\r\n");
}

TEST_F(StringCommandsTest, SetXxWritesOnlyAnExistingKey) {
  EXPECT_EQ(h.run({"SET", "k", "v", "XX"}), "$-1\r\n");
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n");
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"SET", "k", "w", "XX"}), "+OK\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$1\r\nw\r\n");
}

TEST_F(StringCommandsTest, SetNxOrXxRefusedIsNullInResp3) {
  use_resp3();
  EXPECT_EQ(h.run({"SET", "k", "v", "XX"}), "_\r\n");
}

TEST_F(StringCommandsTest, SetGetAnswersTheOldValue) {
  EXPECT_EQ(h.run({"SET", "k", "one", "GET"}), "$-1\r\n");
  EXPECT_EQ(h.run({"SET", "k", "two", "GET"}), "$3\r\none\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$3\r\ntwo\r\n");
}

TEST_F(StringCommandsTest, SetGetWithNxAnswersTheOldValueEvenWhenNothingIsWritten) {
  // Allowed together since Redis 7.0.
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"SET", "k", "w", "NX", "GET"}), "$1\r\nv\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(h.run({"SET", "new", "w", "GET", "NX"}), "$-1\r\n");
  EXPECT_EQ(h.run({"GET", "new"}), "$1\r\nw\r\n");
}

TEST_F(StringCommandsTest, SetGetWithXxOnAMissingKeyIsNullAndWritesNothing) {
  EXPECT_EQ(h.run({"SET", "k", "v", "XX", "GET"}), "$-1\r\n");
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n");
  use_resp3();
  EXPECT_EQ(h.run({"SET", "k", "v", "XX", "GET"}), "_\r\n");
}

TEST_F(StringCommandsTest, SetGetTwiceIsAllowed) {
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"SET", "k", "w", "GET", "GET"}), "$1\r\nv\r\n");
}

// ---- SET: errors ---------------------------------------------------------------------------

TEST_F(StringCommandsTest, SetRejectsConflictingOrUnknownOptions) {
  const std::string syntax = "-ERR syntax error\r\n";
  EXPECT_EQ(h.run({"SET", "k", "v", "NX", "XX"}), syntax);
  EXPECT_EQ(h.run({"SET", "k", "v", "XX", "NX"}), syntax);
  EXPECT_EQ(h.run({"SET", "k", "v", "EX", "10", "PX", "10"}), syntax);
  EXPECT_EQ(h.run({"SET", "k", "v", "PXAT", "10", "PX", "11"}), syntax);
  EXPECT_EQ(h.run({"SET", "k", "v", "EXAT", "10", "PXAT", "11"}), syntax);
  EXPECT_EQ(h.run({"SET", "k", "v", "KEEPTTL", "EX", "10"}), syntax);
  EXPECT_EQ(h.run({"SET", "k", "v", "PX", "10", "KEEPTTL"}), syntax);
  EXPECT_EQ(h.run({"SET", "k", "v", "PERSIST"}), syntax);
  EXPECT_EQ(h.run({"SET", "k", "v", "FOO"}), syntax);
  EXPECT_EQ(h.run({"SET", "k", "v", "EX"}), syntax);
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n");
}

TEST_F(StringCommandsTest, SetReportsSyntaxErrorsBeforeBadNumbers) {
  EXPECT_EQ(h.run({"SET", "k", "v", "PXAT", "abc", "FOO"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"SET", "k", "v", "EX", "0", "FOO"}), "-ERR syntax error\r\n");
}

TEST_F(StringCommandsTest, SetRejectsTimesThatAreNotCanonicalIntegers) {
  const std::string not_integer = "-ERR value is not an integer or out of range\r\n";
  EXPECT_EQ(h.run({"SET", "k", "v", "EX", "abc"}), not_integer);
  EXPECT_EQ(h.run({"SET", "k", "v", "EX", "1.5"}), not_integer);
  EXPECT_EQ(h.run({"SET", "k", "v", "EX", "01"}), not_integer);
  EXPECT_EQ(h.run({"SET", "k", "v", "EX", "+1"}), not_integer);
  EXPECT_EQ(h.run({"SET", "k", "v", "PX", "99999999999999999999"}), not_integer);
}

TEST_F(StringCommandsTest, SetRejectsZeroAndNegativeTimes) {
  const std::string invalid = "-ERR invalid expire time in 'set' command\r\n";
  EXPECT_EQ(h.run({"SET", "k", "v", "EX", "0"}), invalid);
  EXPECT_EQ(h.run({"SET", "k", "v", "EX", "-1"}), invalid);
  EXPECT_EQ(h.run({"SET", "k", "v", "PX", "0"}), invalid);
  EXPECT_EQ(h.run({"SET", "k", "v", "EXAT", "0"}), invalid);
  EXPECT_EQ(h.run({"SET", "k", "v", "PXAT", "-1"}), invalid);
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n");
}

TEST_F(StringCommandsTest, SetRejectsTimesThatOverflowAsRedisChecksThem) {
  const std::string invalid = "-ERR invalid expire time in 'set' command\r\n";
  // Seconds that overflow when turned into milliseconds.
  EXPECT_EQ(h.run({"SET", "k", "v", "EX", "9223372036854775807"}), invalid);
  EXPECT_EQ(h.run({"SET", "k", "v", "EXAT", "9223372036854776"}), invalid);
  // Relative times that overflow when added to now.
  EXPECT_EQ(h.run({"SET", "k", "v", "EX", "9223372036854775"}), invalid);
  EXPECT_EQ(h.run({"SET", "k", "v", "PX", "9223372036854775807"}), invalid);
  EXPECT_EQ(h.run({"SET", "k", "v", "PX", "9223372036854775000"}), invalid);
  // The same numbers as absolute times are far-away dates, and fine.
  EXPECT_EQ(h.run({"SET", "k", "v", "EXAT", "9223372036854775"}), "+OK\r\n");
  EXPECT_EQ(expire_at("k"), 9'223'372'036'854'775'000);
  EXPECT_EQ(h.run({"SET", "k", "v", "PXAT", "9223372036854775807"}), "+OK\r\n");
  EXPECT_EQ(expire_at("k"), INT64_MAX);
}

TEST_F(StringCommandsTest, SetChecksItsArity) {
  EXPECT_EQ(h.run({"SET", "k"}), "-ERR wrong number of arguments for 'set' command\r\n");
}

// ---- SETNX, SETEX, PSETEX ---------------------------------------------------------------------

TEST_F(StringCommandsTest, SetnxAnswersOneWhenItSetsAndZeroWhenNot) {
  EXPECT_EQ(h.run({"SETNX", "k", "v"}), ":1\r\n");
  EXPECT_EQ(h.run({"SETNX", "k", "w"}), ":0\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$1\r\nv\r\n");
}

TEST_F(StringCommandsTest, SetexSetsValueAndSecondsToLive) {
  h.run({"SET", "k", "old"});
  EXPECT_EQ(h.run({"SETEX", "k", "10", "v"}), "+OK\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(expire_at("k"), now() + 10'000);
}

TEST_F(StringCommandsTest, PsetexSetsValueAndMillisecondsToLive) {
  EXPECT_EQ(h.run({"PSETEX", "k", "1500", "v"}), "+OK\r\n");
  EXPECT_EQ(expire_at("k"), now() + 1'500);
}

TEST_F(StringCommandsTest, SetexAndPsetexNameThemselvesInTimeErrors) {
  EXPECT_EQ(h.run({"SETEX", "k", "0", "v"}), "-ERR invalid expire time in 'setex' command\r\n");
  EXPECT_EQ(h.run({"SETEX", "k", "-5", "v"}), "-ERR invalid expire time in 'setex' command\r\n");
  EXPECT_EQ(h.run({"SETEX", "k", "9223372036854775", "v"}),
            "-ERR invalid expire time in 'setex' command\r\n");
  EXPECT_EQ(h.run({"SETEX", "k", "abc", "v"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"PSETEX", "k", "0", "v"}), "-ERR invalid expire time in 'psetex' command\r\n");
  EXPECT_EQ(h.run({"PSETEX", "k", "9223372036854775000", "v"}),
            "-ERR invalid expire time in 'psetex' command\r\n");
  EXPECT_EQ(h.run({"SETEX", "k", "10"}), "-ERR wrong number of arguments for 'setex' command\r\n");
}

// ---- GETSET, GETDEL -------------------------------------------------------------------------

TEST_F(StringCommandsTest, GetsetAnswersTheOldValueAndClearsTheTtl) {
  EXPECT_EQ(h.run({"GETSET", "k", "one"}), "$-1\r\n");
  h.run({"EXPIRE", "k", "100"});
  EXPECT_EQ(h.run({"GETSET", "k", "two"}), "$3\r\none\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$3\r\ntwo\r\n");
  EXPECT_FALSE(entry("k")->has_expire());
}

TEST_F(StringCommandsTest, GetdelAnswersTheValueAndDeletesTheKey) {
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"GETDEL", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(h.run({"GETDEL", "k"}), "$-1\r\n");
  EXPECT_EQ(entry("k"), nullptr);
  use_resp3();
  EXPECT_EQ(h.run({"GETDEL", "k"}), "_\r\n");
}

// ---- GETEX ----------------------------------------------------------------------------------

TEST_F(StringCommandsTest, GetexWithoutOptionsIsGet) {
  h.run({"SET", "k", "v", "EX", "100"});
  EXPECT_EQ(h.run({"GETEX", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(expire_at("k"), now() + 100'000);
}

TEST_F(StringCommandsTest, GetexSetsEachKindOfExpireTime) {
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"GETEX", "k", "EX", "100"}), "$1\r\nv\r\n");
  EXPECT_EQ(expire_at("k"), now() + 100'000);
  EXPECT_EQ(h.run({"GETEX", "k", "PX", "250"}), "$1\r\nv\r\n");
  EXPECT_EQ(expire_at("k"), now() + 250);
  EXPECT_EQ(h.run({"GETEX", "k", "EXAT", "1800000000"}), "$1\r\nv\r\n");
  EXPECT_EQ(expire_at("k"), 1'800'000'000'000);
  EXPECT_EQ(h.run({"GETEX", "k", "PXAT", "1800000000500"}), "$1\r\nv\r\n");
  EXPECT_EQ(expire_at("k"), 1'800'000'000'500);
}

TEST_F(StringCommandsTest, GetexPersistRemovesTheExpireTime) {
  h.run({"SET", "k", "v", "EX", "100"});
  EXPECT_EQ(h.run({"GETEX", "k", "PERSIST"}), "$1\r\nv\r\n");
  EXPECT_FALSE(entry("k")->has_expire());
  EXPECT_EQ(h.run({"GETEX", "k", "persist", "PERSIST"}), "$1\r\nv\r\n");
}

TEST_F(StringCommandsTest, GetexWithAPastUnixTimeAnswersThenDeletes) {
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"GETEX", "k", "EXAT", "1"}), "$1\r\nv\r\n");
  EXPECT_EQ(entry("k"), nullptr);
}

TEST_F(StringCommandsTest, GetexOfAMissingKeyIsNullEvenWithABadTime) {
  EXPECT_EQ(h.run({"GETEX", "nope", "EX", "0"}), "$-1\r\n");
  EXPECT_EQ(h.run({"GETEX", "nope", "EX", "abc"}), "$-1\r\n");
  use_resp3();
  EXPECT_EQ(h.run({"GETEX", "nope"}), "_\r\n");
}

TEST_F(StringCommandsTest, GetexSyntaxErrorsComeEvenForAMissingKey) {
  EXPECT_EQ(h.run({"GETEX", "nope", "FOO"}), "-ERR syntax error\r\n");
}

TEST_F(StringCommandsTest, GetexRejectsSetOnlyOptionsAndConflicts) {
  h.run({"SET", "k", "v"});
  const std::string syntax = "-ERR syntax error\r\n";
  EXPECT_EQ(h.run({"GETEX", "k", "NX"}), syntax);
  EXPECT_EQ(h.run({"GETEX", "k", "XX"}), syntax);
  EXPECT_EQ(h.run({"GETEX", "k", "GET"}), syntax);
  EXPECT_EQ(h.run({"GETEX", "k", "KEEPTTL"}), syntax);
  EXPECT_EQ(h.run({"GETEX", "k", "EX"}), syntax);
  EXPECT_EQ(h.run({"GETEX", "k", "PERSIST", "EX", "10"}), syntax);
  EXPECT_EQ(h.run({"GETEX", "k", "EX", "10", "PERSIST"}), syntax);
  EXPECT_EQ(h.run({"GETEX", "k", "EX", "10", "PX", "10"}), syntax);
}

TEST_F(StringCommandsTest, GetexRejectsBadTimesOfAnExistingKey) {
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"GETEX", "k", "EX", "0"}), "-ERR invalid expire time in 'getex' command\r\n");
  EXPECT_EQ(h.run({"GETEX", "k", "PX", "9223372036854775807"}),
            "-ERR invalid expire time in 'getex' command\r\n");
  EXPECT_EQ(h.run({"GETEX", "k", "EX", "abc"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_FALSE(entry("k")->has_expire());
}

// ---- MGET, MSET, MSETNX ---------------------------------------------------------------------

TEST_F(StringCommandsTest, MgetAnswersOneElementPerKeyWithNullsForMissingOnes) {
  h.run({"SET", "a", "1"});
  h.run({"SET", "b", "two"});
  EXPECT_EQ(h.run({"MGET", "a", "nope", "b", "a"}),
            "*4\r\n$1\r\n1\r\n$-1\r\n$3\r\ntwo\r\n$1\r\n1\r\n");
  use_resp3();
  EXPECT_EQ(h.run({"MGET", "nope", "b"}), "*2\r\n_\r\n$3\r\ntwo\r\n");
}

TEST_F(StringCommandsTest, MsetSetsEveryPairAndLaterPairsWin) {
  h.run({"SET", "a", "old", "EX", "100"});
  EXPECT_EQ(h.run({"MSET", "a", "1", "b", "2", "a", "3"}), "+OK\r\n");
  EXPECT_EQ(h.run({"MGET", "a", "b"}), "*2\r\n$1\r\n3\r\n$1\r\n2\r\n");
  EXPECT_FALSE(entry("a")->has_expire());
  EXPECT_EQ(entry("a")->encoding(), Encoding::integer);
}

TEST_F(StringCommandsTest, MsetAndMsetnxWantPairs) {
  EXPECT_EQ(h.run({"MSET", "a", "1", "b"}),
            "-ERR wrong number of arguments for 'mset' command\r\n");
  EXPECT_EQ(h.run({"MSETNX", "a", "1", "b"}),
            "-ERR wrong number of arguments for 'msetnx' command\r\n");
  EXPECT_EQ(h.run({"MSET", "a"}), "-ERR wrong number of arguments for 'mset' command\r\n");
  EXPECT_EQ(entry("a"), nullptr);
}

TEST_F(StringCommandsTest, MsetnxSetsAllOrNothing) {
  h.run({"SET", "a", "old"});
  EXPECT_EQ(h.run({"MSETNX", "a", "1", "c", "2"}), ":0\r\n");
  EXPECT_EQ(entry("c"), nullptr);
  EXPECT_EQ(h.run({"GET", "a"}), "$3\r\nold\r\n");
  EXPECT_EQ(h.run({"MSETNX", "c", "1", "d", "2"}), ":1\r\n");
  EXPECT_EQ(h.run({"MGET", "c", "d"}), "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
}

TEST_F(StringCommandsTest, CommandsWorkOnTheSelectedDatabase) {
  h.client.db_index = 3;
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.keyspace.db(3).size(), 1U);
  EXPECT_EQ(h.keyspace.db(0).size(), 0U);
}

}  // namespace
}  // namespace mini_redis
