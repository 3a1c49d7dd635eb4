// WatchedKeys: who WATCHes which key, and telling them when it changes.
//
// WATCH is optimistic locking. A client reads some keys, decides what to
// write, and sends the writes in MULTI ... EXEC; if any watched key was
// modified meanwhile (by anyone, itself included), EXEC runs nothing and
// answers a null array, and the client starts over:
//
//     WATCH balance              GET balance -> 10
//     MULTI                      SET balance 11     +QUEUED
//     EXEC                       *1 +OK   or   *-1 (someone else wrote it)
//
// So every modification of every key must reach this registry, which is
// what Redis's signalModifiedKey() -> touchWatchedKey() does. Here:
//   - every command announces its write through notify_keyspace_event()
//     (commands/core/notifications.h), which calls touch() first. A read
//     that found nothing ("keymiss") is not a write and touches nothing;
//   - what has no per-key event calls in itself: a key deleted because it
//     expired or was evicted (the server's KeyspaceObserver calls touch()),
//     and FLUSHDB, FLUSHALL and SWAPDB, which call touch_database() before
//     they change the database (Redis's touchAllWatchedKeysInDb).
// touch() is on the path of every write, so when nobody watches anything it
// costs one test of a counter, inline.
//
// Expired keys follow Redis 7.0's rule exactly (multi.c):
//   - a key that was live when watched and whose time has passed by EXEC
//     counts as modified, even though nothing deleted it yet;
//   - a key that had *already* expired when watched (still stored, not yet
//     reclaimed) is remembered as such: its deletion by expiry, or by a
//     FLUSHDB, is no change (the key was already logically absent), while
//     anything that stores a new value under it is.
//
// A client whose watched key changed is marked (watch_dirty) and stops
// watching at once: EXEC will fail whatever else happens, and its keys
// would only cost memory and time on later writes. Per client, the keys it
// watches are in its TransactionState; the registry keeps, per database, the
// clients watching each key. unwatch_all() takes a client out of both
// (UNWATCH, EXEC, DISCARD, RESET, and a disconnect).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "commands/core/context.h"
#include "storage/keyspace.h"

namespace mini_redis::commands {

class WatchedKeys {
 public:
  explicit WatchedKeys(storage::Keyspace& keyspace);
  WatchedKeys(const WatchedKeys&) = delete;
  WatchedKeys& operator=(const WatchedKeys&) = delete;

  // WATCH key: watches `key` in the client's selected database. A key
  // watched twice is watched once.
  void watch(ClientState& client, std::string_view key);
  // The client watches nothing any more.
  void unwatch_all(ClientState& client);

  // `key` of database `db_index` was modified: each client watching it is
  // marked dirty. (The key may be gone already: a DEL, an expiry.)
  void touch(int db_index, std::string_view key) {
    if (watched_count_ != 0) touch_watchers(db_index, key);
  }
  // FLUSHDB / FLUSHALL (`replaced_with` null) or SWAPDB (the database whose
  // contents `db_index` is about to receive): call *before* the contents
  // change. A watched key counts as modified if it is stored in either,
  // with the exceptions for already-expired keys described above.
  void touch_database(int db_index, storage::Database* replaced_with);

  // EXEC: has a key the client watched while it was live expired since?
  [[nodiscard]] bool any_expired_since_watched(const ClientState& client);

  // How many (client, key) pairs are watched, over all clients.
  [[nodiscard]] std::size_t watched_count() const { return watched_count_; }

 private:
  struct Watcher {
    ClientState* client;
    // The key had expired (but was still stored) when this client watched
    // it; see the header comment.
    bool expired_when_watched;
  };
  using KeyWatchers = absl::flat_hash_map<std::string, std::vector<Watcher>>;

  void touch_watchers(int db_index, std::string_view key);
  // Marks the client dirty and forgets its keys.
  void mark_dirty(ClientState& client);
  KeyWatchers& in_db(int db_index) { return by_db_[static_cast<std::size_t>(db_index)]; }
  // The watchers of `key` in `db_index`, or null when nobody watches it.
  std::vector<Watcher>* watchers_of(int db_index, std::string_view key);

  storage::Keyspace* keyspace_;
  std::vector<KeyWatchers> by_db_;  // one map per database, by index
  std::size_t watched_count_ = 0;
};

// The whole-database writes, as commands call them, *before* the change
// (nothing happens when the Context has no registry): FLUSHDB empties one
// database, FLUSHALL each of them, SWAPDB exchanges two.
void signal_database_flushed(Context& ctx, int db_index);
void signal_all_databases_flushed(Context& ctx);
void signal_databases_swapped(Context& ctx, int first, int second);

}  // namespace mini_redis::commands
