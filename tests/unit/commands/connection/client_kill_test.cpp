// CLIENT KILL, byte for byte as Redis 7.0.15 answers it: the old form
// (CLIENT KILL ip:port), the filters of the new form, and every error. The
// harness's fake server holds the clients a test registers and records the
// ids it was asked to kill; the client running the command is never among
// those, it is marked close_after_reply instead (closed once its reply is
// written, as after QUIT).
#include <gtest/gtest.h>

#include <vector>

#include "unit/support/command_harness.h"

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

// The harness's own client (id 1) plus two others, all on port 6379.
class ClientKill : public ::testing::Test {
 protected:
  ClientKill() {
    h.client.peer_address = "127.0.0.1:50001";
    h.client.local_address = "127.0.0.1:6379";
    second.id = 2;
    second.peer_address = "127.0.0.1:50002";
    second.local_address = "127.0.0.1:6379";
    third.id = 3;
    third.peer_address = "10.0.0.7:50003";
    third.local_address = "10.0.0.1:6379";
    h.server.clients.push_back(&second);
    h.server.clients.push_back(&third);
  }

  std::vector<std::int64_t> killed() const { return h.server.killed_ids; }

  CommandHarness h;
  ClientState second;
  ClientState third;
};

using Ids = std::vector<std::int64_t>;

// ---- the old form: CLIENT KILL ip:port -----------------------------------------------

TEST_F(ClientKill, OldFormKillsTheClientAtThatAddressAndAnswersOk) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "127.0.0.1:50002"}), "+OK\r\n");
  EXPECT_EQ(killed(), Ids{2});
  EXPECT_EQ(h.server.connected_clients(), 2U);
  EXPECT_FALSE(h.client.close_after_reply);
}

TEST_F(ClientKill, OldFormWithNoSuchAddressIsAnError) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "1.2.3.4:5"}), "-ERR No such client\r\n");
  // Any single word is an address, even a filter name without its value.
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ID"}), "-ERR No such client\r\n");
  EXPECT_TRUE(killed().empty());
}

TEST_F(ClientKill, OldFormMayKillTheCallerAfterItsReply) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "127.0.0.1:50001"}), "+OK\r\n");
  EXPECT_TRUE(killed().empty());  // not closed by the server mid-command
  EXPECT_TRUE(h.client.close_after_reply);
}

TEST_F(ClientKill, WithoutArgumentsIsAnArityError) {
  EXPECT_EQ(h.run({"CLIENT", "KILL"}),
            "-ERR wrong number of arguments for 'client|kill' command\r\n");
}

// ---- the new form: filters --------------------------------------------------------

TEST_F(ClientKill, IdKillsThatClientAndCountsIt) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ID", "3"}), ":1\r\n");
  EXPECT_EQ(killed(), Ids{3});
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ID", "3"}), ":0\r\n");  // gone already
  EXPECT_EQ(h.run({"client", "kill", "id", "99999"}), ":0\r\n");
}

TEST_F(ClientKill, AddrAndLaddrMatchTheWholeAddress) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ADDR", "127.0.0.1:5000"}), ":0\r\n");
  EXPECT_EQ(h.run({"CLIENT", "KILL", "LADDR", "10.0.0.1:6379"}), ":1\r\n");
  EXPECT_EQ(killed(), Ids{3});
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ADDR", "127.0.0.1:50002"}), ":1\r\n");
  EXPECT_EQ(killed(), (Ids{3, 2}));
}

TEST_F(ClientKill, FiltersMustAllMatch) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ID", "2", "ADDR", "10.0.0.7:50003"}), ":0\r\n");
  EXPECT_EQ(h.run({"CLIENT", "KILL", "LADDR", "127.0.0.1:6379", "TYPE", "normal"}), ":1\r\n");
  EXPECT_EQ(killed(), Ids{2});  // the caller shares that LADDR but SKIPME spares it
}

TEST_F(ClientKill, AFilterGivenTwiceKeepsItsLastValue) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ID", "2", "ID", "3"}), ":1\r\n");
  EXPECT_EQ(killed(), Ids{3});
}

TEST_F(ClientKill, TypeNormalKillsEveryoneButTheCaller) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "TYPE", "NORMAL"}), ":2\r\n");
  EXPECT_EQ(killed(), (Ids{2, 3}));
  EXPECT_FALSE(h.client.close_after_reply);
}

TEST_F(ClientKill, OtherTypesMatchNoClientOfOurs) {
  // No replication; Pub/Sub clients count as "pubsub" once subscribed.
  for (const char* type : {"master", "slave", "replica", "pubsub", "PubSub"}) {
    EXPECT_EQ(h.run({"CLIENT", "KILL", "TYPE", type}), ":0\r\n") << type;
  }
  EXPECT_TRUE(killed().empty());
}

TEST_F(ClientKill, UserDefaultMatchesEveryClient) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "USER", "default"}), ":2\r\n");
}

TEST_F(ClientKill, SkipmeNoCountsTheCallerAndClosesItAfterTheReply) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ID", "1"}), ":0\r\n");  // SKIPME yes by default
  EXPECT_FALSE(h.client.close_after_reply);
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ID", "1", "SKIPME", "no"}), ":1\r\n");
  EXPECT_TRUE(killed().empty());
  EXPECT_TRUE(h.client.close_after_reply);
}

TEST_F(ClientKill, SkipmeNoWithAWiderFilterKillsEveryone) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "TYPE", "normal", "skipme", "NO"}), ":3\r\n");
  EXPECT_EQ(killed(), (Ids{2, 3}));
  EXPECT_TRUE(h.client.close_after_reply);
}

TEST_F(ClientKill, SkipmeYesIsAccepted) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ADDR", "127.0.0.1:50001", "SKIPME", "yes"}), ":0\r\n");
  EXPECT_FALSE(h.client.close_after_reply);
}

// ---- errors -----------------------------------------------------------------------

TEST_F(ClientKill, IdMustBeAPositiveIntegerInRedisSpelling) {
  for (const char* id : {"0", "-1", "abc", "1.5", "05", "+5", " 5", "9223372036854775808"}) {
    EXPECT_EQ(h.run({"CLIENT", "KILL", "ID", id}), "-ERR client-id should be greater than 0\r\n")
        << id;
  }
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ID", "9223372036854775807"}), ":0\r\n");
}

TEST_F(ClientKill, UnknownTypeNamesTheType) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "TYPE", "x"}), "-ERR Unknown client type 'x'\r\n");
}

TEST_F(ClientKill, UnknownUserNamesTheUserAndIsCaseSensitive) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "USER", "nobody"}), "-ERR No such user 'nobody'\r\n");
  EXPECT_EQ(h.run({"CLIENT", "KILL", "USER", "DEFAULT"}), "-ERR No such user 'DEFAULT'\r\n");
}

TEST_F(ClientKill, UnknownFiltersBadSkipmeAndMissingValuesAreSyntaxErrors) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "FOO", "bar"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"CLIENT", "KILL", "MAXAGE", "5"}), "-ERR syntax error\r\n");  // Redis 7.4's
  EXPECT_EQ(h.run({"CLIENT", "KILL", "SKIPME", "maybe"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"CLIENT", "KILL", "a", "b", "c"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ID", "2", "TYPE"}), "-ERR syntax error\r\n");
  EXPECT_TRUE(killed().empty());
}

TEST_F(ClientKill, TheFirstBadFilterAnswersAndNothingIsKilled) {
  EXPECT_EQ(h.run({"CLIENT", "KILL", "TYPE", "x", "ID", "0"}), "-ERR Unknown client type 'x'\r\n");
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ID", "0", "TYPE", "x"}),
            "-ERR client-id should be greater than 0\r\n");
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ID", "2", "FOO", "bar"}), "-ERR syntax error\r\n");
  EXPECT_TRUE(killed().empty());
}

TEST_F(ClientKill, HelpDescribesKillAsRedisDoes) {
  const std::string help = h.run({"CLIENT", "HELP"});
  EXPECT_NE(help.find("+INFO\r\n+    Return information about the current client connection.\r\n"
                      "+KILL <ip:port>\r\n+    Kill connection made from <ip:port>.\r\n"
                      "+KILL <option> <value> [<option> <value> [...]]\r\n"
                      "+    Kill connections. Options are:\r\n"),
            std::string::npos);
  EXPECT_NE(help.find("+    * SKIPME (YES|NO)\r\n"
                      "+      Skip killing current connection (default: yes).\r\n+LIST"),
            std::string::npos);
}

// ---- CLIENT LIST TYPE shares the types ------------------------------------------------

TEST_F(ClientKill, ClientListTypeListsOnlyThatType) {
  EXPECT_EQ(h.run({"CLIENT", "LIST", "TYPE", "pubsub"}), "$0\r\n\r\n");
  EXPECT_EQ(h.run({"CLIENT", "LIST", "TYPE", "slave"}), "$0\r\n\r\n");
  const std::string normal = h.run({"CLIENT", "LIST", "TYPE", "normal"});
  EXPECT_NE(normal.find("id=1 "), std::string::npos);
  EXPECT_NE(normal.find("\nid=3 "), std::string::npos);
  EXPECT_EQ(h.run({"CLIENT", "LIST", "TYPE", "x"}), "-ERR Unknown client type 'x'\r\n");
}

}  // namespace
}  // namespace mini_redis::commands
