// ASCII case folding, as Redis compares command names, subcommands, options
// and config parameters: byte by byte, only A-Z folded (never the locale).
#pragma once

#include <cstddef>
#include <string_view>

namespace mini_redis {

constexpr char to_lower_ascii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// strcasecmp() == 0 for ASCII: "get" equals "GET", and nothing else folds.
constexpr bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower_ascii(a[i]) != to_lower_ascii(b[i])) return false;
  }
  return true;
}

}  // namespace mini_redis
