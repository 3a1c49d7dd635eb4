// PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST through the dispatcher:
// replies, the bytes left in the key, errors for values that are not HLLs
// or are corrupt, and the events each write publishes. The replies were
// checked against Redis 7.0.15; tests/diff/cases/hyperloglog.txt compares
// them (and many more) with Redis on the wire.
#include <gtest/gtest.h>

#include <string>

#include "types/hyperloglog.h"
#include "unit/support/command_harness.h"

namespace mini_redis::testing {
namespace {

namespace hll = types::hll;

constexpr const char* kNotAnHll = "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n";
constexpr const char* kCorrupt = "-INVALIDOBJ Corrupted HLL object detected\r\n";

class HyperLogLogCommands : public ::testing::Test {
 protected:
  // The value stored under `key`, read with GET and unwrapped from its bulk reply.
  std::string value_of(const std::string& key) {
    const std::string reply = h.run({"GET", key});
    const std::size_t start = reply.find("\r\n") + 2;
    return reply.substr(start, reply.size() - start - 2);
  }

  CommandHarness h;
};

TEST_F(HyperLogLogCommands, PfaddCreatesTheKeyAndReportsChanges) {
  EXPECT_EQ(h.run({"PFADD", "h"}), ":1\r\n");  // a new key is a change
  EXPECT_EQ(h.run({"PFADD", "h"}), ":0\r\n");
  EXPECT_EQ(h.run({"TYPE", "h"}), "+string\r\n");
  EXPECT_EQ(h.run({"PFADD", "h", "a", "b", "c"}), ":1\r\n");
  EXPECT_EQ(h.run({"PFADD", "h", "b", "a"}), ":0\r\n");
  EXPECT_EQ(h.run({"PFCOUNT", "h"}), ":3\r\n");
  EXPECT_EQ(h.run({"OBJECT", "ENCODING", "h"}), "$3\r\nraw\r\n");
}

TEST_F(HyperLogLogCommands, PfcountStoresTheCacheAndPfaddMarksItStale) {
  h.run({"PFADD", "h", "a", "b", "c"});
  EXPECT_EQ(hll::cached_cardinality(value_of("h")), std::nullopt);
  EXPECT_EQ(h.run({"PFCOUNT", "h"}), ":3\r\n");
  EXPECT_EQ(hll::cached_cardinality(value_of("h")), 3U);
  h.run({"PFADD", "h", "d"});
  EXPECT_EQ(hll::cached_cardinality(value_of("h")), std::nullopt);
  // Several keys: the union, and no cache written.
  h.run({"PFADD", "other", "d", "e"});
  EXPECT_EQ(h.run({"PFCOUNT", "h", "other", "missing"}), ":5\r\n");
  EXPECT_EQ(hll::cached_cardinality(value_of("h")), std::nullopt);
}

TEST_F(HyperLogLogCommands, ACachedCountIsAnsweredWithoutLookingAtRegisters) {
  std::string value = hll::make_empty();
  hll::store_cardinality(value, 42);
  h.run({"SET", "h", value});
  EXPECT_EQ(h.run({"PFCOUNT", "h"}), ":42\r\n");
  EXPECT_EQ(h.run({"PFCOUNT", "h", "h"}), ":0\r\n");  // the union walks the registers
}

TEST_F(HyperLogLogCommands, PfmergeWritesTheUnion) {
  h.run({"PFADD", "a", "1", "2", "3"});
  h.run({"PFADD", "b", "3", "4"});
  EXPECT_EQ(h.run({"PFMERGE", "d", "a", "b", "missing"}), "+OK\r\n");
  EXPECT_EQ(h.run({"PFCOUNT", "d"}), ":4\r\n");
  EXPECT_EQ(h.run({"PFMERGE", "empty"}), "+OK\r\n");
  EXPECT_EQ(h.run({"EXISTS", "empty"}), ":1\r\n");
  EXPECT_EQ(h.run({"PFCOUNT", "empty"}), ":0\r\n");
}

TEST_F(HyperLogLogCommands, OtherTypesAndForeignStringsAreRefused) {
  h.run({"LPUSH", "l", "x"});
  h.run({"SET", "s", "not an hll"});
  const std::string wrongtype =
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
  EXPECT_EQ(h.run({"PFADD", "l", "a"}), wrongtype);
  EXPECT_EQ(h.run({"PFCOUNT", "missing", "l"}), wrongtype);
  EXPECT_EQ(h.run({"PFADD", "s", "a"}), kNotAnHll);
  EXPECT_EQ(h.run({"PFCOUNT", "s"}), kNotAnHll);
  EXPECT_EQ(h.run({"PFMERGE", "d", "s"}), kNotAnHll);
  EXPECT_EQ(h.run({"EXISTS", "d"}), ":0\r\n");  // nothing written on error
  EXPECT_EQ(h.run({"GET", "s"}), "$10\r\nnot an hll\r\n");
}

TEST_F(HyperLogLogCommands, CorruptSparseRunsAnswerInvalidObj) {
  std::string value = hll::make_empty();
  value.resize(hll::kHeaderSize);
  value += std::string("\x7f\x00", 2);  // 16129 registers, not 16384
  hll::invalidate_cardinality(value);
  h.run({"SET", "h", value});
  EXPECT_EQ(h.run({"PFCOUNT", "h"}), kCorrupt);
  EXPECT_EQ(h.run({"PFCOUNT", "h", "h"}), kCorrupt);
  EXPECT_EQ(h.run({"PFMERGE", "d", "h"}), kCorrupt);
  EXPECT_EQ(h.run({"PFDEBUG", "TODENSE", "h"}), kCorrupt);
  EXPECT_EQ(h.run({"EXISTS", "d"}), ":0\r\n");
}

TEST_F(HyperLogLogCommands, SparseTurnsDenseAtTheConfiguredSize) {
  h.run({"CONFIG", "SET", "hll-sparse-max-bytes", "30"});
  h.run({"PFADD", "h", "1", "2", "3"});
  EXPECT_EQ(h.run({"PFDEBUG", "ENCODING", "h"}), "+sparse\r\n");
  h.run({"PFADD", "h", "4", "5", "6", "7", "8", "9", "10"});
  EXPECT_EQ(h.run({"PFDEBUG", "ENCODING", "h"}), "+dense\r\n");
  EXPECT_EQ(h.run({"STRLEN", "h"}), ":12304\r\n");
  EXPECT_EQ(h.run({"PFCOUNT", "h"}), ":10\r\n");
}

TEST_F(HyperLogLogCommands, PfdebugSubcommands) {
  EXPECT_EQ(h.run({"PFDEBUG", "ENCODING", "missing"}), "-ERR The specified key does not exist\r\n");
  h.run({"PFADD", "h"});
  EXPECT_EQ(h.run({"PFDEBUG", "DECODE", "h"}), "$7\r\nZ:16384\r\n");
  EXPECT_EQ(h.run({"PFDEBUG", "nope", "h"}), "-ERR Unknown PFDEBUG subcommand 'nope'\r\n");
  EXPECT_EQ(h.run({"PFDEBUG", "TODENSE", "h"}), ":1\r\n");
  EXPECT_EQ(h.run({"PFDEBUG", "TODENSE", "h"}), ":0\r\n");
  EXPECT_EQ(h.run({"PFDEBUG", "DECODE", "h"}), "-ERR HLL encoding is not sparse\r\n");
  const std::string registers = h.run({"PFDEBUG", "GETREG", "h"});
  EXPECT_EQ(registers.rfind("*16384\r\n:0\r\n", 0), 0U);
  EXPECT_EQ(h.run({"PFSELFTEST"}), "+OK\r\n");
}

TEST_F(HyperLogLogCommands, WritesPublishPfaddAndKeepTheTtl) {
  commands::ClientState& listener = h.add_client();
  h.run({"CONFIG", "SET", "notify-keyspace-events", "E$"});
  h.run_as(listener, {"SUBSCRIBE", "__keyevent@0__:pfadd"});
  h.output_of(listener);
  h.run({"PFADD", "h", "a"});
  h.run({"PFADD", "h", "a"});  // no change, no event
  h.run({"EXPIRE", "h", "100"});
  h.run({"PFMERGE", "h"});
  const std::string heard = h.output_of(listener);
  EXPECT_EQ(heard,
            "*3\r\n$7\r\nmessage\r\n$20\r\n__keyevent@0__:pfadd\r\n$1\r\nh\r\n"
            "*3\r\n$7\r\nmessage\r\n$20\r\n__keyevent@0__:pfadd\r\n$1\r\nh\r\n");
  EXPECT_EQ(h.run({"TTL", "h"}), ":100\r\n");
}

}  // namespace
}  // namespace mini_redis::testing
