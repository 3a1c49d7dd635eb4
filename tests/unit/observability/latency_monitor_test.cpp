// The latency monitor (Redis's latency.c): the per-event ring of 160
// one-second samples, its statistics, GRAPH's chart, DOCTOR's texts and the
// LATENCY subcommands that read them, byte for byte. Times are explicit (or
// the harness's ManualClock), so nothing here sleeps.
#include "observability/latency_monitor.h"

#include <gtest/gtest.h>

#include <string>

#include "observability/latency_report.h"
#include "unit/support/command_harness.h"

namespace mini_redis::observability {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000;

TEST(LatencyMonitor, RecordsOneSamplePerSecondKeepingTheWorst) {
  LatencyMonitor monitor;
  monitor.add_sample("command", 20, kT0);
  monitor.add_sample("command", 50, kT0);  // same second, worse: replaces
  monitor.add_sample("command", 30, kT0);  // same second, better: ignored
  monitor.add_sample("command", 10, kT0 + 1);
  const auto samples = monitor.find("command")->chronological();
  ASSERT_EQ(samples.size(), 2U);
  EXPECT_EQ(samples[0].unix_time_s, kT0);
  EXPECT_EQ(samples[0].latency_ms, 50U);
  EXPECT_EQ(samples[1].latency_ms, 10U);
  EXPECT_EQ(monitor.find("command")->newest().latency_ms, 10U);
  EXPECT_EQ(monitor.find("command")->max_ms, 50U);
}

TEST(LatencyMonitor, TheRingKeepsTheLast160SecondsButTheMaxForever) {
  LatencyMonitor monitor;
  monitor.add_sample("fork", 999, kT0);
  for (std::int64_t i = 1; i <= 200; ++i) monitor.add_sample("fork", 1, kT0 + i);
  const auto samples = monitor.find("fork")->chronological();
  ASSERT_EQ(samples.size(), LatencyMonitor::kSamples);
  EXPECT_EQ(samples.front().unix_time_s, kT0 + 41);  // oldest kept
  EXPECT_EQ(samples.back().unix_time_s, kT0 + 200);
  EXPECT_EQ(monitor.find("fork")->max_ms, 999U);
}

TEST(LatencyMonitor, RecordsOnlyAtOrAboveAPositiveThreshold) {
  LatencyMonitor monitor;
  monitor.add_sample_if_needed("command", 500, 0, kT0);  // monitor off
  monitor.add_sample_if_needed("command", 9, 10, kT0);   // below
  EXPECT_TRUE(monitor.events().empty());
  monitor.add_sample_if_needed("command", 10, 10, kT0);
  EXPECT_NE(monitor.find("command"), nullptr);
}

TEST(LatencyMonitor, ResetForgetsEventsAndCountsThem) {
  LatencyMonitor monitor;
  monitor.add_sample("command", 5, kT0);
  monitor.add_sample("fork", 5, kT0);
  monitor.add_sample("expire-cycle", 5, kT0);
  EXPECT_TRUE(monitor.reset("fork"));
  EXPECT_FALSE(monitor.reset("fork"));
  EXPECT_EQ(monitor.find("fork"), nullptr);
  EXPECT_EQ(monitor.reset_all(), 2U);
  EXPECT_TRUE(monitor.events().empty());
}

TEST(LatencyAnalysis, AverageDeviationAndPeriodAsRedisComputesThem) {
  LatencyMonitor monitor;
  monitor.add_sample("command", 10, kT0);
  monitor.add_sample("command", 20, kT0 + 1);
  monitor.add_sample("command", 33, kT0 + 2);
  const LatencyAnalysis stats = analyze_latency(*monitor.find("command"), kT0 + 10);
  EXPECT_EQ(stats.samples, 3U);
  EXPECT_EQ(stats.average_ms, 21U);        // 63 / 3
  EXPECT_EQ(stats.mean_deviation_ms, 8U);  // (11 + 1 + 12) / 3
  EXPECT_EQ(stats.min_ms, 10U);
  EXPECT_EQ(stats.max_ms, 33U);
  EXPECT_EQ(stats.period_s, 10);
}

TEST(LatencyGraph, OneSampleIsALowMarkLabelledWithItsAge) {
  LatencyMonitor monitor;
  monitor.add_sample("command", 100, kT0);
  // Redis 7.0.15's bytes for one 100 ms sample taken this second.
  EXPECT_EQ(render_latency_graph("command", *monitor.find("command"), kT0),
            "command - high 100 ms, low 100 ms (all time high 100 ms)\n" + std::string(80, '-') +
                "\n \n \n \n_\n \n0\ns\n");
}

TEST(LatencyGraph, ColumnsRiseFromLowToHighAndLabelsReadDownwards) {
  LatencyMonitor monitor;
  monitor.add_sample("command", 10, kT0);
  monitor.add_sample("command", 40, kT0 + 60);
  EXPECT_EQ(render_latency_graph("command", *monitor.find("command"), kT0 + 65),
            "command - high 40 ms, low 10 ms (all time high 40 ms)\n" + std::string(80, '-') +
                "\n #\n |\n |\n_|\n  \n15\nms\n");
}

TEST(LatencyDoctor, DisabledAndQuietTextsAreRedis) {
  LatencyMonitor monitor;
  LatencyDoctorSettings settings;
  EXPECT_TRUE(render_latency_doctor(monitor, settings, kT0)
                  .starts_with("I'm sorry, Dave, I can't do that. Latency monitoring is disabled"));
  settings.threshold_ms = 10;
  EXPECT_EQ(render_latency_doctor(monitor, settings, kT0),
            "Dave, no latency spike was observed during the lifetime of this Redis instance, not "
            "in the slightest bit. I honestly think you ought to sit down calmly, take a stress "
            "pill, and think things over.\n");
}

TEST(LatencyDoctor, ACommandSpikeGetsItsLineAndTheSlowlogAdvice) {
  LatencyMonitor monitor;
  monitor.add_sample("command", 100, kT0);
  const LatencyDoctorSettings settings{
      .threshold_ms = 10, .slowlog_slower_than_us = 10000, .slowlog_max_len = 128};
  // The report real Redis 7.0.15 gave after one DEBUG SLEEP 0.1.
  EXPECT_EQ(render_latency_doctor(monitor, settings, kT0),
            "Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
            "about it, do you Dave?\n\n"
            "1. command: 1 latency spikes (average 100ms, mean deviation 0ms, period 1.00 sec). "
            "Worst all time event 100ms.\n"
            "\nI have a few advices for you:\n\n"
            "- Check your Slow Log to understand what are the commands you are running which are "
            "too slow to execute. Please check https://redis.io/commands/slowlog for more "
            "information.\n"
            "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a "
            "blocking operation. If you have very large objects that are often deleted, expired, "
            "or evicted, try to fragment those objects into multiple smaller objects.\n");
}

TEST(LatencyDoctor, AnEventWithoutAdviceSaysSo) {
  LatencyMonitor monitor;
  monitor.add_sample("while-blocked-cron", 20, kT0);
  const LatencyDoctorSettings settings{.threshold_ms = 10};
  EXPECT_TRUE(render_latency_doctor(monitor, settings, kT0)
                  .ends_with("\nWhile there are latency events logged, I'm not able to suggest "
                             "any easy fix. Please use the Redis community to get some help, "
                             "providing this report in your help request.\n"));
}

}  // namespace
}  // namespace mini_redis::observability

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

TEST(LatencyCommand, ASlowCommandShowsInLatestHistoryAndResetClearsIt) {
  CommandHarness h;
  h.clock.set(1'700'000'000'000);
  h.stats.latency_monitor.add_sample("command", 250, 1'700'000'000);
  EXPECT_EQ(h.run({"LATENCY", "LATEST"}),
            "*1\r\n*4\r\n$7\r\ncommand\r\n:1700000000\r\n:250\r\n:250\r\n");
  EXPECT_EQ(h.run({"LATENCY", "HISTORY", "command"}), "*1\r\n*2\r\n:1700000000\r\n:250\r\n");
  EXPECT_EQ(h.run({"LATENCY", "HISTORY", "nosuch"}), "*0\r\n");
  EXPECT_EQ(h.run({"LATENCY", "RESET", "nosuch", "command", "command"}), ":1\r\n");
  EXPECT_EQ(h.run({"LATENCY", "LATEST"}), "*0\r\n");
  EXPECT_EQ(h.run({"LATENCY", "GRAPH", "command"}),
            "-ERR No samples available for event 'command'\r\n");
}

TEST(LatencyCommand, ThresholdZeroRecordsNothing) {
  CommandHarness h;
  // Off (the default): even a command that took long would not be recorded;
  // tests/e2e/test_latency_monitor.py shows a slow command being recorded.
  for (int i = 0; i < 100; ++i) h.run({"PING"});
  EXPECT_TRUE(h.stats.latency_monitor.events().empty());
  EXPECT_EQ(h.run({"CONFIG", "SET", "latency-monitor-threshold", "100"}), "+OK\r\n");
  EXPECT_EQ(h.config.latency_monitor_threshold_ms, 100);
}

}  // namespace
}  // namespace mini_redis::commands
