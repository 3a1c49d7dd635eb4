// Workshop step 2: the keyspace, an in-memory hash table of keys to values.
//
// What you wrote, in workshop/src/storage/database.cpp: Database::lookup_for_read,
// the new-key branch of Database::set, and Database::erase. No time passes
// in these tests (a ManualClock that nobody advances), so expiry plays no part.
#include <gtest/gtest.h>

#include <string>

#include "storage/clock.h"
#include "storage/database.h"
#include "support/step_support.h"

namespace mini_redis::storage {
namespace {

class Step2Storage : public ::testing::Test {
 protected:
  ManualClock clock;
  KeyspaceStats stats;
  Database db{clock, stats};
};

TEST_F(Step2Storage, AKeyThatWasNeverSetIsAbsent) {
  EXPECT_EQ(db.lookup_for_read("nobody"), nullptr);
  EXPECT_EQ(db.size(), 0u);
}

TEST_F(Step2Storage, AValueSetCanBeReadBack) {
  db.set("greeting", "hello");
  Entry* entry = db.lookup_for_read("greeting");
  ASSERT_NE(entry, nullptr) << "a key just set must be found (did set insert it into table_?)";
  EXPECT_EQ(entry->key(), "greeting");
  EXPECT_EQ(entry->value(), "hello");
  EXPECT_EQ(db.size(), 1u);
}

TEST_F(Step2Storage, SetReturnsTheStoredEntry) {
  Entry& entry = db.set("k", "v");
  EXPECT_EQ(entry.key(), "k");
  EXPECT_EQ(entry.value(), "v");
}

TEST_F(Step2Storage, ASecondSetReplacesTheValue) {
  db.set("k", "first");
  db.set("k", "second, and longer than the first one by far");
  ASSERT_NE(db.lookup_for_read("k"), nullptr);
  EXPECT_EQ(db.lookup_for_read("k")->value(), "second, and longer than the first one by far");
  EXPECT_EQ(db.size(), 1u);
}

TEST_F(Step2Storage, ManyKeysLiveSideBySide) {
  for (int i = 0; i < 1000; ++i) db.set("key:" + std::to_string(i), std::to_string(i * i));
  EXPECT_EQ(db.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    Entry* entry = db.lookup_for_read("key:" + std::to_string(i));
    ASSERT_NE(entry, nullptr) << "key:" << i;
    EXPECT_EQ(entry->value(), std::to_string(i * i));
  }
}

TEST_F(Step2Storage, ReadsCountHitsAndMissesForInfo) {
  db.set("k", "v");
  db.lookup_for_read("k");
  db.lookup_for_read("k");
  db.lookup_for_read("missing");
  EXPECT_EQ(stats.keyspace_hits, 2u) << "each lookup_for_read that finds the key is one hit";
  EXPECT_EQ(stats.keyspace_misses, 1u) << "each lookup_for_read that finds nothing is one miss";
}

TEST_F(Step2Storage, AReadRecordsWhenTheKeyWasLastUsed) {
  db.set("k", "v");
  clock.advance(5'000);
  db.lookup_for_read("k");
  EXPECT_EQ(db.lookup_quietly("k")->access_time_s(), clock.now_ms() / 1000)
      << "lookup_for_read must touch() the entry it found (OBJECT IDLETIME reads it)";
}

TEST_F(Step2Storage, EraseRemovesAKeyAndSaysWhetherOneWasThere) {
  db.set("k", "v");
  EXPECT_TRUE(db.erase("k"));
  EXPECT_EQ(db.lookup_for_read("k"), nullptr);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_FALSE(db.erase("k")) << "erasing a key that is not there answers false";
}

TEST_F(Step2Storage, EraseLeavesTheOtherKeysAlone) {
  db.set("a", "1");
  db.set("b", "2");
  EXPECT_TRUE(db.erase("a"));
  ASSERT_NE(db.lookup_for_read("b"), nullptr);
  EXPECT_EQ(db.lookup_for_read("b")->value(), "2");
}

TEST_F(Step2Storage, AnErasedKeyWithATtlLeavesTheListOfExpiringKeys) {
  // The active expiry of step 4 samples that list: a deleted key must not
  // stay in it.
  Entry& entry = db.set("session", "v");
  db.set_expire_at(entry, clock.now_ms() + 60'000);
  EXPECT_EQ(db.expiring_count(), 1u);
  EXPECT_TRUE(db.erase("session"));
  EXPECT_EQ(db.expiring_count(), 0u)
      << "erase must untrack_expiring() the key: the list would keep a pointer to a freed block";
}

}  // namespace
}  // namespace mini_redis::storage
