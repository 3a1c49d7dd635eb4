// Database and Keyspace: the verbs commands use, with passive expiry and the
// INFO counters. Time is a ManualClock: keys expire because the test says so.
#include "storage/database.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "storage/keyspace.h"
#include "storage/memory.h"

namespace mini_redis::storage {
namespace {

class DatabaseTest : public ::testing::Test {
 protected:
  ManualClock clock{1'700'000'000'000};
  KeyspaceStats stats;
  Database db{clock, stats};

  std::int64_t now() const { return clock.now_ms(); }
};

// ---- lookups and counters ----------------------------------------------------------

TEST_F(DatabaseTest, ReadLookupCountsHitsAndMisses) {
  db.set("k", "v");
  ASSERT_NE(db.lookup_for_read("k"), nullptr);
  EXPECT_EQ(db.lookup_for_read("k")->value(), "v");
  EXPECT_EQ(db.lookup_for_read("nope"), nullptr);
  EXPECT_EQ(stats.keyspace_hits, 2u);
  EXPECT_EQ(stats.keyspace_misses, 1u);
}

TEST_F(DatabaseTest, WriteAndQuietLookupsCountNothing) {
  db.set("k", "v");
  EXPECT_NE(db.lookup_for_write("k"), nullptr);
  EXPECT_EQ(db.lookup_for_write("nope"), nullptr);
  EXPECT_NE(db.lookup_quietly("k"), nullptr);
  EXPECT_EQ(db.lookup_quietly("nope"), nullptr);
  EXPECT_EQ(stats.keyspace_hits, 0u);
  EXPECT_EQ(stats.keyspace_misses, 0u);
}

TEST_F(DatabaseTest, ReadsAndWritesRefreshTheAccessTimeQuietLookupsDoNot) {
  db.set("k", "v");
  EXPECT_EQ(db.lookup_quietly("k")->access_time_s(), 1'700'000'000u);
  clock.advance(5'000);
  db.lookup_quietly("k");
  EXPECT_EQ(db.lookup_quietly("k")->access_time_s(), 1'700'000'000u);
  db.lookup_for_read("k");
  EXPECT_EQ(db.lookup_quietly("k")->access_time_s(), 1'700'000'005u);
  clock.advance(3'000);
  db.lookup_for_write("k");
  EXPECT_EQ(db.lookup_quietly("k")->access_time_s(), 1'700'000'008u);
}

// ---- passive expiry ------------------------------------------------------------------

TEST_F(DatabaseTest, KeyLivesThroughItsExpireMillisecondAndIsGoneAfter) {
  Entry& entry = db.set("k", "v");
  db.set_expire_at(entry, now() + 100);
  EXPECT_EQ(db.expiring_count(), 1u);
  clock.advance(100);  // now == expire time: Redis still serves it (now > when expires)
  EXPECT_NE(db.lookup_for_read("k"), nullptr);
  clock.advance(1);
  EXPECT_EQ(db.lookup_for_read("k"), nullptr);
  EXPECT_EQ(stats.expired_keys, 1u);
  EXPECT_EQ(stats.keyspace_misses, 1u);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expiring_count(), 0u);
}

TEST_F(DatabaseTest, EveryLookupKindAppliesPassiveExpiry) {
  for (const char* key : {"a", "b", "c"}) db.set_expire_at(db.set(key, "v"), now() + 10);
  clock.advance(11);
  EXPECT_EQ(db.lookup_for_write("a"), nullptr);
  EXPECT_EQ(db.lookup_quietly("b"), nullptr);
  EXPECT_FALSE(db.erase("c"));  // DEL of an expired key: 0, but it counts as expired
  EXPECT_EQ(stats.expired_keys, 3u);
  EXPECT_EQ(db.size(), 0u);
}

TEST_F(DatabaseTest, WhileExpiryIsHeldReadsLeaveExpiredKeysInPlace) {
  // CLIENT PAUSE: reads see the key as gone, but nothing is deleted.
  for (const char* key : {"a", "b"}) db.set_expire_at(db.set(key, "v"), now() + 10);
  clock.advance(11);
  db.set_expiry_held(true);
  EXPECT_EQ(db.lookup_for_read("a"), nullptr);
  EXPECT_EQ(db.lookup_quietly("b"), nullptr);
  int visited = 0;
  std::uint64_t cursor = 0;
  do {
    cursor = db.scan(cursor, [&](Entry&) { ++visited; });
  } while (cursor != 0);
  EXPECT_EQ(visited, 0);
  EXPECT_NE(db.random_entry(), nullptr);  // gives up on finding a live key
  EXPECT_EQ(db.size(), 2u);
  EXPECT_EQ(stats.expired_keys, 0u);
  db.set_expiry_held(false);
  EXPECT_EQ(db.lookup_for_read("a"), nullptr);
  EXPECT_EQ(db.random_entry(), nullptr);
  EXPECT_EQ(stats.expired_keys, 2u);
  EXPECT_EQ(db.size(), 0u);
}

TEST_F(DatabaseTest, SetClearsTheTtlUnlessKeepTtl) {
  db.set_expire_at(db.set("k", "v1"), now() + 1000);
  db.set("k", "v2", /*keep_ttl=*/true);
  EXPECT_EQ(db.lookup_quietly("k")->expire_at_ms(), now() + 1000);
  EXPECT_EQ(db.expiring_count(), 1u);
  db.set("k", "v3");
  EXPECT_FALSE(db.lookup_quietly("k")->has_expire());
  EXPECT_EQ(db.lookup_quietly("k")->expire_at_ms(), kNoExpire);
  EXPECT_EQ(db.expiring_count(), 0u);
}

TEST_F(DatabaseTest, RemoveExpireMakesTheKeyPersistent) {
  Entry& entry = db.set("k", "v");
  db.set_expire_at(entry, now() + 10);
  db.set_expire_at(entry, now() + 20);  // changing a TTL does not track twice
  EXPECT_EQ(db.expiring_count(), 1u);
  db.remove_expire(entry);
  EXPECT_EQ(db.expiring_count(), 0u);
  clock.advance(1000);
  EXPECT_NE(db.lookup_for_read("k"), nullptr);
}

// ---- values and encodings -----------------------------------------------------------

TEST(Encoding, FollowsRedisObjectEncodingRules) {
  EXPECT_EQ(encoding_for_value("42"), Encoding::integer);
  EXPECT_EQ(encoding_for_value("-1"), Encoding::integer);
  EXPECT_EQ(encoding_for_value("0"), Encoding::integer);
  EXPECT_EQ(encoding_for_value("9223372036854775807"), Encoding::integer);
  EXPECT_EQ(encoding_for_value("-9223372036854775808"), Encoding::integer);
  EXPECT_EQ(encoding_for_value("9223372036854775808"), Encoding::embstr);  // overflows
  EXPECT_EQ(encoding_for_value("007"), Encoding::embstr);
  EXPECT_EQ(encoding_for_value("+1"), Encoding::embstr);
  EXPECT_EQ(encoding_for_value("-0"), Encoding::embstr);
  EXPECT_EQ(encoding_for_value(""), Encoding::embstr);
  EXPECT_EQ(encoding_for_value(std::string(44, 'x')), Encoding::embstr);
  EXPECT_EQ(encoding_for_value(std::string(45, 'x')), Encoding::raw);
}

TEST_F(DatabaseTest, SetStoresTheEncodingItIsGiven) {
  EXPECT_EQ(db.set("n", "12345").encoding(), Encoding::integer);
  EXPECT_EQ(db.set("s", "hello").encoding(), Encoding::embstr);
  EXPECT_EQ(db.set("r", "hello", Encoding::raw).encoding(), Encoding::raw);
}

TEST_F(DatabaseTest, OverwritingWithASimilarSizeValueReusesTheBlock) {
  Entry* first = &db.set("k", "aaaaaaaaaaaaaaaa");
  Entry* second = &db.set("k", "bbbbbbbbbbbbbbbb");
  EXPECT_EQ(first, second);
  EXPECT_EQ(second->value(), "bbbbbbbbbbbbbbbb");
}

TEST_F(DatabaseTest, OverwritingABigValueWithATinyOneGivesTheMemoryBack) {
  db.set("k", std::string(100'000, 'x'));
  std::size_t before = allocated_bytes();
  db.set("k", "tiny");
  EXPECT_EQ(db.lookup_quietly("k")->value(), "tiny");
  EXPECT_LT(allocated_bytes() + 90'000, before);
}

TEST_F(DatabaseTest, AppendCreatesWithTheSetEncodingThenTurnsRaw) {
  // Redis 7.0: APPEND to a missing key stores the tail as SET would
  // (OBJECT ENCODING "int" for "123"); any append to an existing key is "raw".
  EXPECT_EQ(db.append("n", "123").encoding(), Encoding::integer);
  EXPECT_EQ(db.append("s", "hello").encoding(), Encoding::embstr);
  Entry& appended = db.append("n", "4");
  EXPECT_EQ(appended.value(), "1234");
  EXPECT_EQ(appended.encoding(), Encoding::raw);
}

TEST_F(DatabaseTest, RepeatedAppendMovesTheEntryOnlyLogarithmicallyOften) {
  db.set("log", "");
  std::string expected;
  Entry* last = db.lookup_quietly("log");
  int moves = 0;
  for (int i = 0; i < 20'000; ++i) {
    Entry* now_at = &db.append("log", "0123456789");
    expected += "0123456789";
    if (now_at != last) ++moves;
    last = now_at;
  }
  EXPECT_EQ(db.lookup_quietly("log")->value(), expected);
  EXPECT_LE(moves, 20);  // 200 KB reached by doubling: ~15 moves, not 20'000
}

TEST_F(DatabaseTest, AGrownEntryKeepsItsTtlAndStaysSampleable) {
  Entry& entry = db.set("k", "v");
  db.set_expire_at(entry, now() + 50);
  db.set("other", "x");
  db.set_expire_at(*db.lookup_quietly("other"), now() + 500);
  db.append("k", std::string(10'000, 'y'));  // certainly a new block
  EXPECT_EQ(db.lookup_quietly("k")->expire_at_ms(), now() + 50);
  clock.advance(51);
  // The expiring list must point at the new block: sampling finds it expired.
  Database::SampleResult result = db.expire_sample(20);
  EXPECT_EQ(result.sampled, 2u);
  EXPECT_EQ(result.expired, 1u);
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(db.expiring_count(), 1u);
}

TEST_F(DatabaseTest, GrowingInPlaceKeepsEveryKeyOfItsChainFindable) {
  // A grown block may move (realloc): the table's link to it, wherever it is
  // in its bucket's chain, must follow, and the other keys stay reachable.
  constexpr int kKeys = 2'000;
  for (int i = 0; i < kKeys; ++i) db.set("key:" + std::to_string(i), "v");
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < kKeys; i += 7) db.append("key:" + std::to_string(i), std::string(300, 'a'));
  }
  for (int i = 0; i < kKeys; ++i) {
    const Entry* entry = db.lookup_quietly("key:" + std::to_string(i));
    ASSERT_NE(entry, nullptr) << i;
    EXPECT_EQ(entry->value().size(), i % 7 == 0 ? 901u : 1u) << i;
  }
  EXPECT_EQ(db.size(), static_cast<std::size_t>(kKeys));
}

TEST_F(DatabaseTest, SetRangeOverwritesAndPadsWithZeroBytes) {
  using namespace std::string_view_literals;
  db.set("k", "Hello World");
  EXPECT_EQ(db.set_range("k", 6, "Redis").value(), "Hello Redis");
  EXPECT_EQ(db.set_range("k", 13, "!").value(), "Hello Redis\0\0!"sv);
  EXPECT_EQ(db.set_range("new", 3, "ab").value(), "\0\0\0ab"sv);
  EXPECT_EQ(db.lookup_quietly("new")->encoding(), Encoding::raw);
  EXPECT_EQ(db.lookup_quietly("k")->encoding(), Encoding::raw);
  EXPECT_EQ(db.set_range("k", 0, "J").value(), "Jello Redis\0\0!"sv);
}

TEST_F(DatabaseTest, SetRangeFarPastTheEndGrowsTheBlock) {
  db.set_expire_at(db.set("k", "abc"), now() + 100);
  Entry& grown = db.set_range("k", 100'000, "z");
  EXPECT_EQ(grown.value().size(), 100'001u);
  EXPECT_EQ(grown.value().substr(0, 3), "abc");
  EXPECT_EQ(grown.value()[50'000], '\0');
  EXPECT_EQ(grown.value().back(), 'z');
  EXPECT_EQ(grown.expire_at_ms(), now() + 100);
}

TEST_F(DatabaseTest, SetRangeMegabytesPastTheEndZeroesTheGapAndKeepsTheKey) {
  // Past 1 MB of padding the value moves to a calloc'd block (zero_extend):
  // the old bytes, the zeros, the new bytes and the TTL must all survive.
  constexpr std::size_t kOffset = std::size_t{8} << 20;
  db.set_expire_at(db.set("k", "abc"), now() + 100);
  Entry& grown = db.set_range("k", kOffset, "zz");
  EXPECT_EQ(grown.value().size(), kOffset + 2);
  EXPECT_EQ(grown.value().substr(0, 3), "abc");
  EXPECT_EQ(grown.value().find_first_not_of('\0', 3), kOffset);
  EXPECT_EQ(grown.value().substr(kOffset), "zz");
  EXPECT_EQ(grown.expire_at_ms(), now() + 100);
  EXPECT_EQ(db.lookup_quietly("k"), &grown);
  // A new key takes the same path.
  EXPECT_EQ(db.set_range("fresh", kOffset, "y").value().find_first_not_of('\0'), kOffset);
}

// ---- erase, detach, attach, clear ----------------------------------------------------

TEST_F(DatabaseTest, EraseReportsWhetherALiveKeyWentAway) {
  db.set_expire_at(db.set("k", "v"), now() + 100);
  EXPECT_TRUE(db.erase("k"));
  EXPECT_FALSE(db.erase("k"));
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expiring_count(), 0u);
  EXPECT_EQ(stats.expired_keys, 0u);
}

TEST_F(DatabaseTest, DetachAndAttachCarryTheValueAndTtl) {
  Database other{clock, stats};
  db.set_expire_at(db.set("k", "value"), now() + 100);
  EntryPtr moving = db.detach("k");
  ASSERT_TRUE(moving);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expiring_count(), 0u);
  EXPECT_FALSE(db.detach("k"));

  other.attach(std::move(moving));
  EXPECT_EQ(other.lookup_quietly("k")->value(), "value");
  EXPECT_EQ(other.lookup_quietly("k")->expire_at_ms(), now() + 100);
  EXPECT_EQ(other.expiring_count(), 1u);
  clock.advance(101);
  EXPECT_EQ(other.expire_sample(20).expired, 1u);
}

TEST_F(DatabaseTest, ClearDropsKeysAndTtls) {
  for (int i = 0; i < 100; ++i) db.set_expire_at(db.set("k" + std::to_string(i), "v"), now() + 1);
  db.clear();
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expiring_count(), 0u);
  EXPECT_EQ(db.lookup_quietly("k1"), nullptr);
}

// ---- whole-database views ---------------------------------------------------------------

TEST_F(DatabaseTest, RandomEntryDeletesExpiredKeysItDrawsAndReturnsALiveOne) {
  EXPECT_EQ(db.random_entry(), nullptr);
  for (int i = 0; i < 50; ++i) db.set_expire_at(db.set("gone" + std::to_string(i), "v"), now() + 1);
  db.set("alive", "v");
  clock.advance(2);
  for (int i = 0; i < 20; ++i) {
    Entry* entry = db.random_entry();
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(entry->key(), "alive");
  }
  EXPECT_GT(stats.expired_keys, 0u);
  EXPECT_EQ(db.size() + stats.expired_keys, 51u);
}

TEST_F(DatabaseTest, RandomEntryOfOnlyExpiredKeysIsNull) {
  for (int i = 0; i < 30; ++i) db.set_expire_at(db.set("gone" + std::to_string(i), "v"), now() + 1);
  clock.advance(2);
  EXPECT_EQ(db.random_entry(), nullptr);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(stats.expired_keys, 30u);
}

TEST_F(DatabaseTest, ScanVisitsLiveKeysAndDeletesExpiredOnesOnTheWay) {
  for (int i = 0; i < 200; ++i) db.set("live" + std::to_string(i), "v");
  for (int i = 0; i < 100; ++i)
    db.set_expire_at(db.set("dead" + std::to_string(i), "v"), now() + 1);
  clock.advance(2);
  std::set<std::string> seen;
  std::uint64_t cursor = 0;
  do {
    cursor = db.scan(cursor, [&](Entry& e) { seen.emplace(e.key()); });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 200u);
  for (const std::string& key : seen) EXPECT_EQ(key.rfind("live", 0), 0u);
  EXPECT_EQ(db.size(), 200u);
  EXPECT_EQ(stats.expired_keys, 100u);
}

TEST_F(DatabaseTest, ForEachLiveSkipsExpiredKeysWithoutDeletingThem) {
  db.set("live", "v");
  db.set_expire_at(db.set("dead", "v"), now() + 1);
  clock.advance(2);
  std::set<std::string> seen;
  db.for_each_live([&](Entry& e) { seen.emplace(e.key()); });
  EXPECT_EQ(seen, (std::set<std::string>{"live"}));
  EXPECT_EQ(db.size(), 2u);  // KEYS does not delete, as in Redis
  EXPECT_EQ(stats.expired_keys, 0u);
}

TEST_F(DatabaseTest, ExpireSampleLooksOnlyAtKeysWithATtl) {
  for (int i = 0; i < 100; ++i) db.set("plain" + std::to_string(i), "v");
  EXPECT_EQ(db.expire_sample(20).sampled, 0u);
  for (int i = 0; i < 5; ++i) db.set_expire_at(db.set("ttl" + std::to_string(i), "v"), now() + 1);
  clock.advance(2);
  Database::SampleResult result = db.expire_sample(20);
  EXPECT_EQ(result.sampled, 5u);  // never more samples than keys with a TTL
  EXPECT_EQ(result.expired, 5u);
  EXPECT_EQ(db.size(), 100u);
  EXPECT_EQ(db.expiring_count(), 0u);
  EXPECT_EQ(stats.expired_keys, 5u);
}

TEST_F(DatabaseTest, OverheadCountsBucketsAndTheTtlList) {
  EXPECT_EQ(db.overhead_bytes(), 0u);
  for (int i = 0; i < 100; ++i)
    db.set_expire_at(db.set("k" + std::to_string(i), "v"), now() + 1000);
  EXPECT_GE(db.overhead_bytes(), (128 + 100) * sizeof(void*));
}

// ---- Keyspace ---------------------------------------------------------------------------

TEST(Keyspace, HasNumberedDatabasesSharingOneSetOfCounters) {
  ManualClock clock;
  Keyspace keyspace(clock, 16);
  EXPECT_EQ(keyspace.database_count(), 16);
  keyspace.db(0).set("a", "1");
  keyspace.db(15).set("b", "2");
  keyspace.db(0).lookup_for_read("a");
  keyspace.db(15).lookup_for_read("zzz");
  EXPECT_EQ(keyspace.stats().keyspace_hits, 1u);
  EXPECT_EQ(keyspace.stats().keyspace_misses, 1u);
  EXPECT_EQ(keyspace.total_keys(), 2u);
  EXPECT_EQ(&keyspace.clock(), &clock);
}

TEST(Keyspace, SwapExchangesWhatTwoDatabaseNumbersHold) {
  ManualClock clock;
  Keyspace keyspace(clock, 4);
  keyspace.db(1).set("in-one", "1");
  keyspace.db(2).set("in-two", "2");
  keyspace.swap(1, 2);
  EXPECT_NE(keyspace.db(1).lookup_quietly("in-two"), nullptr);
  EXPECT_EQ(keyspace.db(1).lookup_quietly("in-one"), nullptr);
  EXPECT_NE(keyspace.db(2).lookup_quietly("in-one"), nullptr);
  keyspace.swap(3, 3);
  EXPECT_EQ(keyspace.total_keys(), 2u);
}

TEST(Keyspace, ClearEmptiesEveryDatabase) {
  ManualClock clock;
  Keyspace keyspace(clock, 3);
  for (int i = 0; i < 3; ++i) keyspace.db(i).set("k", "v");
  keyspace.clear();
  EXPECT_EQ(keyspace.total_keys(), 0u);
}

// ---- memory accounting ------------------------------------------------------------------

TEST(Memory, AllocatorFiguresAreSane) {
  EXPECT_GE(allocation_size(1), 1u);
  EXPECT_GE(allocation_size(72), 72u);
  EXPECT_GT(resident_set_bytes(), 0u);
  std::size_t before = allocated_bytes();
  std::string big(1 << 20, 'x');
  EXPECT_GE(allocated_bytes(), before + (1 << 20) - 4096);
#if defined(MINI_REDIS_WITH_JEMALLOC)
  EXPECT_EQ(std::string(allocator_name()).rfind("jemalloc-5.", 0), 0u);  // as INFO: jemalloc-5.3.0
  EXPECT_EQ(allocation_size(72), 80u);  // jemalloc size classes: ..., 64, 80, 96
#else
  EXPECT_EQ(std::string(allocator_name()), "libc");
#endif
}

}  // namespace
}  // namespace mini_redis::storage
