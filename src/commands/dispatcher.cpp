#include "commands/dispatcher.h"

#include "commands/errors.h"
#include "commands/monitor.h"
#include "common/not_implemented.h"

namespace mini_redis::commands {

namespace {

bool arity_ok(const CommandSpec& spec, std::size_t argc) {
  const auto count = static_cast<int>(argc);
  return spec.arity >= 0 ? count == spec.arity : count >= -spec.arity;
}

// Finds the command (or subcommand) to run, or writes Redis's rejection.
const CommandSpec* resolve(Context& ctx, Arguments args) {
  const CommandSpec* spec = ctx.commands.find(args[0]);
  if (spec == nullptr) {
    ctx.reply.error(errors::unknown_command(args[0], args.subspan(1)));
    return nullptr;
  }
  // A container command (CLIENT, CONFIG, OBJECT...) alone fails its own arity
  // check; with a word after it, that word picks the subcommand.
  if (!spec->subcommands.empty() && args.size() >= 2) {
    const CommandSpec* sub = spec->find_subcommand(args[1]);
    if (sub == nullptr) {
      ctx.reply.error(errors::unknown_subcommand(args[1], args[0]));
      return nullptr;
    }
    spec = sub;
  }
  if (!arity_ok(*spec, args.size())) {
    ctx.reply.error(errors::wrong_arity(spec->full_name));
    return nullptr;
  }
  // In RESP2 a subscribed client's replies and its messages share one
  // stream of arrays, so Redis lets it run only commands whose replies look
  // like messages (or that leave that mode). RESP3 tells pushes apart.
  if (ctx.client.in_resp2_subscribed_mode() && !spec->allowed_when_subscribed) {
    ctx.reply.error(errors::not_allowed_while_subscribed(spec->full_name));
    return nullptr;
  }
  // A MONITOR client counts as a replica in Redis, which may not touch keys.
  if (ctx.client.monitor && (spec->flags & (flags::kWrite | flags::kReadonly)) != 0) {
    ctx.reply.error(errors::kReplicaKeyspace);
    return nullptr;
  }
  return spec;
}

}  // namespace

void dispatch(Context& ctx, Arguments args) {
  std::string& out = ctx.reply.buffer();
  const std::size_t reply_start = out.size();

  if (const CommandSpec* spec = resolve(ctx, args)) {
    ctx.client.last_command = spec->full_name;
    ctx.client.redacted_arguments = 0;
    try {
      spec->handler(ctx, args);
    } catch (const NotImplemented& missing) {
      // Only the workshop skeleton throws this (common/not_implemented.h): the
      // command answers which part is not written yet, in place of its reply.
      out.resize(reply_start);
      ctx.reply.error(std::string("ERR ") + missing.what());
    }
    // Counted after it ran, as Redis does: CONFIG RESETSTAT counts itself.
    ++ctx.stats.total_commands_processed;
    // Then shown to MONITOR clients, unless it is an admin command (CONFIG,
    // MONITOR itself...) that Redis keeps off the feed.
    if (!ctx.monitors.empty() && (spec->flags & (flags::kAdmin | flags::kSkipMonitor)) == 0) {
      ctx.monitors.feed(ctx.client, args, ctx.keyspace.clock().now_us());
    }
  }

  if (reply_start < out.size() && out[reply_start] == '-') ++ctx.stats.total_error_replies;

  // CLIENT REPLY OFF silences every reply until CLIENT REPLY ON (whose own
  // +OK gets through); SKIP silences only the next command's reply. Like
  // Redis's CLIENT_REPLY_SKIP_NEXT / CLIENT_REPLY_SKIP flags, a SKIP arms the
  // skip for the command after it, and the skip lasts one command.
  ClientState& client = ctx.client;
  if (client.reply_mode == ReplyMode::off || client.skipping_reply) out.resize(reply_start);
  client.skipping_reply = false;
  if (client.reply_mode == ReplyMode::skip_next) {
    client.reply_mode = ReplyMode::on;
    client.skipping_reply = true;
  }
}

}  // namespace mini_redis::commands
