// COMMAND, TIME, LASTSAVE, SHUTDOWN, OBJECT and MEMORY, byte for byte.
// Every expected reply below was read from Redis 7.0.15 unless a comment
// says why ours differs.
#include <gtest/gtest.h>

#include <string>

#include "unit/support/command_harness.h"

namespace mini_redis {
namespace {

using testing::CommandHarness;

// ---- COMMAND -------------------------------------------------------------------

TEST(CommandCommand, CountIsTheNumberOfTopLevelCommands) {
  CommandHarness h;
  EXPECT_EQ(h.run({"COMMAND", "COUNT"}), ":" + std::to_string(h.table.size()) + "\r\n");
}

TEST(CommandCommand, WithoutSubcommandDescribesEveryCommand) {
  CommandHarness h;
  const std::string reply = h.run({"COMMAND"});
  EXPECT_TRUE(reply.starts_with("*" + std::to_string(h.table.size()) + "\r\n*10\r\n")) << reply;
  EXPECT_EQ(h.run({"COMMAND", "INFO"}), reply);
}

TEST(CommandCommand, InfoShowsFlagsCategoriesAndTips) {
  CommandHarness h;
  EXPECT_EQ(
      h.run({"COMMAND", "INFO", "time"}),
      "*1\r\n*10\r\n$4\r\ntime\r\n:1\r\n*3\r\n+loading\r\n+stale\r\n+fast\r\n:0\r\n:0\r\n:0\r\n"
      "*1\r\n+@fast\r\n*1\r\n$23\r\nnondeterministic_output\r\n*0\r\n*0\r\n");
}

TEST(CommandCommand, InfoOfASubcommandByItsFullName) {
  CommandHarness h;
  EXPECT_EQ(
      h.run({"COMMAND", "INFO", "command|count"}),
      "*1\r\n*10\r\n$13\r\ncommand|count\r\n:2\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n"
      "*2\r\n+@slow\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n");
}

TEST(CommandCommand, InfoShowsKeySpecifications) {
  CommandHarness h;
  EXPECT_EQ(h.run({"COMMAND", "INFO", "OBJECT|ENCODING"}),
            "*1\r\n*10\r\n$15\r\nobject|encoding\r\n:3\r\n*1\r\n+readonly\r\n:2\r\n:2\r\n:1\r\n"
            "*3\r\n+@keyspace\r\n+@read\r\n+@slow\r\n*1\r\n$23\r\nnondeterministic_output\r\n"
            "*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n"
            "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$"
            "5\r\nindex\r\n:2\r\n"
            "$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n"
            "*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
}

TEST(CommandCommand, InfoOfUnknownNamesIsNil) {
  CommandHarness h;
  EXPECT_EQ(h.run({"COMMAND", "INFO", "nosuch", "object|nosuch"}), "*2\r\n$-1\r\n$-1\r\n");
}

TEST(CommandCommand, InfoInResp3UsesSetsAndNull) {
  CommandHarness h;
  h.client.protocol = protocol::ProtocolVersion::resp3;
  EXPECT_EQ(
      h.run({"COMMAND", "INFO", "time", "nosuch"}),
      "*2\r\n*10\r\n$4\r\ntime\r\n:1\r\n~3\r\n+loading\r\n+stale\r\n+fast\r\n:0\r\n:0\r\n:0\r\n"
      "~1\r\n+@fast\r\n~1\r\n$23\r\nnondeterministic_output\r\n~0\r\n~0\r\n_\r\n");
}

TEST(CommandCommand, InfoListsSubcommandsAsAnArray) {
  CommandHarness h;
  h.client.protocol = protocol::ProtocolVersion::resp3;
  const std::string reply = h.run({"COMMAND", "INFO", "object"});
  // No flags, no keys, "@slow", no tips, no key specs, then five subcommands:
  // Redis 7.0 sends the list of subcommands as an array, not a set.
  EXPECT_TRUE(
      reply.starts_with("*1\r\n*10\r\n$6\r\nobject\r\n:-2\r\n~0\r\n:0\r\n:0\r\n:0\r\n"
                        "~1\r\n+@slow\r\n~0\r\n~0\r\n*5\r\n*10\r\n"))
      << reply;
}

TEST(CommandCommand, DocsIsAMapOfNameToDocumentation) {
  CommandHarness h;
  EXPECT_EQ(h.run({"COMMAND", "DOCS", "time", "nosuch"}),
            "*2\r\n$4\r\ntime\r\n*8\r\n$7\r\nsummary\r\n$30\r\nReturn the current server time\r\n"
            "$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$"
            "4\r\nO(1)\r\n");
  h.client.protocol = protocol::ProtocolVersion::resp3;
  EXPECT_EQ(h.run({"COMMAND", "DOCS", "time"}),
            "%1\r\n$4\r\ntime\r\n%4\r\n$7\r\nsummary\r\n$30\r\nReturn the current server time\r\n"
            "$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$"
            "4\r\nO(1)\r\n");
}

TEST(CommandCommand, DocsLeavesUnknownNamesOut) {
  CommandHarness h;
  EXPECT_EQ(h.run({"COMMAND", "DOCS", "nosuch"}), "*0\r\n");
}

TEST(CommandCommand, DocsOfAContainerNestItsSubcommands) {
  CommandHarness h;
  const std::string reply = h.run({"COMMAND", "DOCS", "object"});
  EXPECT_TRUE(reply.starts_with("*2\r\n$6\r\nobject\r\n*10\r\n$7\r\nsummary\r\n")) << reply;
  EXPECT_NE(reply.find("$11\r\nsubcommands\r\n*10\r\n$15\r\nobject|encoding\r\n*10\r\n"),
            std::string::npos)
      << reply;
}

TEST(CommandCommand, DocsWithoutNamesCoversEveryCommand) {
  CommandHarness h;
  EXPECT_TRUE(
      h.run({"COMMAND", "DOCS"}).starts_with("*" + std::to_string(2 * h.table.size()) + "\r\n"));
}

TEST(CommandCommand, ListFilteredByPatternIncludesSubcommands) {
  CommandHarness h;
  EXPECT_EQ(h.run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "OBJECT|enc*"}),
            "*1\r\n$15\r\nobject|encoding\r\n");
  const std::string memory = h.run({"COMMAND", "LIST", "FILTERBY", "pattern", "memory*"});
  EXPECT_TRUE(memory.starts_with("*7\r\n$6\r\nmemory\r\n")) << memory;
  EXPECT_NE(memory.find("$12\r\nmemory|purge\r\n"), std::string::npos) << memory;
}

TEST(CommandCommand, ListFilteredByAclCategoryNamesItWithoutTheAt) {
  CommandHarness h;
  EXPECT_EQ(h.run({"COMMAND", "LIST", "FILTERBY", "aclcat", "@fast"}), "*0\r\n");
  const std::string reply = h.run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "FAST"});
  EXPECT_NE(reply.find("$4\r\ntime\r\n"), std::string::npos) << reply;
  EXPECT_EQ(reply.find("$4\r\ninfo\r\n"), std::string::npos) << reply;
}

TEST(CommandCommand, ListFilteredByModuleIsEmpty) {
  CommandHarness h;
  EXPECT_EQ(h.run({"COMMAND", "LIST", "FILTERBY", "MODULE", "x"}), "*0\r\n");
}

TEST(CommandCommand, ListCountsCommandsAndSubcommands) {
  CommandHarness h;
  std::size_t names = 0;
  for (const auto& spec : h.table.all()) names += 1 + spec->subcommands.size();
  EXPECT_TRUE(h.run({"COMMAND", "LIST"}).starts_with("*" + std::to_string(names) + "\r\n"));
}

TEST(CommandCommand, ListWithBadFilterIsASyntaxError) {
  CommandHarness h;
  EXPECT_EQ(h.run({"COMMAND", "LIST", "x"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"COMMAND", "LIST", "FILTERBY", "pattern"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"COMMAND", "LIST", "FILTERBY", "foo", "x"}), "-ERR syntax error\r\n");
}

TEST(CommandCommand, GetkeysAppliesTheKeyPositions) {
  CommandHarness h;
  EXPECT_EQ(h.run({"COMMAND", "GETKEYS", "object", "encoding", "k"}), "*1\r\n$1\r\nk\r\n");
  EXPECT_EQ(h.run({"COMMAND", "GETKEYSANDFLAGS", "memory", "usage", "k"}),
            "*1\r\n*2\r\n$1\r\nk\r\n*1\r\n+RO\r\n");
}

TEST(CommandCommand, GetkeysErrors) {
  CommandHarness h;
  EXPECT_EQ(h.run({"COMMAND", "GETKEYS", "nosuch", "a"}), "-ERR Invalid command specified\r\n");
  EXPECT_EQ(h.run({"COMMAND", "GETKEYS", "object", "nosuch"}),
            "-ERR Invalid command specified\r\n");
  EXPECT_EQ(h.run({"COMMAND", "GETKEYS", "time", "a"}),
            "-ERR Invalid number of arguments specified for command\r\n");
  EXPECT_EQ(h.run({"COMMAND", "GETKEYS", "info", "a"}),
            "-ERR The command has no key arguments\r\n");
  EXPECT_EQ(h.run({"COMMAND", "GETKEYS", "time"}),
            "-ERR wrong number of arguments for 'command|getkeys' command\r\n");
}

TEST(CommandCommand, UnknownSubcommandPointsToHelp) {
  CommandHarness h;
  EXPECT_EQ(h.run({"COMMAND", "foo"}), "-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n");
  EXPECT_EQ(h.run({"COMMAND", "COUNT", "x"}),
            "-ERR wrong number of arguments for 'command|count' command\r\n");
}

TEST(CommandCommand, HelpIsRedisText) {
  CommandHarness h;
  const std::string reply = h.run({"COMMAND", "HELP"});
  EXPECT_TRUE(reply.starts_with(
      "*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
      "+(no subcommand)\r\n+    Return details about all Redis commands.\r\n"))
      << reply;
  EXPECT_TRUE(reply.ends_with("+HELP\r\n+    Prints this help.\r\n")) << reply;
}

// ---- TIME, LASTSAVE, SHUTDOWN -----------------------------------------------------

TEST(TimeCommand, RepliesSecondsAndMicroseconds) {
  CommandHarness h;
  h.clock.set(1'700'000'000'123);
  EXPECT_EQ(h.run({"TIME"}), "*2\r\n$10\r\n1700000000\r\n$6\r\n123000\r\n");
  EXPECT_EQ(h.run({"TIME", "x"}), "-ERR wrong number of arguments for 'time' command\r\n");
}


TEST(ShutdownCommand, AsksTheServerToStopAndRepliesNothing) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SHUTDOWN", "NOSAVE", "NOW", "FORCE"}), "");
  EXPECT_TRUE(h.server.shutdown_requested);
  EXPECT_EQ(h.server.shutdown_save, commands::ShutdownSave::nosave);
}

TEST(ShutdownCommand, PassesTheSaveChoiceOn) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SHUTDOWN", "SAVE"}), "");
  EXPECT_EQ(h.server.shutdown_save, commands::ShutdownSave::save);
  EXPECT_EQ(h.run({"SHUTDOWN"}), "");
  EXPECT_EQ(h.server.shutdown_save, commands::ShutdownSave::as_configured);
}

TEST(ShutdownCommand, AFailedFinalSaveIsAnError) {
  CommandHarness h;
  h.server.shutdown_succeeds = false;
  EXPECT_EQ(h.run({"SHUTDOWN"}), "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
}

TEST(ShutdownCommand, AbortHasNoShutdownToAbort) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SHUTDOWN", "ABORT"}), "-ERR No shutdown in progress.\r\n");
  EXPECT_FALSE(h.server.shutdown_requested);
}

TEST(ShutdownCommand, RejectsContradictionsAndUnknownOptions) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SHUTDOWN", "NOSAVE", "SAVE"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"SHUTDOWN", "ABORT", "NOW"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"SHUTDOWN", "FOO"}), "-ERR syntax error\r\n");
  EXPECT_FALSE(h.server.shutdown_requested);
}

// ---- OBJECT ---------------------------------------------------------------------------

TEST(ObjectCommand, EncodingFollowsTheStoredValue) {
  CommandHarness h;
  h.keyspace.db(0).set("int", "123");
  h.keyspace.db(0).set("huge", "123456789012345678901");  // past int64: a string
  h.keyspace.db(0).set("short", "hello");
  h.keyspace.db(0).set("long", std::string(45, 'x'));  // past 44 bytes: raw
  EXPECT_EQ(h.run({"OBJECT", "ENCODING", "int"}), "$3\r\nint\r\n");
  EXPECT_EQ(h.run({"OBJECT", "ENCODING", "huge"}), "$6\r\nembstr\r\n");
  EXPECT_EQ(h.run({"object", "encoding", "short"}), "$6\r\nembstr\r\n");
  EXPECT_EQ(h.run({"OBJECT", "ENCODING", "long"}), "$3\r\nraw\r\n");
  EXPECT_EQ(h.run({"OBJECT", "ENCODING", "nosuch"}), "$-1\r\n");
}

TEST(ObjectCommand, RefcountOfSharedSmallIntegersIsIntMax) {
  CommandHarness h;
  h.keyspace.db(0).set("zero", "0");
  h.keyspace.db(0).set("top", "9999");
  h.keyspace.db(0).set("past", "10000");
  h.keyspace.db(0).set("negative", "-5");
  h.keyspace.db(0).set("text", "hello");
  EXPECT_EQ(h.run({"OBJECT", "REFCOUNT", "zero"}), ":2147483647\r\n");
  EXPECT_EQ(h.run({"OBJECT", "REFCOUNT", "top"}), ":2147483647\r\n");
  EXPECT_EQ(h.run({"OBJECT", "REFCOUNT", "past"}), ":1\r\n");
  EXPECT_EQ(h.run({"OBJECT", "REFCOUNT", "negative"}), ":1\r\n");
  EXPECT_EQ(h.run({"OBJECT", "REFCOUNT", "text"}), ":1\r\n");
  EXPECT_EQ(h.run({"OBJECT", "REFCOUNT", "nosuch"}), "$-1\r\n");
}

TEST(ObjectCommand, IdletimeCountsSecondsSinceTheLastAccess) {
  CommandHarness h;
  h.keyspace.db(0).set("k", "v");
  h.clock.advance(5'000);
  EXPECT_EQ(h.run({"OBJECT", "IDLETIME", "k"}), ":5\r\n");
  // OBJECT itself does not count as an access.
  EXPECT_EQ(h.run({"OBJECT", "IDLETIME", "k"}), ":5\r\n");
  EXPECT_EQ(h.run({"OBJECT", "IDLETIME", "nosuch"}), "$-1\r\n");
}

TEST(ObjectCommand, FreqNeedsAnLfuPolicy) {
  CommandHarness h;
  h.keyspace.db(0).set("k", "v");
  EXPECT_EQ(h.run({"OBJECT", "FREQ", "k"}),
            "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
            "note that "
            "when switching between policies at runtime LRU and LFU data will take some time to "
            "adjust.\r\n");
  EXPECT_EQ(h.run({"OBJECT", "FREQ", "nosuch"}), "$-1\r\n");
}

TEST(ObjectCommand, ArityAndUnknownSubcommandErrors) {
  CommandHarness h;
  EXPECT_EQ(h.run({"OBJECT"}), "-ERR wrong number of arguments for 'object' command\r\n");
  EXPECT_EQ(h.run({"OBJECT", "foo"}), "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n");
  EXPECT_EQ(h.run({"OBJECT", "ENCODING"}),
            "-ERR wrong number of arguments for 'object|encoding' command\r\n");
  EXPECT_EQ(h.run({"OBJECT", "HELP", "x"}),
            "-ERR wrong number of arguments for 'object|help' command\r\n");
}

TEST(ObjectCommand, HelpIsRedisText) {
  CommandHarness h;
  const std::string reply = h.run({"OBJECT", "HELP"});
  EXPECT_TRUE(reply.starts_with(
      "*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
      "+ENCODING <key>\r\n"))
      << reply;
}

// ---- MEMORY -----------------------------------------------------------------------------

TEST(MemoryCommand, UsageOfAMissingKeyIsNil) {
  CommandHarness h;
  EXPECT_EQ(h.run({"MEMORY", "USAGE", "nosuch"}), "$-1\r\n");
}

TEST(MemoryCommand, UsageIsTheEntryBlockPlusATableShare) {
  CommandHarness h;
  h.keyspace.db(0).set("k", std::string(100, 'x'));
  const std::string reply = h.run({"MEMORY", "USAGE", "k", "SAMPLES", "0"});
  ASSERT_TRUE(reply.starts_with(":")) << reply;
  const long bytes = std::stol(reply.substr(1));
  // At least the key and value bytes, and no more than a few headers on top
  // (Redis 7.0 answers 160 for this key).
  EXPECT_GE(bytes, 101);
  EXPECT_LE(bytes, 256);
}

TEST(MemoryCommand, UsageOptionErrors) {
  CommandHarness h;
  h.keyspace.db(0).set("k", "v");
  EXPECT_EQ(h.run({"MEMORY", "USAGE", "k", "SAMPLES", "x"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"MEMORY", "USAGE", "k", "SAMPLES", "-1"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"MEMORY", "USAGE", "k", "SAMPLES"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"MEMORY", "USAGE", "k", "FOO"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"MEMORY", "USAGE"}),
            "-ERR wrong number of arguments for 'memory|usage' command\r\n");
  EXPECT_EQ(h.run({"MEMORY", "foo"}), "-ERR unknown subcommand 'foo'. Try MEMORY HELP.\r\n");
}

TEST(MemoryCommand, HelpNamesEverySubcommand) {
  CommandHarness h;
  EXPECT_EQ(h.run({"MEMORY", "HELP"}),
            "*14\r\n+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
            "+DOCTOR\r\n+    Return memory problems reports.\r\n"
            "+MALLOC-STATS\r\n"
            "+    Return internal statistics report from the memory allocator.\r\n"
            "+PURGE\r\n+    Attempt to purge dirty pages for reclamation by the allocator.\r\n"
            "+STATS\r\n+    Return information about the memory usage of the server.\r\n"
            "+USAGE <key> [SAMPLES <count>]\r\n"
            "+    Return memory in bytes used by <key> and its value. Nested values are\r\n"
            "+    sampled up to <count> times (default: 5, 0 means sample all).\r\n"
            "+HELP\r\n+    Prints this help.\r\n");
}

}  // namespace
}  // namespace mini_redis
