// What reaches the AOF for each kind of write: the effect, not the request.
#include "commands/core/propagation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/support/command_harness.h"

namespace mini_redis {
namespace {

using testing::CommandHarness;

// Records what the AOF would get, one line per command: "db: word word".
class RecordingLog final : public commands::CommandLog {
 public:
  void append(int db_index, std::span<const std::string> argv) override {
    std::string line = std::to_string(db_index) + ":";
    for (const std::string& word : argv) line += " " + word;
    lines.push_back(line);
  }
  std::vector<std::string> take() { return std::exchange(lines, {}); }
  std::vector<std::string> lines;
};

class PropagationTest : public ::testing::Test {
 protected:
  PropagationTest() { h.propagation.attach(&log); }
  std::string at(std::int64_t ms_from_now) { return std::to_string(h.clock.now_ms() + ms_from_now); }

  CommandHarness h;
  RecordingLog log;
};

using Lines = std::vector<std::string>;

TEST_F(PropagationTest, PlainWritesGoAsSentAndNoOpsNotAtAll) {
  h.run({"SET", "k", "v"});
  h.run({"GET", "k"});
  h.run({"DEL", "nosuch"});
  h.run({"SET", "k", "w", "NX"});  // not set: nothing changed
  h.run({"RPUSH", "l", "a", "b"});
  EXPECT_EQ(log.take(), (Lines{"0: SET k v", "0: RPUSH l a b"}));
}

TEST_F(PropagationTest, RelativeExpiriesBecomeAbsolute) {
  h.run({"SET", "a", "1", "EX", "10"});
  h.run({"SETEX", "b", "5", "2"});
  h.run({"PSETEX", "c", "1500", "3"});
  h.run({"EXPIRE", "a", "100"});
  h.run({"PEXPIRE", "b", "100", "GT"});  // 100 ms is not greater than 5 s: no change
  h.run({"GETEX", "c", "PX", "700"});
  h.run({"GETEX", "c", "PERSIST"});
  EXPECT_EQ(log.take(), (Lines{"0: SET a 1 PXAT " + at(10'000), "0: SET b 2 PXAT " + at(5'000),
                               "0: SET c 3 PXAT " + at(1'500), "0: PEXPIREAT a " + at(100'000),
                               "0: PEXPIREAT c " + at(700), "0: PERSIST c"}));
}

TEST_F(PropagationTest, AnExpiryInThePastIsADel) {
  h.run({"SET", "k", "v"});
  log.take();
  h.run({"EXPIRE", "k", "-1"});
  EXPECT_EQ(log.take(), (Lines{"0: DEL k"}));
}

TEST_F(PropagationTest, SpopLogsWhatItPopped) {
  h.run({"SADD", "s", "only"});
  log.take();
  h.run({"SPOP", "s"});
  EXPECT_EQ(log.take(), (Lines{"0: SREM s only"}));
  h.run({"SADD", "t", "1", "2", "3"});
  log.take();
  h.run({"SPOP", "t", "5"});  // the whole set
  EXPECT_EQ(log.take(), (Lines{"0: DEL t"}));
}

TEST_F(PropagationTest, TransactionsAreWrappedAndSelectIsKept) {
  h.run({"MULTI"});
  h.run({"SET", "a", "1"});
  h.run({"SELECT", "3"});
  h.run({"INCR", "b"});
  h.run({"GET", "a"});
  h.run({"EXEC"});
  EXPECT_EQ(log.take(), (Lines{"0: MULTI", "0: SET a 1", "3: INCR b", "3: EXEC"}));
  // One write alone needs no wrapping.
  h.run({"MULTI"});
  h.run({"SET", "c", "1"});
  h.run({"EXEC"});
  EXPECT_EQ(log.take(), (Lines{"3: SET c 1"}));
}

TEST_F(PropagationTest, SwapdbAndFlushallAreLoggedThoughNoKeyEventSaysSo) {
  h.run({"SET", "k", "v"});
  h.run({"SWAPDB", "0", "1"});
  h.run({"FLUSHALL"});
  EXPECT_EQ(log.take(), (Lines{"0: SET k v", "0: SWAPDB 0 1", "0: FLUSHALL"}));
}

TEST_F(PropagationTest, KeysDeletedByExpiryAreDels) {
  h.propagation.key_deleted(2, "gone");
  EXPECT_EQ(log.take(), (Lines{"2: DEL gone"}));
}

TEST_F(PropagationTest, RestoreGetsAnAbsoluteTtl) {
  const std::string payload("\x00\x05hello\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a", 17);
  h.run({"RESTORE", "k", "5000", payload});
  EXPECT_EQ(log.take(), (Lines{"0: RESTORE k " + at(5000) + " " + payload + " ABSTTL"}));
}

TEST_F(PropagationTest, NothingIsKeptWithoutALog) {
  h.propagation.attach(nullptr);
  h.run({"SET", "k", "v"});
  EXPECT_TRUE(log.take().empty());
}

}  // namespace
}  // namespace mini_redis
