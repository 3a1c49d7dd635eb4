// StringBlock: reading a big argument into a mapping. See string_block.h.
#include "storage/string_block.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

namespace mini_redis::storage {

namespace {

// The first mapping's room: what the first reads bring is far less than a
// big argument, and growth by four reaches 512 MB in 9 steps.
constexpr std::size_t kFirstCapacity = std::size_t{1} << 20;
constexpr std::size_t kGrowthFactor = 4;

}  // namespace

void StringBlock::grow(std::size_t capacity) {
  const std::size_t length = mapped::page_rounded(value_offset() + capacity);
  void* base = nullptr;
  if (base_ == nullptr) {
    base = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  } else {
    // The same pages under a bigger range: what arrived is not copied.
    base = ::mremap(base_, mapping_length_, length, MREMAP_MAYMOVE);
  }
  if (base == MAP_FAILED) throw std::bad_alloc();
  mapped_memory_counter().fetch_add(length - mapping_length_, std::memory_order_relaxed);
  base_ = static_cast<char*>(base);
  mapping_length_ = length;
  capacity_ = length - value_offset();  // the page rounding is room too
}

std::span<char> StringBlock::free_space() {
  const std::size_t total = length_ + 2;
  if (received_ >= total) return {};
  if (received_ == capacity_) {
    grow(std::min(total, std::max(kFirstCapacity, capacity_ * kGrowthFactor)));
  }
  return {data() + received_, std::min(capacity_, total) - received_};
}

void StringBlock::commit(std::size_t bytes) {
  received_ += std::min(bytes, std::min(capacity_, length_ + 2) - received_);
}

void StringBlock::append(std::string_view bytes) {
  while (!bytes.empty()) {
    const std::span<char> space = free_space();
    if (space.empty()) return;  // past the CRLF: not ours
    const std::size_t here = std::min(space.size(), bytes.size());
    std::memcpy(space.data(), bytes.data(), here);
    commit(here);
    bytes.remove_prefix(here);
  }
}

void StringBlock::release() {
  if (base_ != nullptr) {
    ::munmap(base_, mapping_length_);
    mapped_memory_counter().fetch_sub(mapping_length_, std::memory_order_relaxed);
  }
  base_ = nullptr;
  mapping_length_ = capacity_ = received_ = 0;
}

void StringBlock::take_from(StringBlock& other) noexcept {
  base_ = std::exchange(other.base_, nullptr);
  mapping_length_ = std::exchange(other.mapping_length_, 0);
  capacity_ = std::exchange(other.capacity_, 0);
  length_ = std::exchange(other.length_, 0);
  received_ = std::exchange(other.received_, 0);
}

std::size_t BigArguments::received_bytes() const {
  std::size_t total = 0;
  for (const StringBlock& block : blocks_) total += block.received();
  return total;
}

std::size_t BigArguments::capacity_bytes() const {
  std::size_t total = 0;
  for (const StringBlock& block : blocks_) total += block.capacity();
  return total;
}

}  // namespace mini_redis::storage
