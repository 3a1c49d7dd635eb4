// Who watches which key. See watched_keys.h.
#include "commands/core/watched_keys.h"

#include <algorithm>

#include "pubsub/tracking.h"

namespace mini_redis::commands {

namespace {

// Debian's Abseil has its own string_view type; it views the same bytes.
absl::string_view as_absl(std::string_view bytes) {
  return {bytes.data(), bytes.size()};
}

// Whether `key` is stored in `db` (live or expired but not yet reclaimed),
// and if so whether its time has passed; without expiring anything.
struct Stored {
  bool present = false;
  bool expired = false;
};
Stored stored_in(storage::Database& db, std::string_view key) {
  const storage::Entry* entry = db.peek(key);
  if (entry == nullptr) return {};
  return {.present = true, .expired = db.is_expired(*entry)};
}

}  // namespace

WatchedKeys::WatchedKeys(storage::Keyspace& keyspace)
    : keyspace_(&keyspace), by_db_(static_cast<std::size_t>(keyspace.database_count())) {}

std::vector<WatchedKeys::Watcher>* WatchedKeys::watchers_of(int db_index, std::string_view key) {
  KeyWatchers& watchers = in_db(db_index);
  auto found = watchers.find(as_absl(key));
  return found == watchers.end() ? nullptr : &found->second;
}

void WatchedKeys::watch(ClientState& client, std::string_view key) {
  TransactionState& transaction = client.transaction;
  // A client already marked dirty will fail its EXEC whatever it watches.
  if (transaction.watch_dirty) return;
  std::vector<Watcher>& watchers = in_db(client.db_index)[as_absl(key)];
  const bool already = std::any_of(watchers.begin(), watchers.end(),
                                   [&](const Watcher& w) { return w.client == &client; });
  if (already) return;
  // WATCH does not expire the key it names (Redis only asks keyIsExpired):
  // an expired key stays stored, and is remembered as expired.
  const Stored stored = stored_in(keyspace_->db(client.db_index), key);
  watchers.push_back(Watcher{&client, stored.expired});
  transaction.watched.push_back(WatchedKey{client.db_index, std::string(key)});
  ++watched_count_;
}

void WatchedKeys::unwatch_all(ClientState& client) {
  for (const WatchedKey& watched : client.transaction.watched) {
    KeyWatchers& watchers = in_db(watched.db_index);
    auto found = watchers.find(as_absl(watched.key));
    if (found == watchers.end()) continue;
    std::erase_if(found->second, [&](const Watcher& w) { return w.client == &client; });
    if (found->second.empty()) watchers.erase(found);
    --watched_count_;
  }
  client.transaction.watched.clear();
}

void WatchedKeys::mark_dirty(ClientState& client) {
  client.transaction.watch_dirty = true;
  unwatch_all(client);
}

void WatchedKeys::touch_watchers(int db_index, std::string_view key) {
  std::vector<Watcher>* watchers = watchers_of(db_index, key);
  if (watchers == nullptr) return;
  // Dirty clients stop watching, which edits these very lists: collect
  // them first, then mark them.
  std::vector<ClientState*> dirtied;
  bool looked = false;
  Stored stored;
  for (Watcher& watcher : *watchers) {
    if (watcher.expired_when_watched) {
      if (!looked) {
        stored = stored_in(keyspace_->db(db_index), key);
        looked = true;
      }
      // The key had expired when watched, and now it is gone (reclaimed
      // by expiry, or deleted): logically nothing changed. From now on it
      // is an ordinary absent key that any write will change.
      if (!stored.present) {
        watcher.expired_when_watched = false;
        continue;
      }
    }
    dirtied.push_back(watcher.client);
  }
  for (ClientState* client : dirtied) mark_dirty(*client);
}

void WatchedKeys::touch_database(int db_index, storage::Database* replaced_with) {
  KeyWatchers& watchers = in_db(db_index);
  if (watchers.empty()) return;
  storage::Database& emptied = keyspace_->db(db_index);
  std::vector<ClientState*> dirtied;
  for (auto& [key, clients] : watchers) {
    const Stored before = stored_in(emptied, key);
    const Stored after = replaced_with != nullptr ? stored_in(*replaced_with, key) : Stored{};
    // A key in neither database is absent before and after: no change.
    if (!before.present && !after.present) continue;
    for (Watcher& watcher : clients) {
      if (watcher.expired_when_watched) {
        // Expired before, absent after: no logical change, and the key is
        // now simply absent. Expired before and after: no change either.
        if (!after.present) {
          watcher.expired_when_watched = false;
          continue;
        }
        if (after.expired) continue;
      } else if (!before.present && after.expired) {
        // Absent before, an expired key after: still logically absent,
        // but from now on it is an expired key that is stored.
        watcher.expired_when_watched = true;
        continue;
      }
      dirtied.push_back(watcher.client);
    }
  }
  for (ClientState* client : dirtied) mark_dirty(*client);
}

bool WatchedKeys::any_expired_since_watched(const ClientState& client) {
  for (const WatchedKey& watched : client.transaction.watched) {
    std::vector<Watcher>* watchers = watchers_of(watched.db_index, watched.key);
    if (watchers == nullptr) continue;
    auto mine = std::find_if(watchers->begin(), watchers->end(),
                             [&](const Watcher& w) { return w.client == &client; });
    if (mine == watchers->end() || mine->expired_when_watched) continue;
    if (stored_in(keyspace_->db(watched.db_index), watched.key).expired) return true;
  }
  return false;
}

// Redis's trackingInvalidateKeysOnFlush, for FLUSHDB and FLUSHALL alike:
// every tracking client is told "everything" (a null key list), and the
// whole tracking table is dropped, even for FLUSHDB.
void signal_database_flushed(Context& ctx, int db_index) {
  if (ctx.watched_keys != nullptr) ctx.watched_keys->touch_database(db_index, nullptr);
  if (ctx.tracking != nullptr) ctx.tracking->invalidate_all();
}

void signal_all_databases_flushed(Context& ctx) {
  for (int index = 0; index < ctx.keyspace.database_count(); ++index) {
    if (ctx.watched_keys != nullptr) ctx.watched_keys->touch_database(index, nullptr);
  }
  if (ctx.tracking != nullptr) ctx.tracking->invalidate_all();
}

void signal_databases_swapped(Context& ctx, int first, int second) {
  if (ctx.watched_keys == nullptr) return;
  // A client watching a key of `first` will see `second`'s version of it,
  // and the other way round: each side compares with the other's contents.
  ctx.watched_keys->touch_database(first, &ctx.keyspace.db(second));
  ctx.watched_keys->touch_database(second, &ctx.keyspace.db(first));
}

}  // namespace mini_redis::commands
