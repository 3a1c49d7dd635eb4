// Quicklist: node limits for both kinds of fill, splitting and merging,
// iteration both ways, range deletion, LZF compression of inner nodes
// (list-compress-depth), and long random runs checked against std::deque.
#include "types/quicklist.h"

#include <gtest/gtest.h>
#include <liblzf/lzf.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace mini_redis::types {
namespace {

std::vector<std::string> contents(const Quicklist& ql) {
  std::vector<std::string> out;
  for (auto it = ql.begin(ListDirection::kHeadToTail); it; it.advance())
    out.push_back(it.entry().to_string());
  return out;
}

std::vector<std::size_t> node_sizes(const Quicklist& ql) {
  std::vector<std::size_t> out;
  for (const auto& node : ql.nodes()) out.push_back(node.size());
  return out;
}

std::string sixteen(int i) {
  std::string s = "element-" + std::to_string(i);
  s.resize(16, '.');
  return s;
}

// No empty node, and the node counts add up to size().
void expect_consistent(const Quicklist& ql) {
  std::size_t total = 0;
  for (const auto& node : ql.nodes()) {
    EXPECT_FALSE(node.empty());
    total += node.size();
  }
  EXPECT_EQ(total, ql.size());
}

TEST(Quicklist, PushPopAtBothEnds) {
  Quicklist ql;
  EXPECT_FALSE(ql.pop_front().has_value());
  ql.push_back("b");
  ql.push_back("42");
  ql.push_front("a");
  EXPECT_EQ(ql.size(), 3u);
  EXPECT_EQ(contents(ql), (std::vector<std::string>{"a", "b", "42"}));
  EXPECT_EQ(ql.pop_back(), "42");
  EXPECT_EQ(ql.pop_front(), "a");
  bool called = false;
  EXPECT_TRUE(ql.pop_front([&](const ListpackEntry& e) { called = e.equals("b"); }));
  EXPECT_TRUE(called);
  EXPECT_TRUE(ql.empty());
  EXPECT_EQ(ql.node_count(), 0u);
  EXPECT_FALSE(ql.pop_back([](const ListpackEntry&) {}));
}

TEST(Quicklist, FillIsClampedAsRedisDoes) {
  EXPECT_EQ(Quicklist(-9).fill(), -5);
  EXPECT_EQ(Quicklist(100000).fill(), 32767);
  EXPECT_EQ(Quicklist(-2, 3).compress_depth(), 3);
}

TEST(Quicklist, SizeFillPacks454SixteenByteElementsPerEightKiBNode) {
  // An 18-byte entry fits while 7 + 18 * n + 16 + 8 <= 8192, so up to 454.
  Quicklist ql(-2);
  for (int i = 0; i < 1000; ++i) ql.push_back(sixteen(i));
  EXPECT_EQ(node_sizes(ql), (std::vector<std::size_t>{454, 454, 92}));
  EXPECT_EQ(ql.nodes().front().bytes_size(), 7u + 18 * 454);
  Quicklist front(-2);
  for (int i = 0; i < 1000; ++i) front.push_front(sixteen(i));
  EXPECT_EQ(node_sizes(front), (std::vector<std::size_t>{92, 454, 454}));
}

TEST(Quicklist, EverySizeFillKeepsNodesWithinItsLimit) {
  const std::size_t limits[] = {4096, 8192, 16384, 32768, 65536};
  for (int fill = -1; fill >= -5; --fill) {
    SCOPED_TRACE(fill);
    Quicklist ql(fill);
    for (int i = 0; i < 20000; ++i)
      ql.push_back(std::string(static_cast<std::size_t>(i % 50), 'v'));
    const std::size_t limit = limits[-fill - 1];
    for (const auto& node : ql.nodes()) EXPECT_LE(node.bytes_size(), limit);
    // Nodes are filled: all but the last hold more than limit - 60 bytes.
    for (auto it = ql.nodes().begin(); std::next(it) != ql.nodes().end(); ++it)
      EXPECT_GT(it->bytes_size(), limit - 60);
    expect_consistent(ql);
  }
}

TEST(Quicklist, CountFillLimitsElementsPerNode) {
  Quicklist ql(5);
  for (int i = 0; i < 12; ++i) ql.push_back(std::to_string(i));
  EXPECT_EQ(node_sizes(ql), (std::vector<std::size_t>{5, 5, 2}));
  Quicklist one(0);
  for (int i = 0; i < 3; ++i) one.push_front("x");
  EXPECT_EQ(node_sizes(one), (std::vector<std::size_t>{1, 1, 1}));
}

TEST(Quicklist, CountFillStillStopsAtTheEightKiBSafetyLimit) {
  // 1000-byte entries take 1004 bytes: 7 + 1004 * n + 1008 <= 8192 allows 8.
  Quicklist ql(100);
  for (int i = 0; i < 20; ++i) ql.push_back(std::string(1000, 'x'));
  EXPECT_EQ(node_sizes(ql), (std::vector<std::size_t>{8, 8, 4}));
}

TEST(Quicklist, GetAndSetWithNegativeIndexes) {
  Quicklist ql(3);
  for (int i = 0; i < 10; ++i) ql.push_back(std::to_string(i));
  EXPECT_EQ(ql.get(0)->as_int(), 0);
  EXPECT_EQ(ql.get(4)->as_int(), 4);
  EXPECT_EQ(ql.get(-1)->as_int(), 9);
  EXPECT_EQ(ql.get(-10)->as_int(), 0);
  EXPECT_FALSE(ql.get(10).has_value());
  EXPECT_FALSE(ql.get(-11).has_value());
  EXPECT_TRUE(ql.set(-3, "seven"));
  EXPECT_TRUE(ql.set(1, std::string(500, 'b')));
  EXPECT_FALSE(ql.set(10, "x"));
  EXPECT_EQ(ql.get(7)->to_string(), "seven");
  EXPECT_EQ(ql.get(1)->as_string().size(), 500u);
}

TEST(Quicklist, InsertIntoAFullNodeSplitsItAndKeepsOrder) {
  Quicklist ql(4);
  for (int i = 0; i < 8; ++i) ql.push_back(std::to_string(i));  // [0 1 2 3] [4 5 6 7]
  ql.insert(ql.iterate(1, ListDirection::kHeadToTail), "x", InsertWhere::kAfter);
  EXPECT_EQ(contents(ql), (std::vector<std::string>{"0", "1", "x", "2", "3", "4", "5", "6", "7"}));
  EXPECT_EQ(node_sizes(ql), (std::vector<std::size_t>{2, 3, 4}));  // [0 1] [x 2 3] [4 5 6 7]
  ql.insert(ql.iterate(6, ListDirection::kHeadToTail), "y", InsertWhere::kBefore);
  EXPECT_EQ(contents(ql),
            (std::vector<std::string>{"0", "1", "x", "2", "3", "4", "y", "5", "6", "7"}));
  expect_consistent(ql);
}

TEST(Quicklist, InsertAtAFullNodesEdgeUsesTheNeighbourOrANewNode) {
  Quicklist ql(2);
  for (int i = 0; i < 3; ++i) ql.push_back(std::to_string(i));  // [0 1] [2]
  ql.insert(ql.iterate(1, ListDirection::kHeadToTail), "a", InsertWhere::kAfter);
  EXPECT_EQ(node_sizes(ql), (std::vector<std::size_t>{2, 2}));  // [0 1] [a 2]
  ql.insert(ql.iterate(2, ListDirection::kHeadToTail), "b", InsertWhere::kBefore);
  EXPECT_EQ(node_sizes(ql), (std::vector<std::size_t>{2, 1, 2}));  // [0 1] [b] [a 2]
  ql.insert(ql.iterate(0, ListDirection::kHeadToTail), "c", InsertWhere::kBefore);
  EXPECT_EQ(contents(ql), (std::vector<std::string>{"c", "0", "1", "b", "a", "2"}));
}

TEST(Quicklist, SplitPiecesMergeWithSmallNeighbours) {
  // [0 1 2 3] [4] after a split in the middle of the first node: the right
  // piece [x 2 3] can merge with [4] since 3 + 1 <= 4.
  Quicklist ql(4);
  for (int i = 0; i < 5; ++i) ql.push_back(std::to_string(i));
  ql.insert(ql.iterate(1, ListDirection::kHeadToTail), "x", InsertWhere::kAfter);
  EXPECT_EQ(node_sizes(ql), (std::vector<std::size_t>{2, 4}));
  EXPECT_EQ(contents(ql), (std::vector<std::string>{"0", "1", "x", "2", "3", "4"}));
}

TEST(Quicklist, MergeEstimateSubtractsElevenAsRedis70Does) {
  // fill -1 (4 KiB). Nodes [p] (2011 bytes) and [e a b]; inserting v after e
  // splits the second node into [e] (2094 bytes) and [v a b]. [p] + [e] is
  // 4098 bytes: 4098 - 11 fits in 4096 (Redis 7.0.15 merges, checked with
  // DUMP), 4098 - 7 would not.
  const std::string p(2000, 'p'), e(2083, 'e'), v(2000, 'v');
  Quicklist ql(-1);
  for (const auto& s : {p, e, std::string("a"), std::string("b")}) ql.push_back(s);
  ASSERT_EQ(node_sizes(ql), (std::vector<std::size_t>{1, 3}));
  ql.insert(ql.iterate(1, ListDirection::kHeadToTail), v, InsertWhere::kAfter);
  EXPECT_EQ(node_sizes(ql), (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(ql.nodes().front().bytes_size(), 4098u);
  EXPECT_EQ(ql.nodes().back().bytes_size(), 2017u);
}

TEST(Quicklist, IterateBothWaysFromAnIndex) {
  Quicklist ql(3);
  for (int i = 0; i < 10; ++i) ql.push_back(std::to_string(i));
  std::string seen;
  for (auto it = ql.iterate(-4, ListDirection::kTailToHead); it; it.advance())
    it.entry().append_to(seen);
  EXPECT_EQ(seen, "6543210");
  seen.clear();
  for (auto it = ql.iterate(2, ListDirection::kHeadToTail); it; it.advance())
    it.entry().append_to(seen);
  EXPECT_EQ(seen, "23456789");
  EXPECT_TRUE(ql.iterate(10, ListDirection::kHeadToTail).done());
}

TEST(Quicklist, EraseWhileIteratingLikeLrem) {
  for (auto direction : {ListDirection::kHeadToTail, ListDirection::kTailToHead}) {
    Quicklist ql(3);
    for (int i = 0; i < 20; ++i) ql.push_back(i % 3 == 0 ? "hit" : std::to_string(i));
    std::size_t removed = 0;
    for (auto it = ql.begin(direction); it;) {
      if (it.entry().equals("hit")) {
        it = ql.erase(it);
        ++removed;
      } else {
        it.advance();
      }
    }
    EXPECT_EQ(removed, 7u);
    EXPECT_EQ(ql.size(), 13u);
    for (const auto& s : contents(ql)) EXPECT_NE(s, "hit");
    expect_consistent(ql);
  }
}

TEST(Quicklist, EraseRangeAcrossNodes) {
  Quicklist ql(4);
  for (int i = 0; i < 20; ++i) ql.push_back(std::to_string(i));
  EXPECT_EQ(ql.erase_range(2, 9), 9u);  // 2..10, three nodes touched, one whole
  EXPECT_EQ(contents(ql), (std::vector<std::string>{"0", "1", "11", "12", "13", "14", "15", "16",
                                                    "17", "18", "19"}));
  EXPECT_EQ(ql.erase_range(-3, 100), 3u);
  EXPECT_EQ(ql.erase_range(0, 0), 0u);
  EXPECT_EQ(ql.erase_range(8, 1), 0u);
  EXPECT_EQ(ql.erase_range(-9, 1), 0u);
  EXPECT_EQ(contents(ql), (std::vector<std::string>{"0", "1", "11", "12", "13", "14", "15", "16"}));
  EXPECT_EQ(ql.erase_range(0, 8), 8u);
  EXPECT_EQ(ql.node_count(), 0u);
}

TEST(Quicklist, CloneIsDeepAndMemoryIsCounted) {
  Quicklist ql;
  for (int i = 0; i < 2000; ++i) ql.push_back(sixteen(i));
  Quicklist copy = ql.clone();
  copy.set(0, "changed");
  EXPECT_EQ(ql.get(0)->to_string(), sixteen(0));
  EXPECT_EQ(copy.size(), 2000u);
  EXPECT_EQ(copy.node_count(), ql.node_count());
  // Entries of 18 bytes plus a node and allocator rounding per ~454.
  const double per_element = static_cast<double>(ql.memory_bytes()) / 2000.0;
  EXPECT_GT(per_element, 18.0);
  EXPECT_LT(per_element, 19.5);
}

TEST(Quicklist, AppendNodeTakesALoadedListpack) {
  Quicklist ql;
  Listpack node;
  node.push_back("a");
  node.push_back("b");
  ql.append_node(std::move(node));
  ql.append_node(Listpack{});
  EXPECT_EQ(ql.size(), 2u);
  EXPECT_EQ(ql.node_count(), 1u);
  EXPECT_EQ(ql.get(-1)->to_string(), "b");
}

// ---- compression (list-compress-depth) ------------------------------------------

// Would Redis's rule compress this listpack? At least 48 bytes, and LZF must
// save more than 8 of them.
bool worth_compressing(const Listpack& node) {
  const auto bytes = node.bytes();
  if (bytes.size() < 48) return false;
  std::vector<std::uint8_t> out(bytes.size() - 9);
  return lzf_compress(bytes.data(), static_cast<unsigned>(bytes.size()), out.data(),
                      static_cast<unsigned>(out.size())) != 0;
}

// The `depth` nodes at each end are plain; every node between them is
// compressed unless compressing it would not pay.
void expect_compression_layout(const Quicklist& ql, std::size_t depth) {
  std::vector<bool> worth;
  std::size_t total = 0;
  ql.for_each_node([&](const Listpack& node) {
    worth.push_back(worth_compressing(node));
    total += node.size();
  });
  EXPECT_EQ(total, ql.size());
  const std::size_t n = ql.node_count();
  ASSERT_EQ(worth.size(), n);
  std::size_t i = 0;
  for (const auto& node : ql.nodes()) {
    const bool end = depth == 0 || i < depth || i + depth >= n;
    EXPECT_EQ(node.compressed(), !end && worth[i]) << "node " << i << " of " << n;
    ++i;
  }
}

std::size_t compressed_nodes(const Quicklist& ql) {
  return static_cast<std::size_t>(std::count_if(
      ql.nodes().begin(), ql.nodes().end(), [](const auto& node) { return node.compressed(); }));
}

// About 75 bytes that LZF shrinks well: four of them fill a node of ~300.
std::string compressible(int i) {
  return "item-" + std::to_string(i) + "-" + std::string(60, 'x') + "-end";
}

std::vector<std::string> model_of(const std::deque<std::string>& d) {
  return {d.begin(), d.end()};
}

TEST(QuicklistCompression, DepthZeroNeverCompresses) {
  Quicklist ql(4, 0);
  for (int i = 0; i < 100; ++i) ql.push_back(compressible(i));
  EXPECT_EQ(compressed_nodes(ql), 0u);
}

TEST(QuicklistCompression, PushesAndPopsKeepEndsPlainAndTheMiddleCompressed) {
  for (int depth : {1, 2}) {
    SCOPED_TRACE(depth);
    const auto d = static_cast<std::size_t>(depth);
    Quicklist ql(4, depth);
    std::deque<std::string> model;
    for (int i = 0; i < 40; ++i) {
      if (i % 3 == 0) {
        ql.push_front(compressible(i));
        model.push_front(compressible(i));
      } else {
        ql.push_back(compressible(i));
        model.push_back(compressible(i));
      }
      expect_compression_layout(ql, d);
    }
    EXPECT_EQ(ql.node_count(), 10u);
    EXPECT_EQ(compressed_nodes(ql), 10u - 2 * d);
    EXPECT_EQ(contents(ql), model_of(model));
    while (!model.empty()) {
      const bool front = model.size() % 2 == 0;
      EXPECT_EQ(front ? ql.pop_front() : ql.pop_back(), front ? model.front() : model.back());
      front ? model.pop_front() : model.pop_back();
      expect_compression_layout(ql, d);
      ASSERT_EQ(contents(ql), model_of(model));
    }
  }
}

TEST(QuicklistCompression, ChangesInTheMiddleRecompress) {
  for (int depth : {1, 2}) {
    SCOPED_TRACE(depth);
    const auto d = static_cast<std::size_t>(depth);
    Quicklist ql(4, depth);
    std::deque<std::string> model;
    for (int i = 0; i < 60; ++i) {
      ql.push_back(compressible(i));
      model.push_back(compressible(i));
    }
    expect_compression_layout(ql, d);
    // Reads decompress a copy but change nothing.
    EXPECT_EQ(ql.get(30)->to_string(), model[30]);
    EXPECT_EQ(ql.iterate(29, ListDirection::kHeadToTail).entry().to_string(), model[29]);
    // LSET in a compressed node.
    ASSERT_TRUE(ql.set(31, compressible(1000)));
    model[31] = compressible(1000);
    expect_compression_layout(ql, d);
    // LINSERT into full compressed nodes: in the middle (split and merge)
    // and at an edge (neighbour or new node).
    for (int k = 0; k < 10; ++k) {
      const std::int64_t i = 20 + 3 * k;
      const bool after = k % 2 == 0;
      ql.insert(ql.iterate(i, ListDirection::kHeadToTail), compressible(2000 + k),
                after ? InsertWhere::kAfter : InsertWhere::kBefore);
      model.insert(model.begin() + i + (after ? 1 : 0), compressible(2000 + k));
      expect_compression_layout(ql, d);
      ASSERT_EQ(contents(ql), model_of(model));
    }
    // LREM-style erase and in-place replace through iterators.
    auto it = ql.iterate(25, ListDirection::kHeadToTail);
    it = ql.erase(it);
    model.erase(model.begin() + 25);
    EXPECT_EQ(it.entry().to_string(), model[25]);
    expect_compression_layout(ql, d);
    ql.replace(it, compressible(3000));
    model[25] = compressible(3000);
    EXPECT_EQ(it.entry().to_string(), model[25]);  // `it` survives the recompression
    expect_compression_layout(ql, d);
    // LTRIM-style range deletion starting and ending inside nodes.
    EXPECT_EQ(ql.erase_range(10, 23), 23u);
    model.erase(model.begin() + 10, model.begin() + 33);
    expect_compression_layout(ql, d);
    EXPECT_EQ(contents(ql), model_of(model));
    // A clone keeps the layout and the contents.
    const Quicklist copy = ql.clone();
    expect_compression_layout(copy, d);
    EXPECT_EQ(contents(copy), model_of(model));
  }
}

TEST(QuicklistCompression, SmallOrIncompressibleNodesStayPlain) {
  // Nodes of four one-byte elements are 15 bytes, under the 48-byte minimum.
  Quicklist small(4, 1);
  for (int i = 0; i < 40; ++i) small.push_back(std::string(1, static_cast<char>('a' + i % 26)));
  EXPECT_EQ(compressed_nodes(small), 0u);
  // Random bytes: LZF cannot save 8 bytes on them.
  std::mt19937_64 rng(7);
  Quicklist noise(4, 1);
  for (int i = 0; i < 40; ++i) {
    std::string s(60, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    noise.push_back(s);
  }
  EXPECT_EQ(compressed_nodes(noise), 0u);
  expect_compression_layout(noise, 1);
}

TEST(QuicklistCompression, CompressedNodesCountLessMemory) {
  // 10k elements of 100 bytes, default fill (8 KiB nodes).
  const auto value = [](int i) {
    std::string s = "user:" + std::to_string(i) + ":profile:";
    while (s.size() < 100) s += "abcdefgh";
    s.resize(100);
    return s;
  };
  Quicklist plain(Quicklist::kDefaultFill, 0);
  Quicklist packed(Quicklist::kDefaultFill, 1);
  for (int i = 0; i < 10000; ++i) {
    plain.push_back(value(i));
    packed.push_back(value(i));
  }
  EXPECT_EQ(packed.node_count(), plain.node_count());
  EXPECT_EQ(compressed_nodes(packed), packed.node_count() - 2);
  std::printf("memory_bytes, 10k x 100 bytes: depth 0 = %zu, depth 1 = %zu\n", plain.memory_bytes(),
              packed.memory_bytes());
  EXPECT_LT(packed.memory_bytes(), plain.memory_bytes() / 2);
  EXPECT_EQ(contents(packed), contents(plain));
  // Appending loaded nodes (RDB) keeps the layout too.
  Quicklist loaded(Quicklist::kDefaultFill, 1);
  plain.for_each_node([&](const Listpack& node) { loaded.append_node(node.clone()); });
  packed.for_each_node([&](const Listpack& node) { EXPECT_FALSE(node.empty()); });
  EXPECT_EQ(loaded.memory_bytes(), packed.memory_bytes());
  expect_compression_layout(loaded, 1);
}

// ---- random operations against std::deque ---------------------------------------

std::string random_value(std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0: return std::to_string(static_cast<std::int64_t>(rng()) >> (rng() % 64));
    case 1: return std::string(rng() % 20, static_cast<char>('a' + rng() % 26));
    case 2: return std::string(rng() % 400, 'L');
    default: return "v" + std::to_string(rng() % 50);
  }
}

void random_run(int fill, std::uint64_t seed, int depth = 0) {
  SCOPED_TRACE(fill);
  SCOPED_TRACE(depth);
  std::mt19937_64 rng(seed);
  Quicklist ql(fill, depth);
  std::deque<std::string> model;
  bool saw_compressed = false;
  const auto index_in = [&](std::size_t n) {  // a valid index, often negative
    const auto i = static_cast<std::int64_t>(rng() % n);
    return rng() % 2 ? i : i - static_cast<std::int64_t>(n);
  };
  const auto normal = [&](std::int64_t i) {
    return static_cast<std::size_t>(i < 0 ? i + static_cast<std::int64_t>(model.size()) : i);
  };
  for (int step = 0; step < 100000; ++step) {
    const unsigned op = static_cast<unsigned>(rng() % 100);
    // Bias towards growth while small and shrinking while large.
    if (op < 30 || model.size() < 2) {
      std::string v = random_value(rng);
      if (model.size() < 3000 && rng() % 2) {
        ql.push_back(v);
        model.push_back(v);
      } else if (model.size() < 3000) {
        ql.push_front(v);
        model.push_front(v);
      }
    } else if (op < 45) {
      const bool front = rng() % 2;
      auto got = front ? ql.pop_front() : ql.pop_back();
      ASSERT_EQ(got, front ? model.front() : model.back());
      front ? model.pop_front() : model.pop_back();
    } else if (op < 60) {
      const auto i = index_in(model.size());
      ASSERT_EQ(ql.get(i)->to_string(), model[normal(i)]);
    } else if (op < 68) {
      const auto i = index_in(model.size());
      std::string v = random_value(rng);
      ASSERT_TRUE(ql.set(i, v));
      model[normal(i)] = v;
    } else if (op < 83) {
      const auto i = index_in(model.size());
      std::string v = random_value(rng);
      const bool after = rng() % 2;
      ql.insert(ql.iterate(i, ListDirection::kHeadToTail), v,
                after ? InsertWhere::kAfter : InsertWhere::kBefore);
      model.insert(model.begin() + static_cast<std::ptrdiff_t>(normal(i) + (after ? 1 : 0)), v);
    } else if (op < 93) {
      const auto i = index_in(model.size());
      const auto direction = rng() % 2 ? ListDirection::kHeadToTail : ListDirection::kTailToHead;
      auto it = ql.erase(ql.iterate(i, direction));
      const std::size_t at = normal(i);
      model.erase(model.begin() + static_cast<std::ptrdiff_t>(at));
      if (direction == ListDirection::kHeadToTail) {
        ASSERT_EQ(it.done(), at == model.size());
        if (!it.done()) {
          ASSERT_EQ(it.entry().to_string(), model[at]);
        }
      } else {
        ASSERT_EQ(it.done(), at == 0);
        if (!it.done()) {
          ASSERT_EQ(it.entry().to_string(), model[at - 1]);
        }
      }
    } else if (op < 97) {
      const auto start = index_in(model.size());
      const auto count = static_cast<std::int64_t>(rng() % 40);
      const std::size_t from = normal(start);
      const std::size_t n =
          std::min<std::size_t>(static_cast<std::size_t>(count), model.size() - from);
      ASSERT_EQ(ql.erase_range(start, count), n);
      model.erase(model.begin() + static_cast<std::ptrdiff_t>(from),
                  model.begin() + static_cast<std::ptrdiff_t>(from + n));
    } else {
      // A full comparison, walking one way or the other.
      ASSERT_EQ(ql.size(), model.size());
      std::size_t k = model.size();
      for (auto it = ql.begin(ListDirection::kTailToHead); it; it.advance())
        ASSERT_TRUE(it.entry().equals(model[--k]));
      ASSERT_EQ(k, 0u);
      ASSERT_EQ(contents(ql), std::vector<std::string>(model.begin(), model.end()));
      expect_consistent(ql);
      expect_compression_layout(ql, static_cast<std::size_t>(depth));
      if (::testing::Test::HasFailure()) return;
      saw_compressed = saw_compressed || compressed_nodes(ql) > 0;
    }
    ASSERT_EQ(ql.size(), model.size());
  }
  ASSERT_EQ(contents(ql), std::vector<std::string>(model.begin(), model.end()));
  expect_consistent(ql);
  EXPECT_EQ(saw_compressed, depth > 0);
}

TEST(Quicklist, RandomOperationsMatchADequeWithSizeFill) {
  random_run(-1, 1);
}
TEST(Quicklist, RandomOperationsMatchADequeWithCountFill) {
  random_run(7, 2);
}
TEST(Quicklist, RandomOperationsMatchADequeWithCompressDepthOne) {
  random_run(-1, 3, 1);
  random_run(7, 4, 1);
}
TEST(Quicklist, RandomOperationsMatchADequeWithCompressDepthTwo) {
  random_run(5, 5, 2);
}

}  // namespace
}  // namespace mini_redis::types
