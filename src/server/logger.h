// Logger: one line per event, in Redis's format.
//
//     12345:M 24 Nov 2026 17:40:12.345 * Ready to accept connections tcp
//
// pid, role (M = master), local time with milliseconds, a level mark
// ('.' debug, '-' verbose, '*' notice, '#' warning), then the message.
// Operators grep these lines the same way for mini-redis and Redis.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace mini_redis::server {

enum class LogLevel { debug = 0, verbose = 1, notice = 2, warning = 3 };

class Logger {
 public:
  Logger() = default;
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // "debug", "verbose", "notice" or "warning" (config `loglevel`).
  void set_level(std::string_view name);
  // Empty path: standard output (config `logfile`).
  bool open(const std::string& path);

  void log(LogLevel level, std::string_view message);
  void debug(std::string_view message) { log(LogLevel::debug, message); }
  void notice(std::string_view message) { log(LogLevel::notice, message); }
  void warning(std::string_view message) { log(LogLevel::warning, message); }

 private:
  LogLevel level_ = LogLevel::notice;
  std::FILE* file_ = stdout;
};

}  // namespace mini_redis::server
