#include "commands/server/monitor.h"

#include <algorithm>
#include <charconv>

#include "commands/core/command_table.h"

namespace mini_redis::commands {

void MonitorFeed::add(ClientState& client) {
  client.monitor = true;
  monitors_.push_back(&client);
}

void MonitorFeed::remove(ClientState& client) {
  if (!client.monitor) return;
  client.monitor = false;
  monitors_.erase(std::find(monitors_.begin(), monitors_.end(), &client));
}

namespace {

void append_number(std::string& out, std::int64_t value, int min_digits = 0) {
  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
  const auto length = static_cast<int>(end - digits);
  if (length < min_digits) out.append(static_cast<std::size_t>(min_digits - length), '0');
  out.append(digits, end);
}

}  // namespace

void MonitorFeed::feed(const ClientState& from, Arguments args, std::int64_t now_us) {
  // "+<seconds>.<microseconds> [<db> <address>] "arg" "arg"...\r\n"
  line_.assign("+");
  append_number(line_, now_us / 1'000'000);
  line_ += '.';
  append_number(line_, now_us % 1'000'000, 6);
  line_ += " [";
  append_number(line_, from.db_index);
  line_ += ' ';
  if (from.unix_socket) {
    line_ += "unix:";
    line_ += from.local_address.substr(0, from.local_address.rfind(':'));
  } else {
    line_ += from.peer_address;
  }
  line_ += ']';
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool redacted = i < 64 && (from.redacted_arguments >> i & 1U) != 0;
    line_ += ' ';
    append_quoted(line_, redacted ? std::string_view("(redacted)") : args[i]);
  }
  line_ += "\r\n";
  for (ClientState* monitor : monitors_) monitor->push_target->push(line_);
}

namespace {

// MONITOR: +OK, then the feed. Asked again, Redis answers nothing at all (a
// client already flagged as a replica returns early), and so do we. Run by
// EXEC it is refused: a transaction expects one reply per command, and
// Redis refuses it to every client that may not block.
void monitor_command(Context& ctx, Arguments /*args*/) {
  if (ctx.client.deny_blocking) {
    ctx.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  if (ctx.client.monitor) return;
  ctx.monitors.add(ctx.client);
  ctx.reply.ok();
}

}  // namespace

void register_monitor_command(CommandTable& table) {
  table.add({.name = "monitor",
             .arity = 1,
             .flags = flags::kAdmin | flags::kNoscript | flags::kLoading | flags::kStale,
             .handler = monitor_command,
             .group = "server",
             .summary = "Listen for all requests received by the server in real time",
             .since = "1.0.0",
             .acl_categories = "@admin @slow @dangerous"});
}

}  // namespace mini_redis::commands
