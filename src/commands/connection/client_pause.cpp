// CLIENT PAUSE, CLIENT UNPAUSE and CLIENT NO-EVICT.
//
// Which commands a pause holds, and why, is explained in
// commands/core/client_pause.h; the server keeps the pause and parks and
// wakes the held clients (ServerServices::pause_clients). Here are the
// arguments and Redis 7.0.15's error texts.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/connection/connection_commands.h"
#include "commands/core/arguments.h"
#include "commands/core/client_pause.h"
#include "commands/core/errors.h"

namespace mini_redis::commands {

namespace {

// CLIENT PAUSE timeout [WRITE|ALL]: the mode is read before the timeout,
// as Redis does; the timeout is in milliseconds.
void client_pause_command(Context& ctx, Arguments args) {
  if (args.size() > 4) {  // Redis's clientCommand accepts 3 or 4 words here
    ctx.reply.error(errors::subcommand_syntax_error(args[1], "CLIENT"));
    return;
  }
  PauseKind kind = PauseKind::all;
  if (args.size() == 4) {
    if (equals_ignore_case(args[3], "write")) {
      kind = PauseKind::write;
    } else if (!equals_ignore_case(args[3], "all")) {
      ctx.reply.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  }
  // Redis's getTimeoutFromObjectOrReply, in milliseconds.
  const std::optional<std::int64_t> timeout =
      integer_or_reply(ctx, args[2], "ERR timeout is not an integer or out of range");
  if (!timeout) return;
  if (*timeout < 0) {
    ctx.reply.error("ERR timeout is negative");
    return;
  }
  // A timeout of 0 pauses nothing: it is over at once. Redis 7.0.15 adds
  // the timeout to the current time without an overflow check, so a huge
  // one wraps to a time long past: +OK, and no pause. Reproduced with
  // unsigned arithmetic, which wraps without undefined behaviour.
  std::int64_t end = 0;
  if (*timeout > 0) {
    end = static_cast<std::int64_t>(static_cast<std::uint64_t>(ctx.now_ms()) +
                                    static_cast<std::uint64_t>(*timeout));
  }
  ctx.server.pause_clients(kind, end);
  ctx.reply.ok();
}

void client_unpause_command(Context& ctx, Arguments /*args*/) {
  ctx.server.unpause_clients();
  ctx.reply.ok();
}

// CLIENT NO-EVICT ON|OFF: exempts the connection from client eviction
// (maxmemory-clients). mini-redis does not evict clients, so this is only
// the flag (CLIENT LIST's e), kept as Redis keeps it.
void client_no_evict_command(Context& ctx, Arguments args) {
  if (equals_ignore_case(args[2], "on")) {
    ctx.client.no_evict = true;
  } else if (equals_ignore_case(args[2], "off")) {
    ctx.client.no_evict = false;
  } else {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  ctx.reply.ok();
}

CommandSpec admin_subcommand(std::string_view name, int arity, Handler handler,
                             std::string_view summary, std::string_view since) {
  return CommandSpec{.name = std::string(name),
                     .arity = arity,
                     .flags = flags::kAdmin | flags::kNoscript | kAnytime,
                     .handler = handler,
                     .group = "connection",
                     .summary = summary,
                     .since = since,
                     .complexity = "O(1)",
                     .acl_categories = "@admin @slow @dangerous @connection"};
}

}  // namespace

std::vector<CommandSpec> client_pause_subcommands() {
  CommandSpec pause =
      admin_subcommand("pause", -3, client_pause_command,
                       "Stop processing commands from clients for some time", "2.9.50");
  pause.history = {{"6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option."}};
  pause.arguments = {arg::integer("timeout"), arg::oneof("mode", {arg::pure_token("write", "WRITE"),
                                                                  arg::pure_token("all", "ALL")})
                                                  .since("6.2.0")
                                                  .optional()};
  CommandSpec unpause = admin_subcommand("unpause", 2, client_unpause_command,
                                         "Resume processing of clients that were paused", "6.2.0");
  unpause.complexity = "O(N) Where N is the number of paused clients";
  CommandSpec no_evict =
      admin_subcommand("no-evict", 3, client_no_evict_command,
                       "Set client eviction mode for the current connection", "7.0.0");
  no_evict.arguments = {
      arg::oneof("enabled", {arg::pure_token("on", "ON"), arg::pure_token("off", "OFF")})};
  return {std::move(pause), std::move(unpause), std::move(no_evict)};
}

}  // namespace mini_redis::commands
