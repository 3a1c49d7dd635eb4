// Skiplist: ranks, ranges and the member index agree with a plain sorted
// vector, through inserts, score updates and removals.
#include "types/skiplist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "common/random.h"

namespace mini_redis::types {
namespace {

using Element = std::pair<double, std::string>;  // sorts as the skiplist does

std::vector<Element> contents(const Skiplist& list) {
  std::vector<Element> out;
  list.for_each([&](std::string_view member, double score) { out.emplace_back(score, member); });
  return out;
}

// Every rank, both ways, and the backward links, against the model.
void expect_matches(Skiplist& list, std::vector<Element> model) {
  std::sort(model.begin(), model.end());
  ASSERT_EQ(list.size(), model.size());
  ASSERT_EQ(contents(list), model);
  for (std::size_t r = 0; r < model.size(); ++r) {
    const SkiplistNode* node = list.at_rank(r);
    ASSERT_NE(node, nullptr);
    EXPECT_EQ(node->member(), model[r].second);
    EXPECT_EQ(list.rank(*node), r);
    ASSERT_EQ(list.find(model[r].second), node);
  }
  EXPECT_EQ(list.at_rank(model.size()), nullptr);
  std::vector<Element> backwards;
  for (const SkiplistNode* x = list.last(); x != nullptr; x = list.prev(*x)) {
    backwards.emplace_back(x->score(), x->member());
  }
  std::reverse(backwards.begin(), backwards.end());
  EXPECT_EQ(backwards, model);
}

TEST(SkiplistTest, EmptyHasNothingAtAnyRank) {
  Skiplist list;
  EXPECT_EQ(list.size(), 0U);
  EXPECT_EQ(list.first(), nullptr);
  EXPECT_EQ(list.last(), nullptr);
  EXPECT_EQ(list.at_rank(0), nullptr);
  EXPECT_EQ(list.first_in(ScoreRange{.min = -1, .max = 1}), nullptr);
  EXPECT_FALSE(list.erase("a"));
  EXPECT_FALSE(list.score("a").has_value());
}

TEST(SkiplistTest, OrdersByScoreThenMemberBytes) {
  Skiplist list;
  list.insert("b", 1);
  list.insert("a", 2);
  list.insert("c", 1);
  list.insert("", 1);
  expect_matches(list, {{1, "b"}, {2, "a"}, {1, "c"}, {1, ""}});
  EXPECT_EQ(list.score("a"), 2.0);
}

TEST(SkiplistTest, ManyRandomOperationsKeepRanksAndSpansRight) {
  Skiplist list;
  std::vector<Element> model;
  SplitMix64 random(42);
  for (int step = 0; step < 4000; ++step) {
    const std::string member = "m" + std::to_string(random.next() % 700);
    const double score = static_cast<double>(random.next() % 50);
    auto it = std::find_if(model.begin(), model.end(),
                           [&](const Element& e) { return e.second == member; });
    switch (random.next() % 3) {
      case 0:
      case 1:
        if (it == model.end()) {
          list.insert(member, score);
          model.emplace_back(score, member);
        } else {
          EXPECT_TRUE(list.update_score(member, score));
          it->first = score;
        }
        break;
      default:
        EXPECT_EQ(list.erase(member), it != model.end());
        if (it != model.end()) model.erase(it);
    }
    if (step % 500 == 0) expect_matches(list, model);
  }
  expect_matches(list, model);
}

TEST(SkiplistTest, ScoreRangesFindTheirEnds) {
  Skiplist list;
  for (int i = 0; i < 100; ++i) list.insert("m" + std::to_string(i), i);
  const ScoreRange closed{.min = 10, .max = 20};
  EXPECT_EQ(list.first_in(closed)->score(), 10);
  EXPECT_EQ(list.last_in(closed)->score(), 20);
  const ScoreRange open{.min = 10, .max = 20, .min_exclusive = true, .max_exclusive = true};
  EXPECT_EQ(list.first_in(open)->score(), 11);
  EXPECT_EQ(list.last_in(open)->score(), 19);
  EXPECT_EQ(list.first_in(ScoreRange{.min = 100, .max = 200}), nullptr);
  EXPECT_EQ(list.first_in(ScoreRange{.min = 5, .max = 5, .min_exclusive = true}), nullptr);
  EXPECT_EQ(list.first_in(ScoreRange{.min = 20.5, .max = 20.7}), nullptr);
  EXPECT_EQ(list.last_in(ScoreRange{.min = 20.5, .max = 20.7}), nullptr);
}

TEST(SkiplistTest, LexRangesFindTheirEnds) {
  Skiplist list;
  for (const char* m : {"a", "b", "c", "d", "e"}) list.insert(m, 0);
  using K = LexBound::Kind;
  const LexRange range{.min = {K::exclusive, "a"}, .max = {K::inclusive, "c"}};
  EXPECT_EQ(list.first_in(range)->member(), "b");
  EXPECT_EQ(list.last_in(range)->member(), "c");
  const LexRange all{.min = {K::minus_infinity, {}}, .max = {K::plus_infinity, {}}};
  EXPECT_EQ(list.first_in(all)->member(), "a");
  EXPECT_EQ(list.last_in(all)->member(), "e");
  const LexRange none{.min = {K::exclusive, "e"}, .max = {K::plus_infinity, {}}};
  EXPECT_EQ(list.first_in(none), nullptr);
}

TEST(SkiplistTest, EraseRanksRemovesFromBothIndexes) {
  Skiplist list;
  std::vector<Element> model;
  for (int i = 0; i < 300; ++i) {
    list.insert("m" + std::to_string(i), i);
    model.emplace_back(i, "m" + std::to_string(i));
  }
  std::sort(model.begin(), model.end());
  EXPECT_EQ(list.erase_ranks(10, 250), 240U);
  model.erase(model.begin() + 10, model.begin() + 250);
  expect_matches(list, model);
  EXPECT_EQ(list.erase_ranks(50, 100), 10U);  // only 60 are left
  model.erase(model.begin() + 50, model.end());
  expect_matches(list, model);
  EXPECT_FALSE(list.find("m100") != nullptr);
}

TEST(SkiplistTest, CloneIsDeepAndMemoryIsCounted) {
  Skiplist list;
  const std::size_t empty_bytes = list.memory_bytes();
  for (int i = 0; i < 50; ++i)
    list.insert(std::string(20, static_cast<char>('a' + i % 26)) + std::to_string(i), i * 0.5);
  const std::size_t full_bytes = list.memory_bytes();
  EXPECT_GT(full_bytes, empty_bytes + 50 * 20);
  Skiplist copy = list.clone();
  list.erase_ranks(0, 50);
  EXPECT_EQ(list.size(), 0U);
  EXPECT_LT(list.memory_bytes() + 50 * 20, full_bytes);
  EXPECT_EQ(copy.size(), 50U);
  EXPECT_EQ(copy.at_rank(49)->score(), 24.5);
  Skiplist moved = std::move(copy);
  EXPECT_EQ(moved.size(), 50U);
}

TEST(SkiplistTest, ScanVisitsEveryMemberOnce) {
  Skiplist list;
  for (int i = 0; i < 1000; ++i) list.insert("m" + std::to_string(i), i);
  std::vector<std::string> seen;
  std::uint64_t cursor = 0;
  do {
    cursor = list.scan(cursor, [&](std::string_view m, double) { seen.emplace_back(m); });
  } while (cursor != 0);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
  EXPECT_EQ(seen.size(), 1000U);
}

}  // namespace
}  // namespace mini_redis::types
