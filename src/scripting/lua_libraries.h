// The two small Lua C libraries Redis 7.0 embeds for scripts besides cjson and
// bit, written here because Debian packages neither for Lua 5.1:
//   cmsgpack  MessagePack: cmsgpack.pack(...), cmsgpack.unpack(s),
//             cmsgpack.unpack_one(s[, offset]), cmsgpack.unpack_limit(s, limit[, offset])
//             (lua_cmsgpack.cpp; pack in lua_cmsgpack_pack.cpp)
//   struct    Roberto Ierusalimschy's binary packing: struct.pack(fmt, ...),
//             struct.unpack(fmt, s[, pos]), struct.size(fmt) (lua_struct.cpp)
// Each open function leaves the library's table on the stack and sets the
// global of the same name, as the Lua 5.1 builds of both libraries do.
// Both raise errors the Lua C API way (luaL_error / luaL_argerror, which
// longjmp), so no C++ object with a destructor may be alive across a call
// that can raise: the code keeps its state in plain values and in Lua.
#pragma once

#include <lua5.1/lua.hpp>

#include <cfloat>
#include <cmath>

namespace mini_redis::scripting {

int luaopen_cmsgpack(lua_State* lua);
int luaopen_struct(lua_State* lua);

// Pushes cmsgpack.pack, a C closure over the buffer it packs into
// (lua_cmsgpack_pack.cpp); luaopen_cmsgpack puts it in the table.
void push_cmsgpack_pack(lua_State* lua);

// C's `(float)d` with IEEE round-to-nearest, without C++'s undefined
// behaviour for a finite double beyond FLT_MAX: such a value rounds to
// FLT_MAX below the half-way point to the next power of two, and to infinity
// from there on (the half-way point rounds to even, which is infinity).
inline float narrow_to_float(double d) {
  if (std::isfinite(d) && std::fabs(d) > FLT_MAX) {
    constexpr double kHalfWayPastMax = 0x1.ffffffp127;
    const float sign = d > 0 ? 1.0F : -1.0F;
    return std::fabs(d) < kHalfWayPastMax ? sign * FLT_MAX : sign * HUGE_VALF;
  }
  return static_cast<float>(d);
}

}  // namespace mini_redis::scripting
