// When the hash commands turn a listpack into a hashtable, as OBJECT
// ENCODING shows it: Redis 7.0.15's thresholds (64-byte values, 512 fields,
// both CONFIG-settable) and the order of its checks in each command.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/commands/hashes/hash_test_support.h"

namespace mini_redis::testing {
namespace {

using HashEncoding = HashTest;

const std::string kListpack = "$8\r\nlistpack\r\n";
const std::string kHashtable = "$9\r\nhashtable\r\n";

TEST_F(HashEncoding, ANewHashIsAListpack) {
  h.run({"HSET", "h", "a", "1"});
  EXPECT_EQ(encoding("h"), kListpack);
}

TEST_F(HashEncoding, A64ByteValueStaysA65ByteValueConverts) {
  h.run({"HSET", "v64", "f", std::string(64, 'x')});
  h.run({"HSET", "v65", "f", std::string(65, 'x')});
  h.run({"HSET", "f64", std::string(64, 'x'), "v"});
  h.run({"HSET", "f65", std::string(65, 'x'), "v"});
  EXPECT_EQ(encoding("v64"), kListpack);
  EXPECT_EQ(encoding("v65"), kHashtable);
  EXPECT_EQ(encoding("f64"), kListpack);
  EXPECT_EQ(encoding("f65"), kHashtable);
}

TEST_F(HashEncoding, Fields512StayThe513thConverts) {
  std::vector<std::string> command = {"HSET", "h"};
  for (int i = 0; i < 512; ++i) {
    command.push_back("f" + std::to_string(i));
    command.push_back(std::to_string(i));
  }
  EXPECT_EQ(h.run(command), ":512\r\n");
  EXPECT_EQ(encoding("h"), kListpack);
  EXPECT_EQ(h.run({"HSET", "h", "f0", "again"}), ":0\r\n");  // a replacement is no new field
  EXPECT_EQ(encoding("h"), kListpack);
  EXPECT_EQ(h.run({"HSET", "h", "f512", "512"}), ":1\r\n");
  EXPECT_EQ(encoding("h"), kHashtable);
  EXPECT_EQ(h.run({"HLEN", "h"}), ":513\r\n");
  EXPECT_EQ(h.run({"HGET", "h", "f300"}), "$3\r\n300\r\n");
}

TEST_F(HashEncoding, TheLimitsComeFromConfig) {
  ASSERT_EQ(h.run({"CONFIG", "SET", "hash-max-listpack-entries", "2"}), "+OK\r\n");
  ASSERT_EQ(h.run({"CONFIG", "SET", "hash-max-listpack-value", "3"}), "+OK\r\n");
  h.run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(encoding("h"), kListpack);
  h.run({"HSET", "h", "c", "3"});
  EXPECT_EQ(encoding("h"), kHashtable);
  h.run({"HSET", "v", "f", "abc"});
  EXPECT_EQ(encoding("v"), kListpack);
  h.run({"HSET", "v", "g", "abcd"});
  EXPECT_EQ(encoding("v"), kHashtable);
}

TEST_F(HashEncoding, AnEntriesLimitOfZeroMakesAHashtableAtOnce) {
  h.config.hash_max_listpack_entries = 0;
  h.run({"HSET", "h", "a", "1"});
  EXPECT_EQ(encoding("h"), kHashtable);
}

TEST_F(HashEncoding, HsetMeasuresEveryArgumentBeforeTheFirstInsert) {
  // Redis converts before inserting "a": the long pair comes last, yet the
  // command's first pair already goes into a hashtable.
  h.run({"HSET", "h", "a", "1", "b", std::string(65, 'x')});
  EXPECT_EQ(encoding("h"), kHashtable);
  EXPECT_EQ(h.run({"HGET", "h", "a"}), "$1\r\n1\r\n");
}

TEST_F(HashEncoding, HsetnxOfAnExistingFieldMeasuresNothing) {
  h.run({"HSET", "h", "a", "1"});
  EXPECT_EQ(h.run({"HSETNX", "h", "a", std::string(65, 'x')}), ":0\r\n");
  EXPECT_EQ(encoding("h"), kListpack);
  EXPECT_EQ(h.run({"HSETNX", "h", "b", std::string(65, 'x')}), ":1\r\n");
  EXPECT_EQ(encoding("h"), kHashtable);
}

TEST_F(HashEncoding, ALongIncrementResultConverts) {
  h.run({"HSET", "h", "a", "1"});
  h.run({"HINCRBYFLOAT", "h", "a", "1e60"});  // 61 digits: still fits
  EXPECT_EQ(encoding("h"), kListpack);
  h.run({"HINCRBYFLOAT", "h", "b", "1e300"});  // 301 digits
  EXPECT_EQ(encoding("h"), kHashtable);
  EXPECT_EQ(h.run({"HSTRLEN", "h", "b"}), ":301\r\n");
}

TEST_F(HashEncoding, ALongFieldConvertsOnHincrby) {
  h.run({"HINCRBY", "h", std::string(65, 'f'), "1"});
  EXPECT_EQ(encoding("h"), kHashtable);
}

TEST_F(HashEncoding, DeletingNeverConvertsBack) {
  h.config.hash_max_listpack_entries = 2;
  h.run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  h.run({"HDEL", "h", "a", "b"});
  EXPECT_EQ(encoding("h"), kHashtable);
  EXPECT_EQ(h.run({"HGETALL", "h"}), bulk_array({"c", "3"}));
}

TEST_F(HashEncoding, CopyKeepsTheEncoding) {
  h.config.hash_max_listpack_entries = 1;
  h.run({"HSET", "big", "a", "1", "b", "2"});
  h.run({"HSET", "small", "a", "1"});
  EXPECT_EQ(h.run({"COPY", "big", "big2"}), ":1\r\n");
  EXPECT_EQ(h.run({"COPY", "small", "small2"}), ":1\r\n");
  EXPECT_EQ(encoding("big2"), kHashtable);
  EXPECT_EQ(encoding("small2"), kListpack);
  h.run({"HDEL", "big", "a"});  // the copy is deep
  EXPECT_EQ(h.run({"HLEN", "big2"}), ":2\r\n");
}

}  // namespace
}  // namespace mini_redis::testing
