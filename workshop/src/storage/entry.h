// Workshop copy of src/storage/entry.h, made by workshop/generate.py, to read:
// the workshop build uses it in place of the original. Nothing to write here.
// Entry: one key and its value, stored in a single allocation.
//
// Memory per key is what decides how many keys fit in a machine, so an entry
// is one heap block laid out as
//
//     [ header | key bytes | value bytes (+ spare capacity) ]
//
// instead of a node, a std::string key and a std::string value (three blocks,
// each with its own header). Redis does the same in spirit with its "embstr"
// objects. The header also carries the hash-chain link (`next`), the expire
// time and the last access time, so the hash table needs no node of its own.
//
// What that buys: the header is 40 bytes, so a 16-byte key with a 16-byte
// value is a 72-byte block, served from jemalloc's 80-byte size class (the 8
// spare bytes become value capacity). With one 8-byte bucket pointer per key
// at a load factor between 0.5 and 1, a key costs 88-96 bytes; measured at
// 1M keys, 88.4 bytes. (Redis 7.0 spends about 112: a 32-byte dictEntry, a
// 24-byte key sds and a 48-byte embstr object, plus its bucket.)
//
// Strings live in the block itself. Every other type (list, hash...) keeps a
// pointer to its types/ object where a string keeps its bytes, and the
// object's memory is its own (storage/object.h says which class each type
// uses). `type()` is what TYPE, the WRONGTYPE checks and OBJECT ENCODING ask.
//
// Sizes are 64-bit: a client may raise proto-max-bulk-len past 4 GiB and
// SETRANGE a value that far (Redis answers :4294967297), so a 32-bit size
// would wrap and write past the block. The block's capacity is not stored:
// the allocator knows how big the block it handed out is (usable_size),
// which keeps the header at 40 bytes.
//
// An entry's key never changes. Its value may grow past the block's capacity
// (APPEND, SETRANGE): then the Database moves it into a bigger block, which is
// why commands hold an Entry* only until they next modify the database.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "storage/object.h"
#include "types/hash_table.h"

namespace mini_redis::storage {

// The encoding Redis picks for a value stored by SET and friends.
Encoding encoding_for_value(std::string_view value);

inline constexpr std::int64_t kNoExpire = -1;
inline constexpr std::uint32_t kNotExpiring = UINT32_MAX;

class Entry;
class StringBlock;  // string_block.h: a big argument read into a mapping
struct EntryDeleter;
using EntryPtr = std::unique_ptr<Entry, EntryDeleter>;

class Entry : public types::HashNode {  // HashNode: the hash-chain link, first in the header
 public:
  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  [[nodiscard]] std::string_view key() const { return {bytes(), key_size_}; }
  // A string's bytes. Only for type() == ValueType::string.
  [[nodiscard]] std::string_view value() const {
    return {bytes() + key_size_ + value_gap_, value_size_};
  }
  [[nodiscard]] ValueType type() const { return type_; }
  // What OBJECT ENCODING reports: kept for strings, asked of the object for
  // the other types (a hash knows whether it is still a listpack).
  [[nodiscard]] Encoding encoding() const;

  // The list, hash... this entry holds: object<types::Quicklist>() for a
  // list. The caller has checked type() (a wrong T is a bug, not a user error).
  template <class T>
  [[nodiscard]] T& object() const {
    static_assert(kObjectType<T> != ValueType::string);
    return *static_cast<T*>(object_pointer());
  }

  [[nodiscard]] bool has_expire() const { return expire_at_ms_ != kNoExpire; }
  // Absolute Unix time in milliseconds, or kNoExpire.
  [[nodiscard]] std::int64_t expire_at_ms() const { return expire_at_ms_; }
  // Unix seconds of the last read or write (for OBJECT IDLETIME), when the
  // database tracks accesses as LRU; under LFU the same field holds the
  // access counter instead (see access_tracking.h and Database).
  [[nodiscard]] std::uint32_t access_time_s() const { return access_; }

 private:
  friend class Database;
  friend struct EntryDeleter;
  friend EntryPtr make_entry(std::string_view key, std::string_view value,
                             std::size_t value_capacity);
  friend EntryPtr make_object_entry(std::string_view key, ValueType type, void* object);
  friend EntryPtr copy_entry(const Entry& source, std::string_view key);
  friend EntryPtr rekey_entry(EntryPtr entry, std::string_view key);
  friend Entry* grow_string_entry(Entry* entry, std::size_t value_capacity);
  friend EntryPtr adopt_string_block(std::string_view key, StringBlock& block);
  friend std::size_t memory_bytes(const Entry& entry);
  friend std::size_t free_effort(const Entry& entry);

  explicit Entry(std::string_view key) : key_size_(static_cast<std::uint32_t>(key.size())) {}
  // A block for `key` with room for `value_capacity` value bytes, header
  // constructed and key copied; the value is the caller's to write.
  static EntryPtr allocate(std::string_view key, std::size_t value_capacity);
  // A block for `key` with an empty slot for a `type` object: the caller
  // fills the slot, then sets the type (so that a failure before leaves a
  // block the deleter frees as a string).
  static EntryPtr allocate_for_object(std::string_view key, ValueType type);

  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  [[nodiscard]] const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
  char* value_bytes() { return bytes() + key_size_ + value_gap_; }
  // How many value bytes fit in this block without moving it.
  [[nodiscard]] std::size_t value_capacity() const;
  // Where a non-string value's object (or the pointer to it) lives: the
  // first 8-byte boundary after the key (see object.h).
  [[nodiscard]] void* object_slot() const;
  [[nodiscard]] void* object_pointer() const;

  std::int64_t expire_at_ms_ = kNoExpire;
  std::uint64_t value_size_ = 0;
  std::uint32_t key_size_;
  std::uint32_t expiring_slot_ = kNotExpiring;  // index in Database's list of keys with a TTL
  std::uint32_t access_ = 0;                    // LRU seconds or LFU minutes << 8 | counter
  ValueType type_ = ValueType::string;
  Encoding encoding_ = Encoding::embstr;
  // Bytes between the key and a string's value: 0 except in a mapped block
  // whose value was placed first (an adopted argument, a renamed key), where
  // up to 15 bytes align the header before it (mapped_blocks.h).
  std::uint8_t value_gap_ = 0;
};
// The header size the memory figures above are computed from.
static_assert(sizeof(Entry) == 40);

// Frees an entry made by make_entry (the block was sized by hand).
struct EntryDeleter {
  void operator()(Entry* entry) const;
};

// A new entry holding `key` and `value`, with room for the value to grow to
// `value_capacity` bytes (at least value.size()).
EntryPtr make_entry(std::string_view key, std::string_view value, std::size_t value_capacity = 0);

// A new entry of a non-string `type` that takes over `object` (moved from;
// the caller still destroys what is left of it).
EntryPtr make_object_entry(std::string_view key, ValueType type, void* object);

// A deep copy of `source`'s value under `key` (COPY): the same type and
// encoding, a new object. Neither the TTL nor the access history is copied.
EntryPtr copy_entry(const Entry& source, std::string_view key);

// The same value under another key (RENAME): the object, TTL and access
// history move to a new block; `entry` is consumed. A huge string stays
// where it is: only its header and key are rewritten in front of it.
EntryPtr rekey_entry(EntryPtr entry, std::string_view key);

// A string entry for SET of a big argument (commands/core/context.h): the
// block the argument was read into becomes the entry, its value left where
// it lies, when the block is a mapping with room for the header and `key`
// in front of the value (string_block.h). Otherwise the value is copied
// into a new entry, as make_entry does. Adopted, `block` is left empty;
// copied, it is left as it was (its bytes are still the command's argument).
EntryPtr adopt_string_block(std::string_view key, StringBlock& block);

// The bytes `entry` holds: its block as the allocator sized it, plus its
// list's or hash's object (MEMORY USAGE).
std::size_t memory_bytes(const Entry& entry);

// The capacity to reserve when a value must grow to `needed` bytes (APPEND,
// SETRANGE). Like Redis's sds (sdsMakeRoomFor): double while under 1 MB, then
// add 1 MB, so small values are regrown O(log n) times; past 1 MB the block
// grows in place (grow_string_entry), so regrowing stays cheap.
std::size_t grown_capacity(std::size_t needed);

// The string entry `entry`, its block resized to hold `value_capacity` value
// bytes (realloc: in place when the allocator can, else moved). The old
// pointer is dead afterwards; whoever linked to it must relink (Database does,
// through HashTable::relocate). Throws std::bad_alloc and leaves `entry` as it
// was if there is no memory.
Entry* grow_string_entry(Entry* entry, std::size_t value_capacity);

}  // namespace mini_redis::storage
