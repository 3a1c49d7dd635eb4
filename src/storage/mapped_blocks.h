// Mapped blocks: huge string entries kept in mappings of their own, so that
// growing them moves page tables instead of bytes.
//
// Why: a string grown by APPEND 1 MB at a time up to 512 MB was reallocated
// every other call (Redis's greedy preallocation adds 1 MB past 1 MB), and
// jemalloc's realloc of a large block almost never extends it in place
// here: it allocates the new size, copies, frees. Measured with
// bench/stalls/append_growth.py: 60 ms per APPEND on average, 3.5 s for the
// worst one, and a peak RSS of twice the value. (Redis 7.0.15 does the same:
// 39 ms average, 2.4 s worst, 2x RSS.) mremap() instead hands the same
// physical pages to a bigger range of addresses: no copy, no second copy of
// the value in RAM, and the new tail is fresh zero pages that cost nothing
// until written (which also makes SETRANGE/SETBIT's zero padding lazy).
//
// Layout of a mapping:
//
//     [8 bytes: the mapping's length][...][Entry header][key][gap][value]
//     ^ page boundary                     ^ entry: in the first page, 8 mod 16
//
// A mapping made for a growing string puts its entry right after the length
// word. Two others put it further in, so that a value already in place never
// moves: a big argument read from a client straight into a mapping whose
// value starts one page in (string_block.h), which SET then makes an entry
// of, and a RENAME that writes the new header and key in front of the value
// (entry.cpp, rekey_entry). There the entry goes wherever the key ends just
// before the value, aligned by up to 15 bytes of gap (Entry::value_gap_).
// The entry always starts in the mapping's first page, so the page boundary
// below it is the mapping's start, and at an address that is 8 modulo 16.
// Every block malloc or jemalloc hands out for an entry (48 bytes or more)
// is 16-aligned: that one bit tells the two kinds of block apart without a
// flag in the 40-byte header.
//
// That test needs an allocator that aligns every block to 16 bytes:
// jemalloc does (and glibc on x86-64), AddressSanitizer's allocator only to
// 8. So mappings are used with jemalloc only (the release build); other
// builds keep every entry in malloc'd blocks, grown by realloc.
//
// Only strings of kMappedFrom bytes or more live here, so the page rounding
// (< 4 KiB) and the system calls are small next to the value. The mapping is
// not jemalloc's: its length is added to the allocator's figures by
// mapped_bytes() (storage/memory.cpp), so INFO used_memory and maxmemory see
// the value as before.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>

#include "common/mapped_memory.h"

namespace mini_redis::storage::mapped {

#if defined(MINI_REDIS_WITH_JEMALLOC)
inline constexpr bool kEnabled = true;
#else
inline constexpr bool kEnabled = false;  // see above: no alignment to tell blocks apart
#endif

// A string entry whose block would be this big or more lives in a mapping.
inline constexpr std::size_t kMappedFrom = std::size_t{1} << 20;
// Where the entry starts inside its mapping (the length is stored before it).
inline constexpr std::size_t kHeader = 8;

// Bytes held in mappings right now, by every thread (the lazy-free thread
// unmaps too). Process-wide, like the allocator's own statistics.
inline std::atomic<std::size_t>& bytes_counter() {
  return mapped_memory_counter();  // shared with the other mappings (common/mapped_memory.h)
}
inline std::size_t mapped_bytes() {
  return bytes_counter().load(std::memory_order_relaxed);
}

inline bool is_mapped(const void* block) {
  return kEnabled && (reinterpret_cast<std::uintptr_t>(block) & 15U) == kHeader;
}

inline std::size_t page_size() {
  static const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return page;
}

inline std::size_t page_rounded(std::size_t bytes) {
  const std::size_t page = page_size();
  return (bytes + page - 1) / page * page;
}

// The mapping's first byte: the page boundary at or below the entry.
inline char* base_of(const void* block) {
  const auto address = reinterpret_cast<std::uintptr_t>(block);
  return reinterpret_cast<char*>(address & ~(page_size() - 1));
}

// The mapping's whole length, header included.
inline std::size_t mapping_length(const void* block) {
  std::size_t length = 0;
  __builtin_memcpy(&length, base_of(block), sizeof(length));
  return length;
}

// Records the mapping's length in its first 8 bytes.
inline void set_mapping_length(char* base, std::size_t length) {
  __builtin_memcpy(base, &length, sizeof(length));
}

// How many bytes of the mapping holding `block` come after `block`.
inline std::size_t usable(const void* block) {
  return mapping_length(block) -
         static_cast<std::size_t>(static_cast<const char*>(block) - base_of(block));
}

// A fresh mapping with room for `bytes` after the header; its bytes are zero.
inline void* map(std::size_t bytes) {
  const std::size_t length = page_rounded(kHeader + bytes);
  void* base = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) throw std::bad_alloc();
  __builtin_memcpy(base, &length, sizeof(length));
  bytes_counter().fetch_add(length, std::memory_order_relaxed);
  return static_cast<char*>(base) + kHeader;
}

// Grows the mapping holding `block` to room for `bytes` after the entry;
// returns the block's (maybe new) address. The bytes stay, the new ones are
// zero. On failure the old mapping is intact.
inline void* remap(void* block, std::size_t bytes) {
  char* old_base = base_of(block);
  const std::size_t old_length = mapping_length(block);
  // The entry keeps its place in the first page.
  const auto offset = static_cast<std::size_t>(static_cast<char*>(block) - old_base);
  const std::size_t length = page_rounded(offset + bytes);
  if (length <= old_length) return block;
  void* base = ::mremap(old_base, old_length, length, MREMAP_MAYMOVE);
  if (base == MAP_FAILED) throw std::bad_alloc();
  set_mapping_length(static_cast<char*>(base), length);
  bytes_counter().fetch_add(length - old_length, std::memory_order_relaxed);
  return static_cast<char*>(base) + offset;
}

inline void unmap(void* block) {
  const std::size_t length = mapping_length(block);
  ::munmap(base_of(block), length);
  bytes_counter().fetch_sub(length, std::memory_order_relaxed);
}

}  // namespace mini_redis::storage::mapped
