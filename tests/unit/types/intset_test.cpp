// Intset: Redis's sorted integer array. These tests pin down the exact bytes
// (the worked example in intset.h, which is what Redis writes to an RDB
// file), the upgrades from 2 to 4 to 8 bytes per member with the new value
// at either end, the int16/int32/int64 boundaries, that removal never
// narrows, the validation of foreign bytes, and agreement with std::set
// over many random operations.
#include "types/intset.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <vector>

namespace mini_redis::types {
namespace {

std::vector<std::int64_t> members(const Intset& ints) {
  std::vector<std::int64_t> all;
  for (std::size_t i = 0; i < ints.size(); ++i) all.push_back(ints.at(i));
  return all;
}

std::vector<std::uint8_t> bytes_of(const Intset& ints) {
  const std::span<const std::uint8_t> block = ints.bytes();
  return {block.begin(), block.end()};
}

constexpr std::int64_t kInt16Max = std::numeric_limits<std::int16_t>::max();
constexpr std::int64_t kInt16Min = std::numeric_limits<std::int16_t>::min();
constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kInt32Min = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

TEST(Intset, IsOnePointerAndStartsEmptyWithoutAllocating) {
  EXPECT_EQ(sizeof(Intset), sizeof(void*));
  Intset ints;
  EXPECT_TRUE(ints.empty());
  EXPECT_EQ(ints.width(), 2u);
  EXPECT_EQ(ints.allocated_bytes(), 0u);
  EXPECT_EQ(bytes_of(ints), (std::vector<std::uint8_t>{2, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_FALSE(ints.contains(0));
  EXPECT_FALSE(ints.erase(0));
}

TEST(Intset, KeepsMembersSortedAndDistinct) {
  Intset ints;
  EXPECT_TRUE(ints.insert(5));
  EXPECT_TRUE(ints.insert(-3));
  EXPECT_TRUE(ints.insert(300));
  EXPECT_TRUE(ints.insert(0));
  EXPECT_FALSE(ints.insert(5));
  EXPECT_EQ(members(ints), (std::vector<std::int64_t>{-3, 0, 5, 300}));
  EXPECT_TRUE(ints.contains(300));
  EXPECT_FALSE(ints.contains(301));
}

TEST(Intset, HasRedisBytesForTheWorkedExample) {
  // SADD s 5 -3 300 on Redis 7.0.15, then DUMP: the intset inside is this.
  Intset ints;
  ints.insert(5);
  ints.insert(-3);
  ints.insert(300);
  EXPECT_EQ(bytes_of(ints), (std::vector<std::uint8_t>{2, 0, 0, 0, 3, 0, 0, 0,  // header
                                                       0xFD, 0xFF, 0x05, 0x00, 0x2C, 0x01}));
}

TEST(Intset, UpgradesToFourBytesWithTheNewValueLastWhenPositive) {
  Intset ints;
  ints.insert(5);
  ints.insert(-3);
  ASSERT_TRUE(ints.insert(70000));
  EXPECT_EQ(ints.width(), 4u);
  EXPECT_EQ(members(ints), (std::vector<std::int64_t>{-3, 5, 70000}));
  EXPECT_EQ(bytes_of(ints),
            (std::vector<std::uint8_t>{4,    0,    0, 0, 3, 0, 0,    0,    0xFD, 0xFF,
                                       0xFF, 0xFF, 5, 0, 0, 0, 0x70, 0x11, 0x01, 0x00}));
}

TEST(Intset, UpgradesWithTheNewValueFirstWhenNegative) {
  Intset ints;
  ints.insert(1);
  ints.insert(2);
  ASSERT_TRUE(ints.insert(kInt64Min));
  EXPECT_EQ(ints.width(), 8u);
  EXPECT_EQ(members(ints), (std::vector<std::int64_t>{kInt64Min, 1, 2}));
}

TEST(Intset, WidthBoundariesAreThoseOfInt16AndInt32) {
  struct Case {
    std::int64_t value;
    std::size_t width;
  };
  for (const Case c : {Case{kInt16Max, 2}, Case{kInt16Min, 2}, Case{kInt16Max + 1, 4},
                       Case{kInt16Min - 1, 4}, Case{kInt32Max, 4}, Case{kInt32Min, 4},
                       Case{kInt32Max + 1, 8}, Case{kInt32Min - 1, 8}, Case{kInt64Max, 8}}) {
    Intset ints;
    ints.insert(c.value);
    EXPECT_EQ(ints.width(), c.width) << c.value;
    EXPECT_TRUE(ints.contains(c.value)) << c.value;
    EXPECT_EQ(ints.at(0), c.value);
  }
}

TEST(Intset, AValueWiderThanTheBlockIsNeverFoundOrErased) {
  Intset ints;
  ints.insert(1);
  EXPECT_FALSE(ints.contains(kInt64Max));
  EXPECT_FALSE(ints.erase(kInt32Min - 1));
  EXPECT_EQ(ints.size(), 1u);
}

TEST(Intset, ErasingNeverNarrowsTheWidth) {
  Intset ints;
  ints.insert(1);
  ints.insert(kInt64Max);
  ASSERT_TRUE(ints.erase(kInt64Max));
  EXPECT_EQ(ints.width(), 8u);
  EXPECT_EQ(members(ints), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ints.bytes().size(), Intset::kHeaderSize + 8);
}

TEST(Intset, ErasingKeepsTheOthersInOrder) {
  Intset ints;
  for (std::int64_t v : {4, 1, 3, 2, 5}) ints.insert(v);
  EXPECT_TRUE(ints.erase(3));
  EXPECT_TRUE(ints.erase(1));
  EXPECT_TRUE(ints.erase(5));
  EXPECT_FALSE(ints.erase(3));
  EXPECT_EQ(members(ints), (std::vector<std::int64_t>{2, 4}));
}

TEST(Intset, RandomIsTheMemberAtTheBitsModuloTheSize) {
  Intset ints;
  for (std::int64_t v : {10, 20, 30}) ints.insert(v);
  EXPECT_EQ(ints.random(0), 10);
  EXPECT_EQ(ints.random(4), 20);
  EXPECT_EQ(ints.random(5), 30);
}

TEST(Intset, CloneIsEqualAndIndependent) {
  Intset ints;
  for (std::int64_t v : {7, -70000, 3}) ints.insert(v);
  Intset copy = ints.clone();
  EXPECT_EQ(bytes_of(copy), bytes_of(ints));
  copy.insert(8);
  EXPECT_EQ(ints.size(), 3u);
  EXPECT_EQ(Intset().clone().size(), 0u);
}

TEST(Intset, MemoryIsTheBlocksUsableSize) {
  Intset ints;
  for (std::int64_t v = 0; v < 10; ++v) ints.insert(v);
  // 8 + 10 * 2 = 28 bytes requested; the allocator hands out at least that.
  EXPECT_EQ(ints.bytes().size(), 28u);
  EXPECT_GE(ints.allocated_bytes(), 28u);
  EXPECT_LT(ints.allocated_bytes(), 64u);
}

TEST(Intset, FromBytesAcceptsWhatItWrote) {
  Intset ints;
  for (std::int64_t v : {-1, 100000, 5}) ints.insert(v);
  const std::optional<Intset> loaded = Intset::from_bytes(ints.bytes());
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(members(*loaded), members(ints));
  EXPECT_EQ(loaded->width(), 4u);
}

TEST(Intset, FromBytesRefusesCorruptBlocks) {
  using Bytes = std::vector<std::uint8_t>;
  const Bytes good = {2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 2, 0};
  ASSERT_TRUE(Intset::from_bytes(good).has_value());
  const Bytes cases[] = {
      {2, 0, 0, 0},                                                  // shorter than a header
      {3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0},                             // width 3
      {2, 0, 0, 0, 0, 0, 0, 0},                                      // empty
      {2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 2, 0},                          // length says 3, bytes hold 2
      {2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 2, 0, 0},                       // a stray byte
      {2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 1, 0},                          // descending
      {2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 1, 0},                          // a member twice
      {8, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0, 0, 0, 0, 0},  // a huge length
  };
  for (const Bytes& bytes : cases) EXPECT_FALSE(Intset::from_bytes(bytes).has_value());
}

TEST(Intset, TenThousandRandomOperationsAgreeWithStdSet) {
  std::mt19937_64 random(42);
  Intset ints;
  std::set<std::int64_t> model;
  // Mostly small numbers (so members collide), sometimes wide ones (upgrades).
  auto draw = [&random]() -> std::int64_t {
    switch (random() % 4) {
      case 0: return static_cast<std::int64_t>(random());
      case 1: return static_cast<std::int64_t>(random() % 200000) - 100000;
      default: return static_cast<std::int64_t>(random() % 64) - 32;
    }
  };
  for (int i = 0; i < 10000; ++i) {
    const std::int64_t value = draw();
    if (random() % 3 == 0) {
      EXPECT_EQ(ints.erase(value), model.erase(value) == 1);
    } else {
      EXPECT_EQ(ints.insert(value), model.insert(value).second);
    }
    ASSERT_EQ(ints.size(), model.size());
  }
  EXPECT_EQ(members(ints), std::vector<std::int64_t>(model.begin(), model.end()));
  for (const std::int64_t value : model) EXPECT_TRUE(ints.contains(value));
}

}  // namespace
}  // namespace mini_redis::types
