// The command table rows of FCALL, FCALL_RO and FUNCTION (COMMAND INFO and
// COMMAND DOCS as Redis 7.0.15 prints them), and FUNCTION HELP's text. The
// handlers are in function_commands.cpp.
#include <utility>
#include <vector>

#include "commands/core/command_docs.h"
#include "commands/core/command_table.h"

namespace mini_redis::commands {

void function_help_command(Context& ctx, Arguments /*args*/) {
  reply_help(
      ctx.reply, "FUNCTION",
      {"LOAD [REPLACE] <FUNCTION CODE>",
       "    Create a new library with the given library name and code.",
       "DELETE <LIBRARY NAME>",
       "    Delete the given library.",
       "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
       "    Return general information on all the libraries:",
       "    * Library name",
       "    * The engine used to run the Library",
       "    * Library description",
       "    * Functions list",
       "    * Library code (if WITHCODE is given)",
       "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
       "STATS",
       "    Return information about the current function running:",
       "    * Function name",
       "    * Command used to run the function",
       "    * Duration in MS that the function is running",
       "    If no function is running, return nil",
       "    In addition, returns a list of available engines.",
       "KILL",
       "    Kill the current running function.",
       "FLUSH [ASYNC|SYNC]",
       "    Delete all the libraries.",
       "    When called without the optional mode argument, the behavior is determined by the",
       "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
       "    * ASYNC: Asynchronously flush the libraries.",
       "    * SYNC: Synchronously flush the libraries.",
       "DUMP",
       "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
       "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
       "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
       "    control how to handle existing libraries (default APPEND):",
       "    * FLUSH: delete all existing libraries.",
       "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
       "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
       "      libraries with the new libraries (notice that even on this option there is a chance of failure",
       "      in case of functions name collision with another library)."});
}

namespace {

// FCALL and FCALL_RO: EVAL's key spec (the keys are counted by numkeys) and
// its note, which Redis copied.
CommandSpec fcall_row(std::string name, bool read_only, Handler handler) {
  using namespace flags;  // NOLINT(google-build-using-namespace)
  const std::uint32_t common = kNoscript | kStale | kSkipMonitor | kNoMandatoryKeys | kMovableKeys;
  return {
      .name = std::move(name),
      .arity = -3,
      .flags = read_only ? (kReadonly | common) : common,
      .keynum_index = 2,
      .handler = handler,
      .group = "scripting",
      .summary = read_only ? "Invoke a read-only function" : "Invoke a function",
      .since = "7.0.0",
      .complexity = "Depends on the function that is executed.",
      .acl_categories = "@slow @scripting",
      .key_specs = read_only ? "RO access" : "RW access update",
      .key_spec_notes =
          read_only
              ? "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"
              : "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
      .arguments = {arg::string("function"), arg::integer("numkeys"),
                    arg::key("key", 0).optional().multiple(),
                    arg::string("arg").optional().multiple()}};
}

struct SubcommandRow {
  std::string_view name;
  int arity;
  std::uint32_t flags;
  std::string_view acl;
  std::string_view summary;
  std::string_view complexity;
  std::string_view tips;
};

constexpr std::string_view kAllShards = "request_policy:all_shards response_policy:all_succeeded";

std::vector<SubcommandRow> subcommand_rows() {
  using namespace flags;  // NOLINT(google-build-using-namespace)
  return {
      {"load", -3, kWrite | kDenyOom | kNoscript, "@write @slow @scripting",
       "Create a function with the given arguments (name, code, description)",
       "O(1) (considering compilation time is redundant)", kAllShards},
      {"delete", 3, kWrite | kNoscript, "@write @slow @scripting", "Delete a function by name",
       "O(1)", kAllShards},
      {"flush", -2, kWrite | kNoscript, "@write @slow @scripting", "Deleting all functions",
       "O(N) where N is the number of functions deleted", kAllShards},
      {"list", -2, kNoscript, "@slow @scripting", "List information about all the functions",
       "O(N) where N is the number of functions", "nondeterministic_output_order"},
      {"stats", 2, kNoscript | kAllowBusy, "@slow @scripting",
       "Return information about the function currently running (name, description, duration)",
       "O(1)", "nondeterministic_output request_policy:all_shards response_policy:special"},
      {"dump", 2, kNoscript, "@slow @scripting",
       "Dump all functions into a serialized binary payload",
       "O(N) where N is the number of functions", ""},
      {"restore", -3, kWrite | kDenyOom | kNoscript, "@write @slow @scripting",
       "Restore all the functions on the given payload",
       "O(N) where N is the number of functions on the payload", kAllShards},
      {"kill", 2, kNoscript | kAllowBusy, "@slow @scripting",
       "Kill the function currently in execution.", "O(1)",
       "request_policy:all_shards response_policy:one_succeeded"},
      {"help", 2, kLoading | kStale, "@slow @scripting",
       "Show helpful text about the different subcommands", "O(1)", ""},
  };
}

std::vector<ArgumentSpec> subcommand_arguments(std::string_view name) {
  if (name == "load") {
    return {arg::pure_token("replace", "REPLACE").optional(), arg::string("function-code")};
  }
  if (name == "delete") return {arg::string("library-name")};
  if (name == "flush") {
    return {
        arg::oneof("async", {arg::pure_token("async", "ASYNC"), arg::pure_token("sync", "SYNC")})
            .optional()};
  }
  if (name == "list") {
    return {arg::string("library-name-pattern").token("LIBRARYNAME").optional(),
            arg::pure_token("withcode", "WITHCODE").optional()};
  }
  if (name == "restore") {
    return {arg::string("serialized-value"),
            arg::oneof("policy",
                       {arg::pure_token("flush", "FLUSH"), arg::pure_token("append", "APPEND"),
                        arg::pure_token("replace", "REPLACE")})
                .optional()};
  }
  return {};
}

}  // namespace

void register_function_rows(CommandTable& table, Handler fcall, Handler fcall_ro,
                            const std::vector<std::pair<std::string, Handler>>& handlers) {
  table.add(fcall_row("fcall", false, fcall));
  table.add(fcall_row("fcall_ro", true, fcall_ro));
  std::vector<CommandSpec> subcommands;
  for (const SubcommandRow& row : subcommand_rows()) {
    Handler handler = nullptr;
    for (const auto& [name, found] : handlers) {
      if (name == row.name) handler = found;
    }
    subcommands.push_back({.name = std::string(row.name),
                           .arity = row.arity,
                           .flags = row.flags,
                           .handler = handler,
                           .group = "scripting",
                           .summary = row.summary,
                           .since = "7.0.0",
                           .complexity = row.complexity,
                           .acl_categories = row.acl,
                           .tips = row.tips,
                           .arguments = subcommand_arguments(row.name)});
  }
  table.add({.name = "function",
             .arity = -2,
             .group = "scripting",
             .summary = "A container for function commands",
             .since = "7.0.0",
             .complexity = "Depends on subcommand.",
             .acl_categories = "@slow",
             .subcommands = std::move(subcommands)});
}

}  // namespace mini_redis::commands
