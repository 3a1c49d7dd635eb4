#include "server/server_options.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

#include "common/ascii.h"
#include "common/split_arguments.h"

namespace mini_redis::server {

namespace {

// Applies one directive ("port", {"6380"}); the words of a multi-word value
// ("save 3600 1 300 100") are joined with spaces, as redis-server does.
std::optional<std::string> apply_directive(config::Config& config, std::string_view name,
                                           std::span<const std::string> words) {
  std::string value;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) value.push_back(' ');
    value.append(words[i]);
  }
  return config::set_config_value(config, name, value, /*at_startup=*/true);
}

std::optional<std::string> read_config_file(config::Config& config, const std::string& path,
                                            std::vector<std::vector<std::string>>& user_lines) {
  std::ifstream file(path);
  if (!file) return "Fatal error, can't open config file '" + path + "'";
  std::string line;
  int line_number = 0;
  while (std::getline(file, line)) {
    ++line_number;
    auto words = split_arguments(line);
    if (words && (words->empty() || (*words)[0].starts_with('#'))) continue;
    if (words && words->size() >= 2 && equals_ignore_case((*words)[0], "user")) {
      (*words)[0] = "user";
      user_lines.push_back(std::move(*words));  // Server::load_users() applies them
      continue;
    }
    std::string problem;
    if (!words) {
      problem = "Unbalanced quotes in configuration line";
    } else if (auto error = apply_directive(config, (*words)[0],
                                            std::span<const std::string>(*words).subspan(1))) {
      problem = *error;
    } else {
      continue;
    }
    std::string report =
        "*** FATAL CONFIG FILE ERROR ***\nReading the configuration file, at line ";
    report += std::to_string(line_number);
    report += "\n>>> '";
    report += line;
    report += "'\n";
    report += problem;
    return report;
  }
  return std::nullopt;
}

}  // namespace

std::string version_text() {
  return "mini-redis server v=0.1.0 (compatible with Redis 7.0)\n";
}

std::string usage_text() {
  return "Usage: mini-redis-server [/path/to/redis.conf] [options]\n"
         "       mini-redis-server -v or --version\n"
         "       mini-redis-server -h or --help\n"
         "\n"
         "Options are redis.conf directives written as flags, for example:\n"
         "  --port 6379            TCP port (0 disables TCP)\n"
         "  --bind 127.0.0.1       address to listen on\n"
         "  --unixsocket PATH      also listen on a Unix socket\n"
         "  --databases 16         number of databases\n"
         "  --hz 10                background tasks (active expiry) per second\n"
         "  --maxclients 10000     connections accepted at once\n"
         "  --timeout 0            close clients idle this many seconds (0: never)\n"
         "  --loglevel notice      debug, verbose, notice or warning\n"
         "\n"
         "Examples:\n"
         "  mini-redis-server --port 7777\n"
         "  mini-redis-server /etc/redis/6379.conf --loglevel verbose\n";
}

OptionsResult parse_server_options(std::span<char* const> argv) {
  ServerOptions options;
  std::vector<std::string> args(argv.begin() + (argv.empty() ? 0 : 1), argv.end());

  std::size_t i = 0;
  if (i < args.size()) {
    const std::string& first = args[0];
    if (first == "-h" || first == "--help") {
      options.show_help = true;
      return {options, ""};
    }
    if (first == "-v" || first == "--version") {
      options.show_version = true;
      return {options, ""};
    }
    if (!first.starts_with("--")) {
      std::error_code ignored;
      auto absolute = std::filesystem::absolute(first, ignored);
      options.config_file = absolute.empty() ? first : absolute.string();
      if (auto error =
              read_config_file(options.config, options.config_file, options.acl_user_lines)) {
        return {std::nullopt, *error};
      }
      i = 1;
    }
  }

  // "--name value words..." up to the next "--name".
  while (i < args.size()) {
    const std::string& flag = args[i];
    if (!flag.starts_with("--") || flag.size() == 2) {
      return {std::nullopt, "Invalid argument '" + flag + "': options start with --"};
    }
    std::string name = flag.substr(2);
    std::vector<std::string> words;
    for (++i; i < args.size() && !args[i].starts_with("--"); ++i) words.push_back(args[i]);
    if (auto error = apply_directive(options.config, name, words)) {
      return {std::nullopt, "Invalid option '--" + name + "': " + *error};
    }
  }
  return {options, ""};
}

}  // namespace mini_redis::server
