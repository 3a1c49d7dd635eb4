// Workshop copy of src/protocol/query_buffer.h, made by workshop/generate.py, to read:
// the workshop build uses it in place of the original. Nothing to write here.
// QueryBuffer: the bytes a client has sent and the server has not yet run
// (Redis calls it the client's query buffer, `c->querybuf`).
//
// A connection reads into the free space at the end, hands the buffered bytes
// to the RequestParser, runs the complete requests and drops them from the
// front; the unfinished tail stays for the next read.
//
// The rule this buffer exists for: memory follows the bytes that arrived,
// never the lengths a client announced. A 32-byte request
//
//     *3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n
//
// promises a 512 MB value. Sizing the buffer for it on trust (and zero-filling
// it, as std::string::resize does) let one connection take 512 MB of RAM, and
// a few hundred connections announcing 1 MB each take as many megabytes, all
// without sending the data. So:
//
//   - The buffer starts at 16 KiB, what Redis reads at once (PROTO_IOBUF_LEN),
//     and each read takes whatever space is free.
//   - It grows only when it is nearly full of bytes that really arrived (less
//     than 8 KiB free, and less than the request in progress still needs),
//     and then to four times its size. A pipelining client whose requests are
//     consumed after every read stays at 16 KiB; an idle client that sent
//     only a header costs 16 KiB; a 100 MB value is read with 7
//     reallocations and ever larger reads, not 6,400 small reads.
//     Why four and not two: each growth copies what arrived, and the pages
//     of each new block are faulted in. One 100 MB SET cost the server
//     150 ms of CPU growing by 2, 110 ms by 4, and 95 ms when the buffer was
//     sized from the header at once (median of 6 runs; Redis 7.0: 60 ms, as
//     it keeps its buffer as the value and copies nothing).
//   - While a big bulk argument (32 KiB or more, Redis's PROTO_MBULK_BIG_ARG)
//     is arriving, growth stops at its end: Redis likewise sizes the read of
//     a big argument to end where the argument ends.
//   - One read takes at most 64 KiB (kMaxRead) unless a big argument is
//     arriving. The parser then works on what the read brought: a grown
//     buffer with megabytes queued in the socket would otherwise be read and
//     parsed in one step (a stream of tiny arguments parses at about
//     1 ms per MB), holding up every other client. Redis reads 16 KiB at a
//     time (PROTO_IOBUF_LEN) for the same reason; a big argument's bytes
//     are not parsed, only counted, so its reads stay as large as it needs.
//   - Growing does not zero-fill, and a big buffer grows without copying.
//     Below 1 MiB the storage is a malloc'd block, grown by realloc. From
//     1 MiB on it is a private anonymous mapping of its own, grown by
//     mremap(): the kernel moves the page tables, not the bytes. Copying
//     was the last stall of a big request: the step from 256 MB to 1 GB
//     copied 256 MB (~220 ms with every other client waiting; jemalloc never
//     grew such a block in place). Redis avoids the same copy differently,
//     by moving each big argument out of its query buffer as it arrives;
//     here arguments stay views into the buffer, so the buffer is what must
//     grow cheaply. Either way, the pages a read never writes are never
//     touched, so they cost address space, not RAM. The mapping is not
//     jemalloc's: its length goes to common/mapped_memory.h's counter,
//     which INFO's used_memory (and so maxmemory) adds, as Redis counts a
//     query buffer of any size.
//
// This is not a ring buffer: consumed bytes are moved to the front once per
// batch of requests (consume), which costs only the unfinished tail.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <string_view>
#include <utility>

#include "common/mapped_memory.h"

namespace mini_redis::protocol {

// Redis's PROTO_IOBUF_LEN: the first allocation, and how a buffer grows at least.
inline constexpr std::size_t kReadChunk = 16 * 1024;
// A full buffer grows to this many times its size (see above for why).
inline constexpr std::size_t kGrowthFactor = 4;
// Less free space than this and a read is not worth a system call: grow first.
inline constexpr std::size_t kMinReadSpace = kReadChunk / 2;
// Redis's PROTO_MBULK_BIG_ARG: an argument this long is read to its end.
inline constexpr std::size_t kBigArgument = 32 * 1024;
// The most one read takes when no big argument is arriving (see above).
inline constexpr std::size_t kMaxRead = 64 * 1024;

// From this capacity on the buffer is a mapping of its own (see above).
inline constexpr std::size_t kMappedFrom = std::size_t{1} << 20;

// The buffer's memory: a malloc'd block while small, an anonymous mapping
// once big, so that growing a big buffer moves page tables instead of bytes.
class BufferStorage {
 public:
  BufferStorage() = default;
  ~BufferStorage() { release(); }
  BufferStorage(const BufferStorage&) = delete;
  BufferStorage& operator=(const BufferStorage&) = delete;
  BufferStorage(BufferStorage&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        mapped_bytes_(std::exchange(other.mapped_bytes_, 0)) {}
  BufferStorage& operator=(BufferStorage&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      mapped_bytes_ = std::exchange(other.mapped_bytes_, 0);
    }
    return *this;
  }

  [[nodiscard]] char* data() const { return data_; }

  // Makes room for `capacity` bytes (more than now), keeping the first
  // `keep`. Throws std::bad_alloc, leaving the old storage intact.
  void grow(std::size_t capacity, std::size_t keep) {
    if (capacity < kMappedFrom && mapped_bytes_ == 0) {
      void* grown = std::realloc(data_, capacity);  // NOLINT(cppcoreguidelines-no-malloc)
      if (grown == nullptr) throw std::bad_alloc();
      data_ = static_cast<char*>(grown);
      return;
    }
    const std::size_t bytes = page_rounded(capacity);
    if (mapped_bytes_ > 0) {
      // The same pages under a bigger (maybe moved) range: no copy.
      void* grown = ::mremap(data_, mapped_bytes_, bytes, MREMAP_MAYMOVE);
      if (grown == MAP_FAILED) throw std::bad_alloc();
      data_ = static_cast<char*>(grown);
      mapped_memory_counter().fetch_add(bytes - mapped_bytes_, std::memory_order_relaxed);
      mapped_bytes_ = bytes;
      return;
    }
    // Leaving malloc for a mapping: the one copy, of less than 1 MiB.
    void* mapped =
        ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) throw std::bad_alloc();
    if (keep > 0) std::memcpy(mapped, data_, keep);
    std::free(data_);  // NOLINT(cppcoreguidelines-no-malloc)
    data_ = static_cast<char*>(mapped);
    mapped_memory_counter().fetch_add(bytes, std::memory_order_relaxed);
    mapped_bytes_ = bytes;
  }

  void release() {
    if (mapped_bytes_ > 0) {
      ::munmap(data_, mapped_bytes_);
      mapped_memory_counter().fetch_sub(mapped_bytes_, std::memory_order_relaxed);
    } else {
      std::free(data_);  // NOLINT(cppcoreguidelines-no-malloc)
    }
    data_ = nullptr;
    mapped_bytes_ = 0;
  }

 private:
  static std::size_t page_rounded(std::size_t bytes) {
    static const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return (bytes + page - 1) / page * page;
  }

  char* data_ = nullptr;
  std::size_t mapped_bytes_ = 0;  // 0 while the storage is malloc'd
};

class QueryBuffer {
 public:
  // The bytes received and not consumed yet.
  [[nodiscard]] std::string_view unparsed() const { return {storage_.data(), size_}; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }

  // Returns the free space where the next read goes (growing first if it is
  // nearly full); its contents are indeterminate. `still_needed` is what the
  // request in progress is known to need beyond the buffered bytes (the
  // parser's bytes_still_needed(), 0 if unknown): it may stop or bound the
  // growth, it never causes any.
  std::span<char> prepare_read(std::size_t still_needed) {
    const std::size_t room = capacity_ - size_;
    if (capacity_ == 0) {
      reallocate(kReadChunk);
    } else if (room < kMinReadSpace && (still_needed == 0 || room < still_needed)) {
      std::size_t grown = std::max(size_ + kReadChunk, capacity_ * kGrowthFactor);
      if (still_needed >= kBigArgument) grown = std::min(grown, size_ + still_needed);
      reallocate(grown);
    }
    const std::size_t free_space = capacity_ - size_;
    return {storage_.data() + size_,
            still_needed >= kBigArgument ? free_space : std::min(free_space, kMaxRead)};
  }

  // `bytes` of the space prepare_read() returned now hold received data.
  void commit(std::size_t bytes) { size_ += std::min(bytes, capacity_ - size_); }

  // Drops the first `bytes` (requests that have run); the rest moves to the front.
  void consume(std::size_t bytes) {
    bytes = std::min(bytes, size_);
    if (bytes == 0) return;
    size_ -= bytes;
    if (size_ > 0) std::memmove(storage_.data(), storage_.data() + bytes, size_);
  }

  // Keeps only the first `bytes`: a big argument's start moves out to a
  // block of its own (storage/string_block.h).
  void truncate(std::size_t bytes) { size_ = std::min(size_, bytes); }

  // Puts `bytes` back at `position` (a held request's big argument, when
  // CLIENT PAUSE makes it parse again); what followed moves up.
  void insert(std::size_t position, std::string_view bytes) {
    position = std::min(position, size_);
    if (capacity_ - size_ < bytes.size()) reallocate(size_ + bytes.size());
    std::memmove(storage_.data() + position + bytes.size(), storage_.data() + position,
                 size_ - position);
    std::memcpy(storage_.data() + position, bytes.data(), bytes.size());
    size_ += bytes.size();
  }

  // Gives the storage back when nothing is buffered and it grew past `keep`
  // (for one big request): an idle client should not hold it.
  void release_if_empty_and_above(std::size_t keep) {
    if (size_ == 0 && capacity_ > keep) {
      storage_.release();
      capacity_ = 0;
    }
  }

 private:
  void reallocate(std::size_t capacity) {
    storage_.grow(capacity, size_);
    capacity_ = capacity;
  }

  BufferStorage storage_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace mini_redis::protocol
