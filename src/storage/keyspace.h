// Keyspace: all the numbered databases of one server, plus their shared
// statistics and clock. It is a plain value: a test builds one with a
// ManualClock; the server builds one with the SystemClock.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "storage/clock.h"
#include "storage/database.h"
#include "storage/eviction.h"
#include "storage/keyspace_observer.h"

namespace mini_redis::storage {

class Keyspace {
 public:
  explicit Keyspace(const Clock& clock, int database_count = 16);
  // The databases point at stats_, so a Keyspace stays where it was built.
  Keyspace(const Keyspace&) = delete;
  Keyspace& operator=(const Keyspace&) = delete;

  [[nodiscard]] int database_count() const { return static_cast<int>(databases_.size()); }
  Database& db(int index) { return *databases_[static_cast<std::size_t>(index)]; }
  [[nodiscard]] const Clock& clock() const { return *clock_; }
  KeyspaceStats& stats() { return stats_; }

  // SWAPDB: clients that selected `a` now see what was in `b`, and vice versa.
  void swap(int a, int b);
  // FLUSHALL; `lazily` for FLUSHALL ASYNC (see Database::clear).
  void clear(bool lazily = false);
  // The thread that frees big values (lazy_free.h), and which implicit
  // deletes (expiry, overwrites, eviction) send values there: the
  // lazyfree-lazy-* settings, all off by default as in Redis.
  LazyFree& lazy_free() { return lazy_free_; }
  void set_lazy_free_modes(LazyFreeModes modes);
  // CLIENT PAUSE: expired keys stay until it ends (Database::set_expiry_held).
  void set_expiry_held(bool held);

  // maxmemory and the eviction policy (eviction.h); the commands layer sets
  // them from the configuration, at start and on CONFIG SET.
  // CONFIG SET maxmemory and friends. The used-memory figure is made exact
  // at once, so that the next command evicts what a lower limit requires
  // (Redis evicts right after CONFIG SET maxmemory), not only after the
  // next cron tick corrects the figure.
  void set_eviction(const EvictionSettings& settings) {
    eviction_settings_ = settings;
    evictor_.refresh_used_memory();
  }
  [[nodiscard]] const EvictionSettings& eviction_settings() const { return eviction_settings_; }
  // Evicts keys until used memory is under maxmemory (or the time budget is
  // spent): the dispatcher calls it before each command while maxmemory is set.
  EvictionResult make_room();
  Evictor& evictor() { return evictor_; }
  [[nodiscard]] std::size_t total_keys() const;

  // LRU or LFU access tracking in every database (see access_tracking.h);
  // config.cpp calls this for maxmemory-policy at start-up and on CONFIG SET.
  void set_access_tracking(AccessTracking mode, const LfuSettings& lfu = {});
  [[nodiscard]] AccessTracking access_tracking() const {
    return databases_.front()->access_tracking();
  }

  // Who hears about keys created or expired in any database (see
  // keyspace_observer.h); null for nobody. The observer must outlive the
  // keyspace or be reset first.
  void set_observer(KeyspaceObserver* observer);

 private:
  const Clock* clock_;
  KeyspaceObserver* observer_ = nullptr;
  KeyspaceStats stats_;
  LazyFree lazy_free_;  // before databases_: it must outlive them
  EvictionSettings eviction_settings_;
  Evictor evictor_;
  std::uint64_t lazy_freed_seen_ = 0;  // lazy_free_.freed_objects() at the last make_room()
  std::vector<std::unique_ptr<Database>> databases_;
};

}  // namespace mini_redis::storage
