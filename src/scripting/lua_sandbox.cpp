// The sandbox a script runs in, as Redis 7.0.15 builds it (script_lua.c).
//
// A script gets Lua's base, table, string and math libraries, plus cjson,
// bit, cmsgpack and struct, and nothing that reaches outside the server: no
// io, os, require, loadfile, dofile, print, and no debug library or
// setfenv/getfenv, which could unwrap the protections below.
//
// Two protections, both with Redis's error texts:
//   - Reading a global that does not exist is an error ("Script attempted
//     to access nonexistent global variable 'x'"): a typo in a variable name
//     fails loudly instead of silently reading nil.
//   - The globals and the libraries are read-only ("Attempt to modify a
//     readonly table"): a script cannot leave state behind for the next one,
//     so every script sees the same world and replicas compute the same.
// Redis patches its Lua to flag tables read-only. Stock Lua 5.1 cannot, so
// each protected table is replaced by an empty "view" whose metatable reads
// through to the real table and refuses writes. (A view is empty to
// pairs() and rawget, a small difference from Redis.)
#include <cmath>
#include <cstdint>

#include "scripting/lua_internal.h"
#include "scripting/lua_libraries.h"

extern "C" {
#include <lua5.1/lua-bitop.h>
#include <lua5.1/lua-cjson.h>
}

namespace mini_redis::scripting {

namespace {

int refuse_write(lua_State* lua) {
  return luaL_error(lua, "Attempt to modify a readonly table");
}

// __index of the globals view: the real value, or Redis's error for a name
// no library defines.
int read_global(lua_State* lua) {
  // Arguments: the view, the name. The real table is upvalue 1.
  lua_pushvalue(lua, 2);
  lua_rawget(lua, lua_upvalueindex(1));
  if (lua_isnil(lua, -1)) {
    return luaL_error(lua, "Script attempted to access nonexistent global variable '%s'",
                      lua_tostring(lua, 2));
  }
  return 1;
}

// Opens a library and makes sure the global `name` holds it: Lua's own
// libraries set their global, lua-cjson only returns its table.
void open_library(lua_State* lua, lua_CFunction open, const char* name) {
  lua_pushcfunction(lua, open);
  lua_pushstring(lua, name);
  lua_call(lua, 1, 1);
  if (*name != '\0' && lua_istable(lua, -1)) {
    lua_setglobal(lua, name);
  } else {
    lua_pop(lua, 1);
  }
}

// Redis 7.0 replaces Lua's pcall: when the error caught is an error table
// (what redis.call raises), pcall returns the table's text instead, so
// `local ok, e = pcall(...)` gets the message as a string.
int pcall_with_error_text(lua_State* lua) {
  const int argc = lua_gettop(lua);
  luaL_checkany(lua, 1);
  if (lua_pcall(lua, argc - 1, LUA_MULTRET, 0) == 0) {
    lua_pushboolean(lua, 1);
    lua_insert(lua, 1);
    return lua_gettop(lua);
  }
  if (lua_istable(lua, -1)) {
    lua_getfield(lua, -1, "err");
    if (lua_isstring(lua, -1) != 0) {
      lua_replace(lua, -2);
    } else {
      lua_pop(lua, 1);
    }
  }
  lua_pushboolean(lua, 0);
  lua_insert(lua, -2);
  return 2;
}

// Replaces globals[name] by a read-only view of it.
void protect_global(lua_State* lua, const char* name) {
  lua_getglobal(lua, name);
  make_top_read_only(lua);
  lua_setglobal(lua, name);
}

// math.random and math.randomseed as Redis replaces them: a 48-bit linear
// congruential generator (the one POSIX specifies for lrand48), seeded with
// 0 when the interpreter starts, instead of the C library's rand(). The same
// numbers come out on every platform, so a script that seeds it answers the
// same everywhere. The state lives in a userdata, upvalue 1.
constexpr std::uint64_t kLcgMultiplier = 0x5DEECE66DULL;
constexpr std::uint64_t kLcgIncrement = 0xB;
constexpr std::uint64_t kLcgMask = (std::uint64_t{1} << 48) - 1;
constexpr lua_Number kRandMax = 2147483647.0;  // Redis's REDIS_LRAND48_MAX (INT32_MAX)

std::uint64_t& lcg_state(lua_State* lua) {
  return *static_cast<std::uint64_t*>(lua_touserdata(lua, lua_upvalueindex(1)));
}

// srand48(seed): the seed in the high 32 bits, 0x330E below.
void seed_lcg(std::uint64_t& state, std::uint32_t seed) {
  state = (static_cast<std::uint64_t>(seed) << 16) | 0x330E;
}

int math_random(lua_State* lua) {
  std::uint64_t& state = lcg_state(lua);
  state = (kLcgMultiplier * state + kLcgIncrement) & kLcgMask;
  const auto drawn = static_cast<std::int64_t>(state >> 17);  // lrand48(): 31 bits
  const lua_Number r = static_cast<lua_Number>(drawn % 2147483647) / kRandMax;
  // The arguments as Lua's own math.random reads them.
  switch (lua_gettop(lua)) {
    case 0: lua_pushnumber(lua, r); return 1;
    case 1: {
      const int upper = luaL_checkint(lua, 1);
      luaL_argcheck(lua, 1 <= upper, 1, "interval is empty");
      lua_pushnumber(lua, std::floor(r * upper) + 1);
      return 1;
    }
    case 2: {
      const int lower = luaL_checkint(lua, 1);
      const int upper = luaL_checkint(lua, 2);
      luaL_argcheck(lua, lower <= upper, 2, "interval is empty");
      lua_pushnumber(lua, std::floor(r * (upper - lower + 1)) + lower);
      return 1;
    }
    default: return luaL_error(lua, "wrong number of arguments");
  }
}

int math_randomseed(lua_State* lua) {
  seed_lcg(lcg_state(lua), static_cast<std::uint32_t>(luaL_checkint(lua, 1)));
  return 0;
}

void replace_random(lua_State* lua) {
  lua_getglobal(lua, "math");
  auto* state = static_cast<std::uint64_t*>(lua_newuserdata(lua, sizeof(std::uint64_t)));
  seed_lcg(*state, 0);
  lua_pushvalue(lua, -1);
  lua_pushcclosure(lua, math_random, 1);
  lua_setfield(lua, -3, "random");
  lua_pushcclosure(lua, math_randomseed, 1);
  lua_setfield(lua, -2, "randomseed");
  lua_pop(lua, 1);
}

}  // namespace

void make_top_read_only(lua_State* lua) {
  lua_newtable(lua);  // the view
  lua_newtable(lua);  // its metatable
  lua_pushvalue(lua, -3);
  lua_setfield(lua, -2, "__index");
  lua_pushcfunction(lua, refuse_write);
  lua_setfield(lua, -2, "__newindex");
  lua_pushboolean(lua, 0);  // getmetatable() answers false, setmetatable() fails
  lua_setfield(lua, -2, "__metatable");
  lua_setmetatable(lua, -2);
  lua_remove(lua, -2);  // the real table stays reachable only through the view
}

void make_top_strict_read_only(lua_State* lua) {
  lua_newtable(lua);  // the view
  lua_newtable(lua);  // its metatable
  lua_pushvalue(lua, -3);
  lua_pushcclosure(lua, read_global, 1);
  lua_setfield(lua, -2, "__index");
  lua_pushcfunction(lua, refuse_write);
  lua_setfield(lua, -2, "__newindex");
  lua_pushboolean(lua, 0);
  lua_setfield(lua, -2, "__metatable");
  lua_setmetatable(lua, -2);
  lua_remove(lua, -2);
}

void set_globals_source(lua_State* lua) {
  // From C, lua_getmetatable sees the real metatable (__metatable only
  // hides it from scripts).
  lua_getmetatable(lua, LUA_GLOBALSINDEX);
  lua_pushvalue(lua, -2);
  lua_pushcclosure(lua, read_global, 1);
  lua_setfield(lua, -2, "__index");
  lua_pop(lua, 2);
}

void open_sandbox(lua_State* lua) {
  open_library(lua, luaopen_base, "");
  open_library(lua, luaopen_table, LUA_TABLIBNAME);
  open_library(lua, luaopen_string, LUA_STRLIBNAME);
  open_library(lua, luaopen_math, LUA_MATHLIBNAME);
  open_library(lua, luaopen_cjson, "cjson");
  open_library(lua, luaopen_bit, "bit");
  open_library(lua, luaopen_cmsgpack, "cmsgpack");  // ours (lua_cmsgpack.cpp)
  open_library(lua, luaopen_struct, "struct");      // ours (lua_struct.cpp)
  // What luaopen_base brings that a script must not have.
  for (const char* name : {"loadfile", "dofile", "print", "setfenv", "getfenv", "newproxy"}) {
    lua_pushnil(lua);
    lua_setglobal(lua, name);
  }
  replace_random(lua);
  lua_pushcfunction(lua, pcall_with_error_text);
  lua_setglobal(lua, "pcall");
  for (const char* name :
       {"string", "table", "math", "coroutine", "cjson", "bit", "cmsgpack", "struct"}) {
    protect_global(lua, name);
  }
}

// Called once the `redis` table is in place: from here on the globals are
// the read-only view, and the real table is kept in the registry, where
// only the engine (setting KEYS and ARGV) writes to it.
void protect_globals(lua_State* lua) {
  protect_global(lua, "redis");
  lua_pushvalue(lua, LUA_GLOBALSINDEX);
  lua_setfield(lua, LUA_REGISTRYINDEX, kGlobalsKey);

  lua_newtable(lua);  // the view
  lua_newtable(lua);  // its metatable
  lua_pushvalue(lua, LUA_GLOBALSINDEX);
  lua_pushcclosure(lua, read_global, 1);
  lua_setfield(lua, -2, "__index");
  lua_pushcfunction(lua, refuse_write);
  lua_setfield(lua, -2, "__newindex");
  // getmetatable(_G) answers an empty table, as in Redis, and the real
  // metatable cannot be replaced.
  lua_newtable(lua);
  lua_setfield(lua, -2, "__metatable");
  lua_setmetatable(lua, -2);
  // _G is the view too, so `_G.x = 1` is refused like `x = 1`.
  lua_pushvalue(lua, -1);
  lua_setglobal(lua, "_G");
  lua_replace(lua, LUA_GLOBALSINDEX);
}

}  // namespace mini_redis::scripting
