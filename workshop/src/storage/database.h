// Workshop copy of src/storage/database.h, made by workshop/generate.py, to read:
// the workshop build uses it in place of the original. Nothing to write here.
// Database: one of Redis's numbered databases (SELECT 0..15).
//
// It owns the keys (a HashTable of Entry blocks) and knows which of them have
// an expire time. Every lookup applies *passive expiry*: a key whose time has
// come is deleted right there and reported as absent, so no command can ever
// see an expired value (Redis db.c, expireIfNeeded). Keys that are never
// looked up again are reclaimed by the ActiveExpiryCycle, which samples the
// `expiring_` list below.
//
// What it does on its own, creating a key or expiring one, it reports to a
// KeyspaceObserver (keyspace_observer.h), for keyspace notifications.
//
// Commands never touch HashTable or Entry internals; they go through these
// verbs, which keep the table, the TTL list and the statistics in step.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "storage/access_tracking.h"
#include "storage/clock.h"
#include "storage/entry.h"
#include "storage/hash_table.h"
#include "storage/keyspace_observer.h"
#include "storage/lazy_free.h"

namespace mini_redis::storage {

// Counters INFO stats reports; shared by all databases of a Keyspace.
struct KeyspaceStats {
  std::uint64_t keyspace_hits = 0;
  std::uint64_t keyspace_misses = 0;
  std::uint64_t expired_keys = 0;
  std::uint64_t evicted_keys = 0;  // deleted to stay under maxmemory (eviction.h)
  std::uint64_t expired_time_cap_reached_count = 0;
  // INFO's expired_stale_perc, in percent (0..100): a running average of the
  // share of sampled keys that were expired, 5% weight to each new cycle.
  double expired_stale_percent = 0;
};

class Database {
 public:
  Database(const Clock& clock, KeyspaceStats& stats) : clock_(&clock), stats_(&stats) {}

  // ---- lookups (each applies passive expiry) --------------------------------
  // For commands that read (GET, STRLEN...): counts a keyspace hit or miss
  // and updates the entry's access time.
  Entry* lookup_for_read(std::string_view key);
  // For commands that are about to modify the key (SET, INCR, DEL...).
  Entry* lookup_for_write(std::string_view key);
  // For introspection (OBJECT IDLETIME, TTL...): neither counts nor touches.
  Entry* lookup_quietly(std::string_view key);
  // The key's entry even when its time has passed, changing nothing: no
  // expiry, no statistics, no access time. WATCH and EXEC use it to tell a
  // key that expired but is still stored from an absent one, as Redis's
  // keyIsExpired() and dictFind() do (see commands/core/watched_keys.h).
  Entry* peek(std::string_view key) { return table_.find(key); }

  // ---- writes ----------------------------------------------------------------
  // Stores `value` under `key`, replacing any old value. The old TTL is cleared
  // unless `keep_ttl` (SET ... KEEPTTL, INCR and friends keep it).
  Entry& set(std::string_view key, std::string_view value, Encoding encoding,
             bool keep_ttl = false);
  Entry& set(std::string_view key, std::string_view value, bool keep_ttl = false) {
    return set(key, value, encoding_for_value(value), keep_ttl);
  }
  // SET of a big argument read into `block` (string_block.h): as set(),
  // but the block becomes the entry when it can, so the value is not
  // copied (adopt_string_block).
  Entry& set_adopting(std::string_view key, StringBlock& block, bool keep_ttl = false);
  // Appends to the value; the entry becomes "raw". An absent key is created
  // with `tail` and the encoding SET would give it ("int" for "123"), as Redis
  // 7.0's APPEND does.
  Entry& append(std::string_view key, std::string_view tail);
  // Overwrites bytes at `offset`, padding with zero bytes (SETRANGE).
  Entry& set_range(std::string_view key, std::size_t offset, std::string_view bytes);
  // SETBIT, BITFIELD: the string at `key` zero-extended to at least `size`
  // bytes (a missing key is created that long), encoded "raw" as any string
  // changed in place is, and its bytes to change where they lie. The span
  // is valid until the database next changes. Redis's
  // lookupStringForBitCommand.
  std::span<char> writable_string(std::string_view key, std::size_t size);
  // Adds `key` holding `object` (a list, a hash...; see object.h), moved
  // into the entry. The key must be absent (look it up first).
  template <class T>
  T& add(std::string_view key, T object) {
    return add_object(key, kObjectType<T>, &object).template object<T>();
  }
  Entry& add_object(std::string_view key, ValueType type, void* object);
  // Stores `object` under `key` whatever was there, as Redis's setKey does
  // for SINTERSTORE and friends: an absent key is added (a "new" key), a
  // key of any type gets the new value in place of the old one and loses
  // its TTL, without counting as new.
  template <class T>
  T& overwrite(std::string_view key, T object) {
    return overwrite_object(key, kObjectType<T>, &object).template object<T>();
  }
  Entry& overwrite_object(std::string_view key, ValueType type, void* object);
  // COPY: a deep copy of `source` (from any database) under the absent
  // `key`, with its TTL; a new key as far as access tracking goes.
  Entry& add_copy(std::string_view key, const Entry& source);
  // RENAME: the live key `source` takes the name `destination`, replacing
  // any key there; value, TTL and access history move without a copy.
  void rename(std::string_view source, std::string_view destination);
  // Deletes the key; true if a live key was removed.
  bool erase(std::string_view key);
  // Deletes the key as UNLINK does: it is gone at once, and a big value is
  // freed by the lazy-free thread (lazy_free.h) instead of here.
  bool unlink(std::string_view key);
  // Removes and returns the entry with its value and TTL (RENAME, MOVE).
  EntryPtr detach(std::string_view key);
  // Adds an entry detached elsewhere, keeping its TTL. The key must be absent.
  void attach(EntryPtr entry);
  // A key that arrives from outside (RESTORE, loading an RDB file) starts
  // its access history now, then takes what the payload said, as Redis's
  // objectSetLRUOrLFU: under LRU an idle time in seconds, under LFU a
  // counter 0..255; -1 leaves the fresh value.
  void set_access_history(Entry& entry, std::int64_t idle_seconds, int frequency);
  // FLUSHDB. `lazily`: the keys are gone at once and the lazy-free thread
  // frees them (FLUSHDB ASYNC).
  void clear(bool lazily = false);

  // ---- expire times (absolute Unix milliseconds) -----------------------------
  void set_expire_at(Entry& entry, std::int64_t at_ms);
  void remove_expire(Entry& entry);
  [[nodiscard]] bool is_expired(const Entry& entry) const;

  // ---- whole-database views ---------------------------------------------------
  [[nodiscard]] std::size_t size() const { return table_.size(); }
  [[nodiscard]] std::size_t expiring_count() const { return expiring_.size(); }
  // Random bits for commands that pick at random (HRANDFIELD), from this
  // database's generator: no system call, no global state.
  std::uint64_t random_bits() { return random_.next(); }
  // A random live key (RANDOMKEY), or null when the database is empty.
  Entry* random_entry();
  // One SCAN step; visits live entries only, deleting expired ones met on the way.
  std::uint64_t scan(std::uint64_t cursor, const std::function<void(Entry&)>& visit);
  // Every live entry (KEYS); expired ones are skipped but not deleted, as in Redis.
  void for_each_live(const std::function<void(Entry&)>& visit);

  // ---- active expiry support ----------------------------------------------------
  // Looks at the next `count` keys that have a TTL (a cursor walks them all
  // in turn across calls), deletes the expired ones, returns {sampled, expired}.
  struct SampleResult {
    std::size_t sampled = 0;
    std::size_t expired = 0;
  };
  SampleResult expire_sample(std::size_t count);
  // Lets the hash table move a few buckets of an ongoing rehash (server cron).
  void rehash_step() { table_.rehash_step(100); }

  [[nodiscard]] std::size_t overhead_bytes() const;
  // The part of overhead_bytes() that indexes the keys with a TTL (MEMORY STATS).
  [[nodiscard]] std::size_t expires_overhead_bytes() const {
    return expiring_.capacity() * sizeof(Entry*);
  }

  // ---- access tracking (OBJECT IDLETIME, OBJECT FREQ) -------------------------
  // What lookups record in each entry's access field: LRU seconds (the
  // default) or an LFU counter. The commands layer sets it from
  // maxmemory-policy; see access_tracking.h.
  void set_access_tracking(AccessTracking mode, const LfuSettings& lfu = {}) {
    access_tracking_ = mode;
    lfu_ = lfu;
  }
  [[nodiscard]] AccessTracking access_tracking() const { return access_tracking_; }
  // Under LFU: the entry's access counter, decayed to now (OBJECT FREQ).
  [[nodiscard]] std::uint8_t access_frequency(const Entry& entry) const;

  // ---- eviction support (eviction.h) ---------------------------------------------
  // A random key that has a TTL (volatile-* policies), or null if none has.
  Entry* random_expiring_entry();
  // Deletes `key` to free memory: counts it in evicted_keys and reports it
  // (an "evicted" event). False if the key is not there any more.
  bool evict(std::string_view key);
  [[nodiscard]] std::int64_t now_ms() const { return clock_->now_ms(); }

  // ---- CLIENT PAUSE (commands/core/client_pause.h) ------------------------------
  // While clients are paused the dataset must stay as it is, so a read that
  // meets an expired key reports it missing but leaves it in place (Redis
  // 7.0's expireIfNeeded while paused); it is deleted once the pause ends.
  // Only reads run during a pause (the dispatcher holds every write), so no
  // write ever finds an expired key still standing in its way.
  void set_expiry_held(bool held) { expiry_held_ = held; }

  // ---- lazy free (lazy_free.h) --------------------------------------------------
  // Where big values go to be freed (null: freed at once, as in most unit
  // tests), and which implicit deletes free their values there too (the
  // lazyfree-lazy-* settings, lazy_free.h). The Keyspace sets both.
  void set_lazy_free(LazyFree* lazy_free, LazyFreeModes modes) {
    lazy_free_ = lazy_free;
    lazy_modes_ = modes;
  }

  // ---- what storage reports on its own (keyspace_observer.h) -------------------
  // The Keyspace sets both: `index` is this database's number as clients
  // see it (SWAPDB changes it), `observer` may be null (nothing reported).
  void set_observer(KeyspaceObserver* observer, int index) {
    observer_ = observer;
    index_ = index;
  }

 private:
  // The live entry for `key` (passive expiry applied), touching nothing else.
  Entry* find_live(std::string_view key);
  void delete_expired(Entry& entry);
  void track_expiring(Entry& entry);
  void untrack_expiring(Entry& entry);
  void replace_entry(Entry*& entry, EntryPtr bigger);
  // Gives a string entry room for `value_capacity` bytes, in place when the
  // allocator can (APPEND, SETRANGE); `entry` then points at the grown block.
  void grow_string(Entry*& entry, std::size_t value_capacity);
  // Makes the string `entry` holds `size` bytes long, the new ones zero, with
  // room for `room` >= size bytes (writable_string, set_range); `entry` then
  // points at the grown block.
  void zero_extend(Entry*& entry, std::size_t size, std::size_t room);
  // Frees an entry already out of the table: on the lazy-free thread when
  // `lazily` and its value is big, else right now.
  void dispose(EntryPtr entry, bool lazily);
  void touch(Entry& entry);
  void start_tracking(Entry& entry) const;  // a new entry's first access field
  void report_added(std::string_view key) {
    if (observer_ != nullptr) observer_->key_added(index_, key);
  }

  const Clock* clock_;
  KeyspaceStats* stats_;
  HashTable table_;
  // Every entry with a TTL, so the active cycle can sample them in O(1) without
  // scanning all keys. Each entry remembers its slot for O(1) removal.
  std::vector<Entry*> expiring_;
  SplitMix64 random_{0x9E3779B97F4A7C15ULL};  // RANDOMKEY, LFU increments
  std::size_t expire_cursor_ = 0;             // where expire_sample continues
  AccessTracking access_tracking_ = AccessTracking::lru;
  LfuSettings lfu_{};
  KeyspaceObserver* observer_ = nullptr;
  int index_ = 0;
  LazyFree* lazy_free_ = nullptr;
  LazyFreeModes lazy_modes_;
  bool expiry_held_ = false;  // see set_expiry_held
};

}  // namespace mini_redis::storage
