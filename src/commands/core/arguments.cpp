// Reading numbers out of arguments, with Redis's exact rules and errors.
// See arguments.h for how handlers use these.
#include "commands/core/arguments.h"

#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/integer_parsing.h"

namespace mini_redis::commands {

namespace {

// Redis's MAX_LONG_DOUBLE_CHARS: the buffer string2ld copies its input into
// and ld2string formats into. Longer inputs are "not a valid float" (even
// "0000...1"), so the limit is part of the behaviour, not just a detail.
constexpr std::size_t kMaxLongDoubleChars = 5 * 1024;

// %.17Lf prints 17 digits after the point; with 80-bit long doubles that is
// enough for 10.5 + 0.1 to come back as "10.6" once trailing zeros are gone.
constexpr int kHumanFriendlyPrecision = 17;

}  // namespace

std::optional<std::int64_t> integer_or_reply(Context& ctx, std::string_view text,
                                             std::string_view error) {
  std::optional<std::int64_t> value = parse_int64_strict(text);
  if (!value) ctx.reply.error(error);
  return value;
}

std::optional<long double> parse_long_double(std::string_view text) {
  if (text.empty() || text.size() >= kMaxLongDoubleChars) return std::nullopt;

  // Why strtold and not std::from_chars: Redis accepts exactly what the C
  // library's strtold accepts ("+3", "0x10", ".5", "1e5", "inf"), and
  // from_chars rejects several of those. strtold needs a terminating zero,
  // so the bytes are copied into a buffer on the stack first.
  std::array<char, kMaxLongDoubleChars> buffer{};
  text.copy(buffer.data(), text.size());
  buffer[text.size()] = '\0';

  // strtold would skip leading spaces; Redis refuses them (" 1" is no float).
  if (std::isspace(static_cast<unsigned char>(buffer[0])) != 0) return std::nullopt;

  errno = 0;
  char* end = nullptr;
  const long double value = std::strtold(buffer.data(), &end);
  // Every byte must be part of the number: "1x", "1 " and "1\0x" fail here.
  if (end != buffer.data() + text.size()) return std::nullopt;
  // Out of range: too big (HUGE_VALL, e.g. "1e5000") or so small it became
  // zero ("1e-5000"). A tiny but non-zero (subnormal) result is accepted.
  if (errno == ERANGE && (std::isinf(value) || value == 0)) return std::nullopt;
  if (errno == EINVAL || std::isnan(value)) return std::nullopt;
  // Infinity itself ("inf") is a valid float here; INCRBYFLOAT rejects the
  // infinite *result* with its own error.
  return value;
}

std::optional<long double> long_double_or_reply(Context& ctx, std::string_view text,
                                                std::string_view error) {
  std::optional<long double> value = parse_long_double(text);
  if (!value) ctx.reply.error(error);
  return value;
}

std::string format_long_double(long double value) {
  // Redis (util.c ld2string, "human friendly" mode) spells infinities itself.
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";

  // Fixed notation with 17 decimals, never an exponent: 1e300 becomes 301
  // digits, exactly as Redis stores it. std::to_chars gives the same bytes as
  // printf("%.17Lf") (both round correctly) without locale or allocation.
  std::array<char, kMaxLongDoubleChars> buffer{};
  auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                    std::chars_format::fixed, kHumanFriendlyPrecision);
  // The largest finite long double needs 4951 bytes, so this cannot fail; if
  // it did, Redis would store an empty string, and so do we.
  if (error != std::errc()) return {};

  std::string_view text(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
  // "10.60000000000000000" -> "10.6", "3000.00000000000000000" -> "3000".
  if (text.find('.') != std::string_view::npos) {
    text.remove_suffix(text.size() - 1 - text.find_last_not_of('0'));
    if (text.back() == '.') text.remove_suffix(1);
  }
  // A tiny negative result rounds to "-0": Redis stores "0".
  if (text == "-0") return "0";
  return std::string(text);
}

}  // namespace mini_redis::commands
