// list-compress-depth end to end: CONFIG SET, pushes, MEMORY USAGE and
// LRANGE through the command layer. Redis 7.0 compresses the inner nodes of
// lists created after the setting changes; existing lists keep their depth.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "types/quicklist.h"
#include "unit/commands/lists/list_test_helpers.h"

namespace mini_redis::testing {
namespace {

std::string element(int i) {
  std::string s = "element:" + std::to_string(i) + ":";
  while (s.size() < 100) s += "padding-";
  s.resize(100);
  return s;
}

// RPUSH 10k elements in batches; returns MEMORY USAGE's number.
std::int64_t fill_and_measure(CommandHarness& h, const std::string& key) {
  for (int batch = 0; batch < 10; ++batch) {
    std::vector<std::string> words = {"RPUSH", key};
    for (int i = 0; i < 1000; ++i) words.push_back(element(batch * 1000 + i));
    h.run(words);
  }
  const std::string reply = h.run({"MEMORY", "USAGE", key});
  EXPECT_EQ(reply.front(), ':');
  return std::stoll(reply.substr(1));
}

TEST(ListCompressDepth, InnerNodesCompressedSoMemoryUsageDropsAndLrangeReturnsAll) {
  CommandHarness h;
  const std::int64_t plain = fill_and_measure(h, "plain");
  EXPECT_EQ(h.run({"CONFIG", "SET", "list-compress-depth", "1"}), "+OK\r\n");
  const std::int64_t packed = fill_and_measure(h, "packed");
  EXPECT_LT(packed * 2, plain);

  const auto& list = h.keyspace.db(0).lookup_quietly("packed")->object<types::Quicklist>();
  EXPECT_EQ(list.compress_depth(), 1);
  EXPECT_FALSE(list.nodes().front().compressed());
  EXPECT_TRUE(std::next(list.nodes().begin())->compressed());

  std::string expected = "*10000\r\n";
  for (int i = 0; i < 10000; ++i) expected += bulk(element(i));
  EXPECT_EQ(h.run({"LRANGE", "packed", "0", "-1"}), expected);
  EXPECT_EQ(h.run({"LRANGE", "plain", "0", "-1"}), expected);
  EXPECT_EQ(h.run({"LINDEX", "packed", "5000"}), bulk(element(5000)));
  // Changes in the middle go through decompress, change, recompress.
  EXPECT_EQ(h.run({"LSET", "packed", "5000", "changed"}), "+OK\r\n");
  EXPECT_EQ(h.run({"LINDEX", "packed", "5000"}), bulk("changed"));
  EXPECT_EQ(h.run({"LREM", "packed", "0", "changed"}), ":1\r\n");
  EXPECT_EQ(h.run({"LLEN", "packed"}), ":9999\r\n");
}

}  // namespace
}  // namespace mini_redis::testing
