// The value model: entries that hold a list or a hash object instead of
// string bytes, and the generic verbs (overwrite, copy, rename, move, free)
// on them. The objects themselves are tested in tests/unit/types/.
#include <gtest/gtest.h>

#include <string>

#include "storage/database.h"
#include "storage/memory.h"
#include "types/hash.h"
#include "types/quicklist.h"

namespace mini_redis::storage {
namespace {

class ObjectTest : public ::testing::Test {
 protected:
  ManualClock clock{1'700'000'000'000};
  KeyspaceStats stats;
  Database db{clock, stats};

  types::Quicklist& add_list(std::string_view key, std::initializer_list<std::string_view> items) {
    types::Quicklist& list = db.add(key, types::Quicklist{});
    for (std::string_view item : items) list.push_back(item);
    return list;
  }
};

std::string front(const Entry& entry) {
  return entry.object<types::Quicklist>().get(0)->to_string();
}

TEST_F(ObjectTest, AListEntryReportsItsTypeEncodingAndObject) {
  add_list("l", {"a", "b"});
  const Entry* entry = db.lookup_quietly("l");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->type(), ValueType::list);
  EXPECT_EQ(entry->encoding(), Encoding::quicklist);
  EXPECT_EQ(entry->object<types::Quicklist>().size(), 2u);
}

TEST_F(ObjectTest, AHashEntryReportsTheEncodingItsObjectHasNow) {
  types::Hash& hash = db.add("h", types::Hash{});
  const types::HashLimits limits{.max_listpack_entries = 2, .max_listpack_value = 64};
  hash.set("f1", "v", limits);
  EXPECT_EQ(db.lookup_quietly("h")->encoding(), Encoding::listpack);
  hash.set("f2", "v", limits);
  hash.set("f3", "v", limits);  // past the limit: a hashtable from now on
  EXPECT_EQ(db.lookup_quietly("h")->type(), ValueType::hash);
  EXPECT_EQ(db.lookup_quietly("h")->encoding(), Encoding::hashtable);
}

TEST_F(ObjectTest, SetOverAListReplacesItWithAString) {
  add_list("k", {"a"});
  db.set_expire_at(*db.lookup_quietly("k"), clock.now_ms() + 1000);
  Entry& entry = db.set("k", "text");
  EXPECT_EQ(entry.type(), ValueType::string);
  EXPECT_EQ(entry.value(), "text");
  EXPECT_EQ(entry.encoding(), Encoding::embstr);
  EXPECT_FALSE(entry.has_expire());
  EXPECT_EQ(db.expiring_count(), 0u);
}

TEST_F(ObjectTest, CopyIsDeepAndKeepsTheTtl) {
  types::Quicklist& original = add_list("src", {"a", "b"});
  db.set_expire_at(*db.lookup_quietly("src"), clock.now_ms() + 5000);
  Entry& copy = db.add_copy("dst", *db.lookup_quietly("src"));
  EXPECT_EQ(copy.type(), ValueType::list);
  EXPECT_EQ(copy.expire_at_ms(), clock.now_ms() + 5000);
  original.push_front("z");  // the copy has its own nodes
  EXPECT_EQ(front(*db.lookup_quietly("src")), "z");
  EXPECT_EQ(front(*db.lookup_quietly("dst")), "a");
  EXPECT_EQ(db.lookup_quietly("dst")->object<types::Quicklist>().size(), 2u);
  EXPECT_EQ(db.expiring_count(), 2u);
}

TEST_F(ObjectTest, CopyOfAStringKeepsItsEncoding) {
  db.append("s", "12");
  db.append("s", "3");  // APPEND leaves "raw"
  Entry& copy = db.add_copy("t", *db.lookup_quietly("s"));
  EXPECT_EQ(copy.value(), "123");
  EXPECT_EQ(copy.encoding(), Encoding::raw);
}

TEST_F(ObjectTest, RenameMovesTheObjectAndTtlAndReplacesTheDestination) {
  types::Quicklist& list = add_list("src", {"a"});
  db.set_expire_at(*db.lookup_quietly("src"), clock.now_ms() + 5000);
  db.set("dst", "old string");
  db.rename("src", "dst");
  EXPECT_EQ(db.lookup_quietly("src"), nullptr);
  const Entry* renamed = db.lookup_quietly("dst");
  ASSERT_NE(renamed, nullptr);
  EXPECT_EQ(renamed->type(), ValueType::list);
  EXPECT_EQ(&renamed->object<types::Quicklist>(), &list);  // moved, not copied
  EXPECT_EQ(renamed->expire_at_ms(), clock.now_ms() + 5000);
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(db.expiring_count(), 1u);
}

TEST_F(ObjectTest, MoveBetweenDatabasesKeepsTheSameObject) {
  Database other{clock, stats};
  types::Quicklist& list = add_list("l", {"a"});
  other.attach(db.detach("l"));
  EXPECT_EQ(&other.lookup_quietly("l")->object<types::Quicklist>(), &list);
}

TEST_F(ObjectTest, MemoryCountsTheObjectBesidesTheBlock) {
  add_list("small", {"a"});
  types::Quicklist& big = add_list("big", {});
  for (int i = 0; i < 10'000; ++i) big.push_back("sixteen-byte-val");
  const std::size_t small_bytes = memory_bytes(*db.lookup_quietly("small"));
  const std::size_t big_bytes = memory_bytes(*db.lookup_quietly("big"));
  EXPECT_GT(big_bytes, small_bytes + 10'000 * 17);
}

// Sizes are 64-bit: a value's length is never cut to 32 bits (with
// proto-max-bulk-len raised, SETRANGE may reach past 4 GiB). The capacity
// comes from the allocator, so it is always at least what was asked for.
TEST_F(ObjectTest, AppendGrowsPastTheBlockWithoutLosingBytes) {
  std::string expected;
  for (int i = 0; i < 2000; ++i) {
    db.append("s", "0123456789");
    expected += "0123456789";
  }
  EXPECT_EQ(db.lookup_quietly("s")->value(), expected);
  db.set_range("s", 30'000, "end");
  EXPECT_EQ(db.lookup_quietly("s")->value().size(), 30'003u);
  EXPECT_EQ(db.lookup_quietly("s")->value().substr(30'000), "end");
}

TEST_F(ObjectTest, DeletingAndFlushingFreeObjects) {
  // Run under ASan (make test-asan): a leaked Quicklist or Hash is a failure.
  add_list("l", {"a", "b"});
  db.add("h", types::Hash{}).set("f", "v", types::HashLimits{});
  EXPECT_TRUE(db.erase("l"));
  db.clear();
  EXPECT_EQ(db.size(), 0u);
}

}  // namespace
}  // namespace mini_redis::storage
