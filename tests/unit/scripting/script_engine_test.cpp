// ScriptEngine: the script cache, running scripts through the command table,
// the conversions both ways and the sandbox, on plain strings (no socket).
// The byte-exact comparison with Redis is tests/diff/cases/scripting.txt;
// these tests pin the engine's own contract.
#include "scripting/script_engine.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/support/command_harness.h"

namespace mini_redis::scripting {
namespace {

using testing::CommandHarness;

// The harness with an engine plugged into every command's Context, the way
// the server's connections have one.
class ScriptHarness {
 public:
  std::string run(std::vector<std::string> words) {
    std::vector<std::string_view> args(words.begin(), words.end());
    auto& output = *static_cast<testing::OutputBuffer*>(h.client.push_target);
    protocol::ReplyWriter reply(output.bytes, h.client.protocol);
    commands::Context ctx{h.client, reply,           h.keyspace, h.config,   h.stats,
                          h.server, h.table,         h.pubsub,   h.monitors, h.blocking,
                          &h.acl,   &h.watched_keys, &engine};
    commands::dispatch(ctx, args);
    h.client.protocol = reply.version();
    return output.take();
  }

  CommandHarness h;
  ScriptEngine engine;
};

constexpr std::string_view kReturnOneSha = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db";

TEST(ScriptEngineTest, LoadReturnsTheSha1OfTheBodyAndCachesItOnce) {
  ScriptEngine engine;
  const LoadResult first = engine.load("return 1");
  EXPECT_TRUE(first.ok());
  EXPECT_EQ(first.sha, kReturnOneSha);
  EXPECT_EQ(engine.load("return 1").sha, kReturnOneSha);
  EXPECT_EQ(engine.cached_scripts(), 1U);
  EXPECT_TRUE(engine.exists(kReturnOneSha));
  EXPECT_TRUE(engine.exists("E0E1F9FABFC9D4800C877A703B823AC0578FF8DB"));
  EXPECT_FALSE(engine.exists("abc"));
}

TEST(ScriptEngineTest, ACompileErrorIsReportedAndNothingIsCached) {
  ScriptEngine engine;
  const LoadResult result = engine.load("return +");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error,
            "ERR Error compiling script (new function): user_script:1: unexpected symbol near "
            "'+'");
  EXPECT_EQ(engine.cached_scripts(), 0U);
}

TEST(ScriptEngineTest, FlushForgetsEveryScriptAndTheInterpreterStillWorks) {
  ScriptHarness s;
  EXPECT_EQ(s.run({"EVAL", "return 1", "0"}), ":1\r\n");
  EXPECT_EQ(s.engine.cached_scripts(), 1U);
  EXPECT_EQ(s.run({"SCRIPT", "FLUSH"}), "+OK\r\n");
  EXPECT_EQ(s.engine.cached_scripts(), 0U);
  EXPECT_EQ(s.run({"EVALSHA", std::string(kReturnOneSha), "0"}),
            "-NOSCRIPT No matching script. Please use EVAL.\r\n");
  EXPECT_EQ(s.run({"EVAL", "return 2", "0"}), ":2\r\n");
}

TEST(ScriptEngineTest, MemoryIsReportedAndGrowsWithScripts) {
  ScriptEngine engine;
  const std::size_t before = engine.memory_bytes();
  EXPECT_GT(before, 0U);
  for (int i = 0; i < 50; ++i) engine.load("return " + std::to_string(i));
  EXPECT_GT(engine.memory_bytes(), before);
}

TEST(ScriptEngineTest, CommandsRunThroughTheTableAndWriteTheKeyspace) {
  ScriptHarness s;
  EXPECT_EQ(s.run({"EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"}),
            "+OK\r\n");
  EXPECT_EQ(s.run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(s.run({"EVAL", "return redis.call('get', KEYS[1])", "1", "k"}), "$1\r\nv\r\n");
  // The inner command counts in INFO commandstats as Redis counts it: as a
  // call of its own, besides the EVAL that ran it.
  const std::string stats = s.run({"INFO", "commandstats"});
  EXPECT_NE(stats.find("cmdstat_set:calls=1,"), std::string::npos) << stats;
  EXPECT_NE(stats.find("cmdstat_eval:calls=2,"), std::string::npos) << stats;
}

TEST(ScriptEngineTest, RepliesBecomeLuaValuesAndBack) {
  ScriptHarness s;
  s.run({"RPUSH", "l", "a", "b"});
  EXPECT_EQ(s.run({"EVAL", "return redis.call('lrange', 'l', 0, -1)", "0"}),
            "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(s.run({"EVAL", "return redis.call('get', 'missing') == false", "0"}), ":1\r\n");
  EXPECT_EQ(s.run({"EVAL", "return redis.call('ping').ok", "0"}), "$4\r\nPONG\r\n");
  EXPECT_EQ(s.run({"EVAL", "return 7.9", "0"}), ":7\r\n");
  EXPECT_EQ(s.run({"EVAL", "return {1, 2, nil, 4}", "0"}), "*2\r\n:1\r\n:2\r\n");
}

TEST(ScriptEngineTest, ASelfReferencingTableStopsAtTheStackLimit) {
  ScriptHarness s;
  const std::string reply = s.run({"EVAL", "local t = {}; t[1] = t; return t", "0"});
  EXPECT_TRUE(reply.starts_with("*1\r\n*1\r\n"));
  EXPECT_TRUE(reply.ends_with("*1\r\n-ERR reached lua stack limit\r\n"));
  EXPECT_EQ(s.run({"EVAL", "return 1", "0"}), ":1\r\n");  // the engine is still usable
}

TEST(ScriptEngineTest, ErrorsNameTheScriptAndTheLine) {
  ScriptHarness s;
  const std::string sha = s.engine.load("local a = 1\nerror('boom')").sha;
  EXPECT_EQ(s.run({"EVAL", "local a = 1\nerror('boom')", "0"}),
            "-ERR user_script:2: boom script: " + sha + ", on @user_script:2.\r\n");
  s.run({"SET", "s", "x"});
  const std::string wrong = s.run({"EVAL", "return redis.call('lpush', 's', 'y')", "0"});
  EXPECT_TRUE(
      wrong.starts_with("-WRONGTYPE Operation against a key holding the wrong kind of "
                        "value script: "))
      << wrong;
}

TEST(ScriptEngineTest, TheSandboxKeepsGlobalsReadOnlyAndHidesTheOutsideWorld) {
  ScriptHarness s;
  EXPECT_NE(s.run({"EVAL", "x = 1", "0"}).find("Attempt to modify a readonly table"),
            std::string::npos);
  EXPECT_NE(s.run({"EVAL", "return os", "0"})
                .find("Script attempted to access nonexistent global variable 'os'"),
            std::string::npos);
  EXPECT_NE(s.run({"EVAL", "string.x = 1", "0"}).find("Attempt to modify a readonly table"),
            std::string::npos);
  // Nothing leaks from one script to the next.
  EXPECT_EQ(s.run({"EVAL", "return type(string.x)", "0"}), "$3\r\nnil\r\n");
}

TEST(ScriptEngineTest, ReadOnlyScriptsMayNotWrite) {
  ScriptHarness s;
  const std::string refused = s.run({"EVAL_RO", "return redis.call('set', 'k', 'v')", "0"});
  EXPECT_TRUE(
      refused.starts_with("-ERR Write commands are not allowed from read-only scripts. "
                          "script: "))
      << refused;
  EXPECT_EQ(s.run({"EXISTS", "k"}), ":0\r\n");
}

TEST(ScriptEngineTest, BlockingCommandsAreRefusedAndTheClientIsNotParked) {
  ScriptHarness s;
  const std::string reply = s.run({"EVAL", "return redis.call('blpop', 'nolist', 0)", "0"});
  EXPECT_NE(reply.find("This Redis command is not allowed from script"), std::string::npos);
  EXPECT_EQ(s.h.client.blocked, nullptr);
  EXPECT_FALSE(s.h.client.deny_blocking);  // restored after the script
}

TEST(ScriptEngineTest, SelectInsideAScriptEndsWithTheScript) {
  ScriptHarness s;
  s.run({"EVAL", "redis.call('select', 2); redis.call('set', 'k', 'v')", "0"});
  EXPECT_EQ(s.h.client.db_index, 0);
  EXPECT_EQ(s.run({"EXISTS", "k"}), ":0\r\n");
  EXPECT_EQ(s.run({"SELECT", "2"}), "+OK\r\n");
  EXPECT_EQ(s.run({"EXISTS", "k"}), ":1\r\n");
}

TEST(ScriptEngineTest, Resp3RepliesAfterSetresp) {
  ScriptHarness s;
  s.run({"HSET", "h", "f", "v"});
  // A RESP2 caller: the map read in RESP3 is written back as a flat array.
  EXPECT_EQ(s.run({"EVAL", "redis.setresp(3); return redis.call('hgetall', 'h')", "0"}),
            "*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  s.run({"HELLO", "3"});
  EXPECT_EQ(s.run({"EVAL", "redis.setresp(3); return redis.call('hgetall', 'h')", "0"}),
            "%1\r\n$1\r\nf\r\n$1\r\nv\r\n");
  EXPECT_EQ(s.run({"EVAL", "return true", "0"}), ":1\r\n");
  EXPECT_EQ(s.run({"EVAL", "redis.setresp(3); return true", "0"}), "#t\r\n");
}

TEST(ScriptEngineTest, WithoutAnEngineEvalAnswersAnError) {
  CommandHarness h;
  EXPECT_EQ(h.run({"EVAL", "return 1", "0"}), "-ERR scripting is not available\r\n");
  EXPECT_EQ(h.run({"SCRIPT", "EXISTS", std::string(kReturnOneSha)}), "*1\r\n:0\r\n");
}

}  // namespace
}  // namespace mini_redis::scripting
