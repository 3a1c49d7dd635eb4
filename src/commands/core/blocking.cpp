// Who waits on which key, and parking a client. See blocking.h.
#include "commands/core/blocking.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "commands/core/arguments.h"

namespace mini_redis::commands {

void BlockingRegistry::block(ClientState& client, BlockedState state) {
  for (const std::string& key : state.keys) {
    std::deque<ClientState*>& queue = waiting_[WaitKey{state.db_index, key}];
    // BLPOP k k names a key twice; the client still waits once on it.
    if (std::find(queue.begin(), queue.end(), &client) == queue.end()) queue.push_back(&client);
  }
  client.blocked = std::make_unique<BlockedState>(std::move(state));
  ++blocked_count_;
}

void BlockingRegistry::unblock(ClientState& client) {
  if (!client.blocked) return;
  for (const std::string& key : client.blocked->keys) {
    auto found = waiting_.find(WaitKey{client.blocked->db_index, key});
    if (found == waiting_.end()) continue;
    std::deque<ClientState*>& queue = found->second;
    queue.erase(std::remove(queue.begin(), queue.end(), &client), queue.end());
    if (queue.empty()) waiting_.erase(found);
  }
  client.blocked.reset();
  --blocked_count_;
}

void BlockingRegistry::signal_key_added(int db_index, std::string_view key) {
  // The common case, a key nobody waits for, costs one lookup and no
  // allocation beyond the probe key. (Redis's signalKeyAsReady likewise
  // returns early when no client is blocked on the key.)
  if (waiting_.empty()) return;
  WaitKey probe{db_index, std::string(key)};
  if (!waiting_.contains(probe)) return;
  if (!ready_set_.emplace(probe, true).second) return;  // already ready
  ready_.push_back(ReadyKey{db_index, std::move(probe.key)});
}

void BlockingRegistry::signal_every_waited_key(int db_index) {
  std::vector<std::string> keys;  // collected first: signalling inserts
  for (const auto& [wait, clients] : waiting_) {
    if (wait.db_index == db_index) keys.push_back(wait.key);
  }
  for (const std::string& key : keys) signal_key_added(db_index, key);
}

std::vector<ReadyKey> BlockingRegistry::take_ready_keys() {
  ready_set_.clear();
  return std::exchange(ready_, {});
}

std::vector<ClientState*> BlockingRegistry::waiting_on(int db_index, std::string_view key) const {
  auto found = waiting_.find(WaitKey{db_index, std::string(key)});
  if (found == waiting_.end()) return {};
  return {found->second.begin(), found->second.end()};
}

void reply_timed_out(protocol::ReplyWriter& reply, TimeoutReply timeout_reply) {
  if (timeout_reply == TimeoutReply::null_array) {
    reply.null_array();
  } else {
    reply.null();
  }
}

void block_for_keys(Context& ctx, Arguments args, std::span<const std::string_view> keys,
                    storage::ValueType type, std::int64_t timeout_ms, TimeoutReply timeout_reply) {
  if (ctx.client.blocked) {
    // The command is running again because a key became ready, and another
    // client was served first: keep waiting, in the same place in line.
    ctx.client.blocked->still_waiting = true;
    return;
  }
  if (ctx.client.deny_blocking) {
    reply_timed_out(ctx.reply, timeout_reply);
    return;
  }
  BlockedState state;
  state.db_index = ctx.client.db_index;
  state.keys.assign(keys.begin(), keys.end());
  state.type = type;
  state.deadline_ms = timeout_ms == 0 ? 0 : ctx.now_ms() + timeout_ms;
  state.timeout_reply = timeout_reply;
  state.command.assign(args.begin(), args.end());
  ctx.blocking.block(ctx.client, std::move(state));
}

// Redis's getTimeoutFromObjectOrReply in seconds. Its quirks, each checked
// against Redis 7.0.15 (lists/list_blocking_commands.cpp has the same
// reading for BLPOP and tells them in full): the seconds are a long double
// as strtold reads them; seconds * 1000 rounds *up* to whole milliseconds;
// a result past int64 becomes INT64_MIN ("timeout is negative"); a deadline
// past INT64_MAX waits forever.
std::optional<std::int64_t> blocking_timeout_or_reply(Context& ctx, std::string_view text) {
  const std::optional<long double> seconds = parse_long_double(text);
  if (!seconds) {
    ctx.reply.error("ERR timeout is not a float or out of range");
    return std::nullopt;
  }
  constexpr long double kTwoToThe63 = 9223372036854775808.0L;
  const long double ms_up = std::ceil(*seconds * 1000.0L);
  const std::int64_t ms = ms_up >= -kTwoToThe63 && ms_up < kTwoToThe63
                              ? static_cast<std::int64_t>(ms_up)
                              : std::numeric_limits<std::int64_t>::min();
  if (ms < 0) {
    ctx.reply.error("ERR timeout is negative");
    return std::nullopt;
  }
  if (ms > std::numeric_limits<std::int64_t>::max() - ctx.now_ms()) return 0;
  return ms;
}

}  // namespace mini_redis::commands
