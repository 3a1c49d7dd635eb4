#include "commands/core/acl_user.h"

#include <algorithm>

#include "commands/core/command_table.h"

namespace mini_redis::commands {

namespace {

void flatten(const CommandSpec& spec, std::vector<AccessControl::FlatCommand>& out) {
  out.push_back({&spec, category_mask(spec)});
  for (const CommandSpec& sub : spec.subcommands) flatten(sub, out);
}

}  // namespace

void AclUser::set_command_bit(std::size_t id, bool allowed) {
  const std::size_t word = id / 64;
  if (word >= command_bits.size()) command_bits.resize(word + 1, 0);
  const std::uint64_t bit = std::uint64_t{1} << (id % 64);
  if (allowed) {
    command_bits[word] |= bit;
  } else {
    command_bits[word] &= ~bit;
  }
}

void AclUser::refresh_unrestricted() {
  // Only a user given +@all and never had a command taken away; bits past
  // the last command are set by +@all too, so every word is all ones.
  unrestricted = all_commands && all_keys && all_channels &&
                 std::all_of(command_bits.begin(), command_bits.end(),
                             [](std::uint64_t word) { return word == ~std::uint64_t{0}; });
}

AccessControl::AccessControl(const CommandTable& commands) : commands_(&commands) {
  for (const auto& spec : commands.all()) flatten(*spec, flat_commands_);
  // One bit per stats_id: one past the largest.
  for (const FlatCommand& command : flat_commands_) {
    command_count_ = std::max(command_count_, command.spec->stats_id + 1);
  }
  auto user = std::make_shared<AclUser>();
  user->name = "default";
  user->enabled = true;
  user->nopass = true;
  user->all_keys = true;
  user->all_channels = true;
  user->all_commands = true;
  user->command_bits.assign((command_count_ + 63) / 64, ~std::uint64_t{0});
  user->refresh_unrestricted();
  default_user_ = user;
  users_.emplace(user->name, std::move(user));
}

std::shared_ptr<AclUser> AccessControl::find(std::string_view name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : it->second;
}

AclUser AccessControl::blank_user(const AccessControl& acl, std::string_view name,
                                  bool all_channels) {
  AclUser user;
  user.name = std::string(name);
  user.command_bits.assign((acl.command_count_ + 63) / 64, 0);
  user.all_channels = all_channels;
  user.refresh_unrestricted();
  return user;
}

void AccessControl::add(AclUser user) {
  std::string name = user.name;
  if (auto existing = find(name)) {
    *existing = std::move(user);
    return;
  }
  users_.emplace(std::move(name), std::make_shared<AclUser>(std::move(user)));
}

bool AccessControl::remove(std::string_view name) {
  if (name == "default") return false;
  auto it = users_.find(name);
  if (it == users_.end()) return false;
  users_.erase(it);
  return true;
}

void AccessControl::replace_all(
    std::map<std::string, std::shared_ptr<AclUser>, std::less<>> users) {
  // The default user object stays the same one, so that the connections
  // running as it keep it; it takes the loaded permissions (or a fresh
  // default user's, when the file does not mention it).
  auto loaded_default = users.find("default");
  if (loaded_default != users.end()) {
    *default_user_ = *loaded_default->second;
  } else {
    AccessControl fresh(*commands_);
    *default_user_ = *fresh.default_user_;
  }
  users["default"] = default_user_;
  users_ = std::move(users);
}

void AccessControl::apply_requirepass(std::string_view password) {
  AclUser& user = *default_user_;
  user.password_hashes.clear();
  user.nopass = password.empty();
  if (!password.empty()) user.password_hashes.push_back(hash_password(password));
}

bool is_valid_username(std::string_view name) {
  return name.find(' ') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

}  // namespace mini_redis::commands
