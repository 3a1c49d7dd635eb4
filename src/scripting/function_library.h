// FunctionEngine: the libraries behind FUNCTION and FCALL (Redis 7.0's
// functions.c and function_lua.c).
//
// A library is Lua code that starts with a shebang naming its engine and
// its name, and registers functions when it is loaded:
//
//   #!lua name=mylib
//   redis.register_function('get_it', function(keys, args)
//     return redis.call('GET', keys[1])
//   end)
//   redis.register_function{function_name='peek', callback=..., flags={'no-writes'}}
//
// Unlike EVAL's scripts, which are anonymous and cached by SHA1, libraries
// are data: they are named, listed, saved in RDB files, dumped and restored,
// propagated to the AOF, and only FUNCTION DELETE / FLUSH remove them.
//
// The engine keeps its own lua_State (Redis does too: SCRIPT FLUSH resets
// EVAL's interpreter and leaves functions alone), with the same sandbox and
// the same `redis` API as EVAL's, and runs a function through ScriptEngine's
// shared code (call_and_reply), so redis.call, the conversions and the error
// texts are one implementation.
//
// Loading runs the library's top-level code in a narrower world, as Redis
// does: its globals hold only `redis`, with register_function, log, the
// LOG_* levels and REDIS_VERSION(_NUM). Anything else (redis.call, string,
// KEYS...) is "Script attempted to access nonexistent global variable".
// The functions it registers see the full sandbox when they run later.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/context.h"

struct lua_State;

namespace mini_redis::scripting {

class ScriptEngine;

// The flags a function may declare (redis.register_function{flags=...}).
// Their order is Redis's scripts_flags_def, the order FUNCTION LIST prints.
namespace function_flags {
inline constexpr std::uint32_t kNoWrites = 1U << 0;            // FCALL_RO may run it
inline constexpr std::uint32_t kAllowOom = 1U << 1;            // runs above maxmemory
inline constexpr std::uint32_t kAllowStale = 1U << 2;          // runs on a stale replica
inline constexpr std::uint32_t kNoCluster = 1U << 3;           // refused in cluster mode
inline constexpr std::uint32_t kAllowCrossSlotKeys = 1U << 4;  // cluster: keys of many slots
}  // namespace function_flags

struct FunctionFlagName {
  std::uint32_t flag;
  std::string_view name;
};
inline constexpr std::array<FunctionFlagName, 5> kFunctionFlagNames{{
    {function_flags::kNoWrites, "no-writes"},
    {function_flags::kAllowOom, "allow-oom"},
    {function_flags::kAllowStale, "allow-stale"},
    {function_flags::kNoCluster, "no-cluster"},
    {function_flags::kAllowCrossSlotKeys, "allow-cross-slot-keys"},
}};

// A flag's bit, by name (case-insensitive, as Redis compares them).
std::optional<std::uint32_t> parse_function_flag(std::string_view name);

// Library and function names: letters, digits and '_', at least one.
bool valid_function_name(std::string_view name);
// Redis's text for a bad library name, reused for a bad function name.
inline constexpr std::string_view kInvalidNameError =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one "
    "character long";

// The shebang line of a library: "#!<engine> name=<library>".
struct LibraryMetadata {
  std::string engine;     // "lua", as written (engines are matched case-insensitively)
  std::string name;       // the library's name, not yet validated
  std::string_view body;  // the code from the end of the shebang line on (its '\n'
                          // included, so Lua's line numbers count the shebang)
};

// Splits the shebang off `code`, with Redis's errors ("Missing library
// metadata", "Invalid metadata value given: x=y", ...), without "ERR ".
std::expected<LibraryMetadata, std::string> parse_library_metadata(std::string_view code);

struct FunctionInfo {
  std::string name;
  std::optional<std::string> description;  // FUNCTION LIST shows nil when absent
  std::uint32_t flags = 0;
  int callback = 0;  // a reference (luaL_ref) into the engine's Lua registry
};

struct Library {
  std::string name;
  std::string code;  // the whole text, shebang included (FUNCTION LIST WITHCODE, DUMP)
  std::map<std::string, FunctionInfo, std::less<>> functions;
};

// How FUNCTION RESTORE treats libraries that already exist.
enum class RestorePolicy {
  append,   // a name collision fails the whole restore (the default)
  replace,  // a library of the same name is replaced
  flush,    // every existing library is dropped first
};

class FunctionEngine {
 public:
  // The `redis` API of functions is ScriptEngine's: the same closures, the
  // same "running" state (only one script or function runs at a time).
  explicit FunctionEngine(ScriptEngine& scripts);
  ~FunctionEngine();
  FunctionEngine(const FunctionEngine&) = delete;
  FunctionEngine& operator=(const FunctionEngine&) = delete;

  // FUNCTION LOAD [REPLACE]: the library's name, or the error reply text.
  std::expected<std::string, std::string> load(std::string_view code, bool replace);
  // FUNCTION DELETE: false when no library has that name.
  bool remove(std::string_view library);
  // FUNCTION FLUSH.
  void flush();
  // FUNCTION RESTORE and RDB loading: every library of `codes` or none.
  // Empty on success, else the error reply text.
  std::string restore(const std::vector<std::string>& codes, RestorePolicy policy);

  // FCALL's lookup (case-sensitive, as Redis's functions dict).
  [[nodiscard]] const FunctionInfo* find(std::string_view name) const;
  // Runs a function with its KEYS and ARGV and writes its reply to ctx.reply.
  // `command` is the whole FCALL request, for FUNCTION STATS.
  void call(commands::Context& ctx, const FunctionInfo& function, commands::Arguments keys,
            commands::Arguments args, commands::Arguments command);

  // FUNCTION LIST, DUMP, RDB saving. Ordered by name.
  [[nodiscard]] const std::map<std::string, Library, std::less<>>& libraries() const {
    return current_.libraries;
  }
  [[nodiscard]] std::size_t function_count() const { return current_.functions.size(); }
  // Every library's code, for an RDB file (RdbWriteOptions::function_libraries).
  [[nodiscard]] std::vector<std::string> codes() const;
  // INFO: used_memory_vm_functions (the Lua heap) and used_memory_functions
  // (what the libraries cost outside it: names, code, descriptions).
  [[nodiscard]] std::size_t vm_memory_bytes() const;
  [[nodiscard]] std::size_t overhead_bytes() const;

  // For redis.register_function (function_library.cpp): the library being
  // loaded, null outside a load.
  Library* loading() { return loading_; }

 private:
  // A set of libraries and the index of their functions by name; the
  // engine's current one, or a scratch one that FUNCTION RESTORE fills
  // before joining it to the current one.
  struct Registry {
    std::map<std::string, Library, std::less<>> libraries;
    std::map<std::string, std::string, std::less<>> functions;  // function -> library
  };

  std::expected<std::string, std::string> create(Registry& into, std::string_view code,
                                                 bool replace);
  std::expected<Library, std::string> compile(const LibraryMetadata& metadata,
                                              std::string_view code);
  static void link(Registry& registry, Library library);
  Library unlink(Registry& registry, std::string_view name);
  void release(Library& library);
  void release(Registry& registry);
  std::string join(Registry& from, bool replace);

  ScriptEngine& scripts_;
  lua_State* lua_ = nullptr;
  Registry current_;
  Library* loading_ = nullptr;
};

}  // namespace mini_redis::scripting
