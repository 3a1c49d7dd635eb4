// SORT and SORT_RO through the dispatcher. Every expected reply was read
// from Redis 7.0.15 (tests/diff/cases/sort.txt compares them on the wire).
#include <gtest/gtest.h>

#include <string>

#include "unit/support/command_harness.h"

namespace mini_redis::testing {
namespace {

class SortCommand : public ::testing::Test {
 protected:
  CommandHarness h;
};

TEST_F(SortCommand, NumbersThenBytesOnTies) {
  h.run({"RPUSH", "l", "3", "1.0", "1", "", "10"});
  EXPECT_EQ(h.run({"SORT", "l"}),
            "*5\r\n$0\r\n\r\n$1\r\n1\r\n$3\r\n1.0\r\n$1\r\n3\r\n$2\r\n10\r\n");
  EXPECT_EQ(h.run({"SORT", "l", "DESC", "LIMIT", "0", "2"}), "*2\r\n$2\r\n10\r\n$1\r\n3\r\n");
  EXPECT_EQ(h.run({"SORT", "l", "ALPHA"}),
            "*5\r\n$0\r\n\r\n$1\r\n1\r\n$3\r\n1.0\r\n$2\r\n10\r\n$1\r\n3\r\n");
}

TEST_F(SortCommand, BadNumbersAreOneError) {
  h.run({"RPUSH", "l", "1", "5 "});
  EXPECT_EQ(h.run({"SORT", "l"}), "-ERR One or more scores can't be converted into double\r\n");
  h.run({"RPUSH", "d", "1e-310"});
  EXPECT_EQ(h.run({"SORT", "d"}), "-ERR One or more scores can't be converted into double\r\n");
  EXPECT_EQ(h.run({"SORT", "l", "STORE", "dst"}),
            "-ERR One or more scores can't be converted into double\r\n");
  EXPECT_EQ(h.run({"EXISTS", "dst"}), ":0\r\n");
}

TEST_F(SortCommand, ByAndGetPatterns) {
  h.run({"RPUSH", "l", "1", "2", "3"});
  h.run({"MSET", "w_1", "30", "w_2", "10", "w_3", "20", "name_2", "two"});
  h.run({"HSET", "u_3", "age", "33"});
  EXPECT_EQ(h.run({"SORT", "l", "BY", "w_*"}), "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n");
  EXPECT_EQ(h.run({"SORT", "l", "BY", "nosort", "DESC"}),
            "*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n");
  EXPECT_EQ(h.run({"SORT", "l", "GET", "#", "GET", "name_*", "GET", "u_*->age"}),
            "*9\r\n$1\r\n1\r\n$-1\r\n$-1\r\n$1\r\n2\r\n$3\r\ntwo\r\n$-1\r\n$1\r\n3\r\n$-1\r\n"
            "$2\r\n33\r\n");
}

TEST_F(SortCommand, StoreWritesAListOrDeletes) {
  h.run({"RPUSH", "l", "2", "1"});
  h.run({"SET", "dst", "v"});
  EXPECT_EQ(h.run({"SORT", "l", "GET", "missing_*", "STORE", "dst"}), ":2\r\n");
  EXPECT_EQ(h.run({"LRANGE", "dst", "0", "-1"}), "*2\r\n$0\r\n\r\n$0\r\n\r\n");
  EXPECT_EQ(h.run({"SORT", "nothing", "STORE", "dst"}), ":0\r\n");
  EXPECT_EQ(h.run({"EXISTS", "dst"}), ":0\r\n");
  EXPECT_EQ(h.run({"SORT_RO", "l", "STORE", "dst"}), "-ERR syntax error\r\n");
}

TEST_F(SortCommand, SortedSetsBecomeSkiplists) {
  h.run({"ZADD", "z", "2", "a", "1", "b"});
  EXPECT_EQ(h.run({"SORT", "z", "BY", "nosort"}), "*2\r\n$1\r\nb\r\n$1\r\na\r\n");
  EXPECT_EQ(h.run({"OBJECT", "ENCODING", "z"}), "$8\r\nskiplist\r\n");
}

TEST_F(SortCommand, WrongTypesAndSyntax) {
  h.run({"SET", "s", "v"});
  EXPECT_EQ(h.run({"SORT", "s"}),
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  // Options are read before the key is looked at.
  EXPECT_EQ(h.run({"SORT", "s", "LIMIT", "a", "1"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"SORT", "s", "LIMIT", "1"}), "-ERR syntax error\r\n");
}

// Redis's sortGetKeys: the sorted key and the last STORE's key; BY and GET
// patterns are skipped with their argument (and are not keys), so "BY STORE"
// is a pattern. SORT_RO's only key is the sorted one.
TEST_F(SortCommand, KeysAreTheSortedOneAndTheLastStore) {
  EXPECT_EQ(
      h.run({"COMMAND", "GETKEYSANDFLAGS", "SORT", "s", "BY", "w_*", "LIMIT", "0", "1", "GET", "#",
             "STORE", "a", "STORE", "b"}),
      "*2\r\n*2\r\n$1\r\ns\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+OW\r\n+update\r\n");
  EXPECT_EQ(h.run({"COMMAND", "GETKEYS", "SORT", "s", "BY", "STORE", "STORE", "x"}),
            "*2\r\n$1\r\ns\r\n$1\r\nx\r\n");
  EXPECT_EQ(h.run({"COMMAND", "GETKEYS", "SORT", "s", "STORE"}), "*1\r\n$1\r\ns\r\n");
  EXPECT_EQ(h.run({"COMMAND", "GETKEYS", "SORT_RO", "s", "BY", "w_*", "GET", "#"}),
            "*1\r\n$1\r\ns\r\n");
}

}  // namespace
}  // namespace mini_redis::testing
