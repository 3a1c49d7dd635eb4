// DEBUG (debug_commands.cpp) and LOLWUT (lolwut_command.cpp): the commands
// test suites and curious users run against the server itself, not its data.
#pragma once

#include "commands/core/command_table.h"
#include "commands/core/context.h"

namespace mini_redis::commands {

// Adds the DEBUG and LOLWUT rows.
void register_debug_commands(CommandTable& table);

// The dispatcher asks this after the arity check, as Redis's processCommand
// checks its "protected" commands: true (with Redis's error written) when
// `spec` is DEBUG and enable-debug-command does not allow this client.
bool debug_command_refused(Context& ctx, const CommandSpec& spec);

}  // namespace mini_redis::commands
