// Huge strings: past 1 MB a string entry lives in a mapping of its own and
// grows by mremap (storage/mapped_blocks.h). What must hold whichever kind of
// block a value is in: the bytes survive every growth, zero padding reads as
// zeros even where the block held older bytes, the TTL and the key's place in
// the table follow the block, and memory figures count the mapping.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "storage/database.h"
#include "storage/mapped_blocks.h"
#include "storage/memory.h"

namespace mini_redis::storage {
namespace {

constexpr std::size_t kMB = std::size_t{1} << 20;

class HugeStringTest : public ::testing::Test {
 protected:
  ManualClock clock{1'700'000'000'000};
  KeyspaceStats stats;
  Database db{clock, stats};
};

// A chunk whose bytes say which chunk they belong to.
std::string chunk(std::size_t index) {
  return std::string(kMB, static_cast<char>('a' + index % 26));
}

TEST_F(HugeStringTest, AppendingMegabyteChunksKeepsEveryByteAndTheTtl) {
  db.set("k", "start");
  db.set_expire_at(*db.lookup_quietly("k"), clock.now_ms() + 60'000);
  const std::size_t used_before = allocated_bytes();
  for (std::size_t i = 0; i < 24; ++i) db.append("k", chunk(i));

  const Entry* entry = db.lookup_quietly("k");
  ASSERT_NE(entry, nullptr);
  const std::string_view value = entry->value();
  ASSERT_EQ(value.size(), 5 + 24 * kMB);
  EXPECT_EQ(value.substr(0, 5), "start");
  for (std::size_t i = 0; i < 24; ++i) {
    ASSERT_EQ(value.substr(5 + i * kMB, kMB), chunk(i)) << "chunk " << i;
  }
  EXPECT_TRUE(entry->has_expire());
  EXPECT_EQ(db.expiring_count(), 1u);
  // The value is counted once (plus at most Redis's 1 MB of spare room),
  // whether jemalloc or a mapping holds it.
  EXPECT_GE(memory_bytes(*entry), value.size());
  EXPECT_LE(memory_bytes(*entry), value.size() + 2 * kMB);
  // jemalloc's totals lag by its thread caches: allow 1 MB of slack.
  EXPECT_GE(allocated_bytes() + kMB, used_before + value.size());
  EXPECT_EQ(mapped::is_mapped(entry), mapped::kEnabled);

  const std::size_t mapped_before = mapped::mapped_bytes();
  EXPECT_TRUE(db.erase("k"));
  if (mapped::kEnabled) {
    EXPECT_LE(mapped::mapped_bytes() + value.size(), mapped_before);
  }
}

TEST_F(HugeStringTest, ZeroPaddingIsZeroEvenWhereTheBlockHeldOlderBytes) {
  // Grow to 3 MB of 'x', then SET 2 MB in place (the block keeps its room
  // and the old bytes behind the new end), then SETBIT far away: the gap
  // from 2 MB on must read as zeros, old bytes and fresh pages alike.
  db.set_range("k", 0, std::string(3 * kMB, 'x'));
  db.append("k", std::string(kMB, 'x'));
  db.set("k", std::string(2 * kMB, 'y'));
  ASSERT_EQ(db.lookup_quietly("k")->value().size(), 2 * kMB);

  std::span<char> bytes = db.writable_string("k", 9 * kMB);
  ASSERT_EQ(bytes.size(), 9 * kMB);
  EXPECT_TRUE(std::all_of(bytes.begin(), bytes.begin() + 2 * kMB, [](char c) { return c == 'y'; }));
  EXPECT_TRUE(std::all_of(bytes.begin() + 2 * kMB, bytes.end(), [](char c) { return c == 0; }));
}

TEST_F(HugeStringTest, SetRangeFarBeyondTheEndPadsWithZeros) {
  db.set("k", "abc");
  db.set_range("k", 5 * kMB, "z");
  const std::string_view value = db.lookup_quietly("k")->value();
  ASSERT_EQ(value.size(), 5 * kMB + 1);
  EXPECT_EQ(value.substr(0, 3), "abc");
  EXPECT_TRUE(std::all_of(value.begin() + 3, value.end() - 1, [](char c) { return c == 0; }));
  EXPECT_EQ(value.back(), 'z');
}

TEST_F(HugeStringTest, AHugeValueSurvivesRenameAndLazyFreeFreesIt) {
  for (std::size_t i = 0; i < 3; ++i) db.append("k", chunk(i));
  db.rename("k", "renamed");
  const std::string_view value = db.lookup_quietly("renamed")->value();
  ASSERT_EQ(value.size(), 3 * kMB);
  EXPECT_EQ(value.substr(2 * kMB), chunk(2));

  LazyFree lazy_free;
  db.set_lazy_free(&lazy_free, LazyFreeModes{});
  for (std::size_t i = 0; i < 3; ++i) db.append("other", chunk(i));
  EXPECT_TRUE(db.unlink("other"));  // a string is freed at once (effort 1)
  lazy_free.wait_until_idle();
  EXPECT_EQ(db.lookup_quietly("other"), nullptr);
  db.set_lazy_free(nullptr, LazyFreeModes{});  // lazy_free goes before db
}

}  // namespace
}  // namespace mini_redis::storage
