// The server family: commands about the server and its objects rather than
// about one value. TIME, SHUTDOWN, OBJECT and MEMORY live here (SAVE, BGSAVE
// and LASTSAVE in commands/persistence/);
// INFO and COMMAND have files of their own (info.cpp, command_docs.cpp) and
// are registered here with the rest.
//
// OBJECT and MEMORY report on *how* a key is stored. Their answers follow
// Redis 7.0 where our storage works the same way (string encodings "int",
// "embstr", "raw"; shared small integers) and are honest estimates where it
// does not (MEMORY USAGE counts our own entry block, not Redis's objects).
#include <charconv>
#include <limits>

#include "commands/core/arguments.h"
#include "commands/core/command_docs.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/server/info.h"
#include "commands/server/memory_commands.h"
#include "commands/server/object_encoding.h"
#include "scripting/script_engine.h"
#include "storage/memory.h"

namespace mini_redis::commands {

namespace {

// ---- TIME -----------------------------------------------------------------

// TIME: [unix seconds, microseconds], both as bulk strings. Our clock counts
// milliseconds, so the microseconds are always a multiple of 1000.
void time_command(Context& ctx, Arguments /*args*/) {
  const std::int64_t now_us = ctx.keyspace.clock().now_us();
  ctx.reply.array_header(2);
  ctx.reply.bulk_string(std::to_string(now_us / 1'000'000));
  ctx.reply.bulk_string(std::to_string(now_us % 1'000'000));
}

// ---- SHUTDOWN -----------------------------------------------------------------

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. With save points set (or
// SAVE), the dataset is saved first; if that fails the server stays up and
// says so, as Redis does, unless FORCE (which also stops the server while
// the first AOF rewrite after CONFIG SET appendonly yes runs). NOW only
// matters when there are replicas to wait for, and a shutdown is immediate
// here, so there is never one in progress to ABORT. On success Redis sends no reply at all: the client just
// sees the connection close.
void shutdown_command(Context& ctx, Arguments args) {
  bool save = false;
  bool nosave = false;
  bool abort = false;
  bool force = false;
  for (std::string_view option : args.subspan(1)) {
    if (equals_ignore_case(option, "nosave")) {
      nosave = true;
    } else if (equals_ignore_case(option, "save")) {
      save = true;
    } else if (equals_ignore_case(option, "abort")) {
      abort = true;
    } else if (equals_ignore_case(option, "force")) {
      force = true;
    } else if (!equals_ignore_case(option, "now")) {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }
  // ABORT takes no other option, and SAVE contradicts NOSAVE.
  if ((abort && args.size() > 2) || (save && nosave)) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  if (abort) {
    ctx.reply.error("ERR No shutdown in progress.");
    return;
  }
  // A busy script (scripting/busy_script.cpp) may have done half its
  // writes: only NOSAVE may stop the server then, so that they are not saved.
  if (!nosave && ctx.scripts != nullptr && ctx.scripts->busy()) {
    ctx.reply.error(ctx.scripts->busy_error());
    return;
  }
  const ShutdownSave mode = nosave ? ShutdownSave::nosave
                            : save ? ShutdownSave::save
                                   : ShutdownSave::as_configured;
  if (!ctx.server.request_shutdown(mode, force))
    ctx.reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
}

// ---- OBJECT -------------------------------------------------------------------

// Redis keeps one shared object for each integer 0..9999 (OBJ_SHARED_INTEGERS)
// and reports its reference count as INT_MAX (OBJ_SHARED_REFCOUNT), since
// such objects are never freed. A value stored as one of them shows that.
constexpr std::int64_t kSharedIntegers = 10000;
constexpr std::int64_t kSharedRefcount = std::numeric_limits<std::int32_t>::max();

bool is_shared_integer(const storage::Entry& entry) {
  if (entry.encoding() != storage::Encoding::integer) return false;
  const std::string_view text = entry.value();
  std::int64_t value = -1;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc() && value >= 0 && value < kSharedIntegers;
}

// OBJECT looks at a key without counting a hit or refreshing its access
// time (otherwise IDLETIME would always answer 0). A missing key is nil.
storage::Entry* object_lookup(Context& ctx, std::string_view key) {
  storage::Entry* entry = ctx.db().lookup_quietly(key);
  if (entry == nullptr) ctx.reply.null();
  return entry;
}

void object_encoding(Context& ctx, Arguments args) {
  if (const storage::Entry* entry = object_lookup(ctx, args[2])) {
    ctx.reply.bulk_string(encoding_name(entry->encoding()));
  }
}

void object_refcount(Context& ctx, Arguments args) {
  if (const storage::Entry* entry = object_lookup(ctx, args[2])) {
    ctx.reply.integer(is_shared_integer(*entry) ? kSharedRefcount : 1);
  }
}

// An entry's access field holds either the last access time (LRU) or an
// access counter (LFU), never both (see storage/access_tracking.h), so each
// of IDLETIME and FREQ works under one kind of maxmemory-policy only, and
// answers Redis's error under the other (after the key was found).
bool tracks_lfu(Context& ctx) {
  return ctx.db().access_tracking() == storage::AccessTracking::lfu;
}

void object_idletime(Context& ctx, Arguments args) {
  if (const storage::Entry* entry = object_lookup(ctx, args[2])) {
    if (tracks_lfu(ctx)) {
      ctx.reply.error(
          "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
          "switching between policies at runtime LRU and LFU data will take some time to adjust.");
      return;
    }
    const std::int64_t idle_s =
        ctx.now_ms() / 1000 - static_cast<std::int64_t>(entry->access_time_s());
    ctx.reply.integer(idle_s > 0 ? idle_s : 0);
  }
}

// The logarithmic access counter, decayed to now: 5 for a key just created.
void object_freq(Context& ctx, Arguments args) {
  if (const storage::Entry* entry = object_lookup(ctx, args[2])) {
    if (!tracks_lfu(ctx)) {
      ctx.reply.error(
          "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
          "note that when switching between policies at runtime LRU and LFU data will take some "
          "time to adjust.");
      return;
    }
    ctx.reply.integer(ctx.db().access_frequency(*entry));
  }
}

void object_help(Context& ctx, Arguments /*args*/) {
  reply_help(ctx.reply, "OBJECT",
             {
                 "ENCODING <key>",
                 "    Return the kind of internal representation used in order to store the value",
                 "    associated with a <key>.",
                 "FREQ <key>",
                 "    Return the access frequency index of the <key>. The returned integer is",
                 "    proportional to the logarithm of the recent access frequency of the key.",
                 "IDLETIME <key>",
                 "    Return the idle time of the <key>, that is the approximated number of",
                 "    seconds elapsed since the last access to the key.",
                 "REFCOUNT <key>",
                 "    Return the number of references of the value associated with the specified",
                 "    <key>.",
             });
}

// ---- MEMORY -------------------------------------------------------------------

// MEMORY USAGE key [SAMPLES count]: the bytes the key costs. For us that is
// its entry block (header, key and a string's bytes, as the allocator
// rounds it), a list's or hash's object, and the key's share of the table's
// bucket array. Redis samples the elements of big values (SAMPLES, 5 by
// default) to estimate; our objects know their size, so SAMPLES is checked
// and then ignored. (Redis 7.0 even measures a key whose time has passed
// but that is not deleted yet; our quiet lookup, as OBJECT's, says nil.)
void memory_usage(Context& ctx, Arguments args) {
  for (std::size_t i = 3; i < args.size(); ++i) {
    if (equals_ignore_case(args[i], "samples") && i + 1 < args.size()) {
      const auto samples = integer_or_reply(ctx, args[i + 1]);
      if (!samples) return;
      if (*samples < 0) {
        ctx.reply.error(errors::kSyntax);
        return;
      }
      ++i;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }
  storage::Database& db = ctx.db();
  const storage::Entry* entry = db.lookup_quietly(args[2]);
  if (entry == nullptr) {
    ctx.reply.null();
    return;
  }
  const std::size_t table_share = db.size() == 0 ? 0 : db.overhead_bytes() / db.size();
  ctx.reply.integer(static_cast<std::int64_t>(storage::memory_bytes(*entry) + table_share));
}

void memory_help(Context& ctx, Arguments /*args*/) {
  reply_help(ctx.reply, "MEMORY",
             {
                 "DOCTOR",
                 "    Return memory problems reports.",
                 "MALLOC-STATS",
                 "    Return internal statistics report from the memory allocator.",
                 "PURGE",
                 "    Attempt to purge dirty pages for reclamation by the allocator.",
                 "STATS",
                 "    Return information about the memory usage of the server.",
                 "USAGE <key> [SAMPLES <count>]",
                 "    Return memory in bytes used by <key> and its value. Nested values are",
                 "    sampled up to <count> times (default: 5, 0 means sample all).",
             });
}

// ---- the rows -------------------------------------------------------------------

// OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ <key>: one read-only key at 2.
CommandSpec object_key_subcommand(std::string_view name, Handler handler, std::string_view since,
                                  std::string_view summary) {
  return CommandSpec{
      .name = std::string(name),
      .arity = 3,
      .flags = flags::kReadonly,
      .first_key = 2,
      .last_key = 2,
      .key_step = 1,
      .handler = handler,
      .group = "generic",
      .summary = summary,
      .since = since,
      .complexity = "O(1)",
      .acl_categories = "@keyspace @read @slow",
      .tips = "nondeterministic_output",
      .key_specs = "RO",
      .arguments = {arg::key("key", 0)},
  };
}

CommandSpec make_object_command() {
  CommandSpec spec{
      .name = "object",
      .arity = -2,
      // A container: "OBJECT" alone fails the arity check and anything
      // longer runs a subcommand, so its own handler is never called.
      .handler = nullptr,
      .group = "generic",
      .summary = "A container for object introspection commands",
      .since = "2.2.3",
      .complexity = "Depends on subcommand.",
      .acl_categories = "@slow",
  };
  spec.subcommands.push_back(object_key_subcommand(
      "encoding", object_encoding, "2.2.3", "Inspect the internal encoding of a Redis object"));
  spec.subcommands.push_back(
      object_key_subcommand("freq", object_freq, "4.0.0",
                            "Get the logarithmic access frequency counter of a Redis object"));
  spec.subcommands.push_back(object_key_subcommand(
      "idletime", object_idletime, "2.2.3", "Get the time since a Redis object was last accessed"));
  spec.subcommands.push_back(
      object_key_subcommand("refcount", object_refcount, "2.2.3",
                            "Get the number of references to the value of the key"));
  spec.subcommands.push_back(CommandSpec{
      .name = "help",
      .arity = 2,
      .flags = flags::kLoading | flags::kStale,
      .handler = object_help,
      .group = "generic",
      .summary = "Show helpful text about the different subcommands",
      .since = "6.2.0",
      .complexity = "O(1)",
      .acl_categories = "@keyspace @slow",
  });
  return spec;
}

CommandSpec make_memory_command() {
  CommandSpec spec{
      .name = "memory",
      .arity = -2,
      .handler = nullptr,  // a container, as OBJECT
      .group = "server",
      .summary = "A container for memory diagnostics commands",
      .since = "4.0.0",
      .complexity = "Depends on subcommand.",
      .acl_categories = "@slow",
  };
  spec.subcommands.push_back(CommandSpec{
      .name = "usage",
      .arity = -3,
      .flags = flags::kReadonly,
      .first_key = 2,
      .last_key = 2,
      .key_step = 1,
      .handler = memory_usage,
      .group = "server",
      .summary = "Estimate the memory usage of a key",
      .since = "4.0.0",
      .complexity = "O(N) where N is the number of samples.",
      .acl_categories = "@read @slow",
      .key_specs = "RO",
      .arguments = {arg::key("key", 0), arg::integer("count").token("SAMPLES").optional()}});
  // DOCTOR, MALLOC-STATS, PURGE, STATS (memory_commands.cpp).
  for (CommandSpec& sub : make_memory_diagnostics_subcommands()) {
    spec.subcommands.push_back(std::move(sub));
  }
  spec.subcommands.push_back(CommandSpec{
      .name = "help",
      .arity = 2,
      .flags = flags::kLoading | flags::kStale,
      .handler = memory_help,
      .group = "server",
      .summary = "Show helpful text about the different subcommands",
      .since = "4.0.0",
      .complexity = "O(1)",
      .acl_categories = "@slow",
  });
  return spec;
}

}  // namespace

void register_server_commands(CommandTable& table) {
  table.add(make_command_command());
  table.add(make_info_command());
  table.add(CommandSpec{
      .name = "time",
      .arity = 1,
      .flags = flags::kLoading | flags::kStale | flags::kFast,
      .handler = time_command,
      .group = "server",
      .summary = "Return the current server time",
      .since = "2.6.0",
      .complexity = "O(1)",
      .acl_categories = "@fast",
      .tips = "nondeterministic_output",
  });
  table.add(CommandSpec{
      .name = "shutdown",
      .arity = -1,
      .flags = flags::kAdmin | flags::kNoscript | flags::kLoading | flags::kStale |
               flags::kNoMulti | flags::kAllowBusy,
      .handler = shutdown_command,
      .group = "server",
      .summary = "Synchronously save the dataset to disk and then shut down the server",
      .since = "1.0.0",
      .complexity = "O(N) when saving, where N is the total number of keys in all databases when "
                    "saving data, "
                    "otherwise O(1)",
      .acl_categories = "@admin @slow @dangerous",
      .arguments = {arg::oneof("nosave_save", {arg::pure_token("nosave", "NOSAVE"),
                                               arg::pure_token("save", "SAVE")})
                        .optional(),
                    arg::pure_token("now", "NOW").since("7.0.0").optional(),
                    arg::pure_token("force", "FORCE").since("7.0.0").optional(),
                    arg::pure_token("abort", "ABORT").since("7.0.0").optional()},
      .history = {{"7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."}}});
  table.add(make_object_command());
  table.add(make_memory_command());
}

}  // namespace mini_redis::commands
