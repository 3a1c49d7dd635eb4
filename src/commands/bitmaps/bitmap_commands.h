// Bitmaps: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO.
//
// Redis has no bitmap type: these commands treat a *string* as an array of
// bits (types/bitops.h draws the numbering), so GET shows what SETBIT made,
// and a key holding a list answers WRONGTYPE. Writing past the end grows the
// string with zero bytes, up to proto-max-bulk-len (512 MB by default,
// 2^32 bits), which is why every bit offset is checked against it.
//
// The family is split by what the commands do: single bits and BITOP
// (bit_commands.cpp), counting and searching over a range
// (bit_range_commands.cpp), and integers packed in bits (bitfield_command.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/core/context.h"

namespace mini_redis::commands {

class CommandTable;

namespace errors {
inline constexpr std::string_view kBitOffset = "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kBitValue = "ERR bit is not an integer or out of range";
}  // namespace errors

// A bit offset argument, as Redis's getBitOffsetFromArgument reads it: a
// canonical integer from 0 to proto-max-bulk-len * 8 - 1. BITFIELD passes
// its field width as `field_bits`, which enables the "#N" form: the N-th
// field of that width, bit offset N * field_bits. Anything else replies
// "bit offset is not an integer or out of range" and returns nothing.
std::optional<std::uint64_t> bit_offset_or_reply(Context& ctx, std::string_view text,
                                                 unsigned field_bits = 0);

// Each file registers its own commands; register_bitmap_commands calls them.
void register_bit_commands(CommandTable& table);        // bit_commands.cpp
void register_bit_range_commands(CommandTable& table);  // bit_range_commands.cpp
void register_bitfield_commands(CommandTable& table);   // bitfield_command.cpp

}  // namespace mini_redis::commands
