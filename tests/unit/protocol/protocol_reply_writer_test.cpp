// The reply encoder in RESP2 and RESP3: the exact bytes a client reads.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "protocol/reply_writer.h"

namespace mini_redis::protocol {
namespace {

template <typename Write>
std::string encode(ProtocolVersion version, Write write) {
  std::string out;
  ReplyWriter writer(out, version);
  write(writer);
  return out;
}

constexpr auto kResp2 = ProtocolVersion::resp2;
constexpr auto kResp3 = ProtocolVersion::resp3;

TEST(ReplyWriter, SimpleStringsErrorsAndIntegers) {
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.ok(); }), "+OK\r\n");
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.error("ERR syntax error"); }), "-ERR syntax error\r\n");
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.integer(-42); }), ":-42\r\n");
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.integer(std::numeric_limits<std::int64_t>::min()); }),
            ":-9223372036854775808\r\n");
}

TEST(ReplyWriter, NewlinesInsideAnErrorBecomeSpaces) {
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.error("ERR bad\r\nthing"); }), "-ERR bad  thing\r\n");
}

TEST(ReplyWriter, BulkStringsCarryTheirLength) {
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.bulk_string("hello"); }), "$5\r\nhello\r\n");
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.bulk_string(""); }), "$0\r\n\r\n");
}

TEST(ReplyWriter, NullsDependOnTheProtocol) {
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.null(); }), "$-1\r\n");
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.null_array(); }), "*-1\r\n");
  EXPECT_EQ(encode(kResp3, [](auto& w) { w.null(); }), "_\r\n");
  EXPECT_EQ(encode(kResp3, [](auto& w) { w.null_array(); }), "_\r\n");
}

TEST(ReplyWriter, MapsAreFlatArraysInResp2) {
  auto map = [](auto& w) {
    w.map_header(1);
    w.bulk_string("a");
    w.integer(1);
  };
  EXPECT_EQ(encode(kResp2, map), "*2\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(encode(kResp3, map), "%1\r\n$1\r\na\r\n:1\r\n");
}

TEST(ReplyWriter, SetsPushesAndBooleans) {
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.set_header(2); }), "*2\r\n");
  EXPECT_EQ(encode(kResp3, [](auto& w) { w.set_header(2); }), "~2\r\n");
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.push_header(3); }), "*3\r\n");
  EXPECT_EQ(encode(kResp3, [](auto& w) { w.push_header(3); }), ">3\r\n");
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.boolean(true); }), ":1\r\n");
  EXPECT_EQ(encode(kResp3, [](auto& w) { w.boolean(false); }), "#f\r\n");
}

TEST(ReplyWriter, DoublesUseSeventeenSignificantDigitsLikeRedis70) {
  EXPECT_EQ(encode(kResp3, [](auto& w) { w.double_value(1.5); }), ",1.5\r\n");
  EXPECT_EQ(encode(kResp3, [](auto& w) { w.double_value(0.1); }), ",0.10000000000000001\r\n");
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.double_value(1.5); }), "$3\r\n1.5\r\n");
  EXPECT_EQ(encode(kResp3, [](auto& w) { w.double_value(INFINITY); }), ",inf\r\n");
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.double_value(-INFINITY); }), "$4\r\n-inf\r\n");
}

TEST(ReplyWriter, VerbatimTextIsPlainBulkInResp2) {
  EXPECT_EQ(encode(kResp2, [](auto& w) { w.verbatim_text("a:1"); }), "$3\r\na:1\r\n");
  EXPECT_EQ(encode(kResp3, [](auto& w) { w.verbatim_text("a:1"); }), "=7\r\ntxt:a:1\r\n");
}

}  // namespace
}  // namespace mini_redis::protocol
