// Connection commands, byte for byte as Redis 7.0.15 answers them (each
// expected reply below was read from a real redis-server).
#include <gtest/gtest.h>

#include "unit/support/command_harness.h"

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

// What HELLO answers for client id 1, in each protocol.
const std::string kHelloBodyFields =
    "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n";
const std::string kHelloTail =
    "$2\r\nid\r\n:1\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$"
    "7\r\nmodules\r\n*0\r\n";
const std::string kHello2 = "*14\r\n" + kHelloBodyFields + ":2\r\n" + kHelloTail;
const std::string kHello3 = "%7\r\n" + kHelloBodyFields + ":3\r\n" + kHelloTail;

// ---- PING, ECHO, QUIT, SELECT ---------------------------------------------------

TEST(Ping, RepliesPongOrTheMessage) {
  CommandHarness h;
  EXPECT_EQ(h.run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(h.run({"ping", "hello"}), "$5\r\nhello\r\n");
  EXPECT_EQ(h.run({"PING", "a", "b"}), "-ERR wrong number of arguments for 'ping' command\r\n");
}

TEST(Ping, IsTheSameInResp3) {
  CommandHarness h;
  h.run({"HELLO", "3"});
  EXPECT_EQ(h.run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(h.run({"PING", "x"}), "$1\r\nx\r\n");
}

TEST(Echo, RepliesItsArgument) {
  CommandHarness h;
  EXPECT_EQ(h.run({"ECHO", "hi"}), "$2\r\nhi\r\n");
  EXPECT_EQ(h.run({"ECHO", ""}), "$0\r\n\r\n");
  EXPECT_EQ(h.run({"ECHO"}), "-ERR wrong number of arguments for 'echo' command\r\n");
  EXPECT_EQ(h.run({"ECHO", "a", "b"}), "-ERR wrong number of arguments for 'echo' command\r\n");
}

TEST(Quit, RepliesOkAndAsksTheServerToClose) {
  CommandHarness h;
  EXPECT_EQ(h.run({"QUIT"}), "+OK\r\n");
  EXPECT_TRUE(h.client.close_after_reply);
}

TEST(Quit, IgnoresArguments) {
  CommandHarness h;
  EXPECT_EQ(h.run({"QUIT", "x"}), "+OK\r\n");
}

TEST(Select, ChangesTheClientsDatabase) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SELECT", "15"}), "+OK\r\n");
  EXPECT_EQ(h.client.db_index, 15);
  EXPECT_EQ(h.run({"SELECT", "0"}), "+OK\r\n");
  EXPECT_EQ(h.client.db_index, 0);
}

TEST(Select, RejectsIndexesOutsideTheDatabases) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SELECT", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h.run({"SELECT", "-1"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h.client.db_index, 0);
}

TEST(Select, RejectsWhatIsNotACanonicalInt) {
  CommandHarness h;
  for (const char* bad : {"x", "01", "1.0", " 1", "+1", "4294967296"}) {
    EXPECT_EQ(h.run({"SELECT", bad}), "-ERR value is not an integer or out of range\r\n") << bad;
  }
}

// ---- HELLO ------------------------------------------------------------------------

TEST(Hello, WithoutArgumentsDescribesTheServerInTheCurrentProtocol) {
  CommandHarness h;
  EXPECT_EQ(h.run({"HELLO"}), kHello2);
  EXPECT_EQ(h.run({"HELLO", "2"}), kHello2);
}

TEST(Hello, ThreeSwitchesToResp3AndAnswersWithAMap) {
  CommandHarness h;
  EXPECT_EQ(h.run({"HELLO", "3"}), kHello3);
  EXPECT_EQ(h.client.protocol, protocol::ProtocolVersion::resp3);
  EXPECT_EQ(h.run({"HELLO"}), kHello3);
  EXPECT_EQ(h.run({"HELLO", "2"}), kHello2);
  EXPECT_EQ(h.client.protocol, protocol::ProtocolVersion::resp2);
}

TEST(Hello, RejectsOtherProtocolVersions) {
  CommandHarness h;
  EXPECT_EQ(h.run({"HELLO", "4"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(h.run({"HELLO", "1"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(h.run({"HELLO", "-1"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(h.run({"HELLO", "4", "FOO"}), "-NOPROTO unsupported protocol version\r\n");
  for (const char* bad : {"x", "03", "3.0"}) {
    EXPECT_EQ(h.run({"HELLO", bad}), "-ERR Protocol version is not an integer or out of range\r\n")
        << bad;
  }
  EXPECT_EQ(h.client.protocol, protocol::ProtocolVersion::resp2);
}

TEST(Hello, SetnameNamesTheConnection) {
  CommandHarness h;
  EXPECT_EQ(h.run({"HELLO", "3", "SETNAME", "foo"}), kHello3);
  EXPECT_EQ(h.run({"CLIENT", "GETNAME"}), "$3\r\nfoo\r\n");
  EXPECT_EQ(h.run({"HELLO", "3", "setname", "a", "SETNAME", "b"}), kHello3);
  EXPECT_EQ(h.client.name, "b");
}

TEST(Hello, AcceptsTheDefaultUserWithAnyPassword) {
  // A fresh Redis has no requirepass: "default" is a nopass user.
  CommandHarness h;
  EXPECT_EQ(h.run({"HELLO", "3", "AUTH", "default", "x"}), kHello3);
  EXPECT_EQ(h.run({"HELLO", "2", "auth", "default", "", "setname", "n"}), kHello2);
  EXPECT_EQ(h.client.name, "n");
}

TEST(Hello, RejectsOtherUsersAndKeepsTheProtocol) {
  CommandHarness h;
  EXPECT_EQ(h.run({"HELLO", "3", "AUTH", "foo", "x", "SETNAME", "n"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(h.client.protocol, protocol::ProtocolVersion::resp2);
  EXPECT_EQ(h.client.name, "");
}

TEST(Hello, ReportsBadOptionsByName) {
  CommandHarness h;
  EXPECT_EQ(h.run({"HELLO", "3", "FOO"}), "-ERR Syntax error in HELLO option 'FOO'\r\n");
  EXPECT_EQ(h.run({"HELLO", "3", "AUTH", "default"}),
            "-ERR Syntax error in HELLO option 'AUTH'\r\n");
  EXPECT_EQ(h.run({"HELLO", "2", "SETNAME"}), "-ERR Syntax error in HELLO option 'SETNAME'\r\n");
  EXPECT_EQ(h.client.protocol, protocol::ProtocolVersion::resp2);
}

TEST(Hello, AppliesEachOptionAsItGoesButTheProtocolOnlyAtTheEnd) {
  CommandHarness h;
  EXPECT_EQ(h.run({"HELLO", "3", "SETNAME", "a", "FOO"}),
            "-ERR Syntax error in HELLO option 'FOO'\r\n");
  EXPECT_EQ(h.client.name, "a");
  EXPECT_EQ(h.run({"HELLO", "3", "SETNAME", "b", "AUTH", "foo", "x"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(h.client.name, "b");
  EXPECT_EQ(h.run({"HELLO", "3", "SETNAME", "c", "SETNAME", "d e"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(h.client.name, "c");
  EXPECT_EQ(h.client.protocol, protocol::ProtocolVersion::resp2);
}

TEST(Hello, ChecksOptionsInOrder) {
  CommandHarness h;
  EXPECT_EQ(h.run({"HELLO", "3", "AUTH", "foo", "x", "SETNAME", "a b"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(h.run({"HELLO", "3", "SETNAME", "a b", "AUTH", "foo", "x"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(h.run({"HELLO", "4", "SETNAME", "a"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(h.client.name, "");
}

// ---- RESET --------------------------------------------------------------------------

TEST(Reset, RestoresAFreshConnection) {
  CommandHarness h;
  h.run({"HELLO", "3"});
  h.run({"SELECT", "2"});
  h.run({"CLIENT", "SETNAME", "n"});
  EXPECT_EQ(h.run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(h.client.protocol, protocol::ProtocolVersion::resp2);
  EXPECT_EQ(h.client.db_index, 0);
  EXPECT_EQ(h.run({"CLIENT", "GETNAME"}), "$-1\r\n");
  EXPECT_EQ(h.run({"RESET", "x"}), "-ERR wrong number of arguments for 'reset' command\r\n");
}

TEST(Reset, TurnsRepliesBackOn) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CLIENT", "REPLY", "OFF"}), "");
  EXPECT_EQ(h.run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(h.run({"PING"}), "+PONG\r\n");
}

}  // namespace
}  // namespace mini_redis::commands
