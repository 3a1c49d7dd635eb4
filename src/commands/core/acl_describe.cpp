// Users described as rules: what ACL GETUSER and ACL LIST show and ACL SAVE
// writes, so that applying the description rebuilds the same user.
//
// Keys, channels, flags and passwords are lists and print as such. Commands
// are a bitmap, and Redis 7.0 does not remember the rules that made it: it
// finds rules that rebuild it, and we do as it does (acl.c's
// ACLDescribeSelectorCommandRules), so that the same bitmap reads the same:
//
//   1. Start from "+@all" if the user was given +@all and nothing was taken
//      away since, else from "-@all".
//   2. Repeatedly pick the category that fits best: among those that have
//      more commands agreeing with the user than disagreeing, the one with
//      the fewest disagreements (ties: the most agreements). Emit "+@cat"
//      when starting from -@all ("-@cat" from +@all). Each category is
//      picked at most once, and a picked category's commands no longer
//      count for the next picks.
//   3. Then walk every command and subcommand and emit "+name" / "-name"
//      wherever the rules so far still disagree with the user, and the
//      allowed first arguments ("+select|0") of a command that is off.
//
// So "+@all -@dangerous" reads back as itself, and "-@all +@read -get" too,
// while a mix such as "-@all +@hash +@read -@hash" comes back in another,
// equivalent form. Redis walks its commands in hash-table order; we walk
// them in registration order. Which category fits best depends on which
// commands exist, so a user may read differently here than in Redis while
// mini-redis lacks some of Redis's commands.
#include <array>
#include <climits>

#include "commands/core/acl_user.h"
#include "commands/core/command_table.h"

namespace mini_redis::commands {

namespace {

// A command and its subcommands, as the rule "+name" / "-name" sets them.
void set_command_and_subcommands(AclUser& user, const CommandSpec& spec, bool allowed) {
  user.set_command_bit(spec.stats_id, allowed);
  for (const CommandSpec& sub : spec.subcommands) set_command_and_subcommands(user, sub, allowed);
}

// What "+@cat" / "-@cat" does, for the category bits `mask`.
void set_category(AclUser& user, const AccessControl& acl, std::uint32_t mask, bool allowed) {
  for (const auto& command : acl.flat_commands()) {
    if ((command.categories & mask) != 0) set_command_and_subcommands(user, *command.spec, allowed);
  }
}

// Step 2: the best-fitting categories, emitted into `rules` and applied to
// `rebuilt`.
void describe_categories(const AclUser& user, const AccessControl& acl, bool additive,
                         AclUser& rebuilt, std::string& rules) {
  const auto& names = acl_category_names();
  AclUser remaining = user;  // the bits the picked categories do not explain yet
  std::vector<bool> picked(names.size(), false);
  while (true) {
    std::size_t best = names.size();
    std::size_t fewest_different = SIZE_MAX;
    std::size_t most_same = 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (picked[i]) continue;
      // How many commands of the category the user may run (on) and not (off).
      std::size_t on = 0;
      std::size_t off = 0;
      for (const auto& command : acl.flat_commands()) {
        if ((command.categories & (std::uint32_t{1} << i)) == 0) continue;
        ++(remaining.command_bit(command.spec->stats_id) ? on : off);
      }
      const std::size_t different = additive ? off : on;
      const std::size_t same = additive ? on : off;
      if (same > different &&
          (different < fewest_different || (different == fewest_different && same > most_same))) {
        best = i;
        fewest_different = different;
        most_same = same;
      }
    }
    if (best == names.size()) return;
    picked[best] = true;
    rules += additive ? "+@" : "-@";
    rules += names[best];
    rules += ' ';
    set_category(rebuilt, acl, std::uint32_t{1} << best, additive);
    set_category(remaining, acl, std::uint32_t{1} << best, !additive);
  }
}

// Step 3, for one command and its subcommands.
void describe_single_commands(const AclUser& user, const CommandSpec& spec, AclUser& rebuilt,
                              std::string& rules) {
  const bool wanted = user.command_bit(spec.stats_id);
  if (wanted != rebuilt.command_bit(spec.stats_id)) {
    rules += wanted ? '+' : '-';
    rules += spec.full_name;
    rules += ' ';
    set_command_and_subcommands(rebuilt, spec, wanted);
  }
  for (const CommandSpec& sub : spec.subcommands)
    describe_single_commands(user, sub, rebuilt, rules);
  auto first_args = user.first_args.find(spec.stats_id);
  if (!wanted && first_args != user.first_args.end()) {
    for (const std::string& arg : first_args->second) {
      rules += '+';
      rules += spec.full_name;
      rules += '|';
      rules += arg;
      rules += ' ';
    }
  }
}

}  // namespace

const std::vector<std::string_view>& acl_category_names() {
  static const std::vector<std::string_view> names{
      "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
      "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
      "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting"};
  return names;
}

std::uint32_t category_mask(const CommandSpec& spec) {
  const auto& names = acl_category_names();
  std::uint32_t mask = 0;
  std::string_view rest = spec.acl_categories;
  while (!rest.empty()) {
    const std::size_t space = rest.find(' ');
    std::string_view word = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    if (word.starts_with('@')) word.remove_prefix(1);
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == word) mask |= std::uint32_t{1} << i;
    }
  }
  return mask;
}

std::string describe_commands(const AclUser& user, const AccessControl& acl) {
  const bool additive = !user.all_commands;
  std::string rules = additive ? "-@all " : "+@all ";
  AclUser rebuilt;
  rebuilt.command_bits.assign((acl.command_count() + 63) / 64, additive ? 0 : ~std::uint64_t{0});
  describe_categories(user, acl, additive, rebuilt, rules);
  for (const auto& spec : acl.commands().all())
    describe_single_commands(user, *spec, rebuilt, rules);
  rules.pop_back();  // the last space
  return rules;
}

std::string describe_keys(const AclUser& user) {
  if (user.all_keys) return "~* ";
  std::string text;
  for (const KeyPattern& key : user.key_patterns) {
    if (!key.write) {
      text += "%R";
    } else if (!key.read) {
      text += "%W";
    }
    text += '~';
    text += key.pattern;
    text += ' ';
  }
  return text;
}

std::string describe_user(const AclUser& user, const AccessControl& acl) {
  std::string text = user.enabled ? "on " : "off ";
  if (user.nopass) text += "nopass ";
  if (user.skip_sanitize_payload) text += "skip-sanitize-payload ";
  if (user.sanitize_payload) text += "sanitize-payload ";
  for (const std::string& hash : user.password_hashes) text += "#" + hash + " ";
  text += describe_keys(user);
  if (user.all_channels) {
    text += "&* ";
  } else {
    text += "resetchannels ";
    for (const std::string& channel : user.channel_patterns) text += "&" + channel + " ";
  }
  text += describe_commands(user, acl);
  return text;
}

}  // namespace mini_redis::commands
