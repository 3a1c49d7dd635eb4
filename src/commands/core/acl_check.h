// The ACL check every command passes before it runs (Redis's
// ACLCheckAllPerm), and the NOAUTH gate before it.
//
// In the order Redis 7.0 applies them, after the arity check:
//   1. NOAUTH: a client that has not authenticated, while the default user
//      needs a password (or is off), may run only the no_auth commands
//      (AUTH, HELLO, QUIT, RESET).
//   2. The command (or subcommand) must be allowed, or its first argument
//      (+select|0).
//   3. Every key, found by the row's key specs, must match one of the user's
//      patterns with the access it needs: %R~ for keys the command reads,
//      %W~ for keys it writes (inserts, updates or deletes).
//   4. Every channel of PUBLISH, SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and
//      SPUBLISH must match one of the user's &patterns; a PSUBSCRIBE pattern
//      must equal one of them, since a pattern could match more channels
//      than the user may hear.
// A refusal is answered with Redis's -NOPERM text and written to ACL LOG.
//
// The default user can do everything, and the test that says so is the
// only cost on the GET/SET path: needs_acl_check() below.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "commands/core/acl_user.h"
#include "commands/core/context.h"

namespace mini_redis::commands {

struct CommandSpec;

enum class AclDenial { none, command, key, channel };

struct AclVerdict {
  AclDenial denial = AclDenial::none;
  std::size_t position = 0;  // the refused key's or channel's argument
};

// May `user` run `args` (name first; `spec` is its command or subcommand)?
AclVerdict check_acl(const AclUser& user, const CommandSpec& spec, Arguments args);

// The one test the dispatcher makes for every command: is there anything to
// check at all? Not for an authenticated client of an unrestricted user.
inline bool needs_acl_check(const ClientState& client) {
  return client.user != nullptr && (!client.authenticated || !client.user->unrestricted);
}

// NOAUTH and the permissions; writes the error, logs the refusal and
// returns true when the command must not run. `log_context` is what ACL LOG
// shows: "toplevel", or "lua" for a script's call; a client inside MULTI
// always logs "multi".
bool acl_refuses(Context& ctx, const CommandSpec& spec, Arguments args,
                 std::string_view log_context = "toplevel");

// May `user` keep these subscriptions? ACL SETUSER that takes channels away
// disconnects the user's subscribers that are no longer allowed one of
// theirs (a pattern must be one of the user's patterns, literally).
bool subscriptions_allowed(const AclUser& user, const Subscriptions& subscriptions);

// ACL DRYRUN's answer for a refusal: "This user has no permissions to run
// the 'set' command" (the -NOPERM texts differ, see acl_check.cpp).
std::string dryrun_refusal(const AclVerdict& verdict, const CommandSpec& spec, Arguments args);

// Adds an entry to ACL LOG for the running client.
void log_acl_event(Context& ctx, std::string_view reason, std::string_view log_context,
                   std::string object, std::string username);

}  // namespace mini_redis::commands
