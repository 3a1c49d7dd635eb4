// Tracking: server-assisted client-side caching (CLIENT TRACKING), as Redis
// 7.0's tracking.c does it.
//
// A client that caches values locally must learn when they go stale. With
// CLIENT TRACKING ON the server remembers which keys each client read, and
// when one of them is modified it sends that client an invalidation message
// and forgets the pair: the client reads the key again (and is remembered
// again) only if it still cares. In RESP3 the message is a push frame on the
// same connection:
//
//     >2 $10 invalidate *1 $3 foo          (FLUSHDB / FLUSHALL: _ instead of the array)
//
// A RESP2 connection cannot tell a push from a reply, so a RESP2 client
// asks for REDIRECT <id>: the messages go to another connection, which has
// subscribed to `__redis__:invalidate` and receives them as Pub/Sub
// messages whose payload is the array of keys. If the redirect client is
// gone, a RESP3 tracking client is told once per lost message with a
// `tracking-redir-broken` push.
//
// Two structures, as in Redis:
//   - the tracking table: key -> ids of the clients that read it. One table
//     for every database (Redis too keys it by name only). It is bounded by
//     tracking-table-max-keys: before each command, over the limit, keys are
//     evicted from it, each with an invalidation to its readers
//     (limit_table). Clients are found by id, so a client that left costs
//     nothing until its keys are next touched.
//   - the prefix table, for BCAST clients: prefix -> the clients listening
//     and the keys under it modified since the last broadcast. The keys are
//     sent in one message per prefix once the event loop comes round
//     (Redis's beforeSleep), which the server triggers through the
//     scheduler it installs.
//
// Messages to the client whose own command modified the key wait until that
// command has replied (Redis's tracking_pending_keys, in 7.0.15 too): the
// invalidation follows the +OK instead of cutting into it. NOLOOP clients
// are not told about their own writes at all.
//
// Cost for everyone else: a write asks invalidate_key(), inline, which
// returns after testing whether either table holds anything; the
// dispatcher tests tracking_clients() once per command.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "pubsub/pubsub.h"
#include "pubsub/tracking_state.h"

namespace mini_redis::pubsub {

// What CLIENT TRACKING ON asked for, once its options are validated.
struct TrackingOptions {
  std::int64_t redirect = 0;
  bool bcast = false;
  bool optin = false;
  bool optout = false;
  bool noloop = false;
  std::vector<std::string_view> prefixes;
};

class Tracking {
 public:
  // Finds any connected client by id (REDIRECT targets need not track).
  using FindClient = std::function<Subscriber*(std::int64_t id)>;
  // Asks for broadcast_pending() to run once the current event-loop turn
  // is over.
  using ScheduleBroadcast = std::function<void()>;

  void set_client_finder(FindClient find) { find_client_ = std::move(find); }
  void set_broadcast_scheduler(ScheduleBroadcast schedule) { schedule_ = std::move(schedule); }

  // ---- CLIENT TRACKING ----
  // ON: the options replace the previous ones (BCAST prefixes add up).
  void enable(Subscriber& client, std::int64_t id, const TrackingOptions& options);
  // OFF, and a client that disconnects.
  void disable(Subscriber& client, std::int64_t id);
  // Redis's prefix overlap rule for BCAST: no two prefixes of one client
  // may be prefixes of each other.
  struct PrefixCollision {
    std::string error;
    // Redis 7.0.15's checkPrefixCollisionsOrReply() returns the index of
    // the colliding prefix where it means "failed": when two *new* prefixes
    // overlap and the first is not the first given, the caller sees success,
    // and the client gets the error, then tracking turns on and +OK follows.
    // Reproduced, since clients see both replies.
    bool enables_anyway = false;
  };
  static std::optional<PrefixCollision> prefix_collision(
      const ClientTracking& current, std::span<const std::string_view> prefixes);

  // ---- around each command (the dispatcher) ----
  [[nodiscard]] std::size_t tracking_clients() const { return by_id_.size(); }
  void begin_command(Subscriber& client) {
    if (current_ == nullptr) current_ = &client;
  }
  // Sends what waited for the command's reply; the client is no longer current.
  void end_command(Subscriber& client);
  // The keys a read-only command of a tracking client read.
  void remember_keys(std::int64_t id, std::span<const std::string_view> keys);
  // Evicts keys while the table holds more than `max_keys` (0: no limit).
  void limit_table(std::int64_t max_keys);

  // ---- invalidation ----
  // A command modified `key` (Redis's signalModifiedKey).
  void invalidate_key(std::string_view key) {
    if (table_.empty() && prefixes_.empty()) return;  // the cost when nobody tracks
    invalidate(key, current_, /*broadcast=*/true);
  }
  // Storage deleted `key` on its own (expiry, eviction): no writer client.
  void invalidate_key_from_storage(std::string_view key) {
    if (table_.empty() && prefixes_.empty()) return;
    invalidate(key, nullptr, /*broadcast=*/true);
  }
  // FLUSHDB / FLUSHALL: every tracking client gets a null key list, and the
  // table is emptied.
  void invalidate_all();
  // Sends the keys BCAST clients collected, one message per prefix.
  void broadcast_pending();

  // ---- INFO ----
  [[nodiscard]] std::size_t total_keys() const { return table_.size(); }
  [[nodiscard]] std::size_t total_items() const { return items_; }
  [[nodiscard]] std::size_t total_prefixes() const { return prefixes_.size(); }

 private:
  struct PrefixState {
    std::vector<Subscriber*> clients;  // BCAST clients listening to this prefix
    // Keys modified since the last broadcast, sorted as Redis sends them,
    // each with the client that modified it last (for NOLOOP).
    std::map<std::string, const Subscriber*, std::less<>> keys;
  };
  using Table =
      absl::flat_hash_map<std::string, absl::flat_hash_set<std::int64_t>, NameHash, NameEqual>;

  void invalidate(std::string_view key, const Subscriber* writer, bool broadcast);
  void remember_for_broadcast(std::string_view key, const Subscriber* writer);
  // Sends one invalidation whose key list (RESP, already encoded) is
  // `payload`, through the client's redirect if it has one.
  void send(Subscriber& tracker, std::string_view payload);
  static void append_key_array(std::string& out, std::span<const std::string_view> keys);

  FindClient find_client_;
  ScheduleBroadcast schedule_;
  std::map<std::int64_t, Subscriber*> by_id_;  // tracking clients, in id (connection) order
  Table table_;
  std::size_t items_ = 0;  // (key, client) pairs in table_
  std::map<std::string, PrefixState, std::less<>> prefixes_;
  bool broadcast_scheduled_ = false;
  // The client whose command runs, and what waits for its reply: a key, or
  // nullopt for a flush.
  Subscriber* current_ = nullptr;
  std::vector<std::optional<std::string>> pending_;
  // limit_table's effort grows while the table stays over the limit.
  int over_limit_runs_ = 0;
  std::string frame_;  // scratch
};

}  // namespace mini_redis::pubsub
