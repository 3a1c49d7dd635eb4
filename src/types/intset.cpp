// Intset: the block, its binary search and its upgrade. See intset.h for the
// layout and the costs.
#include "types/intset.h"

#include <malloc.h>

#include <cstring>
#include <limits>
#include <new>

namespace mini_redis::types {

namespace {

constexpr std::size_t kWidth16 = 2;
constexpr std::size_t kWidth32 = 4;
constexpr std::size_t kWidth64 = 8;
constexpr unsigned kBitsPerByte = 8;
// The header of an empty intset, for bytes() when nothing is allocated.
constexpr std::uint8_t kEmptyHeader[Intset::kHeaderSize] = {kWidth16, 0, 0, 0, 0, 0, 0, 0};

// The narrowest width that holds `value` (Redis's _intsetValueEncoding).
std::size_t width_for(std::int64_t value) {
  if (value >= std::numeric_limits<std::int16_t>::min() &&
      value <= std::numeric_limits<std::int16_t>::max()) {
    return kWidth16;
  }
  if (value >= std::numeric_limits<std::int32_t>::min() &&
      value <= std::numeric_limits<std::int32_t>::max()) {
    return kWidth32;
  }
  return kWidth64;
}

// Little-endian byte by byte, so the block means the same on any machine
// (an RDB file written here loads on a big-endian Redis).
std::uint64_t read_le(const std::uint8_t* at, std::size_t width) {
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < width; ++i) bits |= std::uint64_t{at[i]} << (kBitsPerByte * i);
  return bits;
}

void write_le(std::uint8_t* at, std::uint64_t bits, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i)
    at[i] = static_cast<std::uint8_t>(bits >> (kBitsPerByte * i));
}

// A member stored in `width` bytes, sign-extended back to 64 bits.
std::int64_t read_member(const std::uint8_t* at, std::size_t width) {
  const std::uint64_t bits = read_le(at, width);
  switch (width) {
    case kWidth16: return static_cast<std::int16_t>(bits);
    case kWidth32: return static_cast<std::int32_t>(bits);
    default: return static_cast<std::int64_t>(bits);
  }
}

void write_member(std::uint8_t* at, std::int64_t value, std::size_t width) {
  // Truncating two's complement keeps the low `width` bytes, which is the
  // value itself whenever it fits (and the caller made sure it does).
  write_le(at, static_cast<std::uint64_t>(value), width);
}

}  // namespace

Intset Intset::clone() const {
  Intset copy;
  if (!blob_) return copy;
  const std::span<const std::uint8_t> block = bytes();
  copy.resize(width(), size());
  std::memcpy(copy.blob_.get(), block.data(), block.size());
  return copy;
}

std::optional<Intset> Intset::from_bytes(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kHeaderSize) return std::nullopt;
  const std::size_t width = read_le(bytes.data(), 4);
  const std::size_t length = read_le(bytes.data() + 4, 4);
  if (width != kWidth16 && width != kWidth32 && width != kWidth64) return std::nullopt;
  // Redis refuses an empty intset: no set key is ever empty.
  if (length == 0 || (bytes.size() - kHeaderSize) / width != length ||
      (bytes.size() - kHeaderSize) % width != 0) {
    return std::nullopt;
  }
  const std::uint8_t* members = bytes.data() + kHeaderSize;
  for (std::size_t i = 1; i < length; ++i) {
    if (read_member(members + (i - 1) * width, width) >= read_member(members + i * width, width)) {
      return std::nullopt;  // out of order, or a member twice
    }
  }
  Intset loaded;
  loaded.resize(width, length);
  std::memcpy(loaded.blob_.get(), bytes.data(), bytes.size());
  return loaded;
}

std::size_t Intset::size() const {
  return blob_ ? read_le(blob_.get() + 4, 4) : 0;
}

std::size_t Intset::width() const {
  return blob_ ? read_le(blob_.get(), 4) : kWidth16;
}

std::uint8_t* Intset::contents() {
  return blob_.get() + kHeaderSize;
}
const std::uint8_t* Intset::contents() const {
  return blob_.get() + kHeaderSize;
}

std::int64_t Intset::at(std::size_t index) const {
  const std::size_t member_width = width();
  return read_member(contents() + index * member_width, member_width);
}

Intset::Position Intset::search(std::int64_t value) const {
  const std::size_t length = size();
  if (length == 0) return {0, false};
  // The ends first, as Redis does: appending ascending numbers (the usual
  // way a set of ids grows) then costs no search at all.
  if (value > at(length - 1)) return {length, false};
  if (value < at(0)) return {0, false};
  std::size_t low = 0;
  std::size_t high = length;  // the answer is in [low, high)
  while (low < high) {
    const std::size_t middle = low + (high - low) / 2;
    const std::int64_t member = at(middle);
    if (member == value) return {middle, true};
    if (member < value) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return {low, false};
}

bool Intset::contains(std::int64_t value) const {
  // A value wider than the block's width cannot be in it.
  return width_for(value) <= width() && search(value).found;
}

void Intset::set_header(std::size_t width, std::size_t length) {
  write_le(blob_.get(), width, 4);
  write_le(blob_.get() + 4, length, 4);
}

void Intset::resize(std::size_t width, std::size_t length) {
  const std::size_t block_size = kHeaderSize + width * length;
  void* grown = std::realloc(blob_.get(), block_size);
  if (grown == nullptr) throw std::bad_alloc();
  (void)blob_.release();  // realloc freed or kept the old block
  blob_.reset(static_cast<std::uint8_t*>(grown));
}

bool Intset::insert(std::int64_t value) {
  const std::size_t old_width = width();
  if (width_for(value) > old_width) {
    upgrade_and_add(value);
    return true;
  }
  const Position position = search(value);
  if (position.found) return false;
  const std::size_t length = size();
  resize(old_width, length + 1);
  std::uint8_t* slot = contents() + position.index * old_width;
  std::memmove(slot + old_width, slot, (length - position.index) * old_width);
  write_member(slot, value, old_width);
  set_header(old_width, length + 1);
  return true;
}

void Intset::upgrade_and_add(std::int64_t value) {
  const std::size_t old_width = width();
  const std::size_t new_width = width_for(value);
  const std::size_t length = size();
  // Too wide for the block, so beyond every member: first if negative.
  const std::size_t shift = value < 0 ? 1 : 0;
  resize(new_width, length + 1);
  // Back to front: each member moves to a higher offset than it was read
  // from, so going backwards never overwrites a member not yet moved.
  for (std::size_t i = length; i-- > 0;) {
    const std::int64_t member = read_member(contents() + i * old_width, old_width);
    write_member(contents() + (i + shift) * new_width, member, new_width);
  }
  write_member(contents() + (shift == 1 ? 0 : length) * new_width, value, new_width);
  set_header(new_width, length + 1);
}

bool Intset::erase(std::int64_t value) {
  const std::size_t member_width = width();
  if (width_for(value) > member_width) return false;
  const Position position = search(value);
  if (!position.found) return false;
  const std::size_t index = position.index;
  const std::size_t length = size();
  std::uint8_t* slot = contents() + index * member_width;
  std::memmove(slot, slot + member_width, (length - index - 1) * member_width);
  set_header(member_width, length - 1);
  resize(member_width, length - 1);
  return true;
}

std::span<const std::uint8_t> Intset::bytes() const {
  if (!blob_) return {kEmptyHeader, kHeaderSize};
  return {blob_.get(), kHeaderSize + width() * size()};
}

std::size_t Intset::allocated_bytes() const {
  return blob_ ? malloc_usable_size(blob_.get()) : 0;
}

}  // namespace mini_redis::types
