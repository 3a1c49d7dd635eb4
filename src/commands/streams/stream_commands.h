// Helpers shared by the stream commands (XADD, XRANGE, XREAD, XSETID...).
//
// The family is spread over a few files, one per job:
//   stream_commands.cpp      XADD, XTRIM and their trim options; XLEN, XDEL
//   stream_range.cpp         XRANGE, XREVRANGE
//   stream_read.cpp          XREAD, blocking included
//   stream_setid.cpp         XSETID
//   stream_rows.cpp          the command rows (COMMAND INFO / DOCS)
//   stream_id_arguments.*    IDs from arguments (shared with the group commands)
//   stream_reply.*           entries in replies (likewise)
// register_stream_commands() (in stream_rows.cpp) registers them all; the
// consumer group commands (stream_group*.cpp) have their own
// register_stream_group_commands().
//
// This header is internal to the family: the two lookups every handler
// starts with (Redis's lookupKeyRead + checkType, streamTypeLookupWriteOrCreate)
// and the node limits from CONFIG.
#pragma once

#include <string_view>

#include "commands/core/command_table.h"
#include "commands/core/context.h"
#include "types/stream.h"

namespace mini_redis::commands {

// stream-node-max-bytes / stream-node-max-entries as CONFIG has them now.
types::StreamNodeLimits stream_node_limits(const Config& config);

// What a read command found at its key.
struct FoundStream {
  types::Stream* stream = nullptr;  // null when the key does not exist
  bool wrong_type = false;          // WRONGTYPE has been replied: the command is over
};

// Looks `key` up for a read (counting a hit or a miss, "keymiss" on a miss)
// and replies WRONGTYPE for a key of another type.
FoundStream find_stream_for_read(Context& ctx, std::string_view key);

// Looks `key` up for a write; replies WRONGTYPE for another type. Returns
// null (nothing replied) for a missing key: each writer decides.
FoundStream find_stream_for_write(Context& ctx, std::string_view key);

// The handlers, registered by stream_rows.cpp.
void xadd_command(Context& ctx, Arguments args);
void xtrim_command(Context& ctx, Arguments args);
void xlen_command(Context& ctx, Arguments args);
void xdel_command(Context& ctx, Arguments args);
void xrange_command(Context& ctx, Arguments args);
void xrevrange_command(Context& ctx, Arguments args);
void xread_command(Context& ctx, Arguments args);
void xsetid_command(Context& ctx, Arguments args);

}  // namespace mini_redis::commands
