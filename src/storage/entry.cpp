// Entry: building and freeing the single block that holds a key and its value.
// See entry.h for the layout and why it is one block.
#include "storage/entry.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "common/integer_parsing.h"
#include "storage/memory.h"

namespace mini_redis::storage {

namespace {

// Redis keeps values of up to 44 bytes inside the object header ("embstr",
// object.c OBJ_ENCODING_EMBSTR_SIZE_LIMIT) because 44 + headers fills one
// 64-byte jemalloc size class. OBJECT ENCODING reports that choice, so we
// reproduce the threshold even though our layout differs.
constexpr std::size_t kEmbstrSizeLimit = 44;

// The block is aligned for Entry and the key and value bytes follow the header.
std::size_t block_size(std::size_t key_size, std::size_t value_capacity) {
  return sizeof(Entry) + key_size + value_capacity;
}

}  // namespace

Encoding encoding_for_value(std::string_view value) {
  // Redis (object.c tryObjectEncoding) stores a value as a number only when
  // converting it back gives the same bytes: "12" is "int", "012" and "+12"
  // stay strings. 20 chars is the longest int64 ("-9223372036854775808").
  if (value.size() <= 20 && parse_int64_strict(value).has_value()) return Encoding::integer;
  if (value.size() <= kEmbstrSizeLimit) return Encoding::embstr;
  return Encoding::raw;
}

void EntryDeleter::operator()(Entry* entry) const {
  // The header is trivially destructible: ending its lifetime is enough
  // before handing the block back to the allocator.
  entry->~Entry();
  ::operator delete(static_cast<void*>(entry));
}

EntryPtr make_entry(std::string_view key, std::string_view value, std::size_t value_capacity) {
  std::size_t wanted = std::max(value_capacity, value.size());
  // The allocator rounds every request up to a size class (jemalloc: 48, 64,
  // 80, ...). Those bytes are ours anyway, so give them to the value as spare
  // capacity: a short APPEND then often fits without moving the entry.
  std::size_t usable = allocation_size(block_size(key.size(), wanted));
  std::size_t capacity = usable - sizeof(Entry) - key.size();
  // The header stores sizes in 32 bits; values are capped at 512 MB by the
  // protocol (proto-max-bulk-len), far below this.
  capacity = std::min<std::size_t>(capacity, UINT32_MAX);

  void* block = ::operator new(block_size(key.size(), capacity));
  EntryPtr entry(new (block) Entry(key, static_cast<std::uint32_t>(capacity)));
  std::memcpy(entry->bytes(), key.data(), key.size());
  if (!value.empty()) std::memcpy(entry->value_bytes(), value.data(), value.size());
  entry->value_size_ = static_cast<std::uint32_t>(value.size());
  entry->encoding_ = encoding_for_value(value);
  return entry;
}

std::size_t grown_capacity(std::size_t needed) {
  constexpr std::size_t kMaxPreallocation = 1024 * 1024;  // Redis's SDS_MAX_PREALLOC
  return needed < kMaxPreallocation ? needed * 2 : needed + kMaxPreallocation;
}

}  // namespace mini_redis::storage
