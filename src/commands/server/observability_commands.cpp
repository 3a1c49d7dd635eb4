// SLOWLOG and LATENCY HISTOGRAM: reading what the dispatcher measured.
//
// SLOWLOG GET [count] | LEN | RESET | HELP show and clear the slowlog
// (slowlog.h). LATENCY HISTOGRAM [command ...] shows each command's latency
// histogram (latency_histogram.h) as Redis 7 does: for every command that has
// one, its calls and its cumulative counts at power-of-two microsecond
// boundaries. LATENCY's latency-monitor subcommands (LATEST, HISTORY, RESET,
// GRAPH, DOCTOR) are in latency_commands.cpp; this file builds the row.
#include <array>
#include <limits>
#include <string>
#include <vector>

#include "commands/core/command_docs.h"
#include "commands/core/command_table.h"
#include "commands/server/latency_commands.h"
#include "common/integer_parsing.h"

namespace mini_redis::commands {

namespace {

// ---- SLOWLOG -------------------------------------------------------------------

// SLOWLOG GET [count]: the newest `count` entries (10 by default, -1 for all).
void slowlog_get_command(Context& ctx, Arguments args) {
  // The subcommand's arity lets any number of words through; Redis then
  // refuses more than one with its generic help error, naming the
  // subcommand as it was typed.
  if (args.size() > 3) {
    ctx.reply.error("ERR unknown subcommand or wrong number of arguments for '" +
                    std::string(args[1]) + "'. Try SLOWLOG HELP.");
    return;
  }
  std::int64_t count = 10;
  if (args.size() == 3) {
    auto parsed = parse_int64_strict(args[2]);
    if (!parsed || *parsed < -1) {
      ctx.reply.error("ERR count should be greater than or equal to -1");
      return;
    }
    count = *parsed;
  }
  const auto& entries = ctx.stats.slowlog.entries();
  const std::size_t shown =
      count == -1 ? entries.size() : std::min(entries.size(), static_cast<std::size_t>(count));
  ctx.reply.array_header(shown);
  for (std::size_t i = 0; i < shown; ++i) {
    const SlowlogEntry& entry = entries[i];
    ctx.reply.array_header(6);
    ctx.reply.integer(static_cast<std::int64_t>(entry.id));
    ctx.reply.integer(entry.unix_time_s);
    ctx.reply.integer(static_cast<std::int64_t>(entry.duration_us));
    ctx.reply.array_header(entry.arguments.size());
    for (const std::string& argument : entry.arguments) ctx.reply.bulk_string(argument);
    ctx.reply.bulk_string(entry.client_address);
    ctx.reply.bulk_string(entry.client_name);
  }
}

void slowlog_len_command(Context& ctx, Arguments /*args*/) {
  ctx.reply.integer(static_cast<std::int64_t>(ctx.stats.slowlog.entries().size()));
}

void slowlog_reset_command(Context& ctx, Arguments /*args*/) {
  ctx.stats.slowlog.reset();
  ctx.reply.ok();
}

void slowlog_help_command(Context& ctx, Arguments /*args*/) {
  reply_help(ctx.reply, "SLOWLOG",
             {
                 "GET [<count>]",
                 "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                 "    Entries are made of:",
                 "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                 "    client name",
                 "LEN",
                 "    Return the length of the slowlog.",
                 "RESET",
                 "    Reset the slowlog.",
             });
}

// ---- LATENCY -------------------------------------------------------------------

// One command's entry: {"calls": n, "histogram_usec": {upper_usec: count...}}.
void write_histogram(Context& ctx, const CommandSpec& spec, const LatencyHistogram& histogram) {
  ctx.reply.bulk_string(spec.full_name);
  ctx.reply.map_header(2);
  ctx.reply.bulk_string("calls");
  ctx.reply.integer(static_cast<std::int64_t>(histogram.total_count()));
  ctx.reply.bulk_string("histogram_usec");
  const auto steps = histogram.cumulative_power_of_two_steps();
  ctx.reply.map_header(steps.size());
  for (const auto& step : steps) {
    ctx.reply.integer(static_cast<std::int64_t>(step.upper_ns / 1000));
    ctx.reply.integer(static_cast<std::int64_t>(step.cumulative_count));
  }
}

// LATENCY HISTOGRAM [command ...]: without names, every command with a
// histogram. A name may be "config|get"; a container name ("config") stands
// for its subcommands. Unknown names and commands never called are skipped,
// and a name given twice is shown twice, as in Redis.
void latency_histogram_command(Context& ctx, Arguments args) {
  std::vector<const CommandSpec*> chosen;
  auto choose = [&](const CommandSpec& spec) {
    const CommandStats* stats = ctx.stats.commands.find(spec.stats_id);
    if (stats != nullptr && stats->latency) chosen.push_back(&spec);
  };
  auto choose_with_subcommands = [&](const CommandSpec& spec) {
    choose(spec);
    for (const CommandSpec& sub : spec.subcommands) choose(sub);
  };
  if (args.size() == 2) {
    for (const auto& command : ctx.commands.all()) choose_with_subcommands(*command);
  }
  for (std::string_view name : args.subspan(2)) {
    if (const CommandSpec* spec = ctx.commands.find_by_full_name(name))
      choose_with_subcommands(*spec);
  }
  ctx.reply.map_header(chosen.size());
  for (const CommandSpec* spec : chosen) {
    write_histogram(ctx, *spec, *ctx.stats.commands.find(spec->stats_id)->latency);
  }
}

void latency_help_command(Context& ctx, Arguments /*args*/) {
  // Not reformatted: clang-format would split the long line into two
  // literals, which clang-tidy reads as a missing comma.
  // clang-format off
  reply_help(
      ctx.reply, "LATENCY",
      {
          "DOCTOR",
          "    Return a human readable latency analysis report.",
          "GRAPH <event>",
          "    Return an ASCII latency graph for the <event> class.",
          "HISTORY <event>",
          "    Return time-latency samples for the <event> class.",
          "LATEST",
          "    Return the latest latency samples for all events.",
          "RESET [<event> ...]",
          "    Reset latency data of one or more <event> classes.",
          "    (default: reset all data for all event classes)",
          "HISTOGRAM [COMMAND ...]",
          "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
          "    If no commands are specified then all histograms are replied.",
      });
  // clang-format on
}

CommandSpec subcommand(std::string_view name, int arity, std::uint32_t command_flags,
                       Handler handler, std::string_view summary, std::string_view since,
                       std::string_view complexity) {
  return CommandSpec{.name = std::string(name),
                     .arity = arity,
                     .flags = command_flags,
                     .handler = handler,
                     .group = "server",
                     .summary = summary,
                     .since = since,
                     .complexity = complexity,
                     .acl_categories = "@admin @slow @dangerous"};
}

CommandSpec make_slowlog_command() {
  constexpr std::uint32_t kFlags = flags::kAdmin | flags::kLoading | flags::kStale;
  CommandSpec get = subcommand("get", -2, kFlags, slowlog_get_command, "Get the slow log's entries",
                               "2.2.12", "O(N) where N is the number of entries returned");
  get.tips = "request_policy:all_nodes nondeterministic_output";
  get.arguments = {arg::integer("count").optional()};
  get.history = {{"4.0.0", "Added client IP address, port and name to the reply."}};
  CommandSpec len = subcommand("len", 2, kFlags, slowlog_len_command, "Get the slow log's length",
                               "2.2.12", "O(1)");
  len.tips = "request_policy:all_nodes response_policy:agg_sum nondeterministic_output";
  CommandSpec reset =
      subcommand("reset", 2, kFlags, slowlog_reset_command, "Clear all entries from the slow log",
                 "2.2.12", "O(N) where N is the number of entries in the slowlog");
  reset.tips = "request_policy:all_nodes response_policy:all_succeeded";
  CommandSpec help =
      subcommand("help", 2, flags::kLoading | flags::kStale, slowlog_help_command,
                 "Show helpful text about the different subcommands", "6.2.0", "O(1)");
  help.acl_categories = "@slow";
  return CommandSpec{
      .name = "slowlog",
      .arity = -2,
      .group = "server",
      .summary = "A container for slow log commands",
      .since = "2.2.12",
      .complexity = "Depends on subcommand.",
      .acl_categories = "@slow",
      .subcommands = {std::move(get), std::move(len), std::move(reset), std::move(help)}};
}

CommandSpec make_latency_command() {
  CommandSpec histogram = subcommand(
      "histogram", -2, flags::kAdmin | flags::kNoscript | flags::kLoading | flags::kStale,
      latency_histogram_command,
      "Return the cumulative distribution of latencies of a subset of commands or all.", "7.0.0",
      "O(N) where N is the number of commands with latency information being retrieved.");
  histogram.tips = "nondeterministic_output request_policy:all_nodes response_policy:special";
  histogram.arguments = {arg::string("command").optional().multiple()};
  CommandSpec help =
      subcommand("help", 2, flags::kLoading | flags::kStale, latency_help_command,
                 "Show helpful text about the different subcommands.", "2.8.13", "O(1)");
  help.acl_categories = "@slow";
  std::vector<CommandSpec> subcommands = make_latency_monitor_subcommands();
  subcommands.push_back(std::move(histogram));
  subcommands.push_back(std::move(help));
  return CommandSpec{.name = "latency",
                     .arity = -2,
                     .group = "server",
                     .summary = "A container for latency diagnostics commands",
                     .since = "2.8.13",
                     .complexity = "Depends on subcommand.",
                     .acl_categories = "@slow",
                     .subcommands = std::move(subcommands)};
}

}  // namespace

void register_observability_commands(CommandTable& table) {
  table.add(make_slowlog_command());
  table.add(make_latency_command());
}

}  // namespace mini_redis::commands
