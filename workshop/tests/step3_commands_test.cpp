// Workshop step 3: the commands PING, GET, SET, INCR, EXPIRE and TTL.
//
// What you wrote: the handlers' cores in workshop/src/commands/ (ping_command in
// connection_commands.cpp, reply_value and set_generic in string_commands.cpp,
// increment_by in string_numbers.cpp, expire_generic and ttl_generic in
// expire_commands.cpp). A CommandHarness runs each command as the server
// would, minus the socket, and returns the exact bytes a client would read.
// The clock is a ManualClock: time only passes when a test says so.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "support/command_harness.h"
#include "support/step_support.h"

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

// ---- PING ---------------------------------------------------------------------------

TEST(Step3Ping, PingAnswersPong) {
  CommandHarness h;
  EXPECT_EQ(h.run({"PING"}), "+PONG\r\n");
}

TEST(Step3Ping, PingWithAMessageAnswersTheMessage) {
  CommandHarness h;
  EXPECT_EQ(h.run({"PING", "hello world"}), "$11\r\nhello world\r\n")
      << "PING <message> answers the message as a bulk string (args[1])";
}

// ---- GET and SET ---------------------------------------------------------------------

TEST(Step3GetSet, GetOfAMissingKeyIsNull) {
  CommandHarness h;
  EXPECT_EQ(h.run({"GET", "nobody"}), "$-1\r\n")
      << "GET of a missing key replies null() once, and nothing else";
}

TEST(Step3GetSet, SetAnswersOkAndGetReturnsTheValue) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SET", "greeting", "hello"}), "+OK\r\n");
  EXPECT_EQ(h.run({"GET", "greeting"}), "$5\r\nhello\r\n");
}

TEST(Step3GetSet, SetOverwritesTheOldValue) {
  CommandHarness h;
  h.run({"SET", "k", "old"});
  EXPECT_EQ(h.run({"SET", "k", "new"}), "+OK\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$3\r\nnew\r\n");
}

// ---- INCR -------------------------------------------------------------------------

TEST(Step3Incr, IncrOfAMissingKeyStartsFromZero) {
  CommandHarness h;
  EXPECT_EQ(h.run({"INCR", "counter"}), ":1\r\n");
  EXPECT_EQ(h.run({"GET", "counter"}), "$1\r\n1\r\n");
}

TEST(Step3Incr, IncrAddsOneToTheStoredNumber) {
  CommandHarness h;
  h.run({"SET", "counter", "41"});
  EXPECT_EQ(h.run({"INCR", "counter"}), ":42\r\n");
  EXPECT_EQ(h.run({"INCR", "counter"}), ":43\r\n");
  EXPECT_EQ(h.run({"GET", "counter"}), "$2\r\n43\r\n");
}

TEST(Step3Incr, IncrOfSomethingThatIsNotAnIntegerIsAnError) {
  CommandHarness h;
  h.run({"SET", "name", "alice"});
  EXPECT_EQ(h.run({"INCR", "name"}), "-ERR value is not an integer or out of range\r\n")
      << "after ctx.reply.error(errors::kNotInteger), return: one reply only";
  EXPECT_EQ(h.run({"GET", "name"}), "$5\r\nalice\r\n") << "INCR on a non-number must store nothing";
}

// ---- EXPIRE and TTL ----------------------------------------------------------------
// (Tests that read a TTL live here, so PING, GET/SET and INCR can turn green
// before TTL is written.)

TEST(Step3Expire, SetWithExStoresAnExpireTime) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SET", "session", "abc", "EX", "100"}), "+OK\r\n");
  EXPECT_EQ(h.run({"TTL", "session"}), ":100\r\n")
      << "SET ... EX 100 stores an expire time (db.set_expire_at when options.sets_expire_time())";
}

TEST(Step3Expire, APlainSetForgetsTheOldExpireTime) {
  CommandHarness h;
  h.run({"SET", "k", "v", "EX", "100"});
  h.run({"SET", "k", "v2"});
  EXPECT_EQ(h.run({"TTL", "k"}), ":-1\r\n");
}

TEST(Step3Expire, IncrKeepsTheExpireTime) {
  CommandHarness h;
  h.run({"SET", "rate", "1", "EX", "60"});
  h.run({"INCR", "rate"});
  EXPECT_EQ(h.run({"TTL", "rate"}), ":60\r\n");
}

TEST(Step3Expire, TtlOfAMissingKeyIsMinusTwo) {
  CommandHarness h;
  EXPECT_EQ(h.run({"TTL", "nobody"}), ":-2\r\n");
}

TEST(Step3Expire, TtlOfAKeyWithoutExpireTimeIsMinusOne) {
  CommandHarness h;
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"TTL", "k"}), ":-1\r\n");
}

TEST(Step3Expire, ExpireSetsTheTimeToLiveAndTtlCountsItDown) {
  CommandHarness h;
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"EXPIRE", "k", "100"}), ":1\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":100\r\n");
  h.clock.advance(30'000);
  EXPECT_EQ(h.run({"TTL", "k"}), ":70\r\n");
}

TEST(Step3Expire, TtlRoundsToTheNearestSecond) {
  CommandHarness h;
  h.run({"SET", "k", "v"});
  h.run({"EXPIRE", "k", "10"});
  h.clock.advance(8'400);  // 1.6 s left
  EXPECT_EQ(h.run({"TTL", "k"}), ":2\r\n") << "1.6 s left rounds to 2 (round_to_seconds), not 1";
  h.clock.advance(200);  // 1.4 s left
  EXPECT_EQ(h.run({"TTL", "k"}), ":1\r\n") << "1.4 s left rounds to 1";
}

TEST(Step3Expire, ExpireOfAMissingKeyAnswersZero) {
  CommandHarness h;
  EXPECT_EQ(h.run({"EXPIRE", "nobody", "100"}), ":0\r\n");
}

TEST(Step3Expire, ExpireInThePastDeletesTheKeyAtOnce) {
  CommandHarness h;
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"EXPIRE", "k", "-1"}), ":1\r\n")
      << "EXPIRE on an existing key answers 1, even in the past";
  EXPECT_EQ(h.run({"GET", "k"}), "$-1\r\n") << "a time in the past deletes the key at once";
  EXPECT_EQ(h.run({"TTL", "k"}), ":-2\r\n");
}

TEST(Step3Expire, ExpireAtExactlyNowDeletesTheKey) {
  // A key dies once its time is reached: a time equal to now is already
  // past (Redis, checkAlreadyExpired: when <= now). With `<` the key would
  // be stored with that time and still be readable in this millisecond.
  CommandHarness h;
  h.run({"SET", "k", "v"});
  const std::string now_ms = std::to_string(h.clock.now_ms());
  EXPECT_EQ(h.run({"PEXPIREAT", "k", now_ms}), ":1\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$-1\r\n")
      << "PEXPIREAT k <now>: a time equal to now is already expired, so EXPIRE deletes the key "
         "(when <= now, not when < now)";
  EXPECT_EQ(h.run({"TTL", "k"}), ":-2\r\n") << "the key is gone: TTL of a missing key is -2";
}

TEST(Step3Expire, ExpireOneMillisecondAheadKeepsTheKey) {
  CommandHarness h;
  h.run({"SET", "k", "v"});
  const std::string next_ms = std::to_string(h.clock.now_ms() + 1);
  EXPECT_EQ(h.run({"PEXPIREAT", "k", next_ms}), ":1\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$1\r\nv\r\n")
      << "a time 1 ms in the future is stored (db.set_expire_at), the key still lives";
  EXPECT_EQ(h.run({"PTTL", "k"}), ":1\r\n");
}

TEST(Step3Expire, SetKeepttlKeepsTheExpireTime) {
  CommandHarness h;
  h.run({"SET", "k", "v", "EX", "100"});
  EXPECT_EQ(h.run({"SET", "k", "v2", "KEEPTTL"}), "+OK\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":100\r\n")
      << "SET ... KEEPTTL keeps the old expire time: pass keep_ttl (options.ttl == "
         "TtlOption::keepttl) to db.set";
  EXPECT_EQ(h.run({"GET", "k"}), "$2\r\nv2\r\n");
}

TEST(Step3Expire, PttlAnswersInMilliseconds) {
  CommandHarness h;
  h.run({"SET", "k", "v", "PX", "1500"});
  EXPECT_EQ(h.run({"PTTL", "k"}), ":1500\r\n")
      << "PTTL answers milliseconds: round_to_seconds() only when unit is TimeUnit::seconds";
  h.clock.advance(400);
  EXPECT_EQ(h.run({"PTTL", "k"}), ":1100\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":1\r\n");
}

}  // namespace
}  // namespace mini_redis::commands
