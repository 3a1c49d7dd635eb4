// The value model: which types a key can hold, and how each is stored.
//
// Redis has one value type per key (TYPE answers it) and, per type, one or
// two encodings (OBJECT ENCODING answers that): a small value is packed into
// one compact block, a large one gets a structure that stays fast as it
// grows. We keep Redis 7.0's encodings and thresholds so that both answers,
// and the memory they cost, are the ones a Redis user knows:
//
//   type     encodings                     C++ object (src/types/)
//   string   int, embstr, raw              none: the bytes live in the Entry
//   list     quicklist                     types::Quicklist (listpack nodes)
//   hash     listpack -> hashtable         types::Hash
//   set      intset -> hashtable           types::Set
//   zset     listpack -> skiplist          types::SortedSet
//   stream   stream                        types::Stream (nodes of listpacks)
//
// A string is the common case and stays inside its Entry block (entry.h).
// Any other value is an object of the class in the table, in the entry's
// "slot", where a string keeps its bytes:
//   - a hash (16 bytes: a listpack or a dict pointer) sits in the slot
//     itself. One allocation fewer per hash key is what lets 100,000 small
//     hashes cost no more than in Redis (bench/RESULTS.md);
//   - a set (8 bytes: one tagged word, an intset's block or a dict
//     pointer; types/set.h says why) sits there too;
//   - a sorted set (16 bytes: a listpack or a skiplist pointer) likewise;
//   - a list is a heap object the slot points to: its std::list of nodes
//     must never move, while an entry block may (RENAME);
//   - a stream likewise: it is larger (counters, node index, groups) and
//     its consumer groups hold pointers into themselves.
// The functions below are the only places that switch over the types:
// placing, copying, moving, freeing and measuring an object. A new type adds
// a row to the table, a kObjectType line, and a case to each of them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mini_redis::types {
class Quicklist;
class Hash;
class Set;
class SortedSet;
class Stream;
}  // namespace mini_redis::types

namespace mini_redis::storage {

enum class ValueType : std::uint8_t { string, list, hash, set, zset, stream };

// What OBJECT ENCODING reports. For strings Redis decides when the value is
// stored: "int" for a canonical 64-bit integer (SET k 42, INCR), "embstr" for
// other values up to 44 bytes, "raw" for longer ones and for any value that
// was modified in place (APPEND, SETRANGE always leave "raw"). The other
// types' encodings are their objects' own.
enum class Encoding : std::uint8_t {
  integer,
  embstr,
  raw,
  quicklist,
  listpack,
  hashtable,
  intset,
  skiplist,
  stream
};

// The ValueType of each object class: kObjectType<types::Quicklist> is list.
template <class T>
inline constexpr ValueType kObjectType = ValueType::string;
template <>
inline constexpr ValueType kObjectType<types::Quicklist> = ValueType::list;
template <>
inline constexpr ValueType kObjectType<types::Hash> = ValueType::hash;
template <>
inline constexpr ValueType kObjectType<types::Set> = ValueType::set;
template <>
inline constexpr ValueType kObjectType<types::SortedSet> = ValueType::zset;
template <>
inline constexpr ValueType kObjectType<types::Stream> = ValueType::stream;

// The bytes a type's slot takes in its entry (8-byte aligned).
[[nodiscard]] std::size_t object_slot_size(ValueType type);
// The object in a filled slot.
[[nodiscard]] void* object_in_slot(ValueType type, void* slot);

// What storage does with an object without knowing its class. `slot` is
// an entry's empty (or, for destroy, filled) slot.
void move_object_into(ValueType type, void* object, void* slot);  // `object` is moved from
void clone_object_into(ValueType type, const void* object, void* slot);
void relocate_object(ValueType type, void* from_slot, void* to_slot);  // from_slot ends empty
void destroy_object(ValueType type, void* slot);
// Heap bytes the object holds beyond its slot (MEMORY USAGE).
[[nodiscard]] std::size_t object_memory_bytes(ValueType type, const void* object);
[[nodiscard]] Encoding object_encoding(ValueType type, const void* object);
// How many allocations freeing the object takes (lazy_free.h decides by it).
[[nodiscard]] std::size_t object_free_effort(ValueType type, const void* object);

}  // namespace mini_redis::storage
