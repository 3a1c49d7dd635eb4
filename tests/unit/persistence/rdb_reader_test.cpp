// The RDB reader against files and DUMP payloads that Redis 7.0.15 wrote
// (fixtures/make_fixtures.sh made the .rdb files; the hex payloads are what
// DUMP answered), and against malformed input: truncated, flipped, lying
// about its lengths. Time is a ManualClock and an explicit `now_ms`.
#include "persistence/rdb_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "persistence/crc64.h"
#include "storage/keyspace.h"
#include "types/hash.h"
#include "types/quicklist.h"
#include "types/set.h"
#include "types/sorted_set.h"

namespace mini_redis::persistence {
namespace {

using storage::Encoding;
using storage::Entry;
using storage::ValueType;

// Before ttl:soon's expire time (2033-05-18), which the fixtures set.
constexpr std::int64_t kLoadTimeMs = 1'700'000'000'000;

std::string read_fixture(const std::string& name) {
  // An absolute path from CMake: __FILE__ is relative to the build directory
  // when ccache rewrites paths (CCACHE_BASEDIR), and tests run elsewhere.
  const auto path = std::filesystem::path(MINI_REDIS_FIXTURES_DIR) / name;
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file) << path;
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string little_endian(std::uint64_t value, std::size_t width) {
  std::string out;
  for (std::size_t i = 0; i < width; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
  return out;
}

// A string as the RDB writes a short one: a 6-bit length and the bytes.
std::string str(std::string_view text) {
  return static_cast<char>(text.size()) + std::string(text);
}

// A whole version-10 file around `body` (AUX fields, SELECTDB, keys...),
// with EOF and a correct checksum.
std::string rdb_file(std::string_view body, std::string_view version = "0010") {
  std::string file = "REDIS" + std::string(version) + std::string(body) + "\xff";
  return file + little_endian(crc64(0, file), 8);
}

// A DUMP payload around `value` (<type><value>): version and CRC64.
std::string dump_payload(std::string_view value, std::uint16_t version = 10) {
  std::string payload = std::string(value) + little_endian(version, 2);
  return payload + little_endian(crc64(0, payload), 8);
}

std::vector<std::string> list_elements(const Entry& entry) {
  std::vector<std::string> out;
  const auto& list = entry.object<types::Quicklist>();
  for (auto it = list.begin(types::ListDirection::kHeadToTail); it; it.advance()) {
    out.push_back(it.entry().to_string());
  }
  return out;
}

std::string hash_get(const Entry& entry, std::string_view field) {
  types::IntText buffer;
  const auto value = entry.object<types::Hash>().get(field, buffer);
  return value ? std::string(*value) : "<absent>";
}

std::set<std::string> set_members(const Entry& entry) {
  std::set<std::string> out;
  entry.object<types::Set>().for_each([&](std::string_view m) { out.emplace(m); });
  return out;
}

std::vector<std::pair<std::string, double>> zset_elements(const Entry& entry) {
  std::vector<std::pair<std::string, double>> out;
  entry.object<types::SortedSet>().for_each(
      [&](std::string_view member, double score) { out.emplace_back(member, score); });
  return out;
}

class RdbReaderTest : public ::testing::Test {
 protected:
  storage::ManualClock clock{kLoadTimeMs};
  storage::Keyspace keyspace{clock};
  RdbLoadOptions options;

  std::expected<RdbLoadStats, std::string> load(std::string_view file,
                                                std::int64_t now_ms = kLoadTimeMs) {
    return load_rdb(file, keyspace, now_ms, options);
  }
  Entry& key(std::string_view name, int db = 0) {
    Entry* entry = keyspace.db(db).lookup_quietly(name);
    EXPECT_NE(entry, nullptr) << name;
    static storage::EntryPtr missing = storage::make_entry("<missing>", "");
    return entry != nullptr ? *entry : *missing;
  }
  void expect_type(std::string_view name, ValueType type, Encoding encoding, int db = 0) {
    const Entry& entry = key(name, db);
    EXPECT_EQ(entry.type(), type) << name;
    EXPECT_EQ(entry.encoding(), encoding) << name;
  }
};

// ---- files written by Redis 7.0.15 ------------------------------------------------------

TEST_F(RdbReaderTest, LoadsASmallFileOfEveryType) {
  const auto stats = load(read_fixture("small.rdb"));
  ASSERT_TRUE(stats) << stats.error();
  EXPECT_EQ(stats->keys_loaded, 8u);
  EXPECT_EQ(stats->keys_expired, 0u);
  ASSERT_FALSE(stats->aux.empty());
  EXPECT_EQ(stats->aux[0], (std::pair<std::string, std::string>{"redis-ver", "7.0.15"}));

  EXPECT_EQ(key("s:int").value(), "42");
  EXPECT_EQ(key("s:int").encoding(), Encoding::integer);
  EXPECT_EQ(key("s:str").value(), "hello");
  EXPECT_EQ(list_elements(key("l:small")), (std::vector<std::string>{"a", "b", "7"}));
  EXPECT_EQ(hash_get(key("h:small"), "f"), "v");
  EXPECT_EQ(hash_get(key("h:small"), "n"), "5");
  EXPECT_EQ(set_members(key("set:ints")), (std::set<std::string>{"1", "2", "3"}));
  EXPECT_EQ(set_members(key("set:strs")), (std::set<std::string>{"x", "y"}));
  EXPECT_EQ(zset_elements(key("z:small")),
            (std::vector<std::pair<std::string, double>>{{"a", 1}, {"b", 2.5}}));
  EXPECT_EQ(key("s:ttl").expire_at_ms(), 4102444800000);
}

// The encodings Redis 7.0.15 reports for these keys after DEBUG RELOAD
// (make_fixtures.sh prints them): the loaded value converts as Redis's does.
TEST_F(RdbReaderTest, EveryKeyTakesTheEncodingRedisReportsAfterLoading) {
  const auto stats = load(read_fixture("all_types.rdb"));
  ASSERT_TRUE(stats) << stats.error();
  EXPECT_EQ(stats->keys_loaded, 29u);
  const struct {
    const char* name;
    ValueType type;
    Encoding encoding;
  } expected[] = {
      {"hash:big", ValueType::hash, Encoding::hashtable},
      {"hash:long", ValueType::hash, Encoding::hashtable},
      {"hash:shrunk", ValueType::hash, Encoding::listpack},
      {"hash:small", ValueType::hash, Encoding::listpack},
      {"list:big", ValueType::list, Encoding::quicklist},
      {"list:plain", ValueType::list, Encoding::quicklist},
      {"list:small", ValueType::list, Encoding::quicklist},
      {"set:big", ValueType::set, Encoding::hashtable},
      {"set:ints", ValueType::set, Encoding::intset},
      {"set:shrunk", ValueType::set, Encoding::intset},
      {"set:strs", ValueType::set, Encoding::hashtable},
      {"str:binary", ValueType::string, Encoding::embstr},
      {"str:embstr", ValueType::string, Encoding::embstr},
      {"str:empty", ValueType::string, Encoding::embstr},
      {"str:int16", ValueType::string, Encoding::integer},
      {"str:int32", ValueType::string, Encoding::integer},
      {"str:int64", ValueType::string, Encoding::integer},
      {"str:int8", ValueType::string, Encoding::integer},
      {"str:lzf", ValueType::string, Encoding::raw},
      {"str:not-canonical", ValueType::string, Encoding::embstr},
      {"str:raw", ValueType::string, Encoding::raw},
      {"ttl:far", ValueType::string, Encoding::embstr},
      {"ttl:hash", ValueType::hash, Encoding::listpack},
      {"ttl:soon", ValueType::string, Encoding::embstr},
      {"zset:big", ValueType::zset, Encoding::skiplist},
      {"zset:shrunk", ValueType::zset, Encoding::listpack},
      {"zset:small", ValueType::zset, Encoding::listpack},
  };
  for (const auto& row : expected) expect_type(row.name, row.type, row.encoding);
  expect_type("db3:key", ValueType::string, Encoding::embstr, 3);
  expect_type("db3:list", ValueType::list, Encoding::quicklist, 3);
  EXPECT_EQ(keyspace.db(0).size(), 27u);
  EXPECT_EQ(keyspace.db(3).size(), 2u);
}

TEST_F(RdbReaderTest, StringsComeBackFromEveryStringEncoding) {
  ASSERT_TRUE(load(read_fixture("all_types.rdb")));
  EXPECT_EQ(key("str:int8").value(), "127");
  EXPECT_EQ(key("str:int16").value(), "-1000");
  EXPECT_EQ(key("str:int32").value(), "2147483647");
  EXPECT_EQ(key("str:int64").value(), "9223372036854775807");
  EXPECT_EQ(key("str:not-canonical").value(), "007");
  EXPECT_EQ(key("str:raw").value(), "the quick brown fox jumps over the lazy dog 0123456789");
  std::string lzf;
  for (int i = 0; i < 50; ++i) lzf += "abcdefgh";
  EXPECT_EQ(key("str:lzf").value(), lzf);
  EXPECT_EQ(key("str:binary").value(), std::string("a\0b\xff", 4));
  EXPECT_EQ(key("str:empty").value(), "");
}

TEST_F(RdbReaderTest, ListsKeepTheirElementsAcrossNodesAndContainers) {
  ASSERT_TRUE(load(read_fixture("all_types.rdb")));
  EXPECT_EQ(list_elements(key("list:small")),
            (std::vector<std::string>{"a", "b", "c", "1", "-2", "3000000000"}));
  const std::vector<std::string> big = list_elements(key("list:big"));
  ASSERT_EQ(big.size(), 3000u);
  EXPECT_EQ(big.front(), "element-number-1");
  EXPECT_EQ(big[1234], "element-number-1235");
  EXPECT_EQ(big.back(), "element-number-3000");
  // Written with list-compress-depth 1: the inner nodes were LZF blobs.
  EXPECT_GT(key("list:big").object<types::Quicklist>().node_count(), 3u);
  // A plain node (one element stored as a string) between two packed ones.
  EXPECT_EQ(list_elements(key("list:plain")),
            (std::vector<std::string>{"small", std::string(150, 'P'), "tail"}));
  EXPECT_EQ(list_elements(key("db3:list", 3)), (std::vector<std::string>{"x"}));
}

TEST_F(RdbReaderTest, ALoadedListIsCompressedToTheConfiguredDepth) {
  options.list_compress_depth = 1;
  ASSERT_TRUE(load(read_fixture("all_types.rdb")));
  const auto& nodes = key("list:big").object<types::Quicklist>().nodes();
  ASSERT_GT(nodes.size(), 2u);
  EXPECT_FALSE(nodes.front().compressed());
  EXPECT_TRUE(std::next(nodes.begin())->compressed());
  EXPECT_FALSE(nodes.back().compressed());
}

TEST_F(RdbReaderTest, HashesSetsAndSortedSetsKeepTheirContents) {
  ASSERT_TRUE(load(read_fixture("all_types.rdb")));
  EXPECT_EQ(hash_get(key("hash:small"), "name"), "redis");
  EXPECT_EQ(hash_get(key("hash:small"), "count"), "10");
  EXPECT_EQ(key("hash:big").object<types::Hash>().size(), 600u);
  EXPECT_EQ(hash_get(key("hash:big"), "field:600"), "600");
  EXPECT_EQ(hash_get(key("hash:long"), "long"), std::string(100, 'L'));
  EXPECT_EQ(key("hash:shrunk").object<types::Hash>().size(), 2u);
  EXPECT_EQ(hash_get(key("hash:shrunk"), "f2"), "v");

  EXPECT_EQ(set_members(key("set:ints")), (std::set<std::string>{"-3", "5", "300", "70000"}));
  EXPECT_EQ(set_members(key("set:strs")), (std::set<std::string>{"apple", "banana", "cherry"}));
  EXPECT_EQ(key("set:big").object<types::Set>().size(), 600u);
  EXPECT_TRUE(key("set:big").object<types::Set>().contains("600"));
  EXPECT_EQ(set_members(key("set:shrunk")), (std::set<std::string>{"1", "2"}));

  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(zset_elements(key("zset:small")),
            (std::vector<std::pair<std::string, double>>{
                {"bottom", -inf}, {"c", -3}, {"a", 1}, {"b", 2.5}, {"top", inf}}));
  const auto& big = key("zset:big").object<types::SortedSet>();
  EXPECT_EQ(big.size(), 200u);
  EXPECT_EQ(big.score("m8"), 2.0);
  EXPECT_EQ(big.rank("m200"), 199u);
  EXPECT_EQ(zset_elements(key("zset:shrunk")),
            (std::vector<std::pair<std::string, double>>{{"m1", 1}, {"m2", 2}}));
}

TEST_F(RdbReaderTest, ExpireTimesAreKeptAndPastOnesSkipped) {
  auto stats = load(read_fixture("all_types.rdb"));
  ASSERT_TRUE(stats);
  EXPECT_EQ(key("ttl:far").expire_at_ms(), 4102444800000);
  EXPECT_EQ(key("ttl:hash").expire_at_ms(), 4102444800123);
  EXPECT_EQ(key("ttl:soon").expire_at_ms(), 2000000000000);
  EXPECT_FALSE(key("str:int8").has_expire());
  EXPECT_EQ(keyspace.db(0).expiring_count(), 3u);

  // Loaded again at ttl:soon's expire ms it is still alive (keyIsExpired is
  // now > when); one ms later it is skipped and counted.
  stats = load(read_fixture("all_types.rdb"), 2000000000000);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->keys_expired, 0u);
  storage::ManualClock later_clock{2000000000001};
  storage::Keyspace later{later_clock};
  stats = load_rdb(read_fixture("all_types.rdb"), later, 2000000000001, options);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->keys_expired, 1u);
  EXPECT_EQ(stats->keys_loaded, 28u);
  EXPECT_EQ(later.db(0).peek("ttl:soon"), nullptr);
}

TEST_F(RdbReaderTest, TheConfiguredLimitsDecideTheEncodings) {
  options.hash_limits.max_listpack_entries = 2;  // hash:small has 3 fields
  options.set_max_intset_entries = 3;            // set:ints has 4 members
  options.zset_limits.max_listpack_entries = 4;  // zset:small has 5
  ASSERT_TRUE(load(read_fixture("all_types.rdb")));
  expect_type("hash:small", ValueType::hash, Encoding::hashtable);
  expect_type("set:ints", ValueType::set, Encoding::hashtable);
  expect_type("zset:small", ValueType::zset, Encoding::skiplist);
  expect_type("hash:shrunk", ValueType::hash, Encoding::listpack);  // 2 fields still fit
  EXPECT_EQ(hash_get(key("hash:small"), "version"), "7");
}

TEST_F(RdbReaderTest, AKeyAlreadyPresentIsReplaced) {
  keyspace.db(0).set("s:str", "old");
  Entry& old_ttl = keyspace.db(0).set("s:int", "1");
  keyspace.db(0).set_expire_at(old_ttl, kLoadTimeMs + 5);
  ASSERT_TRUE(load(read_fixture("small.rdb")));
  EXPECT_EQ(key("s:str").value(), "hello");
  EXPECT_EQ(key("s:int").value(), "42");
  EXPECT_FALSE(key("s:int").has_expire());
}

// ---- hand-made files: the rarer opcodes and encodings ----------------------------------

TEST_F(RdbReaderTest, ReadsOldEncodingsAndOpcodes) {
  std::string body;
  body += "\xfe\x02";                                       // SELECTDB 2
  body += "\xfb\x03\x01";                                   // RESIZEDB hints
  body += "\xfd" + little_endian(2000000000, 4);            // EXPIRETIME, signed 32-bit seconds
  body += "\xf8\x05";                                       // IDLE 5
  body += "\x01" + str("oldlist") + "\x02" + str("a") + str("b");  // RDB_TYPE_LIST
  body += "\xf9\x07";                                       // FREQ 7
  body += "\x03" + str("oldzset") + "\x03" + str("x") + "\x03" + "1.5" + str("y") + "\xfe" +
          str("z") + "\xff";                                // RDB_TYPE_ZSET: 1.5, +inf, -inf
  body += std::string("\x00", 1) + str("i16") + "\xc1" + little_endian(0x8000, 2);  // INT16 -32768
  const auto stats = load(rdb_file(body, "0006"));
  ASSERT_TRUE(stats) << stats.error();
  EXPECT_EQ(list_elements(key("oldlist", 2)), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(key("oldlist", 2).expire_at_ms(), 2000000000000);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(zset_elements(key("oldzset", 2)),
            (std::vector<std::pair<std::string, double>>{{"z", -inf}, {"x", 1.5}, {"y", inf}}));
  EXPECT_FALSE(key("oldzset", 2).has_expire());  // the expire time was the list's only
  EXPECT_EQ(key("i16", 2).value(), "-32768");
}

TEST_F(RdbReaderTest, EmptyCollectionsAreDropped) {
  std::string body;
  const std::string zero(1, '\0');
  body += "\x02" + str("set") + zero;
  body += "\x04" + str("hash") + zero;
  body += "\x05" + str("zset") + zero;
  body += "\x12" + str("list") + "\x01\x02" + str(from_hex("0700000000" "00ff"));  // one empty node
  const auto stats = load(rdb_file(body));
  ASSERT_TRUE(stats) << stats.error();
  EXPECT_EQ(stats->keys_loaded, 0u);
  EXPECT_EQ(stats->empty_keys_skipped, 4u);
  EXPECT_EQ(keyspace.db(0).size(), 0u);
}

TEST_F(RdbReaderTest, FunctionLibrariesAreCollectedForTheCaller) {
  // FUNCTION2 (245) and a library's code, before the keys, as Redis 7.0
  // writes them; the caller loads the codes into its function engine.
  const std::string code = "#!lua name=l\nredis.register_function('f', function() end)";
  const auto stats = load(rdb_file("\xf5" + str(code) + "\xf5" + str("#!lua name=m\n") + std::string(1, '\0') +
                                   str("k") + str("v")));
  ASSERT_TRUE(stats) << stats.error();
  EXPECT_EQ(stats->function_libraries, (std::vector<std::string>{code, "#!lua name=m\n"}));
  EXPECT_EQ(stats->keys_loaded, 1u);
}

TEST_F(RdbReaderTest, ValuesThatBreakTheirTypesRulesAreRefused) {
  const auto refuses = [&](const std::string& value, std::string_view why) {
    const auto stats = load(rdb_file(value));
    ASSERT_FALSE(stats) << why;
    EXPECT_NE(stats.error().find(why), std::string::npos) << stats.error();
  };
  refuses("\x02" + str("s") + "\x02" + str("x") + str("x"), "Duplicate set members");
  refuses("\x04" + str("h") + "\x02" + str("f") + str("1") + str("f") + str("2"),
          "Duplicate hash fields");
  refuses("\x05" + str("z") + "\x02" + str("m") + little_endian(0, 8) + str("m") +
              little_endian(0x3ff0000000000000, 8),
          "Duplicate zset fields");
  refuses("\x05" + str("z") + "\x01" + str("m") + little_endian(0x7ff8000000000000, 8),
          "NAN score");
  refuses("\x0b" + str("i") + str(from_hex("0200000002000000" "05000300")), "Intset integrity");
  refuses("\x0b" + str("i") + str(from_hex("0200000000000000")), "Intset integrity");  // empty
  refuses("\x10" + str("h") + str(from_hex("0a000000" "0100" "816102" "ff")), "Hash listpack");
  refuses("\x12" + str("l") + "\x01\x03" + str("x"), "Quicklist integrity");
  refuses("\x12" + str("l") + "\x01\x02" + str("not a listpack"), "Listpack integrity");
  // A stream node's key must be a 16-byte ID (more in rdb_stream_test.cpp).
  refuses("\x0f" + str("stream") + "\x01" + str("short") + str(std::string(30, 'x')),
          "Stream node key");
  refuses("\x0e" + str("ql"), "ziplist");
  refuses("\x07" + str("module"), "module");
  refuses("\xf7", "MODULE_AUX");
  refuses("\xfe\x10", "database 16");
  refuses("\x08", "unknown RDB opcode or value type 8");
}

TEST_F(RdbReaderTest, HeaderAndChecksumAreChecked) {
  auto stats = load(rdb_file("", "0011"));
  ASSERT_FALSE(stats);
  EXPECT_NE(stats.error().find("Can't handle RDB format version 0011"), std::string::npos);
  stats = load("RADIS0010\xff");
  ASSERT_FALSE(stats);
  EXPECT_NE(stats.error().find("Wrong signature"), std::string::npos);

  std::string file = read_fixture("small.rdb");
  file[0x5a] ^= 0x20;  // in the key name "z:small": the file still parses
  stats = load(file);
  ASSERT_FALSE(stats);
  EXPECT_NE(stats.error().find("Wrong RDB checksum"), std::string::npos) << stats.error();
  options.verify_checksum = false;  // rdbchecksum no
  EXPECT_TRUE(load(file));

  // A stored zero means the writer computed none: accepted unchecked.
  options.verify_checksum = true;
  file.replace(file.size() - 8, 8, std::string(8, '\0'));
  EXPECT_TRUE(load(file));
  // Version 4 and older end at EOF, with no checksum.
  EXPECT_TRUE(load("REDIS0004" + std::string("\x00", 1) + str("k") + str("v") + "\xff"));
}

// ---- malformed input never crashes ---------------------------------------------------------

TEST_F(RdbReaderTest, AFileCutAtAnyOffsetIsAnError) {
  const std::string file = read_fixture("small.rdb");
  for (std::size_t cut = 0; cut < file.size(); ++cut) {
    storage::Keyspace fresh{clock};
    const auto stats = load_rdb(std::string_view(file).substr(0, cut), fresh, kLoadTimeMs, options);
    EXPECT_FALSE(stats) << "cut at " << cut;
  }
  const std::string big = read_fixture("all_types.rdb");
  for (std::size_t cut = 0; cut < big.size(); cut += 61) {
    storage::Keyspace fresh{clock};
    EXPECT_FALSE(load_rdb(std::string_view(big).substr(0, cut), fresh, kLoadTimeMs, options))
        << "cut at " << cut;
  }
}

TEST_F(RdbReaderTest, AFlippedByteIsAnError) {
  const std::string file = read_fixture("small.rdb");
  for (std::size_t at = 0; at < file.size(); ++at) {
    for (const char mask : {'\x01', '\x80', '\xff'}) {
      std::string flipped = file;
      flipped[at] ^= mask;
      storage::Keyspace fresh{clock};
      EXPECT_FALSE(load_rdb(flipped, fresh, kLoadTimeMs, options)) << "byte " << at;
    }
  }
}

TEST_F(RdbReaderTest, HugeDeclaredLengthsAreRefusedBeforeAnythingIsAllocated) {
  const std::string huge64 = "\x81" + std::string("\x7f\xff\xff\xff\xff\xff\xff\xff");
  const std::string huge32 = "\x80" + std::string("\xff\xff\xff\xf0");
  for (const std::string& value : {
           std::string("\x00", 1) + huge64,                     // a key of 2^63 bytes
           std::string("\x00", 1) + str("k") + huge32,          // a 4 GiB string
           "\x02" + str("s") + huge64,                          // 2^63 members
           "\x12" + str("l") + huge32,                          // 4 billion nodes
           "\x05" + str("z") + huge32,                          // 4 billion elements
           std::string("\x00", 1) + str("k") + "\xc3\x02" + huge32 + "ab",  // LZF of 4 GiB
           std::string("\x00", 1) + str("k") + "\xc3\x02\x7f\xff" + "ab",  // LZF: 16 KiB from 2
       }) {
    const auto stats = load(rdb_file(value));
    EXPECT_FALSE(stats);
  }
}

// ---- RESTORE: DUMP payloads from Redis 7.0.15 ------------------------------------------------

TEST(RestorePayloadTest, RestoresWhatRedisDumped) {
  const RdbLoadOptions options;
  const auto restore = [&](std::string_view hex) {
    auto entry = restore_payload("k", from_hex(hex), options);
    EXPECT_TRUE(entry) << hex;
    return entry ? std::move(*entry) : storage::make_entry("k", "<failed>");
  };
  // SET s hello; DUMP s
  auto entry = restore("000568656c6c6f0a006372df766534200a");
  EXPECT_EQ(entry->value(), "hello");
  EXPECT_EQ(entry->encoding(), Encoding::embstr);
  EXPECT_EQ(entry->key(), "k");
  EXPECT_FALSE(entry->has_expire());
  // SET i 42 (INT8 encoding)
  entry = restore("00c02a0a0081fb5cfa86634f50");
  EXPECT_EQ(entry->value(), "42");
  EXPECT_EQ(entry->encoding(), Encoding::integer);
  // SET big <100 x>: an LZF blob
  entry = restore("00c3094064017878e057000178780a005db7f663bb08625f");
  EXPECT_EQ(entry->value(), std::string(100, 'x'));
  EXPECT_EQ(entry->encoding(), Encoding::raw);
  // RPUSH l hi 5 -200
  entry = restore("12010210100000000300826869030501df3802ff0a00aecaf481675033d2");
  EXPECT_EQ(list_elements(*entry), (std::vector<std::string>{"hi", "5", "-200"}));
  // HSET h f v n 5
  entry = restore("1012120000000400816602817602816e020501ff0a008490939f57b4f3c2");
  EXPECT_EQ(entry->encoding(), Encoding::listpack);
  EXPECT_EQ(hash_get(*entry, "n"), "5");
  // SADD si 3 1 2 (intset)
  entry = restore("0b0e02000000030000000100020003000a00a5025ce26d6e4d1b");
  EXPECT_EQ(entry->encoding(), Encoding::intset);
  EXPECT_EQ(set_members(*entry), (std::set<std::string>{"1", "2", "3"}));
  // SADD ss x (a hashtable set of one string)
  entry = restore("020101780a00ffe880ba760c2f09");
  EXPECT_EQ(entry->encoding(), Encoding::hashtable);
  EXPECT_EQ(set_members(*entry), (std::set<std::string>{"x"}));
  // ZADD z 1 a 2.5 b
  entry = restore("1114140000000400816102010181620283322e3504ff0a00d44c6ea4f644d9d7");
  EXPECT_EQ(entry->encoding(), Encoding::listpack);
  EXPECT_EQ(zset_elements(*entry),
            (std::vector<std::pair<std::string, double>>{{"a", 1}, {"b", 2.5}}));
}

TEST(RestorePayloadTest, AWrongFooterIsTheChecksumError) {
  const RdbLoadOptions options;
  const std::string good = from_hex("1012120000000400816602817602816e020501ff0a008490939f57b4f3c2");
  const auto error_of = [&](const std::string& payload) {
    auto entry = restore_payload("k", payload, options);
    return entry ? std::string("OK") : entry.error();
  };
  // Each of these answered "ERR DUMP payload version or checksum are wrong"
  // on Redis 7.0.15.
  for (std::size_t at = 0; at < good.size(); ++at) {
    std::string flipped = good;
    flipped[at] ^= 1;
    EXPECT_EQ(error_of(flipped), kDumpPayloadError) << at;
  }
  const std::string value = good.substr(0, good.size() - 10);
  EXPECT_EQ(error_of(dump_payload(value, 11)), kDumpPayloadError);  // a newer RDB version
  EXPECT_EQ(error_of(value + little_endian(10, 2) + std::string(8, '\0')), kDumpPayloadError);
  EXPECT_EQ(error_of(std::string("\x00", 1)), kDumpPayloadError);  // shorter than a footer
  EXPECT_EQ(error_of(dump_payload(value, 1)), "OK");  // an older version is fine
}

TEST(RestorePayloadTest, AValueThatDoesNotDecodeIsBadDataFormat) {
  const RdbLoadOptions options;
  const auto error_of = [&](const std::string& value) {
    auto entry = restore_payload("k", dump_payload(value), options);
    return entry ? std::string("OK") : entry.error();
  };
  // Each checked against Redis 7.0.15's RESTORE.
  EXPECT_EQ(error_of(std::string("\x02\x00", 2)), kBadDataFormatError);                     // empty set
  EXPECT_EQ(error_of(std::string("\x04\x00", 2)), kBadDataFormatError);                     // empty hash
  EXPECT_EQ(error_of(std::string("\x05\x00", 2)), kBadDataFormatError);                     // empty zset
  EXPECT_EQ(error_of(std::string("\x12\x00", 2)), kBadDataFormatError);                     // empty list
  EXPECT_EQ(error_of("\x02\x02" + str("x") + str("x")), kBadDataFormatError);  // duplicate
  EXPECT_EQ(error_of(std::string("\x0f\x00", 2)), kBadDataFormatError);                     // a stream
  EXPECT_EQ(error_of(std::string("\x63\x00", 2)), kBadDataFormatError);                     // no such type
  EXPECT_EQ(error_of(std::string("\x00\x32" "abc", 5)), kBadDataFormatError);  // 50 bytes declared, 3 + footer
  EXPECT_EQ(error_of(std::string(1, '\0')), kBadDataFormatError);  // no value at all, and the footer is no string
  // Redis decodes from the whole payload, footer included: a string cut
  // short takes the footer's first byte (RESTORE answered OK, GET "hell\n"),
  // and bytes after the value are ignored.
  auto entry = restore_payload("k", dump_payload(std::string_view("\x00\x05" "hell", 6)), options);
  ASSERT_TRUE(entry);
  EXPECT_EQ((*entry)->value(), "hell\n");
  entry = restore_payload("k", dump_payload(std::string_view("\x00\x05" "hellojunk", 11)), options);
  ASSERT_TRUE(entry);
  EXPECT_EQ((*entry)->value(), "hello");
}

TEST(RestorePayloadTest, TheLimitsDecideTheEncoding) {
  RdbLoadOptions options;
  options.hash_limits.max_listpack_entries = 1;
  options.zset_limits.max_listpack_entries = 1;
  // Redis 7.0.15 with both limits at 1 restored these two as hashtable and skiplist.
  auto hash = restore_payload(
      "h", from_hex("1012120000000400816602817602816e020501ff0a008490939f57b4f3c2"), options);
  ASSERT_TRUE(hash);
  EXPECT_EQ((*hash)->encoding(), Encoding::hashtable);
  auto zset = restore_payload(
      "z", from_hex("1114140000000400816102010181620283322e3504ff0a00d44c6ea4f644d9d7"), options);
  ASSERT_TRUE(zset);
  EXPECT_EQ((*zset)->encoding(), Encoding::skiplist);
}

}  // namespace
}  // namespace mini_redis::persistence
