// cmsgpack (scripting/lua_cmsgpack.cpp) in a bare Lua state: the bytes pack
// picks for each type and size, what unpack makes of every MessagePack type
// Redis reads, its offsets, and its errors on short, malformed and hostile
// input. The expected bytes were read from redis-server 7.0.15
// (tests/diff/cases/scripting_msgpack_struct.txt compares them live).
#include <gtest/gtest.h>

#include <string>

#include "scripting/lua_libraries.h"
#include "unit/scripting/lua_test_state.h"

namespace mini_redis::scripting {
namespace {

using namespace std::string_literals;

class CmsgpackTest : public ::testing::Test {
 protected:
  testing::LuaTestState lua{luaopen_cmsgpack};
};

TEST_F(CmsgpackTest, TheLibrarySetsItsGlobalWithRedisMetadata) {
  EXPECT_EQ(lua.run("return type(cmsgpack.pack)"), "function");
  EXPECT_EQ(lua.run("return cmsgpack._NAME"), "cmsgpack");
  EXPECT_EQ(lua.run("return cmsgpack._VERSION"), "lua-cmsgpack 0.4.0");
}

TEST_F(CmsgpackTest, PositiveIntegersTakeTheSmallestEncoding) {
  EXPECT_EQ(lua.run("return cmsgpack.pack(0, 127, 128, 255, 256, 65535, 65536, 4294967295, "
                    "4294967296)"),
            "\x00\x7f\xcc\x80\xcc\xff\xcd\x01\x00\xcd\xff\xff\xce\x00\x01\x00\x00\xce\xff\xff\xff"
            "\xff\xcf\x00\x00\x00\x01\x00\x00\x00\x00"s);
}

TEST_F(CmsgpackTest, NegativeIntegersTakeTheSmallestEncoding) {
  EXPECT_EQ(lua.run("return cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, "
                    "-2147483648, -2147483649)"),
            "\xff\xe0\xd0\xdf\xd0\x80\xd1\xff\x7f\xd1\x80\x00\xd2\xff\xff\x7f\xff\xd2\x80\x00\x00"
            "\x00\xd3\xff\xff\xff\xff\x7f\xff\xff\xff"s);
  EXPECT_EQ(lua.run("return cmsgpack.pack(-2^63)"), "\xd3\x80\x00\x00\x00\x00\x00\x00\x00"s);
}

TEST_F(CmsgpackTest, FloatsAreFloat32WhenThatIsExact) {
  EXPECT_EQ(lua.run("return cmsgpack.pack(1.5)"), "\xca\x3f\xc0\x00\x00"s);
  EXPECT_EQ(lua.run("return cmsgpack.pack(1/0)"), "\xca\x7f\x80\x00\x00"s);
  EXPECT_EQ(lua.run("return cmsgpack.pack(0.1)"), "\xcb\x3f\xb9\x99\x99\x99\x99\x99\x9a"s);
  // NaN never equals itself, so it is never "exact" as a float 32.
  EXPECT_EQ(lua.run("return #cmsgpack.pack(0/0)"), "9");
  // 2^63 is past int64, so it is a number, and a float 32 holds it.
  EXPECT_EQ(lua.run("return cmsgpack.pack(2^63)"), "\xca\x5f\x00\x00\x00"s);
  EXPECT_EQ(lua.run("return cmsgpack.pack(1e300):byte(1)"), "203");  // 0xcb
  EXPECT_EQ(lua.run("return cmsgpack.pack(-0.0)"), "\x00"s);
}

TEST_F(CmsgpackTest, StringsTakeFixstrThenStr8Str16Str32) {
  EXPECT_EQ(lua.run("return cmsgpack.pack('')"), "\xa0");
  EXPECT_EQ(lua.run("return cmsgpack.pack(string.rep('a', 31)):sub(1, 2)"), "\xbf\x61");
  EXPECT_EQ(lua.run("return cmsgpack.pack(string.rep('a', 32)):sub(1, 3)"), "\xd9 a");
  EXPECT_EQ(lua.run("return cmsgpack.pack(string.rep('a', 256)):sub(1, 4)"), "\xda\x01\x00\x61"s);
  EXPECT_EQ(lua.run("return cmsgpack.pack(string.rep('a', 65536)):sub(1, 6)"),
            "\xdb\x00\x01\x00\x00\x61"s);
}

TEST_F(CmsgpackTest, TablesWithKeysOneToNAreArraysAndTheRestMaps) {
  EXPECT_EQ(lua.run("return cmsgpack.pack({})"), "\x90");
  EXPECT_EQ(lua.run("return cmsgpack.pack({1, 2, 3})"), "\x93\x01\x02\x03");
  EXPECT_EQ(lua.run("return cmsgpack.pack({a = 1})"), "\x81\xa1\x61\x01");
  EXPECT_EQ(lua.run("return cmsgpack.pack({[1] = 1, [3] = 3})"), "\x82\x01\x01\x03\x03");
  EXPECT_EQ(lua.run("return cmsgpack.pack({[0] = 1})"), "\x81\x00\x01"s);
  EXPECT_EQ(lua.run("local t = {} for i = 1, 16 do t[i] = i end return cmsgpack.pack(t):sub(1, 3)"),
            "\xdc\x00\x10"s);
}

TEST_F(CmsgpackTest, NestingPastSixteenLevelsIsPackedAsNil) {
  // A table containing itself stops there instead of recursing forever.
  EXPECT_EQ(lua.run("local t = {} t[1] = t return cmsgpack.pack(t)"),
            std::string(16, '\x91') + "\xc0");
}

TEST_F(CmsgpackTest, BooleansNilAndFunctions) {
  EXPECT_EQ(lua.run("return cmsgpack.pack(true, false, nil, print)"), "\xc3\xc2\xc0\xc0");
  EXPECT_EQ(lua.error_of("return cmsgpack.pack()"),
            "bad argument #0 to 'pack' (MessagePack pack needs input.)");
}

TEST_F(CmsgpackTest, UnpackRoundTripsEveryType) {
  EXPECT_EQ(lua.run("local a, b, c, d, e = cmsgpack.unpack(cmsgpack.pack(-5, 'x', true, 1.5, "
                    "{1, {k = 'v'}})) return table.concat({a, b, tostring(c), d, e[1], "
                    "e[2].k}, ',')"),
            "-5,x,true,1.5,1,v");
  EXPECT_EQ(lua.run("return tostring(cmsgpack.unpack(cmsgpack.pack(0.1)))"), "0.1");
  EXPECT_EQ(lua.run("return select('#', cmsgpack.unpack(''))"), "0");
}

TEST_F(CmsgpackTest, UnpackReadsWideIntegersAsRedisDoes) {
  // uint 64 past 2^63 wraps negative; int 64 is a double.
  EXPECT_EQ(lua.run(R"(return tostring(cmsgpack.unpack('\207\255\255\255\255\255\255\255\255')))"),
            "-1");
  EXPECT_EQ(lua.run(R"(return tostring(cmsgpack.unpack('\206\255\255\255\255')))"), "4294967295");
  EXPECT_EQ(lua.run(R"(return tostring(cmsgpack.unpack('\209\255\254')))"), "-2");
  EXPECT_EQ(lua.run(R"(return tostring(cmsgpack.unpack('\224')))"), "-32");
}

TEST_F(CmsgpackTest, TruncatedInputIsMissingBytes) {
  for (const char* input : {R"('\204')", R"('\202\63\192\0')", R"('\217')", R"('\189abc')",
                            R"('\146\1')", R"('\1\2\3\204')"}) {
    EXPECT_EQ(lua.error_of(std::string("return cmsgpack.unpack(") + input + ")"),
              "Missing bytes in input.")
        << input;
  }
}

TEST_F(CmsgpackTest, BinExtAndTheUnusedByteAreBadFormat) {
  for (const char* input : {R"('\193')", R"('\196\1a')", R"('\199\1\1a')", R"('\212\1a')"}) {
    EXPECT_EQ(lua.error_of(std::string("return cmsgpack.unpack(") + input + ")"),
              "Bad data format in input.")
        << input;
  }
}

TEST_F(CmsgpackTest, HostileLengthsFailWithoutAllocating) {
  // 4 GB declared, a few bytes present: nothing is sized from the claim.
  EXPECT_EQ(lua.error_of(R"(return cmsgpack.unpack('\219\255\255\255\255a'))"),
            "Missing bytes in input.");
  EXPECT_EQ(lua.error_of(R"(return cmsgpack.unpack('\221\255\255\255\255'))"),
            "Missing bytes in input.");
  EXPECT_EQ(lua.error_of(R"(return cmsgpack.unpack('\223\255\255\255\255'))"),
            "Missing bytes in input.");
}

TEST_F(CmsgpackTest, DeepNestingAndTooManyValuesEndInLuaStackErrors) {
  EXPECT_EQ(lua.error_of(R"(return cmsgpack.unpack(string.rep('\145', 100000) .. '\1'))"),
            "stack overflow (in function mp_decode_to_lua_array)");
  EXPECT_EQ(lua.error_of(R"(return cmsgpack.unpack(string.rep('\129\1', 100000) .. '\1'))"),
            "stack overflow (too many return values at once; use unpack_one or unpack_limit "
            "instead.)");
  EXPECT_EQ(lua.error_of(R"(return cmsgpack.unpack(string.rep('\1', 100000)))"),
            "stack overflow (too many return values at once; use unpack_one or unpack_limit "
            "instead.)");
  EXPECT_EQ(lua.run(R"(return #{cmsgpack.unpack(string.rep('\145', 3999) .. '\1')})"), "1");
}

TEST_F(CmsgpackTest, ANilMapKeyIsLuasOwnError) {
  EXPECT_EQ(lua.error_of(R"(return cmsgpack.unpack('\129\192\2'))"), "table index is nil");
}

TEST_F(CmsgpackTest, UnpackOneReturnsTheNextOffsetFirst) {
  EXPECT_EQ(
      lua.run("local o, v = cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3)) return o .. ':' .. v"),
      "1:1");
  EXPECT_EQ(lua.run("local o, v = cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2) return o .. ':' "
                    ".. v"),
            "-1:3");
  EXPECT_EQ(lua.run("return select('#', cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 3))"), "1");
  EXPECT_EQ(lua.error_of("return cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 4)"),
            "Start offset 4 greater than input length 3.");
  EXPECT_EQ(lua.error_of("return cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), -1)"),
            "Invalid request to unpack with offset of -1 and limit of 3.");
}

TEST_F(CmsgpackTest, UnpackLimitStopsAfterLimitValues) {
  EXPECT_EQ(lua.run("return table.concat({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}, ',')"),
            "2,1,2");
  EXPECT_EQ(lua.run("return table.concat({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5)}, ',')"),
            "-1,1,2,3");
  // Limit 0 and offset 0 is plain unpack: no offset in front.
  EXPECT_EQ(lua.run("return table.concat({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0)}, ',')"),
            "1,2,3");
  EXPECT_EQ(lua.run("return table.concat({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 1)}, "
                    "',')"),
            "1");
  EXPECT_EQ(lua.error_of("return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), -1)"),
            "Invalid request to unpack with offset of 0 and limit of 3.");
}

TEST_F(CmsgpackTest, PackRefusesMoreArgumentsThanTheStackHolds) {
  EXPECT_EQ(lua.error_of("local t = {} for i = 1, 4001 do t[i] = i end "
                         "return cmsgpack.pack(unpack(t))"),
            "bad argument #0 to 'pack' (Too many arguments for MessagePack pack.)");
  EXPECT_EQ(lua.run("local t = {} for i = 1, 4000 do t[i] = i end "
                    "return #cmsgpack.pack(unpack(t))"),
            "11618");
}

}  // namespace
}  // namespace mini_redis::scripting
