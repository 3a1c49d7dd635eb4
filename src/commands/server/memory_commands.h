// MEMORY's diagnostics subcommands (DOCTOR, MALLOC-STATS, PURGE, STATS), for
// the MEMORY row that server_commands.cpp builds with USAGE and HELP.
#pragma once

#include <vector>

#include "commands/core/command_table.h"

namespace mini_redis::commands {

std::vector<CommandSpec> make_memory_diagnostics_subcommands();

}  // namespace mini_redis::commands
