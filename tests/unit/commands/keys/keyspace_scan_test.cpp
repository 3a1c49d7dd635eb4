// KEYS, SCAN and RANDOMKEY: walking the keyspace, with Redis 7.0's cursor
// parsing, option errors and guarantees.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "unit/support/command_harness.h"
#include "unit/support/key_test_helpers.h"

namespace mini_redis::testing {
namespace {

using Keys = std::vector<std::string>;

const std::string kEmptyScan = "*2\r\n$1\r\n0\r\n*0\r\n";

// Runs SCAN from cursor 0 until it comes back to 0; returns every key seen.
std::multiset<std::string> scan_all(CommandHarness& h, std::vector<std::string> options = {}) {
  std::multiset<std::string> seen;
  std::string cursor = "0";
  for (int calls = 0; calls < 100000; ++calls) {
    std::vector<std::string> words{"SCAN", cursor};
    words.insert(words.end(), options.begin(), options.end());
    ScanPage page = parse_scan(h.run(words));
    seen.insert(page.keys.begin(), page.keys.end());
    cursor = page.cursor;
    if (cursor == "0") break;
  }
  return seen;
}

// ---- KEYS ------------------------------------------------------------------------

TEST(Keys, ListsEveryKeyForStar) {
  CommandHarness h;
  put(h, "a", "1");
  put(h, "b", "2");
  put(h, "c", "3");
  EXPECT_EQ(sorted_keys(h.run({"KEYS", "*"})), (Keys{"a", "b", "c"}));
}

TEST(Keys, AnswersAnEmptyArrayWhenNothingMatches) {
  CommandHarness h;
  EXPECT_EQ(h.run({"KEYS", "*"}), "*0\r\n");
  put(h, "a", "1");
  EXPECT_EQ(h.run({"KEYS", "b*"}), "*0\r\n");
}

TEST(Keys, MatchesGlobPatterns) {
  CommandHarness h;
  for (const char* key : {"hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo"}) put(h, key, "v");
  EXPECT_EQ(sorted_keys(h.run({"KEYS", "h?llo"})), (Keys{"h*llo", "hallo", "hello", "hxllo"}));
  EXPECT_EQ(sorted_keys(h.run({"KEYS", "h*llo"})),
            (Keys{"h*llo", "hallo", "heeeello", "hello", "hllo", "hxllo"}));
  EXPECT_EQ(sorted_keys(h.run({"KEYS", "h[ae]llo"})), (Keys{"hallo", "hello"}));
  EXPECT_EQ(sorted_keys(h.run({"KEYS", "h[^e]llo"})), (Keys{"h*llo", "hallo", "hxllo"}));
  EXPECT_EQ(h.run({"KEYS", "h\\*llo"}), "*1\r\n$5\r\nh*llo\r\n");
}

TEST(Keys, SkipsExpiredKeysWithoutDeletingThem) {
  CommandHarness h;
  put_expiring(h, "old", "v", 10);
  put(h, "new", "v");
  h.clock.advance(11);
  EXPECT_EQ(h.run({"KEYS", "*"}), "*1\r\n$3\r\nnew\r\n");
  EXPECT_EQ(h.run({"DBSIZE"}), ":2\r\n");  // KEYS only reads
}

TEST(Keys, SeesOnlyTheSelectedDatabase) {
  CommandHarness h;
  put(h, "zero", "v", 0);
  put(h, "one", "v", 1);
  h.client.db_index = 1;
  EXPECT_EQ(h.run({"KEYS", "*"}), "*1\r\n$3\r\none\r\n");
}

// ---- SCAN: replies -------------------------------------------------------------------

TEST(Scan, OfAnEmptyDatabaseIsDoneAtOnce) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SCAN", "0"}), kEmptyScan);
}

TEST(Scan, RepliesTheCursorAsABulkStringThenTheKeys) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"SCAN", "0"}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
}

TEST(Scan, LooksTheSameInResp3) {
  CommandHarness h;
  h.client.protocol = protocol::ProtocolVersion::resp3;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"SCAN", "0"}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
}

TEST(Scan, AFullIterationReturnsEveryKey) {
  CommandHarness h;
  std::multiset<std::string> expected;
  for (int i = 0; i < 1000; ++i) {
    put(h, "key:" + std::to_string(i), "v");
    expected.insert("key:" + std::to_string(i));
  }
  const std::multiset<std::string> seen = scan_all(h, {"COUNT", "7"});
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()),
            std::set<std::string>(expected.begin(), expected.end()));
}

TEST(Scan, ReturnsEveryKeyPresentThroughoutEvenWhileTheTableGrowsAndShrinks) {
  CommandHarness h;
  for (int i = 0; i < 500; ++i) put(h, "stay:" + std::to_string(i), "v");
  for (int i = 0; i < 500; ++i) put(h, "temp:" + std::to_string(i), "v");

  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    ScanPage page = parse_scan(h.run({"SCAN", cursor, "COUNT", "10"}));
    seen.insert(page.keys.begin(), page.keys.end());
    cursor = page.cursor;
    // Halfway, delete the temporary keys (the table may shrink), then add
    // many new ones (it grows).
    if (++calls == 20) {
      for (int i = 0; i < 500; ++i) h.run({"DEL", "temp:" + std::to_string(i)});
    }
    if (calls == 40) {
      for (int i = 0; i < 3000; ++i) put(h, "grow:" + std::to_string(i), "v");
    }
  } while (cursor != "0" && calls < 100000);

  for (int i = 0; i < 500; ++i) EXPECT_TRUE(seen.count("stay:" + std::to_string(i))) << i;
}

TEST(Scan, MatchFiltersTheKeys) {
  CommandHarness h;
  for (int i = 0; i < 50; ++i) put(h, "user:" + std::to_string(i), "v");
  for (int i = 0; i < 50; ++i) put(h, "item:" + std::to_string(i), "v");
  const std::multiset<std::string> seen = scan_all(h, {"MATCH", "user:1*"});
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()),
            (std::set<std::string>{"user:1", "user:10", "user:11", "user:12", "user:13", "user:14",
                                   "user:15", "user:16", "user:17", "user:18", "user:19"}));
}

TEST(Scan, TypeFiltersCaseInsensitively) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"SCAN", "0", "TYPE", "string"}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
  EXPECT_EQ(h.run({"SCAN", "0", "type", "STRING"}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
  // Redis 7.0 filters everything out for a type it does not know.
  EXPECT_EQ(h.run({"SCAN", "0", "TYPE", "hash"}), kEmptyScan);
  EXPECT_EQ(h.run({"SCAN", "0", "TYPE", "nosuchtype"}), kEmptyScan);
}

TEST(Scan, TypeChecksCountAsReadsForKeysThatMatchThePattern) {
  // Redis looks each candidate up to learn its type, after the MATCH filter.
  CommandHarness h;
  put(h, "a", "1");
  put(h, "b", "2");
  h.run({"SCAN", "0", "MATCH", "a", "TYPE", "string"});
  EXPECT_EQ(h.keyspace.stats().keyspace_hits, 1U);
  h.run({"SCAN", "0"});
  EXPECT_EQ(h.keyspace.stats().keyspace_hits, 1U);
}

TEST(Scan, SkipsExpiredKeys) {
  CommandHarness h;
  put_expiring(h, "old", "v", 10);
  put(h, "new", "v");
  h.clock.advance(11);
  EXPECT_EQ(h.run({"SCAN", "0"}), "*2\r\n$1\r\n0\r\n*1\r\n$3\r\nnew\r\n");
}

TEST(Scan, RepeatedOptionsAndAnyCaseAreAccepted) {
  CommandHarness h;
  put(h, "k", "v");
  EXPECT_EQ(h.run({"SCAN", "0", "count", "10", "COUNT", "20", "match", "x", "Match", "k"}),
            "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
}

// ---- SCAN: the cursor, read as C's strtoul reads it -------------------------------------

TEST(Scan, AcceptsTheCursorSpellingsStrtoulAccepts) {
  CommandHarness h;
  for (const char* cursor :
       {"", "+0", "-0", "00", "01", "+1", "-1", "18446744073709551615", "-18446744073709551615"}) {
    EXPECT_EQ(h.run({"SCAN", cursor}), kEmptyScan) << "cursor '" << cursor << "'";
  }
}

TEST(Scan, RejectsAnyOtherCursor) {
  CommandHarness h;
  for (const char* cursor : {"abc", " 1", "1 ", "\t1", "0x10", "-", "+", "+-1", "1.0",
                             "18446744073709551616", "-18446744073709551616"}) {
    EXPECT_EQ(h.run({"SCAN", cursor}), "-ERR invalid cursor\r\n") << "cursor '" << cursor << "'";
  }
}

// ---- SCAN: option errors ---------------------------------------------------------------

TEST(Scan, CountMustBePositive) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SCAN", "0", "COUNT", "0"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"SCAN", "0", "COUNT", "-1"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"SCAN", "0", "COUNT", "abc"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"SCAN", "0", "COUNT", "9223372036854775808"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"SCAN", "0", "COUNT", "9223372036854775807"}), kEmptyScan);
}

TEST(Scan, EveryOptionNeedsItsValue) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SCAN", "0", "MATCH"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"SCAN", "0", "COUNT"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"SCAN", "0", "TYPE"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"SCAN", "0", "foo", "bar"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"SCAN"}), "-ERR wrong number of arguments for 'scan' command\r\n");
}

TEST(Scan, ChecksTheCursorBeforeTheOptions) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SCAN", "abc", "COUNT", "0"}), "-ERR invalid cursor\r\n");
}

// ---- RANDOMKEY -----------------------------------------------------------------------

TEST(Randomkey, IsNullForAnEmptyDatabase) {
  CommandHarness h;
  EXPECT_EQ(h.run({"RANDOMKEY"}), "$-1\r\n");
  h.client.protocol = protocol::ProtocolVersion::resp3;
  EXPECT_EQ(h.run({"RANDOMKEY"}), "_\r\n");
}

TEST(Randomkey, ReturnsALiveKey) {
  CommandHarness h;
  put(h, "only", "v");
  EXPECT_EQ(h.run({"RANDOMKEY"}), "$4\r\nonly\r\n");
  put(h, "other", "v");
  const std::string reply = h.run({"RANDOMKEY"});
  EXPECT_TRUE(reply == "$4\r\nonly\r\n" || reply == "$5\r\nother\r\n") << reply;
}

TEST(Randomkey, NeverReturnsAnExpiredKey) {
  CommandHarness h;
  put_expiring(h, "old", "v", 10);
  h.clock.advance(11);
  EXPECT_EQ(h.run({"RANDOMKEY"}), "$-1\r\n");
}

TEST(Randomkey, TakesNoArguments) {
  CommandHarness h;
  EXPECT_EQ(h.run({"RANDOMKEY", "x"}),
            "-ERR wrong number of arguments for 'randomkey' command\r\n");
}

}  // namespace
}  // namespace mini_redis::testing
