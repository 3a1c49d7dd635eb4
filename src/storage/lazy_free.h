// LazyFree: a background thread that frees big values, so that deleting
// them never stalls the event loop (Redis's lazyfree.c and its bio thread).
//
// Freeing a list of a million elements means a million calls to free(): tens
// of milliseconds during which no other client is served. Redis avoids that
// by unlinking the key at once (it is gone for every command from then on)
// and handing the value to a thread that frees it later. The same happens
// here for UNLINK, for FLUSHALL/FLUSHDB ASYNC, and for DEL, expiry and
// implicit deletes when the lazyfree-lazy-* settings ask for it.
//
// Only values that cost many frees go to the thread: handing over a string
// costs more than freeing it. Redis's rule is the "free effort" (how many
// allocations the value is made of: a list's nodes, a hashtable's fields)
// above LAZYFREE_THRESHOLD = 64; ours is the same (object_free_effort()).
//
// What is handed over is owned by nobody else: an entry already unlinked
// from its table, or a whole table swapped out of its database. The thread
// touches nothing the main thread uses, so the only shared state is the
// queue and two counters. The allocator (jemalloc or glibc) is thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <variant>

#include "storage/entry.h"
#include "storage/hash_table.h"

namespace mini_redis::storage {

// Redis's LAZYFREE_THRESHOLD: a value made of more allocations than this is
// freed by the thread; a smaller one at once.
inline constexpr std::size_t kLazyFreeThreshold = 64;

// Which implicit deletes hand big values to the thread, as Redis's
// lazyfree-lazy-* settings (all "no" by default in 7.0): `expire` for keys
// that expire (lazyfree-lazy-expire), `server_del` for values a write
// replaces or deletes on its own (SET over a key, RENAME's destination:
// lazyfree-lazy-server-del), `eviction` for keys evicted under maxmemory
// (lazyfree-lazy-eviction). DEL and FLUSH* read their own two settings in
// the commands layer; UNLINK and FLUSH* ASYNC are always lazy.
struct LazyFreeModes {
  bool expire = false;
  bool server_del = false;
  bool eviction = false;
};

// How many allocations freeing this entry's value takes (Redis's
// lazyfreeGetFreeEffort): 1 for a string or a listpack, a list's node count,
// a hashtable's field count.
std::size_t free_effort(const Entry& entry);

class LazyFree {
 public:
  LazyFree();
  // Frees whatever is still queued, then stops the thread.
  ~LazyFree();
  LazyFree(const LazyFree&) = delete;
  LazyFree& operator=(const LazyFree&) = delete;

  // Frees `entry` (already out of its table) on the thread.
  void free_entry(EntryPtr entry);
  // Frees a whole table of entries (FLUSHDB ASYNC) on the thread.
  void free_table(HashTable table);

  // INFO: objects queued and not freed yet (lazyfree_pending_objects), and
  // freed by the thread since start (lazyfreed_objects). A table counts as
  // its number of keys, as in Redis.
  [[nodiscard]] std::size_t pending_objects() const { return pending_.load(); }
  [[nodiscard]] std::uint64_t freed_objects() const { return freed_.load(); }
  void reset_freed_objects() { freed_.store(0); }  // CONFIG RESETSTAT

  // Returns once everything queued so far is freed (tests, shutdown).
  void wait_until_idle();

 private:
  using Job = std::variant<EntryPtr, HashTable>;

  void enqueue(Job job, std::size_t objects);
  void run();

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable idle_;
  std::deque<Job> jobs_;
  bool busy_ = false;  // the thread is freeing a job it took off the queue
  bool stopping_ = false;
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::uint64_t> freed_{0};
  std::thread worker_;  // last: started once everything above exists
};

}  // namespace mini_redis::storage
