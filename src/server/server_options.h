// Reading the command line and the config file into a Config.
//
// As with redis-server:
//     mini-redis-server [config-file] [--port 6380] [--save ""] [--loglevel debug]
// The config file holds one directive per line ("port 6380", "# comments"),
// quoted like redis.conf. Flags come after the file and override it. Every
// directive, from either source, goes through commands::set_config_value, the
// same code CONFIG SET uses, so a value is validated in one place.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/config.h"

namespace mini_redis::server {

struct ServerOptions {
  config::Config config;
  std::string config_file;  // absolute path, or empty
  // The config file's `user <name> <rule>...` lines, words as written (the
  // config layer knows nothing of users: the server applies them).
  std::vector<std::vector<std::string>> acl_user_lines;
  bool show_help = false;
  bool show_version = false;
};

// The options, or an error message naming the bad line or flag.
struct OptionsResult {
  std::optional<ServerOptions> options;
  std::string error;
};

OptionsResult parse_server_options(std::span<char* const> argv);

std::string usage_text();
std::string version_text();

}  // namespace mini_redis::server
