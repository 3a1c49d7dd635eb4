// CommandTable: every command the server knows, as data.
//
// As in Redis's command table, each command is one row: its name, its arity
// (N means exactly N words including the name; -N means at least N), flags,
// where its keys are, its handler, and the text COMMAND DOCS shows. Commands
// with subcommands (CLIENT, CONFIG, OBJECT...) carry a nested table, and the
// dispatcher checks the subcommand's own arity ("'client|setname' command").
//
// Adding a command is one row in its family's register_*_commands function
// plus its handler. Lookup is case-insensitive and allocation-free.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "commands/core/command_arguments.h"
#include "commands/core/context.h"
#include "common/ascii.h"

namespace mini_redis::commands {

using Handler = void (*)(Context& ctx, Arguments args);

// Flags as COMMAND INFO spells them (Redis's CMD_* flags).
namespace flags {
inline constexpr std::uint32_t kWrite = 1U << 0;       // "write"
inline constexpr std::uint32_t kReadonly = 1U << 1;    // "readonly"
inline constexpr std::uint32_t kDenyOom = 1U << 2;     // "denyoom"
inline constexpr std::uint32_t kAdmin = 1U << 3;       // "admin"
inline constexpr std::uint32_t kPubsub = 1U << 4;      // "pubsub"
inline constexpr std::uint32_t kNoscript = 1U << 5;    // "noscript"
inline constexpr std::uint32_t kLoading = 1U << 6;     // "loading"
inline constexpr std::uint32_t kStale = 1U << 7;       // "stale"
inline constexpr std::uint32_t kFast = 1U << 8;        // "fast"
inline constexpr std::uint32_t kNoAuth = 1U << 9;      // "no_auth"
inline constexpr std::uint32_t kAllowBusy = 1U << 10;  // "allow_busy"
inline constexpr std::uint32_t kSentinel =
    1U << 11;  // "sentinel" (COMMAND INFO hides it, as Redis does)
inline constexpr std::uint32_t kBlocking = 1U << 12;         // "blocking"
inline constexpr std::uint32_t kSkipMonitor = 1U << 13;      // "skip_monitor"
inline constexpr std::uint32_t kSkipSlowlog = 1U << 14;      // "skip_slowlog"
inline constexpr std::uint32_t kNoMandatoryKeys = 1U << 15;  // "no_mandatory_keys"
inline constexpr std::uint32_t kNoAsyncLoading = 1U << 16;   // "no_async_loading"
inline constexpr std::uint32_t kNoMulti = 1U << 17;          // "no_multi"
inline constexpr std::uint32_t kMovableKeys = 1U << 18;      // "movablekeys"
}  // namespace flags

// A key specification that the legacy first/last/step range cannot
// express, listed in COMMAND INFO after the row's other specs. Redis 7.0
// has two such kinds of "begin_search" (see command_docs.cpp):
//   - keyword: the key is the argument after `keyword`, the first one found
//     searching from argument `startfrom` on (GEORADIUS ... STORE key);
//   - unknown (`keyword` empty): the keys cannot be found from the
//     arguments' positions alone (SORT's STORE may be anywhere), so the
//     row's get_keys procedure finds them instead.
struct ExtraKeySpec {
  std::string_view flags{};  // "OW update"
  std::string_view notes{};  // Redis's explanation, or empty
  std::string_view keyword{};
  int startfrom = 0;
  // The keys after the keyword, as a range: by default the one key right
  // after it. XREAD ... STREAMS k1 k2 id1 id2 has last_key -1 and limit 2:
  // the keys run to the end, but only the first half of what follows are
  // keys (Redis's "range" find_keys with lastkey -1, limit 2).
  int last_key = 0;
  int limit = 0;
};

// A key of a command: its position in the arguments (name first) and the
// flags of the key spec that found it ("RO access").
using KeyPositions = std::vector<std::pair<std::size_t, std::string_view>>;

// Redis's getkeys_proc: finds the keys of a command with an "unknown" key
// spec by parsing its arguments (sortGetKeys).
using GetKeysProc = KeyPositions (*)(Arguments args);

struct CommandSpec {
  // Every member has a default ({} or a value), so a row written with
  // designated initializers may leave out what it does not need without
  // tripping -Wmissing-field-initializers.
  std::string name{};  // lower case, e.g. "get", or "setname" for CLIENT SETNAME
  int arity = 0;
  std::uint32_t flags = 0;
  int first_key = 0;  // 1-based position of the first key, 0 if none
  int last_key = 0;   // -1 means the last argument
  int key_step = 0;
  // Movable keys counted by an argument (LMPOP numkeys key [key ...]): the
  // 1-based position of that count, 0 if none. Such a command has first_key
  // 0 (Redis's legacy "0 0 0") and a "keynum" key spec.
  int keynum_index = 0;
  Handler handler = nullptr;
  // For COMMAND DOCS and redis-cli's hints.
  std::string_view group{};  // "string", "generic", "connection", "server", "keyspace"
  std::string_view summary{};
  std::string_view since{};  // Redis version that introduced it, e.g. "1.0.0"
  std::string_view complexity{};
  std::string_view acl_categories{};  // space-separated, e.g. "@read @string @fast"
  std::vector<CommandSpec> subcommands{};
  // Filled in by the table: "get", or "client|setname" for a subcommand.
  std::string full_name{};
  // Filled in by the table: this command's index in ServerStats::commands
  // (command_stats.h explains why the counters are not kept in this row).
  std::size_t stats_id = 0;
  // COMMAND INFO's "tips", space-separated: "nondeterministic_output".
  std::string_view tips{};
  // COMMAND INFO's key specifications, given by their flags: "RO access" for
  // GET. One spec covers first_key..last_key (step key_step); several specs,
  // separated by '|', cover one key each from first_key on, e.g. RENAME's
  // "RW access delete|OW update". Empty: none (or a command without keys).
  std::string_view key_specs{};
  // The "notes" Redis attaches to a key spec, explaining an unusual flag
  // (SET: "RW and ACCESS due to the optional `GET` argument"). '|'-separated
  // in the same order as key_specs; an empty part means no notes.
  std::string_view key_spec_notes{};
  // Keyword and unknown key specs, after those above; and, for a row with
  // an unknown one, the procedure that finds its keys.
  std::vector<ExtraKeySpec> extra_key_specs{};
  GetKeysProc get_keys = nullptr;
  // COMMAND DOCS beyond the summary (see command_arguments.h): the
  // arguments, as redis-cli shows them in its hints, the version history,
  // and what replaces a deprecated command (GETSET, SUBSTR).
  std::vector<ArgumentSpec> arguments{};
  std::vector<HistoryEntry> history{};
  std::string_view deprecated_since{};  // non-empty marks the command "deprecated"
  std::string_view replaced_by{};
  // May a RESP2 client run it while subscribed? Only the (un)subscribe
  // family, PING, QUIT and RESET may (Redis checks for exactly those).
  bool allowed_when_subscribed = false;

  [[nodiscard]] const CommandSpec* find_subcommand(std::string_view name) const;
};

class CommandTable {
 public:
  CommandTable();  // registers every command family
  CommandTable(const CommandTable&) = delete;
  CommandTable& operator=(const CommandTable&) = delete;

  void add(CommandSpec spec);
  // Case-insensitive; nullptr when unknown. Never allocates.
  [[nodiscard]] const CommandSpec* find(std::string_view name) const;
  [[nodiscard]] std::size_t size() const { return commands_.size(); }
  // Finds "get" or "config|get" as COMMAND INFO and LATENCY HISTOGRAM name them; nullptr
  // for an unknown name or a deeper path ("config|get|x").
  [[nodiscard]] const CommandSpec* find_by_full_name(std::string_view full_name) const;
  // Commands in registration order (COMMAND, COMMAND LIST).
  [[nodiscard]] const std::vector<std::unique_ptr<CommandSpec>>& all() const { return commands_; }

 private:
  std::vector<std::unique_ptr<CommandSpec>> commands_;
  std::size_t next_stats_id_ = 0;
  // Abseil's flat map looks a name up by view, without building a std::string,
  // and without the modulo and pointer chasing of std::unordered_map: this
  // lookup runs once per command, so it shows in benchmarks.
  absl::flat_hash_map<std::string, const CommandSpec*> by_name_;
};

// One function per family, each in its own file; CommandTable() calls them all.
// ---- rows of one-key commands ---------------------------------------------------
// Most data commands name one key first (HGET key field, SADD key member,
// XLEN key): their rows differ only in these texts. keyed_row() fills in the
// rest (first, last and step key 1, the `key` argument first), so each
// family's table reads like its synopsis.
struct KeyedRowText {
  std::string_view summary;
  std::string_view since{};          // the family's wrapper may default it
  std::string_view complexity = "O(1)";
  std::string_view acl_categories;   // "@read @hash @fast"
  std::string_view key_specs;        // "RO access"
  std::string_view key_spec_notes{};
  std::string_view tips{};
};

CommandSpec keyed_row(std::string name, std::string_view group, int arity,
                      std::uint32_t command_flags, Handler handler, const KeyedRowText& text,
                      std::vector<ArgumentSpec> arguments_after_key = {});

void register_connection_commands(CommandTable& table);
void register_string_commands(CommandTable& table);
void register_key_commands(CommandTable& table);
void register_list_commands(CommandTable& table);        // in lists/
void register_hash_commands(CommandTable& table);        // in hashes/
void register_sorted_set_commands(CommandTable& table);  // in sorted_sets/
void register_geo_commands(CommandTable& table);         // in geo/
void register_sort_commands(CommandTable& table);        // in keys/sort_command.cpp
void register_set_commands(CommandTable& table);         // in sets/
void register_expire_commands(CommandTable& table);
void register_server_commands(CommandTable& table);
void register_debug_commands(CommandTable& table);  // DEBUG and LOLWUT
void register_persistence_commands(CommandTable& table);  // in persistence/
void register_dump_restore_commands(CommandTable& table);  // in keys/dump_restore.cpp
void register_config_commands(CommandTable& table);         // in config_commands.cpp
void register_pubsub_commands(CommandTable& table);         // in pubsub_commands.cpp
void register_monitor_command(CommandTable& table);         // in monitor.cpp
void register_observability_commands(CommandTable& table);  // SLOWLOG, LATENCY
void register_acl_commands(CommandTable& table);            // in acl/
void register_transaction_commands(CommandTable& table);    // in transactions/
void register_bitmap_commands(CommandTable& table);         // in bitmaps/
void register_scripting_commands(CommandTable& table);      // in scripting/
void register_hyperloglog_commands(CommandTable& table);    // in hyperloglog/
void register_stream_commands(CommandTable& table);         // in streams/stream_rows.cpp
void register_stream_group_commands(CommandTable& table);   // in streams/stream_group_table.cpp

}  // namespace mini_redis::commands
