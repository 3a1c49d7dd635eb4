// CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO: the commands of
// client-side caching. What tracking does, and the tables behind it, are in
// pubsub/tracking.h; here are only the options, their checks and their
// error texts, in the order Redis 7.0.15 (networking.c) checks them.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/connection/connection_commands.h"
#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "pubsub/tracking.h"

namespace mini_redis::commands {

namespace {

using pubsub::ClientTracking;
using pubsub::Tracking;
using pubsub::TrackingOptions;

bool client_exists(Context& ctx, std::int64_t id) {
  bool found = false;
  ctx.server.for_each_client([&](const ClientState& client) { found |= client.id == id; });
  return found;
}

// The options after ON|OFF; false once an error has been replied. Every
// option is parsed before ON or OFF is looked at, so `OFF FOO` is a syntax
// error too.
bool parse_tracking_options(Context& ctx, Arguments args, TrackingOptions& options) {
  for (std::size_t j = 3; j < args.size(); ++j) {
    const bool more = j + 1 < args.size();
    const std::string_view option = args[j];
    if (equals_ignore_case(option, "redirect") && more) {
      ++j;
      if (options.redirect != 0) {
        ctx.reply.error("ERR A client can only redirect to a single other client");
        return false;
      }
      const std::optional<std::int64_t> id = integer_or_reply(ctx, args[j]);
      if (!id) return false;
      // The target must exist now; if it leaves later, the messages are
      // lost and the client is told (tracking.h).
      if (!client_exists(ctx, *id)) {
        ctx.reply.error("ERR The client ID you want redirect to does not exist");
        return false;
      }
      options.redirect = *id;
    } else if (equals_ignore_case(option, "bcast")) {
      options.bcast = true;
    } else if (equals_ignore_case(option, "optin")) {
      options.optin = true;
    } else if (equals_ignore_case(option, "optout")) {
      options.optout = true;
    } else if (equals_ignore_case(option, "noloop")) {
      options.noloop = true;
    } else if (equals_ignore_case(option, "prefix") && more) {
      options.prefixes.push_back(args[++j]);
    } else {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// ON's checks of the options against each other and against the mode the
// client is already in; the error text, or nullopt.
std::optional<std::string_view> incompatible(const ClientTracking& current,
                                             const TrackingOptions& options) {
  if (!options.bcast && !options.prefixes.empty()) {
    return "ERR PREFIX option requires BCAST mode to be enabled";
  }
  if (current.on && current.bcast != options.bcast) {
    return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
           "and then re-enabling it with a different mode.";
  }
  if (options.bcast && (options.optin || options.optout)) {
    return "ERR OPTIN and OPTOUT are not compatible with BCAST";
  }
  if (options.optin && options.optout) {
    return "ERR You can't specify both OPTIN mode and OPTOUT mode";
  }
  if ((options.optin && current.optout) || (options.optout && current.optin)) {
    return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
           "and then re-enabling it with a different mode.";
  }
  return std::nullopt;
}

// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
void client_tracking_command(Context& ctx, Arguments args) {
  TrackingOptions options;
  if (!parse_tracking_options(ctx, args, options)) return;
  if (ctx.tracking == nullptr) {  // a test without the tables
    ctx.reply.error("ERR client tracking is not available");
    return;
  }
  if (equals_ignore_case(args[2], "off")) {
    ctx.tracking->disable(ctx.client, ctx.client.id);
    ctx.reply.ok();
    return;
  }
  if (!equals_ignore_case(args[2], "on")) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  if (auto error = incompatible(ctx.client.tracking, options)) {
    ctx.reply.error(*error);
    return;
  }
  if (options.bcast) {
    if (auto collision = Tracking::prefix_collision(ctx.client.tracking, options.prefixes)) {
      ctx.reply.error(collision->error);
      if (!collision->enables_anyway) return;
      // Redis 7.0.15 goes on (see Tracking::PrefixCollision): the error,
      // then +OK, and tracking is on with every prefix.
    }
  }
  ctx.tracking->enable(ctx.client, ctx.client.id, options);
  ctx.reply.ok();
}

// CLIENT CACHING YES|NO: applies to the next command only (the dispatcher
// clears it), in OPTIN mode (YES) or OPTOUT mode (NO).
void client_caching_command(Context& ctx, Arguments args) {
  ClientTracking& tracking = ctx.client.tracking;
  if (!tracking.on) {
    ctx.reply.error(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
        "OPTOUT mode enabled");
    return;
  }
  if (equals_ignore_case(args[2], "yes")) {
    if (!tracking.optin) {
      ctx.reply.error(
          "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
      return;
    }
  } else if (equals_ignore_case(args[2], "no")) {
    if (!tracking.optout) {
      ctx.reply.error(
          "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
      return;
    }
  } else {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  tracking.caching = true;
  ctx.reply.ok();
}

// CLIENT GETREDIR: the redirect's id, 0 when tracking without one, -1 when
// not tracking.
void client_getredir_command(Context& ctx, Arguments /*args*/) {
  const ClientTracking& tracking = ctx.client.tracking;
  ctx.reply.integer(tracking.on ? tracking.redirect : -1);
}

// CLIENT TRACKINGINFO: a map of flags (a set), redirect and prefixes.
void client_trackinginfo_command(Context& ctx, Arguments /*args*/) {
  const ClientTracking& tracking = ctx.client.tracking;
  std::vector<std::string_view> flags;
  flags.emplace_back(tracking.on ? "on" : "off");
  if (tracking.bcast) flags.emplace_back("bcast");
  if (tracking.optin) {
    flags.emplace_back("optin");
    if (tracking.caching) flags.emplace_back("caching-yes");
  }
  if (tracking.optout) {
    flags.emplace_back("optout");
    if (tracking.caching) flags.emplace_back("caching-no");
  }
  if (tracking.noloop) flags.emplace_back("noloop");
  if (tracking.broken_redirect) flags.emplace_back("broken_redirect");

  ctx.reply.map_header(3);
  ctx.reply.bulk_string("flags");
  ctx.reply.set_header(flags.size());
  for (std::string_view flag : flags) ctx.reply.bulk_string(flag);
  ctx.reply.bulk_string("redirect");
  ctx.reply.integer(tracking.on ? tracking.redirect : -1);
  ctx.reply.bulk_string("prefixes");
  ctx.reply.array_header(tracking.prefixes.size());
  for (const std::string& prefix : tracking.prefixes) ctx.reply.bulk_string(prefix);
}

CommandSpec subcommand(std::string_view name, int arity, Handler handler, std::string_view summary,
                       std::string_view since) {
  return CommandSpec{.name = std::string(name),
                     .arity = arity,
                     .flags = flags::kNoscript | kAnytime,
                     .handler = handler,
                     .group = "connection",
                     .summary = summary,
                     .since = since,
                     .complexity = "O(1)",
                     .acl_categories = "@slow @connection"};
}

}  // namespace

std::vector<CommandSpec> client_tracking_subcommands() {
  CommandSpec tracking =
      subcommand("tracking", -3, client_tracking_command,
                 "Enable or disable server assisted client side caching support", "6.0.0");
  tracking.complexity = "O(1). Some options may introduce additional complexity.";
  tracking.arguments = {
      arg::oneof("status", {arg::pure_token("on", "ON"), arg::pure_token("off", "OFF")}),
      arg::integer("client-id").token("REDIRECT").optional(),
      arg::string("prefix").token("PREFIX").optional().multiple().multiple_token(),
      arg::pure_token("bcast", "BCAST").optional(),
      arg::pure_token("optin", "OPTIN").optional(),
      arg::pure_token("optout", "OPTOUT").optional(),
      arg::pure_token("noloop", "NOLOOP").optional()};
  CommandSpec caching =
      subcommand("caching", 3, client_caching_command,
                 "Instruct the server about tracking or not keys in the next request", "6.0.0");
  caching.arguments = {
      arg::oneof("mode", {arg::pure_token("yes", "YES"), arg::pure_token("no", "NO")})};
  return {std::move(tracking), std::move(caching),
          subcommand("getredir", 2, client_getredir_command,
                     "Get tracking notifications redirection client ID if any", "6.0.0"),
          subcommand("trackinginfo", 2, client_trackinginfo_command,
                     "Return information about server assisted client side caching for the "
                     "current connection",
                     "6.2.0")};
}

}  // namespace mini_redis::commands
