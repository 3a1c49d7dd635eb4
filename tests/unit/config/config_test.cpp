// The parameter table and CONFIG GET / SET / RESETSTAT / HELP, byte for byte
// as Redis 7.0.15 answers them (each error text below was read from a real
// redis-server).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "unit/config/config_replies.h"
#include "unit/support/command_harness.h"

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

using config_replies::bulk;
using config_replies::pair;
using config_replies::set_failed;

// ---- CONFIG GET -----------------------------------------------------------------

TEST(ConfigGet, ShowsTheDefaults) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "GET", "port"}), pair("port", "6379"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "bind"}), pair("bind", "127.0.0.1"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "unixsocket"}), pair("unixsocket", ""));
  EXPECT_EQ(h.run({"CONFIG", "GET", "timeout"}), pair("timeout", "0"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "tcp-keepalive"}), pair("tcp-keepalive", "300"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "maxclients"}), pair("maxclients", "10000"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "databases"}), pair("databases", "16"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "hz"}), pair("hz", "10"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "loglevel"}), pair("loglevel", "notice"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "proto-max-bulk-len"}),
            pair("proto-max-bulk-len", "536870912"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "client-query-buffer-limit"}),
            pair("client-query-buffer-limit", "1073741824"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "client-output-buffer-limit"}),
            pair("client-output-buffer-limit",
                 "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "maxmemory"}), pair("maxmemory", "0"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "maxmemory-policy"}), pair("maxmemory-policy", "noeviction"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "save"}), pair("save", "3600 1 300 100 60 10000"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "appendonly"}), pair("appendonly", "no"));
}

TEST(ConfigGet, DirIsShownAsAnAbsolutePath) {
  CommandHarness h;
  h.config.dir = "/tmp/./x/";
  EXPECT_EQ(h.run({"CONFIG", "GET", "dir"}), pair("dir", "/tmp/x"));
}

TEST(ConfigGet, APlainNameComesBackSpelledAsAsked) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "GET", "HZ"}), pair("HZ", "10"));
}

TEST(ConfigGet, GlobsMatchWithoutCase) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "GET", "h?"}), pair("hz", "10"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "MAXMEMORY-[PS]*"}), "*4\r\n" + bulk("maxmemory-policy") +
                                                             bulk("noeviction") +
                                                             bulk("maxmemory-samples") + bulk("5"));
}

TEST(ConfigGet, TakesSeveralPatternsAndListsEachParameterOnce) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "GET", "hz", "port", "h?"}),
            "*4\r\n" + bulk("hz") + bulk("10") + bulk("port") + bulk("6379"));
}

TEST(ConfigGet, NoMatchIsAnEmptyList) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "GET", "nomatch"}), "*0\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET"}),
            "-ERR wrong number of arguments for 'config|get' command\r\n");
}

TEST(ConfigGet, IsAMapInResp3) {
  CommandHarness h;
  h.run({"HELLO", "3"});
  EXPECT_EQ(h.run({"CONFIG", "GET", "port", "hz"}),
            "%2\r\n" + bulk("port") + bulk("6379") + bulk("hz") + bulk("10"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "nomatch"}), "%0\r\n");
}

// ---- CONFIG SET: values -------------------------------------------------------------

TEST(ConfigSet, ChangesTheSetting) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "timeout", "5"}), "+OK\r\n");
  EXPECT_EQ(h.config.timeout_seconds, 5);
  EXPECT_EQ(h.run({"CONFIG", "GET", "timeout"}), pair("timeout", "5"));
}

TEST(ConfigSet, IntegersMustBeCanonicalAndInRange) {
  CommandHarness h;
  for (const char* bad : {"abc", "1.5", "", " 5", "010", "+5", "99999999999999999999"}) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "hz", bad}),
              set_failed("hz", "argument couldn't be parsed into an integer"))
        << bad;
  }
  EXPECT_EQ(h.run({"CONFIG", "SET", "hz", "-1"}),
            set_failed("hz", "argument must be between 0 and 2147483647 inclusive"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "hz", "2147483648"}),
            set_failed("hz", "argument must be between 0 and 2147483647 inclusive"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "maxclients", "0"}),
            set_failed("maxclients", "argument must be between 1 and 4294967295 inclusive"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "tcp-keepalive", "-1"}),
            set_failed("tcp-keepalive", "argument must be between 0 and 2147483647 inclusive"));
}

TEST(ConfigSet, ValueErrorsNameTheParameterInLowerCase) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "HZ", "abc"}),
            set_failed("hz", "argument couldn't be parsed into an integer"));
}

TEST(ConfigSet, MaxclientsMustFitTheOpenFileLimit) {
  // Redis keeps 32 descriptors for itself and suggests what would fit.
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= 4294967295U)
    GTEST_SKIP() << "no file limit";
  CommandHarness h;
  EXPECT_EQ(
      h.run({"CONFIG", "SET", "maxclients", "4294967295"}),
      set_failed("maxclients",
                 "The operating system is not able to handle the specified number of clients, "
                 "try with " +
                     std::to_string(limit.rlim_max - 32)));
  EXPECT_EQ(h.config.maxclients, 10000);
  EXPECT_EQ(h.run({"CONFIG", "SET", "maxclients", "5"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "maxclients"}), pair("maxclients", "5"));
}

TEST(ConfigSet, HzIsHeldBetweenOneAndFiveHundred) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "hz", "0"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "hz"}), pair("hz", "1"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "hz", "1000"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "hz"}), pair("hz", "500"));
}

TEST(ConfigSet, MemoryValuesTakeRedisUnits) {
  CommandHarness h;
  const std::pair<const char*, const char*> cases[] = {
      {"1gb", "1073741824"},
      {"1GB", "1073741824"},
      {"5g", "5000000000"},
      {"10k", "10000"},
      {"10kb", "10240"},
      {"1m", "1000000"},
      {"2mb", "2097152"},
      {"1B", "1"},
      {"05", "5"},
      {"", "0"},
      {"gb", "0"},
      // Redis's quirks: too many digits saturate, a unit multiplies with wrap-around.
      {"18446744073709551616", "18446744073709551615"},
      {"17179869184gb", "0"},
      {"17179869185gb", "1073741824"},
  };
  for (const auto& [text, bytes] : cases) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "maxmemory", text}), "+OK\r\n") << text;
    EXPECT_EQ(h.run({"CONFIG", "GET", "maxmemory"}), pair("maxmemory", bytes)) << text;
  }
}

TEST(ConfigSet, RejectsWhatIsNotAMemoryValue) {
  CommandHarness h;
  const std::vector<std::string> bad_values = {"abc", "-1",   "1.5gb", "+5",
                                               " 5",  "5 gb", "1tb",   std::string(128, '9')};
  for (const std::string& bad : bad_values) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "maxmemory", bad}),
              set_failed("maxmemory", "argument must be a memory value"))
        << bad;
  }
}

TEST(ConfigSet, ProtocolLimitsAreMemoryValuesWithAFloor) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "proto-max-bulk-len", "1mb"}), "+OK\r\n");
  EXPECT_EQ(h.config.proto_max_bulk_len, 1048576);
  EXPECT_EQ(h.run({"CONFIG", "SET", "proto-max-bulk-len", "100"}),
            set_failed("proto-max-bulk-len",
                       "argument must be between 1048576 and 9223372036854775807 inclusive"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "proto-max-bulk-len", "18446744073709551615"}),
            set_failed("proto-max-bulk-len",
                       "argument must be between 1048576 and 9223372036854775807 inclusive"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "proto-max-bulk-len", "-5"}),
            set_failed("proto-max-bulk-len", "argument must be a memory value"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "client-query-buffer-limit", "2gb"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "client-query-buffer-limit"}),
            pair("client-query-buffer-limit", "2147483648"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "client-query-buffer-limit", "100"}),
            set_failed("client-query-buffer-limit",
                       "argument must be between 1048576 and 9223372036854775807 inclusive"));
}

TEST(ConfigSet, EnumerationsIgnoreCaseAndListTheChoices) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "loglevel", "WARNING"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "loglevel"}), pair("loglevel", "warning"));
  EXPECT_EQ(
      h.run({"CONFIG", "SET", "loglevel", "foo"}),
      set_failed("loglevel",
                 "argument(s) must be one of the following: debug, verbose, notice, warning"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "maxmemory-policy"}), pair("maxmemory-policy", "allkeys-lru"));
  EXPECT_EQ(
      h.run({"CONFIG", "SET", "maxmemory-policy", ""}),
      set_failed(
          "maxmemory-policy",
          "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, "
          "volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"));
}

TEST(ConfigSet, BooleansAreYesOrNo) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "appendonly", "YES"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "appendonly"}), pair("appendonly", "yes"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "appendonly", "maybe"}),
            set_failed("appendonly", "argument must be 'yes' or 'no'"));
}

TEST(ConfigSet, SaveTakesPairsOfSecondsAndChanges) {
  CommandHarness h;
  const std::pair<const char*, const char*> cases[] = {
      {"100 10", "100 10"},
      {"", ""},
      {"01 +2", "1 2"},
      {"100 ", "100 0"},
      {"100 99999999999999999999", "100 -1"},  // Redis keeps the count in an int
      {"3600 1 300 100 60 10000", "3600 1 300 100 60 10000"},
  };
  for (const auto& [text, shown] : cases) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "save", text}), "+OK\r\n") << text;
    EXPECT_EQ(h.run({"CONFIG", "GET", "save"}), pair("save", shown)) << text;
  }
  for (const char* bad : {"100", "a b", "100 -1", "0 1", "100 10 200", "  100   10  "}) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "save", bad}), set_failed("save", "Invalid save parameters"))
        << bad;
  }
}

TEST(ConfigSet, OutputBufferLimitsChangeOnlyTheClassesGiven) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 2mb 3"}), "+OK\r\n");
  EXPECT_EQ(
      h.run({"CONFIG", "GET", "client-output-buffer-limit"}),
      pair("client-output-buffer-limit",
           "normal 1048576 2097152 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "client-output-buffer-limit", "replica 1 2 3 PUBSUB 4 5 6"}),
            "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "SET", "client-output-buffer-limit", "slave 7 8 9"}), "+OK\r\n");
  EXPECT_EQ(
      h.run({"CONFIG", "GET", "client-output-buffer-limit"}),
      pair("client-output-buffer-limit", "normal 1048576 2097152 3 slave 7 8 9 pubsub 4 5 6"));
  EXPECT_EQ(h.config.output_limit_pubsub.soft_seconds, 6);
  // An empty word reads as 0; the later of two groups for a class wins.
  EXPECT_EQ(h.run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1  3 normal 0 0 0"}),
            "+OK\r\n");
  EXPECT_EQ(h.config.output_limit_normal.hard_bytes, 0U);
  EXPECT_EQ(h.run({"CONFIG", "SET", "client-output-buffer-limit", ""}), "+OK\r\n");
}

TEST(ConfigSet, OutputBufferLimitsRejectBadGroupsWhole) {
  CommandHarness h;
  const std::string name = "client-output-buffer-limit";
  const std::string wrong_count = "Wrong number of arguments in buffer limit configuration.";
  const std::string bad_class = "Invalid client class specified in buffer limit configuration.";
  const std::string bad_number =
      "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
  EXPECT_EQ(h.run({"CONFIG", "SET", name, "normal 1 2"}), set_failed(name, wrong_count));
  EXPECT_EQ(h.run({"CONFIG", "SET", name, "normal 1 2  3"}), set_failed(name, wrong_count));
  EXPECT_EQ(h.run({"CONFIG", "SET", name, "foo 1 2 3"}), set_failed(name, bad_class));
  EXPECT_EQ(h.run({"CONFIG", "SET", name, "master 1 2 3"}), set_failed(name, bad_class));
  for (const char* bad : {"normal x 2 3", "normal 1 2 x", "normal 1 2 -1", "normal -1 2 1",
                          "normal 1 1 2147483648"}) {
    EXPECT_EQ(h.run({"CONFIG", "SET", name, bad}), set_failed(name, bad_number)) << bad;
  }
  EXPECT_EQ(h.run({"CONFIG", "SET", name, "normal 1 2 3 pubsub x 0 0"}),
            set_failed(name, bad_number));
  EXPECT_EQ(h.config.output_limit_normal.hard_bytes, 0U);
}

// ---- CONFIG SET: names and atomicity ---------------------------------------------------

TEST(ConfigSet, UnknownParametersAreNamed) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "foo", "bar"}),
            "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n");
}

TEST(ConfigSet, StartupOnlyAndProtectedParametersAreRefused) {
  CommandHarness h;
  for (const char* name : {"port", "bind", "databases", "unixsocket", "logfile", "DATABASES"}) {
    EXPECT_EQ(h.run({"CONFIG", "SET", name, "1"}), set_failed(name, "can't set immutable config"))
        << name;
  }
  EXPECT_EQ(h.run({"CONFIG", "SET", "dir", "/tmp"}),
            set_failed("dir", "can't set protected config"));
  EXPECT_EQ(h.config.port, 6379);
}

TEST(ConfigSet, SetsSeveralParametersAtOnce) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "hz", "11", "timeout", "5"}), "+OK\r\n");
  EXPECT_EQ(h.config.hz, 11);
  EXPECT_EQ(h.config.timeout_seconds, 5);
}

TEST(ConfigSet, IsAllOrNothing) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "hz", "12", "timeout", "x"}),
            set_failed("timeout", "argument couldn't be parsed into an integer"));
  EXPECT_EQ(h.config.hz, 10);
}

TEST(ConfigSet, ChecksEveryNameBeforeAnyValue) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "hz", "x", "foo", "1"}),
            "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n");
  EXPECT_EQ(h.run({"CONFIG", "SET", "hz", "x", "databases", "2"}),
            set_failed("databases", "can't set immutable config"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "hz", "1", "hz", "2", "databases", "2"}),
            set_failed("hz", "duplicate parameter"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "Timeout", "1", "TIMEOUT", "2"}),
            set_failed("TIMEOUT", "duplicate parameter"));
}

TEST(ConfigSet, NeedsNameValuePairs) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "hz"}),
            "-ERR wrong number of arguments for 'config|set' command\r\n");
  EXPECT_EQ(h.run({"CONFIG", "SET", "hz", "1", "timeout"}), "-ERR syntax error\r\n");
}

// ---- the other doors: config file and flags ----------------------------------------------

TEST(SetConfigValue, AtStartupAcceptsWhatCannotChangeLater) {
  Config config;
  EXPECT_EQ(set_config_value(config, "port", "7000", true), std::nullopt);
  EXPECT_EQ(config.port, 7000);
  EXPECT_EQ(set_config_value(config, "databases", "4", true), std::nullopt);
  EXPECT_EQ(config.databases, 4);
  EXPECT_EQ(set_config_value(config, "bind", "127.0.0.1 ::1", true), std::nullopt);
  EXPECT_EQ(config.bind, "127.0.0.1 ::1");
  EXPECT_EQ(set_config_value(config, "port", "70000", true),
            "argument must be between 0 and 65535 inclusive");
  EXPECT_EQ(set_config_value(config, "port", "7001", false), "can't set immutable config");
  EXPECT_EQ(set_config_value(config, "dir", "/tmp", false), "can't set protected config");
}

TEST(SetConfigValue, UnknownNamesGetTheConfigFileText) {
  Config config;
  EXPECT_EQ(set_config_value(config, "foo", "1", true),
            "Bad directive or wrong number of arguments");
}

TEST(SetConfigValue, SaveLinesAtStartupReplaceTheDefaultsThenAddUp) {
  Config config;
  EXPECT_EQ(set_config_value(config, "save", "900 1", true), std::nullopt);
  EXPECT_EQ(set_config_value(config, "save", "300 10", true), std::nullopt);
  EXPECT_EQ(config.save, "900 1 300 10");
  EXPECT_EQ(set_config_value(config, "save", "", true), std::nullopt);
  EXPECT_EQ(config.save, "");
  // At run time a value replaces every rule.
  EXPECT_EQ(set_config_value(config, "save", "60 5", false), std::nullopt);
  EXPECT_EQ(set_config_value(config, "save", "30 1", false), std::nullopt);
  EXPECT_EQ(config.save, "30 1");
}

TEST(GetConfigValues, ListsMatchesInTableOrder) {
  Config config;
  auto values = get_config_values(config, "*keepalive");
  ASSERT_EQ(values.size(), 1U);
  EXPECT_EQ(values[0].first, "tcp-keepalive");
  EXPECT_EQ(values[0].second, "300");
  // Redis 7.0.15 lists 192 names, its 19 older names included.
  EXPECT_EQ(get_config_values(config, "*").size(), 192U);
}

// ---- RESETSTAT and HELP ----------------------------------------------------------------

TEST(ConfigResetstat, ZeroesServerAndKeyspaceCounters) {
  CommandHarness h;
  h.stats.total_connections_received = 5;
  h.stats.rejected_connections = 2;
  h.keyspace.stats().keyspace_hits = 3;
  h.keyspace.stats().keyspace_misses = 4;
  h.keyspace.stats().expired_keys = 6;
  EXPECT_EQ(h.run({"CONFIG", "RESETSTAT"}), "+OK\r\n");
  EXPECT_EQ(h.stats.total_connections_received, 0U);
  EXPECT_EQ(h.stats.rejected_connections, 0U);
  EXPECT_EQ(h.keyspace.stats().keyspace_hits, 0U);
  EXPECT_EQ(h.keyspace.stats().keyspace_misses, 0U);
  EXPECT_EQ(h.keyspace.stats().expired_keys, 0U);
  EXPECT_EQ(h.run({"CONFIG", "RESETSTAT", "x"}),
            "-ERR wrong number of arguments for 'config|resetstat' command\r\n");
}

// Redis 7.0.15's CONFIG HELP, byte for byte.
TEST(ConfigHelp, ListsTheSubcommands) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "HELP"}),
            "*11\r\n"
            "+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
            "+GET <pattern>\r\n"
            "+    Return parameters matching the glob-like <pattern> and their values.\r\n"
            "+SET <directive> <value>\r\n"
            "+    Set the configuration <directive> to <value>.\r\n"
            "+RESETSTAT\r\n"
            "+    Reset statistics reported by the INFO command.\r\n"
            "+REWRITE\r\n"
            "+    Rewrite the configuration file.\r\n"
            "+HELP\r\n"
            "+    Prints this help.\r\n");
  EXPECT_EQ(h.run({"CONFIG"}), "-ERR wrong number of arguments for 'config' command\r\n");
  EXPECT_EQ(h.run({"CONFIG", "FOO"}), "-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n");
}

}  // namespace
}  // namespace mini_redis::commands
