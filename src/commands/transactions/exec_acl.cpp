// EXEC's second ACL check. See exec_acl.h.
#include "commands/transactions/exec_acl.h"

#include <string>
#include <string_view>

#include "commands/core/acl_check.h"

namespace mini_redis::commands {

namespace {

constexpr std::string_view kAclChanged =
    "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC "
    "call. This command is no longer allowed for the following reason: ";

// The reason in the error and, for ACL LOG, the kind of refusal and what
// was refused (the command, or the key or channel argument).
struct Refusal {
  std::string_view why;
  std::string_view log_reason;
  std::string object;
};

Refusal describe(const AclVerdict& verdict, const CommandSpec& spec, Arguments args) {
  switch (verdict.denial) {
    case AclDenial::key:
      return {"no permission to touch the specified keys", "key",
              std::string(args[verdict.position])};
    case AclDenial::channel:
      return {"no permission to access one of the channels used as arguments", "channel",
              std::string(args[verdict.position])};
    case AclDenial::command:
    case AclDenial::none: break;
  }
  return {"no permission to execute the command or subcommand", "command", spec.full_name};
}

}  // namespace

bool refused_by_changed_acl(Context& ctx, const CommandSpec& spec, Arguments args) {
  ClientState& client = ctx.client;
  if (!needs_acl_check(client)) return false;  // the default user: one test
  const AclVerdict verdict = check_acl(*client.user, spec, args);
  if (verdict.denial == AclDenial::none) return false;
  Refusal refusal = describe(verdict, spec, args);
  log_acl_event(ctx, refusal.log_reason, "multi", std::move(refusal.object), client.user->name);
  std::string text(kAclChanged);
  text += refusal.why;
  ctx.reply.error(text);
  // An error reply like any other for INFO (the command itself is not
  // counted: it neither ran nor was rejected before EXEC).
  ++ctx.stats.total_error_replies;
  ctx.stats.errors.count(text);
  return true;
}

}  // namespace mini_redis::commands
