// Queued commands of a transaction: the argument blocks. See transaction_state.h.
#include "commands/core/transaction_state.h"

#include <cstring>

namespace mini_redis::commands {

std::string_view QueuedCommands::store(std::string_view bytes) {
  if (bytes.empty()) return {};
  // A big argument gets a block of its own, sized to fit: copying it into
  // shared 4 KiB blocks would waste most of one, and it is copied once anyway.
  const bool big = bytes.size() > kBlockBytes / 4;
  if (big || blocks_.empty() || blocks_.back().capacity - blocks_.back().used < bytes.size()) {
    const std::size_t capacity = big ? bytes.size() : kBlockBytes;
    blocks_.push_back(Block{std::make_unique_for_overwrite<char[]>(capacity), capacity, 0});
  }
  // (The big block goes last, so a later small argument that does not fit
  // in it starts a fresh shared block.)
  Block& block = blocks_.back();
  char* copy = block.bytes.get() + block.used;
  std::memcpy(copy, bytes.data(), bytes.size());
  block.used += bytes.size();
  return {copy, bytes.size()};
}

void QueuedCommands::push(const CommandSpec& spec, std::span<const std::string_view> args) {
  commands_.push_back(Command{&spec, arguments_.size(), args.size()});
  for (std::string_view argument : args) {
    arguments_.push_back(store(argument));
    memory_figure_ += argument.size() + sizeof(void*);
  }
}

void QueuedCommands::clear() {
  // The memory goes back at once: a transaction of a million commands should
  // not keep its blocks for the client's lifetime.
  blocks_ = std::vector<Block>();
  arguments_ = std::vector<std::string_view>();
  commands_ = std::vector<Command>();
  memory_figure_ = 0;
}

}  // namespace mini_redis::commands
