// Helpers shared by the hash commands (HSET, HGET, HINCRBY, HRANDFIELD...).
//
// The family is spread over a few files, one per job:
//   hash_commands.cpp  set, get and delete fields; HLEN, HKEYS, HVALS, HGETALL
//   hash_numbers.cpp   fields as counters: HINCRBY, HINCRBYFLOAT
//   hash_random.cpp    HRANDFIELD
//   hash_scan.cpp      HSCAN
// register_hash_commands() (in hash_commands.cpp) registers them all.
//
// This header is internal to those files. It holds the two lookups every
// handler starts with, in Redis's t_hash.c spirit (lookupKeyReadOrReply +
// checkType, hashTypeLookupWriteOrCreate), the encoding limits from CONFIG,
// and the builder of the command rows, which differ only in a few fields.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "commands/core/command_table.h"
#include "commands/core/context.h"
#include "types/hash.h"

namespace mini_redis::commands {

void register_hash_number_commands(CommandTable& table);
void register_hash_random_commands(CommandTable& table);
void register_hash_scan_commands(CommandTable& table);

// The listpack -> hashtable thresholds as CONFIG has them now
// (hash-max-listpack-entries, hash-max-listpack-value).
// (hash-max-listpack-entries, hash-max-listpack-value); loading an RDB file
// uses the same (commands/persistence/rdb_options.cpp).
types::HashLimits hash_limits(const Config& config);
inline types::HashLimits hash_limits(const Context& ctx) { return hash_limits(ctx.config); }

// What a read command found at its key.
struct FoundHash {
  types::Hash* hash = nullptr;  // null when the key does not exist
  bool wrong_type = false;      // WRONGTYPE has been replied: the command is over
};

// Looks `key` up for a read, as Redis's lookupKeyRead does: counts a keyspace
// hit or miss, publishes "keymiss" on a miss, and replies WRONGTYPE for a key
// of another type. The caller answers its own "absent" reply (null, 0, []).
FoundHash find_hash_for_read(Context& ctx, std::string_view key);

// Looks `key` up for a write and creates an empty hash there if it is absent
// (Redis's hashTypeLookupWriteOrCreate; a "new" event is published then).
// Replies WRONGTYPE and returns null for a key of another type. A command
// that creates the hash must leave at least one field in it.
types::Hash* find_or_create_hash(Context& ctx, std::string_view key);

// The parts of a hash command's row that vary; hash_row() fills in the rest
// (group "hash", one key at position 1, its key spec and its argument).
using HashRowText = KeyedRowText;

CommandSpec hash_row(std::string name, int arity, std::uint32_t command_flags, Handler handler,
                     const HashRowText& text, std::vector<ArgumentSpec> arguments_after_key = {});

}  // namespace mini_redis::commands
