// Memory accounting, asked of the allocator itself. See memory.h.
#include "storage/memory.h"

#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "storage/mapped_blocks.h"

// Under AddressSanitizer malloc is the sanitizer's own, and glibc's
// mallinfo2 sees nothing; the sanitizer answers the same questions instead.
#if defined(__SANITIZE_ADDRESS__)
#define MINI_REDIS_ASAN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MINI_REDIS_ASAN_ALLOCATOR 1
#endif
#endif

#if defined(MINI_REDIS_WITH_JEMALLOC)
#include <jemalloc/jemalloc.h>
#elif defined(MINI_REDIS_ASAN_ALLOCATOR)
// From <sanitizer/allocator_interface.h>, which clang ships and g++ 12 does
// not; libasan exports both functions either way.
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
extern "C" std::size_t __sanitizer_get_estimated_allocated_size(std::size_t size);
extern "C" std::size_t __sanitizer_get_allocated_size(const volatile void* block);
#else
#include <malloc.h>
#endif

namespace mini_redis::storage {

#if defined(MINI_REDIS_WITH_JEMALLOC)

std::size_t allocated_bytes() {
  // jemalloc caches its statistics; writing to "epoch" refreshes them, as
  // Redis does before reading (zmalloc.c zmalloc_get_allocator_info).
  std::uint64_t epoch = 1;
  std::size_t epoch_size = sizeof(epoch);
  mallctl("epoch", &epoch, &epoch_size, &epoch, epoch_size);

  std::size_t allocated = 0;
  std::size_t allocated_size = sizeof(allocated);
  if (mallctl("stats.allocated", &allocated, &allocated_size, nullptr, 0) != 0) return 0;
  // Huge strings live in mappings of their own (mapped_blocks.h): they are
  // memory the server holds, as Redis's zmalloc counts every value.
  return allocated + mapped::mapped_bytes();
}

std::size_t allocation_size(std::size_t size) {
  // nallocx answers "which size class would malloc(size) use" without
  // allocating. It is undefined for 0, so ask for the smallest class then.
  return nallocx(size == 0 ? 1 : size, 0);
}

std::size_t usable_size(const void* block) {
  return sallocx(const_cast<void*>(block), 0);  // jemalloc's API takes a non-const pointer
}

const char* allocator_name() {
  // jemalloc's "version" reads like "5.3.0-0-g54eaed1d..."; Redis's INFO shows
  // only "jemalloc-5.3.0", so keep what comes before the first '-'.
  static const std::string name = [] {
    const char* version = nullptr;
    std::size_t version_size = sizeof(version);
    if (mallctl("version", static_cast<void*>(&version), &version_size, nullptr, 0) != 0 ||
        version == nullptr) {
      return std::string("jemalloc");
    }
    std::string text(version);
    return "jemalloc-" + text.substr(0, text.find('-'));
  }();
  return name.c_str();
}

#elif defined(MINI_REDIS_ASAN_ALLOCATOR)  // sanitizer builds

std::size_t allocated_bytes() {
  // Plus what lives in mappings of our own (common/mapped_memory.h): query
  // buffers and big arguments use them in every build.
  return __sanitizer_get_current_allocated_bytes() + mapped::mapped_bytes();
}

std::size_t allocation_size(std::size_t size) {
  return __sanitizer_get_estimated_allocated_size(size);
}

std::size_t usable_size(const void* block) {
  return __sanitizer_get_allocated_size(block);
}

const char* allocator_name() {
  return "libc";
}

#else  // glibc malloc: MINI_REDIS_JEMALLOC=OFF

std::size_t allocated_bytes() {
  // uordblks: bytes in use in the heap; hblkhd: bytes in chunks that were
  // mmap()ed on their own (large allocations).
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd + mapped::mapped_bytes();  // as above
}

std::size_t allocation_size(std::size_t size) {
  // What malloc_usable_size() would report for a glibc chunk of this request
  // on a 64-bit machine: an 8-byte header, 16-byte granularity, 24 bytes at
  // least. Large (mmap) chunks are rounded to pages, so this never overstates.
  constexpr std::size_t kHeader = 8;
  constexpr std::size_t kAlign = 16;
  constexpr std::size_t kMinUsable = 24;
  std::size_t chunk = (size + kHeader + kAlign - 1) / kAlign * kAlign;
  std::size_t usable = chunk - kHeader;
  return usable < kMinUsable ? kMinUsable : usable;
}

std::size_t usable_size(const void* block) {
  return malloc_usable_size(const_cast<void*>(block));  // glibc's API takes a non-const pointer
}

const char* allocator_name() {
  return "libc";
}

#endif

#if defined(MINI_REDIS_WITH_JEMALLOC)

AllocatorStats allocator_stats() {
  std::uint64_t epoch = 1;
  std::size_t epoch_size = sizeof(epoch);
  mallctl("epoch", &epoch, &epoch_size, &epoch, epoch_size);
  AllocatorStats stats;
  std::size_t size = sizeof(std::size_t);
  mallctl("stats.allocated", &stats.allocated, &size, nullptr, 0);
  mallctl("stats.active", &stats.active, &size, nullptr, 0);
  mallctl("stats.resident", &stats.resident, &size, nullptr, 0);
  return stats;
}

std::string allocator_report() {
  std::string text;
  // jemalloc hands the report over in pieces, through this callback.
  auto append = [](void* out, const char* piece) { static_cast<std::string*>(out)->append(piece); };
  malloc_stats_print(append, &text, nullptr);
  return text;
}

bool purge_allocator() {
  // "arena.<narenas>.purge": the index one past the last arena means all of
  // them (jemalloc's MALLCTL_ARENAS_ALL alias), as Redis's jemalloc_purge asks.
  unsigned arenas = 0;
  std::size_t size = sizeof(arenas);
  if (mallctl("arenas.narenas", &arenas, &size, nullptr, 0) != 0) return false;
  const std::string name = "arena." + std::to_string(arenas) + ".purge";
  return mallctl(name.c_str(), nullptr, nullptr, nullptr, 0) == 0;
}

#else

AllocatorStats allocator_stats() {
  return {};
}
std::string allocator_report() {
  return {};
}
bool purge_allocator() {
  return true;
}

#endif

#if defined(MINI_REDIS_WITH_JEMALLOC)

void UsedMemoryGauge::refresh() {
  if (thread_allocated_ == nullptr) {
    // Pointers to the calling thread's own counters (uint64_t), valid for
    // the thread's life: the gauge belongs to the event-loop thread.
    std::uint64_t* allocated = nullptr;
    std::uint64_t* freed = nullptr;
    std::size_t pointer_size = sizeof(allocated);
    mallctl("thread.allocatedp", static_cast<void*>(&allocated), &pointer_size, nullptr, 0);
    mallctl("thread.deallocatedp", static_cast<void*>(&freed), &pointer_size, nullptr, 0);
    static_assert(sizeof(std::uint64_t) == sizeof(unsigned long long));
    thread_allocated_ = reinterpret_cast<const unsigned long long*>(allocated);
    thread_freed_ = reinterpret_cast<const unsigned long long*>(freed);
  }
  // The base leaves out the mappings of huge strings: read() adds them as
  // they are now (their counter is exact at all times).
  base_ = allocated_bytes() - mapped::mapped_bytes();
  allocated_at_refresh_ = *thread_allocated_;
  freed_at_refresh_ = *thread_freed_;
}

std::size_t UsedMemoryGauge::read() const {
  const auto grown = static_cast<long long>(*thread_allocated_ - allocated_at_refresh_) -
                     static_cast<long long>(*thread_freed_ - freed_at_refresh_);
  const long long used = static_cast<long long>(base_) + grown;
  return (used > 0 ? static_cast<std::size_t>(used) : 0) + mapped::mapped_bytes();
}

#else

void UsedMemoryGauge::refresh() {
  base_ = allocated_bytes();  // kept for symmetry; read() asks afresh anyway
  thread_allocated_ = thread_freed_ = nullptr;
  allocated_at_refresh_ = freed_at_refresh_ = 0;
}

std::size_t UsedMemoryGauge::read() const {
  return allocated_bytes();
}

#endif

std::size_t resident_set_bytes() {
  // /proc/self/statm: total program size, then resident pages, in pages.
  std::ifstream statm("/proc/self/statm");
  std::size_t total_pages = 0;
  std::size_t resident_pages = 0;
  if (!(statm >> total_pages >> resident_pages)) return 0;
  long page_size = sysconf(_SC_PAGESIZE);
  return resident_pages * static_cast<std::size_t>(page_size > 0 ? page_size : 4096);
}

}  // namespace mini_redis::storage
