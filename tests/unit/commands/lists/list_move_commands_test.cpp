// LMOVE, RPOPLPUSH and LMPOP. Every expected reply and error was checked
// against redis-server 7.0.15.
#include <gtest/gtest.h>

#include <string>

#include "unit/commands/lists/list_test_helpers.h"

namespace mini_redis::testing {
namespace {

class ListMoveTest : public ::testing::Test {
 protected:
  bool exists(const std::string& key) { return h.keyspace.db(0).lookup_quietly(key) != nullptr; }
  CommandHarness h;
};

const std::string kSyntax = "-ERR syntax error\r\n";

// ---- LMOVE, RPOPLPUSH
// -----------------------------------------------------------------------------

TEST_F(ListMoveTest, LmoveTakesFromOneEndAndPushesAtTheOther) {
  h.run({"RPUSH", "src", "a", "b", "c", "d"});
  EXPECT_EQ(h.run({"LMOVE", "src", "dst", "LEFT", "LEFT"}), bulk("a"));
  EXPECT_EQ(h.run({"LMOVE", "src", "dst", "left", "right"}), bulk("b"));
  EXPECT_EQ(h.run({"LMOVE", "src", "dst", "RIGHT", "LEFT"}), bulk("d"));
  EXPECT_EQ(h.run({"LMOVE", "src", "dst", "Right", "Right"}), bulk("c"));
  EXPECT_EQ(h.run({"LRANGE", "dst", "0", "-1"}), array({"d", "a", "b", "c"}));
  EXPECT_FALSE(exists("src"));
  EXPECT_EQ(h.run({"LMOVE", "src", "dst", "LEFT", "LEFT"}), kNullBulk);
}

TEST_F(ListMoveTest, LmoveOntoItselfRotatesEvenAOneElementList) {
  h.run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(h.run({"LMOVE", "l", "l", "LEFT", "RIGHT"}), bulk("a"));
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"b", "c", "a"}));
  h.run({"DEL", "l"});
  h.run({"RPUSH", "l", "only"});
  EXPECT_EQ(h.run({"RPOPLPUSH", "l", "l"}), bulk("only"));
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"only"}));
}

TEST_F(ListMoveTest, LmoveChecksItsWordsThenTheSourceThenTheDestination) {
  EXPECT_EQ(h.run({"LMOVE", "nope", "dst", "UP", "LEFT"}), kSyntax);
  EXPECT_EQ(h.run({"LMOVE", "nope", "dst", "LEFT", "DOWN"}), kSyntax);
  h.run({"SET", "str", "v"});
  // A missing source answers null without looking at the destination.
  EXPECT_EQ(h.run({"LMOVE", "nope", "str", "LEFT", "LEFT"}), kNullBulk);
  h.run({"RPUSH", "src", "a"});
  EXPECT_EQ(h.run({"LMOVE", "src", "str", "LEFT", "LEFT"}), kWrongType);
  EXPECT_EQ(h.run({"RPOPLPUSH", "str", "src"}), kWrongType);
  EXPECT_EQ(h.run({"LRANGE", "src", "0", "-1"}), array({"a"}));
}

TEST_F(ListMoveTest, RpoplpushIsLmoveRightLeft) {
  h.run({"RPUSH", "src", "a", "b"});
  EXPECT_EQ(h.run({"RPOPLPUSH", "src", "dst"}), bulk("b"));
  EXPECT_EQ(h.run({"RPOPLPUSH", "src", "dst"}), bulk("a"));
  EXPECT_EQ(h.run({"LRANGE", "dst", "0", "-1"}), array({"a", "b"}));
  EXPECT_FALSE(exists("src"));
}

TEST_F(ListMoveTest, LmoveAnnouncesThePushThenThePopThenDel) {
  h.run({"RPUSH", "src", "a", "b"});
  EventLog events(h);
  h.run({"LMOVE", "src", "dst", "LEFT", "RIGHT"});
  h.run({"RPOPLPUSH", "src", "dst"});
  h.run({"RPOPLPUSH", "nope", "dst"});
  EXPECT_EQ(events.take(), (Events{"rpush dst", "lpop src", "lpush dst", "rpop src", "del src"}));
}

TEST_F(ListMoveTest, LmoveRepliesBetweenItsTwoEventsToASelfSubscribedClient) {
  h.run({"RPUSH", "src", "a", "b"});
  h.config.notify_keyspace_events = config::notify::kKeyevent | config::notify::kList;
  h.client.protocol = protocol::ProtocolVersion::resp3;
  h.run({"PSUBSCRIBE", "__keyevent@0__:*"});
  const std::string out = h.run({"LMOVE", "src", "dst", "LEFT", "LEFT"});
  const std::size_t push = out.find("__keyevent@0__:lpush");
  const std::size_t reply = out.find("\r\n$1\r\na\r\n>");
  const std::size_t pop = out.find("__keyevent@0__:lpop");
  ASSERT_NE(push, std::string::npos);
  ASSERT_NE(reply, std::string::npos);
  ASSERT_NE(pop, std::string::npos);
  EXPECT_LT(push, reply);
  EXPECT_LT(reply, pop);
}

// ---- LMPOP
// -----------------------------------------------------------------------------------------

TEST_F(ListMoveTest, LmpopPopsFromTheFirstNonEmptyList) {
  h.run({"RPUSH", "b", "1", "2", "3"});
  h.run({"RPUSH", "c", "x"});
  EXPECT_EQ(h.run({"LMPOP", "3", "a", "b", "c", "LEFT"}), key_and_elements("b", {"1"}));
  EXPECT_EQ(h.run({"LMPOP", "3", "a", "b", "c", "RIGHT", "COUNT", "5"}),
            key_and_elements("b", {"3", "2"}));
  EXPECT_FALSE(exists("b"));
  EXPECT_EQ(h.run({"LMPOP", "3", "a", "b", "c", "left", "count", "2"}),
            key_and_elements("c", {"x"}));
  EXPECT_EQ(h.run({"LMPOP", "3", "a", "b", "c", "LEFT"}), kNullArray);
  h.client.protocol = protocol::ProtocolVersion::resp3;
  EXPECT_EQ(h.run({"LMPOP", "1", "a", "LEFT"}), "_\r\n");
}

TEST_F(ListMoveTest, LmpopErrors) {
  h.run({"RPUSH", "l", "a"});
  const std::string numkeys = "-ERR numkeys should be greater than 0\r\n";
  const std::string count = "-ERR count should be greater than 0\r\n";
  EXPECT_EQ(h.run({"LMPOP", "0", "l", "LEFT"}), numkeys);
  EXPECT_EQ(h.run({"LMPOP", "abc", "l", "LEFT"}), numkeys);
  EXPECT_EQ(h.run({"LMPOP", "2", "l", "LEFT"}), kSyntax);
  EXPECT_EQ(h.run({"LMPOP", "9223372036854775807", "l", "LEFT"}), kSyntax);
  EXPECT_EQ(h.run({"LMPOP", "1", "l", "MIDDLE"}), kSyntax);
  EXPECT_EQ(h.run({"LMPOP", "1", "l", "LEFT", "COUNT", "0"}), count);
  EXPECT_EQ(h.run({"LMPOP", "1", "l", "LEFT", "COUNT", "x"}), count);
  EXPECT_EQ(h.run({"LMPOP", "1", "l", "LEFT", "COUNT"}), kSyntax);
  EXPECT_EQ(h.run({"LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "1"}), kSyntax);
  EXPECT_EQ(h.run({"LMPOP", "1", "l", "LEFT", "COUNT", "0", "FOO"}), count);
  EXPECT_EQ(h.run({"LMPOP", "1", "l", "LEFT", "FOO"}), kSyntax);
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), array({"a"}));
}

TEST_F(ListMoveTest, LmpopStopsAtAKeyOfAnotherTypeBeforeAList) {
  h.run({"SET", "s", "v"});
  h.run({"RPUSH", "l", "a"});
  EXPECT_EQ(h.run({"LMPOP", "2", "s", "l", "LEFT"}), kWrongType);
  EXPECT_EQ(h.run({"LMPOP", "2", "l", "s", "LEFT"}), key_and_elements("l", {"a"}));
}

TEST_F(ListMoveTest, LmpopAnnouncesLikeAPop) {
  h.run({"RPUSH", "l", "a", "b"});
  EventLog events(h);
  h.run({"LMPOP", "1", "l", "RIGHT"});
  h.run({"LMPOP", "1", "l", "LEFT", "COUNT", "9"});
  EXPECT_EQ(events.take(), (Events{"rpop l", "lpop l", "del l"}));
}

}  // namespace
}  // namespace mini_redis::testing
