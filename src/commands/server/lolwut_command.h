// LOLWUT's row (lolwut_command.cpp), added with DEBUG's by
// register_debug_commands().
#pragma once

#include "commands/core/command_table.h"

namespace mini_redis::commands {

CommandSpec make_lolwut_command();

}  // namespace mini_redis::commands
