#include "commands/core/acl_check.h"

#include <algorithm>

#include "commands/connection/connection_commands.h"
#include "commands/core/command_docs_internal.h"
#include "commands/core/command_table.h"
#include "common/ascii.h"
#include "common/glob.h"

namespace mini_redis::commands {

namespace {

constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
constexpr std::string_view kNoPermKeys =
    "NOPERM this user has no permissions to access one of the keys used as arguments";
constexpr std::string_view kNoPermChannels =
    "NOPERM this user has no permissions to access one of the channels used as arguments";

bool command_allowed(const AclUser& user, const CommandSpec& spec, Arguments args) {
  // AUTH, HELLO, QUIT and RESET (the no_auth commands) are never refused:
  // a user must always be able to authenticate as someone else, or leave.
  if (user.command_bit(spec.stats_id) || (spec.flags & flags::kNoAuth) != 0) return true;
  // +select|0: the command with one of the allowed first arguments.
  auto first_args = user.first_args.find(spec.stats_id);
  if (first_args == user.first_args.end() || args.size() < 2) return false;
  return std::any_of(
      first_args->second.begin(), first_args->second.end(),
      [&](const std::string& allowed) { return equals_ignore_case(allowed, args[1]); });
}

bool has_word(std::string_view flags, std::string_view word) {
  for (std::string_view part : split(flags, ' ')) {
    if (equals_ignore_case(part, word)) return true;
  }
  return false;
}

// What a key spec's flags ask of the user: reading ("access": the command
// returns or uses the value) and/or writing ("insert", "update", "delete").
// SET is the one row with variable flags: it reads the old value only when
// given GET, so without GET it needs write access only (Redis's
// setGetKeys reports "OW update" then).
void needed_access(const CommandSpec& spec, Arguments args, std::string_view flags, bool& read,
                   bool& write) {
  read = has_word(flags, "access");
  write = has_word(flags, "insert") || has_word(flags, "update") || has_word(flags, "delete");
  if (read && has_word(flags, "variable_flags") && spec.full_name == "set") {
    read = std::any_of(args.begin() + std::min<std::size_t>(3, args.size()), args.end(),
                       [](std::string_view arg) { return equals_ignore_case(arg, "get"); });
  }
}

bool key_allowed(const AclUser& user, std::string_view key, bool read, bool write) {
  return std::any_of(user.key_patterns.begin(), user.key_patterns.end(),
                     [&](const KeyPattern& pattern) {
                       return (!read || pattern.read) && (!write || pattern.write) &&
                              glob_match(pattern.pattern, key);
                     });
}

bool channel_allowed(const AclUser& user, std::string_view channel, bool is_pattern) {
  return std::any_of(user.channel_patterns.begin(), user.channel_patterns.end(),
                     [&](const std::string& allowed) {
                       return is_pattern ? allowed == channel : glob_match(allowed, channel);
                     });
}

// The channels a command names: the first argument of PUBLISH and
// SPUBLISH, all arguments of the subscribe commands (UNSUBSCRIBE and
// friends only ever take away, and are never refused).
AclVerdict check_channels(const AclUser& user, const CommandSpec& spec, Arguments args) {
  const std::string_view name = spec.full_name;
  const bool publish = name == "publish" || name == "spublish";
  const bool pattern = name == "psubscribe";
  if (!publish && !pattern && name != "subscribe" && name != "ssubscribe") return {};
  const std::size_t end = publish ? std::min<std::size_t>(2, args.size()) : args.size();
  for (std::size_t i = 1; i < end; ++i) {
    if (!channel_allowed(user, args[i], pattern)) return {AclDenial::channel, i};
  }
  return {};
}

}  // namespace

AclVerdict check_acl(const AclUser& user, const CommandSpec& spec, Arguments args) {
  if (!command_allowed(user, spec, args)) return {AclDenial::command, 0};
  if (!user.all_keys) {
    for (const auto& [position, flags] : key_positions(spec, args)) {
      bool read = false;
      bool write = false;
      needed_access(spec, args, flags, read, write);
      if (!key_allowed(user, args[position], read, write)) return {AclDenial::key, position};
    }
  }
  if (!user.all_channels) return check_channels(user, spec, args);
  return {};
}

bool subscriptions_allowed(const AclUser& user, const Subscriptions& subscriptions) {
  if (user.all_channels) return true;
  const auto allowed = [&](const std::string& channel) {
    return channel_allowed(user, channel, /*is_pattern=*/false);
  };
  const auto allowed_pattern = [&](const std::string& pattern) {
    return channel_allowed(user, pattern, /*is_pattern=*/true);
  };
  return std::all_of(subscriptions.channels.begin(), subscriptions.channels.end(), allowed) &&
         std::all_of(subscriptions.shard_channels.begin(), subscriptions.shard_channels.end(),
                     allowed) &&
         std::all_of(subscriptions.patterns.begin(), subscriptions.patterns.end(), allowed_pattern);
}

void log_acl_event(Context& ctx, std::string_view reason, std::string_view log_context,
                   std::string object, std::string username) {
  if (ctx.acl == nullptr) return;
  // The running client has just sent this command: idle 0, as Redis shows it.
  ctx.client.last_command_ms = ctx.now_ms();
  std::string client_info;
  append_client_line(client_info, ctx.client, ctx.now_ms(), 0);
  if (!client_info.empty() && client_info.back() == '\n') client_info.pop_back();
  ctx.acl->log.add({.reason = reason,
                    .context = log_context,
                    .object = std::move(object),
                    .username = std::move(username),
                    .created_ms = ctx.now_ms(),
                    .client_info = std::move(client_info)},
                   static_cast<std::size_t>(ctx.config.acllog_max_len));
}

bool acl_refuses(Context& ctx, const CommandSpec& spec, Arguments args,
                 std::string_view log_context) {
  ClientState& client = ctx.client;
  // A command refused while MULTI queues is logged as "multi" (Redis looks
  // at the client's CLIENT_MULTI flag).
  if (client.transaction.open) log_context = "multi";
  if (!client.authenticated && ctx.acl != nullptr && ctx.acl->auth_required() &&
      (spec.flags & flags::kNoAuth) == 0) {
    ctx.reply.error(kNoAuth);
    return true;
  }
  const AclVerdict verdict = check_acl(*client.user, spec, args);
  // Redis notes the command as the client's last (CLIENT LIST cmd=) as soon
  // as it is looked up, so a refused one shows in the log's client-info.
  if (verdict.denial != AclDenial::none) client.last_command = spec.full_name;
  switch (verdict.denial) {
    case AclDenial::none: return false;
    case AclDenial::command:
      ctx.reply.error("NOPERM this user has no permissions to run the '" + spec.full_name +
                      "' command");
      log_acl_event(ctx, "command", log_context, spec.full_name, client.user->name);
      return true;
    case AclDenial::key:
      ctx.reply.error(kNoPermKeys);
      log_acl_event(ctx, "key", log_context, std::string(args[verdict.position]),
                    client.user->name);
      return true;
    case AclDenial::channel:
      ctx.reply.error(kNoPermChannels);
      log_acl_event(ctx, "channel", log_context, std::string(args[verdict.position]),
                    client.user->name);
      return true;
  }
  return false;
}

std::string dryrun_refusal(const AclVerdict& verdict, const CommandSpec& spec, Arguments args) {
  switch (verdict.denial) {
    case AclDenial::command:
      return "This user has no permissions to run the '" + spec.full_name + "' command";
    case AclDenial::key:
      return "This user has no permissions to access the '" + std::string(args[verdict.position]) +
             "' key";
    case AclDenial::channel:
      return "This user has no permissions to access the '" + std::string(args[verdict.position]) +
             "' channel";
    case AclDenial::none: break;
  }
  return {};
}

}  // namespace mini_redis::commands
