// Workshop copy of src/storage/database.cpp, made by workshop/generate.py.
// Write the parts marked TODO. `make workshop-diff FILE=storage/database.cpp` compares
// your version with the real one; `make workshop-solve STEP=n` fills a step in.
// Database: the verbs commands use on one numbered database. See database.h.
#include "storage/database.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "storage/mapped_blocks.h"
#include "storage/memory.h"
#include "storage/string_block.h"

#include "common/not_implemented.h"

namespace mini_redis::storage {

namespace {

// SET reuses the entry's block when the new value fits and would not leave
// most of a big block empty (after SET of a 1 MB value, SET of "x" should give
// the memory back). So a SET that overwrites a value of similar size does not
// allocate at all.
bool fits_in_place(std::size_t capacity, std::size_t value_size) {
  constexpr std::size_t kSmallSlack = 64;
  return value_size <= capacity && capacity <= std::max(2 * value_size, kSmallSlack);
}

}  // namespace

// ---- lookups -------------------------------------------------------------------

bool Database::is_expired(const Entry& entry) const {
  // A key is alive up to and including its expire millisecond: Redis's
  // keyIsExpired is `now > when`.
  return entry.has_expire() && clock_->now_ms() > entry.expire_at_ms();
}

Entry* Database::find_live(std::string_view key) {
  Entry* entry = table_.find(key);
  if (entry != nullptr && is_expired(*entry)) {
    if (expiry_held_) return nullptr;  // CLIENT PAUSE: gone, but not deleted
    // workshop: begin step 4, Database::find_live
    // Passive expiry (Redis expireIfNeeded): delete it now, report absent.
    // delete_expired() removes it from the table and the TTL list and counts
    // it in INFO's expired_keys; the caller must then see no key at all.
    // 日本語:
    // パッシブな期限切れ (Redis の expireIfNeeded): 今すぐ削除し、「ない」と答えます。
    // delete_expired() はキーをテーブルと TTL のリストから外し、INFO の expired_keys に
    // 数えます。呼び出し側には、キーがまったく見えてはいけません。
    // TODO(step 4): write this part, then delete the not_implemented line.
    not_implemented(4, "storage/database.cpp: Database::find_live");
    // workshop: end
  }
  return entry;
}

Entry* Database::lookup_for_read(std::string_view key) {
  // workshop: begin step 2, Database::lookup_for_read
  // find_live(key) gives the entry, or nullptr when the key is absent. Count
  // the outcome for INFO (stats_->keyspace_misses or stats_->keyspace_hits),
  // and touch() a found entry: it records the access time (OBJECT IDLETIME).
  // 日本語:
  // find_live(key) がエントリーを返します。キーがなければ nullptr。結果を INFO のために
  // 数え (stats_->keyspace_misses か stats_->keyspace_hits)、見つかったエントリーは
  // touch() します: アクセス時刻を記録します (OBJECT IDLETIME)。
  // TODO(step 2): write this part, then delete the not_implemented line.
  not_implemented(2, "storage/database.cpp: Database::lookup_for_read");
  // workshop: end
}

Entry* Database::lookup_for_write(std::string_view key) {
  // Redis's lookupKeyWrite also refreshes the access time but counts nothing.
  Entry* entry = find_live(key);
  if (entry != nullptr) touch(*entry);
  return entry;
}

Entry* Database::lookup_quietly(std::string_view key) {
  return find_live(key);
}

// One access, recorded the way the tracking mode wants it (Redis's
// updateLFU, or the LRU clock): the time in seconds, or the LFU counter
// given its chance to grow.
void Database::touch(Entry& entry) {
  const std::int64_t now_ms = clock_->now_ms();
  if (access_tracking_ == AccessTracking::lfu) {
    // A uniform number in [0, 1) from the top 53 bits of the generator.
    const double random = static_cast<double>(random_.next() >> 11) * 0x1.0p-53;
    entry.access_ = lfu::after_access(entry.access_, now_ms, lfu_, random);
  } else {
    entry.access_ = static_cast<std::uint32_t>(now_ms / 1000);
  }
}

// A new key has been accessed "now" under LRU; under LFU it starts at the
// initial counter without an access counted, as Redis's createObject does.
void Database::start_tracking(Entry& entry) const {
  const std::int64_t now_ms = clock_->now_ms();
  entry.access_ = access_tracking_ == AccessTracking::lfu
                      ? lfu::fresh_field(now_ms)
                      : static_cast<std::uint32_t>(now_ms / 1000);
}

std::uint8_t Database::access_frequency(const Entry& entry) const {
  return lfu::decayed_counter(entry.access_, clock_->now_ms(), lfu_);
}

// ---- writes ----------------------------------------------------------------------

Entry& Database::set(std::string_view key, std::string_view value, Encoding encoding,
                     bool keep_ttl) {
  Entry* entry = find_live(key);
  const bool is_new = entry == nullptr;
  if (entry == nullptr) {
    // workshop: begin step 2, Database::set
    // A new key: make_entry(key, value) builds its block (an EntryPtr, which
    // owns it). The table takes ownership with table_.insert(std::move(...)),
    // so point `entry` at the block (.get()) before handing it over.
    // 日本語:
    // 新しいキー: make_entry(key, value) がそのブロックを作ります (それを所有する EntryPtr)。
    // テーブルは table_.insert(std::move(...)) で所有権を受け取るので、渡す前に
    // `entry` をそのブロックに向けておきます (.get())。
    // TODO(step 2): write this part, then delete the not_implemented line.
    not_implemented(2, "storage/database.cpp: Database::set");
    // workshop: end
  } else {
    if (!keep_ttl) remove_expire(*entry);
    // A list or hash under this name is replaced whole by the string (SET
    // overwrites any type); a string is overwritten in place when it fits.
    if (entry->type_ == ValueType::string && fits_in_place(entry->value_capacity(), value.size())) {
      std::memmove(entry->value_bytes(), value.data(), value.size());
      entry->value_size_ = value.size();
    } else {
      replace_entry(entry, make_entry(key, value));
    }
  }
  entry->encoding_ = encoding;
  // Overwriting keeps the old access history (Redis 7.0's dbOverwrite keeps
  // the LFU counter) and counts one more access.
  if (is_new) {
    start_tracking(*entry);
    report_added(key);  // after the key is in place, as Redis's dbAdd notifies
  } else {
    touch(*entry);
  }
  return *entry;
}

Entry& Database::set_adopting(std::string_view key, StringBlock& block, bool keep_ttl) {
  Entry* entry = find_live(key);
  EntryPtr fresh = adopt_string_block(key, block);
  if (entry == nullptr) {
    entry = fresh.get();
    table_.insert(std::move(fresh));
    start_tracking(*entry);
    report_added(key);
  } else {
    if (!keep_ttl) remove_expire(*entry);
    // The old value goes as any overwritten one (lazily under
    // lazyfree-lazy-server-del); the new block takes its place.
    replace_entry(entry, std::move(fresh));
    touch(*entry);
  }
  return *entry;
}

Entry& Database::append(std::string_view key, std::string_view tail) {
  Entry* entry = find_live(key);
  if (entry == nullptr) return set(key, tail);  // Redis: tryObjectEncoding, then dbAdd

  std::size_t needed = entry->value_size_ + tail.size();
  if (needed > entry->value_capacity()) grow_string(entry, grown_capacity(needed));
  std::memcpy(entry->value_bytes() + entry->value_size_, tail.data(), tail.size());
  entry->value_size_ = needed;
  entry->encoding_ = Encoding::raw;
  touch(*entry);
  return *entry;
}

Entry& Database::set_range(std::string_view key, std::size_t offset, std::string_view bytes) {
  std::size_t end = offset + bytes.size();
  Entry* entry = find_live(key);
  const bool is_new = entry == nullptr;
  if (entry == nullptr) {
    EntryPtr fresh = make_entry(key, {});
    entry = fresh.get();
    table_.insert(std::move(fresh));
  }
  // A new key gets exactly the room it needs; only growth reserves more.
  const std::size_t room = is_new ? end : grown_capacity(end);
  std::size_t size = entry->value_size_;
  if (offset > size) {
    // The gap before `offset` reads as zeros. zero_extend makes them lazily
    // when the gap is big: SETRANGE k 4294967296 x must not write 4 GiB.
    zero_extend(entry, offset, room);
  } else if (end > entry->value_capacity()) {
    grow_string(entry, room);
  }
  if (!bytes.empty()) std::memcpy(entry->value_bytes() + offset, bytes.data(), bytes.size());
  entry->value_size_ = std::max(size, end);
  entry->encoding_ = Encoding::raw;
  if (is_new) {
    start_tracking(*entry);
    report_added(key);  // after the key is in place, as Redis's dbAdd notifies
  } else {
    touch(*entry);
  }
  return *entry;
}

std::span<char> Database::writable_string(std::string_view key, std::size_t size) {
  Entry* entry = find_live(key);
  if (entry == nullptr) {
    // Created empty, then zero-extended like any short string, so that a
    // huge SETBIT on a new key also gets its zeros lazily (zero_extend).
    EntryPtr fresh = make_entry(key, {});
    entry = fresh.get();
    table_.insert(std::move(fresh));
    start_tracking(*entry);
    report_added(key);
  } else {
    touch(*entry);
  }
  if (size > entry->value_size_) zero_extend(entry, size, grown_capacity(size));
  entry->encoding_ = Encoding::raw;
  return {entry->value_bytes(), entry->value_size_};
}

void Database::zero_extend(Entry*& entry, std::size_t size, std::size_t room) {
  // SETBIT k 4294967295 1 asks for a 512 MB string of zeros. Writing those
  // zeros (memset, as Redis's sdsgrowzero does) costs ~300 ms of page
  // faults and stores: a stall of the whole server. A string that big lives
  // in a mapping of its own (mapped_blocks.h), whose fresh pages read as
  // zero and are only materialized when first touched. So only the bytes
  // that may hold old data are cleared: all of the gap in a malloc'd block,
  // nothing past the value in a block just moved to a mapping (only the
  // value was copied), and up to the old end of a mapping that grew.
  const std::size_t old_size = entry->value_size_;
  if (!mapped::kEnabled) {
    // Without mappings (the sanitizer builds: see mapped_blocks.h) calloc()
    // gives the same lazily zeroed pages for a big block, at the cost of
    // one copy of the old value: worth it past 1 MB of new zeros, when the
    // old value is the smaller part.
    constexpr std::size_t kLazyZeroingFrom = std::size_t{1} << 20;
    const std::size_t gap = size - old_size;
    if (gap >= kLazyZeroingFrom && gap > old_size) {
      entry = table_.relocate(entry, [room](Entry* old) {
        const std::size_t used = sizeof(Entry) + old->key_size_ + old->value_size_;
        void* block = std::calloc(1, allocation_size(sizeof(Entry) + old->key_size_ + room));
        if (block == nullptr) throw std::bad_alloc();
        std::memcpy(block, static_cast<const void*>(old), used);  // header, key, value
        std::free(old);
        return std::launder(static_cast<Entry*>(block));
      });
      if (entry->expiring_slot_ != kNotExpiring) expiring_[entry->expiring_slot_] = entry;
      entry->value_size_ = size;
      return;
    }
  }
  const bool was_mapped = mapped::is_mapped(entry);
  const std::size_t old_capacity = entry->value_capacity();
  if (room > old_capacity) grow_string(entry, room);
  std::size_t dirty_end = size;  // past it the bytes are known to be zero
  if (mapped::is_mapped(entry)) {
    dirty_end = was_mapped ? std::min(size, std::max(old_size, old_capacity)) : old_size;
  }
  std::memset(entry->value_bytes() + old_size, 0, dirty_end - old_size);
  entry->value_size_ = size;
}

bool Database::erase(std::string_view key) {
  // workshop: begin step 2, Database::erase
  // Only a live key can be erased (find_live). Take it off the list of keys
  // with a TTL first (untrack_expiring), then table_.remove(key) unlinks it;
  // the EntryPtr it returns frees the block when dropped.
  // 日本語:
  // 消せるのは生きているキーだけです (find_live)。まず TTL 付きキーのリストから外し
  // (untrack_expiring)、それから table_.remove(key) でつなぎを外します。返ってくる
  // EntryPtr が捨てられるとき、ブロックが解放されます。
  // TODO(step 2): write this part, then delete the not_implemented line.
  not_implemented(2, "storage/database.cpp: Database::erase");
  // workshop: end
}

bool Database::unlink(std::string_view key) {
  EntryPtr gone = detach(key);
  if (!gone) return false;
  dispose(std::move(gone), /*lazily=*/true);
  return true;
}

void Database::dispose(EntryPtr entry, bool lazily) {
  // Redis's freeObjAsync: only a value that takes more than
  // LAZYFREE_THRESHOLD allocations to free is worth the hand-over.
  if (lazily && lazy_free_ != nullptr && free_effort(*entry) > kLazyFreeThreshold) {
    lazy_free_->free_entry(std::move(entry));
  }
  // Otherwise `entry` frees the block as it goes out of scope.
}

EntryPtr Database::detach(std::string_view key) {
  Entry* entry = find_live(key);
  if (entry == nullptr) return {};
  untrack_expiring(*entry);  // leaves expire_at_ms_ in place for attach()
  return table_.remove(key);
}

Entry& Database::add_object(std::string_view key, ValueType type, void* object) {
  EntryPtr fresh = make_object_entry(key, type, object);
  Entry& entry = *fresh;
  table_.insert(std::move(fresh));
  start_tracking(entry);
  report_added(key);
  return entry;
}

Entry& Database::overwrite_object(std::string_view key, ValueType type, void* object) {
  Entry* entry = find_live(key);
  if (entry == nullptr) return add_object(key, type, object);
  remove_expire(*entry);
  // A new block takes the old one's place (and its access history, as
  // Redis's dbOverwrite keeps it); the old value is freed with its block.
  replace_entry(entry, make_object_entry(key, type, object));
  touch(*entry);
  return *entry;
}

Entry& Database::add_copy(std::string_view key, const Entry& source) {
  EntryPtr fresh = copy_entry(source, key);
  Entry& entry = *fresh;
  table_.insert(std::move(fresh));
  if (source.has_expire()) set_expire_at(entry, source.expire_at_ms());
  start_tracking(entry);  // a copy is a new object, as Redis's COPY makes one
  report_added(key);
  return entry;
}

void Database::rename(std::string_view source, std::string_view destination) {
  EntryPtr moving = detach(source);
  // The value RENAME replaces goes as Redis's dbDelete frees it: lazily
  // under lazyfree-lazy-server-del.
  dispose(detach(destination), lazy_modes_.server_del);
  attach(rekey_entry(std::move(moving), destination));
}

void Database::attach(EntryPtr entry) {
  Entry& attached = *entry;
  table_.insert(std::move(entry));
  if (attached.has_expire()) track_expiring(attached);
  report_added(attached.key());
}

void Database::set_access_history(Entry& entry, std::int64_t idle_seconds, int frequency) {
  start_tracking(entry);
  if (access_tracking_ == AccessTracking::lfu) {
    if (frequency >= 0) {
      // Keep the "minutes" half (now) and put the counter in the low byte.
      entry.access_ = (entry.access_ & ~std::uint32_t{0xff}) |
                      static_cast<std::uint32_t>(std::min(frequency, int{lfu::kMaxCounter}));
    }
  } else if (idle_seconds >= 0) {
    const std::int64_t last_access = clock_->now_ms() / 1000 - idle_seconds;
    entry.access_ = static_cast<std::uint32_t>(std::max<std::int64_t>(last_access, 0));
  }
}

void Database::clear(bool lazily) {
  expiring_ = {};  // give the memory back, as FLUSHDB does
  // Redis's emptyDbAsync: the whole table goes to the thread, however small.
  if (lazily && lazy_free_ != nullptr && table_.size() > 0) {
    lazy_free_->free_table(std::exchange(table_, HashTable{}));
  } else {
    table_.clear();
  }
}

// Moves `entry` into the block `bigger` (which already holds the key and its
// new value, and says its own type and encoding): the block carries the TTL
// and access time over, takes the old
// block's place in its hash chain and in expiring_, and the old block is freed.
void Database::replace_entry(Entry*& entry, EntryPtr bigger) {
  Entry* moved = bigger.get();
  moved->expire_at_ms_ = entry->expire_at_ms_;
  moved->expiring_slot_ = entry->expiring_slot_;
  moved->access_ = entry->access_;
  if (moved->expiring_slot_ != kNotExpiring) expiring_[moved->expiring_slot_] = moved;
  // The old block (with the old value) is freed as any implicit delete:
  // on the lazy-free thread under lazyfree-lazy-server-del, as Redis's
  // dbOverwrite hands the old value to freeObjAsync (SET over a big hash).
  dispose(table_.replace(entry, std::move(bigger)), lazy_modes_.server_del);
  entry = moved;
}

void Database::grow_string(Entry*& entry, std::size_t value_capacity) {
  entry = table_.relocate(
      entry, [value_capacity](Entry* block) { return grow_string_entry(block, value_capacity); });
  if (entry->expiring_slot_ != kNotExpiring) expiring_[entry->expiring_slot_] = entry;
}

// ---- expire times ---------------------------------------------------------------

void Database::set_expire_at(Entry& entry, std::int64_t at_ms) {
  track_expiring(entry);
  entry.expire_at_ms_ = at_ms;
}

void Database::remove_expire(Entry& entry) {
  untrack_expiring(entry);
  entry.expire_at_ms_ = kNoExpire;
}

void Database::track_expiring(Entry& entry) {
  if (entry.expiring_slot_ != kNotExpiring) return;
  entry.expiring_slot_ = static_cast<std::uint32_t>(expiring_.size());
  expiring_.push_back(&entry);
}

// O(1): the last entry of the list takes the leaving entry's slot.
void Database::untrack_expiring(Entry& entry) {
  std::uint32_t slot = entry.expiring_slot_;
  if (slot == kNotExpiring) return;
  Entry* last = expiring_.back();
  expiring_[slot] = last;
  last->expiring_slot_ = slot;
  expiring_.pop_back();
  entry.expiring_slot_ = kNotExpiring;
}

void Database::delete_expired(Entry& entry) {
  untrack_expiring(entry);
  // Keep the block alive until the observer has seen its key: the
  // notification says "expired" once the key is gone, as in Redis.
  EntryPtr gone = table_.remove(entry.key());
  ++stats_->expired_keys;
  if (observer_ != nullptr) observer_->key_expired(index_, gone->key());
  dispose(std::move(gone), lazy_modes_.expire);  // lazyfree-lazy-expire
}

// ---- eviction support ---------------------------------------------------------------

Entry* Database::random_expiring_entry() {
  if (expiring_.empty()) return nullptr;
  return expiring_[random_.next() % expiring_.size()];
}

bool Database::evict(std::string_view key) {
  Entry* entry = table_.find(key);
  if (entry == nullptr) return false;
  untrack_expiring(*entry);
  // Keep the block (and so the key) alive until the observer has seen it.
  EntryPtr gone = table_.remove(key);
  ++stats_->evicted_keys;
  if (observer_ != nullptr) observer_->key_evicted(index_, gone->key());
  dispose(std::move(gone), lazy_modes_.eviction);  // lazyfree-lazy-eviction
  return true;
}

// ---- whole-database views ----------------------------------------------------------

Entry* Database::random_entry() {
  // Redis's dbRandomKey: pick a random key; if it has expired, delete it and
  // pick again. Each retry removes a key, so the loop ends; it returns null
  // only when no live key is left.
  // During CLIENT PAUSE nothing is deleted, so a table of expired keys would
  // be retried forever (Redis 7.0 hangs there; 7.2 gives up after 100 tries
  // and returns the last key picked, which is what happens here too).
  int tries_left = 100;
  while (true) {
    Entry* entry = table_.random_entry(random_.next());
    if (entry == nullptr || !is_expired(*entry)) return entry;
    if (expiry_held_) {
      if (--tries_left == 0) return entry;
      continue;
    }
    delete_expired(*entry);
  }
}

std::uint64_t Database::scan(std::uint64_t cursor, const std::function<void(Entry&)>& visit) {
  // Collect first: deleting while the table walks a bucket would pull the
  // chain from under it. Then, like Redis's SCAN, expired keys met are
  // deleted and left out of the reply.
  std::vector<Entry*> met;
  std::uint64_t next = table_.scan(cursor, [&met](Entry& entry) { met.push_back(&entry); });
  for (Entry* entry : met) {
    if (is_expired(*entry)) {
      if (!expiry_held_) delete_expired(*entry);  // left in place during CLIENT PAUSE
    } else {
      visit(*entry);
    }
  }
  return next;
}

void Database::for_each_live(const std::function<void(Entry&)>& visit) {
  // KEYS skips expired keys without deleting them (Redis's keysCommand checks
  // keyIsExpired, not expireIfNeeded), so the walk never modifies the table.
  table_.for_each([&](Entry& entry) {
    if (!is_expired(entry)) visit(entry);
  });
}

// ---- active expiry support -----------------------------------------------------------

Database::SampleResult Database::expire_sample(std::size_t count) {
  SampleResult result;
  // Walk the keys with a TTL with a cursor that persists across calls, as
  // Redis 7 walks its expires dictionary (db->expires_cursor): picking slots
  // at random would find the last few expired keys among many live ones only
  // by luck, while a cursor reaches every key within size/count samples.
  // A deleted key's slot is refilled by swap-remove, so the cursor then looks
  // at the same slot again.
  std::size_t samples = std::min(count, expiring_.size());
  for (std::size_t i = 0; i < samples && !expiring_.empty(); ++i) {
    if (expire_cursor_ >= expiring_.size()) expire_cursor_ = 0;
    Entry* entry = expiring_[expire_cursor_];
    ++result.sampled;
    if (is_expired(*entry)) {
      delete_expired(*entry);
      ++result.expired;
    } else {
      ++expire_cursor_;
    }
  }
  return result;
}

std::size_t Database::overhead_bytes() const {
  return table_.bucket_bytes() + expiring_.capacity() * sizeof(Entry*);
}

}  // namespace mini_redis::storage
