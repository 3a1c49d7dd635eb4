// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME and
// PERSIST. Time is the harness's ManualClock, which starts at
// 1'700'000'000'000 ms (1'700'000'000 s); tests advance it instead of sleeping.
#include <gtest/gtest.h>

#include "unit/support/command_harness.h"
#include "unit/support/key_test_helpers.h"

namespace mini_redis::testing {
namespace {

constexpr std::int64_t kStartMs = 1'700'000'000'000;

// ---- setting a time to live --------------------------------------------------------

TEST(Expire, SetsATimeToLiveInSeconds) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"EXPIRE", "k", "10"}), ":1\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":10\r\n");
  EXPECT_EQ(h.run({"PTTL", "k"}), ":10000\r\n");
}

TEST(Expire, TheKeyDisappearsOnceItsTimeHasPassed) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"EXPIRE", "k", "10"}), ":1\r\n");
  h.clock.advance(9999);
  EXPECT_EQ(h.run({"PTTL", "k"}), ":1\r\n");
  h.clock.advance(2);
  EXPECT_EQ(h.run({"PTTL", "k"}), ":-2\r\n");
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n");
}

TEST(Expire, AnswersZeroForAMissingOrExpiredKey) {
  CommandHarness h;
  EXPECT_EQ(h.run({"EXPIRE", "nope", "10"}), ":0\r\n");
  put_expiring(h, "old", "v", 5);
  h.clock.advance(6);
  EXPECT_EQ(h.run({"EXPIRE", "old", "10"}), ":0\r\n");
}

TEST(Expire, ATimeInThePastDeletesTheKeyAndAnswersOne) {
  CommandHarness h;
  put(h, "a", "v");
  put(h, "b", "v");
  EXPECT_EQ(h.run({"EXPIRE", "a", "-5"}), ":1\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "b", "0"}), ":1\r\n");
  EXPECT_EQ(h.keyspace.db(0).size(), 0U);
}

TEST(Expire, ReplacesAnEarlierTimeToLive) {
  CommandHarness h;
  put_expiring(h, "k", "v", 1000);
  EXPECT_EQ(h.run({"EXPIRE", "k", "100"}), ":1\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":100\r\n");
}

TEST(Pexpire, SetsATimeToLiveInMilliseconds) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"PEXPIRE", "k", "1500"}), ":1\r\n");
  EXPECT_EQ(h.run({"PTTL", "k"}), ":1500\r\n");
}

TEST(Expireat, SetsAnAbsoluteUnixTimeInSeconds) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"EXPIREAT", "k", "1700000100"}), ":1\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":100\r\n");
  EXPECT_EQ(h.run({"EXPIRETIME", "k"}), ":1700000100\r\n");
  EXPECT_EQ(h.run({"PEXPIRETIME", "k"}), ":1700000100000\r\n");
}

TEST(Pexpireat, SetsAnAbsoluteUnixTimeInMilliseconds) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"PEXPIREAT", "k", std::to_string(kStartMs + 2500)}), ":1\r\n");
  EXPECT_EQ(h.run({"PTTL", "k"}), ":2500\r\n");
  EXPECT_EQ(h.run({"PEXPIRETIME", "k"}), ":" + std::to_string(kStartMs + 2500) + "\r\n");
}

TEST(Pexpireat, NowCountsAsThePast) {
  // Redis deletes when the new time is at or before now (checkAlreadyExpired).
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"PEXPIREAT", "k", std::to_string(kStartMs)}), ":1\r\n");
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n");
}

TEST(Expire, RejectsANonInteger) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"EXPIRE", "k", "abc"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "k", "1.5"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "nope", "abc"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "k"}), "-ERR wrong number of arguments for 'expire' command\r\n");
}

// ---- overflow: times that do not fit in 64-bit milliseconds ------------------------------

TEST(Expire, RejectsTimesThatOverflowInMilliseconds) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"EXPIRE", "k", "9223372036854776"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  // Fits once multiplied by 1000, but not once now is added.
  EXPECT_EQ(h.run({"EXPIRE", "k", "9223372036854775"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "k", "-9223372036854776"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(h.run({"PEXPIRE", "k", "9223372036854775807"}),
            "-ERR invalid expire time in 'pexpire' command\r\n");
  EXPECT_EQ(h.run({"EXPIREAT", "k", "-9223372036854775808"}),
            "-ERR invalid expire time in 'expireat' command\r\n");
  EXPECT_EQ(h.run({"EXPIREAT", "k", "9223372036854776"}),
            "-ERR invalid expire time in 'expireat' command\r\n");
  EXPECT_EQ(value_of(h, "k"), "v");
  EXPECT_EQ(h.run({"TTL", "k"}), ":-1\r\n");
}

TEST(Expire, TheLargestTimesThatFitAreAccepted) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"PEXPIREAT", "k", "9223372036854775807"}), ":1\r\n");
  EXPECT_EQ(h.run({"PEXPIRETIME", "k"}), ":9223372036854775807\r\n");
  EXPECT_EQ(h.run({"EXPIRETIME", "k"}), ":9223372036854776\r\n");
  EXPECT_EQ(h.run({"PTTL", "k"}), ":" + std::to_string(9223372036854775807 - kStartMs) + "\r\n");
}

TEST(Expire, TheMostNegativeTimesThatFitDeleteTheKey) {
  CommandHarness h;
  put(h, "a", "v");
  put(h, "b", "v");
  put(h, "c", "v");
  EXPECT_EQ(h.run({"EXPIRE", "a", "-9223372036854775"}), ":1\r\n");
  EXPECT_EQ(h.run({"PEXPIRE", "b", "-9223372036854775808"}), ":1\r\n");
  EXPECT_EQ(h.run({"PEXPIREAT", "c", "-9223372036854775808"}), ":1\r\n");
  EXPECT_EQ(h.keyspace.db(0).size(), 0U);
}

// ---- NX / XX / GT / LT ---------------------------------------------------------------

TEST(ExpireNx, SetsOnlyWhenTheKeyHasNoTimeToLive) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"EXPIRE", "k", "100", "NX"}), ":1\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "k", "200", "nx"}), ":0\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":100\r\n");
}

TEST(ExpireXx, SetsOnlyWhenTheKeyHasATimeToLive) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"EXPIRE", "k", "100", "XX"}), ":0\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":-1\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "k", "100"}), ":1\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "k", "200", "xx"}), ":1\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":200\r\n");
}

TEST(ExpireGt, SetsOnlyALaterTime) {
  CommandHarness h;
  put_expiring(h, "k", "v", 100'000);
  EXPECT_EQ(h.run({"EXPIRE", "k", "50", "GT"}), ":0\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "k", "100", "GT"}), ":0\r\n");  // equal is not greater
  EXPECT_EQ(h.run({"EXPIRE", "k", "150", "gt"}), ":1\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":150\r\n");
}

TEST(ExpireGt, NeverAppliesToAKeyWithoutTimeToLive) {
  // No TTL counts as an infinite one, and nothing is greater than that.
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"EXPIRE", "k", "1000", "GT"}), ":0\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "k", "-5", "GT"}), ":0\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":-1\r\n");
}

TEST(ExpireLt, SetsOnlyAnEarlierTime) {
  CommandHarness h;
  put_expiring(h, "k", "v", 100'000);
  EXPECT_EQ(h.run({"EXPIRE", "k", "1000", "LT"}), ":0\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "k", "100", "LT"}), ":0\r\n");  // equal is not less
  EXPECT_EQ(h.run({"EXPIRE", "k", "5", "lt"}), ":1\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":5\r\n");
}

TEST(ExpireLt, AlwaysAppliesToAKeyWithoutTimeToLive) {
  CommandHarness h;
  put(h, "k", "v");
  put(h, "q", "v");
  EXPECT_EQ(h.run({"EXPIRE", "k", "10", "LT"}), ":1\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":10\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "q", "-5", "LT"}), ":1\r\n");
  EXPECT_EQ(h.run({"EXISTS", "q"}), ":0\r\n");
}

TEST(ExpireConditions, XxCombinesWithGtOrLt) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"EXPIRE", "k", "10", "XX", "GT"}), ":0\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "k", "100"}), ":1\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "k", "10", "XX", "LT"}), ":1\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "k", "1000", "xx", "lt"}), ":0\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "k", "1000", "XX", "GT"}), ":1\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":1000\r\n");
}

TEST(ExpireConditions, ARepeatedOptionIsFine) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"EXPIRE", "k", "10", "NX", "NX"}), ":1\r\n");
}

TEST(ExpireConditions, RejectIncompatibleCombinations) {
  CommandHarness h;
  put(h, "k", "v");
  const std::string nx_error =
      "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
  const std::string gt_lt_error = "-ERR GT and LT options at the same time are not compatible\r\n";
  EXPECT_EQ(h.run({"EXPIRE", "k", "10", "NX", "XX"}), nx_error);
  EXPECT_EQ(h.run({"EXPIRE", "k", "10", "NX", "GT"}), nx_error);
  EXPECT_EQ(h.run({"EXPIRE", "k", "10", "lt", "nx"}), nx_error);
  EXPECT_EQ(h.run({"EXPIRE", "k", "10", "LT", "GT", "NX"}), nx_error);  // NX is reported first
  EXPECT_EQ(h.run({"EXPIRE", "k", "10", "GT", "LT"}), gt_lt_error);
  EXPECT_EQ(h.run({"EXPIRE", "k", "10", "XX", "GT", "LT"}), gt_lt_error);
  // Options are checked before the key is looked up.
  EXPECT_EQ(h.run({"PEXPIRE", "nope", "10", "NX", "XX"}), nx_error);
  EXPECT_EQ(h.run({"TTL", "k"}), ":-1\r\n");
}

TEST(ExpireConditions, RejectAnUnknownWordAsItWasSpelled) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"EXPIRE", "k", "10", "Foo"}), "-ERR Unsupported option Foo\r\n");
  EXPECT_EQ(h.run({"EXPIREAT", "k", "10", "NX", "bar"}), "-ERR Unsupported option bar\r\n");
  // The options are read before the time: the bad word wins over a bad number.
  EXPECT_EQ(h.run({"EXPIRE", "k", "abc", "foo"}), "-ERR Unsupported option foo\r\n");
}

// ---- reading the time to live ------------------------------------------------------------

TEST(Ttl, IsMinusTwoForAMissingKeyAndMinusOneWithoutExpire) {
  CommandHarness h;
  put(h, "k", "v");
  for (const char* command : {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
    EXPECT_EQ(h.run({command, "nope"}), ":-2\r\n") << command;
    EXPECT_EQ(h.run({command, "k"}), ":-1\r\n") << command;
  }
}

TEST(Ttl, RoundsToTheNearestSecond) {
  CommandHarness h;
  put(h, "k", "v");
  h.run({"PEXPIRE", "k", "1499"});
  EXPECT_EQ(h.run({"TTL", "k"}), ":1\r\n");
  h.run({"PEXPIRE", "k", "1500"});
  EXPECT_EQ(h.run({"TTL", "k"}), ":2\r\n");
  h.run({"PEXPIRE", "k", "499"});
  EXPECT_EQ(h.run({"TTL", "k"}), ":0\r\n");
}

TEST(Ttl, CountsDownWithTheClock) {
  CommandHarness h;
  put(h, "k", "v");
  h.run({"EXPIRE", "k", "100"});
  h.clock.advance(30'000);
  EXPECT_EQ(h.run({"TTL", "k"}), ":70\r\n");
  EXPECT_EQ(h.run({"PTTL", "k"}), ":70000\r\n");
  // The absolute time does not move.
  EXPECT_EQ(h.run({"EXPIRETIME", "k"}), ":1700000100\r\n");
}

TEST(Expiretime, RoundsToTheNearestSecond) {
  CommandHarness h;
  put(h, "k", "v");
  h.run({"PEXPIREAT", "k", "1800000000499"});
  EXPECT_EQ(h.run({"EXPIRETIME", "k"}), ":1800000000\r\n");
  h.run({"PEXPIREAT", "k", "1800000000500"});
  EXPECT_EQ(h.run({"EXPIRETIME", "k"}), ":1800000001\r\n");
}

TEST(Ttl, CountsAsAReadInKeyspaceStats) {
  CommandHarness h;
  put(h, "k", "v");
  h.run({"TTL", "k"});
  h.run({"PTTL", "nope"});
  EXPECT_EQ(h.keyspace.stats().keyspace_hits, 1U);
  EXPECT_EQ(h.keyspace.stats().keyspace_misses, 1U);
}

TEST(Ttl, NeedsExactlyOneKey) {
  CommandHarness h;
  EXPECT_EQ(h.run({"TTL"}), "-ERR wrong number of arguments for 'ttl' command\r\n");
  EXPECT_EQ(h.run({"PEXPIRETIME", "a", "b"}),
            "-ERR wrong number of arguments for 'pexpiretime' command\r\n");
}

// ---- PERSIST ---------------------------------------------------------------------------

TEST(Persist, RemovesTheTimeToLive) {
  CommandHarness h;
  put_expiring(h, "k", "v", 1000);
  EXPECT_EQ(h.run({"PERSIST", "k"}), ":1\r\n");
  EXPECT_EQ(h.run({"TTL", "k"}), ":-1\r\n");
  EXPECT_EQ(h.keyspace.db(0).expiring_count(), 0U);
  h.clock.advance(5000);
  EXPECT_EQ(value_of(h, "k"), "v");
}

TEST(Persist, AnswersZeroWhenThereIsNothingToRemove) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"PERSIST", "k"}), ":0\r\n");
  EXPECT_EQ(h.run({"PERSIST", "nope"}), ":0\r\n");
  put_expiring(h, "old", "v", 10);
  h.clock.advance(11);
  EXPECT_EQ(h.run({"PERSIST", "old"}), ":0\r\n");
}

// ---- the command table ---------------------------------------------------------------

TEST(ExpireCommandTable, RowsMatchCommandInfo) {
  CommandHarness h;
  const commands::CommandSpec* expire = h.table.find("pexpireat");
  ASSERT_NE(expire, nullptr);
  EXPECT_EQ(expire->arity, -3);
  EXPECT_EQ(expire->flags, commands::flags::kWrite | commands::flags::kFast);
  EXPECT_EQ(expire->key_specs, "RW update");
  const commands::CommandSpec* ttl = h.table.find("TTL");
  ASSERT_NE(ttl, nullptr);
  EXPECT_EQ(ttl->arity, 2);
  EXPECT_EQ(ttl->tips, "nondeterministic_output");
  EXPECT_EQ(ttl->key_specs, "RO access");
  const commands::CommandSpec* persist = h.table.find("persist");
  ASSERT_NE(persist, nullptr);
  EXPECT_EQ(persist->arity, 2);
  EXPECT_EQ(persist->since, "2.2.0");
}

}  // namespace
}  // namespace mini_redis::testing
