// The switch over the object types, in one place. See object.h.
#include "storage/object.h"

#include <cstring>
#include <memory>
#include <new>
#include <utility>

#include "types/hash.h"
#include "types/quicklist.h"
#include "types/set.h"
#include "types/sorted_set.h"
#include "types/stream.h"

namespace mini_redis::storage {

namespace {

// Calls `action` with a null pointer of the class `type` uses, to pick the
// class (the pointer itself is never read).
template <class Action>
decltype(auto) with_class(ValueType type, Action&& action) {
  switch (type) {
    case ValueType::list: return action(static_cast<types::Quicklist*>(nullptr));
    case ValueType::hash: return action(static_cast<types::Hash*>(nullptr));
    case ValueType::set: return action(static_cast<types::Set*>(nullptr));
    case ValueType::zset: return action(static_cast<types::SortedSet*>(nullptr));
    case ValueType::stream: return action(static_cast<types::Stream*>(nullptr));
    case ValueType::string: break;
  }
  // Strings have no object; reaching here is a bug in the caller.
  __builtin_unreachable();
}

// Hashes, sets and sorted sets live in their slot; lists behind a pointer
// in it (see object.h).
template <class T>
constexpr bool kInline = std::is_same_v<T, types::Hash> || std::is_same_v<T, types::Set> ||
                         std::is_same_v<T, types::SortedSet>;

// A pointer slot may start anywhere after the key: read and write it with
// memcpy. (Inline slots are 8-byte aligned by the entry.)
void* load_pointer(const void* slot) {
  void* object = nullptr;
  std::memcpy(static_cast<void*>(&object), slot, sizeof(object));
  return object;
}
void store_pointer(void* slot, void* object) {
  std::memcpy(slot, static_cast<const void*>(&object), sizeof(object));
}

}  // namespace

std::size_t object_slot_size(ValueType type) {
  return with_class(type, []<class T>(T*) { return kInline<T> ? sizeof(T) : sizeof(void*); });
}

void* object_in_slot(ValueType type, void* slot) {
  return with_class(type, [slot]<class T>(T*) { return kInline<T> ? slot : load_pointer(slot); });
}

void move_object_into(ValueType type, void* object, void* slot) {
  with_class(type, [object, slot]<class T>(T*) {
    T& source = *static_cast<T*>(object);
    if constexpr (kInline<T>) {
      new (slot) T(std::move(source));
    } else {
      store_pointer(slot, new T(std::move(source)));
    }
  });
}

void clone_object_into(ValueType type, const void* object, void* slot) {
  with_class(type, [object, slot]<class T>(T*) {
    const T& source = *static_cast<const T*>(object);
    if constexpr (kInline<T>) {
      new (slot) T(source.clone());
    } else {
      store_pointer(slot, new T(source.clone()));
    }
  });
}

void relocate_object(ValueType type, void* from_slot, void* to_slot) {
  with_class(type, [from_slot, to_slot]<class T>(T*) {
    if constexpr (kInline<T>) {
      T& source = *static_cast<T*>(from_slot);
      new (to_slot) T(std::move(source));
      std::destroy_at(&source);
    } else {
      store_pointer(to_slot, load_pointer(from_slot));  // the object stays put
    }
  });
}

void destroy_object(ValueType type, void* slot) {
  with_class(type, [slot]<class T>(T*) {
    if constexpr (kInline<T>) {
      std::destroy_at(static_cast<T*>(slot));
    } else {
      delete static_cast<T*>(load_pointer(slot));
    }
  });
}

std::size_t object_memory_bytes(ValueType type, const void* object) {
  return with_class(type, [object]<class T>(T*) {
    // What the object holds on the heap; a pointed-to object is on the heap
    // itself, while an inline one is part of its entry's block already.
    const std::size_t held = static_cast<const T*>(object)->memory_bytes();
    return kInline<T> ? held : held + sizeof(T);
  });
}

std::size_t object_free_effort(ValueType type, const void* object) {
  return with_class(type, [object]<class T>(T*) -> std::size_t {
    // A class that does not say is freed in one step (one allocation).
    if constexpr (requires(const T& value) { value.free_effort(); }) {
      return static_cast<const T*>(object)->free_effort();
    } else {
      return 1;
    }
  });
}

Encoding object_encoding(ValueType type, const void* object) {
  if (type == ValueType::list) return Encoding::quicklist;  // Redis 7.0 reports nothing else
  if (type == ValueType::stream) return Encoding::stream;    // one encoding only
  if (type == ValueType::set) {
    const auto& set = *static_cast<const types::Set*>(object);
    return set.encoding() == types::Set::Encoding::intset ? Encoding::intset : Encoding::hashtable;
  }
  if (type == ValueType::zset) {
    const auto& zset = *static_cast<const types::SortedSet*>(object);
    return zset.encoding() == types::SortedSet::Encoding::listpack ? Encoding::listpack
                                                                   : Encoding::skiplist;
  }
  const auto& hash = *static_cast<const types::Hash*>(object);
  return hash.encoding() == types::Hash::Encoding::listpack ? Encoding::listpack
                                                            : Encoding::hashtable;
}

}  // namespace mini_redis::storage
