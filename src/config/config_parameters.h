// The rows of the configuration parameter table, for the files that read
// them. Internal to src/config/ and the CONFIG command, not a public
// interface of commands/ (config.h is):
//
//   config_parameters.h         what a row is, and the helpers that build one
//                               row per line: yes_no(), integer(), memory(),
//                               choice(), text(), special()
//   config_rules.cpp            how each kind of row reads and shows a value
//                               (Redis 7.0's rules and error texts)
//   config_table_*.cpp          the rows, one file per topic
//   config.cpp                  the whole table with its aliases, and
//                               set_config_value() / get_config_values(),
//                               which the config file, the command line and
//                               CONFIG GET go through
//   config_commands.cpp         the CONFIG command (GET, SET, RESETSTAT, HELP)
//
// CONFIG SET needs the rows themselves, not only set_config_value(): it
// checks every name before it sets any value, and sets them on a copy, so
// that a failing value leaves the live settings as they were.
//
// Aliases are data too. A row may carry Redis's older name for the same
// setting (list-max-ziplist-size for list-max-listpack-size, slave-* for
// replica-*). Redis 7.0 registers such a name as an entry of its own
// (registerConfigValue(..., ALIAS_CONFIG)), and clients can tell: CONFIG GET
// with a pattern lists both names, an error names the alias that was sent,
// and one CONFIG SET may set the alias and its target (the later value wins)
// while the same name twice is a "duplicate parameter". So find_parameter()
// hands out one entry per name, built from the row (see config.cpp).
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "config/config.h"

namespace mini_redis::config {

using SetResult = std::optional<std::string>;  // the error, or nothing when it worked

enum class Changeable {
  at_runtime,
  at_startup_only,  // CONFIG SET: "can't set immutable config"
  protected_path,   // CONFIG SET: "can't set protected config" (enable-protected-configs no)
};

// How a row reads its value from text. Each kind has Redis's rule and error
// text (config_rules.cpp); `special` rows bring their own functions.
enum class Kind : std::uint8_t {
  yes_no,   // "argument must be 'yes' or 'no'"
  number,   // an integer, a memory size, a percentage or an octal mode: see NumberRule
  choice,   // one word of a fixed list: "argument(s) must be one of the following: ..."
  text,     // any string (a path, an address), optionally checked
  special,  // save, client-output-buffer-limit, ...: their own set and get
};

// How Redis spells the numbers of a parameter (numericConfigData's flags).
enum class Units : std::uint8_t {
  plain,              // string2ll(): "010", "+1" and " 1" are not integers
  memory,             // memtoull(): 1k, 1kb, 5gb (see config_values.h)
  memory_or_percent,  // a memory size, or "N%" (kept as -N): maxmemory-clients
  octal,              // strtoll(text, 8): unixsocketperm, shown in octal
};

// As the upper bound of a number: "every unsigned 64-bit value". Redis keeps
// maxmemory in an unsigned long long, so whatever memtoull() reads, 2^64-1
// included, is in range.
inline constexpr std::int64_t kAnyUint64 = -1;

struct NumberRule {
  std::int64_t min = 0;
  std::int64_t max = 0;  // or kAnyUint64
  Units units = Units::plain;
};

// One accepted word of a `choice` row. Redis shows the first name with the
// same value, so "relative" (oom-score-adj) reads back as "yes".
struct Choice {
  std::string_view name;
  std::string_view shown_as = {};
  constexpr std::string_view stored() const { return shown_as.empty() ? name : shown_as; }
};

using Setter = SetResult (*)(Config&, std::string_view value, bool at_startup);
using Getter = std::string (*)(const Config&);
// Redis's is_valid_fn: a further check of a value that its kind accepted.
using Check = SetResult (*)(const Config&, std::string_view value);

// Where a row keeps its value in Config.
using Field = std::variant<std::monostate, bool Config::*, int Config::*, std::int64_t Config::*,
                           std::uint64_t Config::*, std::string Config::*>;

struct Parameter {
  std::string_view name;
  Changeable changeable = Changeable::at_runtime;
  Kind kind = Kind::special;
  Field field;
  NumberRule number{};
  std::span<const Choice> choices;
  Check check = nullptr;
  Setter custom_set = nullptr;  // kind special
  Getter custom_get = nullptr;  // kind special
  // Redis's other name for this parameter; in the entry made for that other
  // name (is_alias), the row's own name.
  std::string_view alias;
  bool is_alias = false;
  // Redis's HIDDEN_CONFIG: CONFIG GET answers it when asked by its exact
  // name, never through a pattern (test and debug knobs).
  bool hidden = false;

  SetResult set(Config& config, std::string_view value, bool at_startup) const;
  std::string get(const Config& config) const;

  // Modifiers, so that each row of a table stays one line.
  constexpr Parameter also_named(std::string_view old_name) const {
    Parameter row = *this;
    row.alias = old_name;
    return row;
  }
  constexpr Parameter startup_only() const {
    Parameter row = *this;
    row.changeable = Changeable::at_startup_only;
    return row;
  }
  constexpr Parameter protected_path() const {
    Parameter row = *this;
    row.changeable = Changeable::protected_path;
    return row;
  }
  constexpr Parameter checked_by(Check value_check) const {
    Parameter row = *this;
    row.check = value_check;
    return row;
  }
  constexpr Parameter hidden_from_patterns() const {
    Parameter row = *this;
    row.hidden = true;
    return row;
  }
};

// ---- row builders ------------------------------------------------------------------

constexpr Parameter row_of(std::string_view name, Kind kind, Field field) {
  Parameter row;
  row.name = name;
  row.kind = kind;
  row.field = field;
  return row;
}

constexpr Parameter yes_no(std::string_view name, bool Config::*field) {
  return row_of(name, Kind::yes_no, field);
}

// A number with its bounds and units (Redis's createIntConfig and its
// siblings). The field may be an int, an int64 or a uint64.
template <typename Integer>
constexpr Parameter number(std::string_view name, Integer Config::*field, NumberRule rule) {
  Parameter row = row_of(name, Kind::number, field);
  row.number = rule;
  return row;
}

// An integer between min and max (INTEGER_CONFIG).
template <typename Integer>
constexpr Parameter integer(std::string_view name, Integer Config::*field, std::int64_t min,
                            std::int64_t max) {
  return number(name, field, {min, max, Units::plain});
}

// A size in bytes that takes units (MEMORY_CONFIG).
template <typename Integer>
constexpr Parameter memory(std::string_view name, Integer Config::*field, std::int64_t min,
                           std::int64_t max) {
  return number(name, field, {min, max, Units::memory});
}

constexpr Parameter choice(std::string_view name, std::string Config::*field,
                           std::span<const Choice> choices) {
  Parameter row = row_of(name, Kind::choice, field);
  row.choices = choices;
  return row;
}

constexpr Parameter text(std::string_view name, std::string Config::*field) {
  return row_of(name, Kind::text, field);
}

constexpr Parameter special(std::string_view name, Setter set, Getter get) {
  Parameter row = row_of(name, Kind::special, std::monostate{});
  row.custom_set = set;
  row.custom_get = get;
  return row;
}

// ---- shared by the tables ----------------------------------------------------------

inline constexpr std::int64_t kIntMin = std::numeric_limits<int>::min();
inline constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();
inline constexpr std::int64_t kUintMax = std::numeric_limits<std::uint32_t>::max();
// LONG_MAX and LLONG_MAX are the same number on the 64-bit Linux Redis runs on.
inline constexpr std::int64_t kLongLongMax = std::numeric_limits<std::int64_t>::max();

template <typename Integer>
std::string to_text(Integer value) {
  std::array<char, 24> buffer{};
  auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

// Enumerations accept any case and keep Redis's spelling. Shared by the
// `choice` rows and the special rows that read one word of a list.
SetResult store_choice(std::string_view text, std::span<const Choice> choices, std::string& field);

// The rows, one list per topic (config_table_*.cpp), in the order CONFIG GET
// walks them.
std::span<const Parameter> server_parameters();       // network, process, limits, logs
std::span<const Parameter> data_parameters();         // memory, eviction, encodings
std::span<const Parameter> persistence_parameters();  // RDB and AOF
std::span<const Parameter> replication_parameters();  // replication, cluster, TLS

// The entry named `name` (case-insensitive), aliases included, or nullptr.
const Parameter* find_parameter(std::string_view name);

// Redis tells a glob from a plain name by these three bytes alone.
inline bool is_glob(std::string_view pattern) {
  return pattern.find_first_of("[*?") != std::string_view::npos;
}

}  // namespace mini_redis::config
