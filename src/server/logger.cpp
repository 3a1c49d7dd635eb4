#include "server/logger.h"

#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <ctime>

namespace mini_redis::server {

Logger::~Logger() {
  if (file_ != stdout) std::fclose(file_);
}

void Logger::set_level(std::string_view name) {
  if (name == "debug")
    level_ = LogLevel::debug;
  else if (name == "verbose")
    level_ = LogLevel::verbose;
  else if (name == "warning")
    level_ = LogLevel::warning;
  else
    level_ = LogLevel::notice;
}

bool Logger::open(const std::string& path) {
  if (path.empty()) return true;
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) return false;
  if (file_ != stdout) std::fclose(file_);
  file_ = file;
  return true;
}

void Logger::log(LogLevel level, std::string_view message) {
  if (level < level_) return;
  constexpr std::array<char, 4> kMarks = {'.', '-', '*', '#'};

  timeval now{};
  gettimeofday(&now, nullptr);
  tm local{};
  localtime_r(&now.tv_sec, &local);
  std::array<char, 64> stamp{};
  std::size_t length = std::strftime(stamp.data(), stamp.size(), "%d %b %Y %H:%M:%S", &local);

  std::fprintf(file_, "%d:M %.*s.%03d %c %.*s\n", static_cast<int>(getpid()),
               static_cast<int>(length), stamp.data(), static_cast<int>(now.tv_usec / 1000),
               kMarks[static_cast<std::size_t>(level)], static_cast<int>(message.size()),
               message.data());
  std::fflush(file_);
}

}  // namespace mini_redis::server
