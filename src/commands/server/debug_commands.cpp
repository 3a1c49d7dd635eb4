// DEBUG <subcommand>: the window on the server's internals that test suites
// lean on (Redis's debug.c). It is a "protected" command: off unless
// enable-debug-command is yes, or local for clients on a loopback address or
// the unix socket (the dispatcher refuses it before the handler runs, with
// debug_command_refused() below, as Redis's processCommand does). Debian
// ships Redis with it off, and so do we.
//
// The subcommands here, each with Redis 7.0.15's argument count (a wrong
// count is "unknown subcommand or wrong number of arguments", as Redis says
// for both):
//   SLEEP <seconds>                    the whole server stops, as Redis's
//                                      nanosleep() in the event loop does
//   SET-ACTIVE-EXPIRE <0|1>            turns the cron's expiry cycle off/on
//   OBJECT <key>                       one status line about the value
//   DIGEST, DIGEST-VALUE <key> ...     fingerprints (debug_digest.h)
//   RELOAD [MERGE] [NOFLUSH] [NOSAVE]  save the RDB, empty, load it back
//   CHANGE-REPL-ID                     OK: we keep no replication IDs
//   QUICKLIST-PACKED-THRESHOLD <size>  checked and accepted (see below)
//   LISTPACK <key>                     dumps a listpack to stdout
//   HELP                               Redis's text, byte for byte
// Redis's other subcommands (crashes, leaks, malloc tuning, cluster links)
// are listed by HELP, since suites parse that text, but answer the
// unknown-subcommand error.
#include "commands/server/debug_commands.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "commands/core/command_docs.h"
#include "commands/core/errors.h"
#include "commands/core/watched_keys.h"
#include "commands/persistence/rdb_options.h"
#include "commands/server/debug_digest.h"
#include "commands/server/debug_help.h"
#include "commands/server/lolwut_command.h"
#include "commands/server/object_encoding.h"
#include "common/ascii.h"
#include "common/integer_parsing.h"
#include "config/config_values.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"
#include "types/hash.h"
#include "types/listpack.h"
#include "types/quicklist.h"
#include "types/sorted_set.h"

namespace mini_redis::commands {

namespace {

// ---- SLEEP, SET-ACTIVE-EXPIRE -----------------------------------------------

// Redis reads the seconds with strtod() and ignores what does not parse, so
// "abc" sleeps 0 seconds and "0.5" half a second; a negative time sleeps
// not at all. The whole server stops: every other client waits, which is
// what suites use it for (a slow command for the latency monitor, a busy
// server for timeouts).
void debug_sleep(Context& /*ctx*/, std::string_view argument) {
  const std::string text(argument);
  double seconds = std::strtod(text.c_str(), nullptr);
  if (!(seconds > 0)) return;          // also NaN
  seconds = std::min(seconds, 1.0e9);  // no overflow in the microseconds
  const auto microseconds = static_cast<std::int64_t>(seconds * 1'000'000);
  std::this_thread::sleep_for(std::chrono::microseconds(microseconds));
}

// ---- OBJECT -------------------------------------------------------------------

// The fields Redis adds for a quicklist: node count, average elements per
// node, the fill setting (list-max-listpack-size), whether compression is
// on, and the listpacks' bytes before compression.
std::string quicklist_fields(const types::Quicklist& list) {
  std::size_t uncompressed = 0;
  for (const auto& node : list.nodes()) uncompressed += node.bytes_size();
  const std::size_t nodes = list.node_count();
  char text[160];
  std::snprintf(text, sizeof text,
                " ql_nodes:%zu ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:%d "
                "ql_uncompressed_size:%zu",
                nodes, static_cast<double>(list.size()) / static_cast<double>(nodes), list.fill(),
                list.compress_depth() != 0 ? 1 : 0, uncompressed);
  return text;
}

// "Value at:<address> refcount:<n> encoding:<name> serializedlength:<n>
// lru:<n> lru_seconds_idle:<n>" and, for a list, the quicklist fields.
//   - address: where the value lives; it differs between runs in Redis too.
//   - refcount: as OBJECT REFCOUNT (shared integers 0..9999 report INT_MAX).
//   - serializedlength: the bytes the value takes in an RDB file (Redis's
//     rdbSavedObjectLen), i.e. DUMP's payload without its type byte and
//     10-byte footer: the same compression and encodings, so the same number.
//   - lru: Redis's 24-bit LRU clock (Unix seconds modulo 2^24) at the last
//     access; lru_seconds_idle: the seconds since (OBJECT IDLETIME). Under
//     an LFU policy the same field holds the access counter instead, in
//     Redis and here, so the two numbers mean little then.
// Like Redis (dictFind), it also finds a key whose time has passed but that
// is not deleted yet, and does not count as an access.
void debug_object(Context& ctx, std::string_view key) {
  const storage::Entry* entry = ctx.db().peek(key);
  if (entry == nullptr) {
    ctx.reply.error(errors::kNoSuchKey);
    return;
  }
  constexpr std::int64_t kSharedIntegers = 10000;
  constexpr int kSharedRefcount = 2147483647;
  int refcount = 1;
  if (entry->encoding() == storage::Encoding::integer) {
    const std::string_view text = entry->value();
    const auto value = parse_int64_strict(text);
    if (value && *value >= 0 && *value < kSharedIntegers) refcount = kSharedRefcount;
  }
  constexpr std::size_t kTypeByte = 1;
  constexpr std::size_t kFooter = 10;  // RDB version (2) + CRC64 (8)
  const std::size_t serialized =
      persistence::dump_payload(*entry, ctx.config.rdbcompression).size() - kTypeByte - kFooter;
  const std::uint32_t lru = entry->access_time_s() & ((1U << 24) - 1);
  const std::int64_t idle = ctx.now_ms() / 1000 - static_cast<std::int64_t>(entry->access_time_s());
  char text[256];
  std::snprintf(text, sizeof text,
                "Value at:%p refcount:%d encoding:%.*s serializedlength:%zu lru:%u "
                "lru_seconds_idle:%lld",
                static_cast<const void*>(entry), refcount,
                static_cast<int>(encoding_name(entry->encoding()).size()),
                encoding_name(entry->encoding()).data(), serialized, lru,
                static_cast<long long>(idle > 0 ? idle : 0));
  std::string line = text;
  if (entry->type() == storage::ValueType::list) {
    line += quicklist_fields(entry->object<types::Quicklist>());
  }
  ctx.reply.simple_string(line);
}

// ---- LISTPACK -----------------------------------------------------------------

// Redis's lpRepr() prints every entry of the listpack to the server's
// stdout and the client only learns that it did. Ours prints one line per
// element after a header, enough to see what a listpack holds.
void debug_listpack(Context& ctx, std::string_view key) {
  const storage::Entry* entry = ctx.db().lookup_quietly(key);
  if (entry == nullptr) {
    ctx.reply.error(errors::kNoSuchKey);
    return;
  }
  const types::Listpack* listpack = nullptr;
  if (entry->type() == storage::ValueType::hash) {
    listpack = entry->object<types::Hash>().listpack();
  } else if (entry->type() == storage::ValueType::zset) {
    listpack = entry->object<types::SortedSet>().listpack();
  }
  if (listpack == nullptr) {
    ctx.reply.error("ERR Not a listpack encoded object.");
    return;
  }
  std::printf("{total_bytes %zu} {num_elements %zu}\n", listpack->bytes_size(), listpack->size());
  types::IntText digits{};
  std::size_t index = 0;
  for (std::size_t pos = listpack->first(); pos != types::Listpack::npos;
       pos = listpack->next(pos)) {
    const std::string_view text = listpack->get(pos).text(digits);
    std::printf("{index %zu} {offset %zu} {value %.*s}\n", index++, pos,
                static_cast<int>(text.size()), text.data());
  }
  std::printf("{end}\n\n");
  std::fflush(stdout);
  ctx.reply.simple_string("Listpack structure printed on stdout");
}

// ---- DIGEST, DIGEST-VALUE -----------------------------------------------------

// One status reply per key; a missing key digests to 40 zeros. Expired but
// still stored keys count, as in Redis (peek, not a lookup).
void debug_digest_value(Context& ctx, Arguments keys) {
  ctx.reply.array_header(keys.size());
  for (const std::string_view key : keys) {
    const storage::Entry* entry = ctx.db().peek(key);
    ctx.reply.simple_string(digest_hex(entry != nullptr ? value_digest(*entry) : Digest{}));
  }
}

// ---- RELOAD -------------------------------------------------------------------

// Save the RDB file (unless NOSAVE), empty the dataset (unless NOFLUSH),
// load the file back (MERGE: its keys replace ones already there). Redis
// kills itself on a key present in both without MERGE; we let the file's
// key win in that case too rather than stop a server over a test command.
// The function libraries stay as they are (the file holds the same ones
// when it was just saved).
void debug_reload(Context& ctx, Arguments options) {
  bool save = true;
  bool flush = true;
  for (const std::string_view option : options) {
    if (equals_ignore_case(option, "merge")) {
      continue;  // replacing is what our loader does anyway
    }
    if (equals_ignore_case(option, "noflush")) {
      flush = false;
    } else if (equals_ignore_case(option, "nosave")) {
      save = false;
    } else {
      ctx.reply.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
      return;
    }
  }
  // Redis answers its bare shared "-ERR" when the save fails (logged).
  if (save && !ctx.server.save_snapshot()) {
    ctx.reply.error("ERR");
    return;
  }
  // The server runs in `dir`, so dbfilename is the file SAVE wrote.
  std::ifstream file(ctx.config.dbfilename, std::ios::binary);
  const bool opened = file.is_open();
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (flush) {
    signal_all_databases_flushed(ctx);  // WATCHed keys change, as after FLUSHALL
    ctx.keyspace.clear(false);
  }
  const bool loaded = opened && persistence::load_rdb(bytes, ctx.keyspace, ctx.now_ms(),
                                                      rdb_load_options(ctx.config))
                                    .has_value();
  if (!loaded) {
    ctx.reply.error("ERR Error trying to load the RDB dump, check server logs.");
    return;
  }
  ctx.reply.ok();
}

// ---- QUICKLIST-PACKED-THRESHOLD -----------------------------------------------

// Redis stores an element at least this big in a "plain" node of its own.
// Our quicklist has no plain nodes (types/quicklist.h), so the value is
// only checked as Redis checks it: a memory size (memtoull) of at most
// 4 GB - 1 MB; 0 means the 1 GB default.
void debug_quicklist_packed_threshold(Context& ctx, std::string_view argument) {
  constexpr std::uint64_t kLargest = (1ULL << 32) - (1ULL << 20);
  const auto size = config::config_values::parse_memory(argument);
  if (!size || *size > kLargest) {
    ctx.reply.error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
    return;
  }
  ctx.reply.ok();
}

// ---- dispatch -------------------------------------------------------------------

void debug_command(Context& ctx, Arguments args) {
  const std::string_view sub = args[1];
  const std::size_t argc = args.size();
  auto is = [&](std::string_view name) { return equals_ignore_case(sub, name); };
  if (is("help") && argc == 2) {
    reply_debug_help(ctx.reply);
  } else if (is("sleep") && argc == 3) {
    debug_sleep(ctx, args[2]);
    ctx.reply.ok();
  } else if (is("set-active-expire") && argc == 3) {
    // atoi(): anything that does not start with a non-zero number is 0.
    const std::string text(args[2]);
    ctx.config.active_expire_enabled = std::atoi(text.c_str()) != 0;
    ctx.reply.ok();
  } else if (is("object") && argc == 3) {
    debug_object(ctx, args[2]);
  } else if (is("digest") && argc == 2) {
    ctx.reply.simple_string(digest_hex(dataset_digest(ctx.keyspace)));
  } else if (is("digest-value")) {
    debug_digest_value(ctx, args.subspan(2));
  } else if (is("reload")) {
    debug_reload(ctx, args.subspan(2));
  } else if (is("change-repl-id") && argc == 2) {
    ctx.reply.ok();  // no replication IDs here (INFO replication shows none)
  } else if (is("quicklist-packed-threshold") && argc == 3) {
    debug_quicklist_packed_threshold(ctx, args[2]);
  } else if (is("listpack") && argc == 3) {
    debug_listpack(ctx, args[2]);
  } else {
    ctx.reply.error(errors::subcommand_syntax_error(sub, "debug"));
  }
}

// Redis's islocalClient(): the unix socket, or a TCP peer at 127.0.0.1 or ::1.
bool is_local_client(const ClientState& client) {
  if (client.unix_socket) return true;
  std::string_view host = client.peer_address;
  const std::size_t colon = host.rfind(':');
  if (colon != std::string_view::npos) host = host.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host == "127.0.0.1" || host == "::1";
}

}  // namespace

bool debug_command_refused(Context& ctx, const CommandSpec& spec) {
  if (spec.handler != debug_command) return false;
  const std::string& setting = ctx.config.enable_debug_command;
  if (setting == "yes" || (setting == "local" && is_local_client(ctx.client))) return false;
  ctx.reply.error(
      "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
      "you can run it from a local connection, otherwise you need to set this option in the "
      "configuration file, and then restart the server.");
  return true;
}

void register_debug_commands(CommandTable& table) {
  table.add(CommandSpec{
      .name = "debug",
      .arity = -2,
      .flags = flags::kAdmin | flags::kNoscript | flags::kLoading | flags::kStale,
      .handler = debug_command,
      .group = "server",
      .summary = "A container for debugging commands",
      .since = "1.0.0",
      .complexity = "Depends on subcommand.",
      .acl_categories = "@admin @slow @dangerous",
  });
  table.add(make_lolwut_command());
}

}  // namespace mini_redis::commands
