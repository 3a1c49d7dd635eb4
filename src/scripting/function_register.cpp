// The library side of functions: the shebang, names and flags, and
// redis.register_function as the top-level code of a library calls it
// while FUNCTION LOAD runs it (Redis 7.0's function_lua.c and
// functionExtractLibMetaData in functions.c).
#include <optional>
#include <string>
#include <utility>

#include "common/ascii.h"
#include "common/split_arguments.h"
#include "scripting/function_library.h"
#include "scripting/lua_internal.h"

namespace mini_redis::scripting {

namespace {

// kInvalidNameError with its error code; a literal, so .data() ends in '\0'.
constexpr std::string_view kInvalidFunctionName =
    "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least "
    "one character long";

FunctionEngine& engine_of(lua_State* lua) {
  return *static_cast<FunctionEngine*>(lua_touserdata(lua, lua_upvalueindex(1)));
}

// A string argument (a number counts, as lua_isstring says), or nullopt.
std::optional<std::string> string_at(lua_State* lua, int index) {
  if (lua_isstring(lua, index) == 0) return std::nullopt;
  std::size_t length = 0;
  lua_pushvalue(lua, index);  // tolstring on a copy: a number key must stay a number for lua_next
  const char* text = lua_tolstring(lua, -1, &length);
  std::string value(text, length);
  lua_pop(lua, 1);
  return value;
}

// The flags table of the named form: {'no-writes', 'allow-oom', ...}, read
// from index 1 up to the first nil (luaRegisterFunctionReadFlags).
std::optional<std::uint32_t> read_flags(lua_State* lua, int table) {
  std::uint32_t flags = 0;
  for (int i = 1;; ++i) {
    lua_rawgeti(lua, table, i);
    if (lua_isnil(lua, -1)) {
      lua_pop(lua, 1);
      return flags;
    }
    const std::optional<std::string> name = string_at(lua, -1);
    lua_pop(lua, 1);
    const std::optional<std::uint32_t> flag = name ? parse_function_flag(*name) : std::nullopt;
    if (!flag) return std::nullopt;
    flags |= *flag;
  }
}

// What redis.register_function was given, before it is checked against the
// library. `callback` is left on the top of the stack when set.
struct Registration {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::uint32_t flags = 0;
  bool callback = false;
};

// redis.register_function{function_name=..., callback=..., flags=..., description=...}
const char* read_named(lua_State* lua, Registration& out) {
  if (!lua_istable(lua, 1)) {
    return "ERR calling redis.register_function with a single argument is only applicable to Lua "
           "table (representing named arguments).";
  }
  lua_pushnil(lua);
  while (lua_next(lua, 1) != 0) {  // stack: table, key, value
    const std::optional<std::string> key = string_at(lua, -2);
    if (!key) return "ERR named argument key given to redis.register_function is not a string";
    if (equals_ignore_case(*key, "function_name")) {
      out.name = string_at(lua, -1);
      if (!out.name) {
        return "ERR function_name argument given to redis.register_function must be a string";
      }
    } else if (equals_ignore_case(*key, "description")) {
      out.description = string_at(lua, -1);
      if (!out.description) {
        return "ERR description argument given to redis.register_function must be a string";
      }
    } else if (equals_ignore_case(*key, "callback")) {
      if (!lua_isfunction(lua, -1)) {
        return "ERR callback argument given to redis.register_function must be a function";
      }
      lua_pushvalue(lua, -1);
      lua_replace(lua, 2);  // kept in slot 2, the positional form's place
      out.callback = true;
    } else if (equals_ignore_case(*key, "flags")) {
      if (!lua_istable(lua, -1)) {
        return "ERR flags argument to redis.register_function must be a table representing "
               "function flags";
      }
      const std::optional<std::uint32_t> flags = read_flags(lua, lua_gettop(lua));
      if (!flags) return "ERR unknown flag given";
      out.flags = *flags;
    } else {
      return "ERR unknown argument given to redis.register_function";
    }
    lua_pop(lua, 1);
  }
  if (!out.name) return "ERR redis.register_function must get a function name argument";
  if (!out.callback) return "ERR redis.register_function must get a callback argument";
  return nullptr;
}

// redis.register_function(name, callback)
const char* read_positional(lua_State* lua, Registration& out) {
  out.name = string_at(lua, 1);
  if (!out.name) return "ERR first argument to redis.register_function must be a string";
  if (!lua_isfunction(lua, 2)) {
    return "ERR second argument to redis.register_function must be a function";
  }
  out.callback = true;
  return nullptr;
}

// The C++ half of register_function: returns an error text, or nullptr
// once the function is in the library being loaded. Every C++ object dies
// before the caller raises a Lua error (longjmp skips destructors).
const char* register_function(lua_State* lua, FunctionEngine& engine) {
  Library* library = engine.loading();
  if (library == nullptr) {
    return "ERR redis.register_function can only be called on FUNCTION LOAD command";
  }
  const int argc = lua_gettop(lua);
  if (argc < 1 || argc > 2) return "ERR wrong number of arguments to redis.register_function";
  Registration args;
  if (argc == 1) lua_pushnil(lua);  // slot 2 receives the named form's callback
  const char* error = argc == 1 ? read_named(lua, args) : read_positional(lua, args);
  if (error != nullptr) return error;
  if (!args.name) return "ERR redis.register_function must get a function name argument";
  const std::string& name = *args.name;
  // Redis reuses the library names' text here (functionLibCreateFunction).
  if (!valid_function_name(name)) return kInvalidFunctionName.data();
  if (library->functions.contains(name)) return "ERR Function already exists in the library";
  lua_settop(lua, 2);
  const int callback = luaL_ref(lua, LUA_REGISTRYINDEX);
  library->functions.emplace(name, FunctionInfo{.name = name,
                                                .description = std::move(args.description),
                                                .flags = args.flags,
                                                .callback = callback});
  return nullptr;
}

}  // namespace

int register_function_from_lua(lua_State* lua) {
  const char* error = register_function(lua, engine_of(lua));
  if (error == nullptr) return 0;
  push_error_table(lua, error);
  return lua_error(lua);
}

std::optional<std::uint32_t> parse_function_flag(std::string_view name) {
  for (const FunctionFlagName& flag : kFunctionFlagNames) {
    if (equals_ignore_case(flag.name, name)) return flag.flag;
  }
  return std::nullopt;
}

bool valid_function_name(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// functionExtractLibMetaData: the shebang is the first line, split like a
// redis-cli line (quotes allowed); its first word is "#!<engine>", the rest
// must be exactly one name=<library>.
std::expected<LibraryMetadata, std::string> parse_library_metadata(std::string_view code) {
  if (!code.starts_with("#!")) return std::unexpected("Missing library metadata");
  const std::size_t end = code.find('\n');
  if (end == std::string_view::npos) return std::unexpected("Invalid library metadata");
  const std::optional<std::vector<std::string>> words = split_arguments(code.substr(0, end));
  if (!words || words->empty()) return std::unexpected("Invalid library metadata");
  LibraryMetadata metadata;
  metadata.engine = words->front().substr(2);
  bool named = false;
  for (std::size_t i = 1; i < words->size(); ++i) {
    const std::string& word = (*words)[i];
    if (word.size() >= 5 && equals_ignore_case(std::string_view(word).substr(0, 5), "name=")) {
      if (named) {
        return std::unexpected("Invalid metadata value, name argument was given multiple times");
      }
      metadata.name = word.substr(5);
      named = true;
      continue;
    }
    return std::unexpected("Invalid metadata value given: " + word);
  }
  if (!named) return std::unexpected("Library name was not given");
  metadata.body = code.substr(end);
  return metadata;
}

}  // namespace mini_redis::scripting
