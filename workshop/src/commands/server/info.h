// Workshop copy of src/commands/server/info.h, made by workshop/generate.py, to read:
// the workshop build uses it in place of the original. Nothing to write here.
// INFO: the server's state as "field:value" lines, grouped in sections.
//
// Monitoring tools, redis-cli and client libraries parse this text, so we
// keep Redis 7.0.15's shape exactly: a "# Server" header per section,
// "field:value\r\n" lines, a blank line between sections, the same section
// and field names, in Redis's order. A field is printed only when it means
// something here: mini-redis keeps no files and has no replicas, so most of
// Redis's persistence and replication fields are left out rather than faked.
//
// Sections: server, clients, memory, persistence, stats, replication, cpu,
// modules (always empty), cluster, keyspace. "INFO", "INFO default",
// "INFO all" and "INFO everything" all mean every one of them, since we have
// none of the sections Redis leaves out of the default set (commandstats,
// latencystats).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "commands/core/command_table.h"
#include "commands/core/context.h"

namespace mini_redis::commands {

// The Redis release whose behaviour we reproduce (INFO redis_version, HELLO).
inline constexpr std::string_view kRedisVersion = "7.0.15";
// Our own version (INFO mini_redis_version).
inline constexpr std::string_view kMiniRedisVersion = "0.1.0";

// The INFO text for the sections named in `sections` (none means default),
// exactly as Redis formats it. Unknown section names are ignored.
std::string render_info(Context& ctx, Arguments sections);

// Bytes as Redis's used_memory_human shows them: "512B", "967.33K", "1.50M".
std::string format_human_bytes(std::uint64_t bytes);

// The INFO row, for register_server_commands().
CommandSpec make_info_command();

}  // namespace mini_redis::commands
