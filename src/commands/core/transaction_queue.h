// The dispatcher's MULTI step: between MULTI and EXEC, a command that passed
// its checks is queued (+QUEUED) instead of run, and a command refused by a
// check dooms the transaction. See transaction_state.h for the whole picture
// and commands/transactions/ for MULTI, EXEC, DISCARD, WATCH and UNWATCH.
//
// As in Redis 7.0 (processCommand), the order of a request in MULTI state:
//   1. unknown command, wrong arity, ACL, OOM, subscribed context...: the
//      command is refused with its usual error, and EXEC will answer
//      -EXECABORT (flag_refused_in_transaction, Redis's flagTransaction);
//   2. a command flagged no-multi (SHUTDOWN): refused the same way, with
//      "Command not allowed inside a transaction";
//   3. EXEC, DISCARD, MULTI, WATCH, QUIT and RESET run at once: they act on
//      the transaction or the connection itself;
//   4. anything else is copied into the queue and answers +QUEUED. It is
//      counted (calls, MONITOR, slowlog) only when EXEC runs it.
#pragma once

#include <string_view>

#include "commands/core/command_table.h"
#include "commands/core/context.h"

namespace mini_redis::commands {

namespace errors {
inline constexpr std::string_view kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
inline constexpr std::string_view kNotInTransaction =
    "ERR Command not allowed inside a transaction";
inline constexpr std::string_view kNestedMulti = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kWatchInsideMulti = "ERR WATCH inside MULTI is not allowed";
}  // namespace errors

// A command was refused before it could run or be queued: if the client is
// in MULTI, its EXEC will answer -EXECABORT.
inline void flag_refused_in_transaction(ClientState& client) {
  if (client.transaction.open) client.transaction.refused = true;
}

// A known command was refused by the dispatcher's checks, its error written
// from `reply_start` on. The transaction is doomed, as above; and when the
// refused command is EXEC itself (EXEC x, or EXEC from a RESP2 subscriber),
// Redis ends the transaction there and rewrites the refusal as
// "-EXECABORT Transaction discarded because of: <refusal>", shown to MONITOR
// as EXEC (execCommandAbort). So do we.
void refuse_in_transaction(Context& ctx, const CommandSpec& spec, Arguments args,
                           std::size_t reply_start);

// Is `spec` refused when memory stays above maxmemory? A command that may
// add data (denyoom) is; in MULTI so is every command but EXEC, DISCARD,
// QUIT and RESET, since a queue can grow without end; and EXEC is when its
// queue holds a denyoom command (Redis's reject_cmd_on_oom).
inline bool refused_when_out_of_memory(const ClientState& client, const CommandSpec& spec) {
  if ((spec.flags & flags::kDenyOom) != 0) return true;
  const TransactionState& transaction = client.transaction;
  if (spec.full_name == "exec") return (transaction.queued_flags & flags::kDenyOom) != 0;
  return transaction.open && spec.full_name != "discard" && spec.full_name != "quit" &&
         spec.full_name != "reset";
}

// stop-writes-on-bgsave-error: while the last BGSAVE failed (and save points
// are set), Redis refuses writes, an EXEC that would run queued writes, and
// PING, so that a health check notices the disk trouble too.
inline bool refused_when_snapshots_fail(const ClientState& client, const CommandSpec& spec) {
  if ((spec.flags & flags::kWrite) != 0 || spec.full_name == "ping") return true;
  return spec.full_name == "exec" && (client.transaction.queued_flags & flags::kWrite) != 0;
}

// Ends the client's transaction, run or not: the queue is dropped, the
// flags cleared, and the client watches nothing any more (Redis's
// discardTransaction: EXEC, DISCARD, RESET).
void discard_transaction(Context& ctx);

// Steps 2 to 4 above, for a client in MULTI state.
bool queue_in_open_transaction(Context& ctx, const CommandSpec& spec, Arguments args);

// Steps 2 to 4 above for a command that passed its checks. True when it is
// dealt with (queued, or refused with its error written); false when it
// must run now, which is always the case outside MULTI (one test, inline).
inline bool queue_in_transaction(Context& ctx, const CommandSpec& spec, Arguments args) {
  return ctx.client.transaction.open && queue_in_open_transaction(ctx, spec, args);
}

}  // namespace mini_redis::commands
