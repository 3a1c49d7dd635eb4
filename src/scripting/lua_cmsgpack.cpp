// cmsgpack for scripts: Lua values <-> MessagePack bytes, behaving as the
// lua-cmsgpack 0.4.0 that Redis 7.0.15 embeds, down to the bytes it picks and
// the errors it raises. Written from the MessagePack specification and from
// probing Redis; Debian has no package of it for Lua 5.1. This file holds
// unpacking and the library table; packing is in lua_cmsgpack_pack.cpp.
//
// The MessagePack bytes this library reads and writes (big-endian numbers):
//
//   0x00-0x7f  positive fixint        0xe0-0xff  negative fixint (-32..-1)
//   0xcc/cd/ce/cf  uint 8/16/32/64    0xd0/d1/d2/d3  int 8/16/32/64
//   0xca float 32, 0xcb float 64      0xc0 nil, 0xc2 false, 0xc3 true
//   0xa0-0xbf  fixstr (length in the low 5 bits); 0xd9/da/db  str 8/16/32
//   0x90-0x9f  fixarray; 0xdc/dd array 16/32 (then that many values)
//   0x80-0x8f  fixmap;   0xde/df map 16/32   (then that many key, value pairs)
// bin (0xc4-0xc6), ext (0xc7-0xc9, 0xd4-0xd8) and 0xc1 are "Bad data format".
//
// Packing, as Redis does it:
//   - a number that is a whole number in int64's range is an integer in the
//     smallest encoding; any other number is a float 32 when the float holds
//     it exactly (1.5, infinities), else a float 64 (0.1, NaN);
//   - a table whose keys are exactly 1..n is an array, anything else a map
//     (so {} is an empty array); tables nested deeper than 16 levels are
//     written as nil, which is what stops a table that contains itself;
//   - functions, userdata and threads are written as nil.
// Unpacking turns uint 64 values past 2^63 into negative numbers and int 64
// into doubles, as Redis's Lua 5.1 build does.
//
// How much of the Lua stack it uses is part of the behaviour: a script sees
// "stack overflow (...)" errors where Redis's library runs out of Lua stack
// (LUAI_MAXCSTACK, 8000 slots). So each function below checks for stack
// space at the same points and for the same number of slots as Redis's does,
// with the same messages, and a hostile input (a million nested arrays, a
// declared length of 4 GB) ends in the same error instead of a crash.
#include <climits>
#include <cstdint>
#include <cstring>

#include "scripting/lua_libraries.h"

namespace mini_redis::scripting {

namespace {

constexpr const char* kTooManyValues =
    "too many return values at once; use unpack_one or unpack_limit instead.";

// ---- unpacking -------------------------------------------------------------

enum class ReadError { none, missing_bytes, bad_format };

// The bytes still to read. Every length read from the input is checked
// against `left` before it is used, so nothing is allocated or read from a
// length the input only claims.
struct Cursor {
  const unsigned char* at;
  std::size_t left;
  ReadError error;
};

bool need(Cursor& c, std::size_t size) {
  if (c.left < size) {
    c.error = ReadError::missing_bytes;
    return false;
  }
  return true;
}

void skip(Cursor& c, std::size_t size) {
  c.at += size;
  c.left -= size;
}

// The `width` bytes after the type byte, big-endian (the caller checked them).
std::uint64_t read_be(const Cursor& c, int width) {
  std::uint64_t value = 0;
  for (int i = 1; i <= width; ++i) {
    value = (value << 8) | c.at[i];
  }
  return value;
}

void unpack_value(lua_State* lua, Cursor& c);

// lua_pushinteger after `width` bytes of an integer: unsigned, or sign-extended.
void unpack_integer(lua_State* lua, Cursor& c, int width, bool is_signed) {
  if (!need(c, static_cast<std::size_t>(width) + 1)) {
    return;
  }
  std::uint64_t bits = read_be(c, width);
  if (is_signed && width < 8 && (bits >> (width * 8 - 1)) != 0) {
    bits |= ~std::uint64_t{0} << (width * 8);
  }
  if (is_signed && width == 8) {
    // int 64 becomes a double in Redis's Lua 5.1 build (it keeps the sign).
    lua_pushnumber(lua, static_cast<lua_Number>(static_cast<std::int64_t>(bits)));
  } else {
    // uint 64 past 2^63 wraps to a negative lua_Integer, as in Redis.
    lua_pushinteger(lua, static_cast<lua_Integer>(bits));
  }
  skip(c, static_cast<std::size_t>(width) + 1);
}

void unpack_float(lua_State* lua, Cursor& c, int width) {
  if (!need(c, static_cast<std::size_t>(width) + 1)) {
    return;
  }
  const std::uint64_t bits = read_be(c, width);
  if (width == 4) {
    const auto narrow = static_cast<std::uint32_t>(bits);
    float f = 0;
    std::memcpy(&f, &narrow, sizeof f);
    lua_pushnumber(lua, f);
  } else {
    double d = 0;
    std::memcpy(&d, &bits, sizeof d);
    lua_pushnumber(lua, d);
  }
  skip(c, static_cast<std::size_t>(width) + 1);
}

// A string whose length takes `width` bytes after the type byte (0: fixstr).
void unpack_string(lua_State* lua, Cursor& c, int width, std::size_t size) {
  const auto header = static_cast<std::size_t>(width) + 1;
  if (!need(c, header)) {
    return;
  }
  if (width > 0) {
    size = read_be(c, width);
  }
  skip(c, header);
  if (!need(c, size)) {
    return;
  }
  lua_pushlstring(lua, reinterpret_cast<const char*>(c.at), size);
  skip(c, size);
}

// No table is sized from `size`: a hostile count only costs the bytes the
// input really has, as each element needs at least one.
void unpack_array(lua_State* lua, Cursor& c, std::uint64_t size) {
  lua_newtable(lua);
  luaL_checkstack(lua, 1, "in function mp_decode_to_lua_array");
  for (std::uint64_t i = 1; i <= size; ++i) {
    lua_pushnumber(lua, static_cast<lua_Number>(i));
    unpack_value(lua, c);
    if (c.error != ReadError::none) {
      return;
    }
    lua_settable(lua, -3);
  }
}

// A nil or NaN key raises Lua's own "table index is nil" (or "is NaN").
void unpack_map(lua_State* lua, Cursor& c, std::uint64_t size) {
  lua_newtable(lua);
  for (std::uint64_t i = 0; i < size; ++i) {
    unpack_value(lua, c);  // the key
    if (c.error != ReadError::none) {
      return;
    }
    unpack_value(lua, c);  // the value
    if (c.error != ReadError::none) {
      return;
    }
    lua_settable(lua, -3);
  }
}

// An array or map whose count takes `width` bytes after the type byte.
void unpack_container(lua_State* lua, Cursor& c, int width, bool is_map) {
  if (!need(c, static_cast<std::size_t>(width) + 1)) {
    return;
  }
  const std::uint64_t size = read_be(c, width);
  skip(c, static_cast<std::size_t>(width) + 1);
  if (is_map) {
    unpack_map(lua, c, size);
  } else {
    unpack_array(lua, c, size);
  }
}

// Pushes the value at the cursor, or sets c.error.
void unpack_value(lua_State* lua, Cursor& c) {
  if (!need(c, 1)) {
    return;
  }
  luaL_checkstack(lua, 1, kTooManyValues);
  const unsigned char type = c.at[0];
  switch (type) {
    case 0xc0:
      lua_pushnil(lua);
      skip(c, 1);
      return;
    case 0xc2:
      lua_pushboolean(lua, 0);
      skip(c, 1);
      return;
    case 0xc3:
      lua_pushboolean(lua, 1);
      skip(c, 1);
      return;
    case 0xcc: unpack_integer(lua, c, 1, false); return;
    case 0xcd: unpack_integer(lua, c, 2, false); return;
    case 0xce: unpack_integer(lua, c, 4, false); return;
    case 0xcf: unpack_integer(lua, c, 8, false); return;
    case 0xd0: unpack_integer(lua, c, 1, true); return;
    case 0xd1: unpack_integer(lua, c, 2, true); return;
    case 0xd2: unpack_integer(lua, c, 4, true); return;
    case 0xd3: unpack_integer(lua, c, 8, true); return;
    case 0xca: unpack_float(lua, c, 4); return;
    case 0xcb: unpack_float(lua, c, 8); return;
    case 0xd9: unpack_string(lua, c, 1, 0); return;
    case 0xda: unpack_string(lua, c, 2, 0); return;
    case 0xdb: unpack_string(lua, c, 4, 0); return;
    case 0xdc: unpack_container(lua, c, 2, false); return;
    case 0xdd: unpack_container(lua, c, 4, false); return;
    case 0xde: unpack_container(lua, c, 2, true); return;
    case 0xdf: unpack_container(lua, c, 4, true); return;
    default: break;
  }
  if (type <= 0x7f) {
    lua_pushinteger(lua, type);
    skip(c, 1);
  } else if (type >= 0xe0) {
    lua_pushinteger(lua, static_cast<int>(type) - 256);
    skip(c, 1);
  } else if ((type & 0xe0) == 0xa0) {
    unpack_string(lua, c, 0, type & 0x1fU);
  } else if ((type & 0xf0) == 0x90) {
    skip(c, 1);
    unpack_array(lua, c, type & 0x0fU);
  } else if ((type & 0xf0) == 0x80) {
    skip(c, 1);
    unpack_map(lua, c, type & 0x0fU);
  } else {
    c.error = ReadError::bad_format;
  }
}

// What the three unpack functions share. `limit` 0 with `offset` 0 means
// "every value, and no offset in front"; otherwise at most `limit` values
// follow the offset of the next unread byte (-1 once all is read).
int unpack_from(lua_State* lua, lua_Integer limit, lua_Integer offset) {
  std::size_t size = 0;
  const char* bytes = luaL_checklstring(lua, 1, &size);
  // Redis prints the input's length where the message says "limit", and
  // both through (int).
  if (offset < 0 || limit < 0) {
    return luaL_error(lua, "Invalid request to unpack with offset of %d and limit of %d.",
                      static_cast<int>(offset), static_cast<int>(size));
  }
  if (static_cast<std::uint64_t>(offset) > size) {
    return luaL_error(lua, "Start offset %d greater than input length %d.",
                      static_cast<int>(offset), static_cast<int>(size));
  }
  const bool all = limit == 0 && offset == 0;
  if (all) {
    limit = INT_MAX;
  }
  const auto start = static_cast<std::size_t>(offset);
  Cursor c{reinterpret_cast<const unsigned char*>(bytes) + start, size - start, ReadError::none};
  int count = 0;
  for (; c.left > 0 && count < limit; ++count) {
    unpack_value(lua, c);
    if (c.error == ReadError::missing_bytes) {
      return luaL_error(lua, "Missing bytes in input.");
    }
    if (c.error == ReadError::bad_format) {
      return luaL_error(lua, "Bad data format in input.");
    }
  }
  if (!all) {
    luaL_checkstack(lua, 1, "in function mp_unpack_full");
    lua_pushinteger(lua, c.left == 0 ? -1 : static_cast<lua_Integer>(size - c.left));
    lua_insert(lua, 2);  // the offset goes first, right after the input
    ++count;
  }
  return count;
}

// Only the input stays on the stack, so the stack space left for results is
// the same however the function was called (it decides where "stack
// overflow" starts, as in Redis).
int unpack(lua_State* lua) {
  return unpack_from(lua, 0, 0);
}

int unpack_one(lua_State* lua) {
  const lua_Integer offset = luaL_optinteger(lua, 2, 0);
  lua_settop(lua, lua_gettop(lua) > 1 ? 1 : lua_gettop(lua));
  return unpack_from(lua, 1, offset);
}

int unpack_limit(lua_State* lua) {
  const lua_Integer limit = luaL_checkinteger(lua, 2);
  const lua_Integer offset = luaL_optinteger(lua, 3, 0);
  lua_settop(lua, 1);
  return unpack_from(lua, limit, offset);
}

}  // namespace

int luaopen_cmsgpack(lua_State* lua) {
  lua_newtable(lua);
  push_cmsgpack_pack(lua);  // lua_cmsgpack_pack.cpp
  lua_setfield(lua, -2, "pack");
  lua_pushcfunction(lua, unpack);
  lua_setfield(lua, -2, "unpack");
  lua_pushcfunction(lua, unpack_one);
  lua_setfield(lua, -2, "unpack_one");
  lua_pushcfunction(lua, unpack_limit);
  lua_setfield(lua, -2, "unpack_limit");
  // The metadata fields Redis's copy carries.
  lua_pushliteral(lua, "cmsgpack");
  lua_setfield(lua, -2, "_NAME");
  lua_pushliteral(lua, "lua-cmsgpack 0.4.0");
  lua_setfield(lua, -2, "_VERSION");
  lua_pushliteral(lua, "Copyright (C) 2012, Salvatore Sanfilippo");
  lua_setfield(lua, -2, "_COPYRIGHT");
  lua_pushliteral(lua, "MessagePack C implementation for Lua");
  lua_setfield(lua, -2, "_DESCRIPTION");
  lua_pushvalue(lua, -1);
  lua_setglobal(lua, "cmsgpack");
  return 1;
}

}  // namespace mini_redis::scripting
