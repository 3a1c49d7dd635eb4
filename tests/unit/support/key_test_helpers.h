// Small helpers for the key and expire command tests.
//
// They put keys straight into storage (so these tests do not depend on SET)
// and read back the few reply shapes whose order is not fixed (KEYS, SCAN),
// so a test can compare them as sorted lists.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "unit/support/command_harness.h"

namespace mini_redis::testing {

inline void put(CommandHarness& h, std::string_view key, std::string_view value, int db = 0) {
  h.keyspace.db(db).set(key, value);
}

// A key that expires `ttl_ms` milliseconds from the harness clock's now.
inline void put_expiring(CommandHarness& h, std::string_view key, std::string_view value,
                         std::int64_t ttl_ms, int db = 0) {
  storage::Entry& entry = h.keyspace.db(db).set(key, value);
  h.keyspace.db(db).set_expire_at(entry, h.clock.now_ms() + ttl_ms);
}

// The value stored under `key`, looked up without counting or touching.
inline std::optional<std::string> value_of(CommandHarness& h, std::string_view key, int db = 0) {
  const storage::Entry* entry = h.keyspace.db(db).lookup_quietly(key);
  if (entry == nullptr) return std::nullopt;
  return std::string(entry->value());
}

// Reads RESP the tests need: a header line "<type><number>\r\n" and bulk strings.
class RespReader {
 public:
  explicit RespReader(std::string_view bytes) : bytes_(bytes) {}

  std::int64_t header(char type) {
    if (pos_ >= bytes_.size() || bytes_[pos_] != type) return -999;
    const std::size_t end = bytes_.find("\r\n", pos_);
    const std::int64_t value = std::stoll(std::string(bytes_.substr(pos_ + 1, end - pos_ - 1)));
    pos_ = end + 2;
    return value;
  }

  std::string bulk() {
    const auto size = static_cast<std::size_t>(header('$'));
    std::string text(bytes_.substr(pos_, size));
    pos_ += size + 2;
    return text;
  }

  std::vector<std::string> bulk_array() {
    const std::int64_t count = header('*');
    std::vector<std::string> items;
    for (std::int64_t i = 0; i < count; ++i) items.push_back(bulk());
    return items;
  }

  [[nodiscard]] bool at_end() const { return pos_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

// KEYS's reply, sorted.
inline std::vector<std::string> sorted_keys(std::string_view reply) {
  RespReader reader(reply);
  std::vector<std::string> keys = reader.bulk_array();
  std::sort(keys.begin(), keys.end());
  return keys;
}

struct ScanPage {
  std::string cursor;
  std::vector<std::string> keys;
};

// One SCAN reply: [cursor, [keys...]].
inline ScanPage parse_scan(std::string_view reply) {
  RespReader reader(reply);
  ScanPage page;
  if (reader.header('*') != 2) return page;
  page.cursor = reader.bulk();
  page.keys = reader.bulk_array();
  return page;
}

}  // namespace mini_redis::testing
