// A libFuzzer target for the RDB reader (persistence/rdb_reader.h): the bytes
// of an RDB file, or of a RESTORE payload, both of which may be corrupt or
// hostile. What must always hold:
//   - neither load_rdb nor restore_payload reads outside the input, leaks,
//     or trips a sanitizer, whatever the bytes;
//   - whatever they accept can be walked whole: every list element, hash
//     pair, set member and zset element reads back, and the sizes agree.
//
// The first input byte picks the mode, the rest is the data:
//   bit 0   0: a whole RDB file (checksum not verified, so that mutations
//              reach the decoders); 1: a DUMP payload's <type><value>, to
//              which the target appends a correct footer (version and CRC)
//   bit 1   tiny conversion limits (2 entries), so conversions run too
//   bit 2   list-compress-depth 1
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "persistence/crc64.h"
#include "persistence/rdb_reader.h"
#include "storage/keyspace.h"
#include "types/hash.h"
#include "types/quicklist.h"
#include "types/set.h"
#include "types/sorted_set.h"
#include "types/stream.h"
#include "types/stream_group.h"

using namespace mini_redis;

namespace {

// Reads every element of `entry`'s value and checks the count against size().
void walk(const storage::Entry& entry) {
  std::size_t seen = 0;
  std::size_t expected = 0;
  switch (entry.type()) {
    case storage::ValueType::string:
      return;
    case storage::ValueType::list: {
      const auto& list = entry.object<types::Quicklist>();
      for (auto it = list.begin(types::ListDirection::kHeadToTail); it; it.advance()) {
        static_cast<void>(it.entry().to_string());
        ++seen;
      }
      expected = list.size();
      break;
    }
    case storage::ValueType::hash: {
      const auto& hash = entry.object<types::Hash>();
      hash.for_each([&](std::string_view, std::string_view) { ++seen; });
      expected = hash.size();
      break;
    }
    case storage::ValueType::set: {
      const auto& set = entry.object<types::Set>();
      set.for_each([&](std::string_view) { ++seen; });
      expected = set.size();
      break;
    }
    case storage::ValueType::zset: {
      const auto& zset = entry.object<types::SortedSet>();
      zset.for_each([&](std::string_view, double) { ++seen; });
      expected = zset.size();
      break;
    }
    case storage::ValueType::stream: {
      // An empty stream is a valid value; its entries must read back whole,
      // and every pending entry must be owned by a consumer that lists it.
      const auto& stream = entry.object<types::Stream>();
      const std::size_t walked = stream.for_each_in_range(
          types::StreamID::min(), types::StreamID::max(), 0, false,
          [](const types::StreamEntry& e) { return e.field_count() > 0; });
      if (walked != stream.length()) std::abort();
      if (const types::StreamGroups* groups = stream.groups()) {
        for (const auto& [name, group] : groups->all()) {
          for (const auto& [id, pending] : group.pel()) {
            if (pending.owner == nullptr || pending.owner->pending.count(id) != 1) std::abort();
          }
        }
      }
      return;
    }
  }
  if (seen != expected || seen == 0) std::abort();  // empty values are never loaded
}

std::string with_footer(std::string_view value) {
  std::string payload(value);
  payload += '\x0a';  // RDB version 10, little endian
  payload += '\x00';
  const std::uint64_t crc = persistence::crc64(0, payload);
  for (int i = 0; i < 8; ++i) payload.push_back(static_cast<char>(crc >> (8 * i)));
  return payload;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  persistence::RdbLoadOptions options;
  options.verify_checksum = false;
  if ((mode & 2) != 0) {
    options.hash_limits.max_listpack_entries = 2;
    options.zset_limits.max_listpack_entries = 2;
    options.set_max_intset_entries = 2;
  }
  if ((mode & 4) != 0) options.list_compress_depth = 1;

  if ((mode & 1) != 0) {
    auto entry = persistence::restore_payload("key", with_footer(bytes), options);
    if (entry) walk(**entry);
    return 0;
  }
  storage::ManualClock clock;
  storage::Keyspace keyspace(clock);
  if (!persistence::load_rdb(bytes, keyspace, clock.now_ms(), options)) return 0;
  for (int db = 0; db < keyspace.database_count(); ++db) {
    keyspace.db(db).for_each_live([](storage::Entry& entry) { walk(entry); });
  }
  return 0;
}
