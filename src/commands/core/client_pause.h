// ClientPause: CLIENT PAUSE's state, and which commands it holds back.
//
// CLIENT PAUSE <ms> [WRITE|ALL] lets an operator freeze the dataset for a
// moment (a failover, a migration). Redis 7.0 (networking.c, server.c):
//   - ALL holds every command of every normal client, CLIENT UNPAUSE
//     included (only the timeout ends such a pause, or an UNPAUSE sent
//     before it);
//   - WRITE holds the commands that may change the dataset or be
//     replicated: those flagged "write", the "may_replicate" ones (EVAL,
//     EVALSHA, FCALL, PUBLISH, SPUBLISH, PFCOUNT, which may rewrite its
//     HyperLogLog's cache), and an EXEC whose queued commands include one;
//   - a second PAUSE can only lengthen the pause and widen it (WRITE then
//     ALL gives ALL), never shorten or narrow it;
//   - while paused, the active expiry cycle and eviction stop too, so that
//     the dataset stays as it was.
// A held command is not refused: its client waits (CLIENT LIST flag b) and
// runs it, with whatever it pipelined behind it, once the pause ends;
// clients resume in the order they were held. The dispatcher decides
// (holds()); the server parks the client and wakes it (server/connection.h),
// the same way it parks BLPOP.
#pragma once

#include <cstdint>

#include "commands/core/command_table.h"
#include "commands/core/context.h"

namespace mini_redis::commands {

// The order matters: a wider pause is a larger value.
enum class PauseKind { none, write, all };

struct ClientPause {
  PauseKind kind = PauseKind::none;
  std::int64_t end_ms = 0;  // absolute Unix ms

  [[nodiscard]] bool active() const { return kind != PauseKind::none; }
  // Must `spec`, sent by `client` at `now_ms`, wait for the pause to end?
  [[nodiscard]] bool holds(const CommandSpec& spec, const ClientState& client,
                           std::int64_t now_ms) const;
};

}  // namespace mini_redis::commands
