// The RDB writer against Redis 7.0.15 itself: DUMP payloads compared byte
// for byte with what the reference server returned for the same value in
// the same encoding, and whole files checked by Redis's own
// redis-check-rdb. Time is a ManualClock: keys expire because the test
// says so.
#include "persistence/rdb_writer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "persistence/crc64.h"
#include "persistence/rdb_encoding.h"
#include "storage/keyspace.h"
#include "types/hash.h"
#include "types/quicklist.h"
#include "types/set.h"
#include "types/sorted_set.h"

namespace mini_redis::persistence {
namespace {

using storage::Database;
using storage::Entry;

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 0xf]);
  }
  return hex;
}

std::uint64_t read_u64_le(std::string_view bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i)
    value |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
  return value;
}

class RdbWriterTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kNow = 1'700'000'000'000;
  storage::ManualClock clock{kNow};
  storage::Keyspace keyspace{clock};
  Database& db = keyspace.db(0);

  const Entry& string_entry(std::string_view key, std::string_view value) {
    return db.set(key, value);
  }
  const Entry& entry(std::string_view key) { return *db.peek(key); }

  types::Hash& hash(std::string_view key,
                    std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
    types::Hash& h = db.add(key, types::Hash{});
    for (const auto& [field, value] : pairs) h.set(field, value, types::HashLimits{});
    return h;
  }
  types::Set& set(std::string_view key, std::initializer_list<std::string_view> members) {
    types::Set& s = db.add(key, types::Set{});
    for (const std::string_view member : members) s.add(member, types::SetLimits{});
    return s;
  }
  types::SortedSet& zset(std::string_view key,
                         std::initializer_list<std::pair<std::string_view, double>> members) {
    types::SortedSet& z = db.add(key, types::SortedSet{});
    for (const auto& [member, score] : members) z.insert(member, score, types::SortedSetLimits{});
    return z;
  }
  types::Quicklist& list(std::string_view key, std::initializer_list<std::string_view> elements,
                         int fill = types::Quicklist::kDefaultFill, int compress_depth = 0) {
    types::Quicklist& l = db.add(key, types::Quicklist(fill, compress_depth));
    for (const std::string_view element : elements) l.push_back(element);
    return l;
  }

  // The whole file in one string, with the chunks the sink saw.
  std::string write(const RdbWriteOptions& options = {}, std::int64_t now_ms = kNow) {
    std::string file;
    const bool ok = write_rdb(keyspace, now_ms, options, [&file](std::string_view chunk) {
      file.append(chunk);
      return true;
    });
    EXPECT_TRUE(ok);
    return file;
  }
};

// ---- DUMP, byte for byte against redis-server 7.0.15 ---------------------------------
//
// Every expected hex string below was observed from Debian's redis-server
// 7.0.15 (default configuration unless the test says otherwise) with
// `SET/RPUSH/HSET/SADD/ZADD ...` followed by `DUMP key`.

TEST_F(RdbWriterTest, DumpOfAPlainStringMatchesRedis) {
  EXPECT_EQ(to_hex(dump_payload(string_entry("s", "hello"), true)),
            "000568656c6c6f0a006372df766534200a");
  EXPECT_EQ(to_hex(dump_payload(string_entry("d", "3.14"), true)),
            "0004332e31340a008c75407d2acce82c");
}

TEST_F(RdbWriterTest, DumpOfIntegerStringsUsesTheNarrowestIntegerEncodingAsRedis) {
  EXPECT_EQ(to_hex(dump_payload(string_entry("a", "12"), true)), "00c00c0a003c2af8515c04bcd5");
  EXPECT_EQ(to_hex(dump_payload(string_entry("b", "-300"), true)), "00c1d4fe0a00c6c48623febede2e");
  EXPECT_EQ(to_hex(dump_payload(string_entry("c", "70000"), true)),
            "00c2701101000a0001a408fe953095a5");
  EXPECT_EQ(to_hex(dump_payload(string_entry("e", "-2147483648"), true)),
            "00c2000000800a00c74f873e33558187");
  // Past 32 bits: stored as "int" in memory, but written as its text.
  EXPECT_EQ(to_hex(dump_payload(string_entry("f", "5000000000"), true)),
            "000a353030303030303030300a0069a90fd57e0ff425");
}

TEST_F(RdbWriterTest, DumpOfACompressibleStringIsLzfAsRedisWithDebiansLiblzf) {
  // Debian's liblzf produced the same LZF bytes as Redis's bundled copy.
  EXPECT_EQ(to_hex(dump_payload(string_entry("a", std::string(30, 'a')), true)),
            "00c3091e016161e011000161610a0045737cbb2b647bbb");
  EXPECT_EQ(to_hex(dump_payload(string_entry("b", "hello world hello world hello world!"), true)),
            "00c314240c68656c6c6f20776f726c642068e00c0b0164210a00fc356a39e453d509");
}

TEST_F(RdbWriterTest, DumpOfLongerStringsMatchesRedisLengthAndChecksum) {
  // Larger inputs exercise more of LZF; the payload's size and trailing
  // CRC64 (which covers every byte before it) are what Redis returned.
  std::string squares;
  for (int i = 0; i < 300; ++i) squares += std::to_string(i * i);
  const std::string a = dump_payload(string_entry("a", squares), true);
  EXPECT_EQ(a.size(), 1149u);
  EXPECT_EQ(to_hex(a.substr(a.size() - 8)), "a232998c5ca30dba");

  std::string letters;
  for (int i = 0; i < 5000; ++i) letters.push_back(static_cast<char>('a' + (i * 7919 % 26)));
  const std::string b = dump_payload(string_entry("b", letters), true);
  EXPECT_EQ(b.size(), 104u);
  EXPECT_EQ(to_hex(b.substr(b.size() - 8)), "2d78530e6ece435b");
}

TEST_F(RdbWriterTest, DumpWithCompressionOffWritesThePlainString) {
  // CONFIG SET rdbcompression no: Redis's DUMP follows it.
  EXPECT_EQ(to_hex(dump_payload(string_entry("a", std::string(30, 'a')), false)),
            "001e616161616161616161616161616161616161616161616161616161616161"
            "0a00dbc3f3381996f3ba");
}

TEST_F(RdbWriterTest, DumpOfSmallCollectionsCopiesTheirBlocksAsRedis) {
  list("l", {"a", "b", "1", "-300"});
  EXPECT_EQ(to_hex(dump_payload(entry("l"), true)),
            "120102121200000004008161028162020101ded402ff0a00c52e2a388f1b8563");
  hash("h", {{"f1", "v1"}, {"f2", "22"}});
  EXPECT_EQ(to_hex(dump_payload(entry("h"), true)),
            "10151500000004008266310382763103826632031601ff0a00794ee62e9c48a90c");
  set("st", {"1", "2", "3", "70000"});
  EXPECT_EQ(to_hex(dump_payload(entry("st"), true)),
            "0b180400000004000000010000000200000003000000701101000a00ef2e6521e385a22a");
  zset("z", {{"a", 1}, {"b", 2.5}});
  EXPECT_EQ(to_hex(dump_payload(entry("z"), true)),
            "1114140000000400816102010181620283322e3504ff0a00d44c6ea4f644d9d7");
}

TEST_F(RdbWriterTest, DumpOfLargeEncodingsMatchesRedis) {
  const std::string long_value(70, 'x');  // past the 64-byte listpack value limit
  hash("hh", {{"f", long_value}});
  EXPECT_EQ(to_hex(dump_payload(entry("hh"), true)),
            "04010166c3094046017878e039000178780a003e6c955f2e52e7c1");
  set("sh", {"abc"});  // not an integer: a hashtable from the start
  EXPECT_EQ(to_hex(dump_payload(entry("sh"), true)), "0201036162630a00a3cbec4c8c2f31f0");
  // Highest score first: the 70 x's (3), then b (2), then a (1).
  zset("zs", {{"a", 1}, {"b", 2}, {long_value, 3}});
  EXPECT_EQ(to_hex(dump_payload(entry("zs"), true)),
            "0503c3094046017878e039000178780000000000000840016200000000000000400161000000000000f03f"
            "0a001ac533818f518de0");
}

TEST_F(RdbWriterTest, DumpOfACompressedListWritesItsLzfNodesAsRedis) {
  // Redis with list-compress-depth 1 and list-max-listpack-size 4: three
  // nodes of 4, the middle one held compressed (written as is), the ends
  // plain (compressed by the string encoder, being over 20 bytes).
  std::vector<std::string> elements;
  for (int i = 0; i < 12; ++i) {
    char text[32];
    std::snprintf(text, sizeof text, "element-%02d-aaaaaaaaaaaaaaaa", i);
    elements.emplace_back(text);
  }
  types::Quicklist& l = list("lc", {}, 4, 1);
  for (const std::string& element : elements) l.push_back(element);
  ASSERT_EQ(l.node_count(), 3u);
  EXPECT_TRUE(std::next(l.nodes().begin())->compressed());
  EXPECT_EQ(
      to_hex(dump_payload(entry("lc"), true)),
      "120302c32d407b127b00000004009b656c656d656e742d30302d61e00600001ce0011c0031e0131c0032e0131c00"
      "33e0091c00ff02c32d407b127b00000004009b656c656d656e742d30342d61e00600001ce0011c0035e0131c0036"
      "e0131c0037e0091c00ff02c32e407b127b00000004009b656c656d656e742d30382d61e00600001ce0011c0039e0"
      "121c013130e0131c0031e0091c00ff0a001342d3edbfd05a2e");
}

TEST_F(RdbWriterTest, DumpPayloadEndsWithVersionAndChecksumOfAllBefore) {
  const std::string payload = dump_payload(string_entry("k", "value"), true);
  ASSERT_GE(payload.size(), 10u);
  const std::size_t body = payload.size() - 10;
  EXPECT_EQ(payload[body], '\x0a');
  EXPECT_EQ(payload[body + 1], '\x00');
  EXPECT_EQ(read_u64_le(payload.substr(body + 2)),
            crc64(0, std::string_view(payload).substr(0, body + 2)));
}

// ---- the encoders alone --------------------------------------------------------------

TEST(RdbEncodingTest, LengthsTakeOneTwoFiveOrNineBytes) {
  auto encoded = [](std::uint64_t length) {
    std::string out;
    rdb::append_length(out, length);
    return to_hex(out);
  };
  EXPECT_EQ(encoded(0), "00");
  EXPECT_EQ(encoded(63), "3f");
  EXPECT_EQ(encoded(64), "4040");
  EXPECT_EQ(encoded(16383), "7fff");
  EXPECT_EQ(encoded(16384), "8000004000");
  EXPECT_EQ(encoded(0xffffffffULL), "80ffffffff");
  EXPECT_EQ(encoded(0x100000000ULL), "810000000100000000");
}

TEST(RdbEncodingTest, OnlyCanonicalShortIntegersAreIntegerEncoded) {
  auto encoded = [](std::string_view text) {
    std::string out;
    rdb::append_string(out, text, true);
    return to_hex(out);
  };
  EXPECT_EQ(encoded("-128"), "c080");
  EXPECT_EQ(encoded("127"), "c07f");
  EXPECT_EQ(encoded("128"), "c18000");
  EXPECT_EQ(encoded("007"), "03303037");                       // not canonical: text
  EXPECT_EQ(encoded("-0"), "022d30");                          // not canonical: text
  EXPECT_EQ(encoded("2147483648"), "0a32313437343833363438");  // past int32
  EXPECT_EQ(encoded(""), "00");
}

TEST(RdbEncodingTest, IncompressibleLongStringsStayPlain) {
  std::string noise;
  std::uint32_t x = 12345;
  for (int i = 0; i < 40; ++i) {
    x = x * 1103515245 + 12345;
    noise.push_back(static_cast<char>(x >> 16));
  }
  std::string out;
  rdb::append_string(out, noise, true);
  EXPECT_EQ(out, std::string(1, '\x28') + noise);  // length 40, then the bytes
}

// ---- whole files ------------------------------------------------------------------------

TEST_F(RdbWriterTest, AFileWithOneKeyHasTheLayoutRedisWrites) {
  string_entry("k", "v");
  const std::string file = write();
  // REDIS0010, SELECTDB 0, RESIZEDB 1 0, type 0 "k" "v", EOF, then the CRC.
  const std::string body = std::string("REDIS0010\xfe\x00\xfb\x01\x00\x00\x01k\x01v\xff", 20);
  ASSERT_EQ(file.size(), body.size() + 8);
  EXPECT_EQ(file.substr(0, body.size()), body);
  EXPECT_EQ(read_u64_le(file.substr(body.size())), crc64(0, body));
}

TEST_F(RdbWriterTest, AuxFieldsFollowTheHeaderInOrder) {
  RdbWriteOptions options;
  options.aux = {{"redis-ver", "7.0.15"}, {"redis-bits", "64"}};
  const std::string file = write(options);
  EXPECT_EQ(to_hex(file.substr(9, file.size() - 9 - 9)),
            "fa"
            "09" +
                to_hex("redis-ver") + "06" + to_hex("7.0.15") +
                "fa"
                "0a" +
                to_hex("redis-bits") + "c040");
  EXPECT_EQ(file[file.size() - 9], '\xff');  // no database has keys: straight to EOF
}

TEST_F(RdbWriterTest, EmptyDatabasesAreLeftOutAndOthersSelected) {
  keyspace.db(3).set("k", "v");
  const std::string file = write();
  EXPECT_EQ(to_hex(file.substr(9, 5)), "fe03fb0100");
}

TEST_F(RdbWriterTest, TtlsAreWrittenInMillisecondsAndExpiredKeysSkipped) {
  db.set_expire_at(db.set("live", "1"), kNow + 5000);
  db.set_expire_at(db.set("dead", "1"), kNow - 1);
  db.set_expire_at(db.set("edge", "1"), kNow);  // alive through its own millisecond
  const std::string file = write();
  EXPECT_EQ(file.find("dead"), std::string::npos);
  // RESIZEDB counts every stored key, as Redis's dictSize does.
  EXPECT_NE(file.find("\xfb\x03\x03"), std::string::npos);
  std::string live_record = "\xfc";
  rdb::append_u64_le(live_record, static_cast<std::uint64_t>(kNow + 5000));
  live_record += std::string("\x00\x04live\xc0\x01", 8);
  EXPECT_NE(file.find(live_record), std::string::npos);
  EXPECT_NE(file.find("edge"), std::string::npos);
  // The caller's time decides, not the keyspace's clock.
  const std::string later = write({}, kNow + 10'000);
  EXPECT_EQ(later.find("live"), std::string::npos);
  EXPECT_NE(db.peek("dead"), nullptr);  // and nothing was deleted
}

TEST_F(RdbWriterTest, WritingChangesNoAccessTime) {
  db.set("k", "v");
  clock.advance(60'000);
  write();
  EXPECT_EQ(db.peek("k")->access_time_s(), kNow / 1000);
}

TEST_F(RdbWriterTest, ChecksumOffWritesEightZeroBytes) {
  db.set("k", "v");
  RdbWriteOptions options;
  options.checksum = false;
  const std::string file = write(options);
  EXPECT_EQ(file.substr(file.size() - 9), std::string("\xff\0\0\0\0\0\0\0\0", 9));
}

TEST_F(RdbWriterTest, BigFilesArriveInChunksWithTheChecksumOfTheWhole) {
  for (int i = 0; i < 20'000; ++i) db.set("key:" + std::to_string(i), "value-" + std::to_string(i));
  std::string file;
  std::vector<std::size_t> chunk_sizes;
  ASSERT_TRUE(write_rdb(keyspace, kNow, {}, [&](std::string_view chunk) {
    chunk_sizes.push_back(chunk.size());
    file.append(chunk);
    return true;
  }));
  ASSERT_GT(chunk_sizes.size(), 3u);
  for (std::size_t i = 0; i + 1 < chunk_sizes.size(); ++i) {
    EXPECT_GE(chunk_sizes[i], kRdbChunkBytes);  // full chunks, a small key past the mark at most
    EXPECT_LE(chunk_sizes[i], kRdbChunkBytes + 64);
  }
  EXPECT_EQ(read_u64_le(file.substr(file.size() - 8)),
            crc64(0, std::string_view(file).substr(0, file.size() - 8)));
}

TEST_F(RdbWriterTest, ASinkFailureStopsTheWriteAtOnce) {
  for (int i = 0; i < 20'000; ++i) db.set("key:" + std::to_string(i), "value-" + std::to_string(i));
  std::size_t calls = 0;
  EXPECT_FALSE(write_rdb(keyspace, kNow, {}, [&calls](std::string_view) {
    ++calls;
    return false;
  }));
  EXPECT_EQ(calls, 1u);
}

// ---- redis-check-rdb reads what we write --------------------------------------------

class RdbFileCheckTest : public RdbWriterTest {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("rdb_writer_test." + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs redis-check-rdb on `file`; its whole output.
  std::string check(const std::string& file) {
    const std::filesystem::path path = dir_ / "dump.rdb";
    std::ofstream(path, std::ios::binary)
        .write(file.data(), static_cast<std::streamsize>(file.size()));
    const std::string command = "redis-check-rdb '" + path.string() + "' 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return "popen failed";
    std::string output;
    char buffer[4096];
    while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
      output.append(buffer, n);
    status_ = ::pclose(pipe);
    return output;
  }

  std::filesystem::path dir_;
  int status_ = -1;
};

TEST_F(RdbFileCheckTest, RedisCheckRdbAcceptsEveryTypeInEveryEncoding) {
  ASSERT_EQ(std::system("command -v redis-check-rdb >/dev/null 2>&1"), 0)
      << "redis-check-rdb is missing: it is a test dependency (apt-get install redis-tools; "
         "see the Makefile)";
  const std::string long_value(70, 'y');
  db.set("str", "hello");
  db.set("int", "12345");
  db.set("compressible", std::string(100, 'z'));
  db.set_expire_at(db.set("ttl", "soon"), kNow + 60'000);
  list("list", {"a", "b", "1", "-300"});
  types::Quicklist& compressed = list("list-compressed", {}, 4, 1);
  for (int i = 0; i < 40; ++i)
    compressed.push_back("element-" + std::to_string(i) + "-aaaaaaaaaaaaaaaa");
  hash("hash-lp", {{"f1", "v1"}, {"f2", "22"}});
  types::Hash& big_hash = hash("hash-ht", {{"f", long_value}});
  for (int i = 0; i < 600; ++i) big_hash.set("field" + std::to_string(i), std::to_string(i), {});
  set("set-int", {"1", "2", "3", "70000", "-5000000000"});
  types::Set& big_set = set("set-ht", {"abc"});
  for (int i = 0; i < 600; ++i) big_set.add("m" + std::to_string(i), {});
  zset("zset-lp", {{"a", 1}, {"b", 2.5}});
  types::SortedSet& big_zset = zset("zset-sl", {{long_value, 3}});
  for (int i = 0; i < 600; ++i) big_zset.insert("m" + std::to_string(i), i * 0.5, {});
  keyspace.db(5).set("other-db", "x");

  RdbWriteOptions options;
  options.aux = {{"redis-ver", "7.0.15"},
                 {"redis-bits", "64"},
                 {"ctime", "1700000000"},
                 {"used-mem", "1000000"},
                 {"aof-base", "0"}};
  const std::string output = check(write(options));
  EXPECT_EQ(status_, 0) << output;
  EXPECT_NE(output.find("RDB looks OK"), std::string::npos) << output;
  EXPECT_NE(output.find("13 keys read"), std::string::npos) << output;
  EXPECT_NE(output.find("[info] 1 expires"), std::string::npos) << output;

  options.compression = false;
  options.checksum = false;
  const std::string plain_output = check(write(options));
  EXPECT_NE(plain_output.find("RDB looks OK"), std::string::npos) << plain_output;
}

TEST_F(RdbFileCheckTest, RedisCheckRdbNoticesACorruptChecksum) {
  // The check above would pass vacuously if redis-check-rdb ignored the
  // checksum; flipping one byte of the CRC must fail it.
  db.set("k", "v");
  std::string file = write();
  file.back() = static_cast<char>(file.back() ^ 1);
  const std::string output = check(file);
  EXPECT_NE(status_, 0) << output;
  EXPECT_EQ(output.find("RDB looks OK"), std::string::npos) << output;
}

}  // namespace
}  // namespace mini_redis::persistence
