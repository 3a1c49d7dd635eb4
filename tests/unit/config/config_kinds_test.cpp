// How each kind of parameter reads a value, with Redis 7.0.15's error texts
// (every text below was read from a real redis-server): yes/no, integers with
// their bounds, memory sizes, percentages, octal modes, enumerations, checked
// strings, and the parameters of several words.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "unit/config/config_replies.h"
#include "unit/support/command_harness.h"

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

using config_replies::bulk;
using config_replies::pair;
using config_replies::set_failed;

TEST(ConfigKinds, YesNoIgnoresCaseAndShowsLowerCase) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "lazyfree-lazy-user-del", "YES"}), "+OK\r\n");
  EXPECT_TRUE(h.config.lazyfree_lazy_user_del);
  EXPECT_EQ(h.run({"CONFIG", "GET", "lazyfree-lazy-user-del"}),
            pair("lazyfree-lazy-user-del", "yes"));
  for (const char* bad : {"1", "true", "", "y"}) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "protected-mode", bad}),
              set_failed("protected-mode", "argument must be 'yes' or 'no'"))
        << bad;
  }
}

TEST(ConfigKinds, ActiveDefragCannotBeEnabled) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "activedefrag", "yes"}),
            set_failed("activedefrag",
                       "Active defragmentation cannot be enabled: it requires a Redis server "
                       "compiled with a modified Jemalloc like the one shipped by default with "
                       "the Redis source distribution"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "activedefrag", "maybe"}),
            set_failed("activedefrag", "argument must be 'yes' or 'no'"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "activedefrag", "no"}), "+OK\r\n");
}

TEST(ConfigKinds, IntegersHaveTheirOwnBounds) {
  CommandHarness h;
  const std::pair<const char*, const char*> bounds[] = {
      {"active-expire-effort", "1 and 10"},
      {"maxmemory-eviction-tenacity", "0 and 100"},
      {"maxmemory-samples", "1 and 2147483647"},
      {"active-defrag-cycle-max", "1 and 99"},
      {"list-max-listpack-size", "-2147483648 and 2147483647"},
      {"list-compress-depth", "0 and 2147483647"},
      {"set-max-intset-entries", "0 and 9223372036854775807"},
      {"stream-node-max-entries", "0 and 9223372036854775807"},
      {"replica-announce-port", "0 and 65535"},
      {"repl-timeout", "1 and 2147483647"},
      {"acllog-max-len", "0 and 9223372036854775807"},
  };
  for (const auto& [name, range] : bounds) {
    EXPECT_EQ(h.run({"CONFIG", "SET", name, "-9223372036854775808"}),
              set_failed(name, std::string("argument must be between ") + range + " inclusive"))
        << name;
    EXPECT_EQ(h.run({"CONFIG", "SET", name, "1k"}),
              set_failed(name, "argument couldn't be parsed into an integer"))
        << name;
  }
  EXPECT_EQ(h.run({"CONFIG", "SET", "active-expire-effort", "10", "list-compress-depth", "3"}),
            "+OK\r\n");
  EXPECT_EQ(h.config.active_expire_effort, 10);
  EXPECT_EQ(h.config.list_compress_depth, 3);
  EXPECT_EQ(h.run({"CONFIG", "SET", "list-max-listpack-size", "-2147483648"}), "+OK\r\n");
  EXPECT_EQ(h.config.list_max_listpack_size, -2147483648);
}

TEST(ConfigKinds, MemoryValuesTakeUnitsAndShowBytes) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "stream-node-max-bytes", "4k", "hll-sparse-max-bytes", "1kb",
                   "repl-backlog-size", "2mb"}),
            "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "stream-node-max-bytes"}),
            pair("stream-node-max-bytes", "4000"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "hll-sparse-max-bytes"}), pair("hll-sparse-max-bytes", "1024"));
  EXPECT_EQ(h.config.repl_backlog_size, 2 * 1024 * 1024);
  EXPECT_EQ(h.run({"CONFIG", "SET", "zset-max-listpack-value", "-1"}),
            set_failed("zset-max-listpack-value", "argument must be a memory value"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "zset-max-listpack-value", "18446744073709551615"}),
            set_failed("zset-max-listpack-value",
                       "argument must be between 0 and 9223372036854775807 inclusive"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "repl-backlog-size", "0"}),
            set_failed("repl-backlog-size",
                       "argument must be between 1 and 9223372036854775807 inclusive"));
  // An unsigned 64-bit setting takes whatever memtoull() reads.
  EXPECT_EQ(h.run({"CONFIG", "SET", "cluster-link-sendbuf-limit", "18446744073709551615"}),
            "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "cluster-link-sendbuf-limit"}),
            pair("cluster-link-sendbuf-limit", "18446744073709551615"));
}

TEST(ConfigKinds, MaxmemoryClientsIsBytesOrAPercentage) {
  CommandHarness h;
  const std::pair<const char*, const char*> good[] = {
      {"10%", "10%"},
      {"100%", "100%"},
      {"0%", "0"},  // -0 is 0, shown as bytes
      {"5mb", "5242880"},
      {"10k", "10000"},
      // Redis reads 2^64-100 as -100 in its ssize_t, which is 100%.
      {"18446744073709551516", "100%"},
      {"0", "0"},
  };
  for (const auto& [text, shown] : good) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "maxmemory-clients", text}), "+OK\r\n") << text;
    EXPECT_EQ(h.run({"CONFIG", "GET", "maxmemory-clients"}), pair("maxmemory-clients", shown))
        << text;
  }
  for (const char* bad : {"x", "-1", "-5%", "%", "1.5%", "+5%", "05%"}) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "maxmemory-clients", bad}),
              set_failed("maxmemory-clients", "argument must be a memory or percent value"))
        << bad;
  }
  for (const char* bad : {"101%", "9223372036854775808", "18446744073709551515"}) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "maxmemory-clients", bad}),
              set_failed("maxmemory-clients", "percentage argument must be less or equal to 100"))
        << bad;
  }
}

TEST(ConfigKinds, UnixsocketpermIsOctal) {
  Config config;
  EXPECT_EQ(set_config_value(config, "unixsocketperm", "770", true), std::nullopt);
  EXPECT_EQ(config.unixsocketperm, 0770);
  EXPECT_EQ(get_config_values(config, "unixsocketperm")[0].second, "770");
  EXPECT_EQ(set_config_value(config, "unixsocketperm", "999", true),
            "argument couldn't be parsed as an octal number");
  EXPECT_EQ(set_config_value(config, "unixsocketperm", "1000", true),
            "argument must be between 0 and 777 inclusive");
  EXPECT_EQ(set_config_value(config, "unixsocketperm", "0700", true), std::nullopt);
  EXPECT_EQ(config.unixsocketperm, 0700);
  EXPECT_EQ(set_config_value(config, "unixsocketperm", "700", false), "can't set immutable config");
}

TEST(ConfigKinds, EnumerationsListTheirWords) {
  CommandHarness h;
  const std::pair<const char*, const char*> words[] = {
      {"appendfsync", "everysec, always, no"},
      {"repl-diskless-load", "disabled, on-empty-db, swapdb"},
      {"oom-score-adj", "no, yes, relative, absolute"},
      {"acl-pubsub-default", "allchannels, resetchannels"},
      {"sanitize-dump-payload", "no, yes, clients"},
      {"cluster-preferred-endpoint-type", "ip, hostname, unknown-endpoint"},
      {"tls-auth-clients", "no, yes, optional"},
      {"propagation-error-behavior", "ignore, panic, panic-on-replicas"},
      {"shutdown-on-sigint", "default, save, nosave, now, force"},
  };
  for (const auto& [name, list] : words) {
    EXPECT_EQ(h.run({"CONFIG", "SET", name, "foo"}),
              set_failed(name, std::string("argument(s) must be one of the following: ") + list))
        << name;
  }
  EXPECT_EQ(h.run({"CONFIG", "SET", "appendfsync", "ALWAYS"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "appendfsync"}), pair("appendfsync", "always"));
  // "relative" is the same setting as "yes", and Redis shows it so.
  EXPECT_EQ(h.run({"CONFIG", "SET", "oom-score-adj", "relative"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "oom-score-adj"}), pair("oom-score-adj", "yes"));
  Config config;
  EXPECT_EQ(set_config_value(config, "supervised", "foo", true),
            "argument(s) must be one of the following: upstart, systemd, auto, no");
  EXPECT_EQ(set_config_value(config, "syslog-facility", "foo", true),
            "argument(s) must be one of the following: user, local0, local1, local2, local3, "
            "local4, local5, local6, local7");
}

TEST(ConfigKinds, ShutdownOnSignalTakesSeveralWords) {
  CommandHarness h;
  const std::pair<const char*, const char*> cases[] = {
      {"nosave now", "nosave now"},   {"NOW nosave FORCE", "nosave now force"},
      {"default now", "now"},         {"now now", "now"},
      {"default default", "default"}, {"save", "save"},
  };
  for (const auto& [text, shown] : cases) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "shutdown-on-sigterm", text}), "+OK\r\n") << text;
    EXPECT_EQ(h.run({"CONFIG", "GET", "shutdown-on-sigterm"}), pair("shutdown-on-sigterm", shown))
        << text;
  }
  EXPECT_EQ(h.run({"CONFIG", "SET", "shutdown-on-sigint", "nosave save"}),
            set_failed("shutdown-on-sigint",
                       "shutdown options SAVE and NOSAVE can't be used simultaneously"));
  for (const char* bad : {"", "now  force"}) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "shutdown-on-sigint", bad}),
              set_failed("shutdown-on-sigint",
                         "argument(s) must be one of the following: default, save, nosave, now, "
                         "force"))
        << bad;
  }
}

TEST(ConfigKinds, OomScoreAdjValuesAreThreeNumbers) {
  CommandHarness h;
  const std::string name = "oom-score-adj-values";
  EXPECT_EQ(h.run({"CONFIG", "SET", name, "0  200"}), "+OK\r\n");  // an empty word is 0
  EXPECT_EQ(h.run({"CONFIG", "GET", name}), pair(name, "0 0 200"));
  EXPECT_EQ(h.run({"CONFIG", "SET", name, "+1 -2 3"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", name}), pair(name, "1 -2 3"));
  for (const char* bad : {"1 2", "0 200 800 ", ""}) {
    EXPECT_EQ(h.run({"CONFIG", "SET", name, bad}), set_failed(name, "wrong number of arguments"))
        << bad;
  }
  for (const char* bad : {"1 2 x", "1 2 3000", "-2001 0 0"}) {
    EXPECT_EQ(
        h.run({"CONFIG", "SET", name, bad}),
        set_failed(name, "Invalid oom-score-adj-values, elements must be between -2000 and 2000."))
        << bad;
  }
  EXPECT_EQ(h.run({"CONFIG", "GET", name}), pair(name, "1 -2 3"));
}

TEST(ConfigKinds, CheckedStrings) {
  CommandHarness h;
  const std::string invalid = "template format is invalid or contains unknown variables";
  for (const char* good : {"{port}", "{{", "}}", "title}", "x", "{listen-addr}", "{tls-port}"}) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "proc-title-template", good}), "+OK\r\n") << good;
  }
  for (const char* bad :
       {"{title}", "{server-mode}", "{unixsocket}", " ", "", "a{", "{title", "{}", "{Title}"}) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "proc-title-template", bad}),
              set_failed("proc-title-template", invalid))
        << bad;
  }
  EXPECT_EQ(h.run({"CONFIG", "SET", "cluster-announce-hostname", "a.b-c"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "SET", "cluster-announce-hostname", "a_b"}),
            set_failed("cluster-announce-hostname",
                       "Hostnames may only contain alphanumeric characters, hyphens or dots"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "cluster-announce-hostname", std::string(256, 'a')}),
            set_failed("cluster-announce-hostname", "Hostnames must be less than 256 characters"));
  Config config;
  EXPECT_EQ(set_config_value(config, "dbfilename", "a/b", true),
            "dbfilename can't be a path, just a filename");
  EXPECT_EQ(set_config_value(config, "dbfilename", "a\\b", true),
            "dbfilename can't be a path, just a filename");
  EXPECT_EQ(set_config_value(config, "appendfilename", "", true), "appendfilename can't be empty");
  EXPECT_EQ(set_config_value(config, "appenddirname", "a/b", true),
            "appenddirname can't be a path, just a dirname");
  EXPECT_EQ(set_config_value(config, "dbfilename", "x.rdb", true), std::nullopt);
  EXPECT_EQ(config.dbfilename, "x.rdb");
}

TEST(ConfigKinds, ReplicaofTakesAHostAndAPort) {
  Config config;
  EXPECT_EQ(set_config_value(config, "replicaof", "x", true), "wrong number of arguments");
  EXPECT_EQ(set_config_value(config, "replicaof", "x 70000", true), "Invalid master port");
  EXPECT_EQ(set_config_value(config, "replicaof", "x y", true), "Invalid master port");
  EXPECT_EQ(set_config_value(config, "replicaof", "host +07", true), std::nullopt);
  EXPECT_EQ(get_config_values(config, "replicaof")[0].second, "host 7");
  EXPECT_EQ(set_config_value(config, "replicaof", "NO ONE", true), std::nullopt);
  EXPECT_EQ(config.replicaof, "");
}

TEST(ConfigKinds, StartupOnlyParametersAreRefusedAtRunTime) {
  CommandHarness h;
  for (const char* name :
       {"daemonize", "supervised", "pidfile", "io-threads", "tcp-backlog", "socket-mark-id",
        "enable-protected-configs", "aclfile", "rdbchecksum", "appendfilename", "cluster-enabled",
        "cluster-port", "replicaof", "unixsocketperm", "server_cpulist", "disable-thp"}) {
    EXPECT_EQ(h.run({"CONFIG", "SET", name, "x"}), set_failed(name, "can't set immutable config"))
        << name;
  }
  EXPECT_EQ(h.run({"CONFIG", "SET", "dbfilename", "x.rdb"}),
            set_failed("dbfilename", "can't set protected config"));
  Config config;
  EXPECT_EQ(set_config_value(config, "io-threads", "0", true),
            "argument must be between 1 and 128 inclusive");
  EXPECT_EQ(set_config_value(config, "socket-mark-id", "4294967296", true),
            "argument must be between 0 and 4294967295 inclusive");
  EXPECT_EQ(set_config_value(config, "daemonize", "foo", true), "argument must be 'yes' or 'no'");
  EXPECT_EQ(set_config_value(config, "daemonize", "yes", true), std::nullopt);
  EXPECT_TRUE(config.daemonize);
}

// A failing value anywhere in one CONFIG SET leaves every setting as it was.
TEST(ConfigKinds, OneBadValueChangesNothing) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "set-max-intset-entries", "1", "lazyfree-lazy-expire", "yes",
                   "list-max-ziplist-size", "x"}),
            set_failed("list-max-ziplist-size", "argument couldn't be parsed into an integer"));
  EXPECT_EQ(h.config.set_max_intset_entries, 512);
  EXPECT_FALSE(h.config.lazyfree_lazy_expire);
}

}  // namespace
}  // namespace mini_redis::commands
