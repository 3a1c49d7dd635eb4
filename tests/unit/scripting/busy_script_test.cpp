// Busy scripts (scripting/busy_script.cpp) without a server: the event pump
// is a lambda that plays the other clients, asking the engine what SCRIPT
// KILL, FUNCTION KILL and FUNCTION STATS would see. The real event loop,
// -BUSY replies and SHUTDOWN NOSAVE are in tests/e2e/test_busy_scripts.py.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scripting/function_library.h"
#include "scripting/script_engine.h"
#include "unit/support/command_harness.h"

namespace mini_redis::scripting {
namespace {

using testing::CommandHarness;

constexpr std::string_view kNotBusy = "NOTBUSY No scripts in execution right now.";
constexpr std::string_view kUnkillable =
    "UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
    "either wait the script termination or kill the server in a hard way using the SHUTDOWN "
    "NOSAVE command.";

class BusyHarness {
 public:
  BusyHarness() { h.config.busy_reply_threshold_ms = 0; }  // busy from the first hook

  std::string run(std::vector<std::string> words) {
    std::vector<std::string_view> args(words.begin(), words.end());
    auto& output = *static_cast<testing::OutputBuffer*>(h.client.push_target);
    protocol::ReplyWriter reply(output.bytes, h.client.protocol);
    commands::Context ctx{h.client, reply,           h.keyspace, h.config,   h.stats,
                          h.server, h.table,         h.pubsub,   h.monitors, h.blocking,
                          &h.acl,   &h.watched_keys, &engine};
    commands::dispatch(ctx, args);
    return output.take();
  }

  CommandHarness h;
  ScriptEngine engine;
};

std::string killed(std::string_view name, std::string_view where) {
  return "-ERR Script killed by user with SCRIPT KILL... script: " + std::string(name) + ", on " +
         std::string(where) + ".\r\n";
}

TEST(BusyScriptTest, UnderTheThresholdThePumpIsNeverCalled) {
  BusyHarness s;
  s.h.config.busy_reply_threshold_ms = 60000;
  int pumped = 0;
  s.engine.set_event_pump([&] {
    ++pumped;
    return true;
  });
  EXPECT_EQ(s.run({"EVAL", "local i = 0 while i < 500000 do i = i + 1 end return i", "0"}),
            ":500000\r\n");
  EXPECT_EQ(pumped, 0);
  EXPECT_FALSE(s.engine.busy());
}

TEST(BusyScriptTest, ScriptKillStopsABusyEvalAndFunctionKillNamesScriptKill) {
  BusyHarness s;
  std::vector<std::string> seen;
  s.engine.set_event_pump([&] {
    seen.emplace_back(s.engine.busy() ? "busy" : "idle");
    seen.emplace_back(s.engine.busy_error());
    seen.emplace_back(s.engine.kill(/*from_script_kill=*/false));
    seen.emplace_back(s.engine.running_function() ? "function" : "none");
    seen.emplace_back(s.engine.kill(/*from_script_kill=*/true));
    return true;
  });
  const std::string body = "while true do end";
  const std::string sha = s.engine.load(body).sha;
  EXPECT_EQ(s.run({"EVAL", body, "0"}), killed(sha, "@user_script:1"));
  ASSERT_EQ(seen.size(), 5U);  // killed at the first pump
  EXPECT_EQ(seen[0], "busy");
  EXPECT_EQ(seen[1], kBusyEvalError);
  EXPECT_EQ(seen[2], kBusyEvalError);
  EXPECT_EQ(seen[3], "none");
  EXPECT_EQ(seen[4], "");
  // Over: nothing is busy and there is nothing to kill.
  EXPECT_FALSE(s.engine.busy());
  EXPECT_EQ(s.engine.kill(true), kNotBusy);
  EXPECT_EQ(s.run({"EVAL", "return 7", "0"}), ":7\r\n");
}

TEST(BusyScriptTest, PcallCannotCatchTheKill) {
  BusyHarness s;
  int pumped = 0;
  s.engine.set_event_pump([&] {
    ++pumped;
    if (pumped == 1) {
      EXPECT_EQ(s.engine.kill(true), "");
    }
    return true;
  });
  const std::string body = "while true do pcall(function() while true do end end) end";
  EXPECT_EQ(s.run({"EVAL", body, "0"}), killed(s.engine.load(body).sha, "@user_script:1"));
}

TEST(BusyScriptTest, AScriptThatWroteIsUnkillableAndStopsOnlyWithTheServer) {
  BusyHarness s;
  std::vector<std::string> seen;
  s.engine.set_event_pump([&] {
    seen.emplace_back(s.engine.kill(true));
    seen.emplace_back(s.engine.kill(false));
    return false;  // SHUTDOWN NOSAVE was served: the server is stopping
  });
  const std::string body = "redis.call('del', 'nothing') while true do end";
  EXPECT_EQ(s.run({"EVAL", body, "0"}).substr(0, 24), "-ERR Script killed by us");
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[0], kUnkillable);
  EXPECT_EQ(seen[1], kUnkillable);
  EXPECT_FALSE(s.engine.busy());
}

TEST(BusyScriptTest, FunctionKillStopsABusyFunctionThatStatsDescribes) {
  BusyHarness s;
  EXPECT_EQ(s.run({"FUNCTION", "LOAD",
                   "#!lua name=lib\nredis.register_function('spin', function() while true do "
                   "end end)"}),
            "$3\r\nlib\r\n");
  std::vector<std::string> seen;
  s.engine.set_event_pump([&] {
    seen.emplace_back(s.engine.busy_with_eval() ? "eval" : "function");
    seen.emplace_back(s.engine.busy_error());
    seen.emplace_back(s.engine.kill(true));
    const auto running = s.engine.running_function();
    if (running) {
      seen.emplace_back(running->name);
      for (std::string_view word : running->command) seen.emplace_back(word);
    }
    seen.emplace_back(s.engine.kill(false));
    return true;
  });
  EXPECT_EQ(s.run({"FCALL", "spin", "1", "k", "arg"}), killed("spin", "@user_function:2"));
  const std::vector<std::string> expected = {"function",
                                             std::string(kBusyFunctionError),
                                             std::string(kBusyFunctionError),
                                             "spin",
                                             "FCALL",
                                             "spin",
                                             "1",
                                             "k",
                                             "arg",
                                             ""};
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(s.engine.kill(false), kNotBusy);
}

}  // namespace
}  // namespace mini_redis::scripting
