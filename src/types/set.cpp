// Set: the two encodings, the conversion rule and Redis's random-pick
// strategies. See set.h for the rules and what was checked against Redis.
#include "types/set.h"

#include <algorithm>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/integer_parsing.h"

namespace mini_redis::types {

namespace {

// The text of an intset member, in `buffer` (the same formatting a listpack
// integer gets, so "-0" or "007" can never come out).
std::string_view format(std::int64_t value, IntText& buffer) {
  return ListpackEntry::of_int(value).text(buffer);
}

// A random index below `bound` (> 0). The modulo bias is below 2^-30 for any
// size a set can have in memory, which SRANDMEMBER does not care about.
std::size_t below(std::uint64_t bits, std::size_t bound) {
  return static_cast<std::size_t>(bits % bound);
}

// Emits `count` of `items` (count < items.size()) chosen uniformly without
// repetition: the first `count` steps of a Fisher-Yates shuffle. This is what
// Redis's "copy the set, then delete random members until `count` remain"
// computes, without building a second set.
template <class T, class Emit>
void emit_random_subset(std::vector<T>& items, std::size_t count, Set::RandomBits random_bits,
                        Emit&& emit) {
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t j = i + below(random_bits(), items.size() - i);
    std::swap(items[i], items[j]);
    emit(items[i]);
  }
}

}  // namespace

// ---- the word --------------------------------------------------------------------

static_assert(sizeof(Set) == sizeof(void*), "a set is one word in its entry's slot");
static_assert(alignof(MemberDict) > 1, "the lowest bit of a dict's address is free for the tag");

Set& Set::operator=(Set&& other) noexcept {
  if (this != &other) {
    reset();
    word_ = std::exchange(other.word_, 0);
  }
  return *this;
}

Set::~Set() {
  reset();
}

void Set::reset() {
  if (MemberDict* members = dict()) {
    const std::unique_ptr<MemberDict> freed(members);
  } else {
    // The word holds the intset block's address (set.h explains the tagging).
    (void)Intset::adopt(
        reinterpret_cast<std::uint8_t*>(word_));  // NOLINT(performance-no-int-to-ptr)
  }
  word_ = 0;
}

std::size_t Set::size() const {
  if (const MemberDict* members = dict()) return members->size();
  return ints()->size();
}

std::int64_t Set::integer_at(std::size_t index) const {
  return ints()->at(index);
}

// ---- membership ------------------------------------------------------------------

bool Set::contains(std::string_view member) const {
  if (MemberDict* members = dict()) return members->contains(member);
  // Only a canonical integer can be in an intset: "01" is not the member 1.
  const std::optional<std::int64_t> value = parse_int64_strict(member);
  return value && ints()->contains(*value);
}

bool Set::contains_integer(std::int64_t value) const {
  MemberDict* members = dict();
  if (members == nullptr) return ints()->contains(value);
  IntText buffer;
  return members->contains(format(value, buffer));
}

// ---- writes ----------------------------------------------------------------------

bool Set::add(std::string_view member, const SetLimits& limits) {
  if (dict() == nullptr) {
    if (const std::optional<std::int64_t> value = parse_int64_strict(member)) {
      return add_integer(*value, limits);
    }
    convert_to_hashtable();  // rule 1: the member is not an integer
  }
  return dict()->insert(member);
}

bool Set::add_integer(std::int64_t value, const SetLimits& limits) {
  if (MemberDict* members = dict()) {
    IntText buffer;
    return members->insert(format(value, buffer));
  }
  if (!ints()->insert(value)) return false;
  convert_if_too_many(limits);
  return true;
}

void Set::convert_if_too_many(const SetLimits& limits) {
  // Rule 2, with Redis's cap (a bigger limit acts as 2^30).
  const std::size_t limit = std::min(limits.max_intset_entries, kMaxIntsetEntries);
  if (size() > limit) convert_to_hashtable();
}

bool Set::remove(std::string_view member) {
  if (MemberDict* members = dict()) return members->erase(member);
  const std::optional<std::int64_t> value = parse_int64_strict(member);
  return value && ints()->erase(*value);
}

void Set::convert_to_hashtable() {
  if (dict() != nullptr) return;
  auto members = std::make_unique<MemberDict>();
  members->reserve(size());  // sized once, as Redis's setTypeConvert does
  for_each([&members](std::string_view member) { members->insert(member); });
  reset();  // frees the intset's block
  word_ = reinterpret_cast<std::uintptr_t>(members.release()) | kDictTag;
}

// ---- walks -------------------------------------------------------------------------

void Set::for_each(Visit visit) const {
  if (const MemberDict* members = dict()) {
    members->for_each(visit);
    return;
  }
  IntText buffer;
  const std::size_t count = size();
  for (std::size_t i = 0; i < count; ++i) visit(format(integer_at(i), buffer));
}

std::uint64_t Set::scan(std::uint64_t cursor, Visit visit) {
  if (MemberDict* members = dict()) return members->scan(cursor, visit);
  for_each(visit);
  return 0;
}

// ---- random picks --------------------------------------------------------------------

std::string_view Set::random_member(std::uint64_t random_bits, IntText& buffer) const {
  if (MemberDict* members = dict()) {
    return members->random_member(random_bits).value_or(std::string_view{});
  }
  return format(ints()->random(random_bits), buffer);
}

void Set::random_members(std::size_t count, RandomBits random_bits, Visit visit) const {
  if (empty()) return;
  IntText buffer;
  for (std::size_t i = 0; i < count; ++i) visit(random_member(random_bits(), buffer));
}

void Set::random_distinct_members(std::size_t count, RandomBits random_bits, Visit visit) const {
  const std::size_t members = size();
  if (count == 0 || members == 0) return;
  if (count >= members) {  // CASE 2
    for_each(visit);
    return;
  }

  // CASE 3 (Redis's SRANDMEMBER_SUB_STRATEGY_MUL): when most of the set is
  // wanted, choosing whom to keep beats drawing and retrying duplicates.
  constexpr std::size_t kSubsetStrategyFactor = 3;
  if (count * kSubsetStrategyFactor > members) {
    if (const MemberDict* table = dict()) {
      std::vector<std::string_view> all;
      all.reserve(members);
      table->for_each([&all](std::string_view member) { all.push_back(member); });
      emit_random_subset(all, count, random_bits, [&](std::string_view member) { visit(member); });
    } else {
      std::vector<std::size_t> indexes(members);
      for (std::size_t i = 0; i < members; ++i) indexes[i] = i;
      IntText buffer;
      emit_random_subset(indexes, count, random_bits,
                         [&](std::size_t i) { visit(format(integer_at(i), buffer)); });
    }
    return;
  }

  // CASE 4, few of many: at most a third of the set is wanted, so a draw
  // repeats a member with probability under 1/3 and the expected number of
  // draws stays below 1.5 * count. Intset members are remembered as numbers,
  // hashtable members as views into their blocks (nothing is removed here).
  MemberDict* table = dict();
  if (table == nullptr) {
    std::unordered_set<std::int64_t> drawn;
    drawn.reserve(count);
    IntText buffer;
    while (drawn.size() < count) {
      const std::int64_t value = ints()->random(random_bits());
      if (drawn.insert(value).second) visit(format(value, buffer));
    }
    return;
  }
  std::unordered_set<std::string_view> drawn;
  drawn.reserve(count);
  while (drawn.size() < count) {
    const std::optional<std::string_view> member = table->random_member(random_bits());
    if (member && drawn.insert(*member).second) visit(*member);
  }
}

void Set::pop_random_member(std::uint64_t random_bits, Visit visit) {
  IntText buffer;
  const std::string_view member = random_member(random_bits, buffer);
  visit(member);
  // For a hashtable, `member` views the block remove() frees; MemberDict's
  // erase reads what it needs before that.
  remove(member);
}

void Set::pop_random_members(std::size_t count, RandomBits random_bits, const SetLimits& limits,
                             Visit visit) {
  const std::size_t remaining = size() - count;  // the caller ensures count < size
  // Redis's SPOP_MOVE_STRATEGY_MUL: while many members stay, drawing the
  // ones to pop is cheap; when few stay, drawing those few is cheaper.
  constexpr std::size_t kMoveStrategyFactor = 5;
  if (remaining * kMoveStrategyFactor > count) {
    for (std::size_t i = 0; i < count; ++i) pop_random_member(random_bits(), visit);
    return;
  }
  // The new set starts as an empty intset, like Redis's, and converts as
  // any set would: a hashtable of numbers may come back as an intset here.
  Set kept;
  IntText buffer;
  for (std::size_t i = 0; i < remaining; ++i) {
    const std::string_view member = random_member(random_bits(), buffer);
    kept.add(member, limits);
    remove(member);
  }
  for_each(visit);
  *this = std::move(kept);
}

// ---- memory and copies ------------------------------------------------------------------

std::size_t Set::memory_bytes() const {
  if (const MemberDict* members = dict()) return sizeof(MemberDict) + members->memory_bytes();
  return ints()->allocated_bytes();
}

Set Set::clone() const {
  Set copy;
  if (const MemberDict* members = dict()) {
    auto table = std::make_unique<MemberDict>(members->clone());
    copy.word_ = reinterpret_cast<std::uintptr_t>(table.release()) | kDictTag;
  } else {
    copy.word_ = reinterpret_cast<std::uintptr_t>(ints()->clone().release());
  }
  return copy;
}

}  // namespace mini_redis::types
