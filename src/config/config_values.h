// How Redis 7.0 reads the words of a config value (config.c, util.c), for the
// parameter table in config.cpp.
//
// These readers are not the strict integer rule the rest of the server uses
// (parse_int64_strict): Redis reads memory sizes with memtoull() and a few
// values (save, soft seconds) with plain strtoll(), and clients can see the
// difference, so each rule is reproduced here, quirks included.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "common/ascii.h"

namespace mini_redis::config::config_values {

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// memtoull(): decimal digits, then an optional unit. No sign, no spaces. Two
// quirks are kept because CONFIG GET shows them: too many digits saturate at
// 2^64-1 (Redis calls strtoull and ignores ERANGE), and the unit multiplies
// with wrap-around (17179869184gb is 2^64, which reads as 0). An empty text,
// or a unit alone ("gb"), reads as 0.
inline std::optional<std::uint64_t> parse_memory(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    std::uint64_t multiplier;
  };
  static constexpr std::array<Unit, 7> kUnits{{{"b", 1},
                                               {"k", 1000},
                                               {"kb", 1024},
                                               {"m", 1000 * 1000},
                                               {"mb", 1024 * 1024},
                                               {"g", 1000 * 1000 * 1000},
                                               {"gb", 1024ULL * 1024 * 1024}}};
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  const std::string_view unit = text.substr(digits);
  std::uint64_t multiplier = unit.empty() ? 1 : 0;
  for (const Unit& candidate : kUnits) {
    if (equals_ignore_case(unit, candidate.suffix)) multiplier = candidate.multiplier;
  }
  if (multiplier == 0 || digits >= 128) return std::nullopt;  // 128: Redis's digit buffer

  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  for (char c : text.substr(0, digits)) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMax - digit) / 10) return kMax * multiplier;
    value = value * 10 + digit;
  }
  return value * multiplier;
}

// strtoll() followed by Redis's "did it read everything?" check, for the
// values Redis reads that way (save, soft seconds): leading whitespace and a
// '+' are allowed, out-of-range numbers saturate, and an empty text is 0.
inline std::optional<std::int64_t> parse_like_strtoll(std::string_view text) {
  if (text.empty()) return 0;
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || (text[i] >= '\t' && text[i] <= '\r'))) ++i;
  const bool negative = i < text.size() && text[i] == '-';
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  const std::size_t first_digit = i;
  std::uint64_t magnitude = 0;
  constexpr std::uint64_t kSaturated = std::uint64_t{1} << 63;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    const auto digit = static_cast<std::uint64_t>(text[i] - '0');
    magnitude = magnitude > (kSaturated - digit) / 10 ? kSaturated : magnitude * 10 + digit;
  }
  if (i == first_digit || i != text.size()) return std::nullopt;
  if (negative) return static_cast<std::int64_t>(0 - magnitude);  // -2^63 at worst
  return static_cast<std::int64_t>(std::min(magnitude, kSaturated - 1));
}

// Redis splits multi-word values on each single space (sdssplitlen), so
// "100  10" has an empty word in the middle; an empty value has no words.
inline std::vector<std::string_view> split_on_spaces(std::string_view text) {
  std::vector<std::string_view> words;
  if (text.empty()) return words;
  std::size_t start = 0;
  for (std::size_t space = text.find(' '); space != std::string_view::npos;
       space = text.find(' ', start)) {
    words.push_back(text.substr(start, space - start));
    start = space + 1;
  }
  words.push_back(text.substr(start));
  return words;
}

}  // namespace mini_redis::config::config_values
