// A libFuzzer target for the Lua libraries scripts get from us
// (scripting/lua_cmsgpack.cpp, scripting/lua_struct.cpp): the bytes a script
// unpacks can come from any client (a key's value, an ARGV), so unpacking
// must survive anything.
//
// The first input byte picks what runs on the rest:
//   0  cmsgpack.unpack(rest), and each table it returns packed again
//   1  cmsgpack.unpack_one / unpack_limit walking the rest value by value
//   2  struct.unpack(format, data): the rest is split at its first '|'
//   3  struct.pack(format, data...) and struct.size(format), same split
// What must always hold: no crash, no read outside the input, no leak
// (ASan, UBSan), and every failure is a Lua error, never a C++ exception.
#include <lua5.1/lua.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "scripting/lua_libraries.h"

namespace {

// Runs the script with the input as its one argument, in a fresh state.
void run(lua_State* lua, const char* script, std::string_view arg, std::string_view arg2) {
  if (luaL_loadstring(lua, script) != 0) {
    std::abort();  // the scripts below are fixed: a syntax error is a bug here
  }
  lua_pushlstring(lua, arg.data(), arg.size());
  lua_pushlstring(lua, arg2.data(), arg2.size());
  lua_pcall(lua, 2, 0, 0);  // a Lua error is a fine outcome
  lua_settop(lua, 0);
}

constexpr const char* kUnpackAll = R"(
  local values = {cmsgpack.unpack(...)}
  for i = 1, #values do
    if type(values[i]) == 'table' then cmsgpack.unpack(cmsgpack.pack(values[i])) end
  end)";

constexpr const char* kUnpackStepwise = R"(
  local s = ...
  local offset = 0
  for _ = 1, 64 do
    local next_offset = cmsgpack.unpack_one(s, offset)
    if next_offset == -1 then break end
    offset = next_offset
  end
  cmsgpack.unpack_limit(s, 3, 0))";

constexpr const char* kStructUnpack = R"(
  local format, data = ...
  struct.unpack(format, data)
  struct.unpack(format, data, 2))";

constexpr const char* kStructPack = R"(
  local format, data = ...
  pcall(struct.size, format)
  struct.pack(format, data, #data, data, -#data, 1.5, data))";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  std::unique_ptr<lua_State, decltype(&lua_close)> state(luaL_newstate(), &lua_close);
  lua_State* lua = state.get();
  luaL_openlibs(lua);
  lua_pushcfunction(lua, mini_redis::scripting::luaopen_cmsgpack);
  lua_call(lua, 0, 0);
  lua_pushcfunction(lua, mini_redis::scripting::luaopen_struct);
  lua_call(lua, 0, 0);

  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t bar = rest.find('|');
  const std::string_view format = rest.substr(0, bar);
  const std::string_view after = bar == std::string_view::npos ? "" : rest.substr(bar + 1);
  switch (data[0] % 4) {
    case 0: run(lua, kUnpackAll, rest, ""); break;
    case 1: run(lua, kUnpackStepwise, rest, ""); break;
    case 2: run(lua, kStructUnpack, format, after); break;
    default: run(lua, kStructPack, format, after); break;
  }
  return 0;
}
