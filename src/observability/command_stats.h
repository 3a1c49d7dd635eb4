// Per-command and per-error counters: INFO commandstats, errorstats and
// latencystats, LATENCY HISTOGRAM.
//
// Redis keeps these counters inside each command's table entry. Our command
// table is const data shared by every client, so the counters live beside it
// instead: ServerStats holds one CommandStats per CommandSpec, found by the
// spec's stats_id (assigned by the table in registration order). That keeps
// CommandSpec a pure description and lets a test build two tables and two
// sets of stats without them touching.
//
// What each counter means, as in Redis 7.0 (server.c, call() and
// processCommand()):
//   calls           the handler ran (rejected commands are not calls)
//   usec            total microseconds spent in the handler
//   rejected_calls  refused before the handler ran: wrong arity (and, once
//                   it exists, any other check the dispatcher makes first)
//   failed_calls    the handler ran and replied with an error
// An unknown command or subcommand has no CommandStats to count in: it shows
// only in the error counters.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "observability/latency_histogram.h"

namespace mini_redis::observability {

struct CommandStats {
  std::uint64_t calls = 0;
  std::uint64_t usec = 0;
  std::uint64_t rejected_calls = 0;
  std::uint64_t failed_calls = 0;
  // Allocated on the command's first timed call (34 KiB each; most commands
  // are never called), dropped by CONFIG RESETSTAT, as in Redis.
  std::unique_ptr<LatencyHistogram> latency;

  [[nodiscard]] bool used() const { return calls > 0 || rejected_calls > 0 || failed_calls > 0; }
};

class CommandStatsTable {
 public:
  // The counters of the command with this stats_id. Grows on first use, so
  // the table needs no size up front.
  CommandStats& at(std::size_t stats_id) {
    if (stats_id >= by_id_.size()) by_id_.resize(stats_id + 1);
    return by_id_[stats_id];
  }
  // nullptr when the command has never been counted.
  [[nodiscard]] const CommandStats* find(std::size_t stats_id) const {
    return stats_id < by_id_.size() ? &by_id_[stats_id] : nullptr;
  }
  void clear() { by_id_.clear(); }

 private:
  std::vector<CommandStats> by_id_;
};

// Error replies by their code, the reply's first word ("ERR", "WRONGTYPE"),
// in the byte order INFO errorstats lists them (Redis keeps them in a radix
// tree, which iterates in that order).
class ErrorStats {
 public:
  // Counts one error reply, given its text without the leading '-' (and
  // without the CRLF).
  void count(std::string_view error_text);
  [[nodiscard]] const std::map<std::string, std::uint64_t, std::less<>>& by_code() const {
    return by_code_;
  }
  void clear() { by_code_.clear(); }

  // The code Redis files an error under: the text before the first space,
  // if there is one within the first 31 bytes; otherwise "ERR".
  [[nodiscard]] static std::string_view code_of(std::string_view error_text);

 private:
  std::map<std::string, std::uint64_t, std::less<>> by_code_;
};

inline std::string_view ErrorStats::code_of(std::string_view error_text) {
  // Redis (afterErrorReply) looks for the space in the first 32 bytes of the
  // reply including its '-', i.e. the first 31 bytes of the text.
  const std::size_t space = error_text.substr(0, 31).find(' ');
  if (space == std::string_view::npos) return "ERR";
  return error_text.substr(0, space);
}

inline void ErrorStats::count(std::string_view error_text) {
  const std::string_view code = code_of(error_text);
  auto it = by_code_.find(code);
  if (it == by_code_.end()) it = by_code_.emplace(std::string(code), 0).first;
  ++it->second;
}

}  // namespace mini_redis::observability
