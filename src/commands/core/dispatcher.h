// Dispatcher: runs one parsed request against the command table.
//
// It is the doorway every request goes through: find the command (case-
// insensitive), check its arity, with Redis's exact errors for both, then run
// its handler and count it for INFO. It also honours CLIENT REPLY OFF/SKIP by
// dropping what the handler wrote. Between MULTI and EXEC a command that
// passed its checks is queued instead of run, and one refused dooms the
// transaction (commands/core/transaction_queue.h).
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

// Runs a command that EXEC took from its queue: it passed every check when
// it was queued, and is now run, counted, timed and shown to MONITOR as if
// it had just been sent (Redis's call() from execCommand).
void run_queued_command(Context& ctx, const CommandSpec& spec, Arguments args);

// A script (EVAL, FCALL and their _RO forms: `script_spec` and
// `script_args`) ran a read-only command for the client of `caller`. If that
// client tracks keys, Redis 7.0's call() remembers for it the keys the
// script *declared* (its KEYS), not the ones the command read: a script
// that reads a key it did not declare leaves no invalidation behind.
void remember_script_read(Context& caller, const CommandSpec& script_spec, Arguments script_args);

}  // namespace mini_redis::commands
