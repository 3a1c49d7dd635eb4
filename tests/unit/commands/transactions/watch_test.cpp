// WATCH and UNWATCH: which changes make EXEC answer a null array, from any
// client, through every path a key can change (a command's write, expiry,
// FLUSHDB, FLUSHALL, SWAPDB, RENAME, MOVE), Redis 7.0's rule for keys that
// expire, and the registry's bookkeeping (nothing left behind).
#include <gtest/gtest.h>

#include "commands/core/watched_keys.h"
#include "unit/support/command_harness.h"

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

// What the server's observer does for expired keys: the harness's own only
// publishes notifications, so this one adds the WATCH side.
class ExpiryTouchesWatchers final : public storage::KeyspaceObserver {
 public:
  ExpiryTouchesWatchers(KeyspaceNotifier& notifier, WatchedKeys& watched)
      : notifier_(&notifier), watched_(&watched) {}
  void key_added(int db_index, std::string_view key) override {
    notifier_->key_added(db_index, key);
  }
  void key_expired(int db_index, std::string_view key) override {
    watched_->touch(db_index, key);
    notifier_->key_expired(db_index, key);
  }

 private:
  KeyspaceNotifier* notifier_;
  WatchedKeys* watched_;
};

class WatchTest : public ::testing::Test {
 protected:
  WatchTest() : other(h.add_client()) { h.keyspace.set_observer(&observer); }
  ~WatchTest() override { h.keyspace.set_observer(nullptr); }

  // MULTI, PING, EXEC as the first client: what EXEC answered.
  std::string try_exec() {
    h.run({"MULTI"});
    h.run({"PING"});
    return h.run({"EXEC"});
  }

  CommandHarness h;
  ExpiryTouchesWatchers observer{h.notifier, h.watched_keys};
  ClientState& other;
};

constexpr std::string_view kRan = "*1\r\n+PONG\r\n";
constexpr std::string_view kAborted = "*-1\r\n";

TEST_F(WatchTest, UntouchedKeysLetExecRun) {
  h.run({"SET", "k", "1"});
  EXPECT_EQ(h.run({"WATCH", "k", "absent"}), "+OK\r\n");
  h.run_as(other, {"GET", "k"});       // reads change nothing
  h.run_as(other, {"GET", "absent"});  // nor does a miss (keymiss)
  h.run_as(other, {"SET", "unrelated", "1"});
  EXPECT_EQ(try_exec(), kRan);
}

TEST_F(WatchTest, AnotherClientsWriteAbortsExec) {
  h.run({"WATCH", "k"});
  h.run_as(other, {"SET", "k", "1"});
  EXPECT_EQ(try_exec(), kAborted);
  // EXEC ended the transaction and the watch: the next one runs.
  EXPECT_EQ(try_exec(), kRan);
  EXPECT_EQ(h.watched_keys.watched_count(), 0U);
}

TEST_F(WatchTest, OwnWriteBeforeMultiCountsToo) {
  h.run({"WATCH", "k"});
  h.run({"SET", "k", "1"});
  EXPECT_EQ(try_exec(), kAborted);
}

TEST_F(WatchTest, Resp3AbortAnswersNull) {
  h.run({"HELLO", "3"});
  h.run({"WATCH", "k"});
  h.run_as(other, {"SET", "k", "1"});
  EXPECT_EQ(try_exec(), "_\r\n");
}

TEST_F(WatchTest, WriteBetweenMultiAndExecAbortsExec) {
  h.run({"WATCH", "k"});
  h.run({"MULTI"});
  h.run({"SET", "k", "mine"});
  h.run_as(other, {"LPUSH", "k", "theirs"});
  EXPECT_EQ(h.run({"EXEC"}), kAborted);
  EXPECT_EQ(h.run({"TYPE", "k"}), "+list\r\n");
}

TEST_F(WatchTest, TheTransactionsOwnWritesDoNotAbortIt) {
  h.run({"WATCH", "k"});
  h.run({"MULTI"});
  h.run({"SET", "k", "1"});
  h.run({"INCR", "k"});
  EXPECT_EQ(h.run({"EXEC"}), "*2\r\n+OK\r\n:2\r\n");
}

TEST_F(WatchTest, ItsWritesAbortOtherWatchers) {
  h.run_as(other, {"WATCH", "k"});
  h.run({"MULTI"});
  h.run({"SET", "k", "1"});
  h.run({"EXEC"});
  h.run_as(other, {"MULTI"});
  EXPECT_EQ(h.run_as(other, {"EXEC"}), kAborted);
}

TEST_F(WatchTest, FailedWritesAndNoOpsDoNotAbort) {
  h.run({"SET", "s", "v"});
  h.run({"WATCH", "s", "gone"});
  h.run_as(other, {"LPUSH", "s", "x"});  // WRONGTYPE: nothing changed
  h.run_as(other, {"DEL", "gone"});      // nothing to delete
  h.run_as(other, {"EXPIRE", "gone", "10"});
  EXPECT_EQ(try_exec(), kRan);
}

TEST_F(WatchTest, UnwatchForgetsKeysAndAnEarlierChange) {
  h.run({"WATCH", "k"});
  h.run_as(other, {"SET", "k", "1"});
  EXPECT_EQ(h.run({"UNWATCH"}), "+OK\r\n");
  EXPECT_EQ(try_exec(), kRan);
  h.run({"WATCH", "k"});
  h.run({"UNWATCH"});
  h.run_as(other, {"SET", "k", "2"});
  EXPECT_EQ(try_exec(), kRan);
}

TEST_F(WatchTest, DiscardForgetsTheWatchedKeys) {
  h.run({"WATCH", "k"});
  h.run({"MULTI"});
  h.run({"DISCARD"});
  h.run_as(other, {"SET", "k", "1"});
  EXPECT_EQ(try_exec(), kRan);
}

TEST_F(WatchTest, KeysAreWatchedPerDatabase) {
  h.run({"WATCH", "k"});  // in database 0
  h.run_as(other, {"SELECT", "1"});
  h.run_as(other, {"SET", "k", "1"});
  EXPECT_EQ(try_exec(), kRan);
  h.run({"WATCH", "k"});
  h.run({"SELECT", "1"});  // watching stays with database 0
  h.run_as(other, {"SELECT", "0"});
  h.run_as(other, {"SET", "k", "1"});
  EXPECT_EQ(try_exec(), kAborted);
}

TEST_F(WatchTest, RenameAndMoveTouchBothNames) {
  h.run({"SET", "a", "1"});
  h.run({"WATCH", "b"});
  h.run_as(other, {"RENAME", "a", "b"});
  EXPECT_EQ(try_exec(), kAborted);
  h.run({"WATCH", "b"});
  h.run_as(other, {"RENAME", "b", "c"});
  EXPECT_EQ(try_exec(), kAborted);
  h.run({"WATCH", "c"});
  h.run_as(other, {"MOVE", "c", "5"});
  EXPECT_EQ(try_exec(), kAborted);
  h.run({"SELECT", "5"});
  h.run({"WATCH", "c"});
  h.run_as(other, {"SET", "c2", "x"});
  h.run_as(other, {"MOVE", "c2", "5"});  // arrives in database 5
  EXPECT_EQ(try_exec(), kRan);
  h.run({"WATCH", "c2"});
  h.run_as(other, {"SET", "c2", "x"});
  h.run_as(other, {"MOVE", "c2", "5"});  // c2 exists in 5: nothing moves
  EXPECT_EQ(try_exec(), kRan);
}

TEST_F(WatchTest, FlushTouchesOnlyWatchedKeysThatExist) {
  h.run({"WATCH", "absent"});
  h.run_as(other, {"SET", "x", "1"});
  h.run_as(other, {"FLUSHDB"});
  EXPECT_EQ(try_exec(), kRan);
  h.run({"SET", "k", "1"});
  h.run({"WATCH", "k"});
  h.run_as(other, {"FLUSHDB"});
  EXPECT_EQ(try_exec(), kAborted);
  h.run({"SET", "k", "1"});
  h.run({"WATCH", "k"});
  h.run_as(other, {"SELECT", "2"});
  h.run_as(other, {"FLUSHALL"});
  EXPECT_EQ(try_exec(), kAborted);
}

TEST_F(WatchTest, SwapdbTouchesKeysPresentOnEitherSide) {
  h.run({"WATCH", "k"});
  h.run_as(other, {"SELECT", "1"});
  h.run_as(other, {"SET", "k", "1"});
  h.run_as(other, {"SWAPDB", "0", "1"});  // k appears in database 0
  EXPECT_EQ(try_exec(), kAborted);
  h.run({"WATCH", "nowhere"});
  h.run_as(other, {"SWAPDB", "0", "1"});
  EXPECT_EQ(try_exec(), kRan);
}

TEST_F(WatchTest, KeyThatExpiresBeforeExecCountsAsModified) {
  h.run({"SET", "k", "v", "PX", "100"});
  h.run({"WATCH", "k"});
  h.clock.advance(200);
  // Nothing deleted it: it is still stored, yet EXEC fails (Redis 7.0).
  EXPECT_EQ(try_exec(), kAborted);
  EXPECT_EQ(h.run({"DBSIZE"}), ":1\r\n");
}

TEST_F(WatchTest, KeyThatExpiresAndIsReclaimedCountsAsModified) {
  h.run({"SET", "k", "v", "PX", "100"});
  h.run({"WATCH", "k"});
  h.clock.advance(200);
  h.run_as(other, {"GET", "k"});  // passive expiry deletes it
  EXPECT_EQ(try_exec(), kAborted);
}

TEST_F(WatchTest, KeyAlreadyExpiredWhenWatchedIsNotModifiedByItsDeletion) {
  h.run({"SET", "k", "v", "PX", "100"});
  h.clock.advance(200);
  h.run({"WATCH", "k"});  // does not expire it
  EXPECT_EQ(h.run({"DBSIZE"}), ":1\r\n");
  EXPECT_EQ(try_exec(), kRan);

  h.run({"WATCH", "k"});
  h.run_as(other, {"GET", "k"});  // reclaimed: logically no change
  EXPECT_EQ(try_exec(), kRan);

  h.run({"SET", "k", "v", "PX", "100"});
  h.clock.advance(200);
  h.run({"WATCH", "k"});
  h.run_as(other, {"DEL", "k"});  // expires it first, then finds nothing
  EXPECT_EQ(try_exec(), kRan);

  h.run({"SET", "k", "v", "PX", "100"});
  h.clock.advance(200);
  h.run({"WATCH", "k"});
  h.run_as(other, {"FLUSHDB"});
  EXPECT_EQ(try_exec(), kRan);
}

TEST_F(WatchTest, KeyAlreadyExpiredWhenWatchedIsModifiedByANewValue) {
  h.run({"SET", "k", "v", "PX", "100"});
  h.clock.advance(200);
  h.run({"WATCH", "k"});
  h.run_as(other, {"SET", "k", "new"});
  EXPECT_EQ(try_exec(), kAborted);
}

TEST_F(WatchTest, FlushOfALiveKeyThatExpiredSinceCountsAsModified) {
  h.run({"SET", "k", "v", "PX", "100"});
  h.run({"WATCH", "k"});
  h.clock.advance(200);
  h.run_as(other, {"FLUSHDB"});
  EXPECT_EQ(try_exec(), kAborted);
}

TEST_F(WatchTest, RefusedCommandWinsOverAModifiedKey) {
  h.run({"WATCH", "k"});
  h.run_as(other, {"SET", "k", "1"});
  h.run({"MULTI"});
  h.run({"NOSUCH"});
  EXPECT_EQ(h.run({"EXEC"}), "-EXECABORT Transaction discarded because of previous errors.\r\n");
}

TEST_F(WatchTest, DirtyClientShowsTheDFlagAndStopsWatching) {
  h.run({"WATCH", "k", "j"});
  EXPECT_EQ(h.watched_keys.watched_count(), 2U);
  h.run_as(other, {"SET", "k", "1"});
  EXPECT_TRUE(h.client.transaction.watch_dirty);
  EXPECT_EQ(h.watched_keys.watched_count(), 0U) << "a dirty client's keys cost nothing more";
  const std::string info = h.run({"CLIENT", "INFO"});
  EXPECT_NE(info.find(" flags=d "), std::string::npos) << info;
  EXPECT_EQ(try_exec(), kAborted);
  EXPECT_FALSE(h.client.transaction.watch_dirty);
}

TEST_F(WatchTest, WatchingTwiceWatchesOnce) {
  h.run({"WATCH", "k", "k"});
  h.run({"WATCH", "k"});
  EXPECT_EQ(h.watched_keys.watched_count(), 1U);
  h.run_as(other, {"WATCH", "k"});
  EXPECT_EQ(h.watched_keys.watched_count(), 2U);
  h.run({"UNWATCH"});
  h.run_as(other, {"UNWATCH"});
  EXPECT_EQ(h.watched_keys.watched_count(), 0U);
}

TEST_F(WatchTest, ResetForgetsTheWatchedKeys) {
  h.run({"WATCH", "k"});
  h.run({"RESET"});
  EXPECT_EQ(h.watched_keys.watched_count(), 0U);
  h.run_as(other, {"SET", "k", "1"});
  EXPECT_EQ(try_exec(), kRan);
}

TEST_F(WatchTest, UnwatchAllLeavesNothingForADepartingClient) {
  // What the server does when a client disconnects.
  h.run_as(other, {"WATCH", "a", "b"});
  h.run({"WATCH", "a"});
  h.watched_keys.unwatch_all(other);
  EXPECT_EQ(h.watched_keys.watched_count(), 1U);
  h.run({"SET", "b", "1"});  // other's key, which nobody watches now
  EXPECT_EQ(try_exec(), kRan);
}

}  // namespace
}  // namespace mini_redis::commands
