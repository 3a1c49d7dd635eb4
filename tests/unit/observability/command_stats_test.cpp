// Per-command statistics through the dispatcher, as INFO commandstats,
// errorstats and latencystats and LATENCY HISTOGRAM show them; the
// instantaneous_* rates. Which error counts where was checked against Redis
// 7.0.15: an unknown command or subcommand counts only as an error; a wrong
// arity is a rejected call of that command; an error from the handler is a
// failed call.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "observability/command_stats.h"
#include "observability/instantaneous_metrics.h"
#include "unit/support/command_harness.h"

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

// The body of INFO's bulk (RESP2) reply, without the bulk's final CRLF.
std::string info(CommandHarness& h, const std::string& section) {
  const std::string reply = h.run({"INFO", section});
  const std::size_t start = reply.find("\r\n") + 2;
  return reply.substr(start, reply.size() - start - 2);
}

// The line "name:..." of an INFO text, without its CRLF; "" when absent.
std::string line_of(const std::string& text, const std::string& name) {
  const std::size_t at = text.find(name + ":");
  if (at == std::string::npos) return "";
  return text.substr(at, text.find("\r\n", at) - at);
}

// usec and usec_per_call depend on the machine: check their format, then
// compare the rest exactly.
std::string without_timings(const std::string& line) {
  static const std::regex kTimings(R"(usec=\d+,usec_per_call=\d+\.\d\d,)");
  return std::regex_replace(line, kTimings, "usec=*,");
}

TEST(CommandStats, CommandstatsLineHasRedisFormat) {
  CommandHarness h;
  h.run({"SET", "k", "v"});
  h.run({"GET", "k"});
  h.run({"GET", "k"});
  const std::string text = info(h, "commandstats");
  EXPECT_TRUE(text.starts_with("# Commandstats\r\ncmdstat_"));
  const std::string line = line_of(text, "cmdstat_get");
  EXPECT_TRUE(std::regex_match(
      line,
      std::regex(
          R"(cmdstat_get:calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0)")))
      << line;
  // Commands never called are not listed.
  EXPECT_EQ(line_of(text, "cmdstat_incr"), "");
}

TEST(CommandStats, WrongArityIsARejectedCallNotACall) {
  CommandHarness h;
  h.run({"GET"});
  h.run({"CLIENT"});  // a container alone fails its own arity
  EXPECT_EQ(h.stats.total_commands_processed, 0U);
  EXPECT_EQ(h.stats.total_error_replies, 2U);
  const std::string text = info(h, "commandstats");
  EXPECT_EQ(line_of(text, "cmdstat_get"),
            "cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0");
  EXPECT_EQ(line_of(text, "cmdstat_client"),
            "cmdstat_client:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0");
}

TEST(CommandStats, AnErrorFromTheHandlerIsAFailedCall) {
  CommandHarness h;
  h.run({"SET", "k", "v"});
  h.run({"INCR", "k"});
  EXPECT_EQ(without_timings(line_of(info(h, "commandstats"), "cmdstat_incr")),
            "cmdstat_incr:calls=1,usec=*,rejected_calls=0,failed_calls=1");
}

TEST(CommandStats, SubcommandsAreCountedUnderTheirFullName) {
  CommandHarness h;
  h.run({"CONFIG", "GET", "hz"});
  EXPECT_EQ(without_timings(line_of(info(h, "commandstats"), "cmdstat_config|get")),
            "cmdstat_config|get:calls=1,usec=*,rejected_calls=0,failed_calls=0");
}

TEST(ErrorStats, CountsEveryErrorReplyByItsFirstWord) {
  CommandHarness h;
  h.run({"FOO"});            // unknown command: ERR, and no command's counters
  h.run({"CLIENT", "foo"});  // unknown subcommand: the same
  h.run({"GET"});
  h.run({"LPUSH", "x"});  // (unknown here too)
  EXPECT_EQ(info(h, "errorstats"), "# Errorstats\r\nerrorstat_ERR:count=4\r\n");
  EXPECT_EQ(line_of(info(h, "commandstats"), "cmdstat_client"), "");
  EXPECT_EQ(h.stats.total_error_replies, 4U);
}

TEST(ErrorStats, CodeIsTheTextBeforeTheFirstSpaceWithin31Bytes) {
  EXPECT_EQ(ErrorStats::code_of("WRONGTYPE Operation against a key"), "WRONGTYPE");
  EXPECT_EQ(ErrorStats::code_of("ERR syntax error"), "ERR");
  EXPECT_EQ(ErrorStats::code_of("NOSPACEHERE"), "ERR");
  EXPECT_EQ(ErrorStats::code_of(std::string(40, 'X') + " then"), "ERR");
  ErrorStats stats;
  stats.count("WRONGTYPE a");
  stats.count("ERR b");
  stats.count("ERR c");
  EXPECT_EQ(stats.by_code().size(), 2U);
  EXPECT_EQ(stats.by_code().begin()->first, "ERR");  // listed in byte order
  EXPECT_EQ(stats.by_code().at("ERR"), 2U);
}

TEST(LatencyStats, OneLinePerCalledCommandWithTheConfiguredPercentiles) {
  CommandHarness h;
  h.run({"PING"});
  const std::string line = line_of(info(h, "latencystats"), "latency_percentiles_usec_ping");
  EXPECT_TRUE(std::regex_match(
      line,
      std::regex(
          R"(latency_percentiles_usec_ping:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3})")))
      << line;
  h.run({"CONFIG", "SET", "latency-tracking-info-percentiles", "99.90 0 100 50.5000"});
  EXPECT_EQ(h.run({"CONFIG", "GET", "latency-tracking-info-percentiles"}),
            "*2\r\n$33\r\nlatency-tracking-info-percentiles\r\n$15\r\n99.9 0 100 50.5\r\n");
  h.run({"CONFIG", "SET", "latency-tracking-info-percentiles", ""});
  EXPECT_EQ(line_of(info(h, "latencystats"), "latency_percentiles_usec_ping"),
            "latency_percentiles_usec_ping:");
}

TEST(LatencyStats, PercentileValuesAreMicrosecondsWithThreeDecimals) {
  CommandHarness h;
  const CommandSpec* get = h.table.find("get");
  auto& latency = h.stats.commands.at(get->stats_id).latency;
  latency = std::make_unique<LatencyHistogram>();
  latency->record(6000);
  EXPECT_EQ(line_of(info(h, "latencystats"), "latency_percentiles_usec_get"),
            "latency_percentiles_usec_get:p50=6.015,p99=6.015,p99.9=6.015");
}

TEST(LatencyStats, TrackingOffRecordsNothing) {
  CommandHarness h;
  h.run({"CONFIG", "SET", "latency-tracking", "no"});
  h.run({"PING"});
  EXPECT_EQ(info(h, "latencystats"), "# Latencystats\r\n");
}

TEST(LatencyStats, PercentileParameterErrors) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "latency-tracking-info-percentiles", "50 abc"}),
            "-ERR CONFIG SET failed (possibly related to argument "
            "'latency-tracking-info-percentiles') - Invalid latency-tracking-info-percentiles "
            "parameters\r\n");
  EXPECT_EQ(h.run({"CONFIG", "SET", "latency-tracking-info-percentiles", "101"}),
            "-ERR CONFIG SET failed (possibly related to argument "
            "'latency-tracking-info-percentiles') - latency-tracking-info-percentiles parameters "
            "should sit between [0.0,100.0]\r\n");
}

TEST(LatencyHistogramCommand, ListsCallsAndCumulativeBucketsInResp2AndResp3) {
  CommandHarness h;
  auto& latency = h.stats.commands.at(h.table.find("set")->stats_id).latency;
  latency = std::make_unique<LatencyHistogram>();
  latency->record(6000);
  latency->record(1500);
  EXPECT_EQ(h.run({"LATENCY", "HISTOGRAM", "set", "nosuch", "get|x"}),
            "*2\r\n$3\r\nset\r\n*4\r\n$5\r\ncalls\r\n:2\r\n$14\r\nhistogram_usec\r\n"
            "*4\r\n:2\r\n:1\r\n:8\r\n:2\r\n");
  h.client.protocol = protocol::ProtocolVersion::resp3;
  EXPECT_EQ(h.run({"LATENCY", "HISTOGRAM", "set"}),
            "%1\r\n$3\r\nset\r\n%2\r\n$5\r\ncalls\r\n:2\r\n$14\r\nhistogram_usec\r\n"
            "%2\r\n:2\r\n:1\r\n:8\r\n:2\r\n");
}

TEST(LatencyHistogramCommand, AContainerNameStandsForItsSubcommands) {
  CommandHarness h;
  h.run({"CONFIG", "GET", "hz"});
  const std::string reply = h.run({"LATENCY", "HISTOGRAM", "config"});
  EXPECT_TRUE(reply.starts_with("*2\r\n$10\r\nconfig|get\r\n")) << reply;
  EXPECT_TRUE(h.run({"LATENCY", "HISTOGRAM", "config|get"}).starts_with("*2\r\n$10\r\nconfig|get"));
  EXPECT_EQ(h.run({"LATENCY", "NOSUCH"}),
            "-ERR unknown subcommand 'NOSUCH'. Try LATENCY HELP.\r\n");
}

TEST(ConfigResetstat, ClearsCommandErrorAndLatencyStats) {
  CommandHarness h;
  h.run({"GET", "k"});
  h.run({"FOO"});
  h.run({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(line_of(info(h, "commandstats"), "cmdstat_get"), "");
  EXPECT_EQ(info(h, "errorstats"), "# Errorstats\r\n");
  // RESETSTAT counts itself, after it ran.
  EXPECT_EQ(without_timings(line_of(info(h, "commandstats"), "cmdstat_config|resetstat")),
            "cmdstat_config|resetstat:calls=1,usec=*,rejected_calls=0,failed_calls=0");
  EXPECT_EQ(h.run({"LATENCY", "HISTOGRAM", "get"}), "*0\r\n");
}

TEST(InstantaneousMetrics, AveragesSixteenSamplesTakenEvery100Ms) {
  ServerStats stats;
  InstantaneousMetrics& metrics = stats.instantaneous;
  metrics.sample(stats, 1000);  // the starting point
  stats.total_commands_processed = 1000;
  stats.total_net_input_bytes = 16 * 1024;
  metrics.sample(stats, 1050);  // too soon: ignored
  EXPECT_EQ(metrics.ops_per_sec(), 0U);
  metrics.sample(stats, 1100);  // 1000 commands in 100 ms: 10,000/s in one slot of 16
  EXPECT_EQ(metrics.ops_per_sec(), 10'000U / 16);
  EXPECT_DOUBLE_EQ(metrics.input_kbps(), 160.0 * 1024 / 16 / 1024);
  for (int i = 2; i <= 16; ++i) {
    stats.total_commands_processed += 1000;
    metrics.sample(stats, 1000 + i * 100);
  }
  EXPECT_EQ(metrics.ops_per_sec(), 10'000U);
}

}  // namespace
}  // namespace mini_redis::commands
