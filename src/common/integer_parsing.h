// Integer parsing with Redis's exact rules, shared by every layer.
//
// Redis accepts an integer only in its canonical spelling (util.c string2ll):
// optional '-', then digits with no leading zero, no '+', no spaces, no
// trailing bytes, and the value must fit in 64 bits. So "10" is a number but
// "010", "+10", " 10" and "-0" are not. That rule decides, for example, whether
// "$01" is a valid bulk length and whether a stored "007" can be INCRemented.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mini_redis {

// The integer spelled by `text`, or nothing if Redis would not read it as one.
std::optional<std::int64_t> parse_int64_strict(std::string_view text);

// The longest decimal spelling of an int64 ("-9223372036854775808"), plus one.
inline constexpr std::size_t kMaxInt64Chars = 21;

}  // namespace mini_redis
