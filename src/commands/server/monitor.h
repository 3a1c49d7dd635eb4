// MONITOR: the command, the clients that ran it, and the line each command sends them.
//
// After a command runs, every monitoring client receives one simple-string
// line describing it, in Redis's format:
//
//     +1700000000.123456 [0 127.0.0.1:54321] "SET" "key" "a\x00b"
//
// the wall-clock time with microseconds, the database and the address of the
// client that ran it (or "unix:<path>" for a Unix-socket client), and each
// argument quoted the way redis-cli prints strings (sdscatrepr). As in Redis,
// commands flagged admin or skip_monitor (CONFIG, MONITOR itself...) are not
// shown, nor are commands rejected before they ran.
//
// The line is built once per command and pushed to every monitor. With no
// monitors the dispatcher skips all of this with one test.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/context.h"
#include "common/quoted.h"  // append_quoted, which the line uses and the tests check

namespace mini_redis::commands {

class MonitorFeed {
 public:
  void add(ClientState& client);
  void remove(ClientState& client);
  [[nodiscard]] bool empty() const { return monitors_.empty(); }
  [[nodiscard]] std::size_t size() const { return monitors_.size(); }

  // Sends the line for `args`, run by `from` at `now_us` (Unix microseconds);
  // arguments the command redacted (from.redacted_arguments) show as
  // "(redacted)".
  void feed(const ClientState& from, Arguments args, std::int64_t now_us);

 private:
  std::vector<ClientState*> monitors_;
  std::string line_;  // reused between commands
};

}  // namespace mini_redis::commands
