// Hash: the two encodings and the conversion rule. See hash.h for the rule
// and what was checked against Redis 7.0.15.
#include "types/hash.h"

#include <algorithm>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace mini_redis::types {

namespace {

// Calls visit(field_position, value_position) for each pair of a listpack
// laid out field, value, field, value... The callback must not modify it.
template <class F>
void walk_pairs(const Listpack& pairs, F&& visit) {
  std::size_t pos = pairs.first();
  while (pos != Listpack::npos) {
    const std::size_t value_pos = pairs.next(pos);
    if (value_pos == Listpack::npos) return;  // unreachable for a valid hash: entries come in pairs
    visit(pos, value_pos);
    pos = pairs.next(value_pos);
  }
}

// The position of every field, for draws by index in O(1) each.
std::vector<std::size_t> field_positions(const Listpack& pairs) {
  std::vector<std::size_t> positions;
  positions.reserve(pairs.size() / 2);
  walk_pairs(pairs, [&](std::size_t field_pos, std::size_t) { positions.push_back(field_pos); });
  return positions;
}

// A random index below `bound` (> 0). The modulo bias is below 2^-40 for any
// size a hash can have in memory, which HRANDFIELD does not care about.
std::size_t below(std::uint64_t bits, std::size_t bound) {
  return static_cast<std::size_t>(bits % bound);
}

// Emits `count` of `items` (count < items.size()) chosen uniformly without
// repetition: the first `count` steps of a Fisher-Yates shuffle. This is what
// Redis's "copy the hash, then delete random fields until `count` remain"
// computes, without building a second hash.
template <class T, class Emit>
void emit_random_subset(std::vector<T>& items, std::size_t count, Hash::RandomBits random_bits,
                        Emit&& emit) {
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t j = i + below(random_bits(), items.size() - i);
    std::swap(items[i], items[j]);
    emit(items[i]);
  }
}

}  // namespace

std::optional<Hash> Hash::from_listpack(Listpack pairs, const HashLimits& limits) {
  const std::size_t entries = pairs.size();
  if (entries % 2 != 0) return std::nullopt;

  // A field stored twice would make HLEN and HDEL lie, so a payload with one
  // is refused, as Redis's deep sanitization refuses it. Integer fields are
  // formatted into `int_fields`, reserved up front so that the views into it
  // stay put while it fills.
  std::vector<IntText> int_fields;
  int_fields.reserve(entries / 2);
  std::unordered_set<std::string_view> seen;
  seen.reserve(entries / 2);
  std::size_t longest = 0;
  bool duplicate = false;
  IntText value_text;
  walk_pairs(pairs, [&](std::size_t field_pos, std::size_t value_pos) {
    const ListpackEntry field = pairs.get(field_pos);
    std::string_view field_text;
    if (field.is_int()) {
      field_text = field.text(int_fields.emplace_back());
    } else {
      field_text = field.as_string();
    }
    if (!seen.insert(field_text).second) duplicate = true;
    longest = std::max({longest, field_text.size(), pairs.get(value_pos).text(value_text).size()});
  });
  if (duplicate) return std::nullopt;

  Hash hash;
  hash.pairs_ = std::move(pairs);
  if (entries / 2 > limits.max_listpack_entries || longest > limits.max_listpack_value) {
    hash.convert_to_hashtable();
  }
  return hash;
}

std::size_t Hash::size() const {
  return dict_ ? dict_->size() : pairs_.size() / 2;
}

std::size_t Hash::find_field(std::string_view field) const {
  // skip = 1: compare fields only, never a value that happens to be equal.
  return pairs_.find(pairs_.first(), field, 1);
}

bool Hash::listpack_would_pass_limit(std::size_t extra) const {
  return pairs_.bytes_size() + extra > kListpackSafetyLimit;
}

std::optional<std::string_view> Hash::get(std::string_view field, IntText& buffer) const {
  // dict_ is a unique_ptr, so find() (which may move a rehash bucket) is
  // callable here; see the comment on get() in hash.h.
  if (dict_) return dict_->find(field);
  const std::size_t pos = find_field(field);
  if (pos == Listpack::npos) return std::nullopt;
  return pairs_.get(pairs_.next(pos)).text(buffer);
}

bool Hash::contains(std::string_view field) const {
  if (dict_) return dict_->find(field).has_value();
  return find_field(field) != Listpack::npos;
}

std::size_t Hash::value_length(std::string_view field) const {
  IntText buffer;
  const std::optional<std::string_view> value = get(field, buffer);
  return value ? value->size() : 0;
}

void Hash::convert_if_any_longer(std::span<const std::string_view> arguments,
                                 const HashLimits& limits) {
  if (dict_) return;
  std::size_t sum = 0;
  for (const std::string_view argument : arguments) {
    if (argument.size() > limits.max_listpack_value) {
      convert_to_hashtable();
      return;
    }
    sum += argument.size();
  }
  if (listpack_would_pass_limit(sum)) convert_to_hashtable();
}

bool Hash::set(std::string_view field, std::string_view value, const HashLimits& limits) {
  // Rule 1b (and 3): a pair too long for a listpack never enters one.
  if (!dict_ &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value ||
       listpack_would_pass_limit(field.size() + value.size()))) {
    convert_to_hashtable();
  }
  if (dict_) return dict_->set(field, value);

  const std::size_t pos = find_field(field);
  if (pos != Listpack::npos) {
    // Overwrite the value entry where it is, so the field keeps its place in
    // HGETALL's order, as lpReplace does in Redis.
    pairs_.replace(pairs_.next(pos), value);
    return false;
  }
  pairs_.push_back(field);
  pairs_.push_back(value);
  // Rule 2: past the entries limit (with a limit of 0, at the first field).
  if (size() > limits.max_listpack_entries) convert_to_hashtable();
  return true;
}

bool Hash::erase(std::string_view field) {
  if (dict_) return dict_->erase(field);
  const std::size_t pos = find_field(field);
  if (pos == Listpack::npos) return false;
  // Erasing the field moves its value to the same position.
  pairs_.erase(pairs_.erase(pos));
  return true;
}

void Hash::convert_to_hashtable() {
  if (dict_) return;
  auto dict = std::make_unique<FieldDict>();
  for_each([&dict](std::string_view field, std::string_view value) { dict->set(field, value); });
  dict_ = std::move(dict);
  pairs_ = Listpack();  // frees the block
}

void Hash::for_each(Visit visit) const {
  if (dict_) {
    dict_->for_each(visit);
    return;
  }
  PairBuffers buffers;
  walk_pairs(pairs_, [&](std::size_t field_pos, std::size_t value_pos) {
    visit(pairs_.get(field_pos).text(buffers.field), pairs_.get(value_pos).text(buffers.value));
  });
}

std::uint64_t Hash::scan(std::uint64_t cursor, Visit visit) {
  if (dict_) return dict_->scan(cursor, visit);
  for_each(visit);
  return 0;
}

std::optional<Hash::Pair> Hash::random_pair(std::uint64_t random_bits, PairBuffers& buffers) {
  if (dict_) return dict_->random_pair(random_bits);
  const std::size_t fields = size();
  if (fields == 0) return std::nullopt;
  const std::size_t pos = pairs_.seek(static_cast<std::int64_t>(2 * below(random_bits, fields)));
  return Pair{pairs_.get(pos).text(buffers.field),
              pairs_.get(pairs_.next(pos)).text(buffers.value)};
}

void Hash::random_pairs(std::size_t count, RandomBits random_bits, Visit visit) {
  if (empty()) return;
  if (dict_) {
    for (std::size_t i = 0; i < count; ++i) {
      if (const std::optional<Pair> pair = dict_->random_pair(random_bits())) {
        visit(pair->field, pair->value);
      }
    }
    return;
  }
  const std::vector<std::size_t> positions = field_positions(pairs_);
  PairBuffers buffers;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t pos = positions[below(random_bits(), positions.size())];
    visit(pairs_.get(pos).text(buffers.field), pairs_.get(pairs_.next(pos)).text(buffers.value));
  }
}

void Hash::random_distinct_pairs(std::size_t count, RandomBits random_bits, Visit visit) {
  const std::size_t fields = size();
  if (count == 0 || fields == 0) return;
  if (count >= fields) {
    for_each(visit);
    return;
  }

  // Redis's HRANDFIELD_SUB_STRATEGY_MUL: when most of the hash is wanted,
  // choosing whom to keep beats drawing and retrying duplicates.
  constexpr std::size_t kSubsetStrategyFactor = 3;
  if (count * kSubsetStrategyFactor > fields) {
    if (dict_) {
      std::vector<Pair> all;
      all.reserve(fields);
      dict_->for_each([&all](std::string_view f, std::string_view v) { all.push_back({f, v}); });
      emit_random_subset(all, count, random_bits, [&](const Pair& p) { visit(p.field, p.value); });
    } else {
      std::vector<std::size_t> positions = field_positions(pairs_);
      PairBuffers buffers;
      emit_random_subset(positions, count, random_bits, [&](std::size_t pos) {
        visit(pairs_.get(pos).text(buffers.field),
              pairs_.get(pairs_.next(pos)).text(buffers.value));
      });
    }
    return;
  }

  if (!dict_) {
    // Selection sampling (Knuth's algorithm S), as lpRandomPairsUnique: walk
    // once and take each pair with probability needed / remaining, which
    // yields exactly `count` pairs, each subset equally likely.
    std::size_t needed = count;
    std::size_t remaining = fields;
    PairBuffers buffers;
    walk_pairs(pairs_, [&](std::size_t field_pos, std::size_t value_pos) {
      if (needed > 0 && below(random_bits(), remaining) < needed) {
        visit(pairs_.get(field_pos).text(buffers.field), pairs_.get(value_pos).text(buffers.value));
        --needed;
      }
      --remaining;
    });
    return;
  }

  // Few of many: at most a third of the hash is wanted, so a draw repeats a
  // field with probability under 1/3 and the expected number of draws stays
  // below 1.5 * count. Views into the dict's pair blocks stay valid: a
  // rehash step moves block pointers between buckets, never the blocks.
  std::unordered_set<std::string_view> drawn;
  drawn.reserve(count);
  while (drawn.size() < count) {
    const std::optional<Pair> pair = dict_->random_pair(random_bits());
    if (pair && drawn.insert(pair->field).second) visit(pair->field, pair->value);
  }
}

std::size_t Hash::memory_bytes() const {
  if (dict_) return sizeof(FieldDict) + dict_->memory_bytes();
  return pairs_.allocated_bytes();
}

Hash Hash::clone() const {
  Hash copy;
  if (dict_) {
    copy.dict_ = std::make_unique<FieldDict>(dict_->clone());
  } else {
    copy.pairs_ = pairs_.clone();
  }
  return copy;
}

}  // namespace mini_redis::types
