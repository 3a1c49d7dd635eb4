// StringBlock: a big argument read from a client straight into memory that
// can become a string entry as it is, so that `SET k <512 MB>` never copies
// the value.
//
// Arguments are normally views into the connection's query buffer, and SET
// copies the value into its entry (entry.h). For a huge value that copy is
// the whole cost of the command: 512 MB took ~460 ms of the event loop
// (every other client waited) and, for that moment, twice the value in RAM
// (bench/stalls/big_set.py). Redis avoids it: a bulk argument of 32 KB or
// more (PROTO_MBULK_BIG_ARG) is read into a buffer of its own, exactly
// sized, and SET keeps that buffer as the value (networking.c,
// processMultibulkBuffer; t_string.c then stores the object as it is).
//
// We do the same for arguments of kMinimumLength bytes or more. The block is
// an anonymous mapping laid out like a huge string entry (mapped_blocks.h)
// whose value starts one page in:
//
//     [8 bytes: length][ ... room for the Entry header and the key ... ][value][\r\n]
//     ^ page 0                                                          ^ page 1
//
// The connection reads the argument's bytes into the value (and the CRLF
// after it); SET then writes the header and the key in front of the value
// (adopt_string_block, entry.cpp) and the mapping is the entry. A key too
// long for the first page, or a command that does not store the argument,
// leaves the block to be freed after the command, as Redis frees an argv.
//
// Memory follows the bytes that arrived, not the length announced: the
// mapping starts small and grows (mremap, no copy) by four as it fills, up
// to the announced length. Its size counts in used_memory
// (common/mapped_memory.h). Sanitizer builds keep every entry in malloc'd
// blocks (mapped_blocks.h says why), so there SET copies the value out of
// the block: the reading is the same, the adoption is not.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "storage/entry.h"
#include "storage/mapped_blocks.h"

namespace mini_redis::storage {

class StringBlock {
 public:
  // Arguments this long or longer are read into a block: below it a copy
  // costs less than the mapping's system calls (1 MiB: ~0.05 ms).
  static constexpr std::size_t kMinimumLength = mapped::kMappedFrom;

  StringBlock() = default;
  // A block expecting a `length`-byte argument and the CRLF after it.
  explicit StringBlock(std::size_t length) : length_(length) {}
  ~StringBlock() { release(); }
  StringBlock(const StringBlock&) = delete;
  StringBlock& operator=(const StringBlock&) = delete;
  StringBlock(StringBlock&& other) noexcept { take_from(other); }
  StringBlock& operator=(StringBlock&& other) noexcept {
    if (this != &other) {
      release();
      take_from(other);
    }
    return *this;
  }

  // Where the next bytes go: never past the argument's CRLF, so a read into
  // it takes nothing of the next request. Grows the mapping when full.
  // Throws std::bad_alloc if the mapping cannot grow.
  std::span<char> free_space();
  // `bytes` of the space free_space() returned now hold received data.
  void commit(std::size_t bytes);
  // Copies `bytes` in (what had arrived in the query buffer already).
  void append(std::string_view bytes);

  [[nodiscard]] bool complete() const { return received_ >= length_ + 2; }
  [[nodiscard]] std::size_t received() const { return received_; }
  // Bytes the mapping has room for, received or not (CLIENT LIST, limits).
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  // The argument (valid once complete()).
  [[nodiscard]] std::string_view value() const { return {data(), length_}; }

  // Where the value starts in the mapping: one page in.
  static std::size_t value_offset() { return mapped::page_size(); }

 private:
  friend EntryPtr adopt_string_block(std::string_view key, StringBlock& block);

  [[nodiscard]] char* data() const { return base_ + value_offset(); }
  void grow(std::size_t capacity);
  void release();
  void take_from(StringBlock& other) noexcept;

  char* base_ = nullptr;            // the mapping, or null before the first byte
  std::size_t mapping_length_ = 0;  // its length in bytes (page-rounded)
  std::size_t capacity_ = 0;        // bytes of value (and CRLF) it has room for
  std::size_t length_ = 0;          // the argument's announced length
  std::size_t received_ = 0;
};

// The big arguments of the request a connection is reading, in order. A
// command finds its own through the Context (commands/core/context.h) to
// adopt one; the connection frees the rest once the command has run.
class BigArguments {
 public:
  // A block for the argument announced `length` bytes long, which started
  // `input_offset` bytes into its request (the connection may have to put
  // it back there: CLIENT PAUSE holds a request to parse it again later).
  StringBlock& add(std::size_t length, std::size_t input_offset) {
    blocks_.emplace_back(length);
    offsets_.push_back(input_offset);
    return blocks_.back();
  }
  // The block whose value `argument` is (the very bytes), or null. Cheap on
  // the common path: an ordinary command has no blocks.
  StringBlock* find(std::string_view argument) {
    for (StringBlock& block : blocks_) {
      if (block.complete() && block.value().data() == argument.data() &&
          block.value().size() == argument.size()) {
        return &block;
      }
    }
    return nullptr;
  }
  [[nodiscard]] bool empty() const { return blocks_.empty(); }
  [[nodiscard]] std::size_t size() const { return blocks_.size(); }
  StringBlock& operator[](std::size_t i) { return blocks_[i]; }
  [[nodiscard]] std::size_t input_offset(std::size_t i) const { return offsets_[i]; }
  StringBlock& back() { return blocks_.back(); }
  void clear() {
    blocks_.clear();
    offsets_.clear();
  }
  // What the blocks hold and have room for (query-buffer limit, CLIENT LIST).
  [[nodiscard]] std::size_t received_bytes() const;
  [[nodiscard]] std::size_t capacity_bytes() const;

 private:
  std::vector<StringBlock> blocks_;
  std::vector<std::size_t> offsets_;
};

}  // namespace mini_redis::storage
