// SAVE, BGSAVE, LASTSAVE, the dirty counter and MISCONF, against the fake
// server of command_harness.h (the real fork and files: tests/e2e/test_persistence.py).
#include <gtest/gtest.h>

#include "unit/support/command_harness.h"

namespace mini_redis {
namespace {

using testing::CommandHarness;

TEST(SaveCommand, RepliesOkOrRedissBareError) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SAVE"}), "+OK\r\n");
  EXPECT_EQ(h.server.snapshots_saved, 1);
  h.server.save_succeeds = false;
  EXPECT_EQ(h.run({"SAVE"}), "-ERR\r\n");
}

TEST(SaveCommand, IsRefusedWhileABackgroundSaveRuns) {
  CommandHarness h;
  h.stats.persistence.child_pid = 4242;
  EXPECT_EQ(h.run({"SAVE"}), "-ERR Background save already in progress\r\n");
  EXPECT_EQ(h.server.snapshots_saved, 0);
}

TEST(BgsaveCommand, AnswersWhatTheServerDid) {
  CommandHarness h;
  EXPECT_EQ(h.run({"BGSAVE"}), "+Background saving started\r\n");
  // Another BGSAVE running: an error, SCHEDULE or not (Redis's bgsaveCommand).
  h.stats.persistence.child_pid = 4242;
  EXPECT_EQ(h.run({"BGSAVE"}), "-ERR Background save already in progress\r\n");
  EXPECT_EQ(h.run({"BGSAVE", "schedule"}), "-ERR Background save already in progress\r\n");
  EXPECT_FALSE(h.stats.persistence.bgsave_scheduled);
  // A BGREWRITEAOF child: SCHEDULE waits for it, without it is an error.
  h.stats.persistence.child_pid = -1;
  h.stats.persistence.aof_child_pid = 4343;
  EXPECT_EQ(h.run({"BGSAVE"}),
            "-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
            "SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n");
  EXPECT_EQ(h.run({"BGSAVE", "schedule"}), "+Background saving scheduled\r\n");
  EXPECT_TRUE(h.stats.persistence.bgsave_scheduled);
  h.stats.persistence.aof_child_pid = -1;
  h.server.background_save = commands::BackgroundSave::failed;
  EXPECT_EQ(h.run({"BGSAVE"}), "-ERR\r\n");
  EXPECT_EQ(h.run({"BGSAVE", "now"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"BGSAVE", "schedule", "x"}), "-ERR syntax error\r\n");
}

TEST(LastsaveCommand, IsTheTimeOfTheLastSave) {
  CommandHarness h;
  h.stats.persistence.last_save_unix = 1'699'999'999;
  EXPECT_EQ(h.run({"LASTSAVE"}), ":1699999999\r\n");
}

TEST(DirtyCounter, CountsEffectiveWritesOnly) {
  CommandHarness h;
  h.run({"SET", "a", "1"});
  h.run({"INCR", "a"});
  EXPECT_EQ(h.stats.persistence.dirty, 2u);
  h.run({"GET", "a"});
  h.run({"GET", "missing"});
  h.run({"DEL", "missing"});
  EXPECT_EQ(h.stats.persistence.dirty, 2u);
  h.run({"DEL", "a"});
  EXPECT_EQ(h.stats.persistence.dirty, 3u);
}

TEST(DirtyCounter, FlushallCountsTheKeysAndTellsTheServer) {
  CommandHarness h;
  h.run({"SET", "a", "1"});
  h.run({"SET", "b", "1"});
  h.stats.persistence.dirty = 0;
  EXPECT_EQ(h.run({"FLUSHALL"}), "+OK\r\n");
  EXPECT_EQ(h.server.flushes, 1);
  EXPECT_EQ(h.stats.persistence.dirty, 2u);  // one per key removed, as Redis counts
}

TEST(Misconf, AFailedBgsaveStopsWritesAndPing) {
  CommandHarness h;
  h.run({"SET", "a", "1"});
  h.stats.persistence.last_bgsave_ok = false;
  const std::string misconf =
      "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
      "to disk. Commands that may modify the data set are disabled, because this instance is "
      "configured to report errors during writes if RDB snapshotting fails "
      "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
      "RDB error.\r\n";
  EXPECT_EQ(h.run({"SET", "b", "1"}), misconf);
  EXPECT_EQ(h.run({"PING"}), misconf);
  EXPECT_EQ(h.run({"GET", "a"}), "$1\r\n1\r\n");
  // A transaction with a queued write is refused at EXEC too, and an EXEC
  // refused before it runs aborts the transaction (Redis's execCommandAbort).
  h.stats.persistence.last_bgsave_ok = true;
  EXPECT_EQ(h.run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(h.run({"INCR", "a"}), "+QUEUED\r\n");
  h.stats.persistence.last_bgsave_ok = false;
  EXPECT_EQ(h.run({"EXEC"}), "-EXECABORT Transaction discarded because of: " + misconf.substr(1));

  // Either switch turns the refusal off.
  h.config.stop_writes_on_bgsave_error = false;
  EXPECT_EQ(h.run({"SET", "b", "1"}), "+OK\r\n");
  h.config.stop_writes_on_bgsave_error = true;
  h.config.save = "";
  EXPECT_EQ(h.run({"SET", "b", "2"}), "+OK\r\n");
}

}  // namespace
}  // namespace mini_redis
