// The reply bytes the CONFIG tests expect, written once: a bulk string, a
// CONFIG GET name/value pair, and CONFIG SET's failure text.
#pragma once

#include <string>

namespace mini_redis::commands::config_replies {

inline std::string bulk(const std::string& text) {
  return "$" + std::to_string(text.size()) + "\r\n" + text + "\r\n";
}
inline std::string pair(const std::string& name, const std::string& value) {
  return "*2\r\n" + bulk(name) + bulk(value);
}
inline std::string set_failed(const std::string& name, const std::string& reason) {
  return "-ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason +
         "\r\n";
}

}  // namespace mini_redis::commands::config_replies
