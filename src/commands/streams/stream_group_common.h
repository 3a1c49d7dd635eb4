// What the consumer-group commands share: finding a stream and its group
// with Redis's errors, creating consumers (with their keyspace event), and
// the commands that stand for a group change in the AOF.
//
// The commands themselves live beside this file, one job per file:
//   stream_group_commands.cpp  XGROUP and the registration of every row
//   stream_group_read.cpp      XREADGROUP (and its blocking)
//   stream_group_pending.cpp   XACK, XPENDING
//   stream_group_claim.cpp     XCLAIM, XAUTOCLAIM
//   xinfo_commands.cpp         XINFO STREAM / GROUPS / CONSUMERS
// The data they work on (groups, PELs, consumers, the lag rules) is
// types/stream_group.h.
//
// ---- How group changes reach the AOF (Redis 7.0's t_stream.c) ---------------
//
// XREADGROUP, XCLAIM and XAUTOCLAIM are not logged as sent: replaying
// "XREADGROUP ... >" would deliver whatever is new at replay time. Instead
// each change to a pending entry is logged as the XCLAIM that recreates it
// exactly (streamPropagateXCLAIM):
//
//   XCLAIM <key> <group> <owner> 0 <id> TIME <delivery ms> RETRYCOUNT <count>
//          FORCE JUSTID LASTID <group's last delivered id>
//
// a move of the group's position without a pending entry (NOACK reads,
// XCLAIM LASTID) as XGROUP SETID <key> <group> <id> ENTRIESREAD <n>
// (streamPropagateGroupID), and a consumer created by a NOACK read as
// XGROUP CREATECONSUMER (streamPropagateConsumerCreation). XGROUP and XACK
// are logged as sent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/context.h"
#include "types/stream.h"
#include "types/stream_group.h"

namespace mini_redis::commands {

// The numbers of a stream that the lag rules read (types/stream_group.h).
types::StreamCounters stream_counters(const types::Stream& stream);

// "NOGROUP No such key 'k' or consumer group 'g'" (XPENDING, XCLAIM,
// XAUTOCLAIM; XREADGROUP adds " in XREADGROUP with GROUP option").
std::string no_such_key_or_group(std::string_view key, std::string_view group);
// "NOGROUP No such consumer group 'g' for key name 'k'" (XGROUP, XINFO).
std::string no_such_group_for_key(std::string_view group, std::string_view key);

// The stream at `key`, for a command that needs its group: replies
// WRONGTYPE or `no_such_key_or_group` and returns null when it cannot go on.
// `group` is set when the stream is returned.
types::Stream* stream_with_group_or_reply(Context& ctx, std::string_view key,
                                          std::string_view group_name,
                                          types::ConsumerGroup*& group);

// The consumer `name` of `group`, created if missing. A new consumer is
// announced (xgroup-createconsumer, which also counts one change), as
// Redis's streamCreateConsumer does; `created` tells the caller.
types::Consumer& find_or_create_consumer(Context& ctx, std::string_view key,
                                         types::ConsumerGroup& group, std::string_view name,
                                         bool& created);

// The XCLAIM that recreates pending entry `id` (see above).
std::vector<std::string> xclaim_effect(std::string_view key, std::string_view group_name,
                                       types::StreamID id, const types::PendingEntry& entry,
                                       types::StreamID group_last_id);
// XGROUP SETID <key> <group> <last id> ENTRIESREAD <entries read>.
std::vector<std::string> setid_effect(std::string_view key, std::string_view group_name,
                                      const types::ConsumerGroup& group);

// Hands the collected effects to the AOF instead of the command as sent
// (none at all: nothing is logged). The caller counts the change
// (ctx.stats.persistence.dirty, Redis's server.dirty): these commands
// announce no keyspace event, and the dispatcher logs a command only when
// that counter moved.
void propagate_effects(Context& ctx, std::vector<std::vector<std::string>> effects);

// ---- the handlers (registered in stream_group_commands.cpp) -----------------
void xgroup_create_command(Context& ctx, Arguments args);
void xgroup_setid_command(Context& ctx, Arguments args);
void xgroup_destroy_command(Context& ctx, Arguments args);
void xgroup_createconsumer_command(Context& ctx, Arguments args);
void xgroup_delconsumer_command(Context& ctx, Arguments args);
void xgroup_help_command(Context& ctx, Arguments args);
void xreadgroup_command(Context& ctx, Arguments args);
void xack_command(Context& ctx, Arguments args);
void xpending_command(Context& ctx, Arguments args);
void xclaim_command(Context& ctx, Arguments args);
void xautoclaim_command(Context& ctx, Arguments args);
void xinfo_stream_command(Context& ctx, Arguments args);
void xinfo_groups_command(Context& ctx, Arguments args);
void xinfo_consumers_command(Context& ctx, Arguments args);
void xinfo_help_command(Context& ctx, Arguments args);

}  // namespace mini_redis::commands
