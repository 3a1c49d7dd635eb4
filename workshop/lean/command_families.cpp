// The workshop's command families: what its steps and redis-cli use.
//
// The workshop build (workshop/CMakeLists.txt) links this file in place of
// src/commands/core/command_families.cpp and leaves the sources of every
// family not named here out of the build, so a learner's first build
// compiles only the workshop server. Steps 1-6 use PING, GET, SET, INCR,
// EXPIRE and TTL; the extension steps use DEL/EXISTS (keys), EXPIRETIME
// (expire), INFO (server) and SUBSCRIBE/PUBLISH (pubsub). redis-cli asks for
// COMMAND DOCS when it starts, and CONFIG/CLIENT/MONITOR/SLOWLOG are the
// server's own tools, cheap to keep.
//
// Hashes, sorted sets and ACL are compiled (loading an RDB file needs the
// hash and sorted-set size limits; the server reads its ACL file at start)
// but not registered: their commands answer "unknown command" here.
#include "commands/core/command_families.h"

#include "commands/core/command_table.h"

namespace mini_redis::commands {

void register_command_families(CommandTable& table) {
  // The same order as the full server's list, so the rows they share get
  // their stats ids in the same relative order.
  register_connection_commands(table);
  register_string_commands(table);
  register_key_commands(table);
  register_expire_commands(table);
  register_server_commands(table);
  register_config_commands(table);
  register_pubsub_commands(table);
  register_monitor_command(table);
  register_observability_commands(table);
}

}  // namespace mini_redis::commands
