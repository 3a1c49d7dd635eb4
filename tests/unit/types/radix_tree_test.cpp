// RadixTree and RadixMap alone: the shapes insert and erase leave (runs split
// and merged again, keys that are prefixes of other keys), ordered walks both
// ways, the four seeks at, between, before and after keys, 16-byte stream IDs,
// and a long randomized run against std::map.
#include "types/radix_tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "types/stream_id.h"

namespace mini_redis::types {
namespace {

// Keys as std::string: its comparison is unsigned-byte order, the tree's.
struct StringKeys {
  using Key = std::string;
  static std::string encode(const std::string& key) { return key; }
  static std::string decode(RadixTree::Bytes bytes) { return {bytes.begin(), bytes.end()}; }
};

struct IDKeys {
  using Key = StreamID;
  static std::array<unsigned char, 16> encode(const StreamID& id) { return id.to_big_endian(); }
  static StreamID decode(RadixTree::Bytes bytes) { return StreamID::from_big_endian(bytes.data()); }
};

using StringMap = RadixMap<int, StringKeys>;

std::vector<std::string> keys_forward(const StringMap& map) {
  std::vector<std::string> out;
  for (const auto& [key, value] : map) out.push_back(key);
  return out;
}

std::vector<std::string> keys_backward(const StringMap& map) {
  std::vector<std::string> out;
  for (auto it = map.end(); it != map.begin();) out.push_back((--it)->first);
  return out;
}

// What each seek must answer, from an ordered std::map.
template <class K, class V>
std::optional<K> model_seek(const std::map<K, V>& model, RadixSeek how, const K& target) {
  auto it = model.end();
  switch (how) {
    case RadixSeek::ge: it = model.lower_bound(target); break;
    case RadixSeek::gt: it = model.upper_bound(target); break;
    case RadixSeek::le:
      it = model.upper_bound(target);
      it = it == model.begin() ? model.end() : std::prev(it);
      break;
    case RadixSeek::lt:
      it = model.lower_bound(target);
      it = it == model.begin() ? model.end() : std::prev(it);
      break;
  }
  if (it == model.end()) return std::nullopt;
  return it->first;
}

template <class Map, class K>
std::optional<K> tree_seek(const Map& map, RadixSeek how, const K& target) {
  const auto it = map.seek(how, target);
  if (it == map.end()) return std::nullopt;
  return it->first;
}

constexpr RadixSeek kAllSeeks[] = {RadixSeek::ge, RadixSeek::gt, RadixSeek::le, RadixSeek::lt};

StringMap map_of(const std::vector<std::string>& keys) {
  StringMap map;
  for (const auto& key : keys) map.insert(key, static_cast<int>(key.size()));
  return map;
}

TEST(RadixTree, EmptyTreeHasOnlyItsRoot) {
  const StringMap map;
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.tree().node_count(), 1U);
  EXPECT_TRUE(map.begin() == map.end());
  for (const RadixSeek how : kAllSeeks) EXPECT_TRUE(map.seek(how, std::string("a")) == map.end());
  EXPECT_TRUE(map.find("") == map.end());
}

TEST(RadixTree, TheHeaderDrawingHasSixNodes) {
  // root branch a/b, run "b", branch c/d, three leaves.
  const StringMap map = map_of({"abd", "b", "abc"});
  EXPECT_EQ(map.tree().node_count(), 6U);
  EXPECT_EQ(keys_forward(map), (std::vector<std::string>{"abc", "abd", "b"}));
  EXPECT_EQ(keys_backward(map), (std::vector<std::string>{"b", "abd", "abc"}));
}

TEST(RadixTree, KeysThatArePrefixesOfOthersSitInsideThePath) {
  StringMap map = map_of({"abc", "a", "", "ab"});
  // "" -> "a" -> "ab" -> "abc": four nodes, each a key, each a one-byte run.
  EXPECT_EQ(map.tree().node_count(), 4U);
  EXPECT_EQ(keys_forward(map), (std::vector<std::string>{"", "a", "ab", "abc"}));
  EXPECT_EQ(keys_backward(map), (std::vector<std::string>{"abc", "ab", "a", ""}));
  EXPECT_EQ(map.find("ab")->second, 2);
  EXPECT_TRUE(map.find("abcd") == map.end());

  // Each erase lets two runs join again.
  EXPECT_TRUE(map.erase("ab"));
  EXPECT_EQ(map.tree().node_count(), 3U);  // "" -a-> "a" -bc-> "abc"
  EXPECT_TRUE(map.erase("a"));
  EXPECT_EQ(map.tree().node_count(), 2U);  // "" -abc-> "abc"
  EXPECT_FALSE(map.erase("a"));
  EXPECT_TRUE(map.erase("abc"));
  EXPECT_EQ(map.tree().node_count(), 1U);  // the root, still the key ""
  EXPECT_EQ(keys_forward(map), (std::vector<std::string>{""}));
  EXPECT_TRUE(map.erase(""));
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.tree().node_count(), 1U);
}

TEST(RadixTree, ARunSplitsWhereANewKeyLeavesItAndJoinsWhenItGoes) {
  StringMap map = map_of({"abcd"});
  EXPECT_EQ(map.tree().node_count(), 2U);  // root run "abcd", leaf
  const std::size_t bytes_before = map.tree().memory_bytes();

  map.insert("ab", 0);  // ends inside the run: "ab" -> [key "ab"] "cd" -> leaf
  EXPECT_EQ(map.tree().node_count(), 3U);
  map.insert("abx", 0);                    // leaves the run: "ab" -> key branch c/x
  EXPECT_EQ(map.tree().node_count(), 5U);  // root, branch, run "d", two leaves
  EXPECT_EQ(keys_forward(map), (std::vector<std::string>{"ab", "abcd", "abx"}));

  EXPECT_TRUE(map.erase("abx"));
  EXPECT_TRUE(map.erase("ab"));
  EXPECT_EQ(map.tree().node_count(), 2U);
  EXPECT_EQ(map.tree().memory_bytes(), bytes_before);

  map.insert("x", 0);  // nothing shared: the root becomes a branch a/x
  EXPECT_EQ(map.tree().node_count(), 4U);
  EXPECT_EQ(keys_forward(map), (std::vector<std::string>{"abcd", "x"}));
}

TEST(RadixTree, InsertingAnExistingKeyKeepsTheOldValue) {
  StringMap map;
  EXPECT_TRUE(map.insert("k", 1).second);
  const auto [it, added] = map.insert("k", 2);
  EXPECT_FALSE(added);
  EXPECT_EQ(it->second, 1);
  EXPECT_EQ(map.size(), 1U);
}

TEST(RadixTree, EverySeekAtBetweenBeforeAndAfterKeys) {
  const std::vector<std::string> keys = {"b", "bd", "bdf", "d", "d\xff", "f"};
  const StringMap map = map_of(keys);
  std::map<std::string, int> model;
  for (const auto& key : keys) model[key] = 0;
  const std::vector<std::string> targets = {
      "",   "a",   "b", "ba",    "bc",    "bd",        "bde", "bdf", "bdg",
      "be", "c",   "d", "d\x01", "d\xff", "d\xff\x01", "e",   "f",   std::string("f\0", 2),
      "g",  "\xff"};
  for (const auto& target : targets)
    for (const RadixSeek how : kAllSeeks)
      EXPECT_EQ(tree_seek(map, how, target), model_seek(model, how, target))
          << "seek " << static_cast<int>(how) << " '" << target << "'";

  // A few spelled out.
  EXPECT_EQ(tree_seek(map, RadixSeek::ge, std::string("bc")), "bd");
  EXPECT_EQ(tree_seek(map, RadixSeek::le, std::string("bc")), "b");
  EXPECT_EQ(tree_seek(map, RadixSeek::lt, std::string("b")), std::nullopt);
  EXPECT_EQ(tree_seek(map, RadixSeek::gt, std::string("f")), std::nullopt);
  EXPECT_EQ(tree_seek(map, RadixSeek::le, std::string("\xff")), "f");
}

TEST(RadixTree, StepsFromTheEndAndPastTheFirstKey) {
  StringMap map = map_of({"a", "b"});
  auto it = map.end();
  --it;
  EXPECT_EQ(it->first, "b");
  --it;
  EXPECT_EQ(it->first, "a");
  --it;
  EXPECT_TRUE(it == map.end());  // before the first key is the end
  it = map.begin();
  it = map.erase(it);  // returns the key after
  EXPECT_EQ(it->first, "b");
  it = map.erase(it);
  EXPECT_TRUE(it == map.end());
  EXPECT_TRUE(map.empty());
}

TEST(RadixTree, StreamIDsInRandomOrderComeOutInIDOrder) {
  std::mt19937_64 rng(12);
  std::map<StreamID, int> model;
  RadixMap<int, IDKeys> map;
  // Dense millisecond IDs like XADD's, plus a few far apart.
  for (int i = 0; i < 3000; ++i) {
    const StreamID id =
        i % 10 == 0 ? StreamID{rng(), rng()} : StreamID{1700000000000 + rng() % 5000, rng() % 300};
    const int value = static_cast<int>(i);
    EXPECT_EQ(map.insert(id, value).second, model.emplace(id, value).second);
  }
  ASSERT_EQ(map.size(), model.size());
  auto expected = model.begin();
  for (const auto& [id, value] : map) {
    ASSERT_EQ(id, expected->first);
    EXPECT_EQ(value, expected->second);
    ++expected;
  }
  auto back = model.rbegin();
  for (auto it = map.end(); it != map.begin(); ++back) {
    --it;
    ASSERT_EQ(it->first, back->first);
  }
  for (int i = 0; i < 2000; ++i) {
    const StreamID target{1700000000000 + rng() % 5100, rng() % 310};
    for (const RadixSeek how : kAllSeeks)
      ASSERT_EQ(tree_seek(map, how, target), model_seek(model, how, target));
  }
  // Down to empty, in random order.
  std::vector<StreamID> ids;
  ids.reserve(model.size());
  for (const auto& [id, value] : model) ids.push_back(id);
  std::shuffle(ids.begin(), ids.end(), rng);
  for (const StreamID id : ids) ASSERT_TRUE(map.erase(id));
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.tree().node_count(), 1U);
}

// Masters as 1,000,000 XADDs of "*" make them (100 entries per node, a few
// hundred entries per millisecond): the shared bytes are stored once, so the
// tree stays near two nodes and under 64 bytes per key (radix_tree.h).
TEST(RadixTree, DenseStreamMastersShareTheirPrefixes) {
  RadixMap<int, IDKeys> map;
  for (std::uint64_t i = 0; i < 10000; ++i) {
    const std::uint64_t entry = i * 100;  // the first entry of node i
    map.insert(StreamID{1796133814142 + entry / 417, entry % 417}, 0);
  }
  const double nodes_per_key = static_cast<double>(map.tree().node_count()) / 10000;
  EXPECT_GT(nodes_per_key, 1.0);
  EXPECT_LT(nodes_per_key, 2.5);                      // 1.96 when written
  EXPECT_LT(map.tree().memory_bytes() / 10000, 64U);  // 51 when written
}

// A fixed seed, bounded size: inserts, erases, finds and seeks on keys of
// 0 to 6 bytes from a 4-letter alphabet (so prefixes are shared a lot), with
// the whole order checked both ways and the shape compared with a tree built
// from scratch (the shape must depend only on the keys).
TEST(RadixTree, RandomOperationsAgreeWithStdMap) {
  std::mt19937 rng(2024);
  const auto random_key = [&] {
    std::string key(rng() % 7, ' ');
    for (char& c : key) c = "ab\x00\xff"[rng() % 4];
    return key;
  };
  std::map<std::string, int> model;
  StringMap map;
  const std::size_t empty_bytes = map.tree().memory_bytes();
  for (int step = 0; step < 20000; ++step) {
    const std::string key = random_key();
    switch (rng() % 4) {
      case 0:
      case 1: {
        const bool added = map.insert(key, step).second;
        ASSERT_EQ(added, model.emplace(key, step).second);
        break;
      }
      case 2: ASSERT_EQ(map.erase(key), model.erase(key) == 1); break;
      default: {
        const auto found = map.find(key);
        const auto expected = model.find(key);
        ASSERT_EQ(found == map.end(), expected == model.end());
        if (expected != model.end()) {
          ASSERT_EQ(found->second, expected->second);
        }
        for (const RadixSeek how : kAllSeeks)
          ASSERT_EQ(tree_seek(map, how, key), model_seek(model, how, key));
      }
    }
    ASSERT_EQ(map.size(), model.size());
    if (step % 500 == 0) {
      std::vector<std::string> expected;
      expected.reserve(model.size());
      for (const auto& [k, v] : model) expected.push_back(k);
      ASSERT_EQ(keys_forward(map), expected);
      std::reverse(expected.begin(), expected.end());
      ASSERT_EQ(keys_backward(map), expected);
      const StringMap fresh = map_of(keys_forward(map));
      ASSERT_EQ(map.tree().node_count(), fresh.tree().node_count()) << "step " << step;
    }
  }
  while (!model.empty()) {
    ASSERT_TRUE(map.erase(model.begin()->first));
    model.erase(model.begin());
  }
  EXPECT_EQ(map.tree().node_count(), 1U);
  EXPECT_EQ(map.tree().memory_bytes(), empty_bytes);
}

TEST(RadixTree, MovedMapsOwnTheirValues) {
  StringMap a = map_of({"x", "y"});
  StringMap b = std::move(a);
  EXPECT_EQ(keys_forward(b), (std::vector<std::string>{"x", "y"}));
  a = map_of({"z"});
  EXPECT_EQ(keys_forward(a), (std::vector<std::string>{"z"}));
  b = std::move(a);
  EXPECT_EQ(keys_forward(b), (std::vector<std::string>{"z"}));
}

}  // namespace
}  // namespace mini_redis::types
