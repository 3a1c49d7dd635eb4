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
//   - Growing does not zero-fill: the new storage comes from
//     make_unique_for_overwrite, and the pages a read never writes are never
//     touched, so they cost address space, not RAM.
//
// This is not a ring buffer: consumed bytes are moved to the front once per
// batch of requests (consume), which costs only the unfinished tail.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>

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

class QueryBuffer {
 public:
  // The bytes received and not consumed yet.
  [[nodiscard]] std::string_view unparsed() const { return {storage_.get(), size_}; }
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
    return {storage_.get() + size_,
            still_needed >= kBigArgument ? free_space : std::min(free_space, kMaxRead)};
  }

  // `bytes` of the space prepare_read() returned now hold received data.
  void commit(std::size_t bytes) { size_ += std::min(bytes, capacity_ - size_); }

  // Drops the first `bytes` (requests that have run); the rest moves to the front.
  void consume(std::size_t bytes) {
    bytes = std::min(bytes, size_);
    if (bytes == 0) return;
    size_ -= bytes;
    if (size_ > 0) std::memmove(storage_.get(), storage_.get() + bytes, size_);
  }

  // Gives the storage back when nothing is buffered and it grew past `keep`
  // (for one big request): an idle client should not hold it.
  void release_if_empty_and_above(std::size_t keep) {
    if (size_ == 0 && capacity_ > keep) {
      storage_.reset();
      capacity_ = 0;
    }
  }

 private:
  void reallocate(std::size_t capacity) {
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_ > 0) std::memcpy(bigger.get(), storage_.get(), size_);
    storage_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> storage_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace mini_redis::protocol
