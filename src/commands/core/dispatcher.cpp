#include "commands/core/dispatcher.h"

#include "commands/core/acl_check.h"
#include "commands/core/client_pause.h"
#include "commands/core/command_docs_internal.h"
#include "commands/core/errors.h"
#include "commands/core/propagation.h"
#include "commands/core/transaction_queue.h"
#include "commands/server/debug_commands.h"
#include "commands/server/monitor.h"
#include "common/not_implemented.h"
#include "pubsub/tracking.h"
#include "scripting/script_engine.h"

namespace mini_redis::commands {

namespace {

bool arity_ok(const CommandSpec& spec, std::size_t argc) {
  const auto count = static_cast<int>(argc);
  return spec.arity >= 0 ? count == spec.arity : count >= -spec.arity;
}

// Finds the command (or subcommand) to run, or writes Redis's error for an
// unknown one. Unknown names count only as error replies: there is no
// command to charge them to (Redis 7.0 does the same).
const CommandSpec* lookup(Context& ctx, Arguments args) {
  const CommandSpec* spec = ctx.commands.find(args[0]);
  if (spec == nullptr) {
    ctx.reply.error(errors::unknown_command(args[0], args.subspan(1)));
    return nullptr;
  }
  // A container command (CLIENT, CONFIG, OBJECT...) alone fails its own arity
  // check; with a word after it, that word picks the subcommand.
  if (!spec->subcommands.empty() && args.size() >= 2) {
    const CommandSpec* sub = spec->find_subcommand(args[1]);
    if (sub == nullptr) {
      ctx.reply.error(errors::unknown_subcommand(args[1], args[0]));
      return nullptr;
    }
    spec = sub;
  }
  return spec;
}

// The checks a known command must pass before its handler runs. A refusal
// writes its error and returns true; the command then counts as a rejected
// call, not a call (Redis's rejectCommand()).
//
bool reject_before_run(Context& ctx, const CommandSpec& spec, Arguments args) {
  if (!arity_ok(spec, args.size())) {
    ctx.reply.error(errors::wrong_arity(spec.full_name));
    return true;
  }
  // DEBUG is "protected" (enable-debug-command), checked before NOAUTH as in
  // Redis's processCommand (commands/server/debug_commands.h).
  if (debug_command_refused(ctx, spec)) return true;
  // NOAUTH, then the user's permissions (commands/core/acl_check.h). For
  // the default user, which may do everything, this is one test.
  if (needs_acl_check(ctx.client) && acl_refuses(ctx, spec, args)) return true;
  // A script past busy-reply-threshold serves other clients from inside
  // itself (scripting/busy_script.cpp): nothing may then change the dataset
  // under it, eviction included (Redis skips it too while busy).
  const bool script_busy = ctx.scripts != nullptr && ctx.scripts->busy();
  // maxmemory (storage/eviction.h): evict what the policy allows first; if
  // memory stays above the limit, a command that may add data (denyoom) is
  // refused, as Redis's processCommand does (in MULTI, any command that
  // would be queued; transaction_queue.h). Nothing at all without a limit.
  // While CLIENT PAUSE holds, nothing is evicted (client_pause.h).
  if (ctx.config.maxmemory != 0 && !script_busy && (ctx.pause == nullptr || !ctx.pause->active()) &&
      ctx.keyspace.make_room() == storage::EvictionResult::failed &&
      refused_when_out_of_memory(ctx.client, spec)) {
    ctx.reply.error(errors::kOutOfMemory);
    return true;
  }
  // The last BGSAVE failed (server/snapshots.h): refuse to take in writes
  // that could not be saved, until a save succeeds again.
  if (!ctx.stats.persistence.last_bgsave_ok && ctx.config.stop_writes_on_bgsave_error &&
      !ctx.config.save.empty() && refused_when_snapshots_fail(ctx.client, spec)) {
    ctx.reply.error(errors::kSnapshotsFailing);
    return true;
  }
  // The AOF could not be written (server/append_only_file.h): a write taken
  // in now could not be logged either. Refused until a retry succeeds.
  if (ctx.stats.persistence.aof_write_errno != 0 && refused_when_snapshots_fail(ctx.client, spec)) {
    ctx.reply.error(errors::aof_write_failing(ctx.stats.persistence.aof_write_errno));
    return true;
  }
  // In RESP2 a subscribed client's replies and its messages share one
  // stream of arrays, so Redis lets it run only commands whose replies look
  // like messages (or that leave that mode). RESP3 tells pushes apart.
  if (ctx.client.in_resp2_subscribed_mode() && !spec.allowed_when_subscribed) {
    ctx.reply.error(errors::not_allowed_while_subscribed(spec.full_name));
    return true;
  }
  // While a script is busy only the commands flagged allow-busy run (AUTH,
  // HELLO, MULTI, WATCH, SCRIPT KILL, FUNCTION KILL/STATS, SHUTDOWN...);
  // the rest hear which KILL would help (Redis's processCommand).
  if (script_busy && (spec.flags & flags::kAllowBusy) == 0) {
    ctx.reply.error(ctx.scripts->busy_error());
    return true;
  }
  // A MONITOR client counts as a replica in Redis, which may not touch keys.
  if (ctx.client.monitor && (spec.flags & (flags::kWrite | flags::kReadonly)) != 0) {
    ctx.reply.error(errors::kReplicaKeyspace);
    return true;
  }
  return false;
}

// The reply's first byte tells whether the command answered with an error.
bool is_error_reply(const std::string& out, std::size_t reply_start) {
  return reply_start < out.size() && out[reply_start] == '-';
}

// Runs the handler and accounts for it: calls, time, failure, latency
// histogram and slowlog (Redis's call()). Two clock readings per command, as
// in Redis; the Stopwatch makes them as cheap as they can be.
void run(Context& ctx, const CommandSpec& spec, Arguments args, std::size_t reply_start) {
  std::string& out = ctx.reply.buffer();
  const Stopwatch& stopwatch = ctx.stats.stopwatch;
  const std::uint64_t started = stopwatch.ticks();
  try {
    spec.handler(ctx, args);
  } catch (const NotImplemented& missing) {
    // Only the workshop skeleton throws this (common/not_implemented.h): the
    // command answers which part is not written yet, in place of its reply.
    out.resize(reply_start);
    ctx.reply.error(std::string("ERR ") + missing.what());
  }
  const std::uint64_t duration_ns = stopwatch.elapsed_ns(started, stopwatch.ticks());
  // Redis measures whole microseconds and records them as nanoseconds.
  const std::uint64_t duration_us = duration_ns / 1000;

  // Counted after it ran, as Redis does: CONFIG RESETSTAT counts itself.
  ++ctx.stats.total_commands_processed;
  CommandStats& stats = ctx.stats.commands.at(spec.stats_id);
  ++stats.calls;
  stats.usec += duration_us;
  if (is_error_reply(out, reply_start)) ++stats.failed_calls;
  if (ctx.config.latency_tracking) {
    if (!stats.latency) stats.latency = std::make_unique<LatencyHistogram>();
    stats.latency->record(duration_us * 1000);
  }
  // The latency monitor (observability/latency_monitor.h), off by default:
  // then this one test is all it costs. Redis files O(1)/O(log N) commands
  // ("fast") under their own event, since their spikes mean a starved CPU.
  if (ctx.config.latency_monitor_threshold_ms > 0) {
    ctx.stats.latency_monitor.add_sample_if_needed(
        (spec.flags & flags::kFast) != 0 ? "fast-command" : "command", duration_us / 1000,
        ctx.config.latency_monitor_threshold_ms, ctx.now_ms() / 1000);
  }
  // Only a slow command costs the wall-clock read its entry needs.
  const std::int64_t slower_than = ctx.config.slowlog_log_slower_than_us;
  if ((spec.flags & flags::kSkipSlowlog) == 0 && slower_than >= 0 &&
      duration_us >= static_cast<std::uint64_t>(slower_than)) {
    ctx.stats.slowlog.push_if_slow({.arguments = args,
                                    .duration_us = duration_us,
                                    .unix_time_s = ctx.now_ms() / 1000,
                                    .client_address = ctx.client.peer_address,
                                    .client_name = ctx.client.name,
                                    .redacted = ctx.client.redacted_arguments},
                                   ctx.config.slowlog_log_slower_than_us,
                                   ctx.config.slowlog_max_len);
  }
}

// Counts an error reply, in total and under its code ("ERR", "WRONGTYPE").
void count_error_reply(Context& ctx, const std::string& out, std::size_t reply_start) {
  if (!is_error_reply(out, reply_start)) return;
  ++ctx.stats.total_error_replies;
  const std::size_t end = out.find('\r', reply_start);
  const std::size_t text_start = reply_start + 1;
  ctx.stats.errors.count(std::string_view(out).substr(text_start, end - text_start));
}

// Runs `body` (a handler, with or without its accounting) so that what it
// changed goes to the AOF as commands that redo it (propagation.h). A write
// moves the dirty counter with each keyspace event it announces; a command
// that left it alone changed nothing and is not logged.
template <class Body>
void with_propagation(Context& ctx, const CommandSpec& spec, Arguments args, Body body) {
  Propagation* propagation = ctx.propagation;
  if (propagation == nullptr) {
    body();
    return;
  }
  const std::uint64_t dirty_before = ctx.stats.persistence.dirty;
  propagation->begin_call();
  body();
  propagation->end_call(ctx, spec, args, ctx.stats.persistence.dirty != dirty_before);
}

// A tracking client's read: the keys `args` names go into the tracking table
// (pubsub/tracking.h), as Redis's trackingRememberKeys does. BCAST clients
// are told by prefix instead; OPTIN clients only right after CLIENT CACHING
// YES, OPTOUT ones unless right after CLIENT CACHING NO.
void remember_keys_of(Context& ctx, const CommandSpec& spec, Arguments args) {
  const pubsub::ClientTracking& tracking = ctx.client.tracking;
  if (tracking.bcast || (tracking.optin && !tracking.caching) ||
      (tracking.optout && tracking.caching)) {
    return;
  }
  const KeyPositions positions = key_positions(spec, args);
  if (positions.empty()) return;
  std::vector<std::string_view> keys;
  keys.reserve(positions.size());
  for (const auto& [position, key_flags] : positions) keys.push_back(args[position]);
  ctx.tracking->remember_keys(ctx.client.id, keys);
}

// A tracking client's read-only command (Redis's call()). Shard channels
// (SSUBSCRIBE's "keys") are not keys; the read-only script commands are
// left to the commands their script runs (remember_script_read).
void remember_read_keys(Context& ctx, const CommandSpec& spec, Arguments args) {
  if ((spec.flags & flags::kPubsub) != 0 || spec.full_name == "eval_ro" ||
      spec.full_name == "evalsha_ro" || spec.full_name == "fcall_ro") {
    return;
  }
  remember_keys_of(ctx, spec, args);
}

// After a command of any client while some client tracks: the flag of
// CLIENT CACHING lasts one command (not counting CLIENT itself, and not
// inside MULTI, where it covers the whole transaction: Redis's
// resetClient), and the invalidations the command caused to its own client
// are sent now, after its reply.
void end_tracked_command(Context& ctx, const CommandSpec* ran) {
  ClientState& client = ctx.client;
  const bool client_command =
      ran != nullptr && (ran->full_name == "client" || ran->full_name.starts_with("client|"));
  if (client.tracking.caching && !client.postponed && !client.transaction.open && !client_command) {
    client.tracking.caching = false;
  }
  ctx.tracking->end_command(client);
}

// Runs a command that passed every check, then shows it to MONITOR clients,
// unless it is an admin command (CONFIG, MONITOR itself...) that Redis keeps
// off the feed. Like Redis's call(), after the command ran: the commands
// EXEC runs reach the feed before the EXEC line.
void call(Context& ctx, const CommandSpec& spec, Arguments args, std::size_t reply_start) {
  with_propagation(ctx, spec, args, [&] { run(ctx, spec, args, reply_start); });
  if (ctx.client.tracking.on && (spec.flags & flags::kReadonly) != 0 && ctx.tracking != nullptr) {
    remember_read_keys(ctx, spec, args);
  }
  if (!ctx.monitors.empty() && (spec.flags & (flags::kAdmin | flags::kSkipMonitor)) == 0) {
    ctx.monitors.feed(ctx.client, args, ctx.keyspace.clock().now_us());
  }
}

}  // namespace

void remember_script_read(Context& caller, const CommandSpec& script_spec, Arguments script_args) {
  if (caller.client.tracking.on && caller.tracking != nullptr) {
    remember_keys_of(caller, script_spec, script_args);
  }
}

void run_queued_command(Context& ctx, const CommandSpec& spec, Arguments args) {
  std::string& out = ctx.reply.buffer();
  const std::size_t reply_start = out.size();
  call(ctx, spec, args, reply_start);
  count_error_reply(ctx, out, reply_start);
  ctx.client.redacted_arguments = 0;
}

void dispatch(Context& ctx, Arguments args) {
  std::string& out = ctx.reply.buffer();
  const std::size_t reply_start = out.size();
  ClientState& client = ctx.client;
  client.running_silenced = client.reply_mode == ReplyMode::off || client.skipping_reply;
  struct Running {
    ClientState& client;
    explicit Running(ClientState& c) : client(c) { client.running_command = true; }
    ~Running() { client.running_command = false; }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;
  } running(client);

  // A client parked by BLPOP and friends runs its command again when a key
  // it waits on gets a value (commands/core/blocking.h). That second run is
  // the same command, not a new one: it was counted, timed and shown to
  // MONITOR when the client sent it, so it is not again.
  // CLIENT TRACKING: while any client tracks, the table is kept within its
  // limit before each command (Redis's processCommand), and the command's
  // client is remembered, for NOLOOP and for what must follow its reply.
  pubsub::Tracking* tracking = ctx.tracking;
  const bool any_tracking = tracking != nullptr && tracking->tracking_clients() != 0;
  if (any_tracking) {
    tracking->limit_table(ctx.config.tracking_table_max_keys);
    tracking->begin_command(client);
  }
  const CommandSpec* ran = nullptr;

  const bool served_after_waiting = ctx.client.blocked != nullptr;
  if (served_after_waiting) {
    if (const CommandSpec* spec = lookup(ctx, args)) {
      with_propagation(ctx, *spec, args, [&] { spec->handler(ctx, args); });
    }
  } else if (const CommandSpec* spec = lookup(ctx, args)) {
    ran = spec;
    if (reject_before_run(ctx, *spec, args)) {
      client.last_command = spec->full_name;  // a refused command still shows as cmd=
      ++ctx.stats.commands.at(spec->stats_id).rejected_calls;
      refuse_in_transaction(ctx, *spec, args, reply_start);  // EXEC will answer -EXECABORT
    } else if (ctx.pause != nullptr && ctx.pause->active() &&
               ctx.pause->holds(*spec, client, ctx.now_ms())) {
      // CLIENT PAUSE (client_pause.h): the command waits, unrun and
      // unqueued, even inside MULTI; CLIENT LIST already shows it as cmd=.
      client.last_command = spec->full_name;
      client.postponed = true;
    } else if (!queue_in_transaction(ctx, *spec, args)) {  // between MULTI and EXEC
      client.last_command = spec->full_name;
      call(ctx, *spec, args, reply_start);
    }
  } else {
    flag_refused_in_transaction(client);  // an unknown command dooms a transaction too
    // Redis sets CLIENT LIST's cmd= at lookup: an unknown command shows NULL.
    client.last_command = "NULL";
  }
  count_error_reply(ctx, out, reply_start);
  ctx.client.redacted_arguments = 0;

  // CLIENT REPLY OFF silences every reply until CLIENT REPLY ON (whose own
  // +OK gets through); SKIP silences only the next command's reply. Like
  // Redis's CLIENT_REPLY_SKIP_NEXT / CLIENT_REPLY_SKIP flags, a SKIP arms the
  // skip for the command after it, and the skip lasts one command.
  // The pushes a silenced command made (subscribe confirmations, a message
  // it published to itself) are not replies: they go out all the same.
  if (client.reply_mode == ReplyMode::off || client.skipping_reply) out.resize(reply_start);
  if (client.running_silenced) {
    out += client.pushes_while_silenced;
    client.pushes_while_silenced.clear();
    client.running_silenced = false;
  }
  client.skipping_reply = false;
  if (client.reply_mode == ReplyMode::skip_next) {
    client.reply_mode = ReplyMode::on;
    client.skipping_reply = true;
  }
  // Last, so that a silenced reply does not take them along.
  if (any_tracking) end_tracked_command(ctx, ran);
}

}  // namespace mini_redis::commands
