// FunctionEngine: loading libraries, the registry of their functions, and
// running one (Redis 7.0's functions.c, function_lua.c).
#include "scripting/function_library.h"

#include <chrono>
#include <utility>

#include "common/ascii.h"
#include "scripting/lua_internal.h"

namespace mini_redis::scripting {

namespace {

// Registry key of the globals a library's top-level code sees while loading.
constexpr const char* kLoadApiKey = "mini_redis.library_api";
// Registry key of the loading deadline (FUNCTION LOAD's 500 ms, Redis's
// LOAD_TIMEOUT_MS), a number of steady_clock ticks: a hook has no upvalues.
constexpr const char* kLoadDeadlineKey = "mini_redis.load_deadline";
constexpr auto kLoadTimeout = std::chrono::milliseconds(500);

// Stops a library whose top-level code runs too long (an endless loop in
// FUNCTION LOAD would otherwise hang the server): Redis's luaEngineLoadHook.
void load_hook(lua_State* lua, lua_Debug* /*where*/) {
  lua_getfield(lua, LUA_REGISTRYINDEX, kLoadDeadlineKey);
  const lua_Number deadline = lua_tonumber(lua, -1);
  lua_pop(lua, 1);
  const auto now =
      static_cast<lua_Number>(std::chrono::steady_clock::now().time_since_epoch().count());
  if (now < deadline) return;
  lua_sethook(lua, nullptr, 0, 0);
  push_error_table(lua, "ERR FUNCTION LOAD timeout");
  lua_error(lua);
}

// The text of a failed load's error value: a string gets "ERR " in front,
// an error table gives its `err` (Redis's luaExtractErrorInformation).
std::string load_error_text(lua_State* lua) {
  if (lua_istable(lua, -1)) {
    lua_getfield(lua, -1, "err");
    std::string text = lua_isstring(lua, -1) != 0 ? lua_tostring(lua, -1) : "";
    lua_pop(lua, 1);
    return text;
  }
  const char* message = lua_tostring(lua, -1);
  return std::string("ERR ") + (message == nullptr ? "" : message);
}

}  // namespace

FunctionEngine::FunctionEngine(ScriptEngine& scripts) : scripts_(scripts) {
  lua_ = luaL_newstate();
  open_sandbox(lua_);
  open_redis_api(lua_, scripts_);
  protect_globals(lua_);
  // The load-time globals: only a `redis` table with register_function and
  // the helpers Redis allows there, both strict (a missing name is an error)
  // and read-only.
  lua_newtable(lua_);
  push_library_redis_api(lua_);
  lua_pushlightuserdata(lua_, this);
  lua_pushcclosure(lua_, register_function_from_lua, 1);
  lua_setfield(lua_, -2, "register_function");
  make_top_strict_read_only(lua_);
  lua_setfield(lua_, -2, "redis");
  // The globals table itself stays plain: scripts only reach it through
  // the globals' view, which reads it raw and refuses writes.
  lua_setfield(lua_, LUA_REGISTRYINDEX, kLoadApiKey);
}

FunctionEngine::~FunctionEngine() {
  lua_close(lua_);
}

std::expected<std::string, std::string> FunctionEngine::load(std::string_view code, bool replace) {
  auto created = create(current_, code, replace);
  if (!created) return std::unexpected("ERR " + created.error());
  return created;
}

// functionsCreateWithLibraryCtx: the checks in Redis's order (metadata, the
// name, the engine, an existing library), then the code runs, then its
// functions must be new to the registry.
std::expected<std::string, std::string> FunctionEngine::create(Registry& into,
                                                               std::string_view code,
                                                               bool replace) {
  auto metadata = parse_library_metadata(code);
  if (!metadata) return std::unexpected(metadata.error());
  if (!valid_function_name(metadata->name)) return std::unexpected(std::string(kInvalidNameError));
  if (!equals_ignore_case(metadata->engine, "lua")) {
    return std::unexpected("Engine '" + metadata->engine + "' not found");
  }
  const bool exists = into.libraries.contains(metadata->name);
  if (exists && !replace) {
    return std::unexpected("Library '" + metadata->name + "' already exists");
  }
  auto library = compile(*metadata, code);
  if (!library) return std::unexpected(library.error());
  for (const auto& [name, function] : library->functions) {
    const auto owner = into.functions.find(name);
    if (owner != into.functions.end() && owner->second != metadata->name) {
      // The error names the function, so build it before release() frees
      // the map that `name` lives in.
      std::string error = "Function " + name + " already exists";
      release(*library);
      return std::unexpected(std::move(error));
    }
  }
  if (exists) {
    Library old = unlink(into, metadata->name);
    release(old);
  }
  std::string name = library->name;
  link(into, std::move(*library));
  return name;
}

std::expected<Library, std::string> FunctionEngine::compile(const LibraryMetadata& metadata,
                                                            std::string_view code) {
  Library library{.name = metadata.name, .code = std::string(code), .functions = {}};
  // "@user_function" names the chunk: errors read "user_function:2: ...".
  if (luaL_loadbuffer(lua_, metadata.body.data(), metadata.body.size(), "@user_function") != 0) {
    std::string error = std::string("Error compiling function: ") + lua_tostring(lua_, -1);
    lua_pop(lua_, 1);
    return std::unexpected(std::move(error));
  }
  // While the top-level code runs, globals read from the load-time API.
  lua_getfield(lua_, LUA_REGISTRYINDEX, kLoadApiKey);
  set_globals_source(lua_);
  loading_ = &library;
  const auto deadline = std::chrono::steady_clock::now() + kLoadTimeout;
  lua_pushnumber(lua_, static_cast<lua_Number>(deadline.time_since_epoch().count()));
  lua_setfield(lua_, LUA_REGISTRYINDEX, kLoadDeadlineKey);
  lua_sethook(lua_, load_hook, LUA_MASKCOUNT, 100000);
  const int status = lua_pcall(lua_, 0, 0, 0);
  lua_sethook(lua_, nullptr, 0, 0);
  loading_ = nullptr;
  lua_getfield(lua_, LUA_REGISTRYINDEX, kGlobalsKey);
  set_globals_source(lua_);

  if (status != 0) {
    std::string error = "Error registering functions: " + load_error_text(lua_);
    lua_pop(lua_, 1);
    release(library);
    return std::unexpected(std::move(error));
  }
  if (library.functions.empty()) return std::unexpected("No functions registered");
  return library;
}

void FunctionEngine::link(Registry& registry, Library library) {
  for (const auto& [name, function] : library.functions) registry.functions[name] = library.name;
  std::string name = library.name;
  registry.libraries.insert_or_assign(std::move(name), std::move(library));
}

Library FunctionEngine::unlink(Registry& registry, std::string_view name) {
  const auto found = registry.libraries.find(name);
  Library library = std::move(found->second);
  registry.libraries.erase(found);
  for (const auto& [function, info] : library.functions) registry.functions.erase(function);
  return library;
}

void FunctionEngine::release(Library& library) {
  for (auto& [name, function] : library.functions) {
    luaL_unref(lua_, LUA_REGISTRYINDEX, function.callback);
  }
  library.functions.clear();
}

void FunctionEngine::release(Registry& registry) {
  for (auto& [name, library] : registry.libraries) release(library);
  registry.libraries.clear();
  registry.functions.clear();
}

bool FunctionEngine::remove(std::string_view library) {
  if (!current_.libraries.contains(library)) return false;
  Library old = unlink(current_, library);
  release(old);
  return true;
}

void FunctionEngine::flush() {
  release(current_);
  lua_gc(lua_, LUA_GCCOLLECT, 0);
}

// functionRestoreCommand: the payload's libraries are first loaded into a
// scratch registry (a bad one fails the restore before anything changes),
// then swapped in (FLUSH) or joined to the current ones.
std::string FunctionEngine::restore(const std::vector<std::string>& codes, RestorePolicy policy) {
  Registry scratch;
  for (const std::string& code : codes) {
    auto created = create(scratch, code, false);
    if (!created) {
      release(scratch);
      return "ERR " + created.error();
    }
  }
  if (policy == RestorePolicy::flush) {
    release(current_);
    current_ = std::move(scratch);
    return {};
  }
  std::string error = join(scratch, policy == RestorePolicy::replace);
  release(scratch);
  return error;
}

// libraryJoin: a library of the same name fails the join (APPEND) or is
// replaced (REPLACE); a function name taken by another library fails it in
// both cases, and then the replaced libraries are put back.
std::string FunctionEngine::join(Registry& from, bool replace) {
  std::vector<Library> replaced;
  std::string error;
  for (const auto& [name, library] : from.libraries) {
    if (!current_.libraries.contains(name)) continue;
    if (!replace) {
      error = "ERR Library " + name + " already exists";
      break;
    }
    replaced.push_back(unlink(current_, name));
  }
  if (error.empty()) {
    for (const auto& [name, library] : from.functions) {
      if (current_.functions.contains(name)) {
        error = "ERR Function " + name + " already exists";
        break;
      }
    }
  }
  if (!error.empty()) {
    for (Library& library : replaced) link(current_, std::move(library));
    return error;
  }
  for (Library& library : replaced) release(library);
  for (auto& [name, library] : from.libraries) link(current_, std::move(library));
  from.libraries.clear();
  from.functions.clear();
  return {};
}

const FunctionInfo* FunctionEngine::find(std::string_view name) const {
  const auto owner = current_.functions.find(name);
  if (owner == current_.functions.end()) return nullptr;
  const Library& library = current_.libraries.find(owner->second)->second;
  return &library.functions.find(name)->second;
}

void FunctionEngine::call(commands::Context& ctx, const FunctionInfo& function,
                          commands::Arguments keys, commands::Arguments args,
                          commands::Arguments command) {
  lua_pushcfunction(lua_, error_handler);
  lua_rawgeti(lua_, LUA_REGISTRYINDEX, function.callback);
  // A function gets its keys and arguments as parameters, not as globals.
  for (const commands::Arguments words : {keys, args}) {
    lua_createtable(lua_, static_cast<int>(words.size()), 0);
    for (std::size_t i = 0; i < words.size(); ++i) {
      lua_pushlstring(lua_, words[i].data(), words[i].size());
      lua_rawseti(lua_, -2, static_cast<int>(i + 1));
    }
  }
  // A no-writes function runs read-only, whether called by FCALL or FCALL_RO.
  scripts_.call_and_reply(lua_, ctx,
                          {.name = function.name,
                           .command = command,
                           .is_eval = false,
                           .read_only = (function.flags & function_flags::kNoWrites) != 0},
                          2);
}

std::vector<std::string> FunctionEngine::codes() const {
  std::vector<std::string> all;
  all.reserve(current_.libraries.size());
  for (const auto& [name, library] : current_.libraries) all.push_back(library.code);
  return all;
}

std::size_t FunctionEngine::vm_memory_bytes() const {
  const auto kilobytes = static_cast<std::size_t>(lua_gc(lua_, LUA_GCCOUNT, 0));
  const auto remainder = static_cast<std::size_t>(lua_gc(lua_, LUA_GCCOUNTB, 0));
  return kilobytes * 1024 + remainder;
}

// An estimate in the spirit of Redis's functionsMemoryOverhead: the text
// the registry keeps plus a fixed cost per entry (Redis's empty registry
// reports 200 bytes, its two dicts).
std::size_t FunctionEngine::overhead_bytes() const {
  constexpr std::size_t kEmpty = 200;
  constexpr std::size_t kPerEntry = 64;
  std::size_t bytes = kEmpty;
  for (const auto& [name, library] : current_.libraries) {
    bytes += kPerEntry + name.size() + library.code.size();
    for (const auto& [function_name, function] : library.functions) {
      bytes += kPerEntry + function_name.size() +
               (function.description ? function.description->size() : 0);
    }
  }
  return bytes;
}

}  // namespace mini_redis::scripting
