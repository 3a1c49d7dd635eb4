// register_command_families: the one place that decides which command
// families a build has. CommandTable's constructor calls it; the server links
// src/commands/core/command_families.cpp (every family), the workshop's lean
// build links workshop/lean/command_families.cpp (the workshop's few), so
// neither list is an #ifdef in the other.
#pragma once

namespace mini_redis::commands {

class CommandTable;

// Calls each family's register_*_commands (command_table.h), in order.
void register_command_families(CommandTable& table);

}  // namespace mini_redis::commands
