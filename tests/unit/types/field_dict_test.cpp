// FieldDict: a large hash's field -> value map ("hashtable" encoding). These
// tests pin down HSET's inserted/replaced answer, the pair block's layout and
// its memory accounting, HSCAN's guarantee across resizes and HRANDFIELD's
// reach, and agreement with std::unordered_map over many random operations.
#include "types/field_dict.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_map>

namespace mini_redis::types {
namespace {

using namespace std::string_view_literals;

std::string field_name(int i) {
  return "field:" + std::to_string(i);
}

std::map<std::string, std::string> contents(const FieldDict& dict) {
  std::map<std::string, std::string> all;
  dict.for_each([&](std::string_view f, std::string_view v) { all.emplace(f, v); });
  return all;
}

TEST(FieldDict, SetAnswersWhetherTheFieldIsNewAsHsetCountsIt) {
  FieldDict dict;
  EXPECT_TRUE(dict.empty());
  EXPECT_EQ(dict.find("f"), std::nullopt);
  EXPECT_TRUE(dict.set("f", "1"));
  EXPECT_FALSE(dict.set("f", "2"));
  EXPECT_TRUE(dict.set("g", "3"));
  EXPECT_EQ(dict.size(), 2u);
  EXPECT_EQ(dict.find("f"), "2");
  EXPECT_EQ(dict.find("g"), "3");
  EXPECT_EQ(dict.find("h"), std::nullopt);
}

TEST(FieldDict, EmptyAndBinaryFieldsAndValuesAreKeptExactly) {
  FieldDict dict;
  EXPECT_TRUE(dict.set("", "empty field"));
  EXPECT_TRUE(dict.set("empty value", ""));
  EXPECT_TRUE(dict.set("a\0b"sv, "x\0y"sv));
  EXPECT_TRUE(dict.set("a\0c"sv, "z"));
  EXPECT_EQ(dict.find(""), "empty field");
  EXPECT_EQ(dict.find("empty value"), ""sv);
  EXPECT_EQ(dict.find("a\0b"sv), "x\0y"sv);
  EXPECT_EQ(dict.find("a"), std::nullopt);
}

TEST(FieldDict, EraseRemovesOnlyThatField) {
  FieldDict dict;
  dict.set("a", "1");
  dict.set("b", "2");
  EXPECT_TRUE(dict.erase("a"));
  EXPECT_FALSE(dict.erase("a"));
  EXPECT_FALSE(dict.erase("zzz"));
  EXPECT_EQ(dict.size(), 1u);
  EXPECT_EQ(dict.find("a"), std::nullopt);
  EXPECT_EQ(dict.find("b"), "2");
}

// The block is [8-byte link | varint field length | varint value length |
// field | value]; a first pair also brings the 4 initial buckets (32 bytes).
TEST(FieldDict, OnePairCostsItsBlockPlusTheFirstFourBuckets) {
  FieldDict dict;
  EXPECT_EQ(dict.memory_bytes(), 0u);
  dict.set(std::string(16, 'f'), std::string(16, 'v'));
  EXPECT_EQ(dict.memory_bytes(), (8 + 1 + 1 + 16 + 16) + 4 * 8u);
}

TEST(FieldDict, LongLengthsTakeMoreVarintBytesAndRoundTrip) {
  FieldDict dict;
  std::string field(300, 'f');     // 300 >= 128: a 2-byte length
  std::string value(20'000, 'v');  // 20000 >= 16384: a 3-byte length
  value[12'345] = '!';
  dict.set(field, value);
  EXPECT_EQ(dict.memory_bytes(), (8 + 2 + 3 + 300 + 20'000) + 4 * 8u);
  EXPECT_EQ(dict.find(field), value);
  std::string exactly_127(127, 'x');  // the last 1-byte length
  std::string exactly_128(128, 'y');  // the first 2-byte one
  dict.set(exactly_127, exactly_128);
  dict.set(exactly_128, exactly_127);
  EXPECT_EQ(dict.find(exactly_127), exactly_128);
  EXPECT_EQ(dict.find(exactly_128), exactly_127);
}

TEST(FieldDict, ReplacingWithTheSameLengthKeepsTheBlockOtherLengthsMoveIt) {
  FieldDict dict;
  dict.set("counter", "10");
  std::size_t before = dict.memory_bytes();
  const char* where = dict.find("counter").value().data();
  EXPECT_FALSE(dict.set("counter", "11"));  // HINCRBY 10 -> 11
  EXPECT_EQ(dict.find("counter").value().data(), where);
  EXPECT_EQ(dict.memory_bytes(), before);
  EXPECT_FALSE(dict.set("counter", "1000"));
  EXPECT_EQ(dict.find("counter"), "1000");
  EXPECT_EQ(dict.memory_bytes(), before + 2);
  EXPECT_FALSE(dict.set("counter", "9"));
  EXPECT_EQ(dict.memory_bytes(), before - 1);
}

TEST(FieldDict, SettingFromViewsIntoTheDictItselfIsSafe) {
  FieldDict dict;
  dict.set("a", "hello world");
  std::string_view own = dict.find("a").value();
  dict.set("a", own.substr(6));  // new block built before the old one goes
  EXPECT_EQ(dict.find("a"), "world");
  own = dict.find("a").value();
  dict.set("a", own);  // same length: an overlapping copy onto itself
  EXPECT_EQ(dict.find("a"), "world");
}

// HSCAN's promise: a field present from the first call to the last is
// returned at least once, while the hash grows far and then shrinks back.
TEST(FieldDict, ScanReturnsEveryStableFieldWhileTheDictGrowsAndShrinks) {
  FieldDict dict;
  for (int i = 0; i < 300; ++i) dict.set(field_name(i), "stable");
  std::set<std::string> seen;
  std::uint64_t cursor = 0;
  int call = 0;
  do {
    cursor = dict.scan(cursor, [&](std::string_view f, std::string_view) { seen.emplace(f); });
    ++call;
    if (call == 10) {
      for (int i = 0; i < 6000; ++i) dict.set("temp:" + std::to_string(i), "t");
    } else if (call == 40) {
      for (int i = 0; i < 6000; ++i) dict.erase("temp:" + std::to_string(i));
    } else if (call % 5 == 0) {
      dict.rehash_step(2);
    }
  } while (cursor != 0);
  for (int i = 0; i < 300; ++i) EXPECT_TRUE(seen.contains(field_name(i))) << i;
}

TEST(FieldDict, RandomPairOverManyDrawsHitsEveryField) {
  FieldDict dict;
  EXPECT_EQ(dict.random_pair(1), std::nullopt);
  for (int i = 0; i < 100; ++i) dict.set(field_name(i), "value:" + std::to_string(i));
  std::mt19937_64 rng(7);
  std::map<std::string, int> hits;
  for (int draw = 0; draw < 20'000; ++draw) {
    auto pair = dict.random_pair(rng());
    ASSERT_TRUE(pair.has_value());
    auto [field, value] = pair.value();
    ASSERT_EQ(value, "value:" + std::string(field.substr(6)));
    ++hits[std::string(field)];
  }
  EXPECT_EQ(hits.size(), 100u);
  // "Uniformly-ish": 200 draws expected per field, but a field that shares
  // its bucket with k others gets about 1/(k+1) of that bucket's draws (as in
  // Redis's dict), and the hash seed, so the chains, change with every run.
  // What must never happen is a field that is (nearly) never drawn.
  for (const auto& [field, count] : hits) EXPECT_GT(count, 10) << field;
}

TEST(FieldDict, CloneIsAnIndependentDeepCopy) {
  FieldDict dict;
  for (int i = 0; i < 1000; ++i) dict.set(field_name(i), std::to_string(i));
  while (dict.rehash_step(100)) {
  }
  FieldDict copy = dict.clone();
  EXPECT_FALSE(copy.is_rehashing());  // sized up front
  EXPECT_EQ(contents(copy), contents(dict));
  EXPECT_EQ(copy.memory_bytes(), dict.memory_bytes());
  dict.set(field_name(1), "changed");
  dict.erase(field_name(2));
  EXPECT_EQ(copy.find(field_name(1)), "1");
  EXPECT_EQ(copy.find(field_name(2)), "2");
}

TEST(FieldDict, MovingTakesThePairsAndClearGivesTheMemoryBack) {
  FieldDict dict;
  for (int i = 0; i < 100; ++i) dict.set(field_name(i), "v");
  std::size_t bytes = dict.memory_bytes();
  FieldDict moved(std::move(dict));
  EXPECT_EQ(moved.size(), 100u);
  EXPECT_EQ(moved.memory_bytes(), bytes);
  FieldDict assigned;
  assigned.set("doomed", "x");
  assigned = std::move(moved);
  EXPECT_EQ(assigned.find("doomed"), std::nullopt);
  EXPECT_EQ(assigned.find(field_name(99)), "v");
  assigned.clear();
  EXPECT_EQ(assigned.size(), 0u);
  EXPECT_EQ(assigned.memory_bytes(), 0u);
}

// The model check: what the dict answers equals what std::unordered_map
// answers, through growth, shrinking and values that change length; the
// memory figure always equals the sum of the documented block sizes.
TEST(FieldDict, HundredThousandRandomOperationsAgreeWithAStdMap) {
  FieldDict dict;
  std::unordered_map<std::string, std::string> model;
  std::mt19937_64 rng(99);
  auto block_size = [](const std::string& f, const std::string& v) {
    auto varint = [](std::size_t n) { return n < 128 ? 1u : n < 16384 ? 2u : 3u; };
    return 8 + varint(f.size()) + varint(v.size()) + f.size() + v.size();
  };
  for (int op = 0; op < 100'000; ++op) {
    int range = op < 60'000 ? 1 + op / 2 : 1 + (100'000 - op) / 4;
    std::string field = field_name(static_cast<int>(rng() % range));
    switch (rng() % 4) {
      case 0:
      case 1: {
        std::string value(rng() % 200, static_cast<char>('a' + rng() % 26));
        bool fresh = !model.contains(field);
        model[field] = value;
        ASSERT_EQ(dict.set(field, value), fresh) << field;
        break;
      }
      case 2: ASSERT_EQ(dict.erase(field), model.erase(field) == 1) << field; break;
      default: {
        auto found = dict.find(field);
        auto it = model.find(field);
        ASSERT_EQ(found.has_value(), it != model.end()) << field;
        if (found) {
          ASSERT_EQ(*found, it->second);
        }
      }
    }
    ASSERT_EQ(dict.size(), model.size());
    if (op % 10'000 == 0) {
      std::size_t expected = 0;
      for (const auto& [f, v] : model) expected += block_size(f, v);
      ASSERT_GE(dict.memory_bytes(), expected);
      // What remains above the blocks is the bucket arrays: at most two
      // power-of-two arrays, each no larger than twice the pairs plus slack.
      ASSERT_LE(dict.memory_bytes() - expected, (4 * model.size() + 64) * 8);
    }
  }
  std::map<std::string, std::string> expected(model.begin(), model.end());
  EXPECT_EQ(contents(dict), expected);
}

}  // namespace
}  // namespace mini_redis::types
