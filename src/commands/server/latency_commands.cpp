// LATENCY LATEST | HISTORY | RESET | GRAPH | DOCTOR: reading Redis's latency
// monitor (observability/latency_monitor.h), which records an event only
// while `latency-monitor-threshold` is above 0.
//
//   LATENCY LATEST         every event: [name, time of its newest sample,
//                          that sample's latency, the all-time max]
//   LATENCY HISTORY e      e's samples, oldest first: [time, latency]...
//                          (an unknown event is an empty array, not an error)
//   LATENCY RESET [e...]   forgets the named events, or all; how many it forgot
//   LATENCY GRAPH e        an ASCII chart (observability/latency_report.h)
//   LATENCY DOCTOR         Redis's advice in prose
//
// Times are Unix seconds and latencies milliseconds, as Redis replies them.
#include "commands/server/latency_commands.h"

#include <string>

#include "observability/latency_report.h"

namespace mini_redis::commands {

namespace {

using observability::LatencyMonitor;

std::int64_t now_s(const Context& ctx) {
  return ctx.now_ms() / 1000;
}

void latency_latest_command(Context& ctx, Arguments /*args*/) {
  const auto& events = ctx.stats.latency_monitor.events();
  ctx.reply.array_header(events.size());
  for (const LatencyMonitor::Event& event : events) {
    const LatencyMonitor::Sample& newest = event.series.newest();
    ctx.reply.array_header(4);
    ctx.reply.bulk_string(event.name);
    ctx.reply.integer(newest.unix_time_s);
    ctx.reply.integer(newest.latency_ms);
    ctx.reply.integer(event.series.max_ms);
  }
}

void latency_history_command(Context& ctx, Arguments args) {
  const LatencyMonitor::Series* series = ctx.stats.latency_monitor.find(args[2]);
  if (series == nullptr) {
    ctx.reply.array_header(0);
    return;
  }
  const auto samples = series->chronological();
  ctx.reply.array_header(samples.size());
  for (const LatencyMonitor::Sample& sample : samples) {
    ctx.reply.array_header(2);
    ctx.reply.integer(sample.unix_time_s);
    ctx.reply.integer(sample.latency_ms);
  }
}

void latency_reset_command(Context& ctx, Arguments args) {
  LatencyMonitor& monitor = ctx.stats.latency_monitor;
  if (args.size() == 2) {
    ctx.reply.integer(static_cast<std::int64_t>(monitor.reset_all()));
    return;
  }
  // An event named twice is forgotten once and counted once.
  std::int64_t forgotten = 0;
  for (std::string_view event : args.subspan(2)) forgotten += monitor.reset(event) ? 1 : 0;
  ctx.reply.integer(forgotten);
}

void latency_graph_command(Context& ctx, Arguments args) {
  const LatencyMonitor::Series* series = ctx.stats.latency_monitor.find(args[2]);
  if (series == nullptr) {
    ctx.reply.error("ERR No samples available for event '" + std::string(args[2]) + "'");
    return;
  }
  ctx.reply.verbatim_text(observability::render_latency_graph(args[2], *series, now_s(ctx)));
}

void latency_doctor_command(Context& ctx, Arguments /*args*/) {
  const Config& config = ctx.config;
  const observability::LatencyDoctorSettings settings{
      .threshold_ms = config.latency_monitor_threshold_ms,
      .slowlog_slower_than_us = config.slowlog_log_slower_than_us,
      .slowlog_max_len = config.slowlog_max_len,
      .fsync_always = config.appendfsync == "always",
      .hz = config.hz,
      .fork_rate_gb_per_s = ctx.stats.persistence.fork_rate_gb_per_s,
      .anonymous_huge_pages = observability::process_uses_anonymous_huge_pages()};
  ctx.reply.verbatim_text(
      observability::render_latency_doctor(ctx.stats.latency_monitor, settings, now_s(ctx)));
}

CommandSpec monitor_subcommand(std::string_view name, int arity, Handler handler,
                               std::string_view summary) {
  return CommandSpec{.name = std::string(name),
                     .arity = arity,
                     .flags = flags::kAdmin | flags::kNoscript | flags::kLoading | flags::kStale,
                     .handler = handler,
                     .group = "server",
                     .summary = summary,
                     .since = "2.8.13",
                     .complexity = "O(1)",
                     .acl_categories = "@admin @slow @dangerous",
                     .tips =
                         "nondeterministic_output request_policy:all_nodes "
                         "response_policy:special"};
}

}  // namespace

std::vector<CommandSpec> make_latency_monitor_subcommands() {
  CommandSpec graph = monitor_subcommand("graph", 3, latency_graph_command,
                                         "Return a latency graph for the event.");
  graph.arguments = {arg::string("event")};
  CommandSpec history = monitor_subcommand("history", 3, latency_history_command,
                                           "Return timestamp-latency samples for the event.");
  history.arguments = {arg::string("event")};
  CommandSpec doctor = monitor_subcommand("doctor", 2, latency_doctor_command,
                                          "Return a human readable latency analysis report.");
  CommandSpec reset = monitor_subcommand("reset", -2, latency_reset_command,
                                         "Reset latency data for one or more events.");
  reset.tips = "request_policy:all_nodes response_policy:all_succeeded";
  reset.arguments = {arg::string("event").optional().multiple()};
  CommandSpec latest = monitor_subcommand("latest", 2, latency_latest_command,
                                          "Return the latest latency samples for all events.");
  std::vector<CommandSpec> out;
  out.push_back(std::move(graph));
  out.push_back(std::move(history));
  out.push_back(std::move(doctor));
  out.push_back(std::move(reset));
  out.push_back(std::move(latest));
  return out;
}

}  // namespace mini_redis::commands
