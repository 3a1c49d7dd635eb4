// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP: the answer at once when a
// list is there, the wait when none is (the client parked, no reply), the
// MULTI-style answer when waiting is not allowed, and the second run the
// server makes once a key got a list (simulated here: the parked command is
// run again for the same client, as the server does). Replies and errors
// were checked against redis-server 7.0.15.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/commands/lists/list_test_helpers.h"

namespace mini_redis::testing {
namespace {

class BlockingListTest : public ::testing::Test {
 protected:
  // Runs the command `who` is parked with again, as the server does when a
  // key it waits on gets a value, and returns its reply.
  std::string run_parked_command(commands::ClientState& who) {
    const std::vector<std::string> command = who.blocked->command;
    return h.run_as(who, command);
  }
  bool exists(const std::string& key) { return h.keyspace.db(0).lookup_quietly(key) != nullptr; }

  CommandHarness h;
};

const std::string kTimeoutNotFloat = "-ERR timeout is not a float or out of range\r\n";
const std::string kTimeoutNegative = "-ERR timeout is negative\r\n";

// ---- answering at once
// ----------------------------------------------------------------------------

TEST_F(BlockingListTest, BlpopServesTheFirstNonEmptyListWithItsKey) {
  h.run({"RPUSH", "b", "1", "2", "3"});
  h.run({"RPUSH", "c", "4"});
  EXPECT_EQ(h.run({"BLPOP", "a", "b", "c", "0"}), array({"b", "1"}));
  EXPECT_EQ(h.run({"BRPOP", "a", "b", "c", "0"}), array({"b", "3"}));
  EXPECT_EQ(h.run({"BLPOP", "a", "b", "c", "1.5"}), array({"b", "2"}));
  EXPECT_FALSE(exists("b"));
  EXPECT_EQ(h.run({"BRPOP", "a", "b", "c", "0"}), array({"c", "4"}));
  EXPECT_EQ(h.client.blocked, nullptr);
}

TEST_F(BlockingListTest, BlpopAnnouncesLikeLpop) {
  h.run({"RPUSH", "l", "a"});
  EventLog events(h);
  h.run({"BLPOP", "l", "0"});
  EXPECT_EQ(events.take(), (Events{"lpop l", "del l"}));
}

TEST_F(BlockingListTest, BlmoveAndBrpoplpushMoveAtOnce) {
  h.run({"RPUSH", "src", "a", "b", "c"});
  EXPECT_EQ(h.run({"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"}), bulk("a"));
  EXPECT_EQ(h.run({"BRPOPLPUSH", "src", "dst", "0"}), bulk("c"));
  EXPECT_EQ(h.run({"LRANGE", "dst", "0", "-1"}), array({"c", "a"}));
}

TEST_F(BlockingListTest, BlmpopPopsAtOnce) {
  h.run({"RPUSH", "b", "1", "2", "3"});
  EXPECT_EQ(h.run({"BLMPOP", "0", "2", "a", "b", "RIGHT", "COUNT", "2"}),
            key_and_elements("b", {"3", "2"}));
}

// ---- errors
// ------------------------------------------------------------------------------------------

TEST_F(BlockingListTest, TimeoutErrorsAsRedisReadsTheTimeout) {
  EXPECT_EQ(h.run({"BLPOP", "l", "x"}), kTimeoutNotFloat);
  EXPECT_EQ(h.run({"BLPOP", "l", " 1"}), kTimeoutNotFloat);
  EXPECT_EQ(h.run({"BLPOP", "l", "nan"}), kTimeoutNotFloat);
  EXPECT_EQ(h.run({"BLPOP", "l", "-1"}), kTimeoutNegative);
  EXPECT_EQ(h.run({"BLPOP", "l", "-0.002"}), kTimeoutNegative);
  // Too big for an int64 of milliseconds: negative, as C's conversion makes it.
  EXPECT_EQ(h.run({"BRPOP", "l", "inf"}), kTimeoutNegative);
  EXPECT_EQ(h.run({"BRPOP", "l", "1e30"}), kTimeoutNegative);
  EXPECT_EQ(h.run({"BRPOP", "l", "9223372036854775.8075"}), kTimeoutNegative);
  EXPECT_EQ(h.client.blocked, nullptr);
}

TEST_F(BlockingListTest, TheTimeoutIsReadBeforeTheKeys) {
  h.run({"SET", "s", "v"});
  EXPECT_EQ(h.run({"BLPOP", "s", "x"}), kTimeoutNotFloat);
  EXPECT_EQ(h.run({"BLPOP", "nope", "s", "0"}), kWrongType);
}

TEST_F(BlockingListTest, BlmpopReadsItsTimeoutAfterEverythingElse) {
  EXPECT_EQ(h.run({"BLMPOP", "x", "0", "l", "LEFT"}), "-ERR numkeys should be greater than 0\r\n");
  EXPECT_EQ(h.run({"BLMPOP", "x", "1", "l", "MIDDLE"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"BLMPOP", "x", "1", "l", "LEFT"}), kTimeoutNotFloat);
}

TEST_F(BlockingListTest, BlmoveReadsItsDirectionsBeforeItsTimeout) {
  EXPECT_EQ(h.run({"BLMOVE", "a", "b", "UP", "LEFT", "x"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"BLMOVE", "a", "b", "LEFT", "LEFT", "x"}), kTimeoutNotFloat);
}

// ---- nothing to serve: the client is parked
// ------------------------------------------------------------

TEST_F(BlockingListTest, NothingToServeParksTheClientWithoutAReply) {
  EXPECT_EQ(h.run({"BLPOP", "a", "b", "1.5"}), "");
  ASSERT_NE(h.client.blocked, nullptr);
  const commands::BlockedState& wait = *h.client.blocked;
  EXPECT_EQ(wait.keys, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(wait.type, storage::ValueType::list);
  EXPECT_EQ(wait.deadline_ms, h.clock.now_ms() + 1500);
  EXPECT_EQ(wait.timeout_reply, commands::TimeoutReply::null_array);
  EXPECT_EQ(wait.command, (std::vector<std::string>{"BLPOP", "a", "b", "1.5"}));
  EXPECT_EQ(h.blocking.waiting_on(0, "b"), (std::vector<commands::ClientState*>{&h.client}));
}

TEST_F(BlockingListTest, TimeoutsAreRoundedUpToAMillisecondAndZeroIsForever) {
  h.run({"BLPOP", "l", "0.0004"});
  ASSERT_NE(h.client.blocked, nullptr);
  EXPECT_EQ(h.client.blocked->deadline_ms, h.clock.now_ms() + 1);
  h.blocking.unblock(h.client);
  // -0.001 s, as a long double a hair above -1 ms, rounds up to 0 ms: Redis
  // then waits forever.
  h.run({"BRPOP", "l", "-0.001"});
  ASSERT_NE(h.client.blocked, nullptr);
  EXPECT_EQ(h.client.blocked->deadline_ms, 0);
  h.blocking.unblock(h.client);
  // A deadline past the end of time wraps in Redis and is never reached.
  h.run({"BLPOP", "l", "9223372036854775"});
  ASSERT_NE(h.client.blocked, nullptr);
  EXPECT_EQ(h.client.blocked->deadline_ms, 0);
}

TEST_F(BlockingListTest, BlmoveWaitsOnItsSourceOnlyAndTimesOutWithANullArray) {
  h.run({"SET", "str", "v"});
  // The destination's type is not looked at until there is something to move.
  EXPECT_EQ(h.run({"BLMOVE", "src", "str", "LEFT", "LEFT", "0"}), "");
  ASSERT_NE(h.client.blocked, nullptr);
  EXPECT_EQ(h.client.blocked->keys, (std::vector<std::string>{"src"}));
  // Redis 7.0.15 answers a timed-out BLMOVE with *-1, like BLPOP.
  EXPECT_EQ(h.client.blocked->timeout_reply, commands::TimeoutReply::null_array);
}

TEST_F(BlockingListTest, BlmpopWaitsOnItsKeys) {
  EXPECT_EQ(h.run({"BLMPOP", "0", "2", "a", "b", "LEFT", "COUNT", "3"}), "");
  ASSERT_NE(h.client.blocked, nullptr);
  EXPECT_EQ(h.client.blocked->keys, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(h.client.blocked->deadline_ms, 0);
}

// ---- where waiting is not allowed (MULTI, scripts)
// -------------------------------------------------------

TEST_F(BlockingListTest, DeniedBlockingAnswersAtOnceWithTheNullOfEachCommand) {
  h.client.deny_blocking = true;
  EXPECT_EQ(h.run({"BLPOP", "l", "0"}), kNullArray);
  EXPECT_EQ(h.run({"BRPOP", "l", "0"}), kNullArray);
  EXPECT_EQ(h.run({"BLMPOP", "0", "1", "l", "LEFT"}), kNullArray);
  // BLMOVE and BRPOPLPUSH answer a null bulk here (but a null array on timeout).
  EXPECT_EQ(h.run({"BLMOVE", "l", "d", "LEFT", "LEFT", "0"}), kNullBulk);
  EXPECT_EQ(h.run({"BRPOPLPUSH", "l", "d", "0"}), kNullBulk);
  EXPECT_EQ(h.client.blocked, nullptr);
  h.client.protocol = protocol::ProtocolVersion::resp3;
  EXPECT_EQ(h.run({"BLPOP", "l", "0"}), "_\r\n");
  EXPECT_EQ(h.run({"BLMOVE", "l", "d", "LEFT", "LEFT", "0"}), "_\r\n");
}

// ---- the second run, once a key got a list
// ---------------------------------------------------------------

TEST_F(BlockingListTest, TheParkedBlpopIsServedByTheNextPush) {
  commands::ClientState& pusher = h.add_client();
  EXPECT_EQ(h.run({"BLPOP", "a", "b", "0"}), "");
  EXPECT_EQ(h.run_as(pusher, {"RPUSH", "b", "x", "y"}), ":2\r\n");
  EXPECT_EQ(run_parked_command(h.client), array({"b", "x"}));
  EXPECT_FALSE(h.client.blocked->still_waiting);
  EXPECT_EQ(h.run({"LRANGE", "b", "0", "-1"}), array({"y"}));
}

TEST_F(BlockingListTest, AClientServedSecondFindsNothingAndKeepsWaiting) {
  commands::ClientState& second = h.add_client();
  commands::ClientState& pusher = h.add_client();
  h.run({"BRPOP", "l", "0"});
  h.run_as(second, {"BRPOP", "l", "0"});
  h.run_as(pusher, {"LPUSH", "l", "only"});

  EXPECT_EQ(run_parked_command(h.client), array({"l", "only"}));
  EXPECT_FALSE(exists("l"));
  EXPECT_EQ(run_parked_command(second), "");
  ASSERT_NE(second.blocked, nullptr);
  EXPECT_TRUE(second.blocked->still_waiting);
  EXPECT_EQ(h.blocking.waiting_on(0, "l").back(), &second);
}

TEST_F(BlockingListTest, TheSecondRunSkipsAKeyThatBecameAnotherType) {
  // Redis serves from the key that got a list and never looks at the others.
  commands::ClientState& pusher = h.add_client();
  h.run({"BLPOP", "a", "b", "0"});
  h.run_as(pusher, {"SET", "a", "string"});
  h.run_as(pusher, {"RPUSH", "b", "x"});
  EXPECT_EQ(run_parked_command(h.client), array({"b", "x"}));
}

TEST_F(BlockingListTest, TheParkedBlmoveMovesOnceTheSourceGetsAList) {
  commands::ClientState& pusher = h.add_client();
  h.run({"BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"});
  h.run_as(pusher, {"RPUSH", "src", "a", "b"});
  EXPECT_EQ(run_parked_command(h.client), bulk("b"));
  EXPECT_EQ(h.run({"LRANGE", "dst", "0", "-1"}), array({"b"}));
}

TEST_F(BlockingListTest, AParkedBlmoveWhoseDestinationBecameAStringGetsWrongtype) {
  // Redis 7.0 answers the waiting client WRONGTYPE and leaves the source whole.
  commands::ClientState& pusher = h.add_client();
  h.run({"BLMOVE", "src", "dst", "LEFT", "LEFT", "0"});
  h.run_as(pusher, {"SET", "dst", "v"});
  h.run_as(pusher, {"RPUSH", "src", "a"});
  EXPECT_EQ(run_parked_command(h.client), kWrongType);
  EXPECT_EQ(h.run({"LRANGE", "src", "0", "-1"}), array({"a"}));
}

TEST_F(BlockingListTest, TheParkedBlmpopPopsItsCount) {
  commands::ClientState& pusher = h.add_client();
  h.run({"BLMPOP", "0", "2", "a", "b", "LEFT", "COUNT", "2"});
  h.run_as(pusher, {"RPUSH", "b", "1", "2", "3"});
  EXPECT_EQ(run_parked_command(h.client), key_and_elements("b", {"1", "2"}));
}

}  // namespace
}  // namespace mini_redis::testing
