// The configuration parameter table as a whole: every row of the topic
// tables (config_table_*.cpp), plus one entry for each of Redis's older
// names, and the three ways in: set_config_value() for the config file and
// the command line, find_parameter() for CONFIG SET, get_config_values() for
// CONFIG GET.
//
// The rules for reading a value are Redis 7.0's (config.c), quirks included,
// because clients and scripts see them: integers are strict ("010" is not
// one), memory sizes take units (1k = 1000, 1kb = 1024, up to gb), yes/no and
// enumerations are case-insensitive, and multi-word values (save,
// client-output-buffer-limit) are split on single spaces, so a doubled space
// makes an empty word. See config_rules.cpp.
#include "config/config.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

#include "common/ascii.h"
#include "common/glob.h"
#include "config/config_parameters.h"

namespace mini_redis::config {

namespace {

// Every name a client may use, in the order CONFIG GET lists them: each row,
// then, right after it, an entry for its alias. The alias entry is the row
// under the other name, so it reads and writes the same field, and is a
// distinct entry, as in Redis (see config_parameters.h).
std::vector<Parameter> build_entries() {
  std::vector<Parameter> entries;
  for (auto topic : {server_parameters(), data_parameters(), persistence_parameters(),
                     replication_parameters()}) {
    for (const Parameter& row : topic) {
      entries.push_back(row);
      if (row.alias.empty()) continue;
      Parameter alias = row;
      alias.name = row.alias;
      alias.alias = row.name;
      alias.is_alias = true;
      entries.push_back(alias);
    }
  }
  return entries;
}

// Built once and never changed: the table is constant data, like the
// command table's rows.
const std::vector<Parameter>& entries() {
  static const std::vector<Parameter> all = build_entries();
  return all;
}

// Directives that Redis 7.0 still accepts in a config file (with one
// argument) and ignores: the settings they made are gone
// (loadServerConfigFromString's deprecated_configs). CONFIG SET does not know
// them.
constexpr std::array<std::string_view, 3> kIgnoredDirectives{
    "list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands"};

}  // namespace

const Parameter* find_parameter(std::string_view name) {
  for (const Parameter& entry : entries()) {
    if (equals_ignore_case(entry.name, name)) return &entry;
  }
  return nullptr;
}

std::optional<std::string> set_config_value(Config& config, std::string_view name,
                                            std::string_view value, bool at_startup) {
  const Parameter* parameter = find_parameter(name);
  if (parameter == nullptr) {
    // The words come joined by spaces, so a space means "more than one".
    const bool ignored = std::any_of(
        kIgnoredDirectives.begin(), kIgnoredDirectives.end(),
        [name](std::string_view directive) { return equals_ignore_case(name, directive); });
    if (at_startup && ignored && value.find(' ') == std::string_view::npos) return std::nullopt;
    return "Bad directive or wrong number of arguments";
  }
  if (!at_startup && parameter->changeable == Changeable::at_startup_only)
    return "can't set immutable config";
  if (!at_startup && parameter->changeable == Changeable::protected_path)
    return "can't set protected config";
  return parameter->set(config, value, at_startup);
}

std::string format_percentile(double percentile) {
  // Redis prints "%f" and trims the trailing zeros (and a bare '.').
  std::array<char, 64> buffer{};
  const int length = std::snprintf(buffer.data(), buffer.size(), "%f", percentile);
  std::string text(buffer.data(), static_cast<std::size_t>(std::max(length, 0)));
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::vector<std::pair<std::string, std::string>> get_config_values(const Config& config,
                                                                   std::string_view pattern) {
  std::vector<std::pair<std::string, std::string>> found;
  for (const Parameter& entry : entries()) {
    // A plain name is looked up exactly (case-insensitive); only a pattern
    // with *, ? or [ is matched as a glob, as Redis's configGetCommand does,
    // and a pattern never matches a hidden parameter.
    const bool match = is_glob(pattern)
                           ? !entry.hidden && glob_match(pattern, entry.name, /*nocase=*/true)
                           : equals_ignore_case(pattern, entry.name);
    if (match) found.emplace_back(entry.name, entry.get(config));
  }
  return found;
}

}  // namespace mini_redis::config
