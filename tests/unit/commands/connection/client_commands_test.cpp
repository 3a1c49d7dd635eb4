// CLIENT and its subcommands, byte for byte as Redis 7.0.15 answers them
// (SETINFO as Redis 7.2 does). CLIENT LIST lines are checked whole, with the
// clients' addresses and buffer sizes set by the test.
#include <gtest/gtest.h>

#include "unit/support/command_harness.h"

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

// A harness whose client looks like one the server accepted 5 s ago.
class ClientCommands : public ::testing::Test {
 protected:
  ClientCommands() {
    h.client.id = 7;
    h.client.peer_address = "127.0.0.1:50000";
    h.client.local_address = "127.0.0.1:6379";
    h.client.socket_fd = 8;
    h.client.created_ms = h.clock.now_ms() - 5'000;
    h.client.last_command_ms = h.clock.now_ms();
    h.client.query_buffer_bytes = 26;
    h.client.query_buffer_free = 20448;
  }

  CommandHarness h;
};

// The line CLIENT INFO shows for the harness's client running `cmd` with
// arguments of `argv_mem` bytes in all; tot-mem adds qbuf, qbuf-free, argv-mem
// and the 16 KiB reply buffer.
std::string own_line(const std::string& cmd, int argv_mem, const std::string& name = "", int db = 0,
                     int resp = 2) {
  return "id=7 addr=127.0.0.1:50000 laddr=127.0.0.1:6379 fd=8 name=" + name +
         " age=5 idle=0 flags=N db=" + std::to_string(db) +
         " sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=20448 argv-mem=" +
         std::to_string(argv_mem) + " multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=0 tot-mem=" +
         std::to_string(26 + 20448 + argv_mem + 16384) + " events=r cmd=" + cmd +
         " user=default redir=-1 resp=" + std::to_string(resp) + "\n";
}

std::string bulk(const std::string& text) {
  return "$" + std::to_string(text.size()) + "\r\n" + text + "\r\n";
}

TEST_F(ClientCommands, IdIsTheConnectionsId) {
  EXPECT_EQ(h.run({"CLIENT", "ID"}), ":7\r\n");
  EXPECT_EQ(h.run({"client", "id", "x"}),
            "-ERR wrong number of arguments for 'client|id' command\r\n");
}

TEST_F(ClientCommands, AloneOrWithAnUnknownSubcommandIsAnError) {
  EXPECT_EQ(h.run({"CLIENT"}), "-ERR wrong number of arguments for 'client' command\r\n");
  EXPECT_EQ(h.run({"CLIENT", "FOO"}), "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n");
}

TEST_F(ClientCommands, SetnameThenGetname) {
  EXPECT_EQ(h.run({"CLIENT", "GETNAME"}), "$-1\r\n");
  EXPECT_EQ(h.run({"CLIENT", "SETNAME", "foo"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CLIENT", "GETNAME"}), "$3\r\nfoo\r\n");
  EXPECT_EQ(h.run({"CLIENT", "SETNAME", "~!"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CLIENT", "GETNAME"}), "$2\r\n~!\r\n");
}

TEST_F(ClientCommands, AnEmptyNameRemovesTheName) {
  h.run({"CLIENT", "SETNAME", "foo"});
  EXPECT_EQ(h.run({"CLIENT", "SETNAME", ""}), "+OK\r\n");
  EXPECT_EQ(h.run({"CLIENT", "GETNAME"}), "$-1\r\n");
  h.run({"HELLO", "3"});
  EXPECT_EQ(h.run({"CLIENT", "GETNAME"}), "_\r\n");
}

TEST_F(ClientCommands, NamesMustBePrintableWithoutSpaces) {
  for (const char* bad : {"a b", "a\nb", "a\x7f", "\xc3\xa9"}) {
    EXPECT_EQ(h.run({"CLIENT", "SETNAME", bad}),
              "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  }
  EXPECT_EQ(h.run({"CLIENT", "SETNAME"}),
            "-ERR wrong number of arguments for 'client|setname' command\r\n");
  EXPECT_EQ(h.run({"CLIENT", "SETNAME", "a", "b"}),
            "-ERR wrong number of arguments for 'client|setname' command\r\n");
  EXPECT_EQ(h.run({"CLIENT", "GETNAME", "x"}),
            "-ERR wrong number of arguments for 'client|getname' command\r\n");
}

TEST_F(ClientCommands, SetinfoStoresTheLibraryNameAndVersion) {
  EXPECT_EQ(h.run({"CLIENT", "SETINFO", "LIB-NAME", "redis-py"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CLIENT", "SETINFO", "lib-ver", "5.0.1"}), "+OK\r\n");
  EXPECT_EQ(h.client.library_name, "redis-py");
  EXPECT_EQ(h.client.library_version, "5.0.1");
}

TEST_F(ClientCommands, SetinfoRejectsUnknownOptionsAndBadValues) {
  EXPECT_EQ(h.run({"CLIENT", "SETINFO", "badger", "x"}), "-ERR Unrecognized option 'badger'\r\n");
  EXPECT_EQ(h.run({"CLIENT", "SETINFO", "lib-name", "redis py"}),
            "-ERR lib-name cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(h.run({"CLIENT", "SETINFO", "lib-name"}),
            "-ERR wrong number of arguments for 'client|setinfo' command\r\n");
}

TEST_F(ClientCommands, InfoDescribesThisConnection) {
  EXPECT_EQ(h.run({"CLIENT", "INFO"}), bulk(own_line("client|info", 10)));
  h.run({"CLIENT", "SETNAME", "x"});
  h.run({"SELECT", "3"});
  EXPECT_EQ(h.run({"CLIENT", "INFO"}), bulk(own_line("client|info", 10, "x", 3)));
  EXPECT_EQ(h.run({"CLIENT", "INFO", "x"}),
            "-ERR wrong number of arguments for 'client|info' command\r\n");
}

TEST_F(ClientCommands, InfoIsVerbatimTextInResp3) {
  h.run({"HELLO", "3"});
  const std::string line = own_line("client|info", 10, "", 0, 3);
  EXPECT_EQ(h.run({"CLIENT", "INFO"}),
            "=" + std::to_string(line.size() + 4) + "\r\ntxt:" + line + "\r\n");
}

TEST_F(ClientCommands, IdleAndAgeAreWholeSecondsSinceTheLastCommandAndTheConnection) {
  h.clock.advance(2'500);
  EXPECT_NE(h.run({"CLIENT", "INFO"}).find(" age=7 idle=2 "), std::string::npos);
}

TEST_F(ClientCommands, ListShowsEveryClientInConnectionOrder) {
  ClientState other;
  other.id = 9;
  other.name = "worker";
  other.peer_address = "127.0.0.1:50001";
  other.local_address = "127.0.0.1:6379";
  other.socket_fd = 9;
  other.created_ms = h.clock.now_ms() - 60'000;
  other.last_command_ms = h.clock.now_ms() - 30'000;
  other.last_command = "get";
  other.db_index = 1;
  other.output_buffer_bytes = 100;
  other.protocol = protocol::ProtocolVersion::resp3;
  h.server.clients.push_back(&other);

  const std::string other_line =
      "id=9 addr=127.0.0.1:50001 laddr=127.0.0.1:6379 fd=9 name=worker age=60 idle=30 flags=N db=1 "
      "sub=0 "
      "psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=16384 "
      "obl=100 oll=0 "
      "omem=0 tot-mem=16484 events=rw cmd=get user=default redir=-1 resp=3\n";
  EXPECT_EQ(h.run({"CLIENT", "LIST"}), bulk(own_line("client|list", 10) + other_line));
  EXPECT_EQ(h.run({"CLIENT", "LIST", "TYPE", "normal"}),
            bulk(own_line("client|list", 20) + other_line));
  EXPECT_EQ(h.run({"CLIENT", "LIST", "ID", "9", "7", "9"}),
            bulk(other_line + own_line("client|list", 15) + other_line));
}

TEST_F(ClientCommands, ListOfOtherTypesIsEmpty) {
  for (const char* type : {"master", "replica", "slave", "PUBSUB"}) {
    EXPECT_EQ(h.run({"CLIENT", "LIST", "TYPE", type}), "$0\r\n\r\n") << type;
  }
  EXPECT_EQ(h.run({"CLIENT", "LIST", "ID", "1000", "0", "-1"}), "$0\r\n\r\n");
}

TEST_F(ClientCommands, ListRejectsBadFilters) {
  EXPECT_EQ(h.run({"CLIENT", "LIST", "TYPE", "foo"}), "-ERR Unknown client type 'foo'\r\n");
  EXPECT_EQ(h.run({"CLIENT", "LIST", "ID", "x"}), "-ERR Invalid client ID\r\n");
  EXPECT_EQ(h.run({"CLIENT", "LIST", "ID", "1", "TYPE", "normal"}), "-ERR Invalid client ID\r\n");
  EXPECT_EQ(h.run({"CLIENT", "LIST", "ID"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"CLIENT", "LIST", "TYPE"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"CLIENT", "LIST", "FOO"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"CLIENT", "LIST", "TYPE", "normal", "ID", "5"}), "-ERR syntax error\r\n");
}

TEST_F(ClientCommands, ReplyOffSilencesUntilReplyOn) {
  EXPECT_EQ(h.run({"CLIENT", "REPLY", "OFF"}), "");
  EXPECT_EQ(h.run({"PING"}), "");
  EXPECT_EQ(h.run({"CLIENT", "REPLY", "ON"}), "+OK\r\n");
  EXPECT_EQ(h.run({"PING"}), "+PONG\r\n");
}

TEST_F(ClientCommands, ReplySkipSilencesOnlyTheNextCommand) {
  EXPECT_EQ(h.run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(h.run({"PING"}), "");
  EXPECT_EQ(h.run({"PING"}), "+PONG\r\n");
}

TEST_F(ClientCommands, ReplySkipTwiceSilencesTheSecondSkipAndOnlyOneCommandAfterIt) {
  // Redis: the second SKIP is itself skipped but still arms a skip, so of the
  // two PINGs that follow only the second is answered.
  EXPECT_EQ(h.run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(h.run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(h.run({"PING"}), "");
  EXPECT_EQ(h.run({"PING"}), "+PONG\r\n");
}

TEST_F(ClientCommands, ReplyOnAfterSkipIsAnswered) {
  h.run({"CLIENT", "REPLY", "SKIP"});
  EXPECT_EQ(h.run({"CLIENT", "REPLY", "ON"}), "+OK\r\n");
  EXPECT_EQ(h.run({"PING"}), "+PONG\r\n");
}

TEST_F(ClientCommands, ReplySkipIsIgnoredWhileOff) {
  h.run({"CLIENT", "REPLY", "OFF"});
  EXPECT_EQ(h.run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(h.run({"PING"}), "");
  EXPECT_EQ(h.run({"PING"}), "");
  EXPECT_EQ(h.run({"CLIENT", "REPLY", "ON"}), "+OK\r\n");
}

TEST_F(ClientCommands, ReplyRejectsOtherModes) {
  EXPECT_EQ(h.run({"CLIENT", "REPLY", "FOO"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"CLIENT", "REPLY"}),
            "-ERR wrong number of arguments for 'client|reply' command\r\n");
  EXPECT_EQ(h.run({"CLIENT", "REPLY", "ON", "x"}),
            "-ERR wrong number of arguments for 'client|reply' command\r\n");
}

TEST_F(ClientCommands, HelpListsTheSubcommands) {
  const std::string help = h.run({"CLIENT", "HELP"});
  EXPECT_TRUE(
      help.starts_with("*48\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                       "+CACHING (YES|NO)\r\n"));
  EXPECT_TRUE(help.ends_with("+HELP\r\n+    Prints this help.\r\n"));
  EXPECT_NE(help.find("+UNBLOCK <clientid> [TIMEOUT|ERROR]\r\n"), std::string::npos);
  EXPECT_EQ(h.run({"CLIENT", "HELP", "x"}),
            "-ERR wrong number of arguments for 'client|help' command\r\n");
}

TEST_F(ClientCommands, UnblockAsksTheServerWithTheReasonItWasGiven) {
  EXPECT_EQ(h.run({"CLIENT", "UNBLOCK", "7"}), ":0\r\n");  // no parked client here
  EXPECT_EQ(h.run({"CLIENT", "UNBLOCK", "8", "error"}), ":0\r\n");
  EXPECT_EQ(h.run({"CLIENT", "UNBLOCK", "9", "TIMEOUT"}), ":0\r\n");
  const std::vector<std::pair<std::int64_t, bool>> expected{{7, false}, {8, true}, {9, false}};
  EXPECT_EQ(h.server.unblock_requests, expected);
}

TEST_F(ClientCommands, UnblockRefusesABadIdReasonOrWordCount) {
  EXPECT_EQ(h.run({"CLIENT", "UNBLOCK", "abc"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"CLIENT", "UNBLOCK", "1", "later"}),
            "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n");
  EXPECT_EQ(h.run({"CLIENT", "UNBLOCK", "1", "timeout", "x"}),
            "-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT "
            "HELP.\r\n");
  EXPECT_TRUE(h.server.unblock_requests.empty());
}

TEST_F(ClientCommands, AParkedClientShowsFlagBInTheList) {
  h.client.blocked = std::make_unique<BlockedState>();
  EXPECT_NE(h.run({"CLIENT", "INFO"}).find(" flags=b "), std::string::npos);
  h.client.blocked.reset();
  EXPECT_NE(h.run({"CLIENT", "INFO"}).find(" flags=N "), std::string::npos);
}

TEST_F(ClientCommands, SubcommandsAreTabledWithTheirFullNames) {
  const CommandSpec* client = h.table.find("client");
  ASSERT_NE(client, nullptr);
  const CommandSpec* list = client->find_subcommand("LIST");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->full_name, "client|list");
  EXPECT_EQ(list->arity, -2);
  EXPECT_EQ(list->acl_categories, "@admin @slow @dangerous @connection");
}

}  // namespace
}  // namespace mini_redis::commands
