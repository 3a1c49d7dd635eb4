// HashTable: the dictionary that maps keys to entries, as Redis's dict.c does.
//
// Why not absl::flat_hash_map or std::unordered_map? Three Redis behaviours
// need control over the table itself:
//   1. Incremental rehashing. Growing a table of millions of keys in one go
//      stalls every client for the length of the copy. Like Redis, we keep two
//      bucket arrays while growing and move a few buckets on every operation
//      (and from the server's cron), so no single command pays for all of it.
//   2. SCAN's guarantee: a key present for the whole scan is returned at least
//      once, even if the table grows or shrinks in between. That needs a
//      power-of-two bucket array and Redis's reverse-binary cursor, which an
//      opaque library table cannot offer.
//   3. Memory: entries are chained through their own `next` field, so a key
//      costs its Entry block plus one bucket pointer, nothing more.
//
// Lookups are by std::string_view: a GET hashes the bytes in the read buffer
// and never builds a std::string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "storage/entry.h"

namespace mini_redis::storage {

class HashTable {
 public:
  HashTable() = default;
  ~HashTable();
  HashTable(const HashTable&) = delete;
  HashTable& operator=(const HashTable&) = delete;
  HashTable(HashTable&& other) noexcept;
  HashTable& operator=(HashTable&& other) noexcept;

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] Entry* find(std::string_view key);
  // Takes ownership. The key must not be present already.
  void insert(EntryPtr entry);
  // Unlinks the entry with this key and hands it back (empty if absent).
  EntryPtr remove(std::string_view key);
  // Replaces `old_entry` (same key) by `new_entry`, e.g. after the value grew.
  void replace(Entry* old_entry, EntryPtr new_entry);
  void clear();

  // A uniformly-ish random entry (Redis's dictGetFairRandomKey idea), or null.
  Entry* random_entry(std::uint64_t random_bits);

  // Calls `visit` for the entries of the bucket(s) at `cursor` and returns the
  // next cursor; 0 means the scan is complete. Guarantees as Redis's dictScan.
  // `visit` must not insert or remove keys (collect them, then act).
  std::uint64_t scan(std::uint64_t cursor, const std::function<void(Entry&)>& visit);

  // Every entry, in bucket order. Same rule for `visit` as scan().
  void for_each(const std::function<void(Entry&)>& visit);

  // Moves up to `steps` buckets of an ongoing rehash; returns true if more remain.
  bool rehash_step(std::size_t steps);
  [[nodiscard]] bool is_rehashing() const { return rehash_index_ >= 0; }

  // Bytes held by the bucket arrays (for MEMORY USAGE / INFO).
  [[nodiscard]] std::size_t bucket_bytes() const;

 private:
  struct Table {
    std::vector<Entry*> buckets;  // size is 0 or a power of two
    std::size_t used = 0;
    [[nodiscard]] std::uint64_t mask() const { return buckets.size() - 1; }
  };
  // Where an entry hangs: the pointer that points at it (a bucket slot or the
  // previous entry's next_) and the table that owns it.
  struct Link {
    Entry** slot = nullptr;
    Table* table = nullptr;
  };
  Link find_link(std::string_view key, std::uint64_t key_hash);
  static std::uint64_t hash(std::string_view key);
  void grow_if_needed();
  void shrink_if_needed();
  void start_rehash(std::size_t new_bucket_count);

  Table tables_[2];  // [1] is used only while rehashing
  std::ptrdiff_t rehash_index_ = -1;
  std::size_t size_ = 0;
};

}  // namespace mini_redis::storage
