// The rows of the configuration parameter table, for the two files that read
// them. Internal to those files, not a public interface of commands/
// (config.h is):
//
//   config.cpp           the table itself, and set_config_value() /
//                        get_config_values(), which the config file, the
//                        command line and CONFIG GET go through
//   config_commands.cpp  the CONFIG command (GET, SET, RESETSTAT, HELP)
//
// CONFIG SET needs the rows themselves, not only set_config_value(): it
// checks every name before it sets any value, and sets them on a copy, so
// that a failing value leaves the live settings as they were.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"

namespace mini_redis::config {

using SetResult = std::optional<std::string>;  // the error, or nothing when it worked

enum class Changeable {
  at_runtime,
  at_startup_only,  // CONFIG SET: "can't set immutable config"
  protected_path,   // CONFIG SET: "can't set protected config" (enable-protected-configs no)
};

using Setter = SetResult (*)(Config&, std::string_view value, bool at_startup);
using Getter = std::string (*)(const Config&);

struct Parameter {
  std::string_view name;
  Changeable changeable;
  Setter set;
  Getter get;
};

// The row named `name` (case-insensitive), or nullptr.
const Parameter* find_parameter(std::string_view name);

// Redis tells a glob from a plain name by these three bytes alone.
inline bool is_glob(std::string_view pattern) {
  return pattern.find_first_of("[*?") != std::string_view::npos;
}

}  // namespace mini_redis::config
