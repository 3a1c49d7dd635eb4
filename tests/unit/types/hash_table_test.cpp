// IntrusiveHashTable: the dict.c machinery shared by the keyspace and large
// hashes, tested here on a node type of its own. These tests pin down what
// both users rely on: lookups by string_view, incremental rehashing in both
// directions, SCAN's promise across resizes, and a random pick that reaches
// every node. (tests/unit/storage/ checks the Entry instantiation.)
#include "types/hash_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace mini_redis::types {
namespace {

// A test node: a key and a value in std::strings, counting live nodes so that
// a test can see the table free what it owns.
struct TestNode : HashNode {
  TestNode(std::string k, std::string v) : key(std::move(k)), value(std::move(v)) { ++live; }
  ~TestNode() { --live; }
  TestNode(const TestNode&) = delete;
  TestNode& operator=(const TestNode&) = delete;
  std::string key;
  std::string value;
  static inline int live = 0;
};

struct TestKey {
  std::string_view operator()(const TestNode& node) const { return node.key; }
};

using Table = IntrusiveHashTable<TestNode, TestKey, std::default_delete<TestNode>>;

std::string key_name(int i) {
  return "key:" + std::to_string(i);
}

void insert(Table& table, std::string_view key, std::string_view value = "v") {
  table.insert(std::make_unique<TestNode>(std::string(key), std::string(value)));
}

// Runs rehash steps until the table uses a single bucket array again.
void finish_rehash(Table& table) {
  while (table.rehash_step(100)) {
  }
}

std::size_t bucket_count(const Table& table) {
  return table.bucket_bytes() / sizeof(HashNode*);
}

TEST(IntrusiveHashTable, FindsWhatWasInsertedAndNothingElse) {
  Table table;
  EXPECT_EQ(table.find("missing"), nullptr);
  insert(table, "alpha", "1");
  insert(table, "beta", "2");
  EXPECT_EQ(table.size(), 2u);
  ASSERT_NE(table.find("alpha"), nullptr);
  EXPECT_EQ(table.find("alpha")->value, "1");
  EXPECT_EQ(table.find("beta")->value, "2");
  EXPECT_EQ(table.find("gamma"), nullptr);
  EXPECT_EQ(table.find("alph"), nullptr);
}

TEST(IntrusiveHashTable, BinaryKeysWithZeroBytesAreDistinct) {
  using namespace std::string_view_literals;
  Table table;
  insert(table, "a\0b"sv, "1");
  insert(table, "a\0c"sv, "2");
  insert(table, ""sv, "empty");
  EXPECT_EQ(table.find("a\0b"sv)->value, "1");
  EXPECT_EQ(table.find("a\0c"sv)->value, "2");
  EXPECT_EQ(table.find(""sv)->value, "empty");
  EXPECT_EQ(table.find("a"sv), nullptr);
}

TEST(IntrusiveHashTable, RemoveHandsBackTheNodeAndReplaceFreesTheOldOne) {
  TestNode::live = 0;
  {
    Table table;
    insert(table, "k", "value");
    insert(table, "other", "x");
    Table::Owned removed = table.remove("k");
    ASSERT_TRUE(removed);
    EXPECT_EQ(removed->value, "value");
    EXPECT_EQ(table.size(), 1u);
    EXPECT_FALSE(table.remove("k"));

    table.replace(table.find("other"), std::make_unique<TestNode>("other", "y"));
    EXPECT_EQ(table.find("other")->value, "y");
    EXPECT_EQ(TestNode::live, 2);  // `removed` and the new "other"
  }
  EXPECT_EQ(TestNode::live, 0);  // the destructor freed what the table held
}

TEST(IntrusiveHashTable, GrowsIncrementallyOneBucketPerOperation) {
  Table table;
  for (int i = 0; i < 4; ++i) insert(table, key_name(i));
  EXPECT_FALSE(table.is_rehashing());
  EXPECT_EQ(bucket_count(table), 4u);
  insert(table, key_name(4));  // 4 keys in 4 buckets: grow to 8
  EXPECT_TRUE(table.is_rehashing());
  EXPECT_EQ(bucket_count(table), 4u + 8u);  // both arrays while moving
  for (int i = 0; i < 5; ++i) EXPECT_NE(table.find(key_name(i)), nullptr) << i;
  EXPECT_FALSE(table.is_rehashing());
  EXPECT_EQ(bucket_count(table), 8u);
}

TEST(IntrusiveHashTable, ShrinksWhenLessThanTenPercentFull) {
  Table table;
  for (int i = 0; i < 1000; ++i) insert(table, key_name(i));
  finish_rehash(table);
  ASSERT_EQ(bucket_count(table), 1024u);
  for (int i = 0; i < 898; ++i) table.remove(key_name(i));  // 102 left: under 10%
  finish_rehash(table);
  EXPECT_EQ(bucket_count(table), 128u);
  for (int i = 898; i < 1000; ++i) EXPECT_NE(table.find(key_name(i)), nullptr);
}

TEST(IntrusiveHashTable, ReserveSizesAnEmptyTableSoFillingItNeverRehashes) {
  Table table;
  table.reserve(1000);
  EXPECT_EQ(bucket_count(table), 1024u);
  for (int i = 0; i < 1000; ++i) {
    insert(table, key_name(i));
    ASSERT_FALSE(table.is_rehashing()) << i;
  }
  table.reserve(1);  // not empty: ignored
  EXPECT_EQ(bucket_count(table), 1024u);
}

TEST(IntrusiveHashTable, ScanCursorCountsFromTheTopBit) {
  // With 8 buckets Redis's cursor visits 0, 4, 2, 6, 1, 5, 3, 7.
  Table table;
  for (int i = 0; i < 5; ++i) insert(table, key_name(i));
  finish_rehash(table);
  std::vector<std::uint64_t> cursors;
  std::uint64_t cursor = 0;
  do {
    cursor = table.scan(cursor, [](TestNode&) {});
    cursors.push_back(cursor);
  } while (cursor != 0);
  EXPECT_EQ(cursors, (std::vector<std::uint64_t>{4, 2, 6, 1, 5, 3, 7, 0}));
}

// The SCAN guarantee: a key present from the first call to the last is
// returned at least once, however the table is resized in between.
TEST(IntrusiveHashTable, ScanReturnsStableKeysAcrossGrowShrinkAndRehash) {
  for (int seed = 0; seed < 5; ++seed) {
    std::mt19937_64 rng(seed);
    Table table;
    for (int i = 0; i < 200; ++i) insert(table, "stable:" + std::to_string(i));
    std::set<std::string> seen;
    std::uint64_t cursor = 0;
    int temp = 0;
    int calls = 0;
    bool saw_rehashing = false;
    do {
      saw_rehashing = saw_rehashing || table.is_rehashing();
      cursor = table.scan(cursor, [&](TestNode& node) { seen.insert(node.key); });
      ++calls;
      // Between calls: grow for a while, then shrink, with rehashes left
      // half done at random points.
      int batch = static_cast<int>(rng() % 200);
      if (calls < 30) {
        for (int i = 0; i < batch; ++i) insert(table, "temp:" + std::to_string(temp++));
      } else {
        for (int i = 0; i < batch && temp > 0; ++i) table.remove("temp:" + std::to_string(--temp));
      }
      if (rng() % 3 == 0) table.rehash_step(rng() % 4);
    } while (cursor != 0);
    EXPECT_TRUE(saw_rehashing) << seed;
    for (int i = 0; i < 200; ++i) {
      EXPECT_TRUE(seen.contains("stable:" + std::to_string(i))) << seed << " " << i;
    }
  }
}

TEST(IntrusiveHashTable, RandomEntryReachesEveryKeyDuringARehashToo) {
  Table table;
  EXPECT_EQ(table.random_entry(42), nullptr);
  for (int i = 0; i < 21; ++i) insert(table, key_name(i));  // leaves a rehash running
  ASSERT_TRUE(table.is_rehashing());
  std::map<std::string, int> hits;
  for (std::uint64_t seed = 1; seed <= 4000; ++seed) {
    TestNode* node = table.random_entry(seed * 0x9E3779B97F4A7C15ULL);
    ASSERT_NE(node, nullptr);
    ++hits[node->key];
  }
  EXPECT_EQ(hits.size(), 21u);
}

TEST(IntrusiveHashTable, ForEachOnAConstTableSeesConstNodes) {
  Table table;
  for (int i = 0; i < 50; ++i) insert(table, key_name(i));
  const Table& view = table;
  std::set<std::string> keys;
  view.for_each([&](const TestNode& node) { keys.insert(node.key); });
  EXPECT_EQ(keys.size(), 50u);
}

TEST(IntrusiveHashTable, MovingTakesTheNodesAlongAndAssignmentFreesTheOld) {
  TestNode::live = 0;
  Table table;
  for (int i = 0; i < 10; ++i) insert(table, key_name(i));
  Table moved(std::move(table));
  EXPECT_EQ(moved.size(), 10u);
  EXPECT_EQ(table.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(table.find(key_name(3)), nullptr);
  Table assigned;
  insert(assigned, "doomed");
  assigned = std::move(moved);
  EXPECT_EQ(TestNode::live, 10);
  EXPECT_EQ(assigned.find("doomed"), nullptr);
  EXPECT_NE(assigned.find(key_name(3)), nullptr);
  assigned.clear();
  EXPECT_EQ(TestNode::live, 0);
  EXPECT_EQ(assigned.bucket_bytes(), 0u);
}

TEST(IntrusiveHashTable, HundredThousandRandomOperationsAgreeWithAStdMap) {
  Table table;
  std::unordered_map<std::string, std::string> model;
  std::mt19937_64 rng(2024);
  for (int op = 0; op < 100'000; ++op) {
    // Keys from a range that first grows and then narrows, so the table
    // both grows and shrinks.
    int range = op < 60'000 ? 1 + op / 2 : 1 + (100'000 - op) / 4;
    std::string key = key_name(static_cast<int>(rng() % range));
    switch (rng() % 4) {
      case 0:
      case 1: {
        std::string value = std::to_string(rng());
        auto [it, fresh] = model.insert_or_assign(key, value);
        TestNode* node = table.find(key);
        ASSERT_EQ(node == nullptr, fresh) << key;
        if (fresh) {
          insert(table, key, value);
        } else {
          table.replace(node, std::make_unique<TestNode>(key, value));
        }
        break;
      }
      case 2: ASSERT_EQ(static_cast<bool>(table.remove(key)), model.erase(key) == 1) << key; break;
      default: {
        TestNode* node = table.find(key);
        auto it = model.find(key);
        ASSERT_EQ(node == nullptr, it == model.end()) << key;
        if (node != nullptr) {
          ASSERT_EQ(node->value, it->second);
        }
      }
    }
    ASSERT_EQ(table.size(), model.size());
  }
  std::size_t walked = 0;
  table.for_each([&](TestNode& node) {
    ++walked;
    EXPECT_EQ(model.at(node.key), node.value);
  });
  EXPECT_EQ(walked, model.size());
}

}  // namespace
}  // namespace mini_redis::types
