// HashTable: the dictionary under every database. These tests pin down the
// Redis dict.c behaviours we rely on: incremental rehashing in both
// directions, and SCAN's promise across resizes.
#include "storage/hash_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace mini_redis::storage {
namespace {

std::string key_name(int i) {
  return "key:" + std::to_string(i);
}

void insert(HashTable& table, std::string_view key, std::string_view value = "v") {
  table.insert(make_entry(key, value));
}

std::set<std::string> full_scan(HashTable& table) {
  std::set<std::string> seen;
  std::uint64_t cursor = 0;
  do {
    cursor = table.scan(cursor, [&](Entry& e) { seen.emplace(e.key()); });
  } while (cursor != 0);
  return seen;
}

TEST(HashTable, FindsWhatWasInsertedAndNothingElse) {
  HashTable table;
  EXPECT_EQ(table.find("missing"), nullptr);
  insert(table, "alpha", "1");
  insert(table, "beta", "2");
  EXPECT_EQ(table.size(), 2u);
  ASSERT_NE(table.find("alpha"), nullptr);
  EXPECT_EQ(table.find("alpha")->value(), "1");
  EXPECT_EQ(table.find("beta")->value(), "2");
  EXPECT_EQ(table.find("gamma"), nullptr);
  EXPECT_EQ(table.find("alph"), nullptr);
}

TEST(HashTable, LooksUpBySubstringViewWithoutATerminator) {
  HashTable table;
  insert(table, "key");
  std::string buffer = "*2\r\n$3\r\nGET\r\n$3\r\nkeyXYZ";
  std::string_view key(buffer.data() + buffer.find("key"), 3);
  EXPECT_NE(table.find(key), nullptr);
}

TEST(HashTable, BinaryKeysWithZeroBytesAreDistinct) {
  using namespace std::string_view_literals;
  HashTable table;
  insert(table, "a\0b"sv, "1");
  insert(table, "a\0c"sv, "2");
  insert(table, "a"sv, "3");
  EXPECT_EQ(table.find("a\0b"sv)->value(), "1");
  EXPECT_EQ(table.find("a\0c"sv)->value(), "2");
  EXPECT_EQ(table.find("a"sv)->value(), "3");
}

TEST(HashTable, RemoveHandsBackTheEntry) {
  HashTable table;
  insert(table, "k", "value");
  EntryPtr removed = table.remove("k");
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->key(), "k");
  EXPECT_EQ(removed->value(), "value");
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.find("k"), nullptr);
  EXPECT_FALSE(table.remove("k"));
}

TEST(HashTable, GrowingRehashesIncrementallyOneBucketPerOperation) {
  HashTable table;
  for (int i = 0; i < 4; ++i) insert(table, key_name(i));
  EXPECT_FALSE(table.is_rehashing());
  EXPECT_EQ(table.bucket_bytes(), 4 * sizeof(Entry*));

  insert(table, key_name(4));  // 4 keys in 4 buckets: grow to 8
  EXPECT_TRUE(table.is_rehashing());
  // Both arrays exist while the move is under way.
  EXPECT_EQ(table.bucket_bytes(), (4 + 8) * sizeof(Entry*));
  // Every key is findable mid-rehash, and each lookup moves one old bucket:
  // four old buckets are done after at most four operations.
  for (int i = 0; i < 5; ++i) EXPECT_NE(table.find(key_name(i)), nullptr) << i;
  EXPECT_FALSE(table.is_rehashing());
  EXPECT_EQ(table.bucket_bytes(), 8 * sizeof(Entry*));
}

TEST(HashTable, RehashStepMovesTheRestOnDemand) {
  HashTable table;
  for (int i = 0; i < 1025; ++i) insert(table, key_name(i));
  ASSERT_TRUE(table.is_rehashing());  // 1024 -> 2048 just started
  EXPECT_TRUE(table.rehash_step(1));
  while (table.rehash_step(100)) {
  }
  EXPECT_FALSE(table.is_rehashing());
  EXPECT_EQ(table.bucket_bytes(), 2048 * sizeof(Entry*));
  EXPECT_FALSE(table.rehash_step(1));
}

TEST(HashTable, ShrinksWhenLessThanTenPercentFull) {
  HashTable table;
  for (int i = 0; i < 1000; ++i) insert(table, key_name(i));
  while (table.rehash_step(100)) {
  }
  ASSERT_EQ(table.bucket_bytes(), 1024 * sizeof(Entry*));
  // 1024 buckets: at 103 keys the table is still 10% full ...
  for (int i = 0; i < 897; ++i) table.remove(key_name(i));
  EXPECT_EQ(table.size(), 103u);
  EXPECT_FALSE(table.is_rehashing());
  // ... at 102 it is not, and shrinks to the smallest power of two >= 102.
  table.remove(key_name(897));
  EXPECT_TRUE(table.is_rehashing());
  while (table.rehash_step(100)) {
  }
  EXPECT_EQ(table.bucket_bytes(), 128 * sizeof(Entry*));
  for (int i = 898; i < 1000; ++i) EXPECT_NE(table.find(key_name(i)), nullptr);
}

TEST(HashTable, HundredThousandKeysGrowAndShrinkInStepWithAStdMap) {
  HashTable table;
  std::unordered_map<std::string, std::string> model;
  std::mt19937_64 rng(12345);
  auto check_some = [&](int samples) {
    for (int s = 0; s < samples; ++s) {
      std::string key = key_name(static_cast<int>(rng() % 120'000));
      Entry* found = table.find(key);
      auto it = model.find(key);
      if (it == model.end()) {
        ASSERT_EQ(found, nullptr) << key;
      } else {
        ASSERT_NE(found, nullptr) << key;
        ASSERT_EQ(found->value(), it->second);
      }
    }
  };

  // Grow: insert 100k keys with random removals mixed in.
  for (int i = 0; i < 100'000; ++i) {
    std::string key = key_name(i);
    std::string value = "value-" + std::to_string(i * 7);
    insert(table, key, value);
    model.emplace(key, value);
    if (rng() % 5 == 0) {
      std::string victim = key_name(static_cast<int>(rng() % (i + 1)));
      bool in_model = model.erase(victim) == 1;
      EXPECT_EQ(static_cast<bool>(table.remove(victim)), in_model);
    }
    if (i % 1000 == 0) check_some(50);
  }
  ASSERT_EQ(table.size(), model.size());
  check_some(20'000);

  // Shrink: delete in random order down to a handful, checking as we go.
  std::vector<std::string> keys;
  for (const auto& [key, value] : model) keys.push_back(key);
  std::shuffle(keys.begin(), keys.end(), rng);
  for (std::size_t i = 0; i + 10 < keys.size(); ++i) {
    ASSERT_TRUE(table.remove(keys[i])) << keys[i];
    model.erase(keys[i]);
    if (i % 997 == 0) check_some(50);
  }
  ASSERT_EQ(table.size(), 10u);
  check_some(20'000);
  while (table.rehash_step(100)) {
  }
  // The shrinks gave the memory back: ten keys fill at least 10% of the
  // buckets, so there are at most 64 of them (down from 131072).
  EXPECT_LE(table.bucket_bytes(), 64 * sizeof(Entry*));

  std::size_t walked = 0;
  table.for_each([&](Entry& e) {
    ++walked;
    EXPECT_EQ(model.at(std::string(e.key())), e.value());
  });
  EXPECT_EQ(walked, 10u);
}

TEST(HashTable, ScanVisitsEveryKeyAndEndsAtCursorZero) {
  HashTable table;
  EXPECT_EQ(table.scan(0, [](Entry&) { FAIL(); }), 0u);
  std::set<std::string> expected;
  for (int i = 0; i < 500; ++i) {
    insert(table, key_name(i));
    expected.insert(key_name(i));
  }
  EXPECT_EQ(full_scan(table), expected);
}

TEST(HashTable, ScanCursorCountsFromTheTopBit) {
  // With 8 buckets Redis's cursor visits 0, 4, 2, 6, 1, 5, 3, 7.
  HashTable table;
  for (int i = 0; i < 5; ++i) insert(table, key_name(i));
  while (table.rehash_step(100)) {
  }
  ASSERT_EQ(table.bucket_bytes(), 8 * sizeof(Entry*));
  std::vector<std::uint64_t> cursors;
  std::uint64_t cursor = 0;
  do {
    cursor = table.scan(cursor, [](Entry&) {});
    cursors.push_back(cursor);
  } while (cursor != 0);
  EXPECT_EQ(cursors, (std::vector<std::uint64_t>{4, 2, 6, 1, 5, 3, 7, 0}));
}

// The SCAN guarantee: a key present from the first call to the last is
// returned at least once, however the table is resized in between.
TEST(HashTable, ScanReturnsStableKeysAcrossGrowShrinkAndRehash) {
  HashTable table;
  std::set<std::string> stable;
  for (int i = 0; i < 300; ++i) {
    insert(table, "stable:" + std::to_string(i));
    stable.insert("stable:" + std::to_string(i));
  }
  while (table.rehash_step(100)) {
  }

  std::set<std::string> seen;
  std::uint64_t cursor = 0;
  int call = 0;
  bool saw_rehashing_scan = false;
  do {
    saw_rehashing_scan = saw_rehashing_scan || table.is_rehashing();
    cursor = table.scan(cursor, [&](Entry& e) { seen.emplace(e.key()); });
    ++call;
    // Between calls: grow far (300 -> ~5000 keys) with the rehash left
    // half done, then shrink back below 10% and let that rehash run too.
    if (call == 20) {
      for (int i = 0; i < 5000; ++i) insert(table, "temp:" + std::to_string(i));
    } else if (call == 60) {
      for (int i = 0; i < 5000; ++i) table.remove("temp:" + std::to_string(i));
    } else if (call % 7 == 0) {
      table.rehash_step(3);
    }
  } while (cursor != 0);

  EXPECT_TRUE(saw_rehashing_scan);
  for (const std::string& key : stable) EXPECT_TRUE(seen.contains(key)) << key;
}

TEST(HashTable, ScanDuringAShrinkRehashStillFindsEverything) {
  HashTable table;
  for (int i = 0; i < 4096; ++i) insert(table, key_name(i));
  while (table.rehash_step(100)) {
  }
  // Drop to 200 keys: a shrink from 4096 buckets starts and is left running.
  for (int i = 200; i < 4096; ++i) table.remove(key_name(i));
  ASSERT_TRUE(table.is_rehashing());
  std::set<std::string> expected;
  for (int i = 0; i < 200; ++i) expected.insert(key_name(i));
  std::set<std::string> seen;
  std::uint64_t cursor = 0;
  do {
    cursor = table.scan(cursor, [&](Entry& e) { seen.emplace(e.key()); });
    if (table.is_rehashing()) table.rehash_step(1);
  } while (cursor != 0);
  EXPECT_EQ(seen, expected);
}

TEST(HashTable, RandomEntryReachesEveryKey) {
  HashTable table;
  EXPECT_EQ(table.random_entry(42), nullptr);
  for (int i = 0; i < 20; ++i) insert(table, key_name(i));
  insert(table, key_name(20));  // leaves a rehash in progress
  ASSERT_TRUE(table.is_rehashing());
  std::map<std::string, int> hits;
  for (std::uint64_t seed = 1; seed <= 4000; ++seed) {
    Entry* e = table.random_entry(seed * 0x9E3779B97F4A7C15ULL);
    ASSERT_NE(e, nullptr);
    ++hits[std::string(e->key())];
  }
  // Every key comes up. Not equally often: a key that shares its bucket
  // with others is drawn less (hence "uniformly-ish").
  EXPECT_EQ(hits.size(), 21u);
}

TEST(HashTable, ReplaceSwapsTheBlockInPlace) {
  HashTable table;
  for (int i = 0; i < 50; ++i) insert(table, key_name(i), "old");
  Entry* old_entry = table.find(key_name(7));
  table.replace(old_entry, make_entry(key_name(7), "new and longer"));
  EXPECT_EQ(table.size(), 50u);
  EXPECT_EQ(table.find(key_name(7))->value(), "new and longer");
  for (int i = 0; i < 50; ++i) EXPECT_NE(table.find(key_name(i)), nullptr);
}

TEST(HashTable, ClearEmptiesAndFreesTheBuckets) {
  HashTable table;
  for (int i = 0; i < 100; ++i) insert(table, key_name(i));
  table.clear();
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.bucket_bytes(), 0u);
  EXPECT_EQ(table.find(key_name(1)), nullptr);
  insert(table, "again");
  EXPECT_NE(table.find("again"), nullptr);
}

TEST(HashTable, MovingTakesTheEntriesAlong) {
  HashTable table;
  for (int i = 0; i < 10; ++i) insert(table, key_name(i));
  HashTable moved(std::move(table));
  EXPECT_EQ(moved.size(), 10u);
  EXPECT_NE(moved.find(key_name(3)), nullptr);
  HashTable assigned;
  insert(assigned, "doomed");
  assigned = std::move(moved);
  EXPECT_EQ(assigned.size(), 10u);
  EXPECT_EQ(assigned.find("doomed"), nullptr);
}

}  // namespace
}  // namespace mini_redis::storage
