// Eviction. See eviction.h.
#include "storage/eviction.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <thread>
#include <utility>

#include "common/ascii.h"
#include "storage/keyspace.h"
#include "storage/lazy_free.h"

namespace mini_redis::storage {

namespace {

constexpr std::array<std::pair<std::string_view, EvictionPolicy>, 8> kPolicyNames{{
    {"noeviction", EvictionPolicy::noeviction},
    {"allkeys-lru", EvictionPolicy::allkeys_lru},
    {"allkeys-lfu", EvictionPolicy::allkeys_lfu},
    {"allkeys-random", EvictionPolicy::allkeys_random},
    {"volatile-lru", EvictionPolicy::volatile_lru},
    {"volatile-lfu", EvictionPolicy::volatile_lfu},
    {"volatile-random", EvictionPolicy::volatile_random},
    {"volatile-ttl", EvictionPolicy::volatile_ttl},
}};

bool only_keys_with_ttl(EvictionPolicy policy) {
  return policy == EvictionPolicy::volatile_lru || policy == EvictionPolicy::volatile_lfu ||
         policy == EvictionPolicy::volatile_random || policy == EvictionPolicy::volatile_ttl;
}

bool is_random(EvictionPolicy policy) {
  return policy == EvictionPolicy::allkeys_random || policy == EvictionPolicy::volatile_random;
}

// Redis's evictionTimeLimitUs: 50 us per step of tenacity up to 10 (500 us
// by default), then growing 15% per step; 100 means "no limit".
std::chrono::microseconds time_budget(int tenacity) {
  if (tenacity <= 10) return std::chrono::microseconds(50 * std::max(tenacity, 0));
  // "No limit": an hour, not microseconds::max(), which would overflow when
  // compared with the clock's nanoseconds.
  if (tenacity >= 100) return std::chrono::hours(1);
  double budget = 500.0;
  for (int step = 10; step < tenacity; ++step) budget *= 1.15;
  return std::chrono::microseconds(static_cast<std::int64_t>(budget));
}

}  // namespace

std::optional<EvictionPolicy> parse_eviction_policy(std::string_view name) {
  for (const auto& [text, policy] : kPolicyNames) {
    if (equals_ignore_case(name, text)) return policy;
  }
  return std::nullopt;
}

std::uint64_t eviction_score(const Database& db, const Entry& entry, EvictionPolicy policy) {
  switch (policy) {
    case EvictionPolicy::allkeys_lfu:
    case EvictionPolicy::volatile_lfu:
      // Fewer uses, higher score: 255 minus the decayed counter (Redis).
      return lfu::kMaxCounter - db.access_frequency(entry);
    case EvictionPolicy::volatile_ttl:
      // The sooner it expires, the higher the score.
      return std::numeric_limits<std::uint64_t>::max() -
             static_cast<std::uint64_t>(entry.expire_at_ms());
    default: {
      // LRU: milliseconds since the last access (the field has seconds).
      const std::int64_t idle_ms =
          db.now_ms() - static_cast<std::int64_t>(entry.access_time_s()) * 1000;
      return idle_ms > 0 ? static_cast<std::uint64_t>(idle_ms) : 0;
    }
  }
}

EvictionResult Evictor::make_room(Keyspace& keyspace, const EvictionSettings& settings,
                                  const LazyFree* lazy_free) {
  if (settings.maxmemory == 0 || gauge_.read() <= settings.maxmemory) {
    return EvictionResult::under_limit;
  }
  const bool timed = latency_.enabled && latency_.enabled();
  const auto started = std::chrono::steady_clock::now();
  EvictionResult result = settings.policy == EvictionPolicy::noeviction
                              ? EvictionResult::failed
                              : evict_until_under(keyspace, settings, timed);
  if (result == EvictionResult::failed && lazy_free != nullptr &&
      lazy_free->pending_objects() != 0) {
    result = wait_for_lazy_free(*lazy_free, settings, timed);
  }
  // Redis records the cycle whenever memory was over the limit, even under
  // noeviction (where it is ~0 ms and stays under any threshold).
  if (timed) record("eviction-cycle", started);
  return result;
}

EvictionResult Evictor::evict_until_under(Keyspace& keyspace, const EvictionSettings& settings,
                                          bool timed) {
  const auto started = std::chrono::steady_clock::now();
  const auto budget = time_budget(settings.tenacity);
  int evicted = 0;
  std::uint64_t lazily_freed = keyspace.lazy_free().freed_objects();
  while (gauge_.read() > settings.maxmemory) {
    const auto deletion_started = timed ? std::chrono::steady_clock::now() : started;
    if (!evict_one(keyspace, settings)) return EvictionResult::failed;
    if (timed) record("eviction-del", deletion_started);
    // Checking the clock costs more than an eviction: look every 16 keys,
    // as Redis does.
    if (++evicted % 16 == 0) {
      // Under lazyfree-lazy-eviction the evicted values are freed by the
      // thread, whose frees this thread's counters do not see: take the
      // allocator's figure once it has freed some, rather than evict more
      // keys for memory that is already back (Redis checks its used memory
      // every 16 keys for the same reason).
      if (const std::uint64_t freed = keyspace.lazy_free().freed_objects(); freed != lazily_freed) {
        lazily_freed = freed;
        gauge_.refresh();
      }
      if (std::chrono::steady_clock::now() - started > budget) return EvictionResult::still_over;
    }
  }
  return EvictionResult::under_limit;
}

// Redis's last resort in performEvictions(): keys given to the lazy-free
// thread still hold memory. Wait for it, a millisecond at a time, but no
// longer than the eviction budget; recorded as "eviction-lazyfree".
EvictionResult Evictor::wait_for_lazy_free(const LazyFree& lazy_free,
                                           const EvictionSettings& settings, bool timed) {
  const auto started = std::chrono::steady_clock::now();
  const auto budget = time_budget(settings.tenacity);
  EvictionResult result = EvictionResult::failed;
  while (lazy_free.pending_objects() != 0 && std::chrono::steady_clock::now() - started < budget) {
    gauge_.refresh();
    if (gauge_.read() <= settings.maxmemory) {
      result = EvictionResult::under_limit;
      break;
    }
    std::this_thread::sleep_for(std::min<std::chrono::microseconds>(
        std::chrono::duration_cast<std::chrono::microseconds>(budget),
        std::chrono::microseconds(1000)));
  }
  if (timed) record("eviction-lazyfree", started);
  return result;
}

// Whole milliseconds, as Redis's latencyEndMonitor (mstime() differences).
void Evictor::record(std::string_view event, std::chrono::steady_clock::time_point started) const {
  const auto elapsed = std::chrono::steady_clock::now() - started;
  latency_.record(event,
                  static_cast<std::uint64_t>(
                      std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
}

bool Evictor::evict_one(Keyspace& keyspace, const EvictionSettings& settings) {
  if (is_random(settings.policy)) return evict_random(keyspace, settings.policy);
  return evict_best_from_pool(keyspace, settings);
}

bool Evictor::evict_random(Keyspace& keyspace, EvictionPolicy policy) {
  // One random key from the next database that has any, in turn.
  const int count = keyspace.database_count();
  for (int tried = 0; tried < count; ++tried) {
    const int index = next_random_db_;
    next_random_db_ = (next_random_db_ + 1) % count;
    Database& db = keyspace.db(index);
    Entry* entry = only_keys_with_ttl(policy) ? db.random_expiring_entry() : db.random_entry();
    if (entry == nullptr) continue;
    // The key is copied: evict() frees the block its view points into.
    const std::string key(entry->key());
    return db.evict(key);
  }
  return false;
}

bool Evictor::evict_best_from_pool(Keyspace& keyspace, const EvictionSettings& settings) {
  // Up to a few rounds: a pool whose candidates were all deleted meanwhile
  // (by commands, expiry) is refilled and tried again.
  for (int round = 0; round < 4; ++round) {
    bool sampled_any = false;
    for (int index = 0; index < keyspace.database_count(); ++index) {
      Database& db = keyspace.db(index);
      const std::size_t keys =
          only_keys_with_ttl(settings.policy) ? db.expiring_count() : db.size();
      if (keys == 0) continue;
      sample_into_pool(db, index, settings);
      sampled_any = true;
    }
    if (!sampled_any) return false;
    // Best first; each candidate is used once. One deleted meanwhile (by a
    // command, by expiry) is just dropped.
    while (const EvictionPool::Candidate* best = pool_.best()) {
      const bool evicted = keyspace.db(best->db_index).evict(best->key);
      pool_.drop_best();
      if (evicted) return true;
    }
  }
  return false;
}

void Evictor::sample_into_pool(Database& db, int db_index, const EvictionSettings& settings) {
  const bool ttl_only = only_keys_with_ttl(settings.policy);
  for (int i = 0; i < std::max(settings.samples, 1); ++i) {
    Entry* entry = ttl_only ? db.random_expiring_entry() : db.random_entry();
    if (entry == nullptr) return;
    pool_.offer(eviction_score(db, *entry, settings.policy), db_index, entry->key());
  }
}

void EvictionPool::offer(std::uint64_t score, int db_index, std::string_view key) {
  const auto begin = slots_.begin();
  const auto filled = static_cast<std::ptrdiff_t>(filled_);
  for (auto slot = begin; slot != begin + filled; ++slot) {
    if (slot->db_index == db_index && slot->key == key) {
      slot->score = score;
      std::sort(begin, begin + filled,
                [](const Candidate& a, const Candidate& b) { return a.score < b.score; });
      return;
    }
  }
  // The new candidate goes just below the first one scoring at least as high.
  auto position = std::find_if(begin, begin + filled,
                               [score](const Candidate& held) { return held.score >= score; });
  if (filled_ < kSize) {
    // Room at the top: the better ones move up one slot. The free slot that
    // rotates down keeps its string's buffer, so a warm pool allocates nothing.
    std::rotate(position, begin + filled, begin + filled + 1);
    ++filled_;
  } else {
    // Full: no better than the worst is not kept (Redis: k == 0 with the
    // last slot taken); otherwise the worst is dropped and the weaker ones
    // move down one slot.
    if (position == begin) return;
    --position;
    std::rotate(begin, begin + 1, position + 1);
  }
  position->score = score;
  position->db_index = db_index;
  position->key.assign(key);
}

const EvictionPool::Candidate* EvictionPool::best() const {
  return filled_ == 0 ? nullptr : &slots_[filled_ - 1];
}

void EvictionPool::drop_best() {
  if (filled_ > 0) slots_[--filled_].db_index = -1;
}

}  // namespace mini_redis::storage
