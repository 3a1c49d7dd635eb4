// QueuedCommands: the copies of a transaction's arguments. They must outlive
// the request they came from, keep their bytes exactly (empty and binary
// arguments included), and report Redis's multi-mem figure.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "commands/core/command_table.h"
#include "commands/core/transaction_state.h"

namespace mini_redis::commands {
namespace {

std::vector<std::string> as_strings(std::span<const std::string_view> args) {
  return {args.begin(), args.end()};
}

TEST(QueuedCommands, KeepsCopiesOfTheArgumentsInOrder) {
  const CommandSpec set{.name = "set"};
  const CommandSpec get{.name = "get"};
  QueuedCommands queued;
  {
    std::string buffer = "SETkvGETk";  // the request buffer, reused afterwards
    const std::string_view view(buffer);
    const std::vector<std::string_view> first{view.substr(0, 3), view.substr(3, 1),
                                              view.substr(4, 1)};
    const std::vector<std::string_view> second{view.substr(5, 3), view.substr(8, 1)};
    queued.push(set, first);
    queued.push(get, second);
    buffer.assign(buffer.size(), '#');
  }
  ASSERT_EQ(queued.size(), 2U);
  EXPECT_EQ(queued[0].spec, &set);
  EXPECT_EQ(as_strings(queued.arguments(queued[0])), (std::vector<std::string>{"SET", "k", "v"}));
  EXPECT_EQ(queued[1].spec, &get);
  EXPECT_EQ(as_strings(queued.arguments(queued[1])), (std::vector<std::string>{"GET", "k"}));
}

TEST(QueuedCommands, EmptyBinaryAndBigArgumentsSurviveAlongSmallOnes) {
  const CommandSpec spec{.name = "set"};
  QueuedCommands queued;
  const std::string binary("a\0b\r\n", 5);
  const std::string big(1 << 20, 'x');
  std::vector<std::string> expected;
  // Enough small arguments to fill several shared blocks, with big ones
  // (a block of their own) in between.
  for (int i = 0; i < 3000; ++i) {
    std::string small = "value-" + std::to_string(i);
    const std::string& third = i % 1000 == 0 ? big : binary;
    const std::vector<std::string_view> args{small, "", third};
    queued.push(spec, args);
    expected.push_back(small);
  }
  for (std::size_t i = 0; i < queued.size(); ++i) {
    const auto args = queued.arguments(queued[i]);
    ASSERT_EQ(args.size(), 3U);
    EXPECT_EQ(args[0], expected[i]);
    EXPECT_EQ(args[1], "");
    EXPECT_EQ(args[2], i % 1000 == 0 ? std::string_view(big) : std::string_view(binary));
  }
}

TEST(QueuedCommands, MemoryFigureIsRedisArgvLenSums) {
  const CommandSpec spec{.name = "set"};
  QueuedCommands queued;
  EXPECT_EQ(queued.memory_figure(), 0U);
  const std::vector<std::string_view> set{"SET", "a", "1"};
  const std::vector<std::string_view> get{"GET", "a"};
  queued.push(spec, set);
  queued.push(spec, get);
  // (3+1+1) + 3 pointers, (3+1) + 2 pointers: what Redis 7.0 shows as 49.
  EXPECT_EQ(queued.memory_figure(), 5 + 3 * sizeof(void*) + 4 + 2 * sizeof(void*));
  queued.clear();
  EXPECT_TRUE(queued.empty());
  EXPECT_EQ(queued.memory_figure(), 0U);
}

}  // namespace
}  // namespace mini_redis::commands
