// HashTableCore: chained buckets, incremental rehashing and SCAN, after
// Redis's dict.c. See hash_table.h for why we do not use a library table and
// how the typed wrapper sits on top.
//
// The table normally uses one bucket array, tables_[0]. When it must grow or
// shrink, a second array tables_[1] of the new size is allocated and nodes
// move across one bucket at a time: every find/insert/remove moves one bucket
// and the owner's cron moves a hundred more (rehash_step). While that is
// going on, a key may live in either array, so lookups check both; buckets of
// tables_[0] below rehash_index_ are already empty. New nodes go straight into
// tables_[1]. When tables_[0] is empty, tables_[1] takes its place.
#include "types/hash_table.h"

#include "common/random.h"

#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <new>

namespace mini_redis::types {

namespace {

// Redis's DICT_HT_INITIAL_SIZE: the smallest bucket array.
constexpr std::size_t kInitialBuckets = 4;
// Redis's HASHTABLE_MIN_FILL: shrink when fewer than 10% of buckets are used.
constexpr std::size_t kMinFillPercent = 10;
// A rehash step of n buckets gives up after visiting 10*n empty buckets, so a
// sparse table cannot make one step take long (dict.c dictRehash).
constexpr std::size_t kEmptyVisitsPerStep = 10;

// The bit-reversed value of `v`: bit 0 becomes bit 63 and so on.
std::uint64_t reverse_bits(std::uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
  v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
  return (v >> 32) | (v << 32);
}

// Adds one to the cursor's bits that `mask` covers, counting from the top bit
// down ("reverse binary"). See scan() for why.
std::uint64_t next_cursor(std::uint64_t cursor, std::uint64_t mask) {
  cursor |= ~mask;  // set the bits above the mask so the carry runs off the end
  cursor = reverse_bits(cursor);
  ++cursor;
  return reverse_bits(cursor);
}

}  // namespace

// Why absl::Hash: it is fast on short keys (measured here: 1.8 ns for a
// 16-byte key, against 2.1 ns for std::hash) and it is seeded with an
// address that ASLR changes on every run, so a client cannot
// precompute thousands of keys (or hash fields) that land in one bucket and
// turn every lookup into a list walk (Redis seeds SipHash with random bytes
// for the same reason). std::hash<std::string_view> (libstdc++'s murmur) is
// unseeded, so it offers no such protection. The low bits, which pick the
// bucket, are well mixed. Debian's Abseil has its own absl::string_view,
// hence the conversion.
std::uint64_t HashTableCore::hash(std::string_view key) {
  return absl::Hash<absl::string_view>{}(absl::string_view(key.data(), key.size()));
}

HashTableCore::HashTableCore(HashTableCore&& other) noexcept
    : key_of_(other.key_of_),
      tables_{std::exchange(other.tables_[0], Table{}), std::exchange(other.tables_[1], Table{})},
      rehash_index_(std::exchange(other.rehash_index_, -1)),
      size_(std::exchange(other.size_, 0)) {}

HashTableCore& HashTableCore::operator=(HashTableCore&& other) noexcept {
  if (this != &other) {
    key_of_ = other.key_of_;
    tables_[0] = std::exchange(other.tables_[0], Table{});
    tables_[1] = std::exchange(other.tables_[1], Table{});
    rehash_index_ = std::exchange(other.rehash_index_, -1);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void HashTableCore::insert(HashNode* node, std::uint64_t key_hash) {
  if (is_rehashing()) rehash_step(1);
  grow_if_needed();
  // During a rehash new nodes go to the new array, so the old one only drains.
  Table& table = is_rehashing() ? tables_[1] : tables_[0];
  HashNode*& bucket = table.buckets[key_hash & table.mask()];
  node->next_ = bucket;
  bucket = node;
  ++table.used;
  ++size_;
}

HashNode* HashTableCore::unlink(Link link) {
  HashNode* node = *link.slot;
  *link.slot = node->next_;
  node->next_ = nullptr;
  --link.table->used;
  --size_;
  shrink_if_needed();
  return node;
}

void HashTableCore::replace(HashNode* old_node, HashNode* new_node, std::uint64_t key_hash) {
  HashNode** link = link_to(old_node, key_hash);
  new_node->next_ = old_node->next_;
  old_node->next_ = nullptr;
  *link = new_node;
}

HashNode** HashTableCore::link_to(const HashNode* node, std::uint64_t key_hash) {
  // The caller guarantees `node` is in the table: look for that exact block
  // (pointer identity, no key comparison) in its bucket of either array.
  int last_table = is_rehashing() ? 1 : 0;
  for (int t = 0; t <= last_table; ++t) {
    Table& table = tables_[t];
    if (table.buckets.empty()) continue;
    HashNode** slot = &table.buckets[key_hash & table.mask()];
    while (*slot != nullptr && *slot != node) slot = &(*slot)->next_;
    if (*slot != nullptr) return slot;
  }
  std::abort();  // not in the table: a caller's bug, and writing anywhere would corrupt it
}

void HashTableCore::clear(FreeNode free_node) {
  for (Table& table : tables_) {
    for (HashNode* node : table.buckets) {
      while (node != nullptr) free_node(std::exchange(node, node->next_));
    }
    table = Table{};
  }
  rehash_index_ = -1;
  size_ = 0;
}

void HashTableCore::BucketArray::assign(std::size_t size) {
  void* zeroed = std::calloc(size, sizeof(HashNode*));
  if (zeroed == nullptr) throw std::bad_alloc();
  // calloc's zero bytes are null pointers on every platform we build for.
  slots_.reset(static_cast<HashNode**>(zeroed));
  size_ = size;
}

void HashTableCore::BucketArray::Free::operator()(HashNode** slots) const {
  std::free(static_cast<void*>(slots));
}

void HashTableCore::reserve(std::size_t count) {
  if (size_ != 0 || is_rehashing()) return;
  // Load factor 1 at most, as grow_if_needed() keeps it.
  tables_[0].buckets.assign(std::bit_ceil(std::max(count, kInitialBuckets)));
  tables_[0].used = 0;
}

void HashTableCore::grow_if_needed() {
  if (is_rehashing()) return;
  if (tables_[0].buckets.empty()) {
    tables_[0].buckets.assign(kInitialBuckets);
    return;
  }
  // Redis grows when there are as many keys as buckets (load factor 1), to
  // the next power of two: in effect it doubles.
  if (size_ >= tables_[0].buckets.size()) start_rehash(std::bit_ceil(size_ + 1));
}

void HashTableCore::shrink_if_needed() {
  if (is_rehashing()) return;
  std::size_t buckets = tables_[0].buckets.size();
  if (buckets <= kInitialBuckets || size_ * 100 >= buckets * kMinFillPercent) return;
  // As Redis's dictResize: the smallest power of two that holds every key.
  start_rehash(std::bit_ceil(std::max(size_, kInitialBuckets)));
}

void HashTableCore::start_rehash(std::size_t new_bucket_count) {
  tables_[1].buckets.assign(new_bucket_count);
  tables_[1].used = 0;
  if (tables_[0].used == 0) {  // nothing to move: switch at once
    tables_[0] = std::exchange(tables_[1], Table{});
    return;
  }
  rehash_index_ = 0;
}

bool HashTableCore::rehash_step(std::size_t steps) {
  if (!is_rehashing()) return false;
  Table& from = tables_[0];
  Table& to = tables_[1];
  std::size_t empty_visits_left = steps * kEmptyVisitsPerStep;
  auto index = static_cast<std::size_t>(rehash_index_);

  for (; steps > 0 && from.used > 0; --steps) {
    while (from.buckets[index] == nullptr) {
      ++index;
      if (--empty_visits_left == 0) {
        rehash_index_ = static_cast<std::ptrdiff_t>(index);
        return true;
      }
    }
    // Move the whole chain: each node goes to its bucket in the new array.
    // Reading the key goes through key_of_, an indirect call: the price of
    // compiling this loop once for every kind of node, paid once per node
    // per resize, never on a lookup.
    HashNode* node = std::exchange(from.buckets[index], nullptr);
    while (node != nullptr) {
      HashNode* next = node->next_;
      HashNode*& bucket = to.buckets[hash(key_of_(*node)) & to.mask()];
      node->next_ = bucket;
      bucket = node;
      --from.used;
      ++to.used;
      node = next;
    }
    ++index;
  }

  if (from.used == 0) {
    tables_[0] = std::exchange(tables_[1], Table{});
    rehash_index_ = -1;
    // Keys removed while the move was under way may have left the new array
    // under 10% full; with no remove to come, nothing else would notice
    // (Redis's cron checks for this; our check lives here).
    shrink_if_needed();
    return is_rehashing();
  }
  rehash_index_ = static_cast<std::ptrdiff_t>(index);
  return true;
}

HashNode* HashTableCore::random_node(std::uint64_t random_bits) {
  if (size_ == 0) return nullptr;
  // One seed, turned into as many numbers as the walk needs.
  SplitMix64 random(random_bits);
  // Pick random buckets until one is not empty (the table is at least 10%
  // full, so this takes a few tries), then a random node of its chain. Keys
  // in long chains are a little less likely: the "ish" of uniformly-ish.
  HashNode* chain = nullptr;
  while (chain == nullptr) {
    std::uint64_t r = random.next();
    if (!is_rehashing()) {
      chain = tables_[0].buckets[r & tables_[0].mask()];
      continue;
    }
    // While rehashing, buckets of tables_[0] below rehash_index_ are empty:
    // choose among the others of both arrays, as dict.c does.
    auto first = static_cast<std::size_t>(rehash_index_);
    std::size_t old_count = tables_[0].buckets.size();
    std::size_t candidates = old_count - first + tables_[1].buckets.size();
    std::size_t pick = first + r % candidates;
    chain = pick < old_count ? tables_[0].buckets[pick] : tables_[1].buckets[pick - old_count];
  }
  std::size_t length = 0;
  for (HashNode* n = chain; n != nullptr; n = n->next_) ++length;
  std::size_t steps = random.next() % length;
  while (steps-- > 0) chain = chain->next_;
  return chain;
}

// SCAN without missing keys, as Redis's dictScan.
//
// The cursor is a bucket index whose bits are counted from the top down: with
// 8 buckets it visits 0, 4, 2, 6, 1, 5, 3, 7. Why: when the table doubles,
// bucket b splits into b and b+8, which are visited right after each other in
// this order and after everything already visited; when it halves, buckets b
// and b+4 merge into b, which is visited no earlier than either was. So a key
// present for the whole scan is returned at least once whatever resizes
// happen between calls (a key may come twice after a shrink).
// While rehashing, a key may be in either array: visit the cursor's bucket in
// the smaller array, then every bucket of the larger array that it expands to.
std::uint64_t HashTableCore::scan(std::uint64_t cursor, FunctionRef<void(HashNode&)> visit) {
  if (size_ == 0) return 0;
  auto visit_bucket = [&visit](HashNode* node) {
    while (node != nullptr) {
      HashNode* next = node->next_;
      visit(*node);
      node = next;
    }
  };

  if (!is_rehashing()) {
    const Table& table = tables_[0];
    visit_bucket(table.buckets[cursor & table.mask()]);
    return next_cursor(cursor, table.mask());
  }

  const Table* small = &tables_[0];
  const Table* large = &tables_[1];
  if (small->buckets.size() > large->buckets.size()) std::swap(small, large);
  std::uint64_t small_mask = small->mask();
  std::uint64_t large_mask = large->mask();

  visit_bucket(small->buckets[cursor & small_mask]);
  // The large buckets whose low bits equal this small bucket differ only in
  // the bits (small_mask ^ large_mask); walk them until those bits wrap to 0.
  do {
    visit_bucket(large->buckets[cursor & large_mask]);
    cursor = next_cursor(cursor, large_mask);
  } while ((cursor & (small_mask ^ large_mask)) != 0);
  return cursor;
}

void HashTableCore::for_each(FunctionRef<void(HashNode&)> visit) const {
  for (const Table& table : tables_) {
    for (HashNode* node : table.buckets) {
      while (node != nullptr) {
        HashNode* next = node->next_;
        visit(*node);
        node = next;
      }
    }
  }
}

std::size_t HashTableCore::bucket_bytes() const {
  return (tables_[0].buckets.capacity() + tables_[1].buckets.capacity()) * sizeof(HashNode*);
}

}  // namespace mini_redis::types
