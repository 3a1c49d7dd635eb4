// Helpers shared by the set commands (SADD, SINTER, SPOP, SSCAN...).
//
// The family is spread over a few files, one per job:
//   set_commands.cpp  add, remove, test members; SCARD, SMOVE
//   set_algebra.cpp   whole sets: SMEMBERS, SINTER(CARD/STORE), SUNION(STORE),
//                     SDIFF(STORE)
//   set_random.cpp    SPOP, SRANDMEMBER
//   set_scan.cpp      SSCAN
// register_set_commands() (in set_commands.cpp) registers them all.
//
// This header is internal to those files. It holds the lookups every
// handler starts with, in Redis's t_set.c spirit (lookupKeyRead +
// checkType), the encoding limit from CONFIG, the reply of a whole set, and
// the builder of the command rows, which differ only in a few fields.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "commands/core/command_table.h"
#include "commands/core/context.h"
#include "types/set.h"

namespace mini_redis::commands {

void register_set_algebra_commands(CommandTable& table);
void register_set_random_commands(CommandTable& table);
void register_set_scan_commands(CommandTable& table);

// The intset -> hashtable threshold as CONFIG has it now (set-max-intset-entries).
types::SetLimits set_limits(const Context& ctx);

// What a read command found at its key.
struct FoundSet {
  types::Set* set = nullptr;  // null when the key does not exist
  bool wrong_type = false;    // WRONGTYPE has been replied: the command is over
};

// Looks `key` up for a read, as Redis's lookupKeyRead does: counts a keyspace
// hit or miss, publishes "keymiss" on a miss, and replies WRONGTYPE for a key
// of another type. The caller answers its own "absent" reply (0, [], null).
FoundSet find_set_for_read(Context& ctx, std::string_view key);

// The same for a command about to modify the key (lookupKeyWrite: no hit or
// miss is counted, no "keymiss").
FoundSet find_set_for_write(Context& ctx, std::string_view key);

// Every member of `set` as a set reply (RESP3 `~`, an array in RESP2), in
// the set's own order: ascending for an intset, the table's for a hashtable.
void reply_members(Context& ctx, const types::Set& set);

// A set that lost members: deletes its key if it is now empty, announcing
// "del" (Redis deletes an emptied set at once, so no command ever sees one).
// Returns true if the key went.
bool delete_if_empty(Context& ctx, std::string_view key, const types::Set& set);

// The parts of a set command's row that vary; set_row() fills in the rest
// (group "set", one key at position 1, its key spec and its argument).
using SetRowText = KeyedRowText;  // `since` defaults to "1.0.0" here

CommandSpec set_row(std::string name, int arity, std::uint32_t command_flags, Handler handler,
                    const SetRowText& text, std::vector<ArgumentSpec> arguments_after_key = {});

}  // namespace mini_redis::commands
