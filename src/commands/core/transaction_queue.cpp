// Queueing commands between MULTI and EXEC. See transaction_queue.h.
#include "commands/core/transaction_queue.h"

#include <array>
#include <string>

#include "commands/core/watched_keys.h"
#include "commands/server/monitor.h"

namespace mini_redis::commands {

namespace {

// The commands that act on the transaction or the connection itself, and
// so run at once even in MULTI state (Redis compares their handlers).
bool runs_at_once_in_multi(const CommandSpec& spec) {
  static constexpr std::array<std::string_view, 6> kNames = {"exec",  "discard", "multi",
                                                             "watch", "quit",    "reset"};
  for (std::string_view name : kNames) {
    if (spec.full_name == name) return true;
  }
  return false;
}

}  // namespace

void refuse_in_transaction(Context& ctx, const CommandSpec& spec, Arguments args,
                           std::size_t reply_start) {
  flag_refused_in_transaction(ctx.client);
  if (spec.full_name != "exec") return;
  discard_transaction(ctx);
  // "-ERR wrong number of arguments..." becomes "-EXECABORT ... because of:
  // wrong number of arguments...": Redis's own refusal texts carry no ERR
  // there; a refusal with another code (NOAUTH, NOPERM, OOM) keeps it.
  std::string& out = ctx.reply.buffer();
  std::string_view refusal = std::string_view(out).substr(reply_start + 1);
  refusal = refusal.substr(0, refusal.find('\r'));
  if (refusal.starts_with("ERR ")) refusal.remove_prefix(4);
  std::string text = "EXECABORT Transaction discarded because of: ";
  text += refusal;
  out.resize(reply_start);
  ctx.reply.error(text);
  if (!ctx.monitors.empty()) ctx.monitors.feed(ctx.client, args, ctx.keyspace.clock().now_us());
}

bool queue_in_open_transaction(Context& ctx, const CommandSpec& spec, Arguments args) {
  if (runs_at_once_in_multi(spec)) return false;
  if ((spec.flags & flags::kNoMulti) != 0) {
    // A refusal like the dispatcher's own: a rejected call, and EXECABORT.
    ctx.reply.error(errors::kNotInTransaction);
    ++ctx.stats.commands.at(spec.stats_id).rejected_calls;
    ctx.client.transaction.refused = true;
    return true;
  }
  ctx.client.transaction.queued.push(spec, args);
  ctx.client.transaction.queued_flags |= spec.flags;
  // CLIENT LIST's cmd= names the command just queued, as in Redis, which
  // records a command when it reads it, run or not.
  ctx.client.last_command = spec.full_name;
  ctx.reply.simple_string("QUEUED");
  return true;
}

void discard_transaction(Context& ctx) {
  TransactionState& transaction = ctx.client.transaction;
  transaction.queued.clear();
  transaction.queued_flags = 0;
  transaction.open = false;
  transaction.refused = false;
  transaction.watch_dirty = false;
  if (ctx.watched_keys != nullptr) ctx.watched_keys->unwatch_all(ctx.client);
}

}  // namespace mini_redis::commands
