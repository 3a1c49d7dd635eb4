// MULTI, EXEC, DISCARD through the dispatcher: queueing, the errors of each
// misuse, EXECABORT after a refused command, run-time errors left in the
// result array, blocking commands that do not block, and the counters
// (calls, rejected, failed, errorstats) as Redis 7.0 keeps them.
#include <gtest/gtest.h>

#include "commands/core/command_table.h"
#include "unit/support/command_harness.h"

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

constexpr std::string_view kExecAbort =
    "-EXECABORT Transaction discarded because of previous errors.\r\n";

class TransactionTest : public ::testing::Test {
 protected:
  const CommandStats& stats_of(std::string_view name) {
    return h.stats.commands.at(h.table.find_by_full_name(name)->stats_id);
  }
  std::uint64_t errors_with_code(const std::string& code) {
    const auto& codes = h.stats.errors.by_code();
    auto found = codes.find(code);
    return found == codes.end() ? 0 : found->second;
  }

  CommandHarness h;
};

TEST_F(TransactionTest, QueuedCommandsRunAtExecWithTheirRepliesInOneArray) {
  EXPECT_EQ(h.run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(h.run({"SET", "k", "1"}), "+QUEUED\r\n");
  EXPECT_EQ(h.run({"INCR", "k"}), "+QUEUED\r\n");
  // Queued, not run: the key does not exist yet for anyone.
  EXPECT_EQ(h.keyspace.db(0).lookup_quietly("k"), nullptr);
  EXPECT_EQ(h.run({"EXEC"}), "*2\r\n+OK\r\n:2\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$1\r\n2\r\n");
  // The transaction is over: the next command runs at once.
  EXPECT_EQ(h.run({"INCR", "k"}), ":3\r\n");
}

TEST_F(TransactionTest, EmptyTransactionAnswersAnEmptyArray) {
  h.run({"MULTI"});
  EXPECT_EQ(h.run({"EXEC"}), "*0\r\n");
}

TEST_F(TransactionTest, QueuedArgumentsAreCopiesThatOutliveTheRequest) {
  h.run({"MULTI"});
  {
    // The request's bytes are gone (the connection reuses its buffer)
    // before EXEC runs; a big value gets a block of its own.
    std::vector<std::string> words{"SET", "big", std::string(100'000, 'x')};
    h.run(std::move(words));
    h.run({"APPEND", "small", "abc"});
  }
  EXPECT_EQ(h.run({"EXEC"}), "*2\r\n+OK\r\n:3\r\n");
  EXPECT_EQ(h.run({"STRLEN", "big"}), ":100000\r\n");
  EXPECT_EQ(h.run({"GET", "small"}), "$3\r\nabc\r\n");
}

TEST_F(TransactionTest, MisusesGetRedisErrorsAndDoNotDoomTheTransaction) {
  EXPECT_EQ(h.run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
  EXPECT_EQ(h.run({"DISCARD"}), "-ERR DISCARD without MULTI\r\n");
  h.run({"MULTI"});
  EXPECT_EQ(h.run({"MULTI"}), "-ERR MULTI calls can not be nested\r\n");
  EXPECT_EQ(h.run({"WATCH", "k"}), "-ERR WATCH inside MULTI is not allowed\r\n");
  EXPECT_EQ(h.run({"SET", "k", "v"}), "+QUEUED\r\n");
  EXPECT_EQ(h.run({"EXEC"}), "*1\r\n+OK\r\n");
}

TEST_F(TransactionTest, CommandRefusedWhileQueueingAbortsExec) {
  const std::vector<std::vector<std::string>> refused = {
      {"NOSUCH"},            // unknown command
      {"GET"},               // wrong arity
      {"CLIENT", "NOSUCH"},  // unknown subcommand
      {"SHUTDOWN"},          // flagged no-multi
  };
  for (const auto& command : refused) {
    h.run({"MULTI"});
    h.run({"SET", "k", "v"});
    EXPECT_EQ(h.run(command).front(), '-') << command[0];
    EXPECT_EQ(h.run({"PING"}), "+QUEUED\r\n");  // still queueing
    EXPECT_EQ(h.run({"EXEC"}), kExecAbort) << command[0];
    EXPECT_EQ(h.keyspace.db(0).lookup_quietly("k"), nullptr) << "nothing ran";
    // The transaction is over.
    EXPECT_EQ(h.run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
  }
  EXPECT_FALSE(h.server.shutdown_requested);
}

TEST_F(TransactionTest, RefusedExecIsAnExecAbortThatEndsTheTransaction) {
  const std::string abort_for_arity =
      "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
      "command\r\n";
  EXPECT_EQ(h.run({"EXEC", "x"}), abort_for_arity) << "outside MULTI too";
  h.run({"MULTI"});
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"EXEC", "x"}), abort_for_arity);
  EXPECT_FALSE(h.client.transaction.open);
  EXPECT_EQ(h.run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n");
  EXPECT_EQ(stats_of("exec").rejected_calls, 2U);
  EXPECT_EQ(errors_with_code("EXECABORT"), 2U);
}

TEST_F(TransactionTest, OutOfMemoryRefusesWhatWouldGrowTheQueue) {
  const std::string oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
  h.run({"MULTI"});
  h.run({"SET", "k", "v"});
  ClientState& admin = h.add_client();
  h.run_as(admin, {"CONFIG", "SET", "maxmemory", "1"});  // noeviction: nothing can be freed
  EXPECT_EQ(h.run({"PING"}), oom) << "not denyoom, but it would be queued";
  EXPECT_EQ(h.run({"EXEC"}),
            "-EXECABORT Transaction discarded because of: OOM command not allowed when used "
            "memory > 'maxmemory'.\r\n")
      << "the queue holds a denyoom command";
  h.run({"MULTI"});
  EXPECT_EQ(h.run({"GET", "k"}), oom);
  EXPECT_EQ(h.run({"DISCARD"}), "+OK\r\n");
  h.run({"MULTI"});
  EXPECT_EQ(h.run({"EXEC"}), "*0\r\n");
}

TEST_F(TransactionTest, NoMultiCommandGetsItsOwnErrorAndCountsAsRejected) {
  h.run({"MULTI"});
  EXPECT_EQ(h.run({"SHUTDOWN"}), "-ERR Command not allowed inside a transaction\r\n");
  EXPECT_EQ(stats_of("shutdown").rejected_calls, 1U);
  EXPECT_EQ(stats_of("shutdown").calls, 0U);
}

TEST_F(TransactionTest, RunTimeErrorStaysInTheArrayAndTheOthersStillRun) {
  h.run({"MULTI"});
  h.run({"SET", "a", "1"});
  h.run({"LPUSH", "a", "x"});
  h.run({"INCR", "a"});
  EXPECT_EQ(h.run({"EXEC"}),
            "*3\r\n+OK\r\n"
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
            ":2\r\n");
}

TEST_F(TransactionTest, DiscardDropsTheQueue) {
  h.run({"MULTI"});
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"DISCARD"}), "+OK\r\n");
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n");
  EXPECT_EQ(h.run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
}

TEST_F(TransactionTest, BlockingCommandInsideExecAnswersItsTimeoutAtOnce) {
  h.run({"MULTI"});
  h.run({"BLPOP", "empty", "0"});
  h.run({"RPUSH", "list", "a"});
  h.run({"BLPOP", "list", "0"});
  EXPECT_EQ(h.run({"EXEC"}), "*3\r\n*-1\r\n:1\r\n*2\r\n$4\r\nlist\r\n$1\r\na\r\n");
  EXPECT_EQ(h.client.blocked, nullptr);
  EXPECT_FALSE(h.client.deny_blocking) << "restored after EXEC";
  EXPECT_EQ(h.blocking.blocked_clients(), 0U);
}

TEST_F(TransactionTest, MonitorRunByExecIsRefused) {
  h.run({"MULTI"});
  h.run({"MONITOR"});
  EXPECT_EQ(h.run({"EXEC"}), "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n");
  EXPECT_FALSE(h.client.monitor);
}

TEST_F(TransactionTest, SelectInsideTheTransactionAppliesToTheCommandsAfterIt) {
  h.run({"MULTI"});
  h.run({"SELECT", "3"});
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"EXEC"}), "*2\r\n+OK\r\n+OK\r\n");
  EXPECT_EQ(h.client.db_index, 3);
  EXPECT_NE(h.keyspace.db(3).lookup_quietly("k"), nullptr);
}

TEST_F(TransactionTest, Resp3AnswersTheSameShapes) {
  h.run({"HELLO", "3"});
  h.run({"MULTI"});
  h.run({"GET", "nothing"});
  EXPECT_EQ(h.run({"EXEC"}), "*1\r\n_\r\n");
}

TEST_F(TransactionTest, ResetLeavesTheTransaction) {
  h.run({"MULTI"});
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"RESET"}), "+RESET\r\n");
  EXPECT_FALSE(h.client.transaction.open);
  EXPECT_TRUE(h.client.transaction.queued.empty());
  EXPECT_EQ(h.run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
}

TEST_F(TransactionTest, QuitInsideMultiRunsAtOnce) {
  h.run({"MULTI"});
  EXPECT_EQ(h.run({"QUIT"}), "+OK\r\n");
  EXPECT_TRUE(h.client.close_after_reply);
}

TEST_F(TransactionTest, CountersFollowRedis) {
  h.run({"MULTI"});
  h.run({"SET", "a", "1"});
  h.run({"LPUSH", "a", "x"});
  h.run({"EXEC"});
  h.run({"MULTI"});
  h.run({"NOSUCH"});
  h.run({"SET", "b", "1"});
  h.run({"EXEC"});
  // Queued commands are counted when EXEC runs them, not when queued.
  EXPECT_EQ(stats_of("set").calls, 1U);
  EXPECT_EQ(stats_of("lpush").calls, 1U);
  EXPECT_EQ(stats_of("lpush").failed_calls, 1U);
  // EXEC is a call each time; only its EXECABORT is a failed call (an
  // error inside the array is the inner command's).
  EXPECT_EQ(stats_of("exec").calls, 2U);
  EXPECT_EQ(stats_of("exec").failed_calls, 1U);
  EXPECT_EQ(stats_of("multi").calls, 2U);
  EXPECT_EQ(errors_with_code("WRONGTYPE"), 1U);
  EXPECT_EQ(errors_with_code("EXECABORT"), 1U);
  EXPECT_EQ(errors_with_code("ERR"), 1U);  // the unknown command
  EXPECT_EQ(h.stats.total_error_replies, 3U);
  // MULTI, SET, LPUSH, EXEC, MULTI, EXEC: not the queueing, not NOSUCH.
  EXPECT_EQ(h.stats.total_commands_processed, 6U);
}

TEST_F(TransactionTest, MonitorSeesQueuedCommandsWhenTheyRunBeforeExec) {
  ClientState& monitor = h.add_client();
  h.run_as(monitor, {"MONITOR"});
  h.output_of(monitor);
  h.run({"MULTI"});
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.output_of(monitor).find("SET"), std::string::npos) << "not when queued";
  h.run({"EXEC"});
  const std::string feed = h.output_of(monitor);
  const std::size_t set = feed.find("\"SET\" \"k\" \"v\"");
  const std::size_t exec = feed.find("\"EXEC\"");
  ASSERT_NE(set, std::string::npos);
  ASSERT_NE(exec, std::string::npos);
  EXPECT_LT(set, exec);
}

TEST_F(TransactionTest, SlowlogShowsTheQueuedCommandsNotExec) {
  h.config.slowlog_log_slower_than_us = 0;
  h.run({"MULTI"});
  h.run({"SET", "k", "v"});
  h.run({"EXEC"});
  // Newest first: SET (run by EXEC), then MULTI; EXEC is skip_slowlog.
  const std::string log = h.run({"SLOWLOG", "GET"});
  EXPECT_NE(log.find("$3\r\nSET\r\n"), std::string::npos);
  EXPECT_NE(log.find("$5\r\nMULTI\r\n"), std::string::npos);
  EXPECT_EQ(log.find("$4\r\nEXEC\r\n"), std::string::npos);
}

TEST_F(TransactionTest, ClientListShowsTheTransaction) {
  ClientState& other = h.add_client();
  const auto line_of_first = [&] {
    const std::string list = h.run_as(other, {"CLIENT", "LIST"});
    const std::size_t start = list.find("\r\n") + 2;  // after the bulk's length
    return list.substr(start, list.find('\n', start) - start);
  };
  EXPECT_NE(line_of_first().find(" flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 "), std::string::npos);
  h.run({"MULTI"});
  h.run({"SET", "a", "1"});
  h.run({"GET", "a"});
  const std::string line = line_of_first();
  EXPECT_EQ(line.rfind("id=1 ", 0), 0U) << line;
  EXPECT_NE(line.find(" flags=x "), std::string::npos) << line;
  EXPECT_NE(line.find(" multi=2 "), std::string::npos) << line;
  // Redis's figure: argument bytes plus a pointer per argument (5+24, 4+16).
  EXPECT_NE(line.find(" multi-mem=49 "), std::string::npos) << line;
  EXPECT_NE(line.find(" cmd=get "), std::string::npos) << "the command just queued";
}

TEST_F(TransactionTest, ClientInfoRunByExecStillSeesTheTransaction) {
  h.run({"MULTI"});
  h.run({"CLIENT", "INFO"});
  const std::string reply = h.run({"EXEC"});
  EXPECT_NE(reply.find(" flags=x "), std::string::npos) << reply;
  EXPECT_NE(reply.find(" multi=1 "), std::string::npos) << reply;
  EXPECT_NE(reply.find(" cmd=exec "), std::string::npos) << reply;
}

}  // namespace
}  // namespace mini_redis::commands
