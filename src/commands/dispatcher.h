// Dispatcher: runs one parsed request against the command table.
//
// It is the doorway every request goes through: find the command (case-
// insensitive), check its arity, with Redis's exact errors for both, then run
// its handler and count it for INFO. It also honours CLIENT REPLY OFF/SKIP by
// dropping what the handler wrote.
#pragma once

#include "commands/command_table.h"
#include "commands/context.h"

namespace mini_redis::commands {

// Runs `args` (the command name first) and appends its reply to ctx.reply.
void dispatch(Context& ctx, Arguments args);

}  // namespace mini_redis::commands
