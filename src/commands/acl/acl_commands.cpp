// The ACL command: users, their permissions, and the log of refusals, as
// Redis 7.0 answers them.
//
//   ACL SETUSER name rule...   create or change a user (rules: acl_rules.cpp)
//   ACL GETUSER name           a user's flags, passwords and permissions
//   ACL DELUSER name...        remove users and disconnect their clients
//   ACL LIST / USERS / WHOAMI  the users as rules, their names, our name
//   ACL CAT [category]         the categories, or a category's commands
//   ACL GENPASS [bits]         a random password
//   ACL DRYRUN name cmd args   would that user be allowed to run it?
//   ACL LOG [count | RESET]    recent refusals (acl_log.h)
//   ACL LOAD / SAVE            the aclfile (acl_file.cpp)
//
// The users are commands/core/acl_user.h's AccessControl, which the server
// owns and Context reaches. A rule list is applied to a copy of the user,
// so that a bad rule leaves the user as it was (Redis does the same).
#include <algorithm>
#include <cstdint>
#include <functional>

#include "commands/acl/acl_commands.h"
#include "commands/core/acl_check.h"
#include "commands/core/command_docs.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "common/integer_parsing.h"

namespace mini_redis::commands {

namespace {

// The largest ACL GENPASS accepts (Redis's GENPASS_MAX_BITS).
constexpr std::int64_t kMaxPasswordBits = 4096;
constexpr std::int64_t kDefaultPasswordBits = 256;
// ACL LOG without a count shows this many entries.
constexpr std::int64_t kDefaultLogCount = 10;

bool pubsub_default_all(const Context& ctx) {
  return ctx.config.acl_pubsub_default == "allchannels";
}

// CAT, GENPASS and LOG take at most one argument; Redis answers more with
// its generic "unknown subcommand or wrong number of arguments".
bool too_many_arguments(Context& ctx, Arguments args) {
  if (args.size() <= 3) return false;
  ctx.reply.error(errors::subcommand_syntax_error(args[1], "ACL"));
  return true;
}

// Closes the clients `should_close` picks: the caller once its reply is
// written (as after QUIT), the others at once, as Redis frees them.
void close_clients_where(Context& ctx,
                         const std::function<bool(const ClientState&)>& should_close) {
  if (should_close(ctx.client)) ctx.client.close_after_reply = true;
  ctx.server.kill_clients(
      [&](const ClientState& client) { return &client != &ctx.client && should_close(client); });
}

// ACL SETUSER name [rule ...]
void acl_setuser_command(Context& ctx, Arguments args) {
  const std::string_view name = args[2];
  if (!is_valid_username(name)) {
    ctx.reply.error("ERR Usernames can't contain spaces or null characters");
    return;
  }
  std::shared_ptr<AclUser> existing = ctx.acl->find(name);
  AclUser staged =
      existing ? *existing : AccessControl::blank_user(*ctx.acl, name, pubsub_default_all(ctx));
  for (std::string_view rule : args.subspan(3)) {
    if (auto reason = apply_acl_rule(staged, rule, *ctx.acl, pubsub_default_all(ctx))) {
      ctx.reply.error("ERR Error in ACL SETUSER modifier '" + std::string(rule) + "': " + *reason);
      return;
    }
  }
  if (!existing) {
    ctx.acl->add(std::move(staged));
    ctx.reply.ok();
    return;
  }
  *existing = std::move(staged);
  // Its subscribers to channels it may no longer hear are disconnected, as
  // Redis 7.0 does (ACLKillPubsubClientsIfNeeded).
  const auto subscribed_beyond = [&](const ClientState& client) {
    return client.user == existing && !subscriptions_allowed(*existing, client.subscriptions);
  };
  close_clients_where(ctx, subscribed_beyond);
  ctx.reply.ok();
}

// ACL GETUSER name: a map of flags, passwords, commands, keys, channels and
// selectors (always none here), or null for an unknown user.
void acl_getuser_command(Context& ctx, Arguments args) {
  const std::shared_ptr<AclUser> user = ctx.acl->find(args[2]);
  if (!user) {
    ctx.reply.null();
    return;
  }
  std::vector<std::string_view> flag_names{user->enabled ? "on" : "off"};
  if (user->nopass) flag_names.emplace_back("nopass");
  if (user->skip_sanitize_payload) flag_names.emplace_back("skip-sanitize-payload");
  if (user->sanitize_payload) flag_names.emplace_back("sanitize-payload");

  ctx.reply.map_header(6);
  ctx.reply.bulk_string("flags");
  ctx.reply.set_header(flag_names.size());
  for (std::string_view flag : flag_names) ctx.reply.bulk_string(flag);
  ctx.reply.bulk_string("passwords");
  ctx.reply.array_header(user->password_hashes.size());
  for (const std::string& hash : user->password_hashes) ctx.reply.bulk_string(hash);
  ctx.reply.bulk_string("commands");
  ctx.reply.bulk_string(describe_commands(*user, *ctx.acl));
  ctx.reply.bulk_string("keys");
  std::string keys = describe_keys(*user);
  if (!keys.empty()) keys.pop_back();  // the space after the last pattern
  ctx.reply.bulk_string(keys);
  ctx.reply.bulk_string("channels");
  std::string channels = user->all_channels ? "&*" : "";
  for (const std::string& channel : user->channel_patterns) {
    if (!channels.empty()) channels += ' ';
    channels += "&" + channel;
  }
  ctx.reply.bulk_string(channels);
  ctx.reply.bulk_string("selectors");
  ctx.reply.array_header(0);
}

// ACL DELUSER name [name ...]: how many existed. Their clients are
// disconnected; the caller, if one of them, once it has its reply.
void acl_deluser_command(Context& ctx, Arguments args) {
  for (std::string_view name : args.subspan(2)) {
    if (name == "default") {
      ctx.reply.error("ERR The 'default' user cannot be removed");
      return;
    }
  }
  std::vector<std::shared_ptr<AclUser>> removed;
  for (std::string_view name : args.subspan(2)) {
    if (auto user = ctx.acl->find(name); user && ctx.acl->remove(name)) removed.push_back(user);
  }
  disconnect_users(ctx, removed);
  ctx.reply.integer(static_cast<std::int64_t>(removed.size()));
}

void acl_list_command(Context& ctx, Arguments /*args*/) {
  ctx.reply.array_header(ctx.acl->users().size());
  for (const auto& [name, user] : ctx.acl->users()) {
    ctx.reply.bulk_string("user " + name + " " + describe_user(*user, *ctx.acl));
  }
}

void acl_users_command(Context& ctx, Arguments /*args*/) {
  ctx.reply.array_header(ctx.acl->users().size());
  for (const auto& entry : ctx.acl->users()) ctx.reply.bulk_string(entry.first);
}

void acl_whoami_command(Context& ctx, Arguments /*args*/) {
  ctx.reply.bulk_string(ctx.client.user ? std::string_view(ctx.client.user->name) : "default");
}

// ACL CAT [category]: the categories, or the commands of one. Redis lists
// them in its hash table's order; we list them in registration order.
void acl_cat_command(Context& ctx, Arguments args) {
  if (too_many_arguments(ctx, args)) return;
  const auto& categories = acl_category_names();
  if (args.size() == 2) {
    ctx.reply.array_header(categories.size());
    for (std::string_view category : categories) ctx.reply.bulk_string(category);
    return;
  }
  auto found = std::find_if(categories.begin(), categories.end(), [&](std::string_view name) {
    return equals_ignore_case(name, args[2]);
  });
  if (found == categories.end()) {
    ctx.reply.error("ERR Unknown category '" + std::string(args[2]) + "'");
    return;
  }
  const auto mask = std::uint32_t{1} << (found - categories.begin());
  std::vector<std::string_view> names;
  for (const auto& command : ctx.acl->flat_commands()) {
    if ((command.categories & mask) != 0) names.emplace_back(command.spec->full_name);
  }
  ctx.reply.array_header(names.size());
  for (std::string_view name : names) ctx.reply.bulk_string(name);
}

// ACL GENPASS [bits]: 256 random bits by default, as hex digits.
void acl_genpass_command(Context& ctx, Arguments args) {
  if (too_many_arguments(ctx, args)) return;
  std::int64_t bits = kDefaultPasswordBits;
  if (args.size() == 3) {
    auto parsed = parse_int64_strict(args[2]);
    if (!parsed) {
      ctx.reply.error(errors::kNotInteger);
      return;
    }
    bits = *parsed;
  }
  if (bits <= 0 || bits > kMaxPasswordBits) {
    ctx.reply.error(
        "ERR ACL GENPASS argument must be the number of bits for the output password, a positive "
        "number up to 4096");
    return;
  }
  ctx.reply.bulk_string(random_hex_password(static_cast<std::size_t>(bits)));
}

// ACL DRYRUN name command [arg ...]: +OK, or why not as a bulk string.
void acl_dryrun_command(Context& ctx, Arguments args) {
  const std::shared_ptr<AclUser> user = ctx.acl->find(args[2]);
  if (!user) {
    ctx.reply.error("ERR User '" + std::string(args[2]) + "' not found");
    return;
  }
  const Arguments command = args.subspan(3);
  const CommandSpec* spec = ctx.commands.find(command[0]);
  if (spec != nullptr && !spec->subcommands.empty() && command.size() >= 2) {
    spec = spec->find_subcommand(command[1]);
  }
  if (spec == nullptr) {
    ctx.reply.error("ERR Command '" + std::string(command[0]) + "' not found");
    return;
  }
  const auto count = static_cast<int>(command.size());
  if ((spec->arity > 0 && spec->arity != count) || count < -spec->arity) {
    ctx.reply.error(errors::wrong_arity(spec->full_name));
    return;
  }
  const AclVerdict verdict = check_acl(*user, *spec, command);
  if (verdict.denial == AclDenial::none) {
    ctx.reply.ok();
  } else {
    ctx.reply.bulk_string(dryrun_refusal(verdict, *spec, command));
  }
}

void reply_log_entry(Context& ctx, const AclLogEntry& entry) {
  ctx.reply.map_header(7);
  ctx.reply.bulk_string("count");
  ctx.reply.integer(entry.count);
  ctx.reply.bulk_string("reason");
  ctx.reply.bulk_string(entry.reason);
  ctx.reply.bulk_string("context");
  ctx.reply.bulk_string(entry.context);
  ctx.reply.bulk_string("object");
  ctx.reply.bulk_string(entry.object);
  ctx.reply.bulk_string("username");
  ctx.reply.bulk_string(entry.username);
  ctx.reply.bulk_string("age-seconds");
  ctx.reply.double_value(static_cast<double>(ctx.now_ms() - entry.created_ms) / 1000.0);
  ctx.reply.bulk_string("client-info");
  ctx.reply.bulk_string(entry.client_info);
}

// ACL LOG [count | RESET]: the newest `count` entries (10 by default).
void acl_log_command(Context& ctx, Arguments args) {
  if (too_many_arguments(ctx, args)) return;
  std::int64_t count = kDefaultLogCount;
  if (args.size() == 3) {
    if (equals_ignore_case(args[2], "reset")) {
      ctx.acl->log.clear();
      ctx.reply.ok();
      return;
    }
    auto parsed = parse_int64_strict(args[2]);
    if (!parsed) {
      ctx.reply.error(errors::kNotInteger);
      return;
    }
    count = std::max<std::int64_t>(*parsed, 0);
  }
  const auto& entries = ctx.acl->log.entries();
  const std::size_t shown = std::min(entries.size(), static_cast<std::size_t>(count));
  ctx.reply.array_header(shown);
  for (std::size_t i = 0; i < shown; ++i) reply_log_entry(ctx, entries[i]);
}

void acl_help_command(Context& ctx, Arguments /*args*/) {
  reply_help(
      ctx.reply, "ACL",
      {"CAT [<category>]",
       "    List all commands that belong to <category>, or all command categories",
       "    when no category is specified.",
       "DELUSER <username> [<username> ...]",
       "    Delete a list of users.",
       "DRYRUN <username> <command> [<arg> ...]",
       "    Returns whether the user can execute the given command without executing the command.",
       "GETUSER <username>",
       "    Get the user's details.",
       "GENPASS [<bits>]",
       "    Generate a secure 256-bit user password. The optional `bits` argument can",
       "    be used to specify a different size.",
       "LIST",
       "    Show users details in config file format.",
       "LOAD",
       "    Reload users from the ACL file.",
       "LOG [<count> | RESET]",
       "    Show the ACL log entries.",
       "SAVE",
       "    Save the current config to the ACL file.",
       "SETUSER <username> <attribute> [<attribute> ...]",
       "    Create or modify a user with the specified attributes.",
       "USERS",
       "    List all the registered usernames.",
       "WHOAMI",
       "    Return the current connection username."});
}

}  // namespace

void disconnect_users(Context& ctx, const std::vector<std::shared_ptr<AclUser>>& users) {
  if (users.empty()) return;
  const auto runs_as_one = [&](const ClientState& client) {
    return std::any_of(users.begin(), users.end(),
                       [&](const auto& user) { return client.user == user; });
  };
  close_clients_where(ctx, runs_as_one);
}

void register_acl_commands(CommandTable& table) {
  table.add(acl_command_row({
      .setuser = acl_setuser_command,
      .getuser = acl_getuser_command,
      .deluser = acl_deluser_command,
      .list = acl_list_command,
      .users = acl_users_command,
      .whoami = acl_whoami_command,
      .cat = acl_cat_command,
      .genpass = acl_genpass_command,
      .dryrun = acl_dryrun_command,
      .log = acl_log_command,
      .load = acl_load_command,
      .save = acl_save_command,
      .help = acl_help_command,
  }));
}

}  // namespace mini_redis::commands
