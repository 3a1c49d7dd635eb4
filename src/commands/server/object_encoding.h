// The names OBJECT ENCODING and DEBUG OBJECT give our encodings: Redis's
// strEncoding() spellings, so clients see the same words as with Redis.
#pragma once

#include <string_view>

#include "storage/object.h"

namespace mini_redis::commands {

inline std::string_view encoding_name(storage::Encoding encoding) {
  switch (encoding) {
    case storage::Encoding::integer: return "int";
    case storage::Encoding::embstr: return "embstr";
    case storage::Encoding::raw: return "raw";
    case storage::Encoding::quicklist: return "quicklist";
    case storage::Encoding::listpack: return "listpack";
    case storage::Encoding::hashtable: return "hashtable";
    case storage::Encoding::intset: return "intset";
    case storage::Encoding::skiplist: return "skiplist";
    case storage::Encoding::stream: return "stream";
  }
  return "unknown";
}

}  // namespace mini_redis::commands
