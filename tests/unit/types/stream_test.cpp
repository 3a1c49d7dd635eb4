// Stream: the node codec (bytes equal to Redis 7.0.15's DUMP), append and ID
// choice, delete, range walks both ways, trims by MAXLEN / MINID exact and
// "~" (whole nodes only), node splits at 100 entries and 4096 bytes, and
// agreement with a simple model over many operations.
#include "types/stream.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "types/stream_group.h"

namespace mini_redis::types {
namespace {

using Fields = std::vector<std::string_view>;
const StreamNodeLimits kDefaults;  // 4096 bytes, 100 entries

std::string hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::vector<StreamID> ids_of(const Stream& s, StreamID start, StreamID end, bool reverse,
                             std::size_t count = 0) {
  std::vector<StreamID> ids;
  s.for_each_in_range(start, end, count, reverse, [&](const StreamEntry& e) {
    ids.push_back(e.id);
    return true;
  });
  return ids;
}

std::vector<std::string> texts(const StreamEntry& e) {
  std::vector<std::string> out;
  for (const ListpackEntry& part : e.fields_and_values) out.push_back(part.to_string());
  return out;
}

StreamTrim maxlen(std::uint64_t n, bool approx = false, std::uint64_t limit = 0) {
  StreamTrim trim;
  trim.maxlen = n;
  trim.approx = approx;
  trim.limit = limit;
  return trim;
}

StreamTrim minid(StreamID id, bool approx = false) {
  StreamTrim trim;
  trim.strategy = StreamTrim::Strategy::minid;
  trim.minid = id;
  trim.approx = approx;
  return trim;
}

// A stream of `n` entries i-1 (i = 1..n), each {"f": i}.
Stream numbered(std::uint64_t n, const StreamNodeLimits& limits = kDefaults) {
  Stream s;
  for (std::uint64_t i = 1; i <= n; ++i) {
    const std::string value = std::to_string(i);
    const Fields fv{"f", value};
    s.append({i, 1}, fv, limits);
  }
  return s;
}

// The bytes of Redis 7.0.15's node for XADD s 5-10 a 1 b hello / XADD s 6-0
// a 2 b x / XADD s 7-3 c 300 / XDEL s 6-0, taken from DUMP s (rdbcompression
// no). It shows the master entry, SAMEFIELDS (flag 2), a negative seq delta
// (6-0 against 5-10: -10 = df f6), an entry with its own fields, and the
// DELETED flag (3) with count 2 / deleted 1.
TEST(StreamNode, BytesEqualRedisDump) {
  Stream s;
  s.append({5, 10}, Fields{"a", "1", "b", "hello"}, kDefaults);
  s.append({6, 0}, Fields{"a", "2", "b", "x"}, kDefaults);
  s.append({7, 3}, Fields{"c", "300"}, kDefaults);
  ASSERT_TRUE(s.erase({6, 0}));
  ASSERT_EQ(s.nodes().size(), 1U);
  EXPECT_EQ(s.nodes().begin()->first, (StreamID{5, 10}));
  EXPECT_EQ(hex(s.nodes().begin()->second.bytes()),
            "450000001900020101010201816102816202000102010001000101018568656c6c6f0605010301"
            "0101dff6020201817802050100010201dff9020101816302c12c020601ff");
  EXPECT_EQ(s.length(), 2U);
  EXPECT_EQ(s.first_id(), (StreamID{5, 10}));
  EXPECT_EQ(s.last_id(), (StreamID{7, 3}));
  EXPECT_EQ(s.max_deleted_id(), (StreamID{6, 0}));
  EXPECT_EQ(s.entries_added(), 3U);
}

TEST(StreamNode, EntriesReadBackWithMasterAndOwnFields) {
  Stream s;
  s.append({5, 10}, Fields{"a", "1", "b", "hello"}, kDefaults);
  s.append({6, 0}, Fields{"a", "2", "b", "x"}, kDefaults);
  s.append({7, 3}, Fields{"c", "300"}, kDefaults);
  StreamEntry e;
  ASSERT_TRUE(s.find({6, 0}, e));
  EXPECT_EQ(texts(e), (std::vector<std::string>{"a", "2", "b", "x"}));
  ASSERT_TRUE(s.find({7, 3}, e));
  EXPECT_EQ(texts(e), (std::vector<std::string>{"c", "300"}));
  EXPECT_FALSE(s.find({7, 2}, e));
  EXPECT_FALSE(s.find({8, 0}, e));
}

TEST(Stream, IdForAppendFollowsRedisRules) {
  Stream s;
  StreamID id;
  ASSERT_TRUE(s.id_for_append(StreamIDKind::automatic, {}, 1000, id));
  EXPECT_EQ(id, (StreamID{1000, 0}));
  s.append({1000, 5}, Fields{"f", "v"}, kDefaults);
  // The clock behind the last ID: last + 1.
  ASSERT_TRUE(s.id_for_append(StreamIDKind::automatic, {}, 999, id));
  EXPECT_EQ(id, (StreamID{1000, 6}));
  ASSERT_TRUE(s.id_for_append(StreamIDKind::seq_auto, {1000, 0}, 0, id));
  EXPECT_EQ(id, (StreamID{1000, 6}));
  ASSERT_TRUE(s.id_for_append(StreamIDKind::seq_auto, {1001, 0}, 0, id));
  EXPECT_EQ(id, (StreamID{1001, 0}));
  EXPECT_FALSE(s.id_for_append(StreamIDKind::seq_auto, {999, 0}, 0, id));
  EXPECT_FALSE(s.id_for_append(StreamIDKind::explicit_id, {1000, 5}, 0, id));
  EXPECT_TRUE(s.id_for_append(StreamIDKind::explicit_id, {1000, 6}, 0, id));
  s.set_last_id(StreamID::max());
  EXPECT_FALSE(s.id_for_append(StreamIDKind::automatic, {}, 5, id));
}

TEST(Stream, RangesBothWaysAcrossNodes) {
  const Stream s = numbered(250);  // nodes of 100, 100, 50
  EXPECT_EQ(s.nodes().size(), 3U);
  std::vector<StreamID> expected;
  for (std::uint64_t i = 95; i <= 205; ++i) expected.push_back({i, 1});
  EXPECT_EQ(ids_of(s, {95, 0}, {205, 1}, false), expected);
  std::vector<StreamID> reversed(expected.rbegin(), expected.rend());
  EXPECT_EQ(ids_of(s, {95, 0}, {205, 1}, true), reversed);
  // Bounds between IDs, counts, empty ranges.
  EXPECT_EQ(ids_of(s, {95, 2}, {97, 0}, false), (std::vector<StreamID>{{96, 1}}));
  EXPECT_EQ(ids_of(s, StreamID::min(), StreamID::max(), true, 2),
            (std::vector<StreamID>{{250, 1}, {249, 1}}));
  EXPECT_TRUE(ids_of(s, {300, 0}, StreamID::max(), false).empty());
  EXPECT_TRUE(ids_of(s, StreamID::min(), {0, 5}, true).empty());
  EXPECT_TRUE(ids_of(s, {10, 0}, {5, 0}, false).empty());
}

TEST(Stream, DeleteUpdatesCountersAndDropsEmptyNodes) {
  Stream s = numbered(150);
  ASSERT_TRUE(s.erase({1, 1}));
  EXPECT_FALSE(s.erase({1, 1}));  // already deleted
  EXPECT_FALSE(s.erase({1, 2}));  // never existed
  EXPECT_EQ(s.first_id(), (StreamID{2, 1}));
  EXPECT_EQ(s.length(), 149U);
  for (std::uint64_t i = 101; i <= 150; ++i) ASSERT_TRUE(s.erase({i, 1}));
  EXPECT_EQ(s.nodes().size(), 1U);  // the second node lost its last entry
  EXPECT_EQ(s.max_deleted_id(), (StreamID{150, 1}));
  EXPECT_EQ(s.last_id(), (StreamID{150, 1}));  // the last ID never goes back
  EXPECT_EQ(ids_of(s, StreamID::min(), StreamID::max(), true, 1),
            (std::vector<StreamID>{{100, 1}}));
  for (std::uint64_t i = 2; i <= 100; ++i) ASSERT_TRUE(s.erase({i, 1}));
  EXPECT_EQ(s.length(), 0U);
  EXPECT_EQ(s.first_id(), StreamID::min());
  EXPECT_TRUE(s.nodes().empty());
}

TEST(Stream, NodeSplitsAtHundredEntriesCountingDeleted) {
  Stream s = numbered(100);
  ASSERT_TRUE(s.erase({50, 1}));
  EXPECT_EQ(s.nodes().size(), 1U);
  s.append({101, 1}, Fields{"f", "x"}, kDefaults);  // 99 live + 1 deleted = full
  EXPECT_EQ(s.nodes().size(), 2U);
  EXPECT_EQ(std::prev(s.nodes().end())->first, (StreamID{101, 1}));
}

TEST(Stream, NodeSplitsAtMaxBytes) {
  // Redis opens a new node when node bytes + raw field/value bytes >= 4096.
  Stream s;
  const std::string big(1000, 'x');
  for (std::uint64_t i = 1; i <= 5; ++i) s.append({i, 0}, Fields{"f", big}, kDefaults);
  // Each entry takes ~1012 bytes (the value 1004 with its header and
  // backlen, flags, deltas, lp-count): after four the node has ~4070 bytes
  // and 4070 + 1001 >= 4096. Redis 7.0.15 (DUMP's node count) agrees: the
  // fifth entry starts the second node.
  EXPECT_EQ(s.nodes().size(), 2U);
  EXPECT_EQ(std::prev(s.nodes().end())->first, (StreamID{5, 0}));
  // Limits of 0 mean "unlimited" (bytes capped at 1 GiB).
  Stream unlimited = numbered(300, StreamNodeLimits{0, 0});
  EXPECT_EQ(unlimited.nodes().size(), 1U);
}

TEST(Stream, ExactMaxlenTrimMarksEntriesInsideANode) {
  Stream s = numbered(250);
  EXPECT_EQ(s.trim(maxlen(120)), 130U);
  EXPECT_EQ(s.length(), 120U);
  EXPECT_EQ(s.first_id(), (StreamID{131, 1}));
  EXPECT_EQ(s.nodes().size(), 2U);  // first node whole, 30 marked in the second
  EXPECT_EQ(ids_of(s, StreamID::min(), StreamID::max(), false, 1),
            (std::vector<StreamID>{{131, 1}}));
  EXPECT_EQ(s.max_deleted_id(), StreamID::min());  // trims do not move it
}

TEST(Stream, ApproxTrimRemovesWholeNodesOnly) {
  Stream s = numbered(250);
  // MAXLEN ~ 120: dropping node 1 leaves 150 >= 120; node 2 would leave 50.
  EXPECT_EQ(s.trim(maxlen(120, true)), 100U);
  EXPECT_EQ(s.length(), 150U);
  // MAXLEN ~ 0 with LIMIT 120: one node (100), the next would pass 120.
  EXPECT_EQ(s.trim(maxlen(0, true, 120)), 100U);
  EXPECT_EQ(s.length(), 50U);
  EXPECT_EQ(s.first_id(), (StreamID{201, 1}));
}

TEST(Stream, MinidTrimExactAndApprox) {
  Stream s = numbered(250);
  EXPECT_EQ(s.trim(minid({150, 0}, true)), 100U);  // node 1 ends at 100-1 < 150-0; node 2 does not
  EXPECT_EQ(s.trim(minid({150, 1})), 49U);
  EXPECT_EQ(s.first_id(), (StreamID{150, 1}));
  // Trimming everything records 0-0 as the first ID (XINFO STREAM's
  // recorded-first-entry-id on Redis 7.0.15).
  EXPECT_EQ(s.trim(minid(StreamID::max())), 101U);
  EXPECT_EQ(s.length(), 0U);
  EXPECT_EQ(s.first_id(), StreamID::min());
  EXPECT_TRUE(s.nodes().empty());
}

TEST(Stream, ExactMinidTrimKeepsANodeWhoseLastEntryIsDeleted) {
  // XADD t 5 / XADD t 6 / XDEL t 6 / XTRIM t MINID 6: the node's last entry
  // (6-0, deleted) is not below 6-0, so the node is walked, 5-0 is marked
  // deleted, and the node stays with no live entry (Redis 7.0.15's XINFO
  // shows radix-tree-keys 1, length 0). A later XADD goes into it.
  Stream s;
  s.append({5, 0}, Fields{"a", "1"}, kDefaults);
  s.append({6, 0}, Fields{"a", "1"}, kDefaults);
  ASSERT_TRUE(s.erase({6, 0}));
  EXPECT_EQ(s.trim(minid({6, 0})), 1U);
  EXPECT_EQ(s.length(), 0U);
  EXPECT_EQ(s.nodes().size(), 1U);
  s.append({7, 0}, Fields{"a", "1"}, kDefaults);
  EXPECT_EQ(s.nodes().size(), 1U);
  EXPECT_EQ(s.first_id(), (StreamID{7, 0}));
  EXPECT_EQ(ids_of(s, StreamID::min(), StreamID::max(), false), (std::vector<StreamID>{{7, 0}}));
}

TEST(Stream, CloneIsDeepAndCopiesGroups) {
  Stream s = numbered(120);
  s.ensure_groups().create("g", {5, 0}, 5);
  Stream copy = s.clone();
  ASSERT_TRUE(s.erase({1, 1}));
  EXPECT_EQ(copy.length(), 120U);
  EXPECT_EQ(copy.first_id(), (StreamID{1, 1}));
  ASSERT_NE(copy.groups(), nullptr);
  EXPECT_NE(copy.groups(), s.groups());
  EXPECT_NE(copy.groups()->find("g"), nullptr);
  EXPECT_GT(copy.memory_bytes(), 120U * 4);
}

// Random appends, deletes and exact trims against a std::map model.
TEST(Stream, AgreesWithModel) {
  std::mt19937_64 rng(12);
  Stream s;
  std::map<StreamID, std::string> model;
  const StreamNodeLimits small{256, 7};
  std::uint64_t ms = 1;
  for (int step = 0; step < 4000; ++step) {
    const int op = static_cast<int>(rng() % 10);
    if (op < 6) {
      ms += rng() % 3;
      StreamID id;
      ASSERT_TRUE(s.id_for_append(StreamIDKind::seq_auto, {ms, 0}, 0, id));
      const std::string value = std::to_string(rng() % 1000);
      const bool other = rng() % 4 == 0;
      s.append(id, Fields{other ? "g" : "f", value}, small);
      model[id] = value;
    } else if (op < 9 && !model.empty()) {
      auto it = model.begin();
      std::advance(it, static_cast<long>(rng() % model.size()));
      ASSERT_TRUE(s.erase(it->first));
      model.erase(it);
    } else {
      const std::uint64_t keep = model.size() * 3 / 4;
      s.trim(maxlen(keep));
      while (model.size() > keep) model.erase(model.begin());
    }
    ASSERT_EQ(s.length(), model.size());
  }
  std::vector<StreamID> expected;
  for (const auto& [id, value] : model) expected.push_back(id);
  EXPECT_EQ(ids_of(s, StreamID::min(), StreamID::max(), false), expected);
  StreamEntry e;
  for (const auto& [id, value] : model) {
    ASSERT_TRUE(s.find(id, e));
    ASSERT_EQ(e.fields_and_values[1].to_string(), value);
  }
}

}  // namespace
}  // namespace mini_redis::types
