// TransactionState: what MULTI ... EXEC and WATCH leave on one client.
//
// A transaction is a list of commands that run later, all at once, with no
// other client's command in between (Redis's multi.c):
//
//     MULTI            +OK        the client enters "MULTI state"
//     SET k 1          +QUEUED    ...where commands are checked and kept,
//     INCR n           +QUEUED       not run
//     EXEC             *2 +OK :1  then run in order, replies in one array
//
// This header holds the per-client side of that: the queued commands
// (QueuedCommands), and the three flags Redis keeps on the client:
//   - `open`: between MULTI and EXEC/DISCARD (Redis's CLIENT_MULTI, the `x`
//     of CLIENT LIST's flags);
//   - `refused`: a command was refused while queueing (unknown, wrong arity,
//     not allowed...), so EXEC will answer -EXECABORT (CLIENT_DIRTY_EXEC);
//   - `watch_dirty`: a WATCHed key was modified, so EXEC will answer a null
//     array (CLIENT_DIRTY_CAS, the `d` flag).
// Which keys the client watches lives in watched_keys.h, the registry that
// every write consults; the transaction family (commands/transactions/) and
// the dispatcher's queueing step (transaction_queue.h) drive the rest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mini_redis::commands {

struct CommandSpec;

// The commands of one transaction, with their own copies of the arguments.
//
// Why copies: the dispatcher hands a command its arguments as views into the
// connection's read buffer, which is reused for the next read. A queued
// command runs only at EXEC, long after, so its bytes must be kept here.
//
// How they are kept: arguments are copied back to back into blocks of
// kBlockBytes (an argument bigger than a quarter block gets a block of its
// own), and each argument is a string_view into its block. A block never
// grows once made, so the views stay valid, and a 100 MB value queued by SET
// is copied once, never moved again by a reallocation. At EXEC a command's
// arguments are a span of those views: nothing is built or allocated to run it.
class QueuedCommands {
 public:
  struct Command {
    const CommandSpec* spec;
    std::size_t first_argument;  // index into the argument views
    std::size_t argument_count;
  };

  // Copies `args` (the command name first) and remembers `spec` to run them.
  void push(const CommandSpec& spec, std::span<const std::string_view> args);
  void clear();

  [[nodiscard]] std::size_t size() const { return commands_.size(); }
  [[nodiscard]] bool empty() const { return commands_.empty(); }
  [[nodiscard]] const Command& operator[](std::size_t index) const { return commands_[index]; }
  // The arguments of a queued command, as the dispatcher gave them.
  [[nodiscard]] std::span<const std::string_view> arguments(const Command& command) const {
    return {arguments_.data() + command.first_argument, command.argument_count};
  }
  // CLIENT LIST's multi-mem, as Redis 7.0 computes it (its argv_len_sums):
  // the bytes of every queued argument plus one pointer per argument.
  [[nodiscard]] std::size_t memory_figure() const { return memory_figure_; }

 private:
  static constexpr std::size_t kBlockBytes = 4096;

  struct Block {
    std::unique_ptr<char[]> bytes;
    std::size_t capacity = 0;
    std::size_t used = 0;
  };
  // Copies `bytes` into a block and returns the view of the copy.
  std::string_view store(std::string_view bytes);

  std::vector<Block> blocks_;
  std::vector<std::string_view> arguments_;
  std::vector<Command> commands_;
  std::size_t memory_figure_ = 0;
};

// One key a client WATCHes: its database and name. (Whether the key had
// already expired when watched is kept by the registry, watched_keys.h.)
struct WatchedKey {
  int db_index;
  std::string key;
};

struct TransactionState {
  bool open = false;         // MULTI was sent, EXEC/DISCARD not yet
  bool refused = false;      // a command was refused while queueing
  bool watch_dirty = false;  // a watched key changed
  QueuedCommands queued;
  // The union of the queued commands' flags (Redis's mstate.cmd_flags): an
  // EXEC holding a denyoom command is refused when memory is full, as the
  // commands in it would have been.
  std::uint32_t queued_flags = 0;
  // The keys this client watches, in WATCH order (for UNWATCH and for
  // forgetting them when it disconnects). Managed by WatchedKeys only.
  std::vector<WatchedKey> watched;
};

}  // namespace mini_redis::commands
