// DUMP and RESTORE as commands: replies, options and errors as Redis 7.0.15
// gives them. The payload bytes themselves are tested in
// tests/unit/persistence/ (rdb_writer_test, rdb_reader_test).
#include <gtest/gtest.h>

#include <string>

#include "unit/support/command_harness.h"

namespace mini_redis {
namespace {

using testing::CommandHarness;

// DUMP of the string "hello" on redis-server 7.0.15.
const std::string kHelloPayload("\x00\x05hello\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a", 17);

std::string bulk(const std::string& body) {
  return "$" + std::to_string(body.size()) + "\r\n" + body + "\r\n";
}

TEST(DumpCommand, GivesRedissBytesOrNil) {
  CommandHarness h;
  h.run({"SET", "k", "hello"});
  EXPECT_EQ(h.run({"DUMP", "k"}), bulk(kHelloPayload));
  EXPECT_EQ(h.run({"DUMP", "missing"}), "$-1\r\n");
}

TEST(RestoreCommand, RestoresWhatDumpGave) {
  CommandHarness h;
  h.run({"RPUSH", "list", "a", "b", "c"});
  h.run({"HSET", "hash", "f", "v"});
  h.run({"SADD", "set", "1", "2"});
  h.run({"ZADD", "zset", "1.5", "m"});
  for (const char* key : {"list", "hash", "set", "zset"}) {
    std::string payload = h.run({"DUMP", key});
    payload = payload.substr(payload.find("\r\n") + 2);
    payload.resize(payload.size() - 2);
    const std::string copy = std::string(key) + ":copy";
    EXPECT_EQ(h.run({"RESTORE", copy, "0", payload}), "+OK\r\n") << key;
    EXPECT_EQ(h.run({"DUMP", copy}), h.run({"DUMP", key})) << key;
  }
  EXPECT_EQ(h.run({"LRANGE", "list:copy", "0", "-1"}), "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
  EXPECT_EQ(h.run({"ZSCORE", "zset:copy", "m"}), "$3\r\n1.5\r\n");
}

TEST(RestoreCommand, ChecksInRedissOrder) {
  CommandHarness h;
  h.run({"SET", "k", "v"});
  EXPECT_EQ(h.run({"RESTORE", "k", "0", kHelloPayload}),
            "-BUSYKEY Target key name already exists.\r\n");
  EXPECT_EQ(h.run({"RESTORE", "r", "abc", kHelloPayload}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"RESTORE", "r", "-1", kHelloPayload}), "-ERR Invalid TTL value, must be >= 0\r\n");
  EXPECT_EQ(h.run({"RESTORE", "r", "0", "x"}),
            "-ERR DUMP payload version or checksum are wrong\r\n");
  std::string flipped = kHelloPayload;
  flipped[3] = 'X';
  EXPECT_EQ(h.run({"RESTORE", "r", "0", flipped}),
            "-ERR DUMP payload version or checksum are wrong\r\n");
  // Options come first: a bad one wins over a busy key.
  EXPECT_EQ(h.run({"RESTORE", "k", "0", kHelloPayload, "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"RESTORE", "r", "0", "x", "idletime", "-1"}),
            "-ERR Invalid IDLETIME value, must be >= 0\r\n");
  EXPECT_EQ(h.run({"RESTORE", "r", "0", "x", "freq", "256"}),
            "-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n");
  EXPECT_EQ(h.run({"RESTORE", "r", "0", "x", "idletime", "5", "freq", "3"}),
            "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"RESTORE", "r", "0", "x", "idletime"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"EXISTS", "r"}), ":0\r\n");
}

TEST(RestoreCommand, ReplaceTtlAndAbsttl) {
  CommandHarness h;
  h.run({"SET", "k", "old"});
  EXPECT_EQ(h.run({"RESTORE", "k", "5000", kHelloPayload, "REPLACE"}), "+OK\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$5\r\nhello\r\n");
  EXPECT_EQ(h.run({"PTTL", "k"}), ":5000\r\n");

  const std::string at = std::to_string(h.clock.now_ms() + 2000);
  EXPECT_EQ(h.run({"RESTORE", "a", at, kHelloPayload, "ABSTTL"}), "+OK\r\n");
  EXPECT_EQ(h.run({"PTTL", "a"}), ":2000\r\n");

  // Already expired: OK, nothing created, and a replaced key is gone.
  EXPECT_EQ(h.run({"RESTORE", "k", "1", kHelloPayload, "REPLACE", "ABSTTL"}), "+OK\r\n");
  EXPECT_EQ(h.run({"EXISTS", "k"}), ":0\r\n");
}

TEST(RestoreCommand, IdletimeAndFreqSetTheAccessHistory) {
  CommandHarness h;
  EXPECT_EQ(h.run({"RESTORE", "lru", "0", kHelloPayload, "IDLETIME", "1000"}), "+OK\r\n");
  EXPECT_EQ(h.run({"OBJECT", "IDLETIME", "lru"}), ":1000\r\n");
  EXPECT_EQ(h.run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"}), "+OK\r\n");
  EXPECT_EQ(h.run({"RESTORE", "lfu", "0", kHelloPayload, "FREQ", "100"}), "+OK\r\n");
  EXPECT_EQ(h.run({"OBJECT", "FREQ", "lfu"}), ":100\r\n");
}

}  // namespace
}  // namespace mini_redis
