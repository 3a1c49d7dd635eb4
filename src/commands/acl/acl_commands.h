// The ACL family, split by job. Internal to these files, and to server/,
// which loads the users of the config file and the aclfile at start:
//
//   acl_commands.cpp  the handlers of ACL SETUSER, GETUSER, LIST, LOG...
//   acl_rows.cpp      the ACL row and its subcommands (COMMAND DOCS data)
//   acl_file.cpp      ACL LOAD / ACL SAVE and the `user` lines of files
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/acl_user.h"
#include "commands/core/command_table.h"

namespace mini_redis::commands {

// One handler per subcommand, for the row.
struct AclHandlers {
  Handler setuser = nullptr;
  Handler getuser = nullptr;
  Handler deluser = nullptr;
  Handler list = nullptr;
  Handler users = nullptr;
  Handler whoami = nullptr;
  Handler cat = nullptr;
  Handler genpass = nullptr;
  Handler dryrun = nullptr;
  Handler log = nullptr;
  Handler load = nullptr;
  Handler save = nullptr;
  Handler help = nullptr;
};

// The ACL row, its subcommands in Redis 7.0's COMMAND DOCS order.
CommandSpec acl_command_row(const AclHandlers& handlers);

void acl_load_command(Context& ctx, Arguments args);
void acl_save_command(Context& ctx, Arguments args);

// Closes every client running as one of `users` (ACL DELUSER, ACL LOAD);
// the caller once its reply is out.
void disconnect_users(Context& ctx, const std::vector<std::shared_ptr<AclUser>>& users);

using UserTable = std::map<std::string, std::shared_ptr<AclUser>, std::less<>>;

// Reads the `user` lines of the config file (each "user", name, rules) into
// `users`: Redis's message for the first bad rule, or nothing.
std::optional<std::string> read_config_users(std::span<const std::vector<std::string>> lines,
                                             const AccessControl& acl, bool pubsub_all_channels,
                                             UserTable& users);

// Reads an aclfile into `users`: the error, or nothing.
std::optional<std::string> read_acl_file(const std::string& path, const AccessControl& acl,
                                         bool pubsub_all_channels, UserTable& users);

}  // namespace mini_redis::commands
