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
#include "storage/string_block.h"

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

// A block filled as a connection fills it: what had arrived, then reads.
StringBlock filled_block(const std::string& value) {
  StringBlock block(value.size());
  block.append(value.substr(0, 1000));
  std::size_t at = 1000;
  while (!block.complete()) {
    const std::span<char> space = block.free_space();
    const std::string rest = value.substr(at) + "\r\n";
    const std::size_t here = std::min(space.size(), rest.size());
    std::copy_n(rest.data(), here, space.data());
    block.commit(here);
    at += here;
  }
  return block;
}

TEST_F(HugeStringTest, ABigArgumentBlockBecomesTheValueWithoutACopy) {
  const std::string value = chunk(3) + chunk(4) + "tail";
  StringBlock block = filled_block(value);
  EXPECT_EQ(block.value(), value);
  const char* bytes = block.value().data();
  db.set("k", "old value");
  db.set_expire_at(*db.lookup_quietly("k"), clock.now_ms() + 60'000);

  Entry& entry = db.set_adopting("k", block);
  EXPECT_EQ(entry.key(), "k");
  EXPECT_EQ(entry.value(), value);
  EXPECT_EQ(entry.encoding(), Encoding::raw);
  EXPECT_FALSE(entry.has_expire());  // SET clears the TTL
  // With mappings the block is the entry: the value did not move.
  EXPECT_EQ(entry.value().data() == bytes, mapped::kEnabled);
  EXPECT_EQ(mapped::is_mapped(&entry), mapped::kEnabled);

  // It stays an ordinary huge string: it grows, renames and frees.
  db.append("k", "!");
  EXPECT_EQ(db.lookup_quietly("k")->value().substr(value.size() - 4), "tail!");
  EXPECT_TRUE(db.erase("k"));
}

TEST_F(HugeStringTest, RenameLeavesAHugeValueWhereItIsForAnyKeyLength) {
  const std::string value = chunk(5) + chunk(6);
  StringBlock block = filled_block(value);
  db.set_adopting("k", block);
  const char* bytes = db.lookup_quietly("k")->value().data();
  db.set_expire_at(*db.lookup_quietly("k"), clock.now_ms() + 60'000);
  const std::size_t mapped_before = mapped::mapped_bytes();

  // A longer name that fits in front of the value: the value stays put.
  db.rename("k", "renamed-to-a-longer-name");
  if (mapped::kEnabled) {
    EXPECT_EQ(db.lookup_quietly("renamed-to-a-longer-name")->value().data(), bytes);
  }
  // One that needs pages added in front, then a short one that gives them
  // back: the mapping moves by page tables, so the value keeps its offset in
  // its page, and no more than a few pages are ever added.
  const std::string long_key(6000, 'x');
  db.rename("renamed-to-a-longer-name", long_key);
  EXPECT_EQ(db.lookup_quietly(long_key)->key(), long_key);
  EXPECT_LE(mapped::mapped_bytes(), mapped_before + 4 * 4096);
  db.rename(long_key, "s");
  const Entry* entry = db.lookup_quietly("s");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->key(), "s");
  ASSERT_EQ(entry->value().size(), value.size());
  EXPECT_TRUE(entry->value() == value);
  EXPECT_TRUE(entry->has_expire());
  EXPECT_EQ(db.expiring_count(), 1u);
  EXPECT_EQ(db.lookup_quietly("k"), nullptr);
  if (mapped::kEnabled) {
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(entry->value().data()) % 4096,
              reinterpret_cast<std::uintptr_t>(bytes) % 4096);
    EXPECT_LE(mapped::mapped_bytes(), mapped_before);
  }
  db.append("s", "more");
  EXPECT_EQ(db.lookup_quietly("s")->value().substr(value.size()), "more");
  EXPECT_TRUE(db.erase("s"));
}

}  // namespace
}  // namespace mini_redis::storage
