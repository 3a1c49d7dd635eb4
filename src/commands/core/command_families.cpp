// The command families the full server registers, in registration order.
//
// CommandTable's constructor calls register_command_families() and nothing
// else, so which families a build contains is decided by which file provides
// this one function. The server links this file; the workshop's lean build
// (workshop/CMakeLists.txt) links workshop/lean/command_families.cpp instead,
// which registers only what the workshop's steps use, so it never compiles
// the later families (lists, sets, streams, scripting commands, ...).
// The order matters: each row's stats id (INFO commandstats) follows it.
#include "commands/core/command_families.h"

#include "commands/core/command_table.h"

namespace mini_redis::commands {

void register_command_families(CommandTable& table) {
  register_connection_commands(table);
  register_string_commands(table);
  register_key_commands(table);
  register_list_commands(table);
  register_hash_commands(table);
  register_sorted_set_commands(table);
  register_geo_commands(table);   // in geo/
  register_sort_commands(table);  // in keys/sort_command.cpp
  register_set_commands(table);
  register_expire_commands(table);
  register_server_commands(table);
  register_debug_commands(table);  // DEBUG and LOLWUT (commands/server/debug_commands.cpp)
  register_persistence_commands(table);
  register_dump_restore_commands(table);
  register_config_commands(table);
  register_pubsub_commands(table);
  register_monitor_command(table);
  register_observability_commands(table);
  register_acl_commands(table);
  register_transaction_commands(table);
  register_bitmap_commands(table);
  register_scripting_commands(table);
  register_hyperloglog_commands(table);
  register_stream_commands(table);
  register_stream_group_commands(table);
}

}  // namespace mini_redis::commands
