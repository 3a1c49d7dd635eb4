// Slowlog: the last commands that took longer than slowlog-log-slower-than.
//
// Redis's SLOWLOG (slowlog.c): after a command runs, the dispatcher hands it
// here with its duration; if the duration is at least the threshold (in
// microseconds; 0 logs every command, a negative value none), an entry is
// added at the front, and the oldest entries beyond slowlog-max-len are
// dropped. An entry keeps what SLOWLOG GET shows: a growing id, the Unix time
// in seconds, the duration, the arguments as sent (trimmed, see below), and
// the client's address and name.
//
// The log keeps copies of at most 32 arguments of at most 128 bytes each, so
// a huge MSET costs little to remember: the 32nd slot then says
// "... (N more arguments)", and a long argument ends in "... (N more bytes)".
//
// Not here: the SLOWLOG command itself (slowlog_commands.cpp). CONFIG
// RESETSTAT leaves the log alone, as in Redis; SLOWLOG RESET empties it but
// keeps counting ids.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mini_redis::observability {

struct SlowlogEntry {
  std::uint64_t id = 0;
  std::int64_t unix_time_s = 0;
  std::uint64_t duration_us = 0;
  std::vector<std::string> arguments;
  std::string client_address;
  std::string client_name;
};

class Slowlog {
 public:
  // Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING.
  static constexpr std::size_t kMaxArguments = 32;
  static constexpr std::size_t kMaxArgumentBytes = 128;

  // What the dispatcher knows about a command that has just run.
  struct Command {
    std::span<const std::string_view> arguments;
    std::uint64_t duration_us = 0;
    std::int64_t unix_time_s = 0;
    std::string_view client_address;
    std::string_view client_name;
    // Bit i set: argument i is shown as "(redacted)" (ClientState::redacted_arguments).
    std::uint64_t redacted = 0;
  };

  // Adds an entry if `command` was slow enough, then trims to `max_len`.
  void push_if_slow(const Command& command, std::int64_t log_slower_than_us, std::uint64_t max_len);

  // Newest first.
  [[nodiscard]] const std::deque<SlowlogEntry>& entries() const { return entries_; }
  void reset() { entries_.clear(); }

 private:
  std::deque<SlowlogEntry> entries_;
  std::uint64_t next_id_ = 0;
};

}  // namespace mini_redis::observability
