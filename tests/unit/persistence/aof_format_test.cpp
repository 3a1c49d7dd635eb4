#include "persistence/aof_format.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mini_redis::persistence {
namespace {

using Status = AofCommandReader::Status;

std::string command(std::vector<std::string> argv) {
  std::string out;
  append_command(out, argv);
  return out;
}

TEST(AofCommandTest, WritesCommandsAsRespArrays) {
  EXPECT_EQ(command({"SET", "k", "v"}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  EXPECT_EQ(command({"SET", "", std::string("a\0b", 3)}),
            std::string("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$3\r\na\0b\r\n", 28));
}

TEST(AofCommandTest, ReadsBackWhatWasWritten) {
  const std::string bytes = command({"SELECT", "0"}) + command({"SET", "k", "v\r\n"}) +
                            "#TS:1700000000\r\n" + command({"DEL", "k"});
  AofCommandReader reader(bytes);
  std::vector<std::string_view> argv;
  ASSERT_EQ(reader.next(argv), Status::command);
  EXPECT_EQ(argv, (std::vector<std::string_view>{"SELECT", "0"}));
  ASSERT_EQ(reader.next(argv), Status::command);
  EXPECT_EQ(argv, (std::vector<std::string_view>{"SET", "k", "v\r\n"}));
  ASSERT_EQ(reader.next(argv), Status::command);  // the annotation line is skipped
  EXPECT_EQ(argv, (std::vector<std::string_view>{"DEL", "k"}));
  EXPECT_EQ(reader.next(argv), Status::end);
  EXPECT_EQ(reader.valid_up_to(), bytes.size());
}

TEST(AofCommandTest, ACutAnywhereInsideTheLastCommandIsTruncation) {
  const std::string first = command({"SET", "a", "1"});
  const std::string whole = first + command({"SET", "key", "value"});
  for (std::size_t cut = first.size() + 1; cut < whole.size(); ++cut) {
    AofCommandReader reader(std::string_view(whole).substr(0, cut));
    std::vector<std::string_view> argv;
    ASSERT_EQ(reader.next(argv), Status::command) << cut;
    EXPECT_EQ(reader.next(argv), Status::truncated) << cut;
    EXPECT_EQ(reader.valid_up_to(), first.size()) << cut;
  }
}

TEST(AofCommandTest, GarbageIsMalformedNotTruncated) {
  for (const std::string& bytes : {std::string("SET k v\r\n"), std::string("*x\r\n"),
                                  std::string("*1\r\n+OK\r\n"), std::string("*0\r\n"),
                                  std::string("*1\r\n$-1\r\n"), std::string("*1\r\n$1\r\nabc\r\n")}) {
    AofCommandReader reader(bytes);
    std::vector<std::string_view> argv;
    EXPECT_EQ(reader.next(argv), Status::malformed) << bytes;
  }
}

TEST(AofCommandTest, AHugeDeclaredLengthDoesNotReadPastTheInput) {
  AofCommandReader reader("*1\r\n$9223372036854775807\r\nabc");
  std::vector<std::string_view> argv;
  EXPECT_EQ(reader.next(argv), Status::truncated);
  AofCommandReader many("*2147483647\r\n$1\r\na\r\n");
  EXPECT_EQ(many.next(argv), Status::truncated);
}

TEST(AofManifestTest, FormatsAsRedis70) {
  AofManifest manifest;
  manifest.files = {{"appendonly.aof.2.incr.aof", 2, AofFileInfo::Type::incr},
                    {"appendonly.aof.1.incr.aof", 1, AofFileInfo::Type::history},
                    {"appendonly.aof.2.base.rdb", 2, AofFileInfo::Type::base}};
  EXPECT_EQ(format_manifest(manifest),
            "file appendonly.aof.2.base.rdb seq 2 type b\n"
            "file appendonly.aof.1.incr.aof seq 1 type h\n"
            "file appendonly.aof.2.incr.aof seq 2 type i\n");
}

TEST(AofManifestTest, ParsesWhatRedisWrites) {
  auto parsed = parse_manifest(
      "file appendonly.aof.1.base.rdb seq 1 type b\n"
      "# a comment\n"
      "file appendonly.aof.1.incr.aof seq 1 type i\n"
      "type i seq 2 file appendonly.aof.2.incr.aof\n");
  ASSERT_TRUE(parsed) << parsed.error();
  ASSERT_NE(parsed->base(), nullptr);
  EXPECT_EQ(parsed->base()->name, "appendonly.aof.1.base.rdb");
  ASSERT_EQ(parsed->increments().size(), 2u);
  EXPECT_EQ(parsed->last_incr_sequence(), 2);
  EXPECT_EQ(parsed->base_sequence(), 1);
}

TEST(AofManifestTest, RefusesBrokenLines) {
  EXPECT_FALSE(parse_manifest("file a seq 1\n"));
  EXPECT_FALSE(parse_manifest("file a seq x type i\n"));
  EXPECT_FALSE(parse_manifest("file a seq 1 type z\n"));
  EXPECT_FALSE(parse_manifest("file ../a seq 1 type i\n"));
  EXPECT_FALSE(parse_manifest("file a seq 1 type b\nfile b seq 2 type b\n"));
}

TEST(AofManifestTest, FileNamesAsRedisGivesThem) {
  EXPECT_EQ(base_file_name("appendonly.aof", 3, true), "appendonly.aof.3.base.rdb");
  EXPECT_EQ(base_file_name("appendonly.aof", 3, false), "appendonly.aof.3.base.aof");
  EXPECT_EQ(incr_file_name("x.aof", 12), "x.aof.12.incr.aof");
  EXPECT_EQ(manifest_file_name("appendonly.aof"), "appendonly.aof.manifest");
}

}  // namespace
}  // namespace mini_redis::persistence
