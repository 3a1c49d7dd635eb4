// Set and MemberDict: a set key's value in Redis 7.0's two encodings. These
// tests pin down the conversion rules checked on Redis 7.0.15 (a non-integer
// member, the 513th integer, a limit of 0, never back), that only canonical
// integers live in an intset ("007" is not 7), the intset's ascending order,
// SSCAN's one-call answer for an intset, Redis's random strategies (which
// members, how many, repeats or not, and SPOP's rebuild that can bring a
// hashtable back to an intset), and agreement with std::set over many
// operations across the conversion.
#include "types/set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "types/set_member_dict.h"

namespace mini_redis::types {
namespace {

const SetLimits kDefaults;  // 512 integers
const SetLimits kThree{3};

std::vector<std::string> in_order(const Set& set) {
  std::vector<std::string> all;
  set.for_each([&](std::string_view member) { all.emplace_back(member); });
  return all;
}

std::set<std::string> contents(const Set& set) {
  const std::vector<std::string> all = in_order(set);
  return {all.begin(), all.end()};
}

Set set_of(std::initializer_list<std::string_view> members, const SetLimits& limits = kDefaults) {
  Set set;
  for (const std::string_view member : members) set.add(member, limits);
  return set;
}

Set numbers(int count) {
  Set set;
  for (int i = 0; i < count; ++i) set.add(std::to_string(i), kDefaults);
  return set;
}

// A repeatable source of bits for the random picks.
struct Bits {
  std::mt19937_64 engine{7};
  std::uint64_t operator()() { return engine(); }
};

// ---- MemberDict -----------------------------------------------------------------

TEST(MemberDict, AddsFindsAndRemovesAnyBytes) {
  MemberDict dict;
  EXPECT_TRUE(dict.insert("a"));
  EXPECT_TRUE(dict.insert(std::string_view("\0b", 2)));
  EXPECT_TRUE(dict.insert(""));
  EXPECT_FALSE(dict.insert("a"));
  EXPECT_EQ(dict.size(), 3u);
  EXPECT_TRUE(dict.contains(std::string_view("\0b", 2)));
  EXPECT_TRUE(dict.contains(""));
  EXPECT_FALSE(dict.contains("b"));
  EXPECT_TRUE(dict.erase("a"));
  EXPECT_FALSE(dict.erase("a"));
  EXPECT_EQ(dict.size(), 2u);
}

TEST(MemberDict, MemoryCountsOneSmallBlockPerMember) {
  MemberDict dict;
  EXPECT_EQ(dict.memory_bytes(), 0u);
  dict.insert("1000000");
  const std::size_t one = dict.memory_bytes();
  // The second member fits the 4 initial buckets: it adds only its block,
  // an 8-byte link, a 1-byte length and 7 bytes.
  dict.insert("1000001");
  EXPECT_EQ(dict.memory_bytes() - one, 16u);
  dict.erase("1000001");
  EXPECT_EQ(dict.memory_bytes(), one);
}

TEST(MemberDict, LongMembersKeepTheirLengthExactly) {
  MemberDict dict;
  const std::string long_member(20000, 'x');  // a 3-byte length
  dict.insert(long_member);
  std::vector<std::string> seen;
  dict.for_each([&](std::string_view member) { seen.emplace_back(member); });
  EXPECT_EQ(seen, std::vector<std::string>{long_member});
  EXPECT_TRUE(dict.contains(long_member));
}

TEST(MemberDict, CloneAndRandomMember) {
  MemberDict dict;
  for (int i = 0; i < 100; ++i) dict.insert("m" + std::to_string(i));
  MemberDict copy = dict.clone();
  EXPECT_EQ(copy.size(), 100u);
  // Sized once for 100 members: never more than the original, which grew
  // (and may still hold two bucket arrays mid-rehash); at least the blocks.
  EXPECT_LE(copy.memory_bytes(), dict.memory_bytes());
  EXPECT_GE(copy.memory_bytes(), 100u * 11);
  copy.erase("m1");
  EXPECT_TRUE(dict.contains("m1"));
  std::set<std::string> reached;
  Bits bits;
  for (int i = 0; i < 5000; ++i) reached.emplace(*dict.random_member(bits()));
  EXPECT_EQ(reached.size(), 100u);
  EXPECT_FALSE(MemberDict().random_member(1).has_value());
}

// ---- encodings and conversion ----------------------------------------------------

TEST(Set, IsSmallAndStartsAsAnEmptyIntset) {
  EXPECT_EQ(sizeof(Set), sizeof(void*));  // one tagged word
  Set set;
  EXPECT_EQ(set.encoding(), Set::Encoding::intset);
  EXPECT_TRUE(set.empty());
  EXPECT_FALSE(set.contains("1"));
  EXPECT_FALSE(set.remove("1"));
  EXPECT_EQ(set.memory_bytes(), 0u);
}

TEST(Set, AnIntsetAnswersInAscendingOrder) {
  const Set set = set_of({"3", "1", "-20", "2", "1"});
  EXPECT_EQ(set.encoding(), Set::Encoding::intset);
  EXPECT_EQ(in_order(set), (std::vector<std::string>{"-20", "1", "2", "3"}));
}

TEST(Set, OnlyCanonicalIntegersAreIntsetMembers) {
  // "007", "+1", " 1", "-0" and "1.0" are strings to Redis: each one makes a
  // hashtable, and none of them is the same member as the number.
  for (const std::string_view text : {"007", "+1", " 1", "-0", "1.0", "9223372036854775808"}) {
    Set set = set_of({"1", "7", "0"});
    ASSERT_TRUE(set.add(text, kDefaults)) << text;
    EXPECT_EQ(set.encoding(), Set::Encoding::hashtable) << text;
    EXPECT_EQ(set.size(), 4u) << text;
  }
  const Set set = set_of({"7"});
  EXPECT_FALSE(set.contains("007"));
  EXPECT_TRUE(set.contains("7"));
  EXPECT_TRUE(set.contains_integer(7));
}

TEST(Set, ANonIntegerMemberConvertsAndKeepsEveryMember) {
  Set set = set_of({"1", "2"});
  ASSERT_TRUE(set.add("a", kDefaults));
  EXPECT_EQ(set.encoding(), Set::Encoding::hashtable);
  EXPECT_EQ(contents(set), (std::set<std::string>{"1", "2", "a"}));
  EXPECT_TRUE(set.contains("1"));
  EXPECT_TRUE(set.contains_integer(2));
  EXPECT_FALSE(set.add_integer(2, kDefaults));
  EXPECT_TRUE(set.add_integer(-5, kDefaults));
  EXPECT_TRUE(set.contains("-5"));
}

TEST(Set, The512thIntegerStaysIntsetAndThe513thConverts) {
  Set set = numbers(512);
  EXPECT_EQ(set.encoding(), Set::Encoding::intset);
  set.add("512", kDefaults);
  EXPECT_EQ(set.encoding(), Set::Encoding::hashtable);
  EXPECT_EQ(set.size(), 513u);
}

TEST(Set, SmallAndZeroLimits) {
  Set set = set_of({"1", "2", "3"}, kThree);
  EXPECT_EQ(set.encoding(), Set::Encoding::intset);
  set.add("3", kThree);  // not new: no conversion
  EXPECT_EQ(set.encoding(), Set::Encoding::intset);
  set.add("4", kThree);
  EXPECT_EQ(set.encoding(), Set::Encoding::hashtable);
  // With a limit of 0 the first member already converts (Redis: intset,
  // then 1 > 0 entries).
  EXPECT_EQ(set_of({"1"}, SetLimits{0}).encoding(), Set::Encoding::hashtable);
}

TEST(Set, RemovingNeverConvertsBack) {
  Set set = set_of({"1", "a"});
  set.remove("a");
  EXPECT_EQ(set.encoding(), Set::Encoding::hashtable);
  EXPECT_EQ(in_order(set), std::vector<std::string>{"1"});
}

TEST(Set, RemoveOfANonIntegerFromAnIntsetIsANoOp) {
  Set set = set_of({"1", "2"});
  EXPECT_FALSE(set.remove("a"));
  EXPECT_FALSE(set.remove("01"));
  EXPECT_TRUE(set.remove("1"));
  EXPECT_EQ(in_order(set), std::vector<std::string>{"2"});
}

TEST(Set, ScanOfAnIntsetReturnsEverythingWithCursorZero) {
  Set set = set_of({"2", "1"});
  std::vector<std::string> seen;
  EXPECT_EQ(set.scan(12345, [&](std::string_view m) { seen.emplace_back(m); }), 0u);
  EXPECT_EQ(seen, (std::vector<std::string>{"1", "2"}));
}

TEST(Set, ScanOfAHashtableReturnsEveryMemberAcrossCalls) {
  Set set = numbers(2000);
  ASSERT_EQ(set.encoding(), Set::Encoding::hashtable);
  std::set<std::string> seen;
  std::uint64_t cursor = 0;
  int calls = 0;
  do {
    cursor = set.scan(cursor, [&](std::string_view m) { seen.emplace(m); });
    ++calls;
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 2000u);
  EXPECT_GT(calls, 1);
}

TEST(Set, CloneKeepsTheEncodingAndIsIndependent) {
  Set small = set_of({"1", "a"});
  small.remove("a");  // a hashtable holding one integer
  Set copy = small.clone();
  EXPECT_EQ(copy.encoding(), Set::Encoding::hashtable);  // as Redis's setTypeDup
  copy.add("2", kDefaults);
  EXPECT_EQ(small.size(), 1u);
  const Set ints = set_of({"5", "6"});
  EXPECT_EQ(ints.clone().encoding(), Set::Encoding::intset);
  EXPECT_EQ(in_order(ints.clone()), in_order(ints));
}

TEST(Set, MemoryCountsTheIntsetBlockOrTheDict) {
  const Set ints = numbers(10);
  EXPECT_GE(ints.memory_bytes(), 28u);
  EXPECT_LT(ints.memory_bytes(), 64u);
  const Set dict = numbers(1000);
  EXPECT_GT(dict.memory_bytes(), 1000u * 16);
  EXPECT_EQ(dict.free_effort(), 1000u);
  EXPECT_EQ(ints.free_effort(), 1u);
}

// ---- random picks ----------------------------------------------------------------

TEST(Set, RandomMemberReachesEveryMemberInBothEncodings) {
  for (const Set& set : {numbers(10), set_of({"a", "b", "c", "1"})}) {
    std::set<std::string> reached;
    Bits bits;
    IntText buffer;
    for (int i = 0; i < 2000; ++i) reached.emplace(set.random_member(bits(), buffer));
    EXPECT_EQ(reached, contents(set));
  }
}

TEST(Set, RandomMembersDrawsWithRepeatsAsANegativeCountDoes) {
  const Set set = set_of({"a", "b"});
  Bits bits;
  std::vector<std::string> drawn;
  set.random_members(100, bits, [&](std::string_view m) { drawn.emplace_back(m); });
  EXPECT_EQ(drawn.size(), 100u);
  EXPECT_EQ(std::set<std::string>(drawn.begin(), drawn.end()), contents(set));
}

TEST(Set, RandomDistinctMembersGivesCountDistinctMembersInEveryStrategy) {
  // 5 of 100 (draws), 40 of 100 (subset), 99 of 100 (subset), both encodings.
  for (const Set& set : {numbers(100), numbers(600)}) {
    for (const std::size_t count : {5u, 40u, 99u}) {
      Bits bits;
      std::vector<std::string> drawn;
      set.random_distinct_members(count, bits, [&](std::string_view m) { drawn.emplace_back(m); });
      ASSERT_EQ(drawn.size(), count);
      const std::set<std::string> distinct(drawn.begin(), drawn.end());
      EXPECT_EQ(distinct.size(), count);
      for (const std::string& m : distinct) EXPECT_TRUE(set.contains(m));
    }
  }
}

TEST(Set, RandomDistinctMembersOfAllOrMoreIsTheWholeSetInOrder) {
  const Set set = set_of({"3", "1", "2"});
  Bits bits;
  std::vector<std::string> drawn;
  set.random_distinct_members(10, bits, [&](std::string_view m) { drawn.emplace_back(m); });
  EXPECT_EQ(drawn, in_order(set));
}

TEST(Set, RandomDistinctMembersAreUniform) {
  // 2 of 9 members (the draw strategy): each member should come about
  // 2/9 of the time over many calls.
  const Set set = numbers(9);
  Bits bits;
  std::vector<int> hits(9);
  constexpr int kRounds = 9000;
  for (int round = 0; round < kRounds; ++round) {
    set.random_distinct_members(2, bits,
                                [&](std::string_view m) { ++hits[std::stoi(std::string(m))]; });
  }
  for (const int h : hits) EXPECT_NEAR(h, kRounds * 2 / 9, kRounds / 20);
}

TEST(Set, PopRandomMemberRemovesWhatItVisits) {
  Set set = set_of({"a", "b", "c"});
  std::string popped;
  set.pop_random_member(12345, [&](std::string_view m) { popped = m; });
  EXPECT_EQ(set.size(), 2u);
  EXPECT_FALSE(set.contains(popped));
  Set ints = set_of({"7"});
  ints.pop_random_member(1, [&](std::string_view m) { popped = m; });
  EXPECT_EQ(popped, "7");
  EXPECT_TRUE(ints.empty());
}

TEST(Set, PopRandomMembersRemovesExactlyTheVisitedOnes) {
  // 3 of 100 draws and removes; 90 of 100 rebuilds from the 10 that stay.
  for (const std::size_t count : {3u, 90u}) {
    Set set = numbers(100);
    const std::set<std::string> before = contents(set);
    Bits bits;
    std::vector<std::string> popped;
    set.pop_random_members(count, bits, kDefaults,
                           [&](std::string_view m) { popped.emplace_back(m); });
    ASSERT_EQ(popped.size(), count);
    std::set<std::string> after = contents(set);
    EXPECT_EQ(after.size(), 100 - count);
    for (const std::string& m : popped) {
      EXPECT_TRUE(before.contains(m));
      EXPECT_FALSE(after.contains(m));
      after.insert(m);
    }
    EXPECT_EQ(after, before);
  }
}

TEST(Set, PopOfMostOfAHashtableOfNumbersRebuildsAnIntset) {
  // Redis's SPOP keeps the few that stay in a new set, which starts as an
  // intset: 600 numbers (hashtable) minus 590 leave an intset of 10.
  Set set = numbers(600);
  ASSERT_EQ(set.encoding(), Set::Encoding::hashtable);
  Bits bits;
  set.pop_random_members(590, bits, kDefaults, [](std::string_view) {});
  EXPECT_EQ(set.encoding(), Set::Encoding::intset);
  EXPECT_EQ(set.size(), 10u);
  // While the draw strategy pops in place: the encoding stays.
  Set kept = numbers(600);
  kept.pop_random_members(100, bits, kDefaults, [](std::string_view) {});
  EXPECT_EQ(kept.encoding(), Set::Encoding::hashtable);
}

// ---- a model ------------------------------------------------------------------------

TEST(Set, RandomOperationsAcrossTheConversionAgreeWithStdSet) {
  std::mt19937_64 random(3);
  Set set;
  std::set<std::string> model;
  const SetLimits limits{40};
  for (int i = 0; i < 20000; ++i) {
    // Mostly integers (some non-canonical), now and then a word.
    const int kind = static_cast<int>(random() % 10);
    std::string member = std::to_string(static_cast<int>(random() % 120) - 60);
    if (kind == 0) member = "w" + member;
    if (kind == 1) member = "0" + member;
    if (random() % 3 == 0) {
      ASSERT_EQ(set.remove(member), model.erase(member) == 1) << member;
    } else {
      ASSERT_EQ(set.add(member, limits), model.insert(member).second) << member;
    }
    ASSERT_EQ(set.size(), model.size());
    if (model.empty()) set = Set();  // a command would delete the key here
  }
  EXPECT_EQ(contents(set), model);
}

}  // namespace
}  // namespace mini_redis::types
