// The rules of ACL SETUSER, one word at a time, as Redis 7.0 reads them
// (acl.c's ACLSetUser and ACLSetSelector).
//
//   on / off                 may the user authenticate
//   nopass / resetpass       any password / no password at all
//   >pw <pw #hash !hash      add or remove a password (or its SHA-256)
//   +cmd -cmd                allow or deny a command (a container such as
//                            CLIENT with all its subcommands)
//   +cmd|sub -cmd|sub        one subcommand
//   +cmd|arg                 a command only with that first argument (SELECT 0)
//   +@cat -@cat              every command of a category
//   allcommands nocommands   aliases of +@all and -@all
//   ~pat %R~pat %W~pat       keys matching a glob, for reading and writing,
//                            reading only, writing only
//   allkeys resetkeys        ~*, and no key at all
//   &pat allchannels resetchannels    the same for Pub/Sub channels
//   reset                    back to a new user's state
//
// A rule that cannot apply reports why, with Redis's text; ACL SETUSER then
// leaves the user untouched (it applies the rules to a copy).
#include <algorithm>

#include "commands/core/acl_user.h"
#include "commands/core/command_table.h"
#include "common/ascii.h"

namespace mini_redis::commands {

namespace {

constexpr std::string_view kSyntaxError = "Syntax error";
constexpr std::string_view kUnknownCommand = "Unknown command or category name in ACL";
constexpr std::string_view kKeyAfterAll =
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have "
    "any effect. Try 'resetkeys' to start with an empty list of patterns";
constexpr std::string_view kChannelAfterAll =
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not "
    "have any effect. Try 'resetchannels' to start with an empty list of channels";
constexpr std::string_view kNoSuchPassword =
    "The password you are trying to remove from the user does not exist";
constexpr std::string_view kBadHash =
    "The password hash must be exactly 64 characters and contain only lowercase hexadecimal "
    "characters";
constexpr std::string_view kSubcommandFirstArg =
    "Allowing first-arg of a subcommand is not supported";

using RuleResult = std::optional<std::string>;

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A command and, for a container, all its subcommands (Redis's
// ACLChangeSelectorPerm); its first arguments are forgotten either way.
void change_command(AclUser& user, const CommandSpec& spec, bool allowed) {
  user.set_command_bit(spec.stats_id, allowed);
  user.first_args.erase(spec.stats_id);
  for (const CommandSpec& sub : spec.subcommands) change_command(user, sub, allowed);
}

void set_all_commands(AclUser& user, std::size_t command_count, bool allowed) {
  user.command_bits.assign((command_count + 63) / 64, allowed ? ~std::uint64_t{0} : 0);
  user.all_commands = allowed;
  user.first_args.clear();
}

RuleResult apply_category(AclUser& user, std::string_view name, bool allowed,
                          const AccessControl& acl) {
  if (equals_ignore_case(name, "all")) {
    set_all_commands(user, acl.command_count(), allowed);
    return std::nullopt;
  }
  const auto& names = acl_category_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!equals_ignore_case(names[i], name)) continue;
    // Every command (and subcommand) whose row lists the category, in
    // table order, so a container's own rule comes before its subcommands'.
    for (const auto& command : acl.flat_commands()) {
      if ((command.categories & (std::uint32_t{1} << i)) != 0) {
        change_command(user, *command.spec, allowed);
      }
    }
    return std::nullopt;
  }
  return std::string(kUnknownCommand);
}

// "+name", "-name", "+container|sub", "+command|first-arg".
RuleResult apply_command(AclUser& user, std::string_view name, bool allowed,
                         const AccessControl& acl) {
  const std::size_t bar = name.find('|');
  const CommandSpec* command = acl.commands().find(name.substr(0, bar));
  if (command == nullptr) return std::string(kUnknownCommand);
  if (bar == std::string_view::npos) {
    change_command(user, *command, allowed);
    return std::nullopt;
  }
  const std::string_view rest = name.substr(bar + 1);
  const std::size_t second_bar = rest.find('|');
  if (!command->subcommands.empty()) {
    const CommandSpec* sub = command->find_subcommand(rest.substr(0, second_bar));
    if (sub == nullptr) return std::string(kUnknownCommand);
    if (second_bar != std::string_view::npos) return std::string(kSubcommandFirstArg);
    change_command(user, *sub, allowed);
    return std::nullopt;
  }
  // A first argument: Redis 7.0 allows one (+select|0) but never denies one.
  if (!allowed || second_bar != std::string_view::npos) return std::string(kUnknownCommand);
  if (rest.empty()) return std::string(kSyntaxError);
  if (user.command_bit(command->stats_id)) return std::nullopt;  // the whole command already
  auto& allowed_args = user.first_args[command->stats_id];
  const bool known =
      std::any_of(allowed_args.begin(), allowed_args.end(),
                  [rest](const std::string& arg) { return equals_ignore_case(arg, rest); });
  if (!known) allowed_args.emplace_back(rest);
  return std::nullopt;
}

// "~pattern", "%R~pattern", "%W~pattern", "%RW~pattern".
RuleResult apply_key_pattern(AclUser& user, std::string_view rule) {
  if (user.all_keys) return std::string(kKeyAfterAll);
  if (rule == "~*") {  // the same as "allkeys" (but "%RW~*" is a pattern, as in Redis)
    user.all_keys = true;
    user.key_patterns.clear();
    return std::nullopt;
  }
  bool read = true;
  bool write = true;
  std::string_view pattern = rule.substr(1);
  if (rule[0] == '%') {
    const std::size_t tilde = rule.find('~');
    if (tilde == std::string_view::npos || tilde == 1) return std::string(kSyntaxError);
    read = write = false;
    for (char flag : rule.substr(1, tilde - 1)) {
      if (flag == 'R' || flag == 'r') {
        read = true;
      } else if (flag == 'W' || flag == 'w') {
        write = true;
      } else {
        return std::string(kSyntaxError);
      }
    }
    pattern = rule.substr(tilde + 1);
  }
  // A pattern is one word of an ACL file line: no spaces.
  if (pattern.find(' ') != std::string_view::npos) return std::string(kSyntaxError);
  // The same pattern again widens what it grants (Redis merges the flags).
  for (KeyPattern& existing : user.key_patterns) {
    if (existing.pattern == pattern) {
      existing.read = existing.read || read;
      existing.write = existing.write || write;
      return std::nullopt;
    }
  }
  user.key_patterns.push_back({std::string(pattern), read, write});
  return std::nullopt;
}

RuleResult apply_channel_pattern(AclUser& user, std::string_view pattern) {
  if (user.all_channels) return std::string(kChannelAfterAll);
  if (pattern.find(' ') != std::string_view::npos) return std::string(kSyntaxError);
  if (pattern == "*") {
    user.all_channels = true;
    user.channel_patterns.clear();
    return std::nullopt;
  }
  if (std::find(user.channel_patterns.begin(), user.channel_patterns.end(), pattern) ==
      user.channel_patterns.end()) {
    user.channel_patterns.emplace_back(pattern);
  }
  return std::nullopt;
}

void add_password_hash(AclUser& user, std::string hash) {
  user.nopass = false;
  if (std::find(user.password_hashes.begin(), user.password_hashes.end(), hash) ==
      user.password_hashes.end()) {
    user.password_hashes.push_back(std::move(hash));
  }
}

RuleResult remove_password_hash(AclUser& user, const std::string& hash) {
  auto it = std::find(user.password_hashes.begin(), user.password_hashes.end(), hash);
  if (it == user.password_hashes.end()) return std::string(kNoSuchPassword);
  user.password_hashes.erase(it);
  return std::nullopt;
}

RuleResult apply_password_rule(AclUser& user, std::string_view rule) {
  const std::string_view text = rule.substr(1);
  switch (rule[0]) {
    case '>': add_password_hash(user, hash_password(text)); return std::nullopt;
    case '<': return remove_password_hash(user, hash_password(text));
    case '#':
      if (!is_sha256_hex(text)) return std::string(kBadHash);
      add_password_hash(user, std::string(text));
      return std::nullopt;
    default:  // '!'
      if (!is_sha256_hex(text)) return std::string(kBadHash);
      return remove_password_hash(user, std::string(text));
  }
}

// The word rules, which take no argument: true if `rule` was one of them.
bool apply_word_rule(AclUser& user, std::string_view rule, const AccessControl& acl,
                     bool pubsub_all_channels) {
  if (equals_ignore_case(rule, "on")) {
    user.enabled = true;
  } else if (equals_ignore_case(rule, "off")) {
    user.enabled = false;
  } else if (equals_ignore_case(rule, "nopass")) {
    user.nopass = true;
    user.password_hashes.clear();
  } else if (equals_ignore_case(rule, "resetpass")) {
    user.nopass = false;
    user.password_hashes.clear();
  } else if (equals_ignore_case(rule, "skip-sanitize-payload")) {
    user.skip_sanitize_payload = true;
    user.sanitize_payload = false;
  } else if (equals_ignore_case(rule, "sanitize-payload")) {
    user.skip_sanitize_payload = false;
    user.sanitize_payload = true;
  } else if (equals_ignore_case(rule, "allkeys")) {
    user.all_keys = true;
    user.key_patterns.clear();
  } else if (equals_ignore_case(rule, "resetkeys")) {
    user.all_keys = false;
    user.key_patterns.clear();
  } else if (equals_ignore_case(rule, "allchannels")) {
    user.all_channels = true;
    user.channel_patterns.clear();
  } else if (equals_ignore_case(rule, "resetchannels")) {
    user.all_channels = false;
    user.channel_patterns.clear();
  } else if (equals_ignore_case(rule, "allcommands")) {
    set_all_commands(user, acl.command_count(), true);
  } else if (equals_ignore_case(rule, "nocommands")) {
    set_all_commands(user, acl.command_count(), false);
  } else if (equals_ignore_case(rule, "clearselectors")) {
    // No selectors are ever added, so there are none to clear.
  } else if (equals_ignore_case(rule, "reset")) {
    // Redis's reset: resetpass resetkeys resetchannels (or allchannels,
    // per acl-pubsub-default) off -@all, and sanitize-payload.
    AclUser fresh;
    fresh.name = std::move(user.name);
    fresh.sanitize_payload = true;
    fresh.all_channels = pubsub_all_channels;
    set_all_commands(fresh, acl.command_count(), false);
    user = std::move(fresh);
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> apply_acl_rule(AclUser& user, std::string_view rule,
                                          const AccessControl& acl, bool pubsub_all_channels) {
  RuleResult result;
  if (rule.empty() || apply_word_rule(user, rule, acl, pubsub_all_channels)) {
    result = std::nullopt;  // Redis ignores an empty rule; a word rule ("on", "reset"...) is done
  } else if (rule[0] == '>' || rule[0] == '<' || rule[0] == '#' || rule[0] == '!') {
    result = apply_password_rule(user, rule);
  } else if (rule[0] == '~' || rule[0] == '%') {
    result = apply_key_pattern(user, rule);
  } else if (rule[0] == '&') {
    result = apply_channel_pattern(user, rule.substr(1));
  } else if ((rule[0] == '+' || rule[0] == '-') && rule.size() > 1 && rule[1] == '@') {
    result = apply_category(user, rule.substr(2), rule[0] == '+', acl);
  } else if (rule[0] == '+' || rule[0] == '-') {
    result = apply_command(user, rule.substr(1), rule[0] == '+', acl);
  } else {
    // Selectors, "(...)", are Redis 7.0's groups of rules; mini-redis does
    // not have them, and refuses them as any rule it does not know.
    result = std::string(kSyntaxError);
  }
  user.refresh_unrestricted();
  return result;
}

}  // namespace mini_redis::commands
