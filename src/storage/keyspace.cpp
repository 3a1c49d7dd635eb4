// Keyspace: the numbered databases of one server. See keyspace.h.
#include "storage/keyspace.h"

#include <utility>

namespace mini_redis::storage {

Keyspace::Keyspace(const Clock& clock, int database_count) : clock_(&clock) {
  databases_.reserve(static_cast<std::size_t>(database_count));
  for (int i = 0; i < database_count; ++i) {
    databases_.push_back(std::make_unique<Database>(clock, stats_));
    databases_.back()->set_lazy_free(&lazy_free_, LazyFreeModes{});
  }
}

void Keyspace::swap(int a, int b) {
  // Clients remember a database by number, so swapping the two Database
  // objects is all SWAPDB needs: the next command of a client on `a` finds
  // what was in `b`.
  std::swap(databases_[static_cast<std::size_t>(a)], databases_[static_cast<std::size_t>(b)]);
  // A key that expires in what is now database `a` is reported as in `a`
  // (Redis swaps the contents and keeps each db's id).
  databases_[static_cast<std::size_t>(a)]->set_observer(observer_, a);
  databases_[static_cast<std::size_t>(b)]->set_observer(observer_, b);
}

void Keyspace::clear(bool lazily) {
  for (auto& database : databases_) database->clear(lazily);
}

void Keyspace::set_expiry_held(bool held) {
  for (auto& database : databases_) database->set_expiry_held(held);
}

void Keyspace::set_lazy_free_modes(LazyFreeModes modes) {
  for (auto& database : databases_) database->set_lazy_free(&lazy_free_, modes);
}

EvictionResult Keyspace::make_room() {
  // What the lazy-free thread frees does not show in this thread's counters
  // (UsedMemoryGauge): take the allocator's exact figure once it has freed
  // something, rather than evict keys for memory that is already back.
  if (const std::uint64_t freed = lazy_free_.freed_objects(); freed != lazy_freed_seen_) {
    lazy_freed_seen_ = freed;
    evictor_.refresh_used_memory();
  }
  return evictor_.make_room(*this, eviction_settings_, &lazy_free_);
}

std::size_t Keyspace::total_keys() const {
  std::size_t total = 0;
  for (const auto& database : databases_) total += database->size();
  return total;
}

void Keyspace::set_observer(KeyspaceObserver* observer) {
  observer_ = observer;
  for (int i = 0; i < database_count(); ++i) db(i).set_observer(observer, i);
}

void Keyspace::set_access_tracking(AccessTracking mode, const LfuSettings& lfu) {
  for (auto& database : databases_) database->set_access_tracking(mode, lfu);
}

}  // namespace mini_redis::storage
