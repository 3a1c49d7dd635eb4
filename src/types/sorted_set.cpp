// SortedSet: the two encodings behind one interface. See sorted_set.h for
// the layout of the listpack and the conversion rule.
#include "types/sorted_set.h"

#include <algorithm>
#include <charconv>
#include <unordered_set>
#include <utility>
#include <vector>

namespace mini_redis::types {

namespace {

// The score stored at `pos`: a listpack integer, or the text of a double
// ("1.5", "inf"), which std::from_chars reads as strtod would.
double score_at(const Listpack& pairs, std::size_t pos) {
  const ListpackEntry entry = pairs.get(pos);
  if (entry.is_int()) return static_cast<double>(entry.as_int());
  const std::string_view text = entry.as_string();
  double score = 0;
  std::from_chars(text.data(), text.data() + text.size(), score);
  return score;
}

// How a score goes into a listpack (zzlInsertAt): a whole number within
// +-2^62 as its decimal digits, which the listpack stores as an integer, any
// other as "%.17g". `buffer` holds the text.
std::string_view stored_score_text(double score, ScoreText& buffer) {
  long long whole = 0;
  if (!score_as_integer(score, whole)) return format_score(score, buffer);
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), whole);
  return {buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data())};
}

// A random index below `bound` (> 0); the modulo bias is negligible for any
// size a set can have.
std::size_t below(std::uint64_t bits, std::size_t bound) {
  return static_cast<std::size_t>(bits % bound);
}

}  // namespace

std::size_t SortedSet::size() const {
  return skiplist_ ? skiplist_->size() : pairs_.size() / 2;
}

std::size_t SortedSet::find_member(std::string_view member) const {
  // skip = 1: compare members only, never a score that looks the same.
  return pairs_.find(pairs_.first(), member, 1);
}

std::optional<double> SortedSet::score(std::string_view member) const {
  if (skiplist_) return skiplist_->score(member);
  const std::size_t pos = find_member(member);
  if (pos == Listpack::npos) return std::nullopt;
  return score_at(pairs_, pairs_.next(pos));
}

std::optional<std::size_t> SortedSet::rank(std::string_view member) const {
  if (skiplist_) {
    const Skiplist::Node* node = skiplist_->find(member);
    if (node == nullptr) return std::nullopt;
    return skiplist_->rank(*node);
  }
  std::size_t index = 0;
  for (std::size_t pos = pairs_.first(); pos != Listpack::npos; ++index) {
    if (pairs_.get(pos).equals(member)) return index;
    pos = pairs_.next(pairs_.next(pos));
  }
  return std::nullopt;
}

// ---- writes ------------------------------------------------------------------------------------

void SortedSet::convert_if_needed(std::string_view member, const SortedSetLimits& limits) {
  if (skiplist_) return;
  // A member and a score take at most member + 32 bytes in the block.
  constexpr std::size_t kEntryOverhead = 32;
  if (size() + 1 > limits.max_listpack_entries || member.size() > limits.max_listpack_value ||
      pairs_.bytes_size() + member.size() + kEntryOverhead > kListpackSafetyLimit) {
    convert_to_skiplist();
  }
}

void SortedSet::listpack_insert(std::string_view member, double score) {
  ScoreText score_buffer;
  const std::string_view score_text = stored_score_text(score, score_buffer);
  IntText member_buffer;
  // Before the first element that sorts after (score, member), as zzlInsert.
  for (std::size_t pos = pairs_.first(); pos != Listpack::npos;) {
    const std::size_t score_pos = pairs_.next(pos);
    const double here = score_at(pairs_, score_pos);
    if (here > score || (here == score && pairs_.get(pos).text(member_buffer) > member)) {
      const std::size_t member_pos = pairs_.insert(pos, member, InsertWhere::kBefore);
      pairs_.insert(member_pos, score_text, InsertWhere::kAfter);
      return;
    }
    pos = pairs_.next(score_pos);
  }
  pairs_.push_back(member);
  pairs_.push_back(score_text);
}

void SortedSet::insert(std::string_view member, double score, const SortedSetLimits& limits) {
  convert_if_needed(member, limits);
  if (skiplist_) {
    skiplist_->insert(member, score);
  } else {
    listpack_insert(member, score);
  }
}

void SortedSet::update(std::string_view member, double score) {
  if (skiplist_) {
    skiplist_->update_score(member, score);
    return;
  }
  // Delete and insert again at the new place, as zsetAdd does for a listpack.
  const std::size_t pos = find_member(member);
  if (pos == Listpack::npos) return;
  pairs_.erase(pairs_.erase(pos));
  listpack_insert(member, score);
}

bool SortedSet::erase(std::string_view member) {
  if (skiplist_) return skiplist_->erase(member);
  const std::size_t pos = find_member(member);
  if (pos == Listpack::npos) return false;
  pairs_.erase(pairs_.erase(pos));  // the score moved to the member's place
  return true;
}

void SortedSet::append_greatest(std::string_view member, double score,
                                const SortedSetLimits& limits) {
  convert_if_needed(member, limits);
  if (skiplist_) {
    skiplist_->insert(member, score);
    return;
  }
  ScoreText buffer;
  pairs_.push_back(member);
  pairs_.push_back(stored_score_text(score, buffer));
}

void SortedSet::convert_to_skiplist() {
  if (skiplist_) return;
  auto skiplist = std::make_unique<Skiplist>();
  for_each([&skiplist](std::string_view member, double score) { skiplist->insert(member, score); });
  skiplist_ = std::move(skiplist);
  pairs_ = Listpack();  // frees the block
}

// ---- by order
// ------------------------------------------------------------------------------------

// In a listpack: the first rank at or past the range's minimum, then the
// first after it past the maximum (zzlFirstInRange, then a walk).
// Like zzlIsInRange / zzlIsInLexRange, the first and last elements are
// checked against the range before the walk: it matters for a lex range
// over members of different scores, where the order is not the members'.
template <class Range, class Key>
static RankInterval listpack_ranks(const Listpack& pairs, const Range& range, Key key) {
  if (range.is_empty() || pairs.empty()) return {};
  IntText first_text;
  IntText last_text;
  const std::size_t first = pairs.first();
  const std::size_t last_score = pairs.last();
  const std::size_t last = pairs.prev(last_score);
  if (!range.above_min(key(pairs.get(last).text(last_text), score_at(pairs, last_score))) ||
      !range.below_max(
          key(pairs.get(first).text(first_text), score_at(pairs, pairs.next(first))))) {
    return {};
  }
  std::size_t index = 0;
  std::size_t begin = 0;
  bool started = false;
  IntText buffer;
  for (std::size_t pos = pairs.first(); pos != Listpack::npos; ++index) {
    const std::size_t score_pos = pairs.next(pos);
    const auto value = key(pairs.get(pos).text(buffer), score_at(pairs, score_pos));
    if (!started && range.above_min(value)) {
      started = true;
      begin = index;
    }
    if (started && !range.below_max(value)) return {begin, index};
    pos = pairs.next(score_pos);
  }
  return started ? RankInterval{begin, index} : RankInterval{};
}

RankInterval SortedSet::ranks_in(const ScoreRange& range) const {
  if (skiplist_) {
    const Skiplist::Node* first = skiplist_->first_in(range);
    if (first == nullptr) return {};
    return {skiplist_->rank(*first), skiplist_->rank(*skiplist_->last_in(range)) + 1};
  }
  return listpack_ranks(pairs_, range, [](std::string_view, double score) { return score; });
}

RankInterval SortedSet::ranks_in(const LexRange& range) const {
  if (skiplist_) {
    const Skiplist::Node* first = skiplist_->first_in(range);
    const Skiplist::Node* last = skiplist_->last_in(range);
    if (first == nullptr || last == nullptr) return {};
    return {skiplist_->rank(*first), skiplist_->rank(*last) + 1};
  }
  return listpack_ranks(pairs_, range, [](std::string_view member, double) { return member; });
}

void SortedSet::visit_ranks(std::size_t begin, std::size_t end, bool reverse, Visit visit) const {
  if (begin >= end) return;
  const std::size_t count = end - begin;
  if (skiplist_) {
    const Skiplist::Node* node = skiplist_->at_rank(reverse ? end - 1 : begin);
    for (std::size_t i = 0; i < count && node != nullptr; ++i) {
      visit(node->member(), node->score());
      node = reverse ? skiplist_->prev(*node) : Skiplist::next(*node);
    }
    return;
  }
  IntText buffer;
  std::size_t pos = pairs_.seek(static_cast<std::int64_t>(2 * (reverse ? end - 1 : begin)));
  for (std::size_t i = 0; i < count && pos != Listpack::npos; ++i) {
    const std::size_t score_pos = pairs_.next(pos);
    visit(pairs_.get(pos).text(buffer), score_at(pairs_, score_pos));
    if (i + 1 == count) break;
    pos = reverse ? pairs_.prev(pairs_.prev(pos)) : pairs_.next(score_pos);
  }
}

std::size_t SortedSet::erase_ranks(std::size_t begin, std::size_t end) {
  end = std::min(end, size());
  if (begin >= end) return 0;
  if (skiplist_) return skiplist_->erase_ranks(begin, end);
  pairs_.erase_range(static_cast<std::int64_t>(2 * begin), 2 * (end - begin));
  return end - begin;
}

// ---- walks and random picks ---------------------------------------------------------------------

std::uint64_t SortedSet::scan(std::uint64_t cursor, ScanVisit visit) {
  if (skiplist_) {
    ScoreText buffer;
    return skiplist_->scan(cursor, [&](std::string_view member, double score) {
      visit(member, format_score(score, buffer));
    });
  }
  IntText member_buffer;
  IntText score_buffer;
  for (std::size_t pos = pairs_.first(); pos != Listpack::npos;) {
    const std::size_t score_pos = pairs_.next(pos);
    visit(pairs_.get(pos).text(member_buffer), pairs_.get(score_pos).text(score_buffer));
    pos = pairs_.next(score_pos);
  }
  return 0;
}

void SortedSet::random_elements(std::size_t count, RandomBits random_bits, Visit visit) const {
  const std::size_t elements = size();
  if (elements == 0) return;
  if (skiplist_) {
    // The hash table's fair pick, as Redis's dictGetFairRandomKey.
    for (std::size_t i = 0; i < count; ++i) {
      const Skiplist::Node* node = skiplist_->random_node(random_bits());
      if (node != nullptr) visit(node->member(), node->score());
    }
    return;
  }
  // Index the members once, then each draw is O(1) (lpRandomPairs).
  std::vector<std::size_t> positions;
  positions.reserve(elements);
  for (std::size_t pos = pairs_.first(); pos != Listpack::npos;
       pos = pairs_.next(pairs_.next(pos))) {
    positions.push_back(pos);
  }
  IntText buffer;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t pos = positions[below(random_bits(), elements)];
    visit(pairs_.get(pos).text(buffer), score_at(pairs_, pairs_.next(pos)));
  }
}

// Redis 7.0's strategies (zrandmemberWithCountCommand), in its orders:
//   count >= size       every element, highest first (what 7.0.15 answers);
//   count * 3 > size    a random subset in random order (Redis copies the
//                       set and deletes random members until count remain);
//   otherwise, listpack one pass of selection sampling, in order;
//   otherwise, skiplist random draws, skipping repeats, in draw order.
void SortedSet::random_distinct_elements(std::size_t count, RandomBits random_bits,
                                         Visit visit) const {
  const std::size_t elements = size();
  if (count == 0 || elements == 0) return;
  if (count >= elements) {
    visit_ranks(0, elements, true, visit);
    return;
  }
  constexpr std::size_t kSubsetStrategyFactor = 3;  // ZRANDMEMBER_SUB_STRATEGY_MUL
  if (count * kSubsetStrategyFactor > elements) {
    // The first `count` steps of a Fisher-Yates shuffle of the ranks.
    std::vector<std::size_t> ranks(elements);
    for (std::size_t i = 0; i < elements; ++i) ranks[i] = i;
    for (std::size_t i = 0; i < count; ++i) {
      std::swap(ranks[i], ranks[i + below(random_bits(), elements - i)]);
      visit_ranks(ranks[i], ranks[i] + 1, false, visit);
    }
    return;
  }
  if (!skiplist_) {
    // Knuth's algorithm S: take each element with probability needed/remaining.
    std::size_t needed = count;
    std::size_t remaining = elements;
    for_each([&](std::string_view member, double score) {
      if (needed > 0 && below(random_bits(), remaining) < needed) {
        visit(member, score);
        --needed;
      }
      --remaining;
    });
    return;
  }
  // At most a third is wanted, so fewer than 1.5 * count draws are expected.
  std::unordered_set<const Skiplist::Node*> drawn;
  drawn.reserve(count);
  while (drawn.size() < count) {
    const Skiplist::Node* node = skiplist_->random_node(random_bits());
    if (node != nullptr && drawn.insert(node).second) visit(node->member(), node->score());
  }
}

// ---- memory and copies
// ----------------------------------------------------------------------------

std::size_t SortedSet::memory_bytes() const {
  if (skiplist_) return sizeof(Skiplist) + skiplist_->memory_bytes();
  return pairs_.allocated_bytes();
}

SortedSet SortedSet::clone() const {
  SortedSet copy;
  if (skiplist_) {
    copy.skiplist_ = std::make_unique<Skiplist>(skiplist_->clone());
  } else {
    copy.pairs_ = pairs_.clone();
  }
  return copy;
}

}  // namespace mini_redis::types
