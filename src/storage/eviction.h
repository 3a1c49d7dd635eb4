// Eviction: deleting keys to stay under maxmemory, as Redis's evict.c does.
//
// Before each command (when maxmemory is set) the dispatcher asks
// Evictor::make_room(). While used memory is above the limit it deletes keys
// chosen by maxmemory-policy:
//
//   noeviction         delete nothing; commands that would add data fail with
//                      "-OOM command not allowed when used memory > 'maxmemory'."
//   allkeys-lru        the key idle the longest, of all keys
//   allkeys-lfu        the key used least often (the LFU counter)
//   allkeys-random     any key
//   volatile-lru/-lfu/-random  the same, among keys with a TTL only
//   volatile-ttl       the key with the nearest expire time
//
// Finding the true best key would mean looking at all of them. Redis, and
// this file, approximate: sample maxmemory-samples random keys of each
// database, and keep the best candidates seen so far in a small pool
// (16 entries, sorted by "idle score") that survives from one call to the
// next, so that good candidates found earlier are still considered. Then
// delete the best one in the pool that still exists, and measure again.
//
// One call spends at most a small time budget (maxmemory-eviction-tenacity:
// 500 us at the default 10, as Redis's evictionTimeLimitUs); if memory is
// still over the limit then, the command runs anyway and the next call
// continues. It fails only when nothing is left that the policy may evict.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "storage/memory.h"

namespace mini_redis::storage {

class Keyspace;
class Database;
class Entry;
class LazyFree;

enum class EvictionPolicy : std::uint8_t {
  noeviction,
  allkeys_lru,
  allkeys_lfu,
  allkeys_random,
  volatile_lru,
  volatile_lfu,
  volatile_random,
  volatile_ttl,
};

// "allkeys-lru" -> allkeys_lru (case-insensitive, as CONFIG SET takes it).
std::optional<EvictionPolicy> parse_eviction_policy(std::string_view name);

struct EvictionSettings {
  std::size_t maxmemory = 0;  // bytes; 0 means no limit
  EvictionPolicy policy = EvictionPolicy::noeviction;
  int samples = 5;    // maxmemory-samples
  int tenacity = 10;  // maxmemory-eviction-tenacity, 0..100
};

// What make_room() achieved (Redis's EVICT_OK, EVICT_RUNNING, EVICT_FAIL).
enum class EvictionResult : std::uint8_t {
  under_limit,  // used memory is at or below maxmemory
  still_over,   // the time budget ran out first; the next call goes on
  failed,       // over the limit, and nothing the policy may evict is left
};

// The latency monitor's eviction events, as Redis's evict.c records them:
//   eviction-del       deleting one key (a big value freed in place is slow)
//   eviction-lazyfree  nothing left to evict: waiting (at most the time
//                      budget) for the lazy-free thread to give memory back
//   eviction-cycle     one make_room() that had to free memory, all of it
// Storage knows nothing of the monitor (observability/): the server installs
// this sink. `enabled` says whether the monitor is on (its threshold > 0);
// while it is off no clock is read for these events, as Redis's
// latencyStartMonitor() reads none.
struct EvictionLatencySink {
  std::function<bool()> enabled;
  std::function<void(std::string_view event, std::uint64_t milliseconds)> record;
};

// The candidates the LRU, LFU and TTL policies choose among, as Redis's
// eviction pool (evict.c, EVPOOL_SIZE 16): each eviction samples a few keys
// into it and deletes the best one held. Because good candidates stay between
// evictions, the pick is close to the true best although each sample is small.
// The candidates fill a prefix of the slots in ascending score; free slots
// follow. Taking the best leaves a free slot at the top, so the next sample
// is always admitted, even when it scores no better than the worst.
class EvictionPool {
 public:
  struct Candidate {
    std::uint64_t score = 0;  // higher: better to evict
    int db_index = -1;        // -1: a free slot
    std::string key;
  };
  static constexpr std::size_t kSize = 16;

  // Admits the key if there is room or it beats the worst candidate (which
  // is then dropped). A key already held only gets its new score.
  void offer(std::uint64_t score, int db_index, std::string_view key);
  // The best candidate, or nullptr when the pool is empty.
  [[nodiscard]] const Candidate* best() const;
  void drop_best();
  [[nodiscard]] std::size_t size() const { return filled_; }

 private:
  std::array<Candidate, kSize> slots_{};  // [0, filled_): ascending score
  std::size_t filled_ = 0;
};

class Evictor {
 public:
  // Deletes keys of `keyspace` until used memory is under the limit, the
  // time budget is spent, or there is nothing to evict. With `lazy_free`,
  // a failure first waits (within the budget) for what that thread still
  // has to free, as Redis does before it gives up.
  EvictionResult make_room(Keyspace& keyspace, const EvictionSettings& settings,
                           const LazyFree* lazy_free = nullptr);

  void set_latency_sink(EvictionLatencySink sink) { latency_ = std::move(sink); }

  // Used memory as eviction counts it (INFO's used_memory, read cheaply).
  [[nodiscard]] std::size_t used_memory() const { return gauge_.read(); }
  // Takes the allocator's exact figure again (cron, after lazy frees).
  void refresh_used_memory() { gauge_.refresh(); }

 private:
  bool evict_one(Keyspace& keyspace, const EvictionSettings& settings);
  // The loop of make_room(); `timed`: report each deletion to the sink.
  EvictionResult evict_until_under(Keyspace& keyspace, const EvictionSettings& settings,
                                   bool timed);
  // After a failure: polls the gauge while the lazy-free thread has work.
  EvictionResult wait_for_lazy_free(const LazyFree& lazy_free, const EvictionSettings& settings,
                                    bool timed);
  void record(std::string_view event, std::chrono::steady_clock::time_point started) const;
  bool evict_best_from_pool(Keyspace& keyspace, const EvictionSettings& settings);
  bool evict_random(Keyspace& keyspace, EvictionPolicy policy);
  void sample_into_pool(Database& db, int db_index, const EvictionSettings& settings);

  UsedMemoryGauge gauge_;
  EvictionPool pool_;
  int next_random_db_ = 0;  // the random policies visit databases in turn
  EvictionLatencySink latency_;
};

// The "idle score" of an entry under `policy` (higher: evict first).
std::uint64_t eviction_score(const Database& db, const Entry& entry, EvictionPolicy policy);

}  // namespace mini_redis::storage
