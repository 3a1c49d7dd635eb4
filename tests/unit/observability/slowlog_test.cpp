// The slowlog and SLOWLOG: which commands are logged, how an entry trims its
// arguments, and SLOWLOG GET / LEN / RESET / HELP byte for byte. Durations
// are given explicitly (Slowlog::push_if_slow) where the bytes depend on
// them; timestamps come from the harness's ManualClock.
#include "observability/slowlog.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/support/command_harness.h"

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

Slowlog::Command command_taking(std::uint64_t duration_us,
                                const std::vector<std::string_view>& words) {
  return {.arguments = words,
          .duration_us = duration_us,
          .unix_time_s = 1'700'000'000,
          .client_address = "127.0.0.1:5000",
          .client_name = "bob"};
}

TEST(Slowlog, LogsCommandsAtLeastAsSlowAsTheThreshold) {
  Slowlog log;
  const std::vector<std::string_view> words{"GET", "k"};
  log.push_if_slow(command_taking(9'999, words), 10'000, 128);
  EXPECT_TRUE(log.entries().empty());
  log.push_if_slow(command_taking(10'000, words), 10'000, 128);
  ASSERT_EQ(log.entries().size(), 1U);
  EXPECT_EQ(log.entries()[0].duration_us, 10'000U);
  EXPECT_EQ(log.entries()[0].arguments, (std::vector<std::string>{"GET", "k"}));
  EXPECT_EQ(log.entries()[0].client_name, "bob");
}

TEST(Slowlog, ZeroLogsEverythingAndNegativeNothing) {
  Slowlog log;
  const std::vector<std::string_view> words{"PING"};
  log.push_if_slow(command_taking(0, words), 0, 128);
  log.push_if_slow(command_taking(1'000'000, words), -1, 128);
  EXPECT_EQ(log.entries().size(), 1U);
}

TEST(Slowlog, KeepsTheNewestMaxLenEntriesNewestFirstWithGrowingIds) {
  Slowlog log;
  const std::vector<std::string_view> words{"PING"};
  for (int i = 0; i < 5; ++i) log.push_if_slow(command_taking(0, words), 0, 3);
  ASSERT_EQ(log.entries().size(), 3U);
  EXPECT_EQ(log.entries()[0].id, 4U);
  EXPECT_EQ(log.entries()[2].id, 2U);
  // RESET empties the log; ids go on from where they were.
  log.reset();
  log.push_if_slow(command_taking(0, words), 0, 3);
  EXPECT_EQ(log.entries()[0].id, 5U);
}

TEST(Slowlog, KeepsAt32ArgumentsTheLastSayingHowManyMore) {
  std::vector<std::string> owned;
  for (int i = 0; i < 40; ++i) owned.push_back(std::to_string(i));
  const std::vector<std::string_view> words(owned.begin(), owned.end());
  Slowlog log;
  log.push_if_slow(command_taking(0, words), 0, 128);
  const auto& kept = log.entries()[0].arguments;
  ASSERT_EQ(kept.size(), 32U);
  EXPECT_EQ(kept[30], "30");
  EXPECT_EQ(kept[31], "... (9 more arguments)");
}

TEST(Slowlog, ExactlyThirtyTwoArgumentsAreAllKept) {
  std::vector<std::string> owned(32, "x");
  const std::vector<std::string_view> words(owned.begin(), owned.end());
  Slowlog log;
  log.push_if_slow(command_taking(0, words), 0, 128);
  EXPECT_EQ(log.entries()[0].arguments.back(), "x");
}

TEST(Slowlog, CutsArgumentsLongerThan128Bytes) {
  const std::string long_value(200, 'v');
  const std::string exact(128, 'e');
  const std::vector<std::string_view> words{"SET", exact, long_value};
  Slowlog log;
  log.push_if_slow(command_taking(0, words), 0, 128);
  const auto& kept = log.entries()[0].arguments;
  EXPECT_EQ(kept[1], exact);
  EXPECT_EQ(kept[2], std::string(128, 'v') + "... (72 more bytes)");
}

// ---- through the dispatcher and SLOWLOG ------------------------------------------

TEST(SlowlogCommand, GetShowsEntriesNewestFirst) {
  CommandHarness h;
  const std::vector<std::string_view> first{"SET", "k", "v"};
  const std::vector<std::string_view> second{"GET", "k"};
  h.stats.slowlog.push_if_slow(command_taking(12'000, first), 10'000, 128);
  h.stats.slowlog.push_if_slow(command_taking(15'000, second), 10'000, 128);
  EXPECT_EQ(h.run({"SLOWLOG", "GET", "1"}),
            "*1\r\n*6\r\n:1\r\n:1700000000\r\n:15000\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
            "$14\r\n127.0.0.1:5000\r\n$3\r\nbob\r\n");
  EXPECT_EQ(h.run({"SLOWLOG", "LEN"}), ":2\r\n");
  EXPECT_EQ(h.run({"SLOWLOG", "GET", "-1"}).substr(0, 4), "*2\r\n");
  EXPECT_EQ(h.run({"SLOWLOG", "GET", "0"}), "*0\r\n");
  EXPECT_EQ(h.run({"SLOWLOG", "RESET"}), "+OK\r\n");
  EXPECT_EQ(h.run({"SLOWLOG", "LEN"}), ":0\r\n");
}

TEST(SlowlogCommand, LogsEveryCommandWithThresholdZero) {
  CommandHarness h;
  h.client.peer_address = "127.0.0.1:6000";
  EXPECT_EQ(h.run({"CONFIG", "SET", "slowlog-log-slower-than", "0"}), "+OK\r\n");
  h.run({"SET", "k", "v"});
  const auto& entries = h.stats.slowlog.entries();
  // CONFIG SET itself is logged: the threshold is read after it ran.
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].arguments, (std::vector<std::string>{"SET", "k", "v"}));
  EXPECT_EQ(entries[0].unix_time_s, 1'700'000'000);
  EXPECT_EQ(entries[0].client_address, "127.0.0.1:6000");
  EXPECT_EQ(entries[0].client_name, "");
  EXPECT_EQ(entries[1].arguments[0], "CONFIG");
}

TEST(SlowlogCommand, HelloAuthCredentialsAreRedacted) {
  CommandHarness h;
  h.run({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  h.run({"HELLO", "2", "AUTH", "default", "secret", "SETNAME", "x"});
  h.run({"PING", "secret"});  // the marks last one command
  const auto& entries = h.stats.slowlog.entries();
  EXPECT_EQ(entries[1].arguments, (std::vector<std::string>{"HELLO", "2", "AUTH", "(redacted)",
                                                            "(redacted)", "SETNAME", "x"}));
  EXPECT_EQ(entries[1].client_name, "x");
  EXPECT_EQ(entries[0].arguments, (std::vector<std::string>{"PING", "secret"}));
}

TEST(SlowlogCommand, DefaultThresholdLogsNothingFast) {
  CommandHarness h;
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"SLOWLOG", "GET"}), "*0\r\n");
}

TEST(SlowlogCommand, ResetstatLeavesTheSlowlogAlone) {
  CommandHarness h;
  h.run({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  h.run({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(h.stats.slowlog.entries().size(), 2U);
}

TEST(SlowlogCommand, RefusesABadCount) {
  CommandHarness h;
  const std::string error = "-ERR count should be greater than or equal to -1\r\n";
  EXPECT_EQ(h.run({"SLOWLOG", "GET", "-2"}), error);
  EXPECT_EQ(h.run({"SLOWLOG", "GET", "abc"}), error);
  EXPECT_EQ(h.run({"SLOWLOG", "GeT", "1", "2"}),
            "-ERR unknown subcommand or wrong number of arguments for 'GeT'. Try SLOWLOG "
            "HELP.\r\n");
  EXPECT_EQ(h.run({"SLOWLOG", "LEN", "x"}),
            "-ERR wrong number of arguments for 'slowlog|len' command\r\n");
  EXPECT_EQ(h.run({"SLOWLOG", "foo"}), "-ERR unknown subcommand 'foo'. Try SLOWLOG HELP.\r\n");
}

TEST(SlowlogCommand, HelpListsTheSubcommands) {
  CommandHarness h;
  const std::string reply = h.run({"SLOWLOG", "HELP"});
  EXPECT_TRUE(reply.starts_with(
      "*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"));
}

TEST(SlowlogConfig, ParametersHaveRedisDefaultsAndRanges) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "GET", "slowlog-*"}),
            "*4\r\n$23\r\nslowlog-log-slower-than\r\n$5\r\n10000\r\n"
            "$15\r\nslowlog-max-len\r\n$3\r\n128\r\n");
  EXPECT_EQ(h.run({"CONFIG", "SET", "slowlog-log-slower-than", "-5"}),
            "-ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - "
            "argument must be between -1 and 9223372036854775807 inclusive\r\n");
  EXPECT_EQ(h.run({"CONFIG", "SET", "slowlog-max-len", "-1"}),
            "-ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - "
            "argument must be between 0 and 9223372036854775807 inclusive\r\n");
}

TEST(SlowlogConfig, SmallerMaxLenTrimsAtTheNextEntry) {
  CommandHarness h;
  h.run({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  h.run({"PING"});
  h.run({"PING"});
  h.run({"CONFIG", "SET", "slowlog-max-len", "1"});
  EXPECT_EQ(h.stats.slowlog.entries().size(), 1U);  // that CONFIG SET was the next entry
}

}  // namespace
}  // namespace mini_redis::commands
