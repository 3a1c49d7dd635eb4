#include "commands/core/client_pause.h"

#include <string_view>

namespace mini_redis::commands {

namespace {

// Redis 7.0's CMD_MAY_REPLICATE commands: they are not "write", yet they
// may produce something to replicate, so a WRITE pause holds them. Redis
// does not show this flag in COMMAND INFO, and our table has no bit for it.
bool may_replicate(const CommandSpec& spec) {
  constexpr std::string_view kNames[] = {"eval",    "evalsha",  "fcall",
                                         "publish", "spublish", "pfcount"};
  for (std::string_view name : kNames) {
    if (spec.full_name == name) return true;
  }
  return false;
}

bool writes(const CommandSpec& spec) {
  return (spec.flags & flags::kWrite) != 0 || may_replicate(spec);
}

}  // namespace

bool ClientPause::holds(const CommandSpec& spec, const ClientState& client,
                        std::int64_t now_ms) const {
  // The server's timer ends the pause; until it has run, the time decides.
  if (kind == PauseKind::none || now_ms >= end_ms) return false;
  if (kind == PauseKind::all) return true;
  if (writes(spec)) return true;
  // EXEC holds if what it would run writes (Redis's mstate.cmd_flags).
  if (spec.full_name != "exec" || !client.transaction.open) return false;
  const QueuedCommands& queued = client.transaction.queued;
  for (std::size_t i = 0; i < queued.size(); ++i) {
    if (writes(*queued[i].spec)) return true;
  }
  return false;
}

}  // namespace mini_redis::commands
