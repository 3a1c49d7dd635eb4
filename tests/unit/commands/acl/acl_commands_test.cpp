// The ACL command family and authentication through the dispatcher, with no
// socket: CommandHarness runs commands as a connection would (the replies
// below are Redis 7.0.15's bytes, taken from redis-server).
#include <gtest/gtest.h>

#include <string>

#include "commands/core/acl_user.h"
#include "unit/support/command_harness.h"

namespace mini_redis::commands {
namespace {

constexpr const char* kOk = "+OK\r\n";
constexpr const char* kNoAuth = "-NOAUTH Authentication required.\r\n";
constexpr const char* kWrongPass =
    "-WRONGPASS invalid username-password pair or user is disabled.\r\n";

class AclCommandsTest : public ::testing::Test {
 protected:
  testing::CommandHarness h;
};

TEST_F(AclCommandsTest, SetuserThenGetuser) {
  EXPECT_EQ(h.run({"ACL", "SETUSER", "alice", "on", ">p1", "+@all", "-@dangerous", "~*"}), kOk);
  EXPECT_EQ(h.run({"ACL", "GETUSER", "alice"}),
            "*12\r\n$5\r\nflags\r\n*1\r\n$2\r\non\r\n$9\r\npasswords\r\n*1\r\n$64\r\n"
            "f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a\r\n"
            "$8\r\ncommands\r\n$17\r\n+@all -@dangerous\r\n$4\r\nkeys\r\n$2\r\n~*\r\n"
            "$8\r\nchannels\r\n$0\r\n\r\n$9\r\nselectors\r\n*0\r\n");
  EXPECT_EQ(h.run({"ACL", "GETUSER", "nosuch"}), "$-1\r\n");
}

TEST_F(AclCommandsTest, ABadRuleLeavesTheUserAsItWas) {
  h.run({"ACL", "SETUSER", "bob", "on", "+get"});
  EXPECT_EQ(h.run({"ACL", "SETUSER", "bob", "+set", "foo"}),
            "-ERR Error in ACL SETUSER modifier 'foo': Syntax error\r\n");
  EXPECT_EQ(h.run({"ACL", "LIST"}),
            "*2\r\n$36\r\nuser bob on resetchannels -@all +get\r\n"
            "$34\r\nuser default on nopass ~* &* +@all\r\n");
}

TEST_F(AclCommandsTest, AuthSwitchesUserAndFailuresAreLogged) {
  h.run({"ACL", "SETUSER", "carol", "on", ">pw", "+@all", "~*"});
  EXPECT_EQ(h.run({"AUTH", "carol", "bad"}), kWrongPass);
  EXPECT_EQ(h.run({"AUTH", "carol", "pw"}), kOk);
  EXPECT_EQ(h.run({"ACL", "WHOAMI"}), "$5\r\ncarol\r\n");
  ASSERT_EQ(h.acl.log.entries().size(), 1U);
  const AclLogEntry& entry = h.acl.log.entries().front();
  EXPECT_EQ(entry.reason, "auth");
  EXPECT_EQ(entry.object, "AUTH");
  EXPECT_EQ(entry.username, "carol");
  EXPECT_NE(entry.client_info.find(" user=default "), std::string::npos);
}

TEST_F(AclCommandsTest, RequirepassMakesNewClientsAuthenticate) {
  EXPECT_EQ(h.run({"CONFIG", "SET", "requirepass", "foo"}), kOk);
  ClientState& late = h.add_client();
  late.authenticated = !h.acl.auth_required();  // as the server starts a connection
  EXPECT_EQ(h.run_as(late, {"GET", "k"}), kNoAuth);
  EXPECT_EQ(h.run_as(late, {"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(h.run_as(late, {"AUTH", "nope"}), kWrongPass);
  EXPECT_EQ(h.run_as(late, {"AUTH", "foo"}), kOk);
  EXPECT_EQ(h.run_as(late, {"GET", "k"}), "$-1\r\n");
  EXPECT_EQ(h.run_as(late, {"RESET"}), "+RESET\r\n");
  EXPECT_EQ(h.run_as(late, {"GET", "k"}), kNoAuth);
  EXPECT_EQ(h.run({"CONFIG", "SET", "requirepass", ""}), kOk);
  EXPECT_EQ(h.run_as(late, {"GET", "k"}), "$-1\r\n");  // the default user needs no password now
}

TEST_F(AclCommandsTest, NopermRepliesAndLogEntries) {
  h.run({"ACL", "SETUSER", "dave", "on", "nopass", "-@all", "+get", "+publish", "~a*", "&x"});
  h.run({"AUTH", "dave", "x"});
  EXPECT_EQ(h.run({"GET", "b"}),
            "-NOPERM this user has no permissions to access one of the keys used as arguments\r\n");
  EXPECT_EQ(h.run({"SET", "a", "1"}),
            "-NOPERM this user has no permissions to run the 'set' command\r\n");
  EXPECT_EQ(h.run({"PUBLISH", "y", "m"}),
            "-NOPERM this user has no permissions to access one of the channels used as "
            "arguments\r\n");
  EXPECT_EQ(h.run({"GET", "a"}), "$-1\r\n");
  const auto& entries = h.acl.log.entries();
  ASSERT_EQ(entries.size(), 3U);
  EXPECT_EQ(entries[0].reason, "channel");
  EXPECT_EQ(entries[1].reason, "command");
  EXPECT_EQ(entries[1].object, "set");
  EXPECT_EQ(entries[2].reason, "key");
  EXPECT_EQ(entries[2].object, "b");
  // A refused command is a rejected call, not a call.
  EXPECT_EQ(h.stats.commands.at(h.table.find("set")->stats_id).rejected_calls, 1U);
  EXPECT_EQ(h.stats.commands.at(h.table.find("set")->stats_id).calls, 0U);
}

// The destinations of GEORADIUS ... STORE and SORT ... STORE are keys the
// user must be allowed to write: Redis finds them by a "keyword" key spec
// (the first STORE after the unit) and by sortGetKeys (the last STORE).
TEST_F(AclCommandsTest, StoreDestinationsNeedKeyPermission) {
  constexpr const char* kNoPermKeys =
      "-NOPERM this user has no permissions to access one of the keys used as arguments\r\n";
  h.run({"GEOADD", "src", "0", "0", "a"});
  h.run({"RPUSH", "srclist", "3", "1", "2"});
  h.run({"ACL", "SETUSER", "erin", "on", "nopass", "~src*", "+@all"});
  h.run({"AUTH", "erin", "x"});
  EXPECT_EQ(h.run({"GEORADIUS", "src", "0", "0", "1", "km", "STORE", "other"}), kNoPermKeys);
  EXPECT_EQ(h.run({"GEORADIUS", "src", "0", "0", "1", "km", "STORE", "src2", "STOREDIST", "o2"}),
            kNoPermKeys);
  EXPECT_EQ(h.run({"GEORADIUSBYMEMBER", "src", "a", "1", "km", "STOREDIST", "other"}), kNoPermKeys);
  EXPECT_EQ(h.run({"GEORADIUS", "src", "0", "0", "1", "km", "STORE", "src2"}), ":1\r\n");
  EXPECT_EQ(h.run({"SORT", "srclist", "STORE", "other"}), kNoPermKeys);
  EXPECT_EQ(h.run({"SORT", "srclist", "STORE", "other", "STORE", "src3"}), ":3\r\n");
  EXPECT_EQ(h.run({"SORT", "srclist", "LIMIT", "0", "1", "STORE", "o3"}), kNoPermKeys);
  EXPECT_EQ(h.run({"ACL", "DRYRUN", "erin", "SORT", "srclist", "STORE", "o4"}),
            "$51\r\nThis user has no permissions to access the 'o4' key\r\n");
  // Redis 7.0.15 checks GEORADIUS's first STORE key only, while the command
  // writes the last one: reproduced, not endorsed.
  EXPECT_EQ(h.run({"GEORADIUS", "src", "0", "0", "1", "km", "STORE", "src4", "STORE", "o5"}),
            ":1\r\n");

  const auto& entries = h.acl.log.entries();
  // As Redis's ACL LOG shows them, the newest first; the three refusals of
  // "other" (GEORADIUS, GEORADIUSBYMEMBER, SORT) are one entry, counted.
  ASSERT_EQ(entries.size(), 3U);
  EXPECT_EQ(entries[0].reason, "key");
  EXPECT_EQ(entries[0].object, "o3");
  EXPECT_EQ(entries[1].object, "other");
  EXPECT_EQ(entries[1].count, 3);
  EXPECT_EQ(entries[2].object, "o2");
  EXPECT_EQ(entries[2].count, 1);
}

TEST_F(AclCommandsTest, TheSameRefusalWithinAMinuteIsCounted) {
  h.run({"ACL", "SETUSER", "erin", "on", "nopass", "-@all"});
  h.run({"AUTH", "erin", "x"});
  h.run({"PING"});
  h.clock.advance(59000);
  h.run({"PING"});
  ASSERT_EQ(h.acl.log.entries().size(), 1U);
  EXPECT_EQ(h.acl.log.entries()[0].count, 2);
  h.clock.advance(60000);
  h.run({"PING"});
  EXPECT_EQ(h.acl.log.entries().size(), 2U);
}

TEST_F(AclCommandsTest, LogHonoursMaxLenAndCount) {
  h.config.acllog_max_len = 2;
  for (const char* name : {"u1", "u2", "u3"}) h.run({"AUTH", name, "x"});
  ASSERT_EQ(h.acl.log.entries().size(), 2U);
  EXPECT_EQ(h.acl.log.entries()[0].username, "u3");
  const std::string one = h.run({"ACL", "LOG", "1"});
  EXPECT_EQ(one.rfind("*1\r\n*14\r\n$5\r\ncount\r\n:1\r\n$6\r\nreason\r\n$4\r\nauth\r\n", 0), 0U);
  EXPECT_EQ(h.run({"ACL", "LOG", "RESET"}), kOk);
  EXPECT_EQ(h.run({"ACL", "LOG"}), "*0\r\n");
}

TEST_F(AclCommandsTest, DeluserKillsTheUsersOtherClientsAndClosesTheCaller) {
  h.run({"ACL", "SETUSER", "frank", "on", "nopass", "+@all"});
  ClientState& other = h.add_client();
  EXPECT_EQ(h.run_as(other, {"AUTH", "frank", "x"}), kOk);
  EXPECT_EQ(h.run({"AUTH", "frank", "x"}), kOk);
  EXPECT_EQ(h.run({"ACL", "DELUSER", "frank", "nosuch"}), ":1\r\n");
  EXPECT_EQ(h.server.killed_ids, std::vector<std::int64_t>{other.id});
  EXPECT_TRUE(h.client.close_after_reply);  // its reply first, then closed
  EXPECT_EQ(h.run({"ACL", "DELUSER", "default"}), "-ERR The 'default' user cannot be removed\r\n");
}

TEST_F(AclCommandsTest, ClientListShowsTheUser) {
  h.run({"ACL", "SETUSER", "gina", "on", "nopass", "+@all"});
  h.run({"AUTH", "gina", "x"});
  EXPECT_NE(h.run({"CLIENT", "INFO"}).find(" user=gina "), std::string::npos);
}

TEST_F(AclCommandsTest, HelloNeedsAuthenticationOrAuthenticates) {
  h.run({"CONFIG", "SET", "requirepass", "pw"});
  ClientState& late = h.add_client();
  late.authenticated = false;
  EXPECT_EQ(h.run_as(late, {"HELLO", "3"}).rfind("-NOAUTH HELLO must be called", 0), 0U);
  EXPECT_EQ(h.run_as(late, {"HELLO", "3", "AUTH", "default", "bad"}), kWrongPass);
  EXPECT_EQ(h.run_as(late, {"HELLO", "3", "AUTH", "default", "pw"}).rfind("%7\r\n", 0), 0U);
}

TEST_F(AclCommandsTest, DryrunAnswersWithoutRunning) {
  h.run({"ACL", "SETUSER", "hank", "on", "nopass", "-@all", "+set", "~a*"});
  EXPECT_EQ(h.run({"ACL", "DRYRUN", "hank", "set", "a", "1"}), kOk);
  EXPECT_EQ(h.run({"ACL", "DRYRUN", "hank", "set", "b", "1"}),
            "$50\r\nThis user has no permissions to access the 'b' key\r\n");
  EXPECT_EQ(h.run({"EXISTS", "a"}), ":0\r\n");  // nothing ran
  EXPECT_TRUE(h.acl.log.entries().empty());     // and nothing was logged
}

TEST_F(AclCommandsTest, GenpassSizes) {
  EXPECT_EQ(h.run({"ACL", "GENPASS"}).substr(0, 5), "$64\r\n");
  EXPECT_EQ(h.run({"ACL", "GENPASS", "5"}).substr(0, 4), "$2\r\n");
  EXPECT_EQ(h.run({"ACL", "GENPASS", "0"}),
            "-ERR ACL GENPASS argument must be the number of bits for the output password, a "
            "positive number up to 4096\r\n");
}

TEST_F(AclCommandsTest, AclCatListsCategoriesAndTheirCommands) {
  EXPECT_EQ(h.run({"ACL", "CAT"}).substr(0, 23), "*21\r\n$8\r\nkeyspace\r\n$4\r\n");
  EXPECT_NE(h.run({"ACL", "CAT", "string"}).find("$3\r\nget\r\n"), std::string::npos);
  EXPECT_EQ(h.run({"ACL", "CAT", "nosuch"}), "-ERR Unknown category 'nosuch'\r\n");
}

}  // namespace
}  // namespace mini_redis::commands
