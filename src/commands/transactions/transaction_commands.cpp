// The transaction family: MULTI, EXEC, DISCARD, WATCH and UNWATCH.
//
// The pieces live where the request passes: the dispatcher queues commands
// between MULTI and EXEC (commands/core/transaction_queue.h), every write
// tells the watched-keys registry that its key changed
// (commands/core/watched_keys.h), and the handlers here open, run and close
// the transaction, as Redis's multi.c does. What EXEC answers:
//
//   EXEC without MULTI                -ERR EXEC without MULTI
//   a command was refused in MULTI    -EXECABORT Transaction discarded because
//                                     of previous errors.   (nothing runs)
//   a watched key changed             *-1 (RESP3: _)        (nothing runs)
//   otherwise                         one reply per queued command, in an
//                                     array; a command that fails leaves its
//                                     error in its place and the others run.
#include "commands/core/command_table.h"
#include "commands/core/dispatcher.h"
#include "commands/core/transaction_queue.h"
#include "commands/core/watched_keys.h"
#include "commands/transactions/exec_acl.h"

namespace mini_redis::commands {

namespace {

// MULTI: from now on commands are queued, until EXEC or DISCARD. It does not
// reset what WATCH saw: a key modified before MULTI still fails the EXEC.
void multi_command(Context& ctx, Arguments /*args*/) {
  TransactionState& transaction = ctx.client.transaction;
  if (transaction.open) {
    // Only an error: the transaction stays open and is not doomed.
    ctx.reply.error(errors::kNestedMulti);
    return;
  }
  transaction.open = true;
  ctx.reply.ok();
}

// Runs the queued commands, each as if just sent (counted, timed, shown to
// MONITOR), with their replies in one array. Nothing may wait in there: a
// BLPOP answers at once as if its time had run out (deny_blocking). A
// command the user's ACL no longer allows is not run (exec_acl.h).
void run_transaction(Context& ctx) {
  ClientState& client = ctx.client;
  const QueuedCommands& queued = client.transaction.queued;
  const bool denied_before = client.deny_blocking;
  client.deny_blocking = true;
  ctx.reply.array_header(queued.size());
  bool last_refused = false;
  for (std::size_t i = 0; i < queued.size(); ++i) {
    const QueuedCommands::Command& command = queued[i];
    const Arguments args = queued.arguments(command);
    last_refused = refused_by_changed_acl(ctx, *command.spec, args);
    if (!last_refused) run_queued_command(ctx, *command.spec, args);
  }
  client.deny_blocking = denied_before;
  // Redis charges an error to a command when the error count grew since
  // the last command it ran: an ACL refusal last in the transaction has no
  // command after it, so it makes EXEC itself a failed call.
  if (last_refused) {
    ++ctx.stats.commands.at(ctx.commands.find("exec")->stats_id).failed_calls;
  }
}

// EXEC: runs the transaction, unless it is doomed (see the top of the file).
void exec_command(Context& ctx, Arguments /*args*/) {
  TransactionState& transaction = ctx.client.transaction;
  if (!transaction.open) {
    ctx.reply.error(errors::kExecWithoutMulti);
    return;
  }
  // Redis 7.0 counts a watched key whose time has passed as modified, even
  // if nothing deleted it yet (isWatchedKeyExpired).
  if (ctx.watched_keys != nullptr && ctx.watched_keys->any_expired_since_watched(ctx.client)) {
    transaction.watch_dirty = true;
  }
  // A refused command wins over a modified key: the error says more.
  if (transaction.refused) {
    ctx.reply.error(errors::kExecAbort);
  } else if (transaction.watch_dirty) {
    ctx.reply.null_array();
  } else {
    // The transaction's own writes must not count against it: stop
    // watching before they run.
    if (ctx.watched_keys != nullptr) ctx.watched_keys->unwatch_all(ctx.client);
    run_transaction(ctx);
  }
  discard_transaction(ctx);
}

// DISCARD: drops the queued commands and forgets the watched keys.
void discard_command(Context& ctx, Arguments /*args*/) {
  if (!ctx.client.transaction.open) {
    ctx.reply.error(errors::kDiscardWithoutMulti);
    return;
  }
  discard_transaction(ctx);
  ctx.reply.ok();
}

// WATCH key [key ...]: EXEC will fail if any of these keys is modified
// before it. Only outside MULTI: inside, the keys would be watched after the
// commands meant to depend on them were already decided.
void watch_command(Context& ctx, Arguments args) {
  if (ctx.client.transaction.open) {
    ctx.reply.error(errors::kWatchInsideMulti);
    return;
  }
  if (ctx.watched_keys != nullptr) {
    for (std::string_view key : args.subspan(1)) ctx.watched_keys->watch(ctx.client, key);
  }
  ctx.reply.ok();
}

// UNWATCH: forgets every watched key, and that one of them changed. Inside
// MULTI it is queued like any command (and, run by EXEC, changes nothing).
void unwatch_command(Context& ctx, Arguments /*args*/) {
  if (ctx.watched_keys != nullptr) ctx.watched_keys->unwatch_all(ctx.client);
  ctx.client.transaction.watch_dirty = false;
  ctx.reply.ok();
}

// The rows share their group, their "since" style and most flags.
CommandSpec transaction_row(std::string_view name, int arity, std::uint32_t row_flags,
                            Handler handler, CommandSpec docs) {
  docs.name = std::string(name);
  docs.arity = arity;
  docs.flags = flags::kNoscript | flags::kLoading | flags::kStale | row_flags;
  docs.handler = handler;
  docs.group = "transactions";
  return docs;
}

}  // namespace

void register_transaction_commands(CommandTable& table) {
  using flags::kAllowBusy;
  using flags::kFast;
  constexpr std::string_view kFastCategories = "@fast @transaction";
  table.add(transaction_row("multi", 1, kFast | kAllowBusy, multi_command,
                            {.summary = "Mark the start of a transaction block",
                             .since = "1.2.0",
                             .complexity = "O(1)",
                             .acl_categories = kFastCategories}));
  table.add(transaction_row("exec", 1, flags::kSkipSlowlog, exec_command,
                            {.summary = "Execute all commands issued after MULTI",
                             .since = "1.2.0",
                             .complexity = "Depends on commands in the transaction",
                             .acl_categories = "@slow @transaction"}));
  table.add(transaction_row("discard", 1, kFast | kAllowBusy, discard_command,
                            {.summary = "Discard all commands issued after MULTI",
                             .since = "2.0.0",
                             .complexity = "O(N), when N is the number of queued commands",
                             .acl_categories = kFastCategories}));
  table.add(transaction_row(
      "watch", -2, kFast | kAllowBusy, watch_command,
      {.first_key = 1,
       .last_key = -1,
       .key_step = 1,
       .summary = "Watch the given keys to determine execution of the MULTI/EXEC block",
       .since = "2.2.0",
       .complexity = "O(1) for every key.",
       .acl_categories = kFastCategories,
       .key_specs = "RO",
       .arguments = {arg::key("key", 0).multiple()}}));
  table.add(transaction_row("unwatch", 1, kFast | kAllowBusy, unwatch_command,
                            {.summary = "Forget about all watched keys",
                             .since = "2.2.0",
                             .complexity = "O(1)",
                             .acl_categories = kFastCategories}));
}

}  // namespace mini_redis::commands
