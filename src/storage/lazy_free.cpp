// The lazy-free thread. See lazy_free.h.
#include "storage/lazy_free.h"

#include <utility>

#include "storage/object.h"

namespace mini_redis::storage {

std::size_t free_effort(const Entry& entry) {
  if (entry.type() == ValueType::string) return 1;
  return object_free_effort(entry.type(), entry.object_pointer());
}

LazyFree::LazyFree() : worker_([this] { run(); }) {}

LazyFree::~LazyFree() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_one();
  worker_.join();
}

void LazyFree::free_entry(EntryPtr entry) {
  enqueue(std::move(entry), 1);
}

void LazyFree::free_table(HashTable table) {
  const std::size_t keys = table.size();
  enqueue(std::move(table), keys);
}

void LazyFree::enqueue(Job job, std::size_t objects) {
  pending_ += objects;
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  work_ready_.notify_one();
}

void LazyFree::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    work_ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, and nothing is left to free
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    busy_ = true;
    lock.unlock();

    // The freeing itself, outside the lock: the main thread may queue more
    // meanwhile. Dropping the job runs the destructors.
    const std::size_t objects =
        std::holds_alternative<HashTable>(job) ? std::get<HashTable>(job).size() : std::size_t{1};
    job = EntryPtr{};
    freed_ += objects;
    pending_ -= objects;

    lock.lock();
    busy_ = false;
    if (jobs_.empty()) idle_.notify_all();
  }
}

void LazyFree::wait_until_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return jobs_.empty() && !busy_; });
}

}  // namespace mini_redis::storage
