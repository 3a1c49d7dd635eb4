// How each kind of parameter row reads its value from text and shows it
// again: Redis 7.0's generic config types (config.c: boolConfigSet,
// numericParseString, numericBoundaryCheck, enumConfigSet, stringConfigSet),
// with their error texts and their quirks, because clients see both.
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <expected>
#include <string>
#include <type_traits>
#include <variant>

#include "common/ascii.h"
#include "common/integer_parsing.h"
#include "config/config_parameters.h"
#include "config/config_values.h"

namespace mini_redis::config {

namespace {

using config_values::parse_memory;

// Redis reads every number into a long long first, whatever the field's
// type, then checks the bounds. The order of the attempts matters for the
// error text: a memory parameter that fails is "a memory value", whatever
// else the text looks like.
std::expected<std::int64_t, std::string> parse_number(std::string_view text, Units units) {
  switch (units) {
    case Units::plain:
      if (auto number = parse_int64_strict(text)) return *number;
      return std::unexpected("argument couldn't be parsed into an integer");
    case Units::memory:
      // 2^64-1 and its like become negative here, as in Redis, and then fail
      // the bounds (or are kept whole by a kAnyUint64 parameter).
      if (auto bytes = parse_memory(text)) return static_cast<std::int64_t>(*bytes);
      return std::unexpected("argument must be a memory value");
    case Units::memory_or_percent: {
      if (auto bytes = parse_memory(text)) return static_cast<std::int64_t>(*bytes);
      // "N%" with N a strict non-negative integer, kept as -N.
      if (text.size() > 1 && text.back() == '%') {
        auto percent = parse_int64_strict(text.substr(0, text.size() - 1));
        if (percent && *percent >= 0) return -*percent;
      }
      return std::unexpected("argument must be a memory or percent value");
    }
    case Units::octal: {
      // strtoll(text, &end, 8) that read everything without overflow: so a
      // leading space or sign is allowed, and "" reads as 0.
      const std::string terminated(text);
      char* end = nullptr;
      errno = 0;
      const long long mode = std::strtoll(terminated.c_str(), &end, 8);
      if (errno == 0 && *end == '\0') return mode;
      return std::unexpected("argument couldn't be parsed as an octal number");
    }
  }
  return std::unexpected("argument couldn't be parsed into an integer");
}

std::string octal_text(std::int64_t value) {
  std::array<char, 24> buffer{};
  auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, 8);
  return std::string(buffer.data(), result.ptr);
}

std::expected<std::int64_t, std::string> read_number(std::string_view text, NumberRule rule) {
  auto value = parse_number(text, rule.units);
  if (!value) return value;
  if (rule.max == kAnyUint64) return value;
  // A negative number is a percentage here; only its size is bounded.
  if (rule.units == Units::memory_or_percent && *value < 0) {
    if (*value < rule.min)
      return std::unexpected("percentage argument must be less or equal to " + to_text(-rule.min));
    return value;
  }
  if (*value < rule.min || *value > rule.max) {
    // Redis prints an octal parameter's bounds in octal ("between 0 and 777").
    const bool octal = rule.units == Units::octal;
    return std::unexpected("argument must be between " +
                           (octal ? octal_text(rule.min) : to_text(rule.min)) + " and " +
                           (octal ? octal_text(rule.max) : to_text(rule.max)) + " inclusive");
  }
  return value;
}

std::string show_number(std::int64_t value, NumberRule rule) {
  if (rule.units == Units::memory_or_percent && value < 0) return to_text(-value) + "%";
  if (rule.units == Units::octal) return octal_text(value);
  // Memory values, and the unsigned counters, are printed unsigned.
  if (rule.units != Units::plain || rule.max == kAnyUint64)
    return to_text(static_cast<std::uint64_t>(value));
  return to_text(value);
}

}  // namespace

SetResult store_choice(std::string_view text, std::span<const Choice> choices, std::string& field) {
  for (const Choice& choice : choices) {
    if (equals_ignore_case(text, choice.name)) {
      field = choice.stored();
      return std::nullopt;
    }
  }
  // "argument(s)": Redis 7.0's enums may take several words (shutdown-on-sigint).
  std::string error = "argument(s) must be one of the following: ";
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) error += ", ";
    error += choices[i].name;
  }
  return error;
}

SetResult Parameter::set(Config& config, std::string_view value, bool at_startup) const {
  switch (kind) {
    case Kind::yes_no: {
      const bool yes = equals_ignore_case(value, "yes");
      if (!yes && !equals_ignore_case(value, "no")) return "argument must be 'yes' or 'no'";
      if (check != nullptr) {
        if (auto error = check(config, value)) return error;
      }
      config.*std::get<bool Config::*>(field) = yes;
      return std::nullopt;
    }
    case Kind::number: {
      auto read = read_number(value, number);
      if (!read) return read.error();
      // The bounds were checked, so the value fits the field (a uint64 field
      // keeps a kAnyUint64 value's bits).
      std::visit(
          [&config, n = *read](auto member) {
            using Member = decltype(member);
            if constexpr (!std::is_same_v<Member, std::monostate> &&
                          !std::is_same_v<Member, std::string Config::*> &&
                          !std::is_same_v<Member, bool Config::*>) {
              using Value = std::remove_reference_t<decltype(config.*member)>;
              config.*member = static_cast<Value>(n);
            }
          },
          field);
      return std::nullopt;
    }
    case Kind::choice:
      return store_choice(value, choices, config.*std::get<std::string Config::*>(field));
    case Kind::text:
      if (check != nullptr) {
        if (auto error = check(config, value)) return error;
      }
      config.*std::get<std::string Config::*>(field) = value;
      return std::nullopt;
    case Kind::special: return custom_set(config, value, at_startup);
  }
  return std::nullopt;
}

std::string Parameter::get(const Config& config) const {
  switch (kind) {
    case Kind::yes_no: return config.*std::get<bool Config::*>(field) ? "yes" : "no";
    case Kind::number: {
      std::int64_t value = 0;
      std::visit(
          [&config, &value](auto member) {
            using Member = decltype(member);
            if constexpr (!std::is_same_v<Member, std::monostate> &&
                          !std::is_same_v<Member, std::string Config::*> &&
                          !std::is_same_v<Member, bool Config::*>) {
              value = static_cast<std::int64_t>(config.*member);
            }
          },
          field);
      return show_number(value, number);
    }
    case Kind::choice:
    case Kind::text: return config.*std::get<std::string Config::*>(field);
    case Kind::special: return custom_get(config);
  }
  return {};
}

}  // namespace mini_redis::config
