// struct (scripting/lua_struct.cpp) in a bare Lua state: each option's bytes
// in both byte orders, alignment, the string options, wide and odd-sized
// integers as Redis's 64-bit build handles them, and the errors. The
// expected bytes were read from redis-server 7.0.15
// (tests/diff/cases/scripting_msgpack_struct.txt compares them live).
#include <gtest/gtest.h>

#include <string>

#include "scripting/lua_libraries.h"
#include "unit/scripting/lua_test_state.h"

namespace mini_redis::scripting {
namespace {

using namespace std::string_literals;

class StructTest : public ::testing::Test {
 protected:
  testing::LuaTestState lua{luaopen_struct};

  // The values struct.unpack returns, joined with ','.
  std::string unpacked(const std::string& args) {
    return lua.run("local t = {struct.unpack(" + args +
                   ")} for i = 1, #t do t[i] = tostring(t[i]) end return table.concat(t, ',')");
  }
};

TEST_F(StructTest, IntegersInBothByteOrders) {
  EXPECT_EQ(lua.run("return struct.pack('>i', 1)"), "\x00\x00\x00\x01"s);
  EXPECT_EQ(lua.run("return struct.pack('<i', 1)"), "\x01\x00\x00\x00"s);
  EXPECT_EQ(lua.run("return struct.pack('>h', -2)"), "\xff\xfe"s);
  EXPECT_EQ(lua.run("return struct.pack('bBhHlLTiI', 1, 2, 3, 4, 5, 6, 7, 8, 9)"),
            "\x01\x02\x03\x00\x04\x00\x05\x00\x00\x00\x00\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00"
            "\x00\x07\x00\x00\x00\x00\x00\x00\x00\x08\x00\x00\x00\x09\x00\x00\x00"s);
  EXPECT_EQ(unpacked(R"('>i', '\255\255\255\255')"), "-1,5");
  EXPECT_EQ(unpacked(R"('>I', '\255\255\255\255')"), "4294967295,5");
  EXPECT_EQ(unpacked(R"('<h', '\255\127')"), "32767,3");
}

TEST_F(StructTest, NumbersAreCutToTheirWidth) {
  EXPECT_EQ(lua.run("return struct.pack('>b', 200)"), "\xc8");
  EXPECT_EQ(lua.run("return struct.pack('>i2', 65536)"), "\x00\x00"s);
  EXPECT_EQ(lua.run("return struct.pack('>i4', -1.9)"), "\xff\xff\xff\xff");
}

TEST_F(StructTest, OutOfRangeNumbersConvertAsX86Does) {
  EXPECT_EQ(lua.run("return struct.pack('>I8', 2^64)"), std::string(8, '\0'));
  EXPECT_EQ(lua.run("return struct.pack('>I8', 1/0)"), std::string(8, '\0'));
  EXPECT_EQ(lua.run("return struct.pack('>I8', 0/0)"), "\x80"s + std::string(7, '\0'));
  EXPECT_EQ(lua.run("return struct.pack('>I8', -1e30)"), "\x80"s + std::string(7, '\0'));
  EXPECT_EQ(lua.run("return struct.pack('>I8', 2^63 + 2^62)"), "\xc0"s + std::string(7, '\0'));
}

TEST_F(StructTest, IntegersWiderThanEightBytesAre64BitInside) {
  // Packing pads with zeros past 8 bytes, even for -1.
  EXPECT_EQ(lua.run("return struct.pack('>i16', -1)"),
            std::string(8, '\0') + std::string(8, '\xff'));
  EXPECT_EQ(lua.run("return struct.pack('<i16', -2)"),
            "\xfe"s + std::string(7, '\xff') + std::string(8, '\0'));
  // Unpacking keeps the last 8 bytes; the sign bit is bit (8n-1) mod 64.
  EXPECT_EQ(unpacked(R"('>i16', string.rep('\255', 16))"), "-1,17");
  EXPECT_EQ(unpacked(R"('>i9', '\0\128\0\0\0\0\0\0\0')"), "-128,10");
  EXPECT_EQ(unpacked(R"('>I8', string.rep('\255', 8))"), "1.844674407371e+19,9");
  EXPECT_EQ(unpacked(R"('>i0', '')"), "0,1");
}

TEST_F(StructTest, FloatsAndDoubles) {
  EXPECT_EQ(lua.run("return struct.pack('>f', 1.5)"), "\x3f\xc0\x00\x00"s);
  EXPECT_EQ(lua.run("return struct.pack('<d', 0.1)"), "\x9a\x99\x99\x99\x99\x99\xb9\x3f"s);
  EXPECT_EQ(lua.run("return struct.pack('>f', 1e300)"), "\x7f\x80\x00\x00"s);
  EXPECT_EQ(lua.run("return struct.pack('>f', 3.4028235e38)"), "\x7f\x7f\xff\xff"s);
  EXPECT_EQ(unpacked(R"('>d', '\63\185\153\153\153\153\153\154')"), "0.1,9");
  EXPECT_EQ(unpacked(R"('>f', '\63\192\0\0')"), "1.5,5");
}

TEST_F(StructTest, AlignmentPadsToTheSmallerOfSizeAndMaximum) {
  EXPECT_EQ(lua.run("return struct.pack('!4 b i', 1, 2)"), "\x01\x00\x00\x00\x02\x00\x00\x00"s);
  EXPECT_EQ(lua.run("return struct.pack('!2 b i', 1, 2)"), "\x01\x00\x02\x00\x00\x00"s);
  EXPECT_EQ(lua.run("return struct.pack('b!4i3', 1, 1)"), "\x01\x00\x00\x01\x00\x00"s);
  EXPECT_EQ(lua.run("return struct.pack('b!8c3', 1, 'abc')"), "\x01"s + "abc");
  EXPECT_EQ(lua.run("return struct.size('!bhilTfd')"), "40");
  EXPECT_EQ(lua.run("return struct.size('bhilTfd')"), "35");
  EXPECT_EQ(unpacked(R"('!4 b i', '\1\0\0\0\2\0\0\0')"), "1,2,9");
}

TEST_F(StructTest, StringOptions) {
  EXPECT_EQ(lua.run("return struct.pack('s', 'ab')"), "ab\0"s);
  EXPECT_EQ(lua.run("return struct.pack('c', 'ab')"), "a");
  EXPECT_EQ(lua.run("return struct.pack('c0', 'abc')"), "abc");
  EXPECT_EQ(lua.run("return struct.pack('c2x c1', 'ab', 'x')"), "ab\0x"s);
  EXPECT_EQ(unpacked(R"('ss', 'ab\0cd\0')"), "ab,cd,7");
  EXPECT_EQ(unpacked(R"('bc0', '\2ab')"), "ab,4");
  EXPECT_EQ(unpacked(R"('sc0', '2\0ab')"), "ab,5");
  EXPECT_EQ(unpacked(R"('b', '\1\2', 2)"), "2,3");
  EXPECT_EQ(unpacked(R"('', '\1\2', -1)"), "-1");
}

TEST_F(StructTest, FormatErrors) {
  EXPECT_EQ(lua.error_of("return struct.pack('z', 1)"),
            "bad argument #1 to 'pack' (invalid format option 'z')");
  EXPECT_EQ(lua.error_of("return struct.pack('s5', 'abcdef')"),
            "bad argument #1 to 'pack' (invalid format option '5')");
  EXPECT_EQ(lua.error_of("return struct.pack('>i33', 1)"),
            "integral size 33 is larger than limit of 32");
  EXPECT_EQ(lua.error_of("return struct.pack('!3 b', 1)"), "alignment 3 is not a power of 2");
  EXPECT_EQ(lua.error_of("return struct.pack('c2147483648', 'a')"), "integral size overflow");
  EXPECT_EQ(lua.run("return struct.size('c2147483647c2147483647')"), "4294967294");
}

TEST_F(StructTest, ArgumentErrors) {
  EXPECT_EQ(lua.error_of("return struct.pack('c5', 'ab')"),
            "bad argument #3 to 'pack' (string too short)");
  EXPECT_EQ(lua.error_of("return struct.pack('>i', 'x')"),
            "bad argument #2 to 'pack' (number expected, got string)");
  EXPECT_EQ(lua.error_of(R"(return struct.unpack('>i', '\1\2'))"),
            "bad argument #2 to 'unpack' (data string too short)");
  EXPECT_EQ(lua.error_of(R"(return struct.unpack('b', '\1\2', 0))"),
            "bad argument #3 to 'unpack' (offset must be 1 or greater)");
  EXPECT_EQ(lua.error_of(R"(return struct.unpack('>i', '\1\2\3\4', -1))"),
            "bad argument #2 to 'unpack' (data string too short)");
  EXPECT_EQ(lua.error_of("return struct.unpack('s', 'ab')"), "unfinished string in data");
  EXPECT_EQ(lua.error_of("return struct.unpack('c0', '12')"), "format 'c0' needs a previous size");
  EXPECT_EQ(lua.error_of(R"(return struct.unpack('bc0', '\255ab'))"),
            "bad argument #2 to 'unpack' (data string too short)");
}

TEST_F(StructTest, SizeRefusesVariableOptionsAndSkipsUnknownLetters) {
  EXPECT_EQ(lua.error_of("return struct.size('s')"),
            "bad argument #1 to 'size' (option 's' has no fixed size)");
  EXPECT_EQ(lua.error_of("return struct.size('c0')"),
            "bad argument #1 to 'size' (option 'c0' has no fixed size)");
  EXPECT_EQ(lua.run("return struct.size('z')"), "0");
  EXPECT_EQ(lua.run("return struct.size(12)"), "0");
  EXPECT_EQ(lua.error_of("return struct.size('=')"),
            "bad argument #1 to 'size' (invalid format option '=')");
}

TEST_F(StructTest, TooManyResultsIsAStackError) {
  EXPECT_EQ(lua.error_of("return struct.unpack(string.rep('b', 9000), string.rep('\\1', 9000))"),
            "stack overflow (too many results)");
}

}  // namespace
}  // namespace mini_redis::scripting
