// Workshop copy of src/commands/keys/key_commands.h, made by workshop/generate.py, to read:
// the workshop build uses it in place of the original. Nothing to write here.
// Helpers shared by the generic key commands (DEL, SCAN, RENAME, EXPIRE...).
//
// The "generic" family is spread over a few files, one per job:
//   key_commands.cpp       single keys: DEL, EXISTS, TYPE, RENAME, COPY, MOVE...
//   keyspace_scan.cpp      walking the keyspace: KEYS, SCAN, RANDOMKEY
//   database_commands.cpp  whole databases: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB
//   expire_commands.cpp    time to live: EXPIRE, TTL, PERSIST...
// register_key_commands() (in key_commands.cpp) registers the first three.
//
// This header is internal to those files; it is not a public interface of
// commands/. It holds what more than one of them needs: a read-only lookup
// that counts like Redis's, a type name, and Redis's 32-bit DB index rule.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/core/command_table.h"
#include "commands/core/context.h"
#include "commands/core/notifications.h"
#include "storage/entry.h"

namespace mini_redis::commands {

void register_keyspace_scan_commands(CommandTable& table);
void register_database_commands(CommandTable& table);

// Looks a key up the way EXISTS, TYPE and TTL do in Redis (lookupKeyRead
// with LOOKUP_NOTOUCH): passive expiry applies and the read counts as a
// keyspace hit or miss in INFO stats, but the key's access time is left
// alone, so asking about a key does not make it look recently used. A miss
// is a "keymiss" notification too.
inline storage::Entry* lookup_without_touching(Context& ctx, std::string_view key) {
  storage::Entry* entry = ctx.db().lookup_quietly(key);
  storage::KeyspaceStats& stats = ctx.keyspace.stats();
  if (entry != nullptr) {
    ++stats.keyspace_hits;
  } else {
    ++stats.keyspace_misses;
    notify_key_miss(ctx, key);
  }
  return entry;
}

// The name TYPE replies and SCAN ... TYPE filters on.
constexpr std::string_view type_name(storage::ValueType type) {
  switch (type) {
    case storage::ValueType::string: return "string";
    case storage::ValueType::list: return "list";
    case storage::ValueType::hash: return "hash";
    case storage::ValueType::set: return "set";
    case storage::ValueType::zset: return "zset";
    case storage::ValueType::stream: return "stream";
  }
  return "none";
}

// Redis reads DB indexes (MOVE, COPY ... DB) as a C int: a number that fits
// in 64 bits but not in 32 gets its own error text (getIntFromObjectOrReply).
inline constexpr std::string_view kNotInt32 =
    "ERR value is out of range, value must between -2147483648 and 2147483647";

// An integer that fits in a C int, as Redis's getIntFromObjectOrReply reads
// it, else replies and returns nothing. Without `error`, a non-number gets
// errors::kNotInteger and a too-big number kNotInt32; with `error`, both get
// `error` (SWAPDB's "ERR invalid first DB index").
std::optional<int> int32_or_reply(Context& ctx, std::string_view text);
std::optional<int> int32_or_reply(Context& ctx, std::string_view text, std::string_view error);

// True if `index` names one of the server's databases (0..databases-1).
inline bool is_valid_db_index(const Context& ctx, std::int64_t index) {
  return index >= 0 && index < ctx.keyspace.database_count();
}

}  // namespace mini_redis::commands
