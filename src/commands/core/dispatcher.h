// Dispatcher: runs one parsed request against the command table.
//
// It is the doorway every request goes through: find the command (case-
// insensitive), check its arity, with Redis's exact errors for both, then run
// its handler and count it for INFO. It also honours CLIENT REPLY OFF/SKIP by
// dropping what the handler wrote.
//
// The accounting is Redis 7.0's: a handler that runs is a call (its time goes
// to usec, the latency histogram and maybe the slowlog; an error reply makes
// it a failed call); a known command refused before its handler (arity) is a
// rejected call; every error reply counts in total_error_replies and under
// its code in errorstats, unknown commands included.
#pragma once

#include "commands/core/command_table.h"
#include "commands/core/context.h"

namespace mini_redis::commands {

// Runs `args` (the command name first) and appends its reply to ctx.reply.
void dispatch(Context& ctx, Arguments args);

}  // namespace mini_redis::commands
