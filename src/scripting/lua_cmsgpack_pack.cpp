// cmsgpack.pack: Lua values -> MessagePack bytes, as Redis 7.0.15's
// lua-cmsgpack picks them. lua_cmsgpack.cpp explains the format and the rules
// (smallest integer encoding, float 32 when exact, arrays for keys 1..n,
// nesting past 16 levels packed as nil) and holds unpacking.
//
// The luaL_checkstack calls are placed and sized as in Redis's copy: where
// the Lua stack runs out (thousands of arguments, each a table) is something
// a script can see, and the messages name Redis's C functions.
#include <climits>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>

#include "scripting/lua_libraries.h"

namespace mini_redis::scripting {

namespace {

constexpr int kMaxNesting = 16;  // tables deeper than this are packed as nil

// The bytes of one argument are gathered in a buffer that lives in a userdata
// (the upvalue of pack), not on the C++ stack: an error raised half-way
// longjmps past this code, and a buffer owned by Lua is still freed (by its
// __gc) when that happens. Packing never calls back into Lua code, so one
// buffer per interpreter is enough.
struct PackBuffer {
  std::string bytes;
};

// A buffer grown past this by a big pack is given back afterwards.
constexpr std::size_t kKeptCapacity = 64 * 1024;

int free_pack_buffer(lua_State* lua) {
  static_cast<PackBuffer*>(lua_touserdata(lua, 1))->~PackBuffer();
  return 0;
}

PackBuffer& pack_buffer(lua_State* lua) {
  return *static_cast<PackBuffer*>(lua_touserdata(lua, lua_upvalueindex(1)));
}

void append(lua_State* lua, std::string& out, const void* data, std::size_t size) {
  bool out_of_memory = false;
  try {
    out.append(static_cast<const char*>(data), size);
  } catch (const std::bad_alloc&) {
    out_of_memory = true;  // raised below, outside the handler
  }
  if (out_of_memory) {
    luaL_error(lua, "not enough memory");
  }
}

// A type byte followed by `width` bytes of `value`, most significant first.
void append_header(lua_State* lua, std::string& out, unsigned char type, std::uint64_t value,
                   int width) {
  unsigned char bytes[9];
  bytes[0] = type;
  for (int i = width; i >= 1; --i) {
    bytes[i] = static_cast<unsigned char>(value & 0xFF);
    value >>= 8;
  }
  append(lua, out, bytes, static_cast<std::size_t>(width) + 1);
}

void pack_integer(lua_State* lua, std::string& out, std::int64_t n) {
  const auto bits = static_cast<std::uint64_t>(n);
  if (n >= 0) {
    if (n <= 127) {
      append_header(lua, out, static_cast<unsigned char>(n), 0, 0);
    } else if (n <= 0xFF) {
      append_header(lua, out, 0xcc, bits, 1);
    } else if (n <= 0xFFFF) {
      append_header(lua, out, 0xcd, bits, 2);
    } else if (n <= 0xFFFFFFFFLL) {
      append_header(lua, out, 0xce, bits, 4);
    } else {
      append_header(lua, out, 0xcf, bits, 8);
    }
  } else if (n >= -32) {
    append_header(lua, out, static_cast<unsigned char>(bits & 0xFF), 0, 0);
  } else if (n >= -128) {
    append_header(lua, out, 0xd0, bits, 1);
  } else if (n >= -32768) {
    append_header(lua, out, 0xd1, bits, 2);
  } else if (n >= -2147483648LL) {
    append_header(lua, out, 0xd2, bits, 4);
  } else {
    append_header(lua, out, 0xd3, bits, 8);
  }
}

void pack_number(lua_State* lua, std::string& out, lua_Number d) {
  // Redis's test: (int64_t)d == d, which holds for whole numbers in
  // [-2^63, 2^63) (2^63 itself converts to INT64_MIN and fails).
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (d >= -kTwoTo63 && d < kTwoTo63 && d == std::trunc(d)) {
    pack_integer(lua, out, static_cast<std::int64_t>(d));
    return;
  }
  // A float 32 when it holds the value exactly: infinities and values such as
  // 1.5 take 5 bytes; NaN never equals itself, so it takes the 9-byte form.
  const bool fits_float = std::isinf(d) || (std::fabs(d) <= FLT_MAX && narrow_to_float(d) == d);
  if (fits_float) {
    std::uint32_t bits = 0;
    const float f = narrow_to_float(d);
    std::memcpy(&bits, &f, sizeof bits);
    append_header(lua, out, 0xca, bits, 4);
  } else {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &d, sizeof bits);
    append_header(lua, out, 0xcb, bits, 8);
  }
}

void pack_string(lua_State* lua, std::string& out) {
  std::size_t size = 0;
  const char* bytes = lua_tolstring(lua, -1, &size);
  if (size < 32) {
    append_header(lua, out, static_cast<unsigned char>(0xa0 | size), 0, 0);
  } else if (size <= 0xFF) {
    append_header(lua, out, 0xd9, size, 1);
  } else if (size <= 0xFFFF) {
    append_header(lua, out, 0xda, size, 2);
  } else {
    append_header(lua, out, 0xdb, size, 4);
  }
  append(lua, out, bytes, size);
}

void pack_value(lua_State* lua, std::string& out, int level);

// True when the table on top has exactly the keys 1..n (n >= 0). Keys must
// be numbers that are whole, positive and fit an int, as in Redis.
bool is_array(lua_State* lua) {
  const int top = lua_gettop(lua);
  luaL_checkstack(lua, 2, "in function table_is_an_array");
  double count = 0;
  double max = 0;
  lua_pushnil(lua);
  while (lua_next(lua, -2) != 0) {
    lua_pop(lua, 1);  // keep the key for lua_next
    const bool index_like = lua_type(lua, -1) == LUA_TNUMBER && lua_tonumber(lua, -1) > 0 &&
                            lua_tonumber(lua, -1) <= INT_MAX &&
                            lua_tonumber(lua, -1) == std::trunc(lua_tonumber(lua, -1));
    if (!index_like) {
      lua_settop(lua, top);
      return false;
    }
    max = std::fmax(max, lua_tonumber(lua, -1));
    count += 1;
  }
  lua_settop(lua, top);
  // Keys are distinct, so n keys all in 1..n are exactly 1..n.
  return max == count;
}

void pack_array(lua_State* lua, std::string& out, int level) {
  const std::size_t size = lua_objlen(lua, -1);
  if (size <= 15) {
    append_header(lua, out, static_cast<unsigned char>(0x90 | size), 0, 0);
  } else if (size <= 0xFFFF) {
    append_header(lua, out, 0xdc, size, 2);
  } else {
    append_header(lua, out, 0xdd, size, 4);
  }
  luaL_checkstack(lua, 1, "in function mp_encode_lua_table_as_array");
  for (std::size_t i = 1; i <= size; ++i) {
    lua_rawgeti(lua, -1, static_cast<int>(i));
    pack_value(lua, out, level + 1);
  }
}

void pack_map(lua_State* lua, std::string& out, int level) {
  luaL_checkstack(lua, 3, "in function mp_encode_lua_table_as_map");
  std::size_t size = 0;  // Lua cannot tell a table's size without walking it
  lua_pushnil(lua);
  while (lua_next(lua, -2) != 0) {
    lua_pop(lua, 1);
    ++size;
  }
  if (size <= 15) {
    append_header(lua, out, static_cast<unsigned char>(0x80 | size), 0, 0);
  } else if (size <= 0xFFFF) {
    append_header(lua, out, 0xde, size, 2);
  } else {
    append_header(lua, out, 0xdf, size, 4);
  }
  lua_pushnil(lua);
  while (lua_next(lua, -2) != 0) {  // stack: table key value
    lua_pushvalue(lua, -2);         // a copy of the key to pack; the key stays for lua_next
    pack_value(lua, out, level + 1);
    pack_value(lua, out, level + 1);
  }
}

// Packs the value on top of the stack and pops it.
void pack_value(lua_State* lua, std::string& out, int level) {
  int type = lua_type(lua, -1);
  if (type == LUA_TTABLE && level == kMaxNesting) {
    type = LUA_TNIL;
  }
  switch (type) {
    case LUA_TSTRING: pack_string(lua, out); break;
    case LUA_TBOOLEAN:
      append_header(lua, out, lua_toboolean(lua, -1) != 0 ? 0xc3 : 0xc2, 0, 0);
      break;
    case LUA_TNUMBER: pack_number(lua, out, lua_tonumber(lua, -1)); break;
    case LUA_TTABLE:
      if (is_array(lua)) {
        pack_array(lua, out, level);
      } else {
        pack_map(lua, out, level);
      }
      break;
    default: append_header(lua, out, 0xc0, 0, 0); break;
  }
  lua_pop(lua, 1);
}

// cmsgpack.pack(v1, v2, ...): the values one after the other, one string.
int pack(lua_State* lua) {
  const int argc = lua_gettop(lua);
  if (argc == 0) {
    return luaL_argerror(lua, 0, "MessagePack pack needs input.");
  }
  // Room for one packed string per argument, as Redis reserves it.
  if (lua_checkstack(lua, argc) == 0) {
    return luaL_argerror(lua, 0, "Too many arguments for MessagePack pack.");
  }
  PackBuffer& buffer = pack_buffer(lua);
  for (int i = 1; i <= argc; ++i) {
    luaL_checkstack(lua, 1, "in function mp_check");
    lua_pushvalue(lua, i);
    buffer.bytes.clear();
    pack_value(lua, buffer.bytes, 0);
    lua_pushlstring(lua, buffer.bytes.data(), buffer.bytes.size());
  }
  if (buffer.bytes.capacity() > kKeptCapacity) {
    std::string().swap(buffer.bytes);
  }
  lua_concat(lua, argc);
  return 1;
}

}  // namespace

void push_cmsgpack_pack(lua_State* lua) {
  // pack keeps its buffer in a userdata whose __gc frees it.
  new (lua_newuserdata(lua, sizeof(PackBuffer))) PackBuffer{};
  lua_newtable(lua);
  lua_pushcfunction(lua, free_pack_buffer);
  lua_setfield(lua, -2, "__gc");
  lua_setmetatable(lua, -2);
  lua_pushcclosure(lua, pack, 1);
}

}  // namespace mini_redis::scripting
