// Keyspace notifications: the notify-keyspace-events setting and the
// messages each command publishes. Every expected event list is what Redis
// 7.0.15 publishes for the same commands (checked against the real server;
// tests/diff/cases/notifications.txt compares the same on the wire).
#include "commands/core/notifications.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/active_expiry.h"
#include "unit/support/command_harness.h"

namespace mini_redis::commands {
namespace {

using config::format_notify_flags;
using config::parse_notify_flags;
using testing::CommandHarness;

// A harness with one subscriber listening to every notification channel.
class Notifications : public ::testing::Test {
 protected:
  void SetUp() override { h.run_as(subscriber, {"PSUBSCRIBE", "__key*__:*"}); }

  void enable(const std::string& letters) {
    ASSERT_EQ(h.run({"CONFIG", "SET", "notify-keyspace-events", letters}), "+OK\r\n");
  }

  // What the subscriber received since the last call, as "channel message"
  // lines (each frame is a RESP2 pmessage: pattern, channel, message).
  std::vector<std::string> events() {
    std::vector<std::string> found;
    const std::string bytes = h.output_of(subscriber);
    std::vector<std::string> words;
    std::size_t at = 0;
    while (at < bytes.size()) {
      const std::size_t line_end = bytes.find("\r\n", at);
      const std::string line = bytes.substr(at, line_end - at);
      at = line_end + 2;
      if (line[0] != '$') continue;
      const std::size_t length = std::stoul(line.substr(1));
      words.push_back(bytes.substr(at, length));
      at += length + 2;
    }
    for (std::size_t i = 0; i + 3 < words.size(); i += 4) {
      EXPECT_EQ(words[i], "pmessage");
      found.push_back(words[i + 2] + " " + words[i + 3]);
    }
    return found;
  }

  // The keyspace and keyevent pair Redis sends for one event on db 0.
  static std::vector<std::string> pair(const std::string& event, const std::string& key,
                                       int db = 0) {
    const std::string at = "@" + std::to_string(db) + "__:";
    return {"__keyspace" + at + key + " " + event, "__keyevent" + at + event + " " + key};
  }
  static std::vector<std::string> pairs(
      std::initializer_list<std::pair<std::string, std::string>> list) {
    std::vector<std::string> all;
    for (const auto& [event, key] : list) {
      for (std::string& line : pair(event, key)) all.push_back(std::move(line));
    }
    return all;
  }

  CommandHarness h;
  ClientState& subscriber = h.add_client();
};

// ---- the setting ------------------------------------------------------------------

TEST(NotifyFlags, ConfigGetAnswersRedisNormalForm) {
  CommandHarness h;
  const std::vector<std::pair<std::string, std::string>> cases = {{"KEA", "AKE"},
                                                                  {"Ex", "xE"},
                                                                  {"A", "A"},
                                                                  {"", ""},
                                                                  {"gn", "gn"},
                                                                  {"En", "nE"},
                                                                  {"dmK", "dKm"},
                                                                  {"ggg", "g"},
                                                                  {"AnmKE", "AKEm"},
                                                                  {"ndtexzhsl$g", "A"},
                                                                  {"ndtexzhsl", "lshzxetdn"}};
  for (const auto& [set, shown] : cases) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "notify-keyspace-events", set}), "+OK\r\n");
    EXPECT_EQ(h.run({"CONFIG", "GET", "notify-keyspace-events"}),
              "*2\r\n$22\r\nnotify-keyspace-events\r\n$" + std::to_string(shown.size()) + "\r\n" +
                  shown + "\r\n")
        << set;
  }
}

TEST(NotifyFlags, AHidesNewInConfigGetButKeepsIt) {
  // Redis writes "n" only when it does not write "A".
  EXPECT_EQ(format_notify_flags(*parse_notify_flags("AKEn")), "AKE");
  EXPECT_NE(*parse_notify_flags("AKEn") & notify::kNew, 0U);
}

TEST(NotifyFlags, AnUnknownLetterIsRefusedAndChangesNothing) {
  CommandHarness h;
  h.run({"CONFIG", "SET", "notify-keyspace-events", "Kg"});
  for (const char* bad : {"a", "k", "KQ", "A n", "KEA "}) {
    EXPECT_EQ(h.run({"CONFIG", "SET", "notify-keyspace-events", bad}),
              "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - "
              "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n");
  }
  EXPECT_EQ(format_notify_flags(h.config.notify_keyspace_events), "gK");
}

TEST(NotifyFlags, TheConfigFileReadsTheSameLettersWithTheSameError) {
  Config config;
  EXPECT_EQ(set_config_value(config, "notify-keyspace-events", "KEx", /*at_startup=*/true),
            std::nullopt);
  EXPECT_EQ(config.notify_keyspace_events,
            notify::kKeyspace | notify::kKeyevent | notify::kExpired);
  // The reason alone, as redis-server prints it under the bad line.
  EXPECT_EQ(set_config_value(config, "notify-keyspace-events", "KQ", /*at_startup=*/true),
            "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
}

TEST(NotifyFlags, OffByDefault) {
  CommandHarness h;
  EXPECT_EQ(h.config.notify_keyspace_events, 0U);
  EXPECT_EQ(h.run({"CONFIG", "GET", "notify-keyspace-events"}),
            "*2\r\n$22\r\nnotify-keyspace-events\r\n$0\r\n\r\n");
}

// ---- which channels ----------------------------------------------------------------

TEST_F(Notifications, NothingIsPublishedByDefault) {
  h.run({"SET", "k", "v"});
  h.run({"DEL", "k"});
  EXPECT_EQ(h.output_of(subscriber), "");
}

TEST_F(Notifications, KOrEAloneWithoutAClassPublishesNothing) {
  enable("KE");
  h.run({"SET", "k", "v"});
  EXPECT_TRUE(events().empty());
}

TEST_F(Notifications, KAndEChooseTheChannels) {
  enable("K$");
  h.run({"SET", "k", "v"});
  EXPECT_EQ(events(), std::vector<std::string>{"__keyspace@0__:k set"});
  enable("E$");
  h.run({"SET", "k", "v"});
  EXPECT_EQ(events(), std::vector<std::string>{"__keyevent@0__:set k"});
}

TEST_F(Notifications, TheFrameIsAPmessageAndAChannelSubscriberGetsAMessage) {
  ClientState& exact = h.add_client();
  h.run_as(exact, {"SUBSCRIBE", "__keyevent@0__:del"});
  enable("Eg");
  h.run({"SET", "k", "v"});
  h.run({"DEL", "k"});
  EXPECT_EQ(h.output_of(exact), "*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:del\r\n$1\r\nk\r\n");
  EXPECT_EQ(
      h.output_of(subscriber),
      "*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$18\r\n__keyevent@0__:del\r\n$1\r\nk\r\n");
}

TEST_F(Notifications, OnlyTheNamedClassesArePublished) {
  enable("Kg");  // generic, not string
  h.run({"SET", "k", "v"});
  h.run({"EXPIRE", "k", "100"});
  EXPECT_EQ(events(), std::vector<std::string>{"__keyspace@0__:k expire"});
}

// ---- strings ------------------------------------------------------------------------

TEST_F(Notifications, SetAnnouncesNewThenSetThenExpire) {
  enable("KEAn");
  h.run({"SET", "k", "v", "EX", "100"});
  EXPECT_EQ(events(), pairs({{"new", "k"}, {"set", "k"}, {"expire", "k"}}));
  h.run({"SET", "k", "v2", "KEEPTTL"});
  EXPECT_EQ(events(), pair("set", "k"));
}

TEST_F(Notifications, ConditionalSetsThatDoNotWriteAnnounceNothing) {
  enable("KEA");
  h.run({"SET", "k", "v"});
  events();
  h.run({"SET", "k", "v", "NX"});
  h.run({"SET", "absent", "v", "XX"});
  h.run({"SETNX", "k", "v"});
  h.run({"MSETNX", "k", "1", "other", "2"});
  EXPECT_TRUE(events().empty());
}

TEST_F(Notifications, SetexPsetexMsetAndGetset) {
  enable("KEA");
  h.run({"SETEX", "a", "100", "v"});
  EXPECT_EQ(events(), pairs({{"set", "a"}, {"expire", "a"}}));
  h.run({"PSETEX", "a", "100000", "v"});
  EXPECT_EQ(events(), pairs({{"set", "a"}, {"expire", "a"}}));
  h.run({"MSET", "a", "1", "b", "2"});
  EXPECT_EQ(events(), pairs({{"set", "a"}, {"set", "b"}}));
  h.run({"GETSET", "a", "3"});
  EXPECT_EQ(events(), pair("set", "a"));
}

TEST_F(Notifications, MsetnxAlternatesNewAndSetKeyByKey) {
  enable("KEAn");
  h.run({"MSETNX", "x", "1", "y", "2"});
  EXPECT_EQ(events(), pairs({{"new", "x"}, {"set", "x"}, {"new", "y"}, {"set", "y"}}));
}

TEST_F(Notifications, CountersAppendAndSetrange) {
  enable("KEA");
  for (const char* command : {"INCR", "DECR"}) h.run({command, "n"});
  h.run({"INCRBY", "n", "5"});
  h.run({"DECRBY", "n", "2"});
  EXPECT_EQ(events(), pairs({{"incrby", "n"}, {"incrby", "n"}, {"incrby", "n"}, {"incrby", "n"}}));
  h.run({"INCRBYFLOAT", "f", "1.5"});
  h.run({"APPEND", "s", "x"});
  h.run({"SETRANGE", "s", "3", "y"});
  EXPECT_EQ(events(), pairs({{"incrbyfloat", "f"}, {"append", "s"}, {"setrange", "s"}}));
  // An empty SETRANGE writes nothing, and a failed INCR neither.
  h.run({"SETRANGE", "s", "0", ""});
  h.run({"INCR", "s"});
  EXPECT_TRUE(events().empty());
}

TEST_F(Notifications, GetdelAndGetexOptions) {
  enable("KEA");
  h.run({"SET", "k", "v"});
  events();
  h.run({"GETEX", "k", "EX", "100"});
  h.run({"GETEX", "k", "PERSIST"});
  h.run({"GETEX", "k", "PERSIST"});  // no TTL left: nothing to announce
  h.run({"GETEX", "k"});
  EXPECT_EQ(events(), pairs({{"expire", "k"}, {"persist", "k"}}));
  h.run({"GETEX", "k", "PXAT", "1"});  // in the past: deleted
  EXPECT_EQ(events(), pair("del", "k"));
  h.run({"SET", "k", "v"});
  h.run({"GETDEL", "k"});
  EXPECT_EQ(events(), pairs({{"set", "k"}, {"del", "k"}}));
}

// ---- generic commands ----------------------------------------------------------------

TEST_F(Notifications, DelAndUnlinkAnnounceOnlyTheKeysTheyRemoved) {
  enable("KEA");
  h.run({"MSET", "a", "1", "b", "2"});
  events();
  h.run({"DEL", "a", "missing", "b"});
  EXPECT_EQ(events(), pairs({{"del", "a"}, {"del", "b"}}));
  h.run({"SET", "a", "1"});
  h.run({"UNLINK", "a"});
  EXPECT_EQ(events(), pairs({{"set", "a"}, {"del", "a"}}));
}

TEST_F(Notifications, ExpireFamilyPersistAndATimeInThePast) {
  enable("KEA");
  h.run({"SET", "k", "v"});
  events();
  h.run({"EXPIRE", "k", "100"});
  h.run({"PEXPIRE", "k", "100000"});
  h.run({"EXPIREAT", "k", "99999999999"});
  h.run({"PEXPIREAT", "k", "99999999999999"});
  h.run({"EXPIRE", "k", "5", "GT"});  // refused by its condition: no event
  h.run({"PERSIST", "k"});
  h.run({"PERSIST", "k"});
  EXPECT_EQ(
      events(),
      pairs(
          {{"expire", "k"}, {"expire", "k"}, {"expire", "k"}, {"expire", "k"}, {"persist", "k"}}));
  h.run({"EXPIRE", "k", "-1"});
  EXPECT_EQ(events(), pair("del", "k"));
}

TEST_F(Notifications, RenameDeletesAndAddsTheDestinationSoItIsAlwaysNew) {
  enable("KEAn");
  h.run({"MSET", "a", "1", "b", "2"});
  events();
  h.run({"RENAME", "a", "b"});
  EXPECT_EQ(events(), pairs({{"new", "b"}, {"rename_from", "a"}, {"rename_to", "b"}}));
  h.run({"RENAMENX", "b", "c"});
  EXPECT_EQ(events(), pairs({{"new", "c"}, {"rename_from", "b"}, {"rename_to", "c"}}));
  h.run({"RENAME", "c", "c"});
  EXPECT_TRUE(events().empty());
}

TEST_F(Notifications, CopyAndMoveNameTheDatabaseOfEachSide) {
  enable("KEAn");
  h.run({"SET", "a", "1"});
  events();
  h.run({"COPY", "a", "b", "DB", "3"});
  EXPECT_EQ(events(),
            (std::vector<std::string>{"__keyspace@3__:b new", "__keyevent@3__:new b",
                                      "__keyspace@3__:b copy_to", "__keyevent@3__:copy_to b"}));
  h.run({"SET", "b", "1"});
  events();
  h.run({"COPY", "a", "b", "REPLACE"});
  EXPECT_EQ(events(), pairs({{"new", "b"}, {"copy_to", "b"}}));
  h.run({"MOVE", "a", "5"});
  EXPECT_EQ(events(),
            (std::vector<std::string>{"__keyspace@5__:a new", "__keyevent@5__:new a",
                                      "__keyspace@0__:a move_from", "__keyevent@0__:move_from a",
                                      "__keyspace@5__:a move_to", "__keyevent@5__:move_to a"}));
}

TEST_F(Notifications, FlushAndSwapdbAnnounceNothing) {
  enable("KEAnm");
  h.run({"SET", "a", "1"});
  events();
  h.run({"SWAPDB", "0", "1"});
  h.run({"FLUSHDB"});
  h.run({"FLUSHALL"});
  EXPECT_TRUE(events().empty());
}

// ---- key misses ----------------------------------------------------------------------

TEST_F(Notifications, EveryReadOfAMissingKeyIsAKeymiss) {
  enable("Km");
  for (std::vector<std::string> read : std::vector<std::vector<std::string>>{
           {"GET", "x"},
           {"STRLEN", "x"},
           {"GETRANGE", "x", "0", "1"},
           {"EXISTS", "x"},
           {"TYPE", "x"},
           {"TTL", "x"},
           {"PEXPIRETIME", "x"},
           {"GETDEL", "x"},
           {"GETEX", "x"},
           {"TOUCH", "x"},
           {"COPY", "x", "y"},
           {"GETSET", "x", "1"},
       }) {
    h.run({"DEL", "x"});
    h.run(read);
    EXPECT_EQ(events(), std::vector<std::string>{"__keyspace@0__:x keymiss"}) << read[0];
  }
  h.run({"MGET", "p", "q"});
  h.run({"LCS", "r", "s"});
  EXPECT_EQ(events(),
            (std::vector<std::string>{"__keyspace@0__:p keymiss", "__keyspace@0__:q keymiss",
                                      "__keyspace@0__:r keymiss", "__keyspace@0__:s keymiss"}));
}

TEST_F(Notifications, WritesAndIntrospectionOfAMissingKeyAreNoKeymiss) {
  enable("Km");
  h.run({"SETRANGE", "x", "0", ""});
  h.run({"PERSIST", "x"});
  h.run({"EXPIRE", "x", "10"});
  h.run({"RENAME", "x", "y"});
  h.run({"OBJECT", "ENCODING", "x"});
  EXPECT_TRUE(events().empty());
}

// ---- expiry --------------------------------------------------------------------------

TEST_F(Notifications, PassiveExpiryAnnouncesExpiredBeforeTheReadMisses) {
  enable("KEAm");
  h.run({"SET", "k", "v", "PX", "100"});
  events();
  h.clock.advance(101);
  h.run({"GET", "k"});
  EXPECT_EQ(events(), pairs({{"expired", "k"}, {"keymiss", "k"}}));
}

TEST_F(Notifications, AWriteToAnExpiredKeyFindsItGoneThenAddsItAnew) {
  enable("KEAn");
  h.run({"SET", "k", "v", "PX", "100"});
  events();
  h.clock.advance(101);
  h.run({"INCR", "k"});
  EXPECT_EQ(events(), pairs({{"expired", "k"}, {"new", "k"}, {"incrby", "k"}}));
}

TEST_F(Notifications, ActiveExpiryAnnouncesExpiredWithNoCommandRunning) {
  enable("Ex");
  h.run({"SELECT", "2"});
  h.run({"SET", "k", "v", "PX", "100"});
  h.clock.advance(101);
  storage::ActiveExpiryCycle cycle;
  cycle.run(h.keyspace, 10, [] { return std::chrono::microseconds(0); });
  EXPECT_EQ(events(), std::vector<std::string>{"__keyevent@2__:expired k"});
  EXPECT_EQ(h.keyspace.stats().expired_keys, 1U);
}

TEST_F(Notifications, AfterSwapdbAnExpiredKeyIsReportedInItsNewDatabase) {
  enable("Kx");
  h.run({"SELECT", "1"});
  h.run({"SET", "k", "v", "PX", "100"});
  h.run({"SWAPDB", "0", "1"});
  h.clock.advance(101);
  h.run({"SELECT", "0"});
  h.run({"GET", "k"});
  EXPECT_EQ(events(), std::vector<std::string>{"__keyspace@0__:k expired"});
}

}  // namespace
}  // namespace mini_redis::commands
