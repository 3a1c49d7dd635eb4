// INFO: Redis 7.0's text layout, the sections we keep, and the numbers in them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "commands/server/info.h"
#include "unit/support/command_harness.h"

namespace mini_redis {
namespace {

using testing::CommandHarness;

// The text inside a RESP2 bulk string reply ("$<len>\r\n<text>\r\n").
std::string bulk_body(const std::string& reply) {
  const std::size_t start = reply.find("\r\n") + 2;
  const std::size_t length = std::stoul(reply.substr(1, start - 3));
  EXPECT_EQ(reply.size(), start + length + 2) << reply;
  return reply.substr(start, length);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find("\r\n", start);
    if (end == std::string::npos) {
      ADD_FAILURE() << "text does not end in CRLF: " << text;
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

// The names of the fields of the text, in order ("redis_version", ...).
std::vector<std::string> field_names(const std::string& text) {
  std::vector<std::string> names;
  for (const std::string& line : lines_of(text)) {
    if (line.empty() || line.starts_with("#")) continue;
    names.push_back(line.substr(0, line.find(':')));
  }
  return names;
}

std::string field_value(const std::string& text, const std::string& name) {
  for (const std::string& line : lines_of(text)) {
    if (line.starts_with(name + ":")) return line.substr(name.size() + 1);
  }
  return "<missing>";
}

TEST(InfoCommand, DefaultPrintsTheDefaultSectionsInRedisOrder) {
  CommandHarness h;
  const std::string text = bulk_body(h.run({"INFO"}));
  std::vector<std::string> headers;
  for (const std::string& line : lines_of(text)) {
    if (line.starts_with("# ")) headers.push_back(line);
  }
  EXPECT_EQ(headers, (std::vector<std::string>{"# Server", "# Clients", "# Memory", "# Persistence",
                                               "# Stats", "# Replication", "# CPU", "# Modules",
                                               "# Errorstats", "# Cluster", "# Keyspace"}));
  // "default" is the same set of sections. (Compared by headers, not by
  // offsets: memory figures may gain a digit between two calls.)
  std::vector<std::string> default_headers;
  for (const std::string& line : lines_of(bulk_body(h.run({"INFO", "default"})))) {
    if (line.starts_with("# ")) default_headers.push_back(line);
  }
  EXPECT_EQ(default_headers, headers);
}

// Redis 7.0: "all" and "everything" add commandstats and latencystats to
// the default set (everything would add module sections too; there are none).
TEST(InfoCommand, AllAndEverythingAddCommandstatsAndLatencystats) {
  CommandHarness h;
  auto headers = [&h](std::vector<std::string> words) {
    std::vector<std::string> found;
    for (const std::string& line : lines_of(bulk_body(h.run(std::move(words))))) {
      if (line.starts_with("# ")) found.push_back(line);
    }
    return found;
  };
  const std::vector<std::string> all{
      "# Server",       "# Clients", "# Memory",  "# Persistence",  "# Stats",
      "# Replication",  "# CPU",     "# Modules", "# Commandstats", "# Errorstats",
      "# Latencystats", "# Cluster", "# Keyspace"};
  EXPECT_EQ(headers({"INFO", "ALL"}), all);
  EXPECT_EQ(headers({"INFO", "everything"}), all);
  EXPECT_EQ(headers({"INFO", "latencystats", "default"}).size(), 12U);
}

TEST(InfoCommand, EverySectionButTheLastEndsWithABlankLine) {
  CommandHarness h;
  EXPECT_EQ(h.run({"INFO", "cluster"}), "$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n");
  // Sections come in Redis's order, once each, whatever order they are asked in.
  EXPECT_EQ(h.run({"INFO", "cluster", "MODULES", "Cluster"}),
            "$43\r\n# Modules\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n");
}

TEST(InfoCommand, UnknownSectionsAreIgnored) {
  CommandHarness h;
  EXPECT_EQ(h.run({"INFO", "foo"}), "$0\r\n\r\n");
  EXPECT_EQ(h.run({"INFO", "foo", "cluster"}), "$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n");
}

TEST(InfoCommand, IsVerbatimTextInResp3) {
  CommandHarness h;
  h.client.protocol = protocol::ProtocolVersion::resp3;
  EXPECT_EQ(h.run({"INFO", "cluster"}), "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n");
}

TEST(InfoServer, ReportsTheRedisVersionWeFollowAndOurOwn) {
  CommandHarness h;
  const std::string text = bulk_body(h.run({"INFO", "server"}));
  EXPECT_TRUE(
      text.starts_with("# Server\r\nredis_version:7.0.15\r\nmini_redis_version:0.1.0\r\n"
                       "redis_mode:standalone\r\n"))
      << text;
  EXPECT_EQ(field_names(text), (std::vector<std::string>{
                                   "redis_version", "mini_redis_version", "redis_mode", "os",
                                   "arch_bits", "gcc_version", "process_id", "run_id", "tcp_port",
                                   "server_time_usec", "uptime_in_seconds", "uptime_in_days", "hz",
                                   "configured_hz", "executable", "config_file"}));
}

TEST(InfoServer, ReportsFactsFromStatsAndConfig) {
  CommandHarness h;
  h.stats.run_id = std::string(40, 'a');
  h.stats.process_id = 4242;
  h.stats.tcp_port = 7000;
  h.stats.executable = "/usr/local/bin/mini-redis-server";
  h.stats.start_time_ms = h.clock.now_ms() - 90'061'000;  // 1 day, 1 hour, 1 minute, 1 second ago
  h.config.hz = 25;
  const std::string text = bulk_body(h.run({"INFO", "server"}));
  EXPECT_EQ(field_value(text, "run_id"), std::string(40, 'a'));
  EXPECT_EQ(field_value(text, "process_id"), "4242");
  EXPECT_EQ(field_value(text, "tcp_port"), "7000");
  EXPECT_EQ(field_value(text, "uptime_in_seconds"), "90061");
  EXPECT_EQ(field_value(text, "uptime_in_days"), "1");
  EXPECT_EQ(field_value(text, "hz"), "25");
  EXPECT_EQ(field_value(text, "server_time_usec"), std::to_string(h.clock.now_ms() * 1000));
  EXPECT_EQ(field_value(text, "executable"), "/usr/local/bin/mini-redis-server");
  EXPECT_EQ(field_value(text, "config_file"), "");
  EXPECT_EQ(field_value(text, "arch_bits"), "64");
}

TEST(InfoClients, CountsConnectedClientsAndTheLimit) {
  CommandHarness h;
  h.config.maxclients = 500;
  EXPECT_EQ(bulk_body(h.run({"INFO", "clients"})),
            "# "
            "Clients\r\nconnected_clients:1\r\nmaxclients:500\r\nblocked_clients:0\r\ntracking_"
            "clients:0\r\n");
}

TEST(InfoMemory, HasRedisFieldNamesInRedisOrder) {
  CommandHarness h;
  const std::string text = bulk_body(h.run({"INFO", "memory"}));
  EXPECT_EQ(field_names(text),
            (std::vector<std::string>{
                "used_memory", "used_memory_human", "used_memory_rss", "used_memory_rss_human",
                "total_system_memory", "total_system_memory_human", "used_memory_lua",
                "used_memory_vm_eval", "used_memory_lua_human", "used_memory_scripts_eval",
                "number_of_cached_scripts", "number_of_functions", "number_of_libraries",
                "used_memory_vm_functions", "used_memory_vm_total", "used_memory_vm_total_human",
                "used_memory_functions", "used_memory_scripts", "used_memory_scripts_human",
                "maxmemory", "maxmemory_human", "maxmemory_policy", "mem_fragmentation_ratio",
                "mem_fragmentation_bytes", "mem_not_counted_for_evict", "mem_clients_slaves",
                "mem_clients_normal", "mem_allocator", "lazyfree_pending_objects",
                "lazyfreed_objects"}));
  EXPECT_EQ(field_value(text, "maxmemory_human"), "0B");
  EXPECT_EQ(field_value(text, "maxmemory_policy"), "noeviction");
  EXPECT_NE(field_value(text, "used_memory"), "0");
}

TEST(InfoMemory, HumanBytesAreFormattedLikeRedis) {
  using commands::format_human_bytes;
  EXPECT_EQ(format_human_bytes(0), "0B");
  EXPECT_EQ(format_human_bytes(1023), "1023B");
  EXPECT_EQ(format_human_bytes(1024), "1.00K");
  EXPECT_EQ(format_human_bytes(990'544), "967.33K");  // real used_memory_human values
  EXPECT_EQ(format_human_bytes(7'168'000), "6.84M");
  EXPECT_EQ(format_human_bytes(25'276'510'208), "23.54G");
}

TEST(InfoPersistence, ReportsTheSnapshotState) {
  CommandHarness h;
  h.stats.persistence.last_save_unix = 1'699'999'999;
  h.stats.persistence.dirty = 7;
  h.stats.persistence.saves = 2;
  std::string body = bulk_body(h.run({"INFO", "persistence"}));
  EXPECT_TRUE(body.starts_with("# Persistence\r\nloading:0\r\nasync_loading:0\r\n")) << body;
  EXPECT_NE(body.find("\r\nrdb_changes_since_last_save:7\r\nrdb_bgsave_in_progress:0\r\n"
                      "rdb_last_save_time:1699999999\r\nrdb_last_bgsave_status:ok\r\n"
                      "rdb_last_bgsave_time_sec:-1\r\nrdb_current_bgsave_time_sec:-1\r\n"
                      "rdb_saves:2\r\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("\r\naof_enabled:0\r\n"), std::string::npos) << body;

  // A child running for 3 s, after a failed save.
  h.stats.persistence.child_pid = 4242;
  h.stats.persistence.bgsave_started_ms = h.clock.now_ms() - 3'000;
  h.stats.persistence.last_bgsave_ok = false;
  body = bulk_body(h.run({"INFO", "persistence"}));
  EXPECT_NE(body.find("\r\nrdb_bgsave_in_progress:1\r\n"), std::string::npos) << body;
  EXPECT_NE(body.find("\r\nrdb_last_bgsave_status:err\r\n"), std::string::npos) << body;
  EXPECT_NE(body.find("\r\nrdb_current_bgsave_time_sec:3\r\n"), std::string::npos) << body;
}

TEST(InfoStats, ReportsServerAndKeyspaceCounters) {
  CommandHarness h;
  h.stats.total_connections_received = 7;
  h.stats.total_net_input_bytes = 1000;
  h.stats.rejected_connections = 2;
  h.keyspace.stats().keyspace_hits = 5;
  h.keyspace.stats().keyspace_misses = 3;
  h.keyspace.stats().expired_keys = 9;
  h.keyspace.stats().expired_stale_percent = 12.345;
  const std::string text = bulk_body(h.run({"INFO", "stats"}));
  EXPECT_EQ(field_names(text),
            (std::vector<std::string>{"total_connections_received",
                                      "total_commands_processed",
                                      "instantaneous_ops_per_sec",
                                      "total_net_input_bytes",
                                      "total_net_output_bytes",
                                      "instantaneous_input_kbps",
                                      "instantaneous_output_kbps",
                                      "rejected_connections",
                                      "expired_keys",
                                      "expired_stale_perc",
                                      "expired_time_cap_reached_count",
                                      "evicted_keys",
                                      "keyspace_hits",
                                      "keyspace_misses",
                                      "pubsub_channels",
                                      "pubsub_patterns",
                                      "pubsubshard_channels",
                                      "latest_fork_usec",
                                      "total_forks",
                                      "total_error_replies",
                                      "client_query_buffer_limit_disconnections",
                                      "client_output_buffer_limit_disconnections"}));
  EXPECT_EQ(field_value(text, "total_connections_received"), "7");
  // Redis counts a command after it ran: this INFO is not in its own count.
  EXPECT_EQ(field_value(text, "total_commands_processed"), "0");
  EXPECT_EQ(field_value(text, "total_net_input_bytes"), "1000");
  EXPECT_EQ(field_value(text, "rejected_connections"), "2");
  EXPECT_EQ(field_value(text, "keyspace_hits"), "5");
  EXPECT_EQ(field_value(text, "keyspace_misses"), "3");
  EXPECT_EQ(field_value(text, "expired_keys"), "9");
  EXPECT_EQ(field_value(text, "expired_stale_perc"), "12.35");
}

TEST(InfoStats, CountsErrorReplies) {
  CommandHarness h;
  h.run({"OBJECT", "foo"});
  EXPECT_EQ(field_value(bulk_body(h.run({"INFO", "stats"})), "total_error_replies"), "1");
}

TEST(InfoReplication, IsAMasterWithoutReplicas) {
  CommandHarness h;
  EXPECT_EQ(
      bulk_body(h.run({"INFO", "replication"})),
      "# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\n"
      "master_repl_offset:0\r\nsecond_repl_offset:-1\r\nrepl_backlog_active:0\r\n");
}

TEST(InfoCpu, ReportsSecondsWithSixDecimals) {
  CommandHarness h;
  const std::string text = bulk_body(h.run({"INFO", "cpu"}));
  EXPECT_EQ(field_names(text),
            (std::vector<std::string>{"used_cpu_sys", "used_cpu_user", "used_cpu_sys_children",
                                      "used_cpu_user_children", "used_cpu_sys_main_thread",
                                      "used_cpu_user_main_thread"}));
  const std::string user = field_value(text, "used_cpu_user");
  ASSERT_NE(user.find('.'), std::string::npos) << user;
  EXPECT_EQ(user.size() - user.find('.') - 1, 6U) << user;
}

TEST(InfoKeyspace, IsEmptyWithoutKeys) {
  CommandHarness h;
  EXPECT_EQ(h.run({"INFO", "keyspace"}), "$12\r\n# Keyspace\r\n\r\n");
}

TEST(InfoKeyspace, HasOneLinePerNonEmptyDatabase) {
  CommandHarness h;
  h.keyspace.db(0).set("a", "1");
  storage::Entry& with_ttl = h.keyspace.db(0).set("b", "2");
  h.keyspace.db(0).set_expire_at(with_ttl, h.clock.now_ms() + 100'000);
  h.keyspace.db(2).set("c", "3");
  EXPECT_EQ(bulk_body(h.run({"INFO", "keyspace"})),
            "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n");
}

}  // namespace
}  // namespace mini_redis
