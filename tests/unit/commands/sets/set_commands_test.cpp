// The set commands through the dispatcher, as a client sees them: the
// replies' bytes, the encodings Redis 7.0.15 reports, the keyspace events
// and their order, and the rules a byte-for-byte diff cannot pin down
// because a hashtable's order or a random draw is involved (SPOP's
// strategies, SRANDMEMBER's counts, SSCAN of a hashtable, STORE over a key
// of another type without a "new" event). tests/diff/cases/sets.txt compares
// the deterministic rest against Redis itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "unit/support/command_harness.h"
#include "unit/support/key_test_helpers.h"

namespace mini_redis::testing {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

class SetCommands : public ::testing::Test {
 protected:
  std::string encoding(const std::string& key) { return h.run({"OBJECT", "ENCODING", key}); }

  // Turns keyevent notifications on and subscribes a second client.
  void listen(const std::string& classes) {
    ASSERT_EQ(h.run({"CONFIG", "SET", "notify-keyspace-events", "E" + classes}), "+OK\r\n");
    h.run_as(listener, {"PSUBSCRIBE", "__keyevent@0__:*"});
    h.output_of(listener);
  }
  // The events heard since the last call, as "event key".
  std::vector<std::string> events() {
    std::vector<std::string> heard;
    const std::string bytes = h.output_of(listener);
    RespReader reader(bytes);
    while (!reader.at_end()) {
      const std::vector<std::string> message = reader.bulk_array();
      if (message.size() != 4) break;
      heard.push_back(message[2].substr(message[2].find(':') + 1) + " " + message[3]);
    }
    return heard;
  }
  static std::vector<std::string> members_of(const std::string& reply) {
    RespReader reader(reply);
    return reader.bulk_array();
  }
  static std::set<std::string> as_set(const std::string& reply) {
    const std::vector<std::string> all = members_of(reply);
    return {all.begin(), all.end()};
  }

  CommandHarness h;
  commands::ClientState& listener = h.add_client();
};

TEST_F(SetCommands, SaddCountsNewMembersAndPicksTheEncoding) {
  EXPECT_EQ(h.run({"SADD", "s", "3", "1", "2", "1"}), ":3\r\n");
  EXPECT_EQ(encoding("s"), "$6\r\nintset\r\n");
  EXPECT_EQ(h.run({"SMEMBERS", "s"}), "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  EXPECT_EQ(h.run({"SADD", "s", "007"}), ":1\r\n");
  EXPECT_EQ(encoding("s"), "$9\r\nhashtable\r\n");
  EXPECT_EQ(h.run({"TYPE", "s"}), "+set\r\n");
  EXPECT_EQ(h.run({"SCARD", "s"}), ":4\r\n");
}

TEST_F(SetCommands, TheIntsetLimitComesFromConfig) {
  ASSERT_EQ(h.run({"CONFIG", "SET", "set-max-intset-entries", "2"}), "+OK\r\n");
  h.run({"SADD", "s", "1", "2"});
  EXPECT_EQ(encoding("s"), "$6\r\nintset\r\n");
  h.run({"SADD", "s", "3"});
  EXPECT_EQ(encoding("s"), "$9\r\nhashtable\r\n");
}

TEST_F(SetCommands, SremDeletesTheKeyWithTheLastMember) {
  listen("gs");
  h.run({"SADD", "s", "a", "b"});
  EXPECT_EQ(h.run({"SREM", "s", "a", "x", "b", "c"}), ":2\r\n");
  EXPECT_EQ(h.run({"EXISTS", "s"}), ":0\r\n");
  EXPECT_EQ(events(), (std::vector<std::string>{"sadd s", "srem s", "del s"}));
  EXPECT_EQ(h.run({"SREM", "s", "a"}), ":0\r\n");
  EXPECT_TRUE(events().empty());
}

TEST_F(SetCommands, SmoveAnnouncesSourceThenDestination) {
  listen("gsn");
  h.run({"SADD", "src", "5"});
  events();
  EXPECT_EQ(h.run({"SMOVE", "src", "dst", "5"}), ":1\r\n");
  EXPECT_EQ(events(), (std::vector<std::string>{"srem src", "del src", "new dst", "sadd dst"}));
  EXPECT_EQ(encoding("dst"), "$6\r\nintset\r\n");
  h.run({"SET", "str", "v"});
  EXPECT_EQ(h.run({"SMOVE", "nokey", "str", "5"}), ":0\r\n");
  EXPECT_EQ(h.run({"SMOVE", "dst", "str", "5"}), kWrongType);
  EXPECT_EQ(h.run({"SMOVE", "dst", "dst", "5"}), ":1\r\n");
}

TEST_F(SetCommands, SinterWalksTheSmallestSetInItsOrder) {
  h.run({"SADD", "big", "x", "y", "30", "10", "20"});
  h.run({"SADD", "small", "20", "30", "10"});
  const std::string sorted = "*3\r\n$2\r\n10\r\n$2\r\n20\r\n$2\r\n30\r\n";
  EXPECT_EQ(h.run({"SINTER", "big", "small"}), sorted);
  EXPECT_EQ(h.run({"SINTER", "small", "big", "small"}), sorted);
  EXPECT_EQ(h.run({"SINTER", "small", "nokey"}), "*0\r\n");
  EXPECT_EQ(h.run({"SINTERCARD", "2", "big", "small", "LIMIT", "2"}), ":2\r\n");
  EXPECT_EQ(h.run({"SINTERCARD", "3", "big", "small"}),
            "-ERR Number of keys can't be greater than number of args\r\n");
}

TEST_F(SetCommands, SinterstoreOverAnotherTypeIsNotANewKeyAndDropsTheTtl) {
  listen("gsn");
  h.run({"SADD", "a", "1", "2"});
  h.run({"SET", "d", "v"});
  h.run({"EXPIRE", "d", "100"});
  events();
  EXPECT_EQ(h.run({"SINTERSTORE", "d", "a", "a"}), ":2\r\n");
  EXPECT_EQ(events(), std::vector<std::string>{"sinterstore d"});
  EXPECT_EQ(h.run({"TYPE", "d"}), "+set\r\n");
  EXPECT_EQ(h.run({"TTL", "d"}), ":-1\r\n");
  EXPECT_EQ(h.run({"SINTERSTORE", "e", "a"}), ":2\r\n");
  EXPECT_EQ(events(), (std::vector<std::string>{"new e", "sinterstore e"}));
  EXPECT_EQ(h.run({"SINTERSTORE", "e", "a", "nokey"}), ":0\r\n");
  EXPECT_EQ(h.run({"EXISTS", "e"}), ":0\r\n");
  EXPECT_EQ(events(), std::vector<std::string>{"del e"});
}

TEST_F(SetCommands, UnionOfHashtablesOfNumbersIsAnIntsetAgain) {
  ASSERT_EQ(h.run({"CONFIG", "SET", "set-max-intset-entries", "1"}), "+OK\r\n");
  h.run({"SADD", "a", "9", "8"});
  h.run({"SADD", "b", "1"});
  ASSERT_EQ(h.run({"CONFIG", "SET", "set-max-intset-entries", "512"}), "+OK\r\n");
  ASSERT_EQ(encoding("a"), "$9\r\nhashtable\r\n");
  EXPECT_EQ(h.run({"SUNION", "a", "b"}), "*3\r\n$1\r\n1\r\n$1\r\n8\r\n$1\r\n9\r\n");
  EXPECT_EQ(h.run({"SUNIONSTORE", "d", "a", "b"}), ":3\r\n");
  EXPECT_EQ(encoding("d"), "$6\r\nintset\r\n");
}

TEST_F(SetCommands, SdiffsTwoAlgorithmsLeaveDifferentEncodings) {
  ASSERT_EQ(h.run({"CONFIG", "SET", "set-max-intset-entries", "5"}), "+OK\r\n");
  h.run({"SADD", "a", "1", "2", "3", "4", "5", "6"});  // 6 > 5: a hashtable
  for (int i = 1; i <= 5; ++i) h.run({"SADD", "b" + std::to_string(i), std::to_string(i)});
  // One other set: 6 * 2 / 2 = 6 lookups against 7 removals, algorithm 1
  // walks `a` and builds a new set of 5 numbers: an intset.
  EXPECT_EQ(h.run({"SDIFFSTORE", "d1", "a", "b1"}), ":5\r\n");
  EXPECT_EQ(encoding("d1"), "$6\r\nintset\r\n");
  // Five: 6 * 6 / 2 = 18 against 11, algorithm 2 copies `a` (6 numbers, a
  // hashtable at this limit) and removes; one number left, still a hashtable.
  EXPECT_EQ(h.run({"SDIFFSTORE", "d2", "a", "b1", "b2", "b3", "b4", "b5"}), ":1\r\n");
  EXPECT_EQ(encoding("d2"), "$9\r\nhashtable\r\n");
  EXPECT_EQ(h.run({"SMEMBERS", "d2"}), "*1\r\n$1\r\n6\r\n");
}

TEST_F(SetCommands, SpopOfTheWholeSetAnswersItSortedAndDeletesTheKey) {
  listen("gs");
  ASSERT_EQ(h.run({"CONFIG", "SET", "set-max-intset-entries", "1"}), "+OK\r\n");
  h.run({"SADD", "s", "3", "1", "2"});
  ASSERT_EQ(h.run({"CONFIG", "SET", "set-max-intset-entries", "512"}), "+OK\r\n");
  events();
  EXPECT_EQ(h.run({"SPOP", "s", "10"}), "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  EXPECT_EQ(h.run({"EXISTS", "s"}), ":0\r\n");
  EXPECT_EQ(events(), (std::vector<std::string>{"spop s", "del s"}));
}

TEST_F(SetCommands, SpopWithACountRemovesThatManyAndKeepsTheTtl) {
  std::vector<std::string> sadd = {"SADD", "s"};
  for (int i = 0; i < 100; ++i) sadd.push_back(std::to_string(i));
  h.run(sadd);
  h.run({"EXPIRE", "s", "100"});
  for (const int count : {3, 90}) {  // draw-and-remove, then rebuild
    const std::set<std::string> before = as_set(h.run({"SMEMBERS", "s"}));
    const std::vector<std::string> popped = members_of(h.run({"SPOP", "s", std::to_string(count)}));
    ASSERT_EQ(popped.size(), static_cast<std::size_t>(count));
    const std::set<std::string> after = as_set(h.run({"SMEMBERS", "s"}));
    EXPECT_EQ(after.size(), before.size() - count);
    for (const std::string& m : popped) {
      EXPECT_TRUE(before.contains(m));
      EXPECT_FALSE(after.contains(m));
    }
  }
  EXPECT_EQ(h.run({"TTL", "s"}), ":100\r\n");
  EXPECT_EQ(h.run({"SPOP", "s", "-1"}), "-ERR value is out of range, must be positive\r\n");
}

TEST_F(SetCommands, SrandmemberCountsFollowRedis) {
  h.run({"SADD", "s", "a", "b", "c", "d", "e", "f", "g"});
  for (const int count : {1, 2, 5, 6}) {  // one draw, draws, subset
    const std::vector<std::string> got =
        members_of(h.run({"SRANDMEMBER", "s", std::to_string(count)}));
    EXPECT_EQ(got.size(), static_cast<std::size_t>(count));
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
  }
  EXPECT_EQ(members_of(h.run({"SRANDMEMBER", "s", "50"})).size(), 7u);
  const std::vector<std::string> repeated = members_of(h.run({"SRANDMEMBER", "s", "-50"}));
  EXPECT_EQ(repeated.size(), 50u);
  EXPECT_LE(std::set<std::string>(repeated.begin(), repeated.end()).size(), 7u);
  EXPECT_EQ(h.run({"SCARD", "s"}), ":7\r\n");
  EXPECT_EQ(h.run({"SRANDMEMBER", "s", "-9223372036854775808"}),
            "-ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807\r\n");
}

TEST_F(SetCommands, SscanOfAHashtableVisitsEveryMember) {
  std::vector<std::string> sadd = {"SADD", "s"};
  for (int i = 0; i < 1000; ++i) sadd.push_back("m" + std::to_string(i));
  h.run(sadd);
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    const std::string reply = h.run({"SSCAN", "s", cursor, "COUNT", "50"});
    RespReader reader(reply);
    ASSERT_EQ(reader.header('*'), 2);
    cursor = reader.bulk();
    for (const std::string& m : reader.bulk_array()) seen.insert(m);
    ++calls;
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_GT(calls, 5);
}

TEST_F(SetCommands, Resp3AnswersSetsWithTheSetType) {
  h.client.protocol = protocol::ProtocolVersion::resp3;
  h.run({"SADD", "s", "2", "1"});
  EXPECT_EQ(h.run({"SMEMBERS", "s"}), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(h.run({"SINTER", "s", "nokey"}), "~0\r\n");
  EXPECT_EQ(h.run({"SRANDMEMBER", "s", "5"}), "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(h.run({"SPOP", "nokey", "1"}), "~0\r\n");
  EXPECT_EQ(h.run({"SPOP", "nokey"}), "_\r\n");
}

TEST_F(SetCommands, WrongTypeBothWays) {
  h.run({"SET", "str", "v"});
  h.run({"SADD", "s", "a"});
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"SADD", "str", "a"},
                                             {"SISMEMBER", "str", "a"},
                                             {"SMEMBERS", "str"},
                                             {"SINTER", "nokey", "str"},
                                             {"SUNIONSTORE", "d", "str"},
                                             {"SPOP", "str", "1"},
                                             {"SSCAN", "str", "0"},
                                             {"GET", "s"},
                                             {"LPUSH", "s", "x"}}) {
    EXPECT_EQ(h.run(command), kWrongType) << command[0];
  }
}

TEST_F(SetCommands, CopyKeepsTheEncodingAndIsDeep) {
  h.run({"SADD", "s", "1", "a"});
  h.run({"SREM", "s", "a"});
  EXPECT_EQ(h.run({"COPY", "s", "c"}), ":1\r\n");
  EXPECT_EQ(encoding("c"), "$9\r\nhashtable\r\n");
  h.run({"SADD", "c", "2"});
  EXPECT_EQ(h.run({"SCARD", "s"}), ":1\r\n");
  EXPECT_EQ(h.run({"SCAN", "0", "TYPE", "set"}).find("$1\r\ns\r\n") != std::string::npos, true);
}

}  // namespace
}  // namespace mini_redis::testing
