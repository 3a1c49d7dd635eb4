// Blocking commands: BLPOP and friends wait for a key instead of answering
// "nothing" at once.
//
// BLPOP list 5 on an empty list does not reply. The client is *parked*: it
// is remembered as waiting on `list` (and on every other key it named) until
// one of three things happens, exactly as in Redis 7.0 (blocked.c):
//
//   - another client creates one of those keys with the right type (LPUSH,
//     or RENAME, MOVE, COPY onto it). The key is then "ready", and once the
//     pushing command has finished, each client waiting on it is served in
//     the order it started waiting (first come, first served), for as long
//     as the key still holds elements. Serving means running the client's
//     command again, which now finds the element and replies.
//   - the timeout passes: the command answers its "timed out" reply (a null
//     array for every list command). A timeout of 0 waits forever.
//   - CLIENT UNBLOCK, or the client disconnects.
//
// Nothing here uses a thread or a loop that polls: a parked client is an
// entry in a map from key to a queue of clients. Commands only call
// block_for_keys(); the server (server/) owns the timers and runs the served
// commands, since only it can write to another client's connection.
//
// Inside MULTI or a script nothing may wait, so a blocking command there
// answers as if it had timed out (Redis's CLIENT_DENY_BLOCKING).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "commands/core/blocked_state.h"
#include "commands/core/context.h"
#include "storage/database.h"
#include "storage/object.h"

namespace mini_redis::commands {

// One key that received a value while clients wait on it.
struct ReadyKey {
  int db_index;
  std::string key;
};

// Who waits on which key. One per server, shared by all databases.
class BlockingRegistry {
 public:
  // Parks `client` on every key of `state` (the client must not be parked).
  void block(ClientState& client, BlockedState state);
  // Forgets the client's wait everywhere; no-op if it is not parked.
  void unblock(ClientState& client);

  // A key was added in database `db_index` (any write that creates a key
  // reports it; see storage's KeyspaceObserver). If anyone waits on it, it
  // becomes ready, once until take_ready_keys().
  void signal_key_added(int db_index, std::string_view key);
  // FLUSHDB, FLUSHALL, SWAPDB: every key clients wait on in database
  // `db_index` becomes ready, whatever it holds now (Redis's
  // scanDatabaseForReadyKeys and scanDatabaseForDeletedKeys). Serving then
  // decides: a list there serves its BLPOPs, a stream its XREADs, and a
  // stream that is gone ends the XREADGROUPs' wait with an error.
  void signal_every_waited_key(int db_index);
  // The keys that became ready, in the order they did, and forgets them.
  std::vector<ReadyKey> take_ready_keys();
  [[nodiscard]] bool has_ready_keys() const { return !ready_.empty(); }

  // The ready key whose clients the server is serving right now, or null
  // (set around each served command). A client waiting on several streams
  // is answered for this one alone, as Redis's serveClientsBlockedOnStreamKey
  // does, even when others got entries too (XADD s1, XADD s2 in one MULTI).
  void set_serving(const ReadyKey* key) { serving_ = key; }
  [[nodiscard]] const ReadyKey* serving() const { return serving_; }

  // The clients waiting on a key, longest-waiting first (empty if none).
  [[nodiscard]] std::vector<ClientState*> waiting_on(int db_index, std::string_view key) const;
  // INFO blocked_clients.
  [[nodiscard]] std::size_t blocked_clients() const { return blocked_count_; }

 private:
  struct WaitKey {
    int db_index;
    std::string key;
    bool operator==(const WaitKey&) const = default;
    template <typename H>
    friend H AbslHashValue(H state, const WaitKey& wait) {
      return H::combine(std::move(state), wait.db_index,
                        absl::string_view(wait.key.data(), wait.key.size()));
    }
  };
  absl::flat_hash_map<WaitKey, std::deque<ClientState*>> waiting_;
  std::vector<ReadyKey> ready_;
  absl::flat_hash_map<WaitKey, bool> ready_set_;
  std::size_t blocked_count_ = 0;
  const ReadyKey* serving_ = nullptr;
};

// For a blocking command that found nothing to serve now: parks the client
// on `keys` until one of them holds a `type` value (the command then runs
// again from the start), `timeout_ms` passes (0: forever; relative), or
// CLIENT UNBLOCK. When the command is that second run and again finds
// nothing, the client keeps waiting in its place. Where nothing may wait
// (MULTI, scripts), it replies `timeout_reply` at once instead.
void block_for_keys(Context& ctx, Arguments args, std::span<const std::string_view> keys,
                    storage::ValueType type, std::int64_t timeout_ms, TimeoutReply timeout_reply);

// Replies the "timed out" answer of a blocked command.
void reply_timed_out(protocol::ReplyWriter& reply, TimeoutReply timeout_reply);

// A blocking command's timeout in seconds ("0.5", "0" = forever), read as
// Redis's getTimeoutFromObjectOrReply does, as milliseconds relative to now
// (0: wait forever); replies "ERR timeout is not a float or out of range"
// or "ERR timeout is negative" and returns nothing when it is not one.
// Used by the sorted set family (BZPOPMIN...); see blocking.cpp.
std::optional<std::int64_t> blocking_timeout_or_reply(Context& ctx, std::string_view text);

}  // namespace mini_redis::commands
