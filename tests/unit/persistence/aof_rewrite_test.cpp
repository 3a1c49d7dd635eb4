// The dataset as commands (aof-use-rdb-preamble no): read back with the
// AOF reader, the commands must name every live key with its value and TTL,
// in batches of at most 64 elements. That replaying them rebuilds the same
// data is checked with real servers in tests/e2e/test_aof.py.
#include "persistence/aof_rewrite.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "persistence/aof_format.h"
#include "storage/keyspace.h"
#include "types/hash.h"
#include "types/quicklist.h"
#include "types/set.h"
#include "types/sorted_set.h"
#include "types/stream.h"
#include "types/stream_group.h"

namespace mini_redis::persistence {
namespace {

using Command = std::vector<std::string>;

class AofRewriteTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kNow = 1'700'000'000'000;
  storage::ManualClock clock{kNow};
  storage::Keyspace keyspace{clock};
  storage::Database& db = keyspace.db(0);

  std::vector<Command> rewrite(std::vector<std::string> libraries = {}) {
    std::string file;
    std::string error;
    const bool ok = write_aof_commands(keyspace, kNow, libraries,
                                       [&file](std::string_view chunk) {
                                         file.append(chunk);
                                         return true;
                                       },
                                       error);
    EXPECT_TRUE(ok) << error;
    std::vector<Command> commands;
    AofCommandReader reader(file);
    std::vector<std::string_view> argv;
    AofCommandReader::Status status;
    while ((status = reader.next(argv)) == AofCommandReader::Status::command) {
      commands.emplace_back(argv.begin(), argv.end());
    }
    EXPECT_EQ(status, AofCommandReader::Status::end);
    return commands;
  }
};

TEST_F(AofRewriteTest, EmptyKeyspaceWritesNothing) { EXPECT_TRUE(rewrite().empty()); }

TEST_F(AofRewriteTest, StringsWithTheirAbsoluteExpireTimes) {
  db.set("plain", "v");
  db.set_expire_at(db.set("ttl", "w"), kNow + 5000);
  db.set_expire_at(db.set("dead", "x"), kNow - 1);  // past: not written
  const auto commands = rewrite();
  ASSERT_EQ(commands.size(), 4U);
  EXPECT_EQ(commands[0], (Command{"SELECT", "0"}));
  // Bucket order: find each key's command rather than assume an order.
  std::vector<Command> rest(commands.begin() + 1, commands.end());
  EXPECT_NE(std::find(rest.begin(), rest.end(), Command{"SET", "plain", "v"}), rest.end());
  const auto ttl = std::find(rest.begin(), rest.end(), Command{"SET", "ttl", "w"});
  ASSERT_NE(ttl, rest.end());
  ASSERT_NE(ttl + 1, rest.end());
  EXPECT_EQ(*(ttl + 1), (Command{"PEXPIREAT", "ttl", std::to_string(kNow + 5000)}));
}

TEST_F(AofRewriteTest, ListsGoOutInBatchesOf64InOrder) {
  types::Quicklist& list = db.add("l", types::Quicklist(types::Quicklist::kDefaultFill, 0));
  for (int i = 0; i < 130; ++i) list.push_back(i % 2 == 0 ? std::to_string(i) : "e" + std::to_string(i));
  const auto commands = rewrite();
  ASSERT_EQ(commands.size(), 4U);  // SELECT, then 64 + 64 + 2
  std::vector<std::string> elements;
  const std::size_t sizes[] = {64, 64, 2};
  for (int c = 0; c < 3; ++c) {
    const Command& rpush = commands[1 + c];
    ASSERT_EQ(rpush.size(), 2 + sizes[c]);
    EXPECT_EQ(rpush[0], "RPUSH");
    EXPECT_EQ(rpush[1], "l");
    elements.insert(elements.end(), rpush.begin() + 2, rpush.end());
  }
  ASSERT_EQ(elements.size(), 130U);
  for (int i = 0; i < 130; ++i) {
    EXPECT_EQ(elements[i], i % 2 == 0 ? std::to_string(i) : "e" + std::to_string(i));
  }
}

TEST_F(AofRewriteTest, HashesSetsAndSortedSetsKeepEveryMember) {
  types::Hash& hash = db.add("h", types::Hash{});
  for (int i = 0; i < 70; ++i) hash.set("f" + std::to_string(i), "v" + std::to_string(i), {});
  types::Set& set = db.add("s", types::Set{});
  for (int i = 0; i < 3; ++i) set.add(std::to_string(i * 1000), types::SetLimits{});
  types::SortedSet& zset = db.add("z", types::SortedSet{});
  zset.insert("third", 0.1, {});
  zset.insert("inf", std::numeric_limits<double>::infinity(), {});
  const auto commands = rewrite();

  std::size_t hash_pairs = 0;
  std::vector<std::string> members;
  std::vector<std::pair<std::string, std::string>> scored;
  for (const Command& command : commands) {
    if (command[0] == "HMSET") {
      ASSERT_EQ(command.size() % 2, 0U);
      EXPECT_LE((command.size() - 2) / 2, 64U);
      for (std::size_t i = 2; i < command.size(); i += 2) {
        EXPECT_EQ(command[i].substr(1), command[i + 1].substr(1));  // fN -> vN
        ++hash_pairs;
      }
    } else if (command[0] == "SADD") {
      members.insert(members.end(), command.begin() + 2, command.end());
    } else if (command[0] == "ZADD") {
      for (std::size_t i = 2; i < command.size(); i += 2) scored.emplace_back(command[i], command[i + 1]);
    }
  }
  EXPECT_EQ(hash_pairs, 70U);
  std::sort(members.begin(), members.end());
  EXPECT_EQ(members, (std::vector<std::string>{"0", "1000", "2000"}));
  // %.17g: 0.1 needs all 17 digits to come back as the same double.
  EXPECT_EQ(scored, (std::vector<std::pair<std::string, std::string>>{{"0.10000000000000001", "third"},
                                                                       {"inf", "inf"}}));
}

TEST_F(AofRewriteTest, LibrariesComeFirstAndEachDatabaseIsSelected) {
  keyspace.db(3).set("k", "v");
  const auto commands = rewrite({"#!lua name=lib\nredis.register_function('f', function() end)"});
  ASSERT_EQ(commands.size(), 3U);
  EXPECT_EQ(commands[0][0], "FUNCTION");
  EXPECT_EQ(commands[0][1], "LOAD");
  EXPECT_EQ(commands[1], (Command{"SELECT", "3"}));
  EXPECT_EQ(commands[2], (Command{"SET", "k", "v"}));
}


// Redis 7.0.15's rewriteStreamObject, checked against its base AOF for the
// same stream: one XADD per live entry, XSETID with the counters, then per
// group XGROUP CREATE, an XCLAIM ... JUSTID FORCE per pending entry, and
// XGROUP CREATECONSUMER only for a consumer with nothing pending.
TEST_F(AofRewriteTest, StreamsAreEntriesThenCountersThenGroups) {
  types::Stream& stream = db.add("s", types::Stream{});
  const std::array<std::string_view, 4> ab{"a", "1", "b", "2"};
  const std::array<std::string_view, 2> c{"c", "5"};
  stream.append({1, 1}, ab, {});
  stream.append({1, 2}, ab, {});
  stream.append({2, 0}, c, {});
  stream.erase({1, 2});
  types::ConsumerGroup* group = stream.ensure_groups().create("g1", {1, 1}, -1);
  bool created = false;
  types::Consumer& alice = group->find_or_create_consumer("alice", kNow, created);
  group->deliver_new({1, 1}, alice, kNow - 5);
  group->find_or_create_consumer("bob", kNow, created);
  stream.ensure_groups().create("g2", {2, 0}, 3);
  const auto commands = rewrite();
  ASSERT_EQ(commands.size(), 8U);
  EXPECT_EQ(commands[1], (Command{"XADD", "s", "1-1", "a", "1", "b", "2"}));
  EXPECT_EQ(commands[2], (Command{"XADD", "s", "2-0", "c", "5"}));
  EXPECT_EQ(commands[3],
            (Command{"XSETID", "s", "2-0", "ENTRIESADDED", "3", "MAXDELETEDID", "1-2"}));
  EXPECT_EQ(commands[4], (Command{"XGROUP", "CREATE", "s", "g1", "1-1", "ENTRIESREAD", "-1"}));
  EXPECT_EQ(commands[5], (Command{"XCLAIM", "s", "g1", "alice", "0", "1-1", "TIME",
                                  std::to_string(kNow - 5), "RETRYCOUNT", "1", "JUSTID", "FORCE"}));
  EXPECT_EQ(commands[6], (Command{"XGROUP", "CREATECONSUMER", "s", "g1", "bob"}));
  EXPECT_EQ(commands[7], (Command{"XGROUP", "CREATE", "s", "g2", "2-0", "ENTRIESREAD", "3"}));
}

TEST_F(AofRewriteTest, AnEmptyStreamIsCreatedByXaddMaxlenZero) {
  types::Stream& stream = db.add("e", types::Stream{});
  stream.set_last_id({7, 3});
  stream.set_entries_added(4);
  const auto commands = rewrite();
  ASSERT_EQ(commands.size(), 3U);
  EXPECT_EQ(commands[1], (Command{"XADD", "e", "MAXLEN", "0", "0-1", "x", "y"}));
  EXPECT_EQ(commands[2],
            (Command{"XSETID", "e", "7-3", "ENTRIESADDED", "4", "MAXDELETEDID", "0-0"}));
}

}  // namespace
}  // namespace mini_redis::persistence
