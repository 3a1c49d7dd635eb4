// Bytes shown the way Redis shows them in text meant for people and for its
// own config parser: MONITOR's arguments and the strings CONFIG REWRITE
// writes into redis.conf (both use Redis's sdscatrepr). The quoted form reads
// back through split_arguments() (common/split_arguments.h) as the same bytes.
#pragma once

#include <string>
#include <string_view>

namespace mini_redis {

// Appends `bytes` as "...": \\, \", \n, \r, \t, \a, \b escaped, and every
// other byte outside printable ASCII as \xhh.
inline void append_quoted(std::string& out, std::string_view bytes) {
  constexpr std::string_view kHex = "0123456789abcdef";
  out += '"';
  for (char c : bytes) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      default: {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f) {  // isprint() in the C locale
          out += c;
        } else {
          out += "\\x";
          out += kHex[byte >> 4];
          out += kHex[byte & 0x0f];
        }
      }
    }
  }
  out += '"';
}

}  // namespace mini_redis
