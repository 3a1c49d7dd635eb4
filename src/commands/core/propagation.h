// Propagation: what a write did, as commands that redo it.
//
// The append-only file (server/append_only_file.h) logs every change so that
// replaying the log rebuilds the dataset. Logging the commands exactly as
// clients sent them would not do: "EXPIRE k 10" replayed tomorrow would set
// a new deadline, "SPOP s" would pop something else, EVALSHA would find no
// script. So, as Redis does, what is logged is the command's *effect*:
//
//   sent                          logged
//   SET k v EX 10                 SET k v PXAT <absolute ms>
//   EXPIRE k 10                   PEXPIREAT k <absolute ms>
//   SPOP s                        SREM s <the member it popped>
//   EVAL "redis.call(...)" ...    the commands the script ran, in MULTI/EXEC
//   MULTI ... EXEC                MULTI, the writes, EXEC
//   (a key expires or is evicted) DEL k
//
// Only commands that changed something are logged (the keyspace events a
// write announces tell: the dirty counter moved). The dispatcher calls
// begin_call()/end_call() around every command it runs, EXEC's and a
// script's inner commands included; what one top-level command produced
// goes to the log at its end, wrapped in MULTI/EXEC when it is more than
// one command (Redis 7.0's propagatePendingCommands).
//
// With no log attached (appendonly no, unit tests) every call here is one
// test and nothing is kept.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/context.h"

namespace mini_redis::commands {

struct CommandSpec;

// Where the effects go: the AOF. Each command comes with the database it
// ran in; the log itself inserts SELECT when that changes.
class CommandLog {
 public:
  virtual ~CommandLog() = default;
  virtual void append(int db_index, std::span<const std::string> argv) = 0;
};

class Propagation {
 public:
  void attach(CommandLog* log) { log_ = log; }
  [[nodiscard]] bool active() const { return log_ != nullptr; }

  // Around each command the dispatcher runs; `changed`: it wrote something.
  void begin_call() { ++depth_; }
  void end_call(Context& ctx, const CommandSpec& spec, std::span<const std::string_view> args,
                bool changed);

  // A handler whose effect cannot be read back from the keyspace (SPOP:
  // which members?) says what to log instead of its own arguments.
  void replace_current(std::vector<std::string> argv) { replacement_ = std::move(argv); }
  // A handler whose effect is several commands, or none, gives them all
  // (XREADGROUP logs one XCLAIM per entry it delivered, and nothing for a
  // read of its history; see commands/streams/stream_group_common.h).
  void replace_current_with(std::vector<std::vector<std::string>> commands) {
    replacements_ = std::move(commands);
    replaced_with_many_ = true;
  }

  // A key deleted by expiry or eviction: logged as DEL, at once from the
  // cron, or with the command during which it happened.
  void key_deleted(int db_index, std::string_view key);

 private:
  struct Pending {
    int db_index;
    std::vector<std::string> argv;
  };
  void add(int db_index, std::vector<std::string> argv);
  void flush();

  CommandLog* log_ = nullptr;
  int depth_ = 0;
  std::vector<Pending> pending_;
  std::vector<std::string> replacement_;
  std::vector<std::vector<std::string>> replacements_;
  bool replaced_with_many_ = false;
};

// For handlers: whether anything is logged at all (appendonly yes), so that
// they collect what propagate_as() needs only then.
inline bool propagating(const Context& ctx) {
  return ctx.propagation != nullptr && ctx.propagation->active();
}

// For handlers: log `argv` instead of this command's arguments.
inline void propagate_as(Context& ctx, std::vector<std::string> argv) {
  if (propagating(ctx)) ctx.propagation->replace_current(std::move(argv));
}

}  // namespace mini_redis::commands
