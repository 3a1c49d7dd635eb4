// Memory accounting: what INFO memory and MEMORY USAGE report.
//
// Redis reports what its allocator really holds (used_memory) and what the
// kernel says the process occupies (used_memory_rss). With jemalloc (our
// default, as Redis's) we ask the allocator itself; without it (sanitizer
// builds) we fall back to glibc's mallinfo2.
#pragma once

#include <cstddef>
#include <string>

namespace mini_redis::storage {

// Bytes the allocator has handed out and not got back.
std::size_t allocated_bytes();
// Resident set size of the process, from /proc/self/statm.
std::size_t resident_set_bytes();
// The real size the allocator uses for a request of `size` bytes.
std::size_t allocation_size(std::size_t size);
// The real size of the block at `block`, which the allocator handed out:
// how far it may be filled without moving (Redis's zmalloc_size).
std::size_t usable_size(const void* block);
// "jemalloc-5.3.0" or "libc", as INFO's mem_allocator field.
const char* allocator_name();

// What jemalloc holds, as MEMORY STATS shows it (Redis's
// zmalloc_get_allocator_info): bytes handed out, bytes in pages in use
// (handed out plus the free space in those pages), bytes resident. All 0
// without jemalloc.
struct AllocatorStats {
  std::size_t allocated = 0;
  std::size_t active = 0;
  std::size_t resident = 0;
};
AllocatorStats allocator_stats();
// MEMORY MALLOC-STATS: jemalloc's malloc_stats_print() text, or "" without
// jemalloc.
std::string allocator_report();
// MEMORY PURGE: returns the allocator's unused dirty pages to the system
// (jemalloc's arena.<all>.purge); false if jemalloc refused. Without
// jemalloc there is nothing to purge: true.
bool purge_allocator();

// allocated_bytes(), cheap enough to read before every command, which
// eviction does while maxmemory is set. Redis keeps its own counter in
// zmalloc; we ask jemalloc once (refresh(), a few microseconds: it merges
// every arena's statistics) and then add what this thread allocated and
// freed since, which jemalloc counts per thread at the cost of two loads.
// Frees by another thread (lazy free) show at the next refresh. Without
// jemalloc every read asks the allocator.
class UsedMemoryGauge {
 public:
  UsedMemoryGauge() { refresh(); }
  [[nodiscard]] std::size_t read() const;
  void refresh();

 private:
  std::size_t base_ = 0;                                  // allocated_bytes() at the last refresh
  const unsigned long long* thread_allocated_ = nullptr;  // jemalloc's counters for the
  const unsigned long long* thread_freed_ = nullptr;      // thread that built the gauge
  unsigned long long allocated_at_refresh_ = 0;
  unsigned long long freed_at_refresh_ = 0;
};

}  // namespace mini_redis::storage
