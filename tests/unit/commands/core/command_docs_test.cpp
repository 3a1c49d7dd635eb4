// COMMAND DOCS arguments and history, key spec notes in COMMAND INFO, and
// OBJECT FREQ / IDLETIME under an LFU maxmemory-policy. The expected bytes
// were taken from Redis 7.0.15 (tests/diff compares every command).
#include <gtest/gtest.h>

#include <string>

#include "commands/core/command_arguments.h"
#include "commands/server/config_commands.h"
#include "protocol/reply_writer.h"
#include "unit/support/command_harness.h"

namespace mini_redis {
namespace {

using commands::ArgumentSpec;
namespace arg = commands::arg;
using testing::CommandHarness;

std::string render(const std::vector<ArgumentSpec>& arguments,
                   protocol::ProtocolVersion version = protocol::ProtocolVersion::resp2) {
  std::string out;
  protocol::ReplyWriter reply(out, version);
  commands::reply_arguments(reply, arguments);
  return out;
}

// ---- argument maps ------------------------------------------------------------------------

TEST(CommandArguments, AKeyNamesItsKeySpec) {
  EXPECT_EQ(render({arg::key("key", 0)}),
            "*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n"
            "$14\r\nkey_spec_index\r\n:0\r\n");
}

TEST(CommandArguments, FieldsComeInRedisOrderAndOnlyWhenSet) {
  // name, type, token, since, flags, with flags as a set (~ in RESP3).
  EXPECT_EQ(render({arg::integer("seconds").token("EX").since("2.6.12").optional()},
                   protocol::ProtocolVersion::resp3),
            "*1\r\n%5\r\n$4\r\nname\r\n$7\r\nseconds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"
            "$5\r\ntoken\r\n$2\r\nEX\r\n$5\r\nsince\r\n$6\r\n2.6.12\r\n"
            "$5\r\nflags\r\n~1\r\n+optional\r\n");
}

TEST(CommandArguments, FlagsAreListedOptionalMultipleMultipleToken) {
  EXPECT_EQ(render({arg::string("s").multiple_token().multiple().optional()}),
            "*1\r\n*6\r\n$4\r\nname\r\n$1\r\ns\r\n$4\r\ntype\r\n$6\r\nstring\r\n"
            "$5\r\nflags\r\n*3\r\n+optional\r\n+multiple\r\n+multiple_token\r\n");
}

TEST(CommandArguments, OneofNestsItsChoices) {
  EXPECT_EQ(render({arg::oneof("condition", {arg::pure_token("nx", "NX")})}),
            "*1\r\n*6\r\n$4\r\nname\r\n$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\noneof\r\n"
            "$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$2\r\nnx\r\n$4\r\ntype\r\n"
            "$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nNX\r\n");
}

TEST(CommandArguments, TypesAreSpelledAsRedisDoes) {
  EXPECT_EQ(render({arg::unix_time("t")}),
            "*1\r\n*4\r\n$4\r\nname\r\n$1\r\nt\r\n$4\r\ntype\r\n$9\r\nunix-time\r\n");
  EXPECT_EQ(render({arg::double_("d")}),
            "*1\r\n*4\r\n$4\r\nname\r\n$1\r\nd\r\n$4\r\ntype\r\n$6\r\ndouble\r\n");
}

// ---- COMMAND DOCS -------------------------------------------------------------------------

TEST(CommandDocs, ListsArgumentsAfterTheSummary) {
  CommandHarness h;
  EXPECT_EQ(h.run({"COMMAND", "DOCS", "get"}),
            "*2\r\n$3\r\nget\r\n*10\r\n$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n"
            "$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n"
            "$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n"
            "$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n");
}

TEST(CommandDocs, ADeprecatedCommandSaysSinceWhenAndWhatReplacesIt) {
  CommandHarness h;
  h.client.protocol = protocol::ProtocolVersion::resp3;
  const std::string reply = h.run({"COMMAND", "DOCS", "getset"});
  EXPECT_NE(reply.find("$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\ndoc_flags\r\n~1\r\n+deprecated\r\n"
                       "$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n"
                       "$30\r\n`SET` with the `!GET` argument\r\n$9\r\narguments\r\n"),
            std::string::npos)
      << reply;
}

TEST(CommandDocs, HistoryIsASetOfVersionAndChangePairs) {
  CommandHarness h;
  h.client.protocol = protocol::ProtocolVersion::resp3;
  const std::string reply = h.run({"COMMAND", "DOCS", "ttl"});
  EXPECT_NE(reply.find("$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n2.8.0\r\n$19\r\nAdded the -2 reply.\r\n"
                       "$9\r\narguments\r\n"),
            std::string::npos)
      << reply;
}

// ---- key spec notes -----------------------------------------------------------------------

TEST(CommandInfo, AKeySpecWithNotesShowsThemFirst) {
  CommandHarness h;
  const std::string reply = h.run({"COMMAND", "INFO", "getex"});
  EXPECT_NE(
      reply.find("*1\r\n*8\r\n$5\r\nnotes\r\n$40\r\nRW and UPDATE because it changes the TTL\r\n"
                 "$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+update\r\n"),
      std::string::npos)
      << reply;
  // GET has no notes: a three-field map.
  EXPECT_NE(h.run({"COMMAND", "INFO", "get"}).find("*1\r\n*6\r\n$5\r\nflags\r\n"),
            std::string::npos);
}

// ---- OBJECT under an LFU policy -------------------------------------------------------------

TEST(ObjectUnderLfu, FreqIsTheCounterStartingAtFive) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"}), "+OK\r\n");
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"OBJECT", "FREQ", "k"}), ":5\r\n");
  h.run({"GET", "k"});
  EXPECT_EQ(h.run({"OBJECT", "FREQ", "k"}), ":6\r\n");
  // lfu-decay-time 1: one point lost per idle minute.
  h.clock.advance(3 * 60'000);
  EXPECT_EQ(h.run({"OBJECT", "FREQ", "k"}), ":3\r\n");
  EXPECT_EQ(h.run({"OBJECT", "FREQ", "nosuch"}), "$-1\r\n");
}

TEST(ObjectUnderLfu, DecayTimeComesFromTheConfig) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "maxmemory-policy", "volatile-lfu", "lfu-decay-time", "0"}),
            "+OK\r\n");
  h.run({"SET", "k", "v"});
  h.clock.advance(60 * 60'000);
  EXPECT_EQ(h.run({"OBJECT", "FREQ", "k"}), ":5\r\n");
}

TEST(ObjectUnderLfu, IdletimeIsNotTracked) {
  CommandHarness h;
  h.run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"});
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"OBJECT", "IDLETIME", "k"}),
            "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that "
            "when switching between policies at runtime LRU and LFU data will take some time to "
            "adjust.\r\n");
  EXPECT_EQ(h.run({"OBJECT", "IDLETIME", "nosuch"}), "$-1\r\n");
  // Back to an LRU policy: IDLETIME answers again, FREQ is the error.
  h.run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"});
  EXPECT_EQ(h.run({"OBJECT", "FREQ", "k"}).substr(0, 38), "-ERR An LFU maxmemory policy is not se");
}

TEST(ObjectUnderLfu, ApplyAccessTrackingFollowsThePolicy) {
  CommandHarness h;
  h.config.maxmemory_policy = "volatile-lfu";
  commands::apply_storage_settings(h.config, h.keyspace);
  EXPECT_EQ(h.keyspace.access_tracking(), storage::AccessTracking::lfu);
  h.config.maxmemory_policy = "noeviction";
  commands::apply_storage_settings(h.config, h.keyspace);
  EXPECT_EQ(h.keyspace.access_tracking(), storage::AccessTracking::lru);
}

TEST(LfuConfig, ParametersHaveRedisDefaultsAndRanges) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "GET", "lfu-log-factor"}),
            "*2\r\n$14\r\nlfu-log-factor\r\n$2\r\n10\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "lfu-decay-time"}),
            "*2\r\n$14\r\nlfu-decay-time\r\n$1\r\n1\r\n");
  EXPECT_EQ(h.run({"CONFIG", "SET", "lfu-log-factor", "-1"}),
            "-ERR CONFIG SET failed (possibly related to argument 'lfu-log-factor') - argument "
            "must be between 0 and 2147483647 inclusive\r\n");
}

}  // namespace
}  // namespace mini_redis
