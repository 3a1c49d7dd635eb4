// How many bytes the server holds in anonymous mappings of its own, outside
// the allocator: huge strings (storage/mapped_blocks.h), big arguments being
// read (storage/string_block.h) and query buffers past 1 MiB
// (protocol/query_buffer.h).
//
// Redis allocates all of these with zmalloc, so its used_memory includes
// them, and so does maxmemory's view of the server. Ours come from mmap()
// so that they can grow without copying (mremap), which jemalloc does not
// see: INFO memory adds this counter to what jemalloc reports
// (storage/memory.cpp). It is process-wide, like the allocator's own
// statistics, and atomic: the lazy-free thread unmaps too.
#pragma once

#include <atomic>
#include <cstddef>

namespace mini_redis {

inline std::atomic<std::size_t>& mapped_memory_counter() {
  static std::atomic<std::size_t> bytes{0};
  return bytes;
}

}  // namespace mini_redis
