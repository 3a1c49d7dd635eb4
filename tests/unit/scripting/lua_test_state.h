// A bare Lua state for testing one library alone: Lua's own libraries plus
// the one under test, and helpers that run a chunk and report what it
// returned or the error it raised. The byte-exact comparison with Redis, with
// the sandbox and Redis's error formatting, is tests/diff/cases/scripting_msgpack_struct.txt.
#pragma once

#include <lua5.1/lua.hpp>

#include <memory>
#include <string>

namespace mini_redis::scripting::testing {

class LuaTestState {
 public:
  explicit LuaTestState(lua_CFunction open_library) : lua_(luaL_newstate(), &lua_close) {
    luaL_openlibs(lua_.get());
    lua_pushcfunction(lua_.get(), open_library);
    lua_call(lua_.get(), 0, 0);
  }

  // Runs `chunk` and answers its first result as a string (tostring for
  // numbers), or "ERROR: <message>" when it raised an error.
  std::string run(const std::string& chunk) {
    lua_State* lua = lua_.get();
    const int top = lua_gettop(lua);
    if (luaL_loadstring(lua, chunk.c_str()) != 0 || lua_pcall(lua, 0, 1, 0) != 0) {
      std::string message = "ERROR: ";
      message += lua_tostring(lua, -1);
      lua_settop(lua, top);
      return message;
    }
    std::size_t size = 0;
    const char* bytes = lua_tolstring(lua, -1, &size);
    std::string result = bytes == nullptr ? "<not a string>" : std::string(bytes, size);
    lua_settop(lua, top);
    return result;
  }

  // The message of the error `chunk` raises, without Lua's "[string ...]:1: "
  // position (the part Redis prints as "user_script:1: ").
  std::string error_of(const std::string& chunk) {
    const std::string result = run(chunk);
    if (result.rfind("ERROR: ", 0) != 0) {
      return "no error, got: " + result;
    }
    const std::string position = "[string \"";
    std::string message = result.substr(7);
    if (message.rfind(position, 0) == 0) {
      const std::size_t end = message.find("]:1: ");
      if (end != std::string::npos) {
        message = message.substr(end + 5);
      }
    }
    return message;
  }

 private:
  std::unique_ptr<lua_State, decltype(&lua_close)> lua_;
};

}  // namespace mini_redis::scripting::testing
