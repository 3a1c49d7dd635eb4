// EXEC checks the ACL again before each queued command.
//
// A command was allowed when it was queued, but the user's rules may have
// changed before EXEC (ACL SETUSER from another connection). Redis 7.0
// checks each queued command again as EXEC reaches it; a command no longer
// allowed is not run, its place in the result array holds
//
//   -NOPERM ACLs rules changed between the moment the transaction was
//    accumulated and the EXEC call. This command is no longer allowed for
//    the following reason: <why>
//
// and ACL LOG records it with the context "multi". The others still run.
#pragma once

#include "commands/core/command_table.h"
#include "commands/core/context.h"

namespace mini_redis::commands {

// True when the client's user may no longer run the queued command: the
// error above is written and counted (errorstats), and the event logged.
bool refused_by_changed_acl(Context& ctx, const CommandSpec& spec, Arguments args);

}  // namespace mini_redis::commands
