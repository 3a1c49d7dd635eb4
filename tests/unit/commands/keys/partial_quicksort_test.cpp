// partial_quicksort: the slice asked for is what a full sort gives, and
// ties land where Redis's pqsort puts them.
#include "commands/keys/partial_quicksort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <utility>
#include <vector>

namespace mini_redis::commands {
namespace {

int compare_ints(int a, int b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

TEST(PartialQuicksort, TheWindowHoldsWhatAFullSortPutsThere) {
  std::mt19937 random(7);
  for (int round = 0; round < 300; ++round) {
    const std::size_t n = 1 + random() % 120;
    std::vector<int> items(n);
    for (int& item : items) item = static_cast<int>(random() % 50);  // many ties
    std::vector<int> sorted = items;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t first = random() % n;
    const std::size_t last = first + random() % (n - first);
    partial_quicksort(std::span<int>(items), first, last, compare_ints);
    for (std::size_t i = first; i <= last; ++i) EXPECT_EQ(items[i], sorted[i]) << round << " " << i;
    std::sort(items.begin(), items.end());
    EXPECT_EQ(items, sorted);  // nothing lost or duplicated
  }
}

TEST(PartialQuicksort, TiesFollowRedisOrder) {
  // GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 2 km COUNT 3 on Redis 7.0.15 (the
  // dense grid of tests/diff/cases/geo.txt): the members in Redis's walk
  // order (the reply without COUNT) with their distances, which tie in
  // pairs and a triple. Redis answers a0, d2, d1: not d0, first walked.
  using Member = std::pair<char const*, double>;
  std::vector<Member> members{{"a0", 0.0003}, {"d0", 0.7867}, {"a1", 1.1125}, {"b0", 1.1123},
                              {"b1", 1.5732}, {"c2", 1.1123}, {"d2", 0.7867}, {"c1", 1.1125},
                              {"d1", 0.7867}, {"c0", 1.5732}};
  partial_quicksort(std::span<Member>(members), 0, 2, [](const Member& a, const Member& b) {
    return a.second < b.second ? -1 : (a.second > b.second ? 1 : 0);
  });
  EXPECT_STREQ(members[0].first, "a0");
  EXPECT_STREQ(members[1].first, "d2");
  EXPECT_STREQ(members[2].first, "d1");
}

TEST(PartialQuicksort, SmallInputsAreInsertionSorted) {
  std::vector<int> items{5, 3, 4, 1, 2};
  partial_quicksort(std::span<int>(items), 0, 4, compare_ints);
  EXPECT_EQ(items, (std::vector<int>{1, 2, 3, 4, 5}));
}

}  // namespace
}  // namespace mini_redis::commands
