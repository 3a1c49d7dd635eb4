// Workshop copy of src/commands/strings/string_commands.h, made by workshop/generate.py, to read:
// the workshop build uses it in place of the original. Nothing to write here.
// The string family, split by job. Internal to these files, not a public
// interface of commands/:
//
//   string_commands.cpp  GET and SET in all their spellings (SETNX, SETEX,
//                        GETSET, GETDEL, GETEX); registers the rest
//   string_multikey.cpp  MGET, MSET, MSETNX: the same on many keys
//   string_numbers.cpp   strings as counters: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT
//   string_ranges.cpp    strings as byte arrays: APPEND, STRLEN, GETRANGE, SETRANGE
//   string_lcs.cpp       LCS, the longest common subsequence of two strings
//
// Each file keeps its command rows next to its handlers, so a command's
// arity and flags sit beside the code they describe.
#pragma once

#include <string_view>

#include "commands/core/command_table.h"

namespace mini_redis::commands {

// What GET's reply for one key was.
enum class Found { value, nothing, wrong_type };

// GET's reply for one key: its value, null when absent, or WRONGTYPE when
// the key holds another type. GETDEL and SET ... GET answer with it too.
Found reply_value(Context& ctx, std::string_view key);

void register_string_multikey_commands(CommandTable& table);
void register_string_number_commands(CommandTable& table);
void register_string_range_commands(CommandTable& table);
void register_lcs_command(CommandTable& table);

}  // namespace mini_redis::commands
