// Workshop step 8 (extension): EXPIRETIME and PEXPIRETIME.
//
// What you wrote: reply_expire_time in workshop/src/commands/keys/expire_commands.cpp.
// TTL answers the time *left*; EXPIRETIME answers the moment the key dies, as
// an absolute Unix time: seconds for EXPIRETIME, milliseconds for
// PEXPIRETIME. That is what the server stores anyway (step 3), so the answer
// does not change as time passes. -2: no such key; -1: a key without an
// expire time. A CommandHarness runs each command as the server would; the
// clock is a ManualClock, so time passes only when a test says so.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "support/command_harness.h"
#include "support/step_support.h"

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

std::string integer(std::int64_t value) {
  return ":" + std::to_string(value) + "\r\n";
}

TEST(Step8Expiretime, AMissingKeyIsMinusTwo) {
  CommandHarness h;
  EXPECT_EQ(h.run({"EXPIRETIME", "nobody"}), ":-2\r\n");
  EXPECT_EQ(h.run({"PEXPIRETIME", "nobody"}), ":-2\r\n");
}

TEST(Step8Expiretime, AKeyWithoutExpireTimeIsMinusOne) {
  CommandHarness h;
  ASSERT_EQ(h.run({"SET", "k", "v"}), "+OK\r\n") << "SET is step 3: solve steps 1-7 first";
  EXPECT_EQ(h.run({"EXPIRETIME", "k"}), ":-1\r\n")
      << "the key exists but has no expire time (!entry.has_expire()): -1, once, then return";
  EXPECT_EQ(h.run({"PEXPIRETIME", "k"}), ":-1\r\n");
}

TEST(Step8Expiretime, ExpiretimeIsTheAbsoluteTimeInSeconds) {
  CommandHarness h;
  ASSERT_EQ(h.run({"SET", "k", "v"}), "+OK\r\n") << "SET is step 3: solve steps 1-7 first";
  const std::int64_t dies_at_s = h.clock.now_ms() / 1000 + 100;
  ASSERT_EQ(h.run({"EXPIREAT", "k", std::to_string(dies_at_s)}), ":1\r\n");
  EXPECT_EQ(h.run({"EXPIRETIME", "k"}), integer(dies_at_s))
      << "EXPIRETIME is the Unix time the key dies at, in seconds; not the time left (TTL)";
}

TEST(Step8Expiretime, PexpiretimeIsTheAbsoluteTimeInMilliseconds) {
  CommandHarness h;
  ASSERT_EQ(h.run({"SET", "k", "v"}), "+OK\r\n") << "SET is step 3: solve steps 1-7 first";
  const std::int64_t dies_at_ms = h.clock.now_ms() + 100'250;
  ASSERT_EQ(h.run({"PEXPIREAT", "k", std::to_string(dies_at_ms)}), ":1\r\n");
  EXPECT_EQ(h.run({"PEXPIRETIME", "k"}), integer(dies_at_ms))
      << "PEXPIRETIME answers entry.expire_at_ms() as it is, in milliseconds";
}

TEST(Step8Expiretime, TheAnswerDoesNotChangeAsTimePasses) {
  CommandHarness h;
  ASSERT_EQ(h.run({"SET", "k", "v", "EX", "100"}), "+OK\r\n");
  const std::string before = h.run({"PEXPIRETIME", "k"});
  h.clock.advance(30'000);
  EXPECT_EQ(h.run({"PEXPIRETIME", "k"}), before)
      << "an absolute time stays put: subtract nothing (subtracting ctx.now_ms() is TTL)";
  EXPECT_EQ(h.run({"TTL", "k"}), ":70\r\n") << "while TTL, the time left, counts down";
}

TEST(Step8Expiretime, SecondsAreRoundedToTheNearestSecond) {
  CommandHarness h;
  ASSERT_EQ(h.run({"SET", "k", "v"}), "+OK\r\n") << "SET is step 3: solve steps 1-7 first";
  const std::int64_t whole_s = h.clock.now_ms() / 1000 + 100;
  ASSERT_EQ(h.run({"PEXPIREAT", "k", std::to_string(whole_s * 1000 + 500)}), ":1\r\n");
  EXPECT_EQ(h.run({"EXPIRETIME", "k"}), integer(whole_s + 1))
      << "Redis rounds EXPIRETIME half up, like TTL: x.500 s is x+1 (round_to_seconds, not / 1000)";
  ASSERT_EQ(h.run({"PEXPIREAT", "k", std::to_string(whole_s * 1000 + 499)}), ":1\r\n");
  EXPECT_EQ(h.run({"EXPIRETIME", "k"}), integer(whole_s)) << "and x.499 s is x";
}

TEST(Step8Expiretime, TtlAndExpiretimeAgree) {
  CommandHarness h;
  ASSERT_EQ(h.run({"SET", "k", "v", "PX", "5000"}), "+OK\r\n");
  h.clock.advance(1'234);
  const std::int64_t now = h.clock.now_ms();
  EXPECT_EQ(h.run({"PTTL", "k"}), integer(3'766));
  EXPECT_EQ(h.run({"PEXPIRETIME", "k"}), integer(now + 3'766))
      << "PEXPIRETIME = now + PTTL: the same stored time, read two ways";
}

TEST(Step8Expiretime, AKeyPastItsTimeIsMissing) {
  CommandHarness h;
  ASSERT_EQ(h.run({"SET", "k", "v", "PX", "100"}), "+OK\r\n");
  h.clock.advance(101);
  EXPECT_EQ(h.run({"EXPIRETIME", "k"}), ":-2\r\n")
      << "a key past its time no longer exists (passive expiry, step 4): -2";
}

}  // namespace
}  // namespace mini_redis::commands
