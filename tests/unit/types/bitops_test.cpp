// The bit algorithms behind the bitmap commands, on plain bytes.
#include "types/bitops.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace mini_redis::types::bitops {
namespace {

using namespace std::string_view_literals;

TEST(BitopsTest, BitZeroIsTheMostSignificantBitOfTheFirstByte) {
  EXPECT_TRUE(get_bit("\x80"sv, 0));
  EXPECT_FALSE(get_bit("\x80"sv, 1));
  EXPECT_TRUE(get_bit("\x00\x01"sv, 15));
  EXPECT_FALSE(get_bit("\xff"sv, 8));  // past the end: zero padding
  EXPECT_EQ(byte_of(15), 1U);
  EXPECT_EQ(mask_of(9), 0x40);
}

TEST(BitopsTest, CountsSetBitsOfWholeStringsAcrossWordBoundaries) {
  EXPECT_EQ(count_set_bits(""sv), 0U);
  EXPECT_EQ(count_set_bits("foobar"sv), 26U);  // Redis's own documentation example
  const std::string long_value(1001, '\xff');
  EXPECT_EQ(count_set_bits(long_value), 8008U);
}

TEST(BitopsTest, CountsSetBitsOfABitRangeWithPartialEdgeBytes) {
  // 0xff 0xf0 0x0f: bits 5..19 are 11111111 1111 0000 0 minus bits 0..4
  EXPECT_EQ(count_set_bits("\xff\xf0\x0f"sv, 5, 19), 3U + 4U);
  EXPECT_EQ(count_set_bits("\xff\xf0\x0f"sv, 0, 23), 16U);
  EXPECT_EQ(count_set_bits("\xff"sv, 3, 3), 1U);  // one bit
  EXPECT_EQ(count_set_bits("\x10"sv, 3, 3), 1U);
  EXPECT_EQ(count_set_bits("\x10"sv, 2, 2), 0U);
}

TEST(BitopsTest, FindsTheFirstSetOrClearBitInARange) {
  EXPECT_EQ(find_bit("\x00\x10"sv, true, 0, 15), 11U);
  EXPECT_EQ(find_bit("\xff\xf0"sv, false, 0, 15), 12U);
  EXPECT_EQ(find_bit("\xff\xff"sv, false, 0, 15), std::nullopt);
  EXPECT_EQ(find_bit("\x00\x00"sv, true, 0, 15), std::nullopt);
  // The range limits the search on both sides.
  EXPECT_EQ(find_bit("\x81"sv, true, 1, 6), std::nullopt);
  EXPECT_EQ(find_bit("\x81"sv, true, 1, 7), 7U);
}

TEST(BitopsTest, FindBitSkipsLongRunsAWordAtATime) {
  std::string zeros(100, '\0');
  zeros[77] = '\x02';
  EXPECT_EQ(find_bit(zeros, true, 0, 799), 77U * 8 + 6);
  EXPECT_EQ(find_bit(zeros, true, 3, 799), 77U * 8 + 6);  // unaligned start
  EXPECT_EQ(find_bit(zeros, true, 0, 77 * 8 + 5), std::nullopt);
  std::string ones(100, '\xff');
  ones[99] = '\xfe';
  EXPECT_EQ(find_bit(ones, false, 0, 799), 799U);
}

TEST(BitopsTest, CombinesSourcesPaddingShortOnesWithZeros) {
  const std::array<std::string_view, 2> sources{"\xff\xff\x0f"sv, "\x0f"sv};
  std::string out(3, '?');
  combine(BitOperation::bit_and, sources, out);
  EXPECT_EQ(out, "\x0f\x00\x00"sv);
  combine(BitOperation::bit_or, sources, out);
  EXPECT_EQ(out, "\xff\xff\x0f"sv);
  combine(BitOperation::bit_xor, sources, out);
  EXPECT_EQ(out, "\xf0\xff\x0f"sv);
  const std::array<std::string_view, 1> one{"\x0f\xf0"sv};
  std::string inverted(2, '?');
  combine(BitOperation::bit_not, one, inverted);
  EXPECT_EQ(inverted, "\xf0\x0f"sv);
}

TEST(BitopsTest, ParsesFieldTypesAsRedisDoes) {
  ASSERT_TRUE(parse_field_type("i64").has_value());
  EXPECT_TRUE(parse_field_type("i8")->is_signed);
  EXPECT_FALSE(parse_field_type("I8").has_value());  // Redis 7.0 wants lower case
  EXPECT_EQ(parse_field_type("u63")->bits, 63U);
  EXPECT_FALSE(parse_field_type("u64").has_value());  // would not fit a reply
  EXPECT_FALSE(parse_field_type("i65").has_value());
  EXPECT_FALSE(parse_field_type("i0").has_value());
  EXPECT_FALSE(parse_field_type("u08").has_value());
  EXPECT_FALSE(parse_field_type("x8").has_value());
  EXPECT_FALSE(parse_field_type("").has_value());
  EXPECT_EQ(parse_field_type("u8\0junk"sv)->bits, 8U);  // read as a C string
}

TEST(BitopsTest, ReadsFieldsMostSignificantBitFirstWithZeroPadding) {
  EXPECT_EQ(read_field("\xab"sv, 0, 8), 0xabU);
  EXPECT_EQ(read_field("\xab\xcd"sv, 4, 8), 0xbcU);
  EXPECT_EQ(read_field("\xab"sv, 4, 8), 0xb0U);  // the missing half reads as zeros
  EXPECT_EQ(read_signed_field("\xff"sv, 0, 8), -1);
  EXPECT_EQ(read_signed_field("\x80"sv, 0, 4), -8);
  EXPECT_EQ(read_signed_field("\x70"sv, 0, 4), 7);
  EXPECT_EQ(read_signed_field("\xff\xff\xff\xff\xff\xff\xff\xff"sv, 0, 64), -1);
}

TEST(BitopsTest, WritesFieldsAcrossByteBoundaries) {
  std::string bytes(3, '\0');
  write_field(bytes, 4, 12, 0xabc);
  EXPECT_EQ(bytes, "\x0a\xbc\x00"sv);
  write_field(bytes, 0, 4, 0xff);  // only the low 4 bits are kept
  EXPECT_EQ(bytes, "\xfa\xbc\x00"sv);
  write_field(bytes, 23, 1, 1);
  EXPECT_EQ(read_field(bytes, 0, 24), 0xfabc01U);
}

TEST(BitopsTest, SignedResultsWrapSaturateOrFail) {
  EXPECT_EQ(fit_signed(100, 20, 8, Overflow::wrap), 120);
  EXPECT_EQ(fit_signed(100, 100, 8, Overflow::wrap), -56);
  EXPECT_EQ(fit_signed(100, 100, 8, Overflow::saturate), 127);
  EXPECT_EQ(fit_signed(-100, -100, 8, Overflow::saturate), -128);
  EXPECT_EQ(fit_signed(-100, -100, 8, Overflow::wrap), 56);
  EXPECT_EQ(fit_signed(100, 100, 8, Overflow::fail), std::nullopt);
  EXPECT_EQ(fit_signed(300, 0, 8, Overflow::wrap), 44);  // SET i8 300
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(fit_signed(kMax, 1, 64, Overflow::wrap), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(fit_signed(kMax, 1, 64, Overflow::saturate), kMax);
  EXPECT_EQ(fit_signed(-1, -kMax, 64, Overflow::fail), -kMax - 1);  // fits exactly
}

TEST(BitopsTest, SignedSetOfAValueNearInt64MinSaturatesUpwardsAsRedisDoes) {
  // Redis's "max - value" wraps for these values; it calls them too big.
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(fit_signed(kMin, 0, 8, Overflow::saturate), 127);
  EXPECT_EQ(fit_signed(kMin + 200, 0, 8, Overflow::saturate), -128);
}

TEST(BitopsTest, UnsignedResultsWrapSaturateOrFail) {
  EXPECT_EQ(fit_unsigned(250, 10, 8, Overflow::wrap), 4U);
  EXPECT_EQ(fit_unsigned(250, 10, 8, Overflow::saturate), 255U);
  EXPECT_EQ(fit_unsigned(5, -10, 8, Overflow::saturate), 0U);
  EXPECT_EQ(fit_unsigned(5, -10, 8, Overflow::wrap), 251U);
  EXPECT_EQ(fit_unsigned(5, -10, 8, Overflow::fail), std::nullopt);
  // SET u8 -1: the value is read as unsigned, so it is too big, not too small.
  EXPECT_EQ(fit_unsigned(static_cast<std::uint64_t>(-1), 0, 8, Overflow::saturate), 255U);
  EXPECT_EQ(fit_unsigned(7, 0, 63, Overflow::fail), 7U);
}

}  // namespace
}  // namespace mini_redis::types::bitops
