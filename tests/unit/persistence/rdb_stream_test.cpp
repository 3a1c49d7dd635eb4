// Streams in RDB (type 19) and DUMP payloads: what Redis 7.0.15 dumped loads
// with every counter, group, PEL entry and consumer, DUMP of it gives back
// Redis's bytes, a stream built here survives the round trip, and corrupt
// payloads are refused (never a crash).
#include "persistence/rdb_stream.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/crc64.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_value_decoder.h"
#include "persistence/rdb_writer.h"
#include "storage/keyspace.h"
#include "types/stream.h"
#include "types/stream_group.h"

namespace mini_redis::persistence {
namespace {

using types::StreamID;

std::string from_hex(std::string_view hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

// <value> + RDB version 10 + CRC64, as DUMP frames it.
std::string framed(std::string value) {
  value += std::string("\x0a\x00", 2);
  const std::uint64_t crc = crc64(0, value);
  for (int i = 0; i < 8; ++i) value.push_back(static_cast<char>(crc >> (8 * i)));
  return value;
}

// XADD s2 5-1 name ann age 30; XADD s2 5-2 name bob age 41; XADD s2 7-0 other x;
// XDEL s2 5-2; XGROUP CREATE s2 grp 0; XREADGROUP GROUP grp c1 COUNT 2 STREAMS
// s2 >; XGROUP CREATECONSUMER s2 grp c2; DUMP s2 (Redis 7.0.15).
constexpr std::string_view kRedisDump =
    "13011000000000000000050000000000000001404d4d0000001900020101010201846e616d65058361676504"
    "000102010001000183616e6e041e01050103010001010183626f62042901050100010201dfff020101856f74"
    "686572068178020601ff020700050105020301036772700700030200000000000000050000000000000001e0"
    "835331a20100000100000000000000070000000000000000e0835331a20100000102026331e0835331a20100"
    "000200000000000000050000000000000001000000000000000700000000000000000263325e845331a20100"
    "00000a0070d01e35d6b9e7a5";

constexpr std::int64_t kDelivered = 1796123886560;

TEST(RdbStreamTest, LoadsWhatRedisDumpedWithGroupsAndPendingEntries) {
  auto entry = restore_payload("k", from_hex(kRedisDump), RdbLoadOptions{});
  ASSERT_TRUE(entry) << entry.error();
  const auto& stream = (*entry)->object<types::Stream>();
  EXPECT_EQ(stream.length(), 2U);
  EXPECT_EQ(stream.last_id(), (StreamID{7, 0}));
  EXPECT_EQ(stream.first_id(), (StreamID{5, 1}));
  EXPECT_EQ(stream.max_deleted_id(), (StreamID{5, 2}));
  EXPECT_EQ(stream.entries_added(), 3U);
  types::StreamEntry found;
  EXPECT_TRUE(stream.find({7, 0}, found));
  EXPECT_FALSE(stream.find({5, 2}, found));  // the XDEL hole
  ASSERT_NE(stream.groups(), nullptr);
  const types::ConsumerGroup* group = stream.groups()->find("grp");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->last_delivered_id(), (StreamID{7, 0}));
  EXPECT_EQ(group->entries_read(), 3);
  ASSERT_EQ(group->pel().size(), 2U);
  const types::PendingEntry& first = group->pel().at({5, 1});
  EXPECT_EQ(first.delivery_time_ms, kDelivered);
  EXPECT_EQ(first.delivery_count, 1U);
  EXPECT_EQ(first.owner->name, "c1");
  ASSERT_EQ(group->consumers().size(), 2U);
  EXPECT_EQ(group->consumers().at("c1").pending.size(), 2U);
  EXPECT_EQ(group->consumers().at("c2").seen_time_ms, 1796123886686);
  EXPECT_TRUE(group->consumers().at("c2").pending.empty());
  // DUMP of what was loaded is Redis's payload, byte for byte.
  EXPECT_EQ(dump_payload(**entry, true), from_hex(kRedisDump));
}

TEST(RdbStreamTest, AStreamBuiltHereSurvivesTheRoundTrip) {
  types::Stream stream;
  const types::StreamNodeLimits limits{4096, 3};  // several nodes
  for (std::uint64_t i = 1; i <= 10; ++i) {
    const std::string value = std::to_string(i * 1000);
    const std::array<std::string_view, 4> parts{"f", value, i % 3 == 0 ? "g" : "f2", "v"};
    stream.append({i, i}, parts, limits);
  }
  stream.erase({4, 4});
  stream.erase({10, 10});
  types::ConsumerGroup* group = stream.ensure_groups().create("g", {6, 6}, 6);
  bool created = false;
  types::Consumer& alice = group->find_or_create_consumer("alice", 111, created);
  group->deliver_new({2, 2}, alice, 222);
  group->deliver_new({3, 3}, alice, 333);
  group->find_or_create_consumer("bob", 444, created);
  stream.ensure_groups().create("empty", {0, 0}, types::kInvalidEntriesRead);

  storage::ManualClock clock{0};
  storage::Keyspace keyspace{clock};
  keyspace.db(0).add("s", std::move(stream));
  const storage::Entry* original = keyspace.db(0).peek("s");
  ASSERT_NE(original, nullptr);
  const std::string payload = dump_payload(*original, true);
  auto loaded = restore_payload("s", payload, RdbLoadOptions{});
  ASSERT_TRUE(loaded) << loaded.error();
  const auto& copy = (*loaded)->object<types::Stream>();
  EXPECT_EQ(copy.length(), 8U);
  EXPECT_EQ(copy.last_id(), (StreamID{10, 10}));
  EXPECT_EQ(copy.max_deleted_id(), (StreamID{10, 10}));
  // Nodes of 3: 1-3, 4-6, 7-9; 10-10 was alone in the fourth, which went
  // away with it.
  EXPECT_EQ(copy.node_count(), 3U);
  EXPECT_EQ(copy.groups()->find("empty")->entries_read(), types::kInvalidEntriesRead);
  EXPECT_EQ(copy.groups()->find("g")->pel().at({3, 3}).delivery_time_ms, 333);
  EXPECT_EQ(copy.groups()->find("g")->consumers().at("bob").seen_time_ms, 444);
  std::vector<std::string> ids;
  copy.for_each_in_range(StreamID::min(), StreamID::max(), 0, false,
                         [&](const types::StreamEntry& e) {
                           ids.push_back(e.id.to_string());
                           return true;
                         });
  EXPECT_EQ(ids,
            (std::vector<std::string>{"1-1", "2-2", "3-3", "5-5", "6-6", "7-7", "8-8", "9-9"}));
  EXPECT_EQ(dump_payload(**loaded, true), payload);
  EXPECT_EQ(dump_payload(**loaded, false), dump_payload(*original, false));
}

TEST(RdbStreamTest, CorruptPayloadsAreRefusedNeverLoadedHalfway) {
  const std::string good = from_hex(kRedisDump);
  const std::string value = good.substr(0, good.size() - 10);
  // Cut anywhere: always an error. (Decoded alone: RESTORE, like Redis,
  // decodes with the footer's 10 bytes behind the value, which a cut value
  // may happen to read as its last counters.)
  for (std::size_t cut = 1; cut < value.size(); ++cut) {
    RdbInput in(std::string_view(value).substr(1, cut - 1));
    EXPECT_FALSE(decode_value(in, value[0], "k", RdbLoadOptions{})) << cut;
    EXPECT_FALSE(in.ok()) << cut;
  }
  // Every byte changed, with a valid checksum: an error or a consistent
  // stream, never a crash (the sanitizer build would catch a bad read).
  std::size_t refused = 0;
  for (std::size_t at = 1; at < value.size(); ++at) {
    for (const int delta : {1, 0x40, 0x80}) {
      std::string bad = value;
      bad[at] = static_cast<char>(bad[at] + delta);
      auto entry = restore_payload("k", framed(bad), RdbLoadOptions{});
      if (!entry) {
        ++refused;
        continue;
      }
      const auto& stream = (*entry)->object<types::Stream>();
      std::uint64_t walked =
          stream.for_each_in_range(StreamID::min(), StreamID::max(), 0, false,
                                   [](const types::StreamEntry&) { return true; });
      EXPECT_EQ(walked, stream.length()) << at;
    }
  }
  EXPECT_GT(refused, value.size());
}

TEST(RdbStreamTest, PelConsistencyIsChecked) {
  const std::string good = from_hex(kRedisDump);
  std::string value = good.substr(0, good.size() - 10);
  // The consumer c1's second pending ID 7-0 (after "c1", seen time, count
  // 2 and 5-1) becomes 7-1: not in the group PEL.
  const std::string c1 = std::string(
      "\x02"
      "c1",
      3);
  const std::size_t at = value.find(c1);
  ASSERT_NE(at, std::string::npos);
  const std::size_t second_id_seq_last = at + 3 + 8 + 1 + 16 + 15;
  std::string missing = value;
  missing[second_id_seq_last] = 1;
  EXPECT_EQ(restore_payload("k", framed(missing), RdbLoadOptions{}).error(), kBadDataFormatError);
  // c1 lists 5-1 twice: 7-0 is then owned by nobody.
  std::string twice = value;
  twice.replace(at + 3 + 8 + 1 + 16, 16, value.substr(at + 3 + 8 + 1, 16));
  EXPECT_EQ(restore_payload("k", framed(twice), RdbLoadOptions{}).error(), kBadDataFormatError);
  EXPECT_TRUE(restore_payload("k", framed(value), RdbLoadOptions{}));
}

TEST(RdbStreamTest, AFileWithStreamsLoadsBackBesideOtherKeys) {
  storage::ManualClock clock{0};
  storage::Keyspace keyspace{clock};
  keyspace.db(0).set("before", "x");
  auto loaded = restore_payload("s", from_hex(kRedisDump), RdbLoadOptions{});
  ASSERT_TRUE(loaded);
  keyspace.db(0).add("s", (*loaded)->object<types::Stream>().clone());
  keyspace.db(0).add("empty", types::Stream{});
  keyspace.db(0).set("after", "y");
  std::string file;
  ASSERT_TRUE(write_rdb(keyspace, 0, RdbWriteOptions{}, [&file](std::string_view chunk) {
    file.append(chunk);
    return true;
  }));
  storage::ManualClock clock2{0};
  storage::Keyspace copy{clock2};
  auto stats = load_rdb(file, copy, 0, RdbLoadOptions{});
  ASSERT_TRUE(stats) << stats.error();
  EXPECT_EQ(copy.db(0).size(), 4U);  // no key left out, none lost after a stream
  const storage::Entry* s = copy.db(0).peek("s");
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->type(), storage::ValueType::stream);
  EXPECT_EQ(dump_payload(*s, true), from_hex(kRedisDump));
  const storage::Entry* empty = copy.db(0).peek("empty");
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->object<types::Stream>().length(), 0U);
  EXPECT_NE(copy.db(0).peek("after"), nullptr);
}

TEST(RdbStreamTest, TheRedis6FormWithoutTheLagCountersLoadsWithEstimates) {
  // kRedisDump's value as type 15 (Redis 5 and 6): without first ID, max
  // deleted ID and entries-added (bytes 101..105) and without the group's
  // entries-read (byte 113).
  const std::string v = from_hex(kRedisDump);
  ASSERT_EQ(v.substr(107, 4), "\x03grp");
  const std::string old = "\x0f" + v.substr(1, 100) + v.substr(106, 7) + v.substr(114, 222 - 114);
  auto entry = restore_payload("k", framed(old), RdbLoadOptions{});
  ASSERT_TRUE(entry) << entry.error();
  const auto& stream = (*entry)->object<types::Stream>();
  EXPECT_EQ(stream.length(), 2U);
  EXPECT_EQ(stream.entries_added(), 2U);  // Redis 7.0 starts counting at the length
  EXPECT_EQ(stream.first_id(), (StreamID{5, 1}));
  EXPECT_EQ(stream.max_deleted_id(), (StreamID{0, 0}));
  // The group read up to the last ID: everything, as far as can be told.
  EXPECT_EQ(stream.groups()->find("grp")->entries_read(), 2);
  EXPECT_EQ(stream.groups()->find("grp")->pel().size(), 2U);
}
}  // namespace
}  // namespace mini_redis::persistence
