// Workshop step 7 (extension): DEL and EXISTS, and how they count.
//
// What you wrote: the loop bodies of delete_keys (DEL, UNLINK) and
// exists_command in workshop/src/commands/keys/key_commands.cpp. Both take many keys
// and answer a number, but they count differently, as Redis does:
//   DEL    counts the keys it really removed: a missing or expired key counts
//          0, and `DEL k k` removes k once, so it counts 1;
//   EXISTS counts each key named that exists now: `EXISTS k k` is 2.
// A CommandHarness runs each command as the server would, minus the socket;
// the clock is a ManualClock, so time passes only when a test says so.
#include <gtest/gtest.h>

#include <string>

#include "support/command_harness.h"
#include "support/step_support.h"

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

// ---- DEL ------------------------------------------------------------------------------

TEST(Step7Del, DelRemovesAKeyAndAnswersOne) {
  CommandHarness h;
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"DEL", "k"}), ":1\r\n") << "DEL of an existing key removes it and answers 1";
  EXPECT_EQ(h.run({"GET", "k"}), "$-1\r\n") << "after DEL the key must be gone";
}

TEST(Step7Del, DelOfAMissingKeyAnswersZero) {
  CommandHarness h;
  EXPECT_EQ(h.run({"DEL", "nobody"}), ":0\r\n")
      << "count a key only when erase() answers true: nothing was removed here";
}

TEST(Step7Del, DelCountsOnlyTheKeysItRemoved) {
  CommandHarness h;
  h.run({"SET", "a", "1"});
  h.run({"SET", "c", "3"});
  EXPECT_EQ(h.run({"DEL", "a", "missing", "c"}), ":2\r\n")
      << "a and c are removed, `missing` is not there: 2. A missing key in the middle must "
         "not stop the loop (`continue`, not `break` or `return`)";
  EXPECT_EQ(h.run({"GET", "c"}), "$-1\r\n") << "the key after the missing one is removed too";
}

TEST(Step7Del, ARepeatedKeyIsRemovedAndCountedOnce) {
  CommandHarness h;
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"DEL", "k", "k"}), ":1\r\n")
      << "DEL k k: the first k removes the key, the second finds nothing to remove: 1";
}

TEST(Step7Del, AnExpiredKeyIsNotCounted) {
  CommandHarness h;
  h.run({"SET", "k", "v", "PX", "100"});
  h.clock.advance(101);
  EXPECT_EQ(h.run({"DEL", "k"}), ":0\r\n")
      << "a key past its time is already gone for Redis: DEL counts 0 (erase answers false)";
}

TEST(Step7Del, UnlinkCountsLikeDel) {
  CommandHarness h;
  h.run({"SET", "a", "1"});
  h.run({"SET", "b", "2", "PX", "10"});
  h.clock.advance(11);
  EXPECT_EQ(h.run({"UNLINK", "a", "a", "b", "nobody"}), ":1\r\n")
      << "UNLINK (lazily = true) counts as DEL does: only a, once";
  EXPECT_EQ(h.run({"EXISTS", "a"}), ":0\r\n");
}

TEST(Step7Del, EachRemovedKeyIsAnnouncedAsADelEvent) {
  CommandHarness h;
  commands::ClientState& listener = h.add_client();
  h.run({"CONFIG", "SET", "notify-keyspace-events", "Eg"});
  h.run_as(listener, {"SUBSCRIBE", "__keyevent@0__:del"});
  h.output_of(listener);  // the subscribe confirmation
  h.run({"SET", "a", "1"});
  h.run({"DEL", "a", "missing"});
  EXPECT_EQ(h.output_of(listener),
            "*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:del\r\n$1\r\na\r\n")
      << "each key removed is announced once with notify_keyspace_event(ctx, notify::kGeneric, "
         "\"del\", key); a missing key is not";
}

// ---- EXISTS ---------------------------------------------------------------------------

TEST(Step7Exists, ExistsCountsTheKeysThatExist) {
  CommandHarness h;
  h.run({"SET", "a", "1"});
  h.run({"SET", "b", "2"});
  EXPECT_EQ(h.run({"EXISTS", "nobody"}), ":0\r\n");
  EXPECT_EQ(h.run({"EXISTS", "a", "nobody", "b"}), ":2\r\n")
      << "EXISTS answers how many of the keys exist (a number, not 0 or 1)";
}

TEST(Step7Exists, ARepeatedKeyIsCountedEachTime) {
  CommandHarness h;
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"EXISTS", "k", "k", "k"}), ":3\r\n")
      << "unlike DEL, EXISTS counts a key every time it is named: EXISTS k k k is 3";
}

TEST(Step7Exists, AnExpiredKeyDoesNotExist) {
  CommandHarness h;
  h.run({"SET", "k", "v", "PX", "100"});
  h.clock.advance(100);
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":1\r\n") << "alive up to and including its expire time";
  h.clock.advance(1);
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n") << "one millisecond later it no longer exists";
}

TEST(Step7Exists, ExistsLeavesTheAccessTimeAlone) {
  CommandHarness h;
  h.run({"SET", "k", "v"});
  h.clock.advance(10'000);
  h.run({"EXISTS", "k"});
  EXPECT_EQ(h.run({"OBJECT", "IDLETIME", "k"}), ":10\r\n")
      << "EXISTS only asks: use lookup_without_touching, not lookup_for_read (which touches "
         "the key and resets OBJECT IDLETIME to 0)";
}

TEST(Step7Exists, ExistsCountsKeyspaceHitsAndMisses) {
  CommandHarness h;
  h.run({"SET", "k", "v"});
  const storage::KeyspaceStats before = h.keyspace.stats();
  h.run({"EXISTS", "k", "nobody"});
  EXPECT_EQ(h.keyspace.stats().keyspace_hits - before.keyspace_hits, 1U)
      << "EXISTS is a read: a found key is a keyspace hit (INFO stats). lookup_without_touching "
         "counts it; lookup_quietly does not";
  EXPECT_EQ(h.keyspace.stats().keyspace_misses - before.keyspace_misses, 1U)
      << "and a missing key is a keyspace miss";
}

}  // namespace
}  // namespace mini_redis::commands
