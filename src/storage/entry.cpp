// Entry: building and freeing the single block that holds a key and its value.
// See entry.h for the layout and why it is one block.
#include "storage/entry.h"

#include <algorithm>
#include <cstring>
#include <new>

#include <sys/mman.h>

#include "common/integer_parsing.h"
#include "storage/mapped_blocks.h"
#include "storage/memory.h"
#include "storage/string_block.h"

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
  if (entry->type_ != ValueType::string) destroy_object(entry->type_, entry->object_slot());
  // The header is trivially destructible: ending its lifetime is enough
  // before handing the block back to the allocator.
  entry->~Entry();
  if (mapped::is_mapped(entry)) {
    mapped::unmap(entry);  // a huge string (mapped_blocks.h)
  } else {
    std::free(entry);
  }
}

Encoding Entry::encoding() const {
  return type_ == ValueType::string ? encoding_ : object_encoding(type_, object_pointer());
}

std::size_t Entry::value_capacity() const {
  const std::size_t block = mapped::is_mapped(this) ? mapped::usable(this) : usable_size(this);
  return block - sizeof(Entry) - key_size_ - value_gap_;
}

namespace {

// The slot's offset from the key's first byte: the key, rounded up to 8.
// The header is 40 bytes, so the key starts 8-byte aligned and so does the
// slot, which an object placed in it (a hash) needs.
std::size_t slot_offset(std::size_t key_size) {
  return (key_size + 7) & ~std::size_t{7};
}

}  // namespace

void* Entry::object_slot() const {
  return const_cast<char*>(bytes()) + slot_offset(key_size_);
}

void* Entry::object_pointer() const {
  return object_in_slot(type_, object_slot());
}

EntryPtr Entry::allocate(std::string_view key, std::size_t value_capacity) {
  // The allocator rounds every request up to a size class (jemalloc: 48, 64,
  // 80, ...). Those bytes are ours anyway: allocate the whole class, and
  // value_capacity() then gives them to the value as spare room, so a short
  // APPEND often fits without moving the entry.
  // malloc, not operator new, so that grow_string_entry() may realloc the block.
  std::size_t usable = allocation_size(block_size(key.size(), value_capacity));
  void* block = std::malloc(usable);
  if (block == nullptr) throw std::bad_alloc();
  EntryPtr entry(new (block) Entry(key));
  std::memcpy(entry->bytes(), key.data(), key.size());
  return entry;
}

Entry* grow_string_entry(Entry* entry, std::size_t value_capacity) {
  const std::size_t bytes = block_size(entry->key_size_, value_capacity) + entry->value_gap_;
  // A huge string grows in its own mapping (mapped_blocks.h): mremap moves
  // page tables, not bytes, so a loop of 1 MB APPENDs up to 512 MB never
  // copies the value nor holds it twice. A block crossing the threshold is
  // copied once into a fresh mapping.
  if (mapped::is_mapped(entry)) {
    return std::launder(static_cast<Entry*>(mapped::remap(entry, bytes)));
  }
  if (mapped::kEnabled && bytes >= mapped::kMappedFrom) {
    void* block = mapped::map(bytes);
    const std::size_t used =
        sizeof(Entry) + entry->key_size_ + entry->value_gap_ + entry->value_size_;
    std::memcpy(block, static_cast<const void*>(entry), used);  // header, key, value
    std::free(entry);
    return std::launder(static_cast<Entry*>(block));
  }
  // realloc() keeps the bytes (header, key, value) and, when the allocator
  // can, extends the block where it lies. If realloc fails the old block is
  // intact.
  void* grown = std::realloc(entry, allocation_size(bytes));
  if (grown == nullptr) throw std::bad_alloc();
  return std::launder(static_cast<Entry*>(grown));
}

EntryPtr make_entry(std::string_view key, std::string_view value, std::size_t value_capacity) {
  EntryPtr entry = Entry::allocate(key, std::max(value_capacity, value.size()));
  if (!value.empty()) std::memcpy(entry->value_bytes(), value.data(), value.size());
  entry->value_size_ = value.size();
  entry->encoding_ = encoding_for_value(value);
  return entry;
}

EntryPtr Entry::allocate_for_object(std::string_view key, ValueType type) {
  const std::size_t padding = slot_offset(key.size()) - key.size();
  return allocate(key, padding + object_slot_size(type));
}

EntryPtr make_object_entry(std::string_view key, ValueType type, void* object) {
  EntryPtr entry = Entry::allocate_for_object(key, type);
  move_object_into(type, object, entry->object_slot());
  entry->type_ = type;
  return entry;
}

EntryPtr copy_entry(const Entry& source, std::string_view key) {
  if (source.type_ == ValueType::string) {
    EntryPtr copy = make_entry(key, source.value());
    copy->encoding_ = source.encoding_;  // COPY keeps "raw" after an APPEND, as Redis
    return copy;
  }
  EntryPtr copy = Entry::allocate_for_object(key, source.type_);
  clone_object_into(source.type_, source.object_pointer(), copy->object_slot());
  copy->type_ = source.type_;
  return copy;
}

namespace {

// Where a header and a key of `key_size` bytes go in front of a value that
// starts `value_at` bytes into a mapping: the entry must sit at 8 modulo 16
// (mapped_blocks.h), so up to 15 bytes of gap come between key and value.
struct FrontPlacement {
  std::size_t gap;
  std::size_t entry_at;
};
FrontPlacement place_in_front(std::size_t value_at, std::size_t key_size) {
  const std::size_t front = sizeof(Entry) + key_size;
  // Unsigned arithmetic wraps modulo 2^64, a multiple of 16: the low four
  // bits come out right even when value_at < front.
  const std::size_t gap = (value_at - front - mapped::kHeader) & 15U;
  return {gap, value_at - front - gap};
}
// The room place_in_front needs before the value, at most.
std::size_t front_room(std::size_t key_size) {
  return mapped::kHeader + sizeof(Entry) + key_size + 15;
}

}  // namespace

EntryPtr adopt_string_block(std::string_view key, StringBlock& block) {
  const std::size_t value_at = StringBlock::value_offset();
  if (!mapped::kEnabled || block.base_ == nullptr || !block.complete() ||
      front_room(key.size()) > value_at) {
    // No mapping to keep (a sanitizer build), or a key too long for the
    // page in front of the value: copy, as for any argument. The block
    // stays as it is: the command's arguments still point into it (the
    // slowlog, MONITOR and the AOF read them after the handler), and the
    // connection frees it once the command is over.
    return make_entry(key, block.value());
  }
  const FrontPlacement where = place_in_front(value_at, key.size());
  char* base = block.base_;
  mapped::set_mapping_length(base, block.mapping_length_);
  EntryPtr entry(new (base + where.entry_at) Entry(key));
  std::memcpy(entry->bytes(), key.data(), key.size());
  entry->value_gap_ = static_cast<std::uint8_t>(where.gap);
  entry->value_size_ = block.length_;
  entry->encoding_ = encoding_for_value(entry->value());
  // The mapping (and its share of mapped_memory_counter) is the entry's now.
  block.base_ = nullptr;
  block = StringBlock{};
  return entry;
}

// RENAME of a huge string: the value stays in its mapping and only a new
// header and key are written in front of it. Copying it into a block for
// the new key, as for a short string, stalled the loop ~450 ms for 512 MB
// (bench/stalls/big_set.py). When the new key needs more room in front than
// there is, pages are added in front: a fresh mapping, into whose tail
// mremap moves the old pages (no copy); when it needs far less, the pages
// before it are given back.
EntryPtr rekey_entry(EntryPtr entry, std::string_view key) {
  if (entry->type_ == ValueType::string && mapped::is_mapped(entry.get())) {
    // The old header may lie where the new key goes: keep what it says.
    const std::uint64_t value_size = entry->value_size_;
    const Encoding encoding = entry->encoding_;
    const std::int64_t expire_at_ms = entry->expire_at_ms_;
    const std::uint32_t access = entry->access_;
    char* base = mapped::base_of(entry.get());
    std::size_t length = mapped::mapping_length(entry.get());
    auto value_at = static_cast<std::size_t>(entry->value_bytes() - base);
    if (value_at < front_room(key.size())) {
      const std::size_t extra = mapped::page_rounded(front_room(key.size()) - value_at);
      void* region = ::mmap(nullptr, extra + length, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (region == MAP_FAILED) throw std::bad_alloc();
      void* moved = ::mremap(base, length, length, MREMAP_MAYMOVE | MREMAP_FIXED,
                             static_cast<char*>(region) + extra);
      if (moved == MAP_FAILED) {
        ::munmap(region, extra + length);
        throw std::bad_alloc();  // `entry` still owns the intact old mapping
      }
      mapped::bytes_counter().fetch_add(extra, std::memory_order_relaxed);
      base = static_cast<char*>(region);
      length += extra;
      value_at += extra;
    }
    static_cast<void>(entry.release());  // its pages are the new entry's now
    FrontPlacement where = place_in_front(value_at, key.size());
    const std::size_t page = mapped::page_size();
    if (where.entry_at >= page) {
      const std::size_t drop = where.entry_at / page * page;
      ::munmap(base, drop);
      mapped::bytes_counter().fetch_sub(drop, std::memory_order_relaxed);
      base += drop;
      length -= drop;
      where.entry_at -= drop;
    }
    mapped::set_mapping_length(base, length);
    EntryPtr moved(new (base + where.entry_at) Entry(key));
    std::memcpy(moved->bytes(), key.data(), key.size());
    moved->value_gap_ = static_cast<std::uint8_t>(where.gap);
    moved->value_size_ = value_size;
    moved->encoding_ = encoding;
    moved->expire_at_ms_ = expire_at_ms;
    moved->access_ = access;
    return moved;
  }
  // A string's bytes are copied; an object moves to the new block's slot
  // (a hash is moved, a list's pointer copied). The old block then must not
  // free the object.
  EntryPtr moved;
  if (entry->type_ == ValueType::string) {
    moved = Entry::allocate(key, entry->value_size_);
    std::memcpy(moved->value_bytes(), entry->value_bytes(), entry->value_size_);
  } else {
    moved = Entry::allocate_for_object(key, entry->type_);
    relocate_object(entry->type_, entry->object_slot(), moved->object_slot());
  }
  moved->value_size_ = entry->value_size_;
  moved->type_ = entry->type_;
  moved->encoding_ = entry->encoding_;
  moved->expire_at_ms_ = entry->expire_at_ms_;
  moved->access_ = entry->access_;
  entry->type_ = ValueType::string;  // the object now belongs to `moved`
  return moved;
}

std::size_t memory_bytes(const Entry& entry) {
  const std::size_t block =
      mapped::is_mapped(&entry) ? mapped::mapping_length(&entry) : usable_size(&entry);
  if (entry.type_ == ValueType::string) return block;
  return block + object_memory_bytes(entry.type_, entry.object_pointer());
}

std::size_t grown_capacity(std::size_t needed) {
  constexpr std::size_t kMaxPreallocation = 1024 * 1024;  // Redis's SDS_MAX_PREALLOC
  return needed < kMaxPreallocation ? needed * 2 : needed + kMaxPreallocation;
}

}  // namespace mini_redis::storage
