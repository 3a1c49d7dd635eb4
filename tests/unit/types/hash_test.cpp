// Hash: a hash key's value in Redis 7.0's two encodings. These tests pin down
// the listpack's insertion order (what HGETALL answers), the exact conversion
// boundaries checked on Redis 7.0.15 (64/65 bytes, 512/513 fields, limit 0),
// that a hash never converts back, that integer-looking text survives the
// listpack's integer encoding, HSCAN's one-call answer for a small hash,
// HRANDFIELD's reach, and agreement with a simple model over many operations.
#include "types/hash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mini_redis::types {
namespace {

using namespace std::string_view_literals;
using Pairs = std::vector<std::pair<std::string, std::string>>;

const HashLimits kDefaults;     // 512 entries, 64 bytes
const HashLimits kSmall{3, 4};  // 3 fields of up to 4 bytes

Pairs in_order(const Hash& hash) {
  Pairs all;
  hash.for_each([&](std::string_view f, std::string_view v) { all.emplace_back(f, v); });
  return all;
}

std::map<std::string, std::string> contents(const Hash& hash) {
  std::map<std::string, std::string> all;
  hash.for_each([&](std::string_view f, std::string_view v) { all.emplace(f, v); });
  return all;
}

std::optional<std::string> value_of(const Hash& hash, std::string_view field) {
  IntText buffer;
  const std::optional<std::string_view> value = hash.get(field, buffer);
  if (!value) return std::nullopt;
  return std::string(*value);
}

// ---- the listpack encoding ---------------------------------------------------

TEST(Hash, IsSmallAndStartsAsAnEmptyListpack) {
  EXPECT_EQ(sizeof(Hash), 2 * sizeof(void*));  // a Redis robj is 16 bytes too
  Hash hash;
  EXPECT_EQ(hash.encoding(), Hash::Encoding::listpack);
  EXPECT_TRUE(hash.empty());
  EXPECT_EQ(hash.size(), 0u);
  EXPECT_NE(hash.listpack(), nullptr);
  EXPECT_EQ(hash.dict(), nullptr);
  EXPECT_EQ(value_of(hash, "f"), std::nullopt);
  EXPECT_FALSE(hash.erase("f"));
}

TEST(Hash, SetAnswersWhetherTheFieldIsNewAsHsetCountsIt) {
  Hash hash;
  EXPECT_TRUE(hash.set("f", "1", kDefaults));
  EXPECT_FALSE(hash.set("f", "2", kDefaults));
  EXPECT_TRUE(hash.set("g", "", kDefaults));
  EXPECT_EQ(hash.size(), 2u);
  EXPECT_EQ(value_of(hash, "f"), "2");
  EXPECT_EQ(value_of(hash, "g"), "");
  EXPECT_TRUE(hash.contains("g"));
  EXPECT_FALSE(hash.contains("h"));
  EXPECT_EQ(hash.value_length("f"), 1u);
  EXPECT_EQ(hash.value_length("g"), 0u);
  EXPECT_EQ(hash.value_length("h"), 0u);  // HSTRLEN of a missing field is 0
}

TEST(Hash, ListpackKeepsInsertionOrderAndReplacingKeepsThePosition) {
  // Redis 7.0.15: HSET h b 1 a 2 c 3; HSET h a 9 -> HGETALL b 1 a 9 c 3;
  // HDEL h b; HSET h b 5 -> HKEYS a c b.
  Hash hash;
  hash.set("b", "1", kDefaults);
  hash.set("a", "2", kDefaults);
  hash.set("c", "3", kDefaults);
  hash.set("a", "9", kDefaults);
  EXPECT_EQ(in_order(hash), (Pairs{{"b", "1"}, {"a", "9"}, {"c", "3"}}));
  EXPECT_TRUE(hash.erase("b"));
  hash.set("b", "5", kDefaults);
  EXPECT_EQ(in_order(hash), (Pairs{{"a", "9"}, {"c", "3"}, {"b", "5"}}));
  EXPECT_EQ(hash.listpack()->size(), 6u);  // field and value entries
}

TEST(Hash, ReplacingWithALongerOrShorterValueKeepsNeighboursIntact) {
  Hash hash;
  hash.set("a", "x", kDefaults);
  hash.set("b", "y", kDefaults);
  hash.set("c", "z", kDefaults);
  hash.set("b", std::string(60, 'v'), kDefaults);
  hash.set("a", "123456789", kDefaults);  // a string becomes an integer entry
  hash.set("b", "", kDefaults);
  EXPECT_EQ(in_order(hash), (Pairs{{"a", "123456789"}, {"b", ""}, {"c", "z"}}));
}

TEST(Hash, FieldsAreMatchedOnlyAgainstFieldsNeverValues) {
  Hash hash;
  hash.set("f", "g", kDefaults);
  EXPECT_FALSE(hash.contains("g"));
  EXPECT_TRUE(hash.set("g", "f", kDefaults));
  EXPECT_EQ(value_of(hash, "g"), "f");
  EXPECT_TRUE(hash.erase("f"));
  EXPECT_EQ(in_order(hash), (Pairs{{"g", "f"}}));
}

TEST(Hash, IntegerLookingTextRoundTripsExactly) {
  // The listpack stores canonical integers as integers; everything else stays
  // a string, so every one of these reads back byte for byte.
  const std::vector<std::string> texts = {"12",
                                          "007",
                                          "-0",
                                          "0",
                                          "-1",
                                          "+1",
                                          " 1",
                                          "1 ",
                                          "-9223372036854775808",
                                          "9223372036854775807",
                                          "9223372036854775808",
                                          "-9223372036854775809",
                                          "1e3"};
  Hash hash;
  for (const std::string& text : texts) hash.set(text, text, kDefaults);
  ASSERT_EQ(hash.encoding(), Hash::Encoding::listpack);
  Pairs expected;
  for (const std::string& text : texts) expected.emplace_back(text, text);
  EXPECT_EQ(in_order(hash), expected);
  for (const std::string& text : texts) {
    EXPECT_EQ(value_of(hash, text), text) << text;
    EXPECT_EQ(hash.value_length(text), text.size()) << text;
  }
  // 12 is stored as an integer: "012" and "12 " are other fields.
  EXPECT_FALSE(hash.contains("012"));
  EXPECT_FALSE(hash.contains("12 "));
  EXPECT_TRUE(hash.erase("12"));
  EXPECT_FALSE(hash.contains("12"));
  EXPECT_TRUE(hash.contains("007"));
}

TEST(Hash, BinaryFieldsAndValuesAreKept) {
  Hash hash;
  hash.set("a\0b"sv, "x\0y"sv, kDefaults);
  hash.set("a", "1", kDefaults);
  EXPECT_EQ(value_of(hash, "a\0b"sv), "x\0y"sv);
  EXPECT_EQ(value_of(hash, "a"), "1");
  EXPECT_EQ(hash.size(), 2u);
}

// ---- conversion --------------------------------------------------------------

TEST(Hash, AValueOf64BytesStaysListpackAnd65Converts) {
  Hash hash;
  hash.set("f", std::string(64, 'v'), kDefaults);
  EXPECT_EQ(hash.encoding(), Hash::Encoding::listpack);
  hash.set("g", std::string(65, 'v'), kDefaults);
  EXPECT_EQ(hash.encoding(), Hash::Encoding::hashtable);
  EXPECT_EQ(hash.listpack(), nullptr);
  ASSERT_NE(hash.dict(), nullptr);
  EXPECT_EQ(contents(hash), (std::map<std::string, std::string>{{"f", std::string(64, 'v')},
                                                                {"g", std::string(65, 'v')}}));
}

TEST(Hash, AFieldOf64BytesStaysListpackAnd65Converts) {
  Hash small;
  small.set(std::string(64, 'f'), "x", kDefaults);
  EXPECT_EQ(small.encoding(), Hash::Encoding::listpack);
  Hash big;
  big.set(std::string(65, 'f'), "x", kDefaults);
  EXPECT_EQ(big.encoding(), Hash::Encoding::hashtable);
  EXPECT_EQ(value_of(big, std::string(65, 'f')), "x");
}

TEST(Hash, ReplacingAValueWithALongOneConvertsAsHincrbyfloatsResultDoes) {
  // Redis 7.0.15: HSET h f 1; HINCRBYFLOAT h f 1e70 (a 71-byte result) ->
  // hashtable. hashTypeSet checks the pair it writes.
  Hash hash;
  hash.set("f", "1", kDefaults);
  EXPECT_FALSE(hash.set("f", std::string(71, '9'), kDefaults));
  EXPECT_EQ(hash.encoding(), Hash::Encoding::hashtable);
  EXPECT_EQ(hash.size(), 1u);
}

TEST(Hash, SmallLimitsConvertAtTheirOwnBoundaries) {
  Hash by_length;
  by_length.set("abcd", "wxyz", kSmall);
  EXPECT_EQ(by_length.encoding(), Hash::Encoding::listpack);
  by_length.set("k", "12345", kSmall);  // 5 > 4 bytes
  EXPECT_EQ(by_length.encoding(), Hash::Encoding::hashtable);

  Hash by_count;
  by_count.set("a", "1", kSmall);
  by_count.set("b", "2", kSmall);
  by_count.set("c", "3", kSmall);
  by_count.set("c", "4", kSmall);  // a replacement adds no field
  EXPECT_EQ(by_count.encoding(), Hash::Encoding::listpack);
  by_count.set("d", "5", kSmall);
  EXPECT_EQ(by_count.encoding(), Hash::Encoding::hashtable);
  EXPECT_EQ(contents(by_count),
            (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}, {"c", "4"}, {"d", "5"}}));
}

TEST(Hash, The512thFieldStaysListpackAndThe513thConverts) {
  Hash hash;
  for (int i = 1; i <= 512; ++i) hash.set("f" + std::to_string(i), "v", kDefaults);
  EXPECT_EQ(hash.size(), 512u);
  EXPECT_EQ(hash.encoding(), Hash::Encoding::listpack);
  EXPECT_TRUE(hash.set("f513", "v", kDefaults));
  EXPECT_EQ(hash.encoding(), Hash::Encoding::hashtable);
  EXPECT_EQ(hash.size(), 513u);
  for (int i = 1; i <= 513; ++i) EXPECT_TRUE(hash.contains("f" + std::to_string(i)));
}

TEST(Hash, AnEntriesLimitOfZeroMakesEveryHashAHashtable) {
  // Redis 7.0.15: CONFIG SET hash-max-listpack-entries 0; HSET h f v ->
  // OBJECT ENCODING hashtable.
  Hash hash;
  hash.set("f", "v", HashLimits{0, 64});
  EXPECT_EQ(hash.encoding(), Hash::Encoding::hashtable);
  EXPECT_EQ(value_of(hash, "f"), "v");
}

TEST(Hash, DeletingFieldsNeverConvertsBack) {
  Hash hash;
  for (int i = 0; i < 4; ++i) hash.set(std::to_string(i), "v", kSmall);
  ASSERT_EQ(hash.encoding(), Hash::Encoding::hashtable);
  for (int i = 1; i < 4; ++i) EXPECT_TRUE(hash.erase(std::to_string(i)));
  EXPECT_EQ(hash.size(), 1u);
  EXPECT_EQ(hash.encoding(), Hash::Encoding::hashtable);
  hash.set("x", "y", kSmall);
  EXPECT_EQ(hash.encoding(), Hash::Encoding::hashtable);
}

TEST(Hash, ConvertIfAnyLongerLooksAtEveryArgumentBeforeAnyWrite) {
  Hash hash;
  hash.set("a", "1", kSmall);
  const std::vector<std::string_view> short_ones = {"b", "2", "cccc", "3333"};
  hash.convert_if_any_longer(short_ones, kSmall);
  EXPECT_EQ(hash.encoding(), Hash::Encoding::listpack);
  // The long argument is last: the hash converts before the first pair is
  // written, whatever the command does next.
  const std::vector<std::string_view> one_long = {"b", "2", "c", "33333"};
  hash.convert_if_any_longer(one_long, kSmall);
  EXPECT_EQ(hash.encoding(), Hash::Encoding::hashtable);
  EXPECT_EQ(contents(hash), (std::map<std::string, std::string>{{"a", "1"}}));
  hash.convert_if_any_longer(one_long, kSmall);  // already a hashtable: no-op
  EXPECT_EQ(hash.size(), 1u);
}

// ---- HSCAN -------------------------------------------------------------------

TEST(Hash, ScanOfAListpackReturnsEverythingInOrderWithCursorZero) {
  Hash hash;
  hash.set("b", "1", kDefaults);
  hash.set("a", "2", kDefaults);
  for (const std::uint64_t cursor : {0ULL, 1ULL, 12345ULL}) {
    Pairs seen;
    const std::uint64_t next =
        hash.scan(cursor, [&](std::string_view f, std::string_view v) { seen.emplace_back(f, v); });
    EXPECT_EQ(next, 0u);
    EXPECT_EQ(seen, (Pairs{{"b", "1"}, {"a", "2"}}));
  }
}

TEST(Hash, ScanOfAHashtableReturnsEveryFieldAcrossCalls) {
  Hash hash;
  for (int i = 0; i < 2000; ++i) hash.set("f" + std::to_string(i), std::to_string(i), kDefaults);
  ASSERT_EQ(hash.encoding(), Hash::Encoding::hashtable);
  std::map<std::string, std::string> seen;
  std::uint64_t cursor = 0;
  int calls = 0;
  do {
    cursor = hash.scan(cursor, [&](std::string_view f, std::string_view v) { seen.emplace(f, v); });
    ++calls;
  } while (cursor != 0);
  EXPECT_GT(calls, 1);
  EXPECT_EQ(seen, contents(hash));
}

// ---- HRANDFIELD --------------------------------------------------------------

// Both encodings holding the same 10 pairs, "f0" -> "0" ... "f9" -> "9".
std::vector<Hash> ten_pairs_in_each_encoding() {
  std::vector<Hash> hashes(2);
  for (int i = 0; i < 10; ++i) {
    const std::string n = std::to_string(i);
    hashes[0].set("f" + n, n, kDefaults);
    hashes[1].set("f" + n, n, HashLimits{0, 64});
  }
  return hashes;
}

TEST(Hash, RandomPairReachesEveryFieldInBothEncodings) {
  std::mt19937_64 rng(7);
  for (Hash& hash : ten_pairs_in_each_encoding()) {
    std::set<std::string> seen;
    Hash::PairBuffers buffers;
    for (int i = 0; i < 1000; ++i) {
      const std::optional<Hash::Pair> pair = hash.random_pair(rng(), buffers);
      if (!pair) {
        ADD_FAILURE() << "no pair drawn from a hash of 10";
        break;
      }
      EXPECT_EQ("f" + std::string(pair->value), pair->field);
      seen.emplace(pair->field);
    }
    EXPECT_EQ(seen.size(), 10u);
  }
  Hash empty;
  Hash::PairBuffers buffers;
  EXPECT_EQ(empty.random_pair(1, buffers), std::nullopt);
}

TEST(Hash, RandomPairsDrawsWithReplacementAsANegativeCountDoes) {
  std::mt19937_64 rng(11);
  for (Hash& hash : ten_pairs_in_each_encoding()) {
    std::map<std::string, int> hits;
    std::size_t draws = 0;
    hash.random_pairs(
        1000, [&] { return rng(); },
        [&](std::string_view f, std::string_view v) {
          EXPECT_EQ("f" + std::string(v), f);
          ++hits[std::string(f)];
          ++draws;
        });
    EXPECT_EQ(draws, 1000u);
    EXPECT_EQ(hits.size(), 10u);
    // A listpack draws by index, exactly uniform: ~100 each. A hashtable's
    // fair bucket pick favours fields alone in their bucket, and its hash is
    // seeded per process, so only reaching every field is certain there.
    if (hash.encoding() == Hash::Encoding::listpack) {
      for (const auto& [field, n] : hits) EXPECT_GT(n, 50) << field;
    }
  }
}

TEST(Hash, RandomDistinctPairsGivesExactlyCountDistinctPairs) {
  std::mt19937_64 rng(13);
  for (Hash& hash : ten_pairs_in_each_encoding()) {
    // 1..2: draw and retry (listpack: selection sampling); 4..9: keep a
    // random subset; 10 and more: the whole hash.
    for (const std::size_t count : {1u, 2u, 3u, 4u, 9u, 10u, 50u}) {
      std::map<std::string, int> hits;
      std::map<std::string, int> counted;
      for (int round = 0; round < 300; ++round) {
        std::set<std::string> once;
        hash.random_distinct_pairs(
            count, [&] { return rng(); },
            [&](std::string_view f, std::string_view v) {
              EXPECT_EQ("f" + std::string(v), f);
              EXPECT_TRUE(once.emplace(f).second) << "repeated " << f;
              ++hits[std::string(f)];
            });
        EXPECT_EQ(once.size(), std::min<std::size_t>(count, 10)) << count;
      }
      EXPECT_EQ(hits.size(), 10u) << "count " << count;  // every field gets drawn
    }
  }
}

TEST(Hash, RandomDistinctPairsOfAFewFromAListpackComeInListpackOrder) {
  // Redis's lpRandomPairsUnique walks the listpack once (HRANDFIELD h 3 on a
  // 10-field listpack answers in HGETALL order).
  std::mt19937_64 rng(17);
  Hash hash = std::move(ten_pairs_in_each_encoding()[0]);
  for (int round = 0; round < 100; ++round) {
    std::vector<int> order;
    hash.random_distinct_pairs(
        3, [&] { return rng(); },
        [&](std::string_view, std::string_view v) { order.push_back(std::stoi(std::string(v))); });
    EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  }
}

TEST(Hash, RandomDistinctPairsOfAllOrMoreIsTheWholeHashInOrder) {
  Hash hash = std::move(ten_pairs_in_each_encoding()[0]);
  Pairs seen;
  hash.random_distinct_pairs(
      10, [] { return std::uint64_t{0}; },
      [&](std::string_view f, std::string_view v) { seen.emplace_back(f, v); });
  EXPECT_EQ(seen, in_order(hash));
}

// ---- copies, memory, loading -------------------------------------------------

TEST(Hash, CloneIsEqualAndIndependentInBothEncodings) {
  for (Hash& hash : ten_pairs_in_each_encoding()) {
    Hash copy = hash.clone();
    EXPECT_EQ(copy.encoding(), hash.encoding());
    if (hash.encoding() == Hash::Encoding::listpack) {
      EXPECT_EQ(in_order(copy), in_order(hash));  // the same block, byte for byte
      EXPECT_TRUE(std::ranges::equal(copy.listpack()->bytes(), hash.listpack()->bytes()));
    } else {
      EXPECT_EQ(contents(copy), contents(hash));  // a table's order is its own
    }
    copy.set("f0", "changed", kDefaults);
    copy.erase("f1");
    EXPECT_EQ(value_of(hash, "f0"), "0");
    EXPECT_TRUE(hash.contains("f1"));
    EXPECT_EQ(copy.size(), 9u);
  }
}

TEST(Hash, MemoryCountsTheListpackBlockOrTheDict) {
  Hash hash;
  const std::size_t empty = hash.memory_bytes();
  EXPECT_EQ(empty, 0u);  // nothing allocated yet
  for (int i = 0; i < 100; ++i) hash.set("field:" + std::to_string(i), "value", kDefaults);
  const std::size_t small = hash.memory_bytes();
  EXPECT_GE(small, hash.listpack()->bytes_size());
  hash.convert_to_hashtable();
  EXPECT_EQ(hash.size(), 100u);
  EXPECT_GT(hash.memory_bytes(), small);  // why small hashes are listpacks
  EXPECT_EQ(hash.memory_bytes(), sizeof(FieldDict) + hash.dict()->memory_bytes());
}

TEST(Hash, FromListpackAcceptsPairsAndRefusesOddCountsAndDuplicateFields) {
  Listpack good;
  for (std::string_view s : {"a", "1", "12", "x", "b", "2"}) good.push_back(s);
  std::optional<Hash> hash = Hash::from_listpack(std::move(good), kDefaults);
  ASSERT_TRUE(hash.has_value());
  EXPECT_EQ(hash->encoding(), Hash::Encoding::listpack);
  EXPECT_EQ(in_order(*hash), (Pairs{{"a", "1"}, {"12", "x"}, {"b", "2"}}));

  Listpack odd;
  for (std::string_view s : {"a", "1", "b"}) odd.push_back(s);
  EXPECT_FALSE(Hash::from_listpack(std::move(odd), kDefaults).has_value());

  Listpack duplicate_int;
  for (std::string_view s : {"12", "1", "a", "12", "12", "2"}) duplicate_int.push_back(s);
  EXPECT_FALSE(Hash::from_listpack(std::move(duplicate_int), kDefaults).has_value());

  Listpack too_big;
  for (std::string_view s : {"a", "1", "b", "2", "c", "3", "d", "4"}) too_big.push_back(s);
  std::optional<Hash> converted = Hash::from_listpack(std::move(too_big), kSmall);
  ASSERT_TRUE(converted.has_value());
  EXPECT_EQ(converted->encoding(), Hash::Encoding::hashtable);
  EXPECT_EQ(converted->size(), 4u);

  Listpack long_value;
  long_value.push_back("a");
  long_value.push_back(std::string(65, 'v'));
  std::optional<Hash> long_one = Hash::from_listpack(std::move(long_value), kDefaults);
  ASSERT_TRUE(long_one.has_value());
  EXPECT_EQ(long_one->encoding(), Hash::Encoding::hashtable);
  EXPECT_EQ(value_of(*long_one, "a"), std::string(65, 'v'));
}

// ---- agreement with a model --------------------------------------------------

// The listpack order model: fields in insertion order, values by field.
struct OrderedModel {
  std::vector<std::string> order;
  std::map<std::string, std::string> values;

  bool set(const std::string& field, const std::string& value) {
    const bool added = values.insert_or_assign(field, value).second;
    if (added) order.push_back(field);
    return added;
  }
  bool erase(const std::string& field) {
    if (values.erase(field) == 0) return false;
    order.erase(std::find(order.begin(), order.end(), field));
    return true;
  }
  [[nodiscard]] Pairs pairs() const {
    Pairs all;
    for (const std::string& field : order) all.emplace_back(field, values.at(field));
    return all;
  }
};

std::string random_text(std::mt19937_64& rng) {
  // Mostly short names and numbers (so that integer entries and text that
  // only looks like a number are both frequent), sometimes 60 to 64 bytes
  // (few distinct ones, so the hash stays a few hundred fields, as a listpack
  // hash is in practice).
  static const std::vector<std::string> words = {"0",
                                                 "7",
                                                 "-7",
                                                 "007",
                                                 "-0",
                                                 "12",
                                                 "x",
                                                 "",
                                                 "-4096",
                                                 "4095",
                                                 "70000",
                                                 "-2147483649",
                                                 "9223372036854775807",
                                                 "field",
                                                 "1.5"};
  if (rng() % 8 == 0) return std::string(60 + rng() % 5, static_cast<char>('a' + rng() % 3));
  return words[rng() % words.size()] + (rng() % 2 ? std::to_string(rng() % 20) : "");
}

TEST(Hash, TwentyThousandRandomOperationsAgreeWithAnInsertionOrderModel) {
  std::mt19937_64 rng(2024);
  const HashLimits roomy{100000, 64};  // stays a listpack throughout
  Hash hash;
  OrderedModel model;
  for (int op = 0; op < 20000; ++op) {
    const std::string field = random_text(rng);
    switch (rng() % 4) {
      case 0:
      case 1: {
        const std::string value = random_text(rng);
        ASSERT_EQ(hash.set(field, value, roomy), model.set(field, value)) << op;
        break;
      }
      case 2: ASSERT_EQ(hash.erase(field), model.erase(field)) << op; break;
      default: {
        const auto it = model.values.find(field);
        ASSERT_EQ(value_of(hash, field),
                  it == model.values.end() ? std::nullopt : std::optional(it->second))
            << op;
        ASSERT_EQ(hash.contains(field), it != model.values.end());
      }
    }
    ASSERT_EQ(hash.size(), model.values.size());
    if (op % 500 == 0) {
      ASSERT_EQ(in_order(hash), model.pairs()) << op;
    }
  }
  EXPECT_EQ(hash.encoding(), Hash::Encoding::listpack);
  EXPECT_EQ(in_order(hash), model.pairs());
  EXPECT_GT(hash.size(), 100u);  // the test exercised a hash of some size
}

TEST(Hash, RandomOperationsAcrossTheConversionAgreeWithAMap) {
  std::mt19937_64 rng(99);
  const HashLimits limits{40, 32};
  Hash hash;
  std::map<std::string, std::string> model;
  bool converted = false;
  for (int op = 0; op < 5000; ++op) {
    const std::string field = random_text(rng);
    if (rng() % 3 != 0) {
      const std::string value = random_text(rng);
      const bool was_listpack = hash.encoding() == Hash::Encoding::listpack;
      ASSERT_EQ(hash.set(field, value, limits), model.insert_or_assign(field, value).second);
      if (was_listpack && hash.encoding() == Hash::Encoding::hashtable) {
        converted = true;
        // It converted for one of the two reasons, never otherwise.
        EXPECT_TRUE(model.size() > 40 || field.size() > 32 || value.size() > 32) << op;
      }
    } else {
      ASSERT_EQ(hash.erase(field), model.erase(field) == 1);
    }
    ASSERT_EQ(hash.size(), model.size());
  }
  EXPECT_TRUE(converted);
  EXPECT_EQ(contents(hash), model);
}

}  // namespace
}  // namespace mini_redis::types
