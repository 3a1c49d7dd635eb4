// HSET, HMSET, HSETNX, HGET, HMGET, HDEL, HLEN, HSTRLEN, HEXISTS, HKEYS,
// HVALS and HGETALL: replies, errors, the emptied hash's deletion and the
// events each write publishes. Every expected reply was checked against a
// real Redis 7.0.15 (tests/diff/cases/hashes.txt compares them on the wire).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/commands/hashes/hash_test_support.h"

namespace mini_redis::testing {
namespace {

using HashCommands = HashTest;

// ---- HSET, HMSET, HSETNX -------------------------------------------------------------------

TEST_F(HashCommands, HsetCountsOnlyNewFields) {
  EXPECT_EQ(h.run({"HSET", "h", "a", "1", "b", "2"}), ":2\r\n");
  EXPECT_EQ(h.run({"HSET", "h", "a", "10", "c", "3"}), ":1\r\n");
  // The same field twice in one command is new once.
  EXPECT_EQ(h.run({"HSET", "h", "d", "1", "d", "2"}), ":1\r\n");
  EXPECT_EQ(h.run({"HGET", "h", "d"}), "$1\r\n2\r\n");
  EXPECT_EQ(h.run({"HLEN", "h"}), ":4\r\n");
}

TEST_F(HashCommands, HsetAndHmsetRefuseAHalfPairBeforeLookingAtTheKey) {
  h.run({"SET", "s", "v"});
  EXPECT_EQ(h.run({"HSET", "h", "a"}), "-ERR wrong number of arguments for 'hset' command\r\n");
  EXPECT_EQ(h.run({"HSET", "s", "a", "1", "b"}),
            "-ERR wrong number of arguments for 'hset' command\r\n");
  EXPECT_EQ(h.run({"HMSET", "h", "a", "1", "b"}),
            "-ERR wrong number of arguments for 'hmset' command\r\n");
  EXPECT_EQ(h.run({"hmset", "h"}), "-ERR wrong number of arguments for 'hmset' command\r\n");
  EXPECT_EQ(h.run({"EXISTS", "h"}), ":0\r\n");
}

TEST_F(HashCommands, HmsetAnswersOk) {
  EXPECT_EQ(h.run({"HMSET", "h", "a", "1", "b", "2"}), "+OK\r\n");
  EXPECT_EQ(h.run({"HMSET", "h", "a", "3"}), "+OK\r\n");
  EXPECT_EQ(h.run({"HGETALL", "h"}), bulk_array({"a", "3", "b", "2"}));
}

TEST_F(HashCommands, HsetnxSetsOnlyAMissingField) {
  EXPECT_EQ(h.run({"HSETNX", "h", "a", "1"}), ":1\r\n");
  EXPECT_EQ(h.run({"HSETNX", "h", "a", "2"}), ":0\r\n");
  EXPECT_EQ(h.run({"HGET", "h", "a"}), "$1\r\n1\r\n");
}

TEST_F(HashCommands, ValuesAreBinarySafe) {
  const std::string field("a\0b", 3);
  const std::string value("x\r\ny", 4);
  h.run({"HSET", "h", field, value});
  EXPECT_EQ(h.run({"HGET", "h", field}), "$4\r\n" + value + "\r\n");
  EXPECT_EQ(h.run({"HGET", "h", "a"}), "$-1\r\n");
}

TEST_F(HashCommands, IntegersComeBackAsTheTextThatWasSet) {
  h.run({"HSET", "h", "a", "12", "b", "-0", "c", "007", "d", "-9223372036854775808"});
  EXPECT_EQ(h.run({"HMGET", "h", "a", "b", "c", "d"}),
            bulk_array({"12", "-0", "007", "-9223372036854775808"}));
  EXPECT_EQ(h.run({"HSTRLEN", "h", "d"}), ":20\r\n");
}

// ---- HGET, HMGET, HLEN, HSTRLEN, HEXISTS ---------------------------------------------------

TEST_F(HashCommands, ReadsOfAMissingKeyAnswerAnEmptyHash) {
  EXPECT_EQ(h.run({"HGET", "nokey", "a"}), "$-1\r\n");
  EXPECT_EQ(h.run({"HMGET", "nokey", "a", "b"}), "*2\r\n$-1\r\n$-1\r\n");
  EXPECT_EQ(h.run({"HLEN", "nokey"}), ":0\r\n");
  EXPECT_EQ(h.run({"HSTRLEN", "nokey", "a"}), ":0\r\n");
  EXPECT_EQ(h.run({"HEXISTS", "nokey", "a"}), ":0\r\n");
  EXPECT_EQ(h.run({"HKEYS", "nokey"}), "*0\r\n");
  EXPECT_EQ(h.run({"HVALS", "nokey"}), "*0\r\n");
  EXPECT_EQ(h.run({"HGETALL", "nokey"}), "*0\r\n");
  EXPECT_EQ(h.keyspace.stats().keyspace_misses, 8U);
}

TEST_F(HashCommands, NullsAreResp3NullsAndHgetallAMap) {
  use_resp3();
  h.run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(h.run({"HGET", "h", "nope"}), "_\r\n");
  EXPECT_EQ(h.run({"HMGET", "h", "a", "nope"}), "*2\r\n$1\r\n1\r\n_\r\n");
  EXPECT_EQ(h.run({"HGETALL", "h"}), "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
  EXPECT_EQ(h.run({"HGETALL", "nokey"}), "%0\r\n");
  EXPECT_EQ(h.run({"HKEYS", "h"}), bulk_array({"a", "b"}));
}

TEST_F(HashCommands, HmgetAnswersInTheOrderAsked) {
  h.run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(h.run({"HMGET", "h", "b", "nope", "a", "a"}),
            "*4\r\n$1\r\n2\r\n$-1\r\n$1\r\n1\r\n$1\r\n1\r\n");
}

TEST_F(HashCommands, HlenHstrlenHexists) {
  h.run({"HSET", "h", "a", "hello", "b", "123", "c", ""});
  EXPECT_EQ(h.run({"HLEN", "h"}), ":3\r\n");
  EXPECT_EQ(h.run({"HSTRLEN", "h", "a"}), ":5\r\n");
  EXPECT_EQ(h.run({"HSTRLEN", "h", "b"}), ":3\r\n");
  EXPECT_EQ(h.run({"HSTRLEN", "h", "c"}), ":0\r\n");
  EXPECT_EQ(h.run({"HSTRLEN", "h", "nope"}), ":0\r\n");
  EXPECT_EQ(h.run({"HEXISTS", "h", "c"}), ":1\r\n");
  EXPECT_EQ(h.run({"HEXISTS", "h", "nope"}), ":0\r\n");
}

// ---- HKEYS, HVALS, HGETALL -------------------------------------------------------------------

TEST_F(HashCommands, AListpackAnswersInInsertionOrder) {
  h.run({"HSET", "h", "z", "1", "a", "2", "m", "3"});
  h.run({"HSET", "h", "a", "20"});  // a replaced value keeps its place
  h.run({"HDEL", "h", "z"});
  h.run({"HSET", "h", "z", "4"});  // set again: last
  EXPECT_EQ(h.run({"HKEYS", "h"}), bulk_array({"a", "m", "z"}));
  EXPECT_EQ(h.run({"HVALS", "h"}), bulk_array({"20", "3", "4"}));
  EXPECT_EQ(h.run({"HGETALL", "h"}), bulk_array({"a", "20", "m", "3", "z", "4"}));
}

TEST_F(HashCommands, AHashtableAnswersEveryPair) {
  h.config.hash_max_listpack_entries = 2;
  h.run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  ASSERT_EQ(encoding("h"), "$9\r\nhashtable\r\n");
  EXPECT_EQ(sorted_array(h.run({"HKEYS", "h"})), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(sorted_array(h.run({"HVALS", "h"})), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(sorted_array(h.run({"HGETALL", "h"})),
            (std::vector<std::string>{"1", "2", "3", "a", "b", "c"}));
}

// ---- HDEL ---------------------------------------------------------------------------------------

TEST_F(HashCommands, HdelCountsRemovedFields) {
  h.run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(h.run({"HDEL", "h", "a", "nope", "a"}), ":1\r\n");
  EXPECT_EQ(h.run({"HDEL", "h", "nope"}), ":0\r\n");
  EXPECT_EQ(h.run({"HGETALL", "h"}), bulk_array({"b", "2", "c", "3"}));
  EXPECT_EQ(h.run({"HDEL", "nokey", "a"}), ":0\r\n");
}

TEST_F(HashCommands, HdelOfTheLastFieldDeletesTheKey) {
  h.run({"HSET", "h", "a", "1", "b", "2"});
  h.run({"EXPIRE", "h", "100"});
  EXPECT_EQ(h.run({"HDEL", "h", "a", "b", "c"}), ":2\r\n");
  EXPECT_EQ(h.run({"EXISTS", "h"}), ":0\r\n");
  EXPECT_EQ(h.keyspace.db(0).lookup_quietly("h"), nullptr);
  // A new hash under the same name starts without the old TTL.
  h.run({"HSET", "h", "a", "1"});
  EXPECT_EQ(h.run({"TTL", "h"}), ":-1\r\n");
}

TEST_F(HashCommands, HdelOfTheLastFieldOfAHashtableDeletesTheKey) {
  h.config.hash_max_listpack_entries = 1;
  h.run({"HSET", "h", "a", "1", "b", "2"});
  ASSERT_EQ(encoding("h"), "$9\r\nhashtable\r\n");
  EXPECT_EQ(h.run({"HDEL", "h", "a"}), ":1\r\n");
  EXPECT_EQ(encoding("h"), "$9\r\nhashtable\r\n");  // never back to a listpack
  EXPECT_EQ(h.run({"HDEL", "h", "b"}), ":1\r\n");
  EXPECT_EQ(h.run({"EXISTS", "h"}), ":0\r\n");
}

// ---- WRONGTYPE, both ways
// ------------------------------------------------------------------------

TEST_F(HashCommands, HashCommandsRefuseAString) {
  h.run({"SET", "s", "v"});
  const std::vector<std::vector<std::string>> commands = {
      {"HSET", "s", "a", "1"}, {"HMSET", "s", "a", "1"}, {"HSETNX", "s", "a", "1"},
      {"HGET", "s", "a"},      {"HMGET", "s", "a"},      {"HDEL", "s", "a"},
      {"HLEN", "s"},           {"HSTRLEN", "s", "a"},    {"HEXISTS", "s", "a"},
      {"HKEYS", "s"},          {"HVALS", "s"},           {"HGETALL", "s"},
  };
  for (const auto& command : commands) EXPECT_EQ(h.run(command), kWrongType) << command[0];
  EXPECT_EQ(h.run({"GET", "s"}), "$1\r\nv\r\n");
}

TEST_F(HashCommands, StringCommandsRefuseAHash) {
  h.run({"HSET", "h", "a", "1"});
  for (const char* command : {"GET", "STRLEN", "INCR"}) {
    EXPECT_EQ(h.run({command, "h"}), kWrongType) << command;
  }
  EXPECT_EQ(h.run({"APPEND", "h", "x"}), kWrongType);
  EXPECT_EQ(h.run({"TYPE", "h"}), "+hash\r\n");
  // SET overwrites whatever the key held.
  EXPECT_EQ(h.run({"SET", "h", "v"}), "+OK\r\n");
  EXPECT_EQ(h.run({"TYPE", "h"}), "+string\r\n");
}

// ---- notifications
// --------------------------------------------------------------------------------

TEST_F(HashCommands, WritesPublishTheirEvents) {
  listen("hg");
  h.run({"HSET", "h", "a", "1", "b", "2"});
  h.run({"HMSET", "h", "c", "3"});
  h.run({"HSETNX", "h", "a", "9"});  // not set: no event
  h.run({"HSETNX", "h", "d", "4"});
  h.run({"HDEL", "h", "nope"});  // nothing removed: no event
  h.run({"HDEL", "h", "a", "b"});
  EXPECT_EQ(events(), (std::vector<std::string>{"hset h", "hset h", "hset h", "hdel h"}));
  h.run({"HDEL", "h", "c", "d"});
  EXPECT_EQ(events(), (std::vector<std::string>{"hdel h", "del h"}));
}

TEST_F(HashCommands, CreatingAHashPublishesNewFirst) {
  listen("hn");
  h.run({"HSET", "h", "a", "1"});
  h.run({"HSET", "h", "b", "1"});
  EXPECT_EQ(events(), (std::vector<std::string>{"new h", "hset h", "hset h"}));
}

TEST_F(HashCommands, ReadsOfAMissingKeyPublishKeymiss) {
  listen("m");
  h.run({"HGET", "nokey", "a"});
  h.run({"HGETALL", "nokey"});
  h.run({"HDEL", "nokey", "a"});  // a write: no keymiss
  h.run({"HSET", "h", "a", "1"});
  h.run({"HGET", "h", "nope"});  // the key is there
  EXPECT_EQ(events(), (std::vector<std::string>{"keymiss nokey", "keymiss nokey"}));
}

TEST_F(HashCommands, ErrorsPublishNothing) {
  listen("hg");
  h.run({"SET", "s", "v"});
  h.run({"HSET", "s", "a", "1"});
  h.run({"HSET", "h", "a"});
  EXPECT_TRUE(events().empty());
}

}  // namespace
}  // namespace mini_redis::testing
