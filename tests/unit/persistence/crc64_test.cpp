#include "persistence/crc64.h"

#include <gtest/gtest.h>

#include <string>

namespace mini_redis::persistence {
namespace {

TEST(Crc64Test, MatchesRedisCheckValue) {
  // Redis's crc64.c tests the same input against the same value.
  EXPECT_EQ(crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(crc64(0, ""), 0u);
}

TEST(Crc64Test, ChunksSumToTheWhole) {
  std::string bytes(1000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 + 3);
  const std::uint64_t whole = crc64(0, bytes);
  for (std::size_t cut : {0, 1, 3, 8, 9, 500, 999, 1000}) {
    std::string_view view(bytes);
    EXPECT_EQ(crc64(crc64(0, view.substr(0, cut)), view.substr(cut)), whole) << cut;
  }
}

TEST(Crc64Test, EveryByteCounts) {
  // The eight-at-a-time path and the byte-at-a-time tail must both notice a flip.
  std::string bytes(19, 'x');
  const std::uint64_t before = crc64(0, bytes);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] = 'y';
    EXPECT_NE(crc64(0, flipped), before) << i;
  }
}

}  // namespace
}  // namespace mini_redis::persistence
