// MONITOR through the command layer: the line format (Redis's, with
// sdscatrepr quoting), what is left off the feed, redaction, and the
// replica-like restrictions on the monitoring client itself.
#include <gtest/gtest.h>

#include "commands/server/monitor.h"
#include "unit/support/command_harness.h"

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

std::string quoted(std::string_view bytes) {
  std::string out;
  append_quoted(out, bytes);
  return out;
}

TEST(Monitor, QuotesArgumentsAsRedisCliPrintsThem) {
  EXPECT_EQ(quoted("plain text"), "\"plain text\"");
  EXPECT_EQ(quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(quoted("\n\r\t\a\b"), "\"\\n\\r\\t\\a\\b\"");
  EXPECT_EQ(quoted(std::string_view("\x00\x7f\xc3\xbf", 4)), "\"\\x00\\x7f\\xc3\\xbf\"");
}

class MonitorFeedTest : public ::testing::Test {
 protected:
  MonitorFeedTest() : monitor(h.add_client()), other(h.add_client()) {
    h.clock.set(1'700'000'000'123);
    other.peer_address = "127.0.0.1:5555";
    EXPECT_EQ(h.run_as(monitor, {"MONITOR"}), "+OK\r\n");
  }

  CommandHarness h;
  ClientState& monitor;
  ClientState& other;
};

TEST_F(MonitorFeedTest, EachCommandIsOneLineWithTimeDatabaseAndAddress) {
  h.run_as(other, {"SET", "k", "a b"});
  h.run_as(other, {"SELECT", "2"});
  EXPECT_EQ(h.output_of(monitor),
            "+1700000000.123000 [0 127.0.0.1:5555] \"SET\" \"k\" \"a b\"\r\n"
            // SELECT is shown in the database it selected, as in Redis
            "+1700000000.123000 [2 127.0.0.1:5555] \"SELECT\" \"2\"\r\n");
}

TEST_F(MonitorFeedTest, UnixSocketClientsShowTheSocketPath) {
  other.unix_socket = true;
  other.local_address = "/tmp/mini.sock:0";
  h.run_as(other, {"PING"});
  EXPECT_EQ(h.output_of(monitor), "+1700000000.123000 [0 unix:/tmp/mini.sock] \"PING\"\r\n");
}

TEST_F(MonitorFeedTest, RejectedAndAdminCommandsAreNotShown) {
  h.run_as(other, {"GET"});                  // wrong arity
  h.run_as(other, {"NOSUCH"});               // unknown
  h.run_as(other, {"CONFIG", "GET", "hz"});  // admin
  h.run_as(other, {"MONITOR"});              // admin, and now a second monitor
  EXPECT_EQ(h.output_of(monitor), "");
}

TEST_F(MonitorFeedTest, PasswordsAreRedacted) {
  h.run_as(other, {"AUTH", "default", "secret"});
  h.run_as(other, {"HELLO", "2", "AUTH", "default", "secret", "SETNAME", "n"});
  EXPECT_EQ(h.output_of(monitor),
            "+1700000000.123000 [0 127.0.0.1:5555] \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n"
            "+1700000000.123000 [0 127.0.0.1:5555] \"HELLO\" \"2\" \"AUTH\" \"(redacted)\" "
            "\"(redacted)\" \"SETNAME\" \"n\"\r\n");
}

TEST_F(MonitorFeedTest, TheMonitorMayNotTouchKeysAndASecondMonitorGetsNoReply) {
  EXPECT_EQ(h.run_as(monitor, {"GET", "k"}), "-ERR Replica can't interact with the keyspace\r\n");
  EXPECT_EQ(h.run_as(monitor, {"MONITOR"}), "");
  // PING is neither read nor write: it runs, and is fed back to the monitor itself.
  EXPECT_EQ(h.run_as(monitor, {"PING"}), "+PONG\r\n+1700000000.123000 [0 ] \"PING\"\r\n");
}

TEST_F(MonitorFeedTest, ResetStopsMonitoring) {
  EXPECT_EQ(h.run_as(monitor, {"RESET"}), "+RESET\r\n");
  h.run_as(other, {"PING"});
  EXPECT_EQ(h.output_of(monitor), "");
  EXPECT_EQ(h.run_as(monitor, {"GET", "k"}), "$-1\r\n");
}

}  // namespace
}  // namespace mini_redis::commands
