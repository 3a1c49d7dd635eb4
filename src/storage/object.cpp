// The switch over the object types, in one place. See object.h.
#include "storage/object.h"

#include "types/hash.h"
#include "types/quicklist.h"

namespace mini_redis::storage {

namespace {

// Calls `action` with `object` cast to the class its type uses.
template <class Action>
decltype(auto) with_object(ValueType type, const void* object, Action&& action) {
  switch (type) {
    case ValueType::list: return action(*static_cast<const types::Quicklist*>(object));
    case ValueType::hash: return action(*static_cast<const types::Hash*>(object));
    case ValueType::string: break;
  }
  // Strings have no object; reaching here is a bug in the caller.
  __builtin_unreachable();
}

}  // namespace

void destroy_object(ValueType type, void* object) {
  with_object(type, object, [](const auto& value) { delete &value; });
}

void* clone_object(ValueType type, const void* object) {
  return with_object(type, object, [](const auto& value) -> void* {
    using Class = std::remove_cvref_t<decltype(value)>;
    return new Class(value.clone());
  });
}

std::size_t object_memory_bytes(ValueType type, const void* object) {
  return with_object(type, object, [](const auto& value) { return value.memory_bytes(); });
}

Encoding object_encoding(ValueType type, const void* object) {
  if (type == ValueType::list) return Encoding::quicklist;  // Redis 7.0 reports nothing else
  const auto& hash = *static_cast<const types::Hash*>(object);
  return hash.encoding() == types::Hash::Encoding::listpack ? Encoding::listpack
                                                            : Encoding::hashtable;
}

}  // namespace mini_redis::storage
