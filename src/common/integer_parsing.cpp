#include "common/integer_parsing.h"

#include <limits>

namespace mini_redis {

std::optional<std::int64_t> parse_int64_strict(std::string_view text) {
  if (text.empty() || text.size() > kMaxInt64Chars - 1) return std::nullopt;
  if (text == "0") return 0;

  bool negative = false;
  std::size_t i = 0;
  if (text[0] == '-') {
    negative = true;
    i = 1;
  }
  // The first digit must be 1-9: this rejects "", "-", "-0", "007".
  if (i >= text.size() || text[i] < '1' || text[i] > '9') return std::nullopt;

  // Accumulate as unsigned so that -9223372036854775808 fits on the way.
  // An int64 has at most 19 digits, and any 19 digits fit in a uint64
  // (10^19 < 2^64), so the loop needs no per-digit overflow test; the range
  // checks below reject 19-digit values past the int64 limits.
  std::uint64_t magnitude = 0;
  const std::size_t digits = text.size() - i;
  if (digits > 19) return std::nullopt;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    magnitude = magnitude * 10 + static_cast<std::uint64_t>(c - '0');
  }

  constexpr auto kMaxPositive =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (magnitude > kMaxPositive + 1) return std::nullopt;
    // Negate in unsigned arithmetic: well-defined even for the minimum value.
    return static_cast<std::int64_t>(0 - magnitude);
  }
  if (magnitude > kMaxPositive) return std::nullopt;
  return static_cast<std::int64_t>(magnitude);
}

}  // namespace mini_redis
