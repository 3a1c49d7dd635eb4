// Reading numbers and options out of a command's arguments, Redis's way.
//
// Every handler reads its arguments through these functions, so that the
// same mistake always gets the same error: "ERR value is not an integer or
// out of range" for a bad count, "ERR value is not a valid float" for a bad
// increment. Each *_or_reply function writes the error itself and returns
// nothing, so a handler reads:
//
//     auto count = integer_or_reply(ctx, args[2]);
//     if (!count) return;
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "commands/core/context.h"
#include "commands/core/errors.h"

namespace mini_redis::commands {

// A canonical 64-bit integer (see parse_int64_strict), else replies `error`.
std::optional<std::int64_t> integer_or_reply(Context& ctx, std::string_view text,
                                             std::string_view error = errors::kNotInteger);

// A long double as Redis's string2ld reads it: strtold rules, but no leading
// space, no trailing bytes, no NaN. Returns nothing if it is not one.
std::optional<long double> parse_long_double(std::string_view text);
std::optional<long double> long_double_or_reply(Context& ctx, std::string_view text,
                                                std::string_view error = errors::kNotFloat);

// Formats a long double as Redis stores INCRBYFLOAT results (ld2string in
// "humanfriendly" mode: %.17Lg, no exponent, trailing zeros dropped).
std::string format_long_double(long double value);

}  // namespace mini_redis::commands
