// HyperLogLog bytes: the header, the dense 6-bit packing, the sparse opcodes
// and their updates, the estimator, and how corrupt values are refused.
// Where a test pins exact bytes, they are what Debian's redis-server 7.0.15
// answered to the same commands (PFADD, GET, PFDEBUG DECODE), quoted in the
// test; everything else is checked against a second, independent way of
// computing the same thing (dense against sparse, std::set against the
// estimate).
#include "types/hyperloglog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>

namespace mini_redis::types::hll {
namespace {

constexpr std::size_t kDefaultSparseMax = 3000;

std::string body_of(const std::string& hll) {
  return hll.substr(kHeaderSize);
}

std::string sparse_with_body(std::string_view body) {
  std::string hll = make_empty();
  hll.resize(kHeaderSize);
  hll.append(body);
  return hll;
}

Registers registers_of(std::string_view hll) {
  Registers registers{};
  EXPECT_TRUE(merge_into(registers, hll));
  return registers;
}

TEST(HyperLogLog, EmptyIsOneXzeroWithAValidZeroCache) {
  const std::string hll = make_empty();
  // redis-cli: PFADD h, then SETRANGE-free GET shows "HYLL\x01" ... "\x7f\xff"
  // (PFADD also marks the cache stale, which make_empty leaves to the caller).
  EXPECT_EQ(hll, std::string("HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff", 18));
  EXPECT_TRUE(has_valid_header(hll));
  EXPECT_TRUE(is_sparse(hll));
  EXPECT_EQ(cached_cardinality(hll), 0U);
  EXPECT_EQ(describe_sparse(hll), "Z:16384");
  EXPECT_EQ(estimate(hll), 0U);
}

TEST(HyperLogLog, MatchesRedisBytesForThreeElements) {
  // Redis 7.0.15: PFADD h a b c; GET h ends in 60 f3 80 50 b1 84 4b fb 80 42 5a,
  // and PFDEBUG DECODE h says "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603".
  std::string hll = make_empty();
  for (const char* element : {"a", "b", "c"}) {
    EXPECT_EQ(add(hll, element, kDefaultSparseMax), Update::changed);
  }
  EXPECT_EQ(body_of(hll), "\x60\xf3\x80\x50\xb1\x84\x4b\xfb\x80\x42\x5a");
  EXPECT_EQ(describe_sparse(hll), "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");
  EXPECT_EQ(estimate(hll), 3U);
  // Adding one again changes nothing.
  EXPECT_EQ(add(hll, "b", kDefaultSparseMax), Update::unchanged);
}

TEST(HyperLogLog, ObservationRankCountsTrailingZerosPlusOne) {
  for (int n = 0; n < 1000; ++n) {
    const std::string element = "e" + std::to_string(n);
    const std::uint64_t hash = murmur_hash64a(element, kHashSeed);
    const Observation seen = observe(element);
    EXPECT_EQ(seen.index, hash & (kRegisterCount - 1));
    const std::uint64_t rest = hash >> kIndexBits;
    const int expected = rest == 0 ? kRankBits + 1 : std::countr_zero(rest) + 1;
    EXPECT_EQ(seen.rank, expected);
  }
}

TEST(HyperLogLog, MurmurTailBytesAllMatter) {
  // Every length 0..16 covers each tail size; changing any byte changes the hash.
  const std::string text = "0123456789abcdef";
  for (std::size_t length = 1; length <= text.size(); ++length) {
    const std::string base = text.substr(0, length);
    for (std::size_t i = 0; i < length; ++i) {
      std::string changed = base;
      changed[i] ^= 1;
      EXPECT_NE(murmur_hash64a(base, kHashSeed), murmur_hash64a(changed, kHashSeed));
    }
  }
}

TEST(HyperLogLog, HeaderValidation) {
  EXPECT_FALSE(has_valid_header(""));
  EXPECT_FALSE(has_valid_header("HYLL"));
  std::string bad_magic = make_empty();
  bad_magic[0] = 'h';
  EXPECT_FALSE(has_valid_header(bad_magic));
  std::string bad_encoding = make_empty();
  bad_encoding[4] = 2;
  EXPECT_FALSE(has_valid_header(bad_encoding));
  std::string dense = make_empty();
  ASSERT_TRUE(convert_to_dense(dense));
  EXPECT_EQ(dense.size(), kDenseSize);
  EXPECT_TRUE(has_valid_header(dense));
  dense.pop_back();
  EXPECT_FALSE(has_valid_header(dense));  // dense must be exactly 12304 bytes
  // A header alone is a valid header but a corrupt HLL.
  EXPECT_TRUE(has_valid_header(make_empty().substr(0, kHeaderSize)));
}

TEST(HyperLogLog, DenseRegistersDoNotDisturbNeighbours) {
  std::string dense = make_empty();
  ASSERT_TRUE(convert_to_dense(dense));
  for (std::uint32_t i = 0; i < kRegisterCount; ++i) {
    const auto value = static_cast<std::uint8_t>(1 + (i * 37) % 63);
    EXPECT_EQ(raise_register(dense, i, value, 0), Update::changed);
  }
  for (std::uint32_t i = 0; i < kRegisterCount; ++i) {
    ASSERT_EQ(dense_register(dense, i), 1 + (i * 37) % 63) << "register " << i;
  }
  EXPECT_EQ(raise_register(dense, 5, 1, 0), Update::unchanged);  // only ever raised
}

TEST(HyperLogLog, SparseAndDenseAgreeOnEveryRegister) {
  std::string sparse = make_empty();
  std::string dense = make_empty();
  ASSERT_TRUE(convert_to_dense(dense));
  for (int n = 0; n < 3000; ++n) {
    const std::string element = "member:" + std::to_string(n);
    const Update a = add(sparse, element, kDenseSize);
    const Update b = add(dense, element, kDenseSize);
    ASSERT_EQ(a, b) << element;
  }
  EXPECT_EQ(registers_of(sparse), registers_of(dense));
  EXPECT_EQ(estimate(sparse), estimate(dense));
  std::string converted = sparse;
  ASSERT_TRUE(convert_to_dense(converted));
  EXPECT_EQ(converted.substr(kHeaderSize), dense.substr(kHeaderSize));
}

TEST(HyperLogLog, WouldRaiseForetellsWhatAddDoes) {
  std::string sparse = make_empty();
  std::string dense = make_empty();
  ASSERT_TRUE(convert_to_dense(dense));
  for (int n = 0; n < 4000; ++n) {
    // Every element twice over the run: the second time it changes nothing.
    const std::string element = "w" + std::to_string(n % 2000);
    for (std::string* hll : {&sparse, &dense}) {
      const bool predicted = would_raise(*hll, element);
      const Update update = add(*hll, element, kDenseSize);
      ASSERT_EQ(predicted, update == Update::changed) << element;
    }
  }
  // A corrupt value says yes, so that the add reports it.
  EXPECT_TRUE(would_raise(sparse_with_body(std::string("\x00", 1)), "x"));
}

TEST(HyperLogLog, NeighbouringEqualValuesFuse) {
  std::string hll = make_empty();
  EXPECT_EQ(raise_register(hll, 0, 3, kDefaultSparseMax), Update::changed);
  EXPECT_EQ(describe_sparse(hll), "v:3,1 Z:16383");
  EXPECT_EQ(raise_register(hll, 1, 3, kDefaultSparseMax), Update::changed);
  EXPECT_EQ(describe_sparse(hll), "v:3,2 Z:16382");
  EXPECT_EQ(raise_register(hll, 3, 3, kDefaultSparseMax), Update::changed);
  EXPECT_EQ(describe_sparse(hll), "v:3,2 z:1 v:3,1 Z:16380");
  EXPECT_EQ(raise_register(hll, 2, 3, kDefaultSparseMax), Update::changed);
  EXPECT_EQ(describe_sparse(hll), "v:3,4 Z:16380");
  EXPECT_EQ(raise_register(hll, 4, 3, kDefaultSparseMax), Update::changed);
  EXPECT_EQ(describe_sparse(hll), "v:3,4 v:3,1 Z:16379");  // a VAL holds 4 at most
  // Raising the middle of a VAL run splits it in three; the new right part
  // then fuses with its equal neighbour (2 + 1 <= 4).
  EXPECT_EQ(raise_register(hll, 1, 5, kDefaultSparseMax), Update::changed);
  EXPECT_EQ(describe_sparse(hll), "v:3,1 v:5,1 v:3,3 Z:16379");
}

TEST(HyperLogLog, SplitsShortAndLongZeroRuns) {
  std::string hll = make_empty();
  EXPECT_EQ(raise_register(hll, 100, 1, kDefaultSparseMax), Update::changed);
  EXPECT_EQ(describe_sparse(hll), "Z:100 v:1,1 Z:16283");
  EXPECT_EQ(raise_register(hll, 10, 2, kDefaultSparseMax), Update::changed);
  EXPECT_EQ(describe_sparse(hll), "z:10 v:2,1 Z:89 v:1,1 Z:16283");
}

TEST(HyperLogLog, ValueAboveThirtyTwoMakesItDense) {
  std::string hll = make_empty();
  EXPECT_EQ(raise_register(hll, 7, 33, kDefaultSparseMax), Update::changed);
  EXPECT_FALSE(is_sparse(hll));
  EXPECT_EQ(hll.size(), kDenseSize);
  EXPECT_EQ(dense_register(hll, 7), 33);
  EXPECT_EQ(hll.substr(0, 4), "HYLL");
}

TEST(HyperLogLog, GrowingPastSparseMaxBytesMakesItDense) {
  std::string hll = make_empty();
  const std::size_t max_bytes = 40;
  int n = 0;
  while (is_sparse(hll)) {
    const std::size_t before = hll.size();
    ASSERT_NE(add(hll, "x" + std::to_string(n++), max_bytes), Update::corrupt);
    if (is_sparse(hll)) {
      EXPECT_LE(hll.size(), std::max(before, max_bytes));
    }
  }
  EXPECT_EQ(hll.size(), kDenseSize);
  EXPECT_EQ(estimate(hll), static_cast<std::uint64_t>(n));  // tiny counts are exact
}

TEST(HyperLogLog, CacheBitMarksStaleAndKeepsTheOtherBytes) {
  std::string hll = make_empty();
  store_cardinality(hll, 0x0102030405);
  EXPECT_EQ(cached_cardinality(hll), 0x0102030405U);
  invalidate_cardinality(hll);
  EXPECT_EQ(cached_cardinality(hll), std::nullopt);
  EXPECT_EQ(hll.substr(8, 8), std::string("\x05\x04\x03\x02\x01\0\0\x80", 8));
}

TEST(HyperLogLog, EstimatesStayWithinTwoPercent) {
  std::string hll = make_empty();
  int added = 0;
  for (const int target : {1, 10, 100, 1000, 10000, 100000}) {
    for (; added < target; ++added) add(hll, "item-" + std::to_string(added), kDefaultSparseMax);
    const std::optional<std::uint64_t> count = estimate(hll);
    ASSERT_TRUE(count.has_value());
    const double error = std::abs(static_cast<double>(*count) - target) / target;
    EXPECT_LT(error, 0.02) << target << " counted as " << *count;
  }
}

TEST(HyperLogLog, MergedRegistersCountTheUnion) {
  std::string left = make_empty();
  std::string right = make_empty();
  for (int n = 0; n < 5000; ++n) add(left, "l" + std::to_string(n), kDefaultSparseMax);
  for (int n = 0; n < 5000; ++n) add(right, "r" + std::to_string(n), kDefaultSparseMax);
  Registers both{};
  ASSERT_TRUE(merge_into(both, left));
  ASSERT_TRUE(merge_into(both, right));
  const double error = std::abs(static_cast<double>(estimate(both)) - 10000) / 10000;
  EXPECT_LT(error, 0.02);
  Registers only_left{};
  ASSERT_TRUE(merge_into(only_left, left));
  EXPECT_EQ(estimate(only_left), estimate(left));
}

TEST(HyperLogLog, RaiseAllWritesTheBytesOfOneRaisePerRegister) {
  // Several destinations (empty, partly filled) and sources of several sizes,
  // with a sparse limit that some of them cross on the way.
  for (const int source_size : {1, 10, 200, 1500}) {
    for (const int destination_size : {0, 5, 300}) {
      for (const std::size_t max_bytes : {std::size_t{300}, std::size_t{3000}}) {
        std::string source = make_empty();
        for (int n = 0; n < source_size; ++n) add(source, "s" + std::to_string(n), kDenseSize);
        std::string one_by_one = make_empty();
        for (int n = 0; n < destination_size; ++n)
          add(one_by_one, "d" + std::to_string(n), max_bytes);
        std::string at_once = one_by_one;
        const Registers registers = registers_of(source);
        for (std::uint32_t i = 0; i < kRegisterCount; ++i) {
          if (registers[i] != 0) raise_register(one_by_one, i, registers[i], max_bytes);
        }
        raise_all(at_once, registers, max_bytes);
        ASSERT_EQ(at_once, one_by_one) << source_size << " into " << destination_size;
      }
    }
  }
}

TEST(HyperLogLog, CorruptSparseRunsAreReportedNotTrusted) {
  // Runs adding up to less than 16384: counting, merging, converting fail;
  // a register inside the runs can still be set (as in Redis), one past them cannot.
  const std::string short_runs = sparse_with_body(std::string("\x7f\x00", 2));  // XZERO of 16129
  EXPECT_EQ(estimate(short_runs), std::nullopt);
  Registers registers{};
  EXPECT_FALSE(merge_into(registers, short_runs));
  std::string copy = short_runs;
  EXPECT_FALSE(convert_to_dense(copy));
  EXPECT_EQ(copy, short_runs);  // untouched on failure
  EXPECT_EQ(raise_register(copy, 10, 1, kDefaultSparseMax), Update::changed);
  EXPECT_EQ(raise_register(copy, 16200, 1, kDefaultSparseMax), Update::corrupt);
  // Too many registers, a header alone, a cut-short XZERO: all corrupt, none crash.
  for (const std::string& body :
       {std::string("\x7f\xff\x00", 3), std::string(), std::string("\x7f")}) {
    std::string hll = sparse_with_body(body);
    EXPECT_EQ(estimate(hll), std::nullopt);
    Registers scratch{};
    EXPECT_FALSE(merge_into(scratch, hll));
    (void)add(hll, "a", kDefaultSparseMax);
    (void)describe_sparse(hll);
  }
}

TEST(HyperLogLog, DescribesEveryOpcodeKind) {
  EXPECT_EQ(describe_sparse(sparse_with_body(std::string("\x00\x3f\x80\x83\xfc\x7f\x7e", 7))),
            "z:1 z:64 v:1,1 v:1,4 v:32,1 Z:16255");
}

}  // namespace
}  // namespace mini_redis::types::hll
