// Workshop copy of src/commands/connection/connection_commands.h, made by workshop/generate.py, to read:
// the workshop build uses it in place of the original. Nothing to write here.
// The connection family, split by job. Internal to these files, not a public
// interface of commands/:
//
//   connection_commands.cpp  PING, ECHO, QUIT, SELECT, HELLO, RESET; its
//                            register_connection_commands() registers CLIENT too
//   client_commands.cpp      CLIENT and its subcommands (ID, SETNAME, LIST...)
//   client_kill.cpp          CLIENT KILL, old form and filters
//   client_tracking.cpp      CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO
//   client_pause.cpp         CLIENT PAUSE, UNPAUSE, NO-EVICT
//
// It also holds what both files need: the flags of commands that must work
// at any time, and the rule for client names, which HELLO ... SETNAME and
// CLIENT SETNAME share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/command_table.h"

namespace mini_redis::commands {

void register_client_commands(CommandTable& table);
// One line of CLIENT LIST / CLIENT INFO, newline included; ACL LOG shows
// it as "client-info" (client_commands.cpp).
void append_client_line(std::string& out, const ClientState& client, std::int64_t now_ms,
                        std::size_t argv_bytes);
// The CLIENT KILL row, for register_client_commands (client_kill.cpp).
CommandSpec client_kill_subcommand();
// TRACKING, CACHING, GETREDIR, TRACKINGINFO (client_tracking.cpp) and
// PAUSE, UNPAUSE, NO-EVICT (client_pause.cpp), for register_client_commands.
std::vector<CommandSpec> client_tracking_subcommands();
std::vector<CommandSpec> client_pause_subcommands();

// The classes CLIENT LIST TYPE and CLIENT KILL TYPE pick clients by.
enum class ClientType { normal, master, replica, pubsub };
// "normal", "master", "replica" or its old name "slave", "pubsub", in any case.
std::optional<ClientType> parse_client_type(std::string_view name);
// Which class `client` is in now (client_commands.cpp).
ClientType client_type(const ClientState& client);

// Most connection commands must work while the server loads or is busy.
inline constexpr std::uint32_t kAnytime = flags::kLoading | flags::kStale;

inline constexpr std::string_view kInvalidClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";

// Names (and SETINFO values) may hold only printable ASCII other than space,
// '!' to '~', so that CLIENT LIST stays one parsable line per client.
inline bool is_valid_client_attribute(std::string_view text) {
  for (char c : text) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

}  // namespace mini_redis::commands
