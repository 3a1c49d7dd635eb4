// HRANDFIELD and HSCAN. HRANDFIELD's choices are random, so the tests check
// what always holds: how many fields come back, that they belong to the hash,
// that a positive count never repeats one; and the exact bytes where the
// answer is determined (whole listpack, one field, the errors). HSCAN's
// tests walk a listpack and a hashtable to the end.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "unit/commands/hashes/hash_test_support.h"

namespace mini_redis::testing {
namespace {

using HashRandom = HashTest;

const std::string kNotInteger = "-ERR value is not an integer or out of range\r\n";
const std::string kSyntax = "-ERR syntax error\r\n";
const std::string kCountOutOfRange =
    "-ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807\r\n";
const std::string kOutOfRange = "-ERR value is out of range\r\n";

// ---- HRANDFIELD
// ----------------------------------------------------------------------------------

TEST_F(HashRandom, WithoutACountOneFieldOrNull) {
  EXPECT_EQ(h.run({"HRANDFIELD", "nokey"}), "$-1\r\n");
  h.run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  const std::set<std::string> fields = {"a", "b", "c"};
  for (int i = 0; i < 20; ++i) {
    const std::string reply = h.run({"HRANDFIELD", "h"});
    RespReader reader(reply);  // reads a view: the reply must outlive it
    EXPECT_TRUE(fields.contains(reader.bulk()));
  }
}

TEST_F(HashRandom, ACountAtLeastTheSizeAnswersTheWholeListpackInOrder) {
  h.run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(h.run({"HRANDFIELD", "h", "3"}), bulk_array({"a", "b", "c"}));
  EXPECT_EQ(h.run({"HRANDFIELD", "h", "100", "WITHVALUES"}),
            bulk_array({"a", "1", "b", "2", "c", "3"}));
  EXPECT_EQ(h.run({"HRANDFIELD", "h", "0"}), "*0\r\n");
}

TEST_F(HashRandom, WithvaluesNestsPairsInResp3) {
  use_resp3();
  h.run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(h.run({"HRANDFIELD", "h", "2", "withvalues"}),
            "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  EXPECT_EQ(h.run({"HRANDFIELD", "h", "2"}), bulk_array({"a", "b"}));
  EXPECT_EQ(h.run({"HRANDFIELD", "nokey"}), "_\r\n");
}

TEST_F(HashRandom, APositiveCountNeverRepeatsAField) {
  for (const int limit : {512, 1}) {  // a listpack, then a hashtable
    h.config.hash_max_listpack_entries = limit;
    h.run({"DEL", "h"});
    for (int i = 0; i < 30; ++i) h.run({"HSET", "h", "f" + std::to_string(i), "v"});
    // 5 of 30 takes the sampling path, 20 of 30 the "choose whom to keep" path.
    for (const int count : {5, 20}) {
      const std::vector<std::string> fields =
          sorted_array(h.run({"HRANDFIELD", "h", std::to_string(count)}));
      ASSERT_EQ(fields.size(), static_cast<std::size_t>(count));
      EXPECT_EQ(std::set<std::string>(fields.begin(), fields.end()).size(), fields.size());
      for (const std::string& field : fields) EXPECT_EQ(field.substr(0, 1), "f");
    }
  }
}

TEST_F(HashRandom, ANegativeCountDrawsThatManyTimes) {
  h.run({"HSET", "only", "f", "v"});
  EXPECT_EQ(h.run({"HRANDFIELD", "only", "-3"}), bulk_array({"f", "f", "f"}));
  EXPECT_EQ(h.run({"HRANDFIELD", "only", "-2", "WITHVALUES"}), bulk_array({"f", "v", "f", "v"}));
  h.config.hash_max_listpack_entries = 1;
  h.run({"HSET", "big", "a", "1", "b", "2"});
  const std::string reply = h.run({"HRANDFIELD", "big", "-10", "WITHVALUES"});
  RespReader reader(reply);
  const std::vector<std::string> pairs = reader.bulk_array();
  ASSERT_EQ(pairs.size(), 20U);
  for (std::size_t i = 0; i < pairs.size(); i += 2) {
    EXPECT_EQ(pairs[i] == "a" ? "1" : "2", pairs[i + 1]);
  }
}

TEST_F(HashRandom, AMissingKeyAnswersAnEmptyArray) {
  EXPECT_EQ(h.run({"HRANDFIELD", "nokey", "5"}), "*0\r\n");
  EXPECT_EQ(h.run({"HRANDFIELD", "nokey", "-5", "WITHVALUES"}), "*0\r\n");
}

TEST_F(HashRandom, TheCountIsCheckedFirstThenWithvaluesThenTheKey) {
  h.run({"SET", "s", "v"});
  h.run({"HSET", "h", "a", "1"});
  EXPECT_EQ(h.run({"HRANDFIELD", "s", "x"}), kNotInteger);
  EXPECT_EQ(h.run({"HRANDFIELD", "h", "x", "foo"}), kNotInteger);
  EXPECT_EQ(h.run({"HRANDFIELD", "h", "-9223372036854775808", "foo"}), kCountOutOfRange);
  EXPECT_EQ(h.run({"HRANDFIELD", "nokey", "1", "foo"}), kSyntax);
  EXPECT_EQ(h.run({"HRANDFIELD", "h", "1", "WITHVALUES", "x"}), kSyntax);
  EXPECT_EQ(h.run({"HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"}), kOutOfRange);
  EXPECT_EQ(h.run({"HRANDFIELD", "s", "-4611686018427387904", "WITHVALUES"}), kOutOfRange);
  EXPECT_EQ(h.run({"HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"}),
            bulk_array({"a", "1"}));
  EXPECT_EQ(h.run({"HRANDFIELD", "s", "0"}), kWrongType);
  EXPECT_EQ(h.run({"HRANDFIELD", "s"}), kWrongType);
}

// ---- HSCAN
// ----------------------------------------------------------------------------------------

TEST_F(HashRandom, HscanAnswersAListpackWholeWhateverTheCursor) {
  h.run({"HSET", "h", "a", "1", "b", "2"});
  const std::string whole = "*2\r\n$1\r\n0\r\n" + bulk_array({"a", "1", "b", "2"});
  EXPECT_EQ(h.run({"HSCAN", "h", "0"}), whole);
  EXPECT_EQ(h.run({"HSCAN", "h", "12345", "COUNT", "1"}), whole);
}

TEST_F(HashRandom, HscanMatchFiltersByField) {
  h.run({"HSET", "h", "apple", "1", "banana", "2", "x", "apple"});
  EXPECT_EQ(h.run({"HSCAN", "h", "0", "MATCH", "a*"}),
            "*2\r\n$1\r\n0\r\n" + bulk_array({"apple", "1"}));
}

TEST_F(HashRandom, HscanWalksAHashtableToTheEnd) {
  h.config.hash_max_listpack_entries = 1;
  for (int i = 0; i < 100; ++i) h.run({"HSET", "h", "f" + std::to_string(i), std::to_string(i)});
  ASSERT_EQ(encoding("h"), "$9\r\nhashtable\r\n");
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    const std::string reply = h.run({"HSCAN", "h", cursor, "COUNT", "10", "MATCH", "f1*"});
    RespReader reader(reply);
    ASSERT_EQ(reader.header('*'), 2);
    cursor = reader.bulk();
    const std::vector<std::string> page = reader.bulk_array();
    for (std::size_t i = 0; i < page.size(); i += 2) {
      EXPECT_EQ("f" + page[i + 1], page[i]);  // each field with its own value
      seen.insert(page[i]);
    }
    ++calls;
  } while (cursor != "0" && calls < 1000);
  EXPECT_EQ(seen.size(), 11U);  // f1, f10..f19
  EXPECT_GT(calls, 1);          // COUNT 10 does not take 100 fields in one call
}

TEST_F(HashRandom, HscanErrorsAreScans) {
  h.run({"HSET", "h", "a", "1"});
  h.run({"SET", "s", "v"});
  EXPECT_EQ(h.run({"HSCAN", "h", "x"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(h.run({"HSCAN", "h", "0", "TYPE", "string"}), kSyntax);
  EXPECT_EQ(h.run({"HSCAN", "h", "0", "COUNT", "0"}), kSyntax);
  EXPECT_EQ(h.run({"HSCAN", "h", "0", "COUNT", "x"}), kNotInteger);
  EXPECT_EQ(h.run({"HSCAN", "h", "0", "MATCH"}), kSyntax);
  // The options are read only once there is a hash.
  EXPECT_EQ(h.run({"HSCAN", "nokey", "0", "COUNT", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(h.run({"HSCAN", "nokey", "x"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(h.run({"HSCAN", "s", "0", "COUNT", "0"}), kWrongType);
}

}  // namespace
}  // namespace mini_redis::testing
