// SortedSet: both encodings give the same answers; the conversion rule and
// the stored score spellings are Redis 7.0's.
#include "types/sorted_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "common/random.h"

namespace mini_redis::types {
namespace {

using Elements = std::vector<std::pair<std::string, double>>;

Elements visit_all(const SortedSet& set, std::size_t begin, std::size_t end, bool reverse) {
  Elements out;
  set.visit_ranks(begin, end, reverse,
                  [&](std::string_view member, double score) { out.emplace_back(member, score); });
  return out;
}

const SortedSetLimits kDefaults{};

TEST(SortedSetTest, SmallSetIsAnOrderedListpack) {
  SortedSet set;
  set.insert("b", 2, kDefaults);
  set.insert("a", 1, kDefaults);
  set.insert("c", 1.5, kDefaults);
  set.insert("12", 1, kDefaults);  // stored as a listpack integer, sorts as "12"
  EXPECT_EQ(set.encoding(), SortedSet::Encoding::listpack);
  EXPECT_EQ(visit_all(set, 0, 4, false), (Elements{{"12", 1}, {"a", 1}, {"c", 1.5}, {"b", 2}}));
  EXPECT_EQ(visit_all(set, 1, 3, true), (Elements{{"c", 1.5}, {"a", 1}}));
  EXPECT_EQ(set.rank("b"), 3U);
  EXPECT_EQ(set.score("c"), 1.5);
  EXPECT_FALSE(set.score("zz").has_value());
}

TEST(SortedSetTest, ScoresAreStoredAsRedisSpellsThemInAListpack) {
  SortedSet set;
  set.insert("int", 1e18, kDefaults);
  set.insert("big", 5e18, kDefaults);
  set.insert("neg-zero", -0.0, kDefaults);
  set.insert("frac", 0.1, kDefaults);
  set.insert("inf", -std::numeric_limits<double>::infinity(), kDefaults);
  std::vector<std::string> texts;
  set.scan(0, [&](std::string_view m, std::string_view s) {
    texts.push_back(std::string(m) + "=" + std::string(s));
  });
  EXPECT_EQ(texts, (std::vector<std::string>{"inf=-inf", "neg-zero=0", "frac=0.10000000000000001",
                                             "int=1000000000000000000", "big=5e+18"}));
}

TEST(SortedSetTest, ConvertsPastEitherLimitAndNeverBack) {
  const SortedSetLimits limits{.max_listpack_entries = 3, .max_listpack_value = 5};
  SortedSet set;
  for (int i = 0; i < 3; ++i) set.insert("m" + std::to_string(i), i, limits);
  EXPECT_EQ(set.encoding(), SortedSet::Encoding::listpack);
  set.insert("m3", 3, limits);
  EXPECT_EQ(set.encoding(), SortedSet::Encoding::skiplist);
  set.erase("m3");
  set.erase("m2");
  EXPECT_EQ(set.encoding(), SortedSet::Encoding::skiplist);

  SortedSet long_member;
  long_member.insert("12345", 1, limits);
  EXPECT_EQ(long_member.encoding(), SortedSet::Encoding::listpack);
  long_member.insert("123456", 1, limits);
  EXPECT_EQ(long_member.encoding(), SortedSet::Encoding::skiplist);
  EXPECT_EQ(visit_all(long_member, 0, 2, false), (Elements{{"12345", 1}, {"123456", 1}}));

  SortedSet none_allowed;
  none_allowed.insert("a", 1, {.max_listpack_entries = 0, .max_listpack_value = 64});
  EXPECT_EQ(none_allowed.encoding(), SortedSet::Encoding::skiplist);
}

TEST(SortedSetTest, BothEncodingsAgreeThroughRandomOperations) {
  SortedSet small;
  SortedSet large;
  large.convert_to_skiplist();
  const SortedSetLimits unlimited{.max_listpack_entries = 1U << 20, .max_listpack_value = 1U << 20};
  SplitMix64 random(7);
  for (int step = 0; step < 3000; ++step) {
    const std::string member = std::to_string(random.next() % 90);
    const double score = static_cast<double>(random.next() % 20) / 4;
    const bool present = small.score(member).has_value();
    ASSERT_EQ(present, large.score(member).has_value());
    switch (random.next() % 4) {
      case 0: EXPECT_EQ(small.erase(member), large.erase(member)); break;
      default:
        if (present) {
          small.update(member, score);
          large.update(member, score);
        } else {
          small.insert(member, score, unlimited);
          large.insert(member, score, unlimited);
        }
    }
    ASSERT_EQ(small.size(), large.size());
    ASSERT_EQ(small.rank(member), large.rank(member));
  }
  EXPECT_EQ(small.encoding(), SortedSet::Encoding::listpack);
  EXPECT_EQ(visit_all(small, 0, small.size(), false), visit_all(large, 0, large.size(), false));
  for (const ScoreRange range :
       {ScoreRange{.min = 1, .max = 2},
        ScoreRange{.min = 1, .max = 2, .min_exclusive = true, .max_exclusive = true},
        ScoreRange{.min = 9, .max = 10}, ScoreRange{.min = 2, .max = 1}}) {
    const RankInterval a = small.ranks_in(range);
    const RankInterval b = large.ranks_in(range);
    EXPECT_EQ(a.size(), b.size());
    if (!a.empty()) {
      EXPECT_EQ(a.begin, b.begin);
    }
  }
  EXPECT_EQ(small.erase_ranks(3, 10), large.erase_ranks(3, 10));
  EXPECT_EQ(visit_all(small, 0, small.size(), true), visit_all(large, 0, large.size(), true));
}

TEST(SortedSetTest, LexRangesOnEqualScores) {
  SortedSet set;
  for (const char* m : {"a", "b", "c", "d"}) set.insert(m, 0, kDefaults);
  using K = LexBound::Kind;
  const LexRange range{.min = {K::inclusive, "b"}, .max = {K::exclusive, "d"}};
  const RankInterval ranks = set.ranks_in(range);
  EXPECT_EQ(ranks.begin, 1U);
  EXPECT_EQ(ranks.end, 3U);
  set.convert_to_skiplist();
  const RankInterval same = set.ranks_in(range);
  EXPECT_EQ(same.begin, 1U);
  EXPECT_EQ(same.end, 3U);
  EXPECT_TRUE(
      set.ranks_in(LexRange{.min = {K::plus_infinity, {}}, .max = {K::plus_infinity, {}}}).empty());
}

TEST(SortedSetTest, AppendGreatestBuildsTheSmallestEncodingThatFits) {
  const SortedSetLimits limits{.max_listpack_entries = 2, .max_listpack_value = 64};
  SortedSet built;
  built.append_greatest("a", 1, limits);
  built.append_greatest("b", 2, limits);
  EXPECT_EQ(built.encoding(), SortedSet::Encoding::listpack);
  built.append_greatest("c", 3, limits);
  EXPECT_EQ(built.encoding(), SortedSet::Encoding::skiplist);
  EXPECT_EQ(built.rank("c"), 2U);
}

TEST(SortedSetTest, RandomPicksStayInsideTheSet) {
  for (const bool skiplist : {false, true}) {
    SortedSet set;
    for (int i = 0; i < 30; ++i) set.insert("m" + std::to_string(i), i, kDefaults);
    if (skiplist) set.convert_to_skiplist();
    SplitMix64 random(1);
    auto bits = [&random] { return random.next(); };
    std::vector<std::string> picked;
    auto collect = [&](std::string_view m, double s) {
      EXPECT_EQ(set.score(m), s);
      picked.emplace_back(m);
    };
    set.random_elements(100, bits, collect);
    EXPECT_EQ(picked.size(), 100U);
    for (const std::size_t count : {5U, 20U, 30U, 40U}) {
      picked.clear();
      set.random_distinct_elements(count, bits, collect);
      EXPECT_EQ(picked.size(), std::min<std::size_t>(count, 30));
      std::sort(picked.begin(), picked.end());
      EXPECT_EQ(std::unique(picked.begin(), picked.end()), picked.end());
    }
  }
}

TEST(SortedSetTest, CloneIsIndependent) {
  SortedSet set;
  set.insert("a", 1, kDefaults);
  SortedSet copy = set.clone();
  set.erase("a");
  EXPECT_EQ(copy.score("a"), 1.0);
  EXPECT_GT(copy.memory_bytes(), 0U);
}

}  // namespace
}  // namespace mini_redis::types

namespace mini_redis::types {
namespace {

TEST(SortedSetRangeTest, ScoresAreFormattedAsPrintfSeventeenG) {
  ScoreText buffer;
  EXPECT_EQ(format_score(1.5, buffer), "1.5");
  EXPECT_EQ(format_score(1.1, buffer), "1.1000000000000001");
  EXPECT_EQ(format_score(1e20, buffer), "1e+20");
  EXPECT_EQ(format_score(1e16, buffer), "10000000000000000");
  EXPECT_EQ(format_score(-0.0, buffer), "-0");
  EXPECT_EQ(format_score(std::numeric_limits<double>::infinity(), buffer), "inf");
  EXPECT_EQ(format_score(-std::numeric_limits<double>::infinity(), buffer), "-inf");
  EXPECT_EQ(format_score(-2.2250738585072014e-308, buffer), "-2.2250738585072014e-308");
}

TEST(SortedSetRangeTest, WholeScoresWithinTwoToTheSixtyTwoAreIntegers) {
  long long out = 0;
  EXPECT_TRUE(score_as_integer(-0.0, out));
  EXPECT_EQ(out, 0);
  EXPECT_TRUE(score_as_integer(4611686018427387904.0, out));  // 2^62
  EXPECT_FALSE(score_as_integer(9223372036854775807.0, out));
  EXPECT_FALSE(score_as_integer(1.5, out));
  EXPECT_FALSE(score_as_integer(std::nan(""), out));
  EXPECT_FALSE(score_as_integer(std::numeric_limits<double>::infinity(), out));
}

TEST(SortedSetRangeTest, EmptyRangesAreRecognised) {
  EXPECT_TRUE((ScoreRange{.min = 2, .max = 1}).is_empty());
  EXPECT_TRUE((ScoreRange{.min = 1, .max = 1, .max_exclusive = true}).is_empty());
  EXPECT_FALSE((ScoreRange{.min = 1, .max = 1}).is_empty());
  using K = LexBound::Kind;
  EXPECT_TRUE((LexRange{.min = {K::exclusive, "a"}, .max = {K::inclusive, "a"}}).is_empty());
  EXPECT_TRUE((LexRange{.min = {K::plus_infinity, {}}, .max = {K::plus_infinity, {}}}).is_empty());
  EXPECT_FALSE((LexRange{.min = {K::inclusive, "a"}, .max = {K::inclusive, "a"}}).is_empty());
}

}  // namespace
}  // namespace mini_redis::types
