// LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LLEN, LINDEX and LRANGE; and the
// WRONGTYPE rule between lists and strings. Every expected reply and error
// was checked against redis-server 7.0.15.
#include <gtest/gtest.h>

#include <string>

#include "types/quicklist.h"
#include "unit/commands/lists/list_test_helpers.h"

namespace mini_redis::testing {
namespace {

class ListCommandsTest : public ::testing::Test {
 protected:
  const storage::Entry* entry(const std::string& key) {
    return h.keyspace.db(0).lookup_quietly(key);
  }
  CommandHarness h;
};

// ---- pushes
// ------------------------------------------------------------------------------------------

TEST_F(ListCommandsTest, LpushPushesEachElementAtTheHeadSoTheyEndReversed) {
  EXPECT_EQ(h.run({"LPUSH", "l", "a", "b", "c"}), ":3\r\n");
  EXPECT_EQ(h.run({"RPUSH", "l", "d"}), ":4\r\n");
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"c", "b", "a", "d"}));
}

TEST_F(ListCommandsTest, APushedListIsAQuicklistOfTheConfiguredFill) {
  h.config.list_max_listpack_size = 2;
  h.run({"RPUSH", "l", "1", "2", "3", "4", "5"});
  ASSERT_NE(entry("l"), nullptr);
  EXPECT_EQ(entry("l")->type(), storage::ValueType::list);
  EXPECT_EQ(entry("l")->encoding(), storage::Encoding::quicklist);
  EXPECT_EQ(entry("l")->object<types::Quicklist>().node_count(), 3U);
  EXPECT_EQ(h.run({"TYPE", "l"}), "+list\r\n");
  EXPECT_EQ(h.run({"OBJECT", "ENCODING", "l"}), bulk("quicklist"));
}

TEST_F(ListCommandsTest, IntegerElementsComeBackAsTheyWereSent) {
  h.run({"RPUSH", "l", "42", "-7", "007", "9223372036854775807", "1.5", ""});
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}),
            array({"42", "-7", "007", "9223372036854775807", "1.5", ""}));
}

TEST_F(ListCommandsTest, PushxOnlyPushesOntoAnExistingList) {
  EXPECT_EQ(h.run({"LPUSHX", "l", "a"}), ":0\r\n");
  EXPECT_EQ(h.run({"RPUSHX", "l", "a", "b"}), ":0\r\n");
  EXPECT_EQ(entry("l"), nullptr);
  h.run({"RPUSH", "l", "x"});
  EXPECT_EQ(h.run({"LPUSHX", "l", "a", "b"}), ":3\r\n");
  EXPECT_EQ(h.run({"RPUSHX", "l", "c"}), ":4\r\n");
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"b", "a", "x", "c"}));
}

TEST_F(ListCommandsTest, PushNeedsAnElement) {
  EXPECT_EQ(h.run({"LPUSH", "l"}), "-ERR wrong number of arguments for 'lpush' command\r\n");
  EXPECT_EQ(h.run({"RPUSHX", "l"}), "-ERR wrong number of arguments for 'rpushx' command\r\n");
}

// ---- pops
// ---------------------------------------------------------------------------------------------

TEST_F(ListCommandsTest, PopTakesFromEitherEndAndDeletesTheEmptiedList) {
  h.run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(h.run({"LPOP", "l"}), bulk("a"));
  EXPECT_EQ(h.run({"RPOP", "l"}), bulk("c"));
  EXPECT_EQ(h.run({"RPOP", "l"}), bulk("b"));
  EXPECT_EQ(entry("l"), nullptr);
  EXPECT_EQ(h.run({"LPOP", "l"}), kNullBulk);
}

TEST_F(ListCommandsTest, PopWithCountAnswersTheElementsInPopOrder) {
  h.run({"RPUSH", "l", "a", "b", "c", "d", "e"});
  EXPECT_EQ(h.run({"LPOP", "l", "2"}), array({"a", "b"}));
  EXPECT_EQ(h.run({"RPOP", "l", "2"}), array({"e", "d"}));
  EXPECT_EQ(h.run({"LPOP", "l", "0"}), kEmptyArray);
  EXPECT_EQ(h.run({"RPOP", "l", "10"}), array({"c"}));
  EXPECT_EQ(entry("l"), nullptr);
}

TEST_F(ListCommandsTest, PopWithCountOnAMissingKeyIsANullArray) {
  EXPECT_EQ(h.run({"LPOP", "nope", "1"}), kNullArray);
  EXPECT_EQ(h.run({"RPOP", "nope", "0"}), kNullArray);
  h.client.protocol = protocol::ProtocolVersion::resp3;
  EXPECT_EQ(h.run({"LPOP", "nope", "1"}), "_\r\n");
  EXPECT_EQ(h.run({"LPOP", "nope"}), "_\r\n");
}

TEST_F(ListCommandsTest, PopCountMustBeANonNegativeIntegerEvenForAMissingKey) {
  const std::string error = "-ERR value is out of range, must be positive\r\n";
  EXPECT_EQ(h.run({"LPOP", "nope", "-1"}), error);
  EXPECT_EQ(h.run({"RPOP", "nope", "abc"}), error);
  EXPECT_EQ(h.run({"LPOP", "l", "1", "2"}),
            "-ERR wrong number of arguments for 'lpop' command\r\n");
  EXPECT_EQ(h.run({"RPOP", "l", "1", "2"}),
            "-ERR wrong number of arguments for 'rpop' command\r\n");
}

TEST_F(ListCommandsTest, PopWithCountCrossesNodes) {
  h.config.list_max_listpack_size = 2;
  h.run({"RPUSH", "l", "1", "2", "3", "4", "5", "6", "7"});
  EXPECT_EQ(h.run({"LPOP", "l", "3"}), array({"1", "2", "3"}));
  EXPECT_EQ(h.run({"RPOP", "l", "3"}), array({"7", "6", "5"}));
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"4"}));
}

// ---- LLEN, LINDEX, LRANGE
// -----------------------------------------------------------------------------

TEST_F(ListCommandsTest, LlenCountsAndAMissingKeyIsZero) {
  EXPECT_EQ(h.run({"LLEN", "l"}), ":0\r\n");
  h.run({"RPUSH", "l", "a", "b"});
  EXPECT_EQ(h.run({"LLEN", "l"}), ":2\r\n");
}

TEST_F(ListCommandsTest, LindexCountsFromEitherEnd) {
  h.run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(h.run({"LINDEX", "l", "0"}), bulk("a"));
  EXPECT_EQ(h.run({"LINDEX", "l", "-1"}), bulk("c"));
  EXPECT_EQ(h.run({"LINDEX", "l", "3"}), kNullBulk);
  EXPECT_EQ(h.run({"LINDEX", "l", "-4"}), kNullBulk);
  EXPECT_EQ(h.run({"LINDEX", "l", "-9223372036854775808"}), kNullBulk);
}

TEST_F(ListCommandsTest, LindexLooksTheKeyUpBeforeReadingTheIndex) {
  EXPECT_EQ(h.run({"LINDEX", "nope", "abc"}), kNullBulk);
  h.run({"RPUSH", "l", "a"});
  EXPECT_EQ(h.run({"LINDEX", "l", "abc"}), "-ERR value is not an integer or out of range\r\n");
}

TEST_F(ListCommandsTest, LrangeClampsItsIndexesLikeRedis) {
  h.run({"RPUSH", "l", "a", "b", "c", "d", "e"});
  EXPECT_EQ(h.run({"LRANGE", "l", "1", "3"}), array({"b", "c", "d"}));
  EXPECT_EQ(h.run({"LRANGE", "l", "-2", "100"}), array({"d", "e"}));
  EXPECT_EQ(h.run({"LRANGE", "l", "-100", "0"}), array({"a"}));
  EXPECT_EQ(h.run({"LRANGE", "l", "3", "1"}), kEmptyArray);
  EXPECT_EQ(h.run({"LRANGE", "l", "5", "9"}), kEmptyArray);
  EXPECT_EQ(h.run({"LRANGE", "l", "-9223372036854775808", "9223372036854775807"}),
            array({"a", "b", "c", "d", "e"}));
}

TEST_F(ListCommandsTest, LrangeReadsItsIndexesBeforeTheKey) {
  EXPECT_EQ(h.run({"LRANGE", "nope", "0", "-1"}), kEmptyArray);
  EXPECT_EQ(h.run({"LRANGE", "nope", "x", "1"}),
            "-ERR value is not an integer or out of range\r\n");
}

// ---- WRONGTYPE both ways
// -----------------------------------------------------------------------------

TEST_F(ListCommandsTest, ListCommandsRefuseAString) {
  h.run({"SET", "s", "v"});
  for (const std::vector<std::string>& command : std::vector<std::vector<std::string>>{
           {"LPUSH", "s", "a"},
           {"RPUSH", "s", "a"},
           {"LPUSHX", "s", "a"},
           {"RPUSHX", "s", "a"},
           {"LPOP", "s"},
           {"RPOP", "s", "2"},
           {"LLEN", "s"},
           {"LINDEX", "s", "0"},
           {"LRANGE", "s", "0", "-1"},
           {"LSET", "s", "0", "a"},
           {"LTRIM", "s", "0", "1"},
           {"LREM", "s", "0", "a"},
           {"LINSERT", "s", "BEFORE", "a", "b"},
           {"LPOS", "s", "a"},
           {"LMOVE", "s", "d", "LEFT", "LEFT"},
           {"RPOPLPUSH", "s", "d"},
           {"LMPOP", "1", "s", "LEFT"},
           {"BLPOP", "s", "0"},
           {"BLMOVE", "s", "d", "LEFT", "LEFT", "0"},
           {"BLMPOP", "0", "1", "s", "LEFT"},
       }) {
    EXPECT_EQ(h.run(command), kWrongType) << command[0];
  }
  EXPECT_EQ(h.run({"GET", "s"}), bulk("v"));
  EXPECT_EQ(h.client.blocked, nullptr);
}

TEST_F(ListCommandsTest, StringCommandsRefuseAList) {
  h.run({"RPUSH", "l", "a", "1"});
  for (const std::vector<std::string>& command : std::vector<std::vector<std::string>>{
           {"GET", "l"},
           {"APPEND", "l", "x"},
           {"INCR", "l"},
           {"DECRBY", "l", "2"},
           {"INCRBYFLOAT", "l", "1"},
           {"SETRANGE", "l", "0", "x"},
           {"GETRANGE", "l", "0", "1"},
           {"STRLEN", "l"},
           {"GETDEL", "l"},
           {"SET", "l", "x", "GET"},
       }) {
    EXPECT_EQ(h.run(command), kWrongType) << command[0];
  }
  // MGET answers null for a key of another type; LCS has its own error.
  EXPECT_EQ(h.run({"MGET", "l", "nope"}), "*2\r\n$-1\r\n$-1\r\n");
  EXPECT_EQ(h.run({"LCS", "l", "l"}), "-ERR The specified keys must contain string values\r\n");
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"a", "1"}));
}

TEST_F(ListCommandsTest, SetWithoutGetOverwritesAList) {
  h.run({"RPUSH", "l", "a"});
  EXPECT_EQ(h.run({"SET", "l", "v"}), "+OK\r\n");
  EXPECT_EQ(h.run({"GET", "l"}), bulk("v"));
}

// ---- events
// ------------------------------------------------------------------------------------------

TEST_F(ListCommandsTest, PushesAndPopsAnnounceTheirEndThenDelWhenEmptied) {
  EventLog events(h);
  h.run({"LPUSH", "l", "a", "b"});
  h.run({"RPUSH", "l", "c"});
  h.run({"LPUSHX", "nope", "a"});
  h.run({"RPOP", "l", "2"});
  h.run({"LPOP", "l"});
  h.run({"LPOP", "l"});
  EXPECT_EQ(events.take(), (Events{"lpush l", "rpush l", "rpop l", "lpop l", "del l"}));
}

TEST_F(ListCommandsTest, ReadsOfAMissingKeyAnnounceKeymissButPopsDoNot) {
  EventLog events(h);
  h.run({"LLEN", "nope"});
  h.run({"LINDEX", "nope", "0"});
  h.run({"LRANGE", "nope", "0", "1"});
  h.run({"LPOP", "nope"});
  EXPECT_EQ(events.take(), (Events{"keymiss nope", "keymiss nope", "keymiss nope"}));
  EXPECT_EQ(h.keyspace.stats().keyspace_misses, 3U);
}

TEST_F(ListCommandsTest, ASelfSubscribedResp3ClientSeesThePushReplyBeforeItsEvent) {
  h.config.notify_keyspace_events = config::notify::kKeyevent | config::notify::kList;
  h.client.protocol = protocol::ProtocolVersion::resp3;
  h.run({"PSUBSCRIBE", "__keyevent@0__:*"});
  const std::string reply = h.run({"RPUSH", "l", "a"});
  EXPECT_EQ(reply.find(":1\r\n"), 0U);
  EXPECT_NE(reply.find(">4\r\n"), std::string::npos);
}

}  // namespace
}  // namespace mini_redis::testing
