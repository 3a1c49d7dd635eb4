// Redis 7.0's older parameter names (list-max-ziplist-size, slave-priority,
// lua-time-limit...): each is an entry of its own that reads and writes its
// row's setting. Every reply below was read from a real redis-server 7.0.15.
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

TEST(ConfigAliases, GetByTheOldNameAnswersUnderThatName) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "GET", "list-max-ziplist-size"}), pair("list-max-ziplist-size", "-2"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "LIST-MAX-ZIPLIST-SIZE"}), pair("LIST-MAX-ZIPLIST-SIZE", "-2"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "slaveof"}), pair("slaveof", ""));
  EXPECT_EQ(h.run({"CONFIG", "GET", "lua-time-limit"}), pair("lua-time-limit", "5000"));
}

TEST(ConfigAliases, APatternListsBothNames) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "GET", "list-max-*"}), "*4\r\n" + bulk("list-max-listpack-size") +
                                                        bulk("-2") + bulk("list-max-ziplist-size") +
                                                        bulk("-2"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "*max-*-entries"}),
            "*10\r\n" + bulk("hash-max-listpack-entries") + bulk("512") +
                bulk("hash-max-ziplist-entries") + bulk("512") + bulk("set-max-intset-entries") +
                bulk("512") + bulk("zset-max-listpack-entries") + bulk("128") +
                bulk("zset-max-ziplist-entries") + bulk("128"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "*ziplist*"}),
            "*10\r\n" + bulk("list-max-ziplist-size") + bulk("-2") +
                bulk("hash-max-ziplist-entries") + bulk("512") + bulk("hash-max-ziplist-value") +
                bulk("64") + bulk("zset-max-ziplist-entries") + bulk("128") +
                bulk("zset-max-ziplist-value") + bulk("64"));
}

TEST(ConfigAliases, EachNameIsListedOnceWhateverItsCase) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "GET", "list-max-ziplist-size", "LIST-MAX-ZIPLIST-SIZE"}),
            pair("list-max-ziplist-size", "-2"));
  EXPECT_EQ(h.run({"CONFIG", "GET", "list-max-ziplist-size", "list-max-listpack-size"}),
            "*4\r\n" + bulk("list-max-ziplist-size") + bulk("-2") + bulk("list-max-listpack-size") +
                bulk("-2"));
}

TEST(ConfigAliases, SetThroughTheOldNameChangesTheSetting) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "list-max-ziplist-size", "5"}), "+OK\r\n");
  EXPECT_EQ(h.config.list_max_listpack_size, 5);
  EXPECT_EQ(h.run({"CONFIG", "GET", "list-max-listpack-size"}),
            pair("list-max-listpack-size", "5"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "hash-max-ziplist-entries", "7", "hash-max-ziplist-value",
                   "1kb", "zset-max-ziplist-entries", "8", "zset-max-ziplist-value", "9"}),
            "+OK\r\n");
  EXPECT_EQ(h.config.hash_max_listpack_entries, 7);
  EXPECT_EQ(h.config.hash_max_listpack_value, 1024);
  EXPECT_EQ(h.config.zset_max_listpack_entries, 8);
  EXPECT_EQ(h.config.zset_max_listpack_value, 9);
  EXPECT_EQ(h.run({"CONFIG", "SET", "slave-read-only", "no", "slave-priority", "3"}), "+OK\r\n");
  EXPECT_FALSE(h.config.replica_read_only);
  EXPECT_EQ(h.config.replica_priority, 3);
  EXPECT_EQ(h.run({"CONFIG", "SET", "lua-time-limit", "7"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "busy-reply-threshold"}), pair("busy-reply-threshold", "7"));
}

TEST(ConfigAliases, ErrorsNameTheOldNameInLowerCase) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "LIST-MAX-ZIPLIST-SIZE", "x"}),
            set_failed("list-max-ziplist-size", "argument couldn't be parsed into an integer"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "slave-priority", "-1"}),
            set_failed("slave-priority", "argument must be between 0 and 2147483647 inclusive"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "slaveof", "no one"}),
            set_failed("slaveof", "can't set immutable config"));
}

// Redis checks for the same entry twice, and an old name is another entry:
// both names in one call are accepted, and the later value wins.
TEST(ConfigAliases, BothNamesInOneSetAreNotADuplicate) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "list-max-ziplist-size", "1", "list-max-listpack-size", "2"}),
            "+OK\r\n");
  EXPECT_EQ(h.config.list_max_listpack_size, 2);
  EXPECT_EQ(h.run({"CONFIG", "SET", "list-max-listpack-size", "3", "list-max-ziplist-size", "4"}),
            "+OK\r\n");
  EXPECT_EQ(h.config.list_max_listpack_size, 4);
}

TEST(ConfigAliases, TheSameNameTwiceIsADuplicate) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "list-max-ziplist-size", "1", "LIST-MAX-ZIPLIST-SIZE", "2"}),
            set_failed("LIST-MAX-ZIPLIST-SIZE", "duplicate parameter"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "replica-priority", "1", "slave-priority", "2",
                   "replica-priority", "3"}),
            set_failed("replica-priority", "duplicate parameter"));
  EXPECT_EQ(h.config.replica_priority, 100);
}

TEST(ConfigAliases, WorkInTheConfigFileAndOnTheCommandLine) {
  Config config;
  EXPECT_EQ(set_config_value(config, "list-max-ziplist-size", "8", true), std::nullopt);
  EXPECT_EQ(config.list_max_listpack_size, 8);
  EXPECT_EQ(set_config_value(config, "slaveof", "127.0.0.1 6380", true), std::nullopt);
  EXPECT_EQ(config.replicaof, "127.0.0.1 6380");
  EXPECT_EQ(set_config_value(config, "SLAVE-SERVE-STALE-DATA", "no", true), std::nullopt);
  EXPECT_FALSE(config.replica_serve_stale_data);
  EXPECT_EQ(set_config_value(config, "slave-priority", "x", true),
            "argument couldn't be parsed into an integer");
}

// Redis 7.0 still reads these from a config file, with one argument, and
// ignores them; CONFIG SET does not know them.
TEST(ConfigAliases, RetiredDirectivesAreIgnoredInTheConfigFileOnly) {
  Config config;
  EXPECT_EQ(set_config_value(config, "list-max-ziplist-entries", "5", true), std::nullopt);
  EXPECT_EQ(set_config_value(config, "list-max-ziplist-value", "64", true), std::nullopt);
  EXPECT_EQ(set_config_value(config, "lua-replicate-commands", "yes", true), std::nullopt);
  EXPECT_EQ(set_config_value(config, "list-max-ziplist-entries", "5 6", true),
            "Bad directive or wrong number of arguments");
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "list-max-ziplist-entries", "5"}),
            "-ERR Unknown option or number of arguments for CONFIG SET - "
            "'list-max-ziplist-entries'\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "list-max-ziplist-entries"}), "*0\r\n");
}

}  // namespace
}  // namespace mini_redis::commands
