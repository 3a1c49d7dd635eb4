#include "persistence/rdb_value_decoder.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "persistence/rdb_format.h"
#include "persistence/rdb_stream.h"
#include "types/hash.h"
#include "types/intset.h"
#include "types/listpack.h"
#include "types/quicklist.h"
#include "types/set.h"
#include "types/sorted_set.h"

namespace mini_redis::persistence {

namespace {

using storage::EntryPtr;
using types::Listpack;

std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// The entry for a finished object; `object` is moved into the entry's slot.
template <class T>
EntryPtr entry_of(std::string_view key, T& object) {
  return storage::make_object_entry(key, storage::kObjectType<T>, &object);
}

// ---- strings and lists -----------------------------------------------------------------

// The encoding comes from the bytes, as Redis's tryObjectEncoding picks it
// after loading: "int" for a canonical integer, "embstr" up to 44 bytes,
// "raw" beyond (make_entry applies that rule).
EntryPtr decode_string(RdbInput& in, std::string_view key) {
  std::string scratch;
  const std::string_view value = in.read_string(scratch);
  if (!in.ok()) return {};
  return storage::make_entry(key, value);
}

// RDB_TYPE_LIST, written by Redis before 3.2: a count and the elements.
EntryPtr decode_plain_list(RdbInput& in, std::string_view key, const RdbLoadOptions& options) {
  const std::uint64_t count = in.read_count(1);
  types::Quicklist list(options.list_max_listpack_size, options.list_compress_depth);
  std::string scratch;
  for (std::uint64_t i = 0; i < count && in.ok(); ++i) {
    const std::string_view element = in.read_string(scratch);
    if (in.ok()) list.push_back(element);
  }
  if (!in.ok() || list.empty()) return {};
  return entry_of(key, list);
}

// RDB_TYPE_LIST_QUICKLIST_2: the quicklist's nodes as Redis had them. A
// packed node is a listpack, kept as it is (Redis does not re-split nodes on
// load); a plain node is one big element, which we push as an element (we
// have no plain nodes: see quicklist.h). Empty listpacks are skipped, as
// Redis skips them silently; a list left empty is dropped.
EntryPtr decode_quicklist(RdbInput& in, std::string_view key, const RdbLoadOptions& options) {
  // Each node takes at least a container byte and a string header byte.
  const std::uint64_t nodes = in.read_count(2);
  types::Quicklist list(options.list_max_listpack_size, options.list_compress_depth);
  std::string scratch;
  for (std::uint64_t i = 0; i < nodes && in.ok(); ++i) {
    const std::uint64_t container = in.read_length();
    if (in.ok() && container != rdb::kQuicklistNodePlain &&
        container != rdb::kQuicklistNodePacked) {
      in.fail("Quicklist integrity check failed: unknown node container");
    }
    const std::string_view bytes = in.read_string(scratch);
    if (!in.ok()) break;
    if (bytes.empty()) {
      in.fail("Quicklist integrity check failed: an empty node");  // rdbLoadObject refuses it too
      break;
    }
    if (container == rdb::kQuicklistNodePlain) {
      list.push_back(bytes);
      continue;
    }
    std::optional<Listpack> node = Listpack::from_bytes(as_bytes(bytes));
    if (!node) {
      in.fail("Listpack integrity check failed");
      break;
    }
    list.append_node(std::move(*node));  // drops an empty one
  }
  if (!in.ok() || list.empty()) return {};
  return entry_of(key, list);
}

// ---- sets ---------------------------------------------------------------------------------

// RDB_TYPE_SET: the members of a hashtable set. Added as SADD adds them, so
// a set of few integers becomes an intset again (rdbLoadObject does the
// same); more members than set-max-intset-entries go straight to a
// hashtable, without building an intset first.
EntryPtr decode_set(RdbInput& in, std::string_view key, const RdbLoadOptions& options) {
  const std::uint64_t count = in.read_count(1);
  const types::SetLimits limits{options.set_max_intset_entries};
  types::Set set;
  if (count > limits.max_intset_entries) set.convert_to_hashtable();
  std::string scratch;
  for (std::uint64_t i = 0; i < count && in.ok(); ++i) {
    const std::string_view member = in.read_string(scratch);
    if (in.ok() && !set.add(member, limits)) in.fail("Duplicate set members detected");
  }
  if (!in.ok() || set.empty()) return {};
  return entry_of(key, set);
}

// RDB_TYPE_SET_INTSET: an intset block, validated whole (width, length,
// strictly ascending members; an empty one is corrupt, as Redis's
// intsetValidateIntegrity says), then converted if it has more members than
// our set-max-intset-entries allows.
EntryPtr decode_intset(RdbInput& in, std::string_view key, const RdbLoadOptions& options) {
  std::string scratch;
  const std::string_view blob = in.read_string(scratch);
  if (!in.ok()) return {};
  const std::optional<types::Intset> ints = types::Intset::from_bytes(as_bytes(blob));
  if (!ints) {
    in.fail("Intset integrity check failed");
    return {};
  }
  const types::SetLimits limits{options.set_max_intset_entries};
  types::Set set;
  if (ints->size() > limits.max_intset_entries) set.convert_to_hashtable();
  for (std::size_t i = 0; i < ints->size(); ++i) set.add_integer(ints->at(i), limits);
  return entry_of(key, set);
}

// ---- hashes --------------------------------------------------------------------------------

// RDB_TYPE_HASH: field, value, field, value... of a hashtable hash. Set as
// HSET sets them, so the result converts by the same rules (a long field or
// value, or too many fields, makes a hashtable; a few short ones a listpack).
EntryPtr decode_hash(RdbInput& in, std::string_view key, const RdbLoadOptions& options) {
  const std::uint64_t count = in.read_count(2);
  types::Hash hash;
  if (count > options.hash_limits.max_listpack_entries) hash.convert_to_hashtable();
  std::string field_scratch;
  std::string value_scratch;
  for (std::uint64_t i = 0; i < count && in.ok(); ++i) {
    const std::string_view field = in.read_string(field_scratch);
    const std::string_view value = in.read_string(value_scratch);
    if (in.ok() && !hash.set(field, value, options.hash_limits)) {
      in.fail("Duplicate hash fields detected");
    }
  }
  if (!in.ok() || hash.empty()) return {};
  return entry_of(key, hash);
}

// RDB_TYPE_HASH_LISTPACK: the listpack block itself. Redis 7.0.15 converts it
// on load only when it has too many fields; a long value stays in the
// listpack (checked: RESTORE of a listpack with a 100-byte value, under
// hash-max-listpack-value 64, answers "listpack"). So the value limit is
// lifted for this conversion.
EntryPtr decode_hash_listpack(RdbInput& in, std::string_view key, const RdbLoadOptions& options) {
  std::string scratch;
  const std::string_view blob = in.read_string(scratch);
  if (!in.ok()) return {};
  std::optional<Listpack> pairs = Listpack::from_bytes(as_bytes(blob));
  if (!pairs) {
    in.fail("Hash listpack integrity check failed");
    return {};
  }
  types::HashLimits limits = options.hash_limits;
  limits.max_listpack_value = std::numeric_limits<std::size_t>::max();
  std::optional<types::Hash> hash = types::Hash::from_listpack(std::move(*pairs), limits);
  if (!hash) {
    in.fail("Hash listpack integrity check failed: an odd count or a duplicate field");
    return {};
  }
  if (hash->empty()) return {};
  return entry_of(key, *hash);
}

// ---- sorted sets ---------------------------------------------------------------------------

struct ScoredMember {
  std::string member;
  double score = 0;
};

// A sorted set of `elements` (in any order), or nullopt if a member comes
// twice. Sorting them first lets every element be appended at the end, O(1)
// in a listpack, instead of a walk per insert; append_greatest converts to a
// skiplist by `limits` exactly as an insert would.
std::optional<types::SortedSet> build_sorted_set(std::vector<ScoredMember> elements,
                                                 const types::SortedSetLimits& limits) {
  std::ranges::sort(elements, {}, &ScoredMember::member);
  const auto same_member = [](const ScoredMember& a, const ScoredMember& b) {
    return a.member == b.member;
  };
  if (std::ranges::adjacent_find(elements, same_member) != elements.end()) return std::nullopt;
  // Score order, then member bytes (std::string compares as memcmp does):
  // the order of a zset.
  std::ranges::stable_sort(elements, {}, &ScoredMember::score);
  types::SortedSet zset;
  if (elements.size() > limits.max_listpack_entries) zset.convert_to_skiplist();
  for (const ScoredMember& element : elements) {
    zset.append_greatest(element.member, element.score, limits);
  }
  return zset;
}

// RDB_TYPE_ZSET_2 (binary scores) and the old RDB_TYPE_ZSET (text scores):
// member, score, member, score... of a skiplist. Redis loads them into a
// skiplist and converts to a listpack if the result fits the listpack
// limits; building with those limits gives the same encoding.
EntryPtr decode_zset(RdbInput& in, std::string_view key, const RdbLoadOptions& options,
                     bool binary_scores) {
  const std::uint64_t count = in.read_count(binary_scores ? 1 + 8 : 1 + 1);
  std::vector<ScoredMember> elements;
  for (std::uint64_t i = 0; i < count && in.ok(); ++i) {
    std::string member = in.read_string();
    const double score = binary_scores ? in.read_binary_double() : in.read_text_double();
    if (!in.ok()) break;
    if (std::isnan(score)) {
      in.fail("Zset with NAN score detected");
      break;
    }
    elements.push_back({std::move(member), score});
  }
  if (!in.ok() || elements.empty()) return {};
  std::optional<types::SortedSet> zset = build_sorted_set(std::move(elements), options.zset_limits);
  if (!zset) {
    in.fail("Duplicate zset fields detected");
    return {};
  }
  return entry_of(key, *zset);
}

// The (member, score) pairs of a zset listpack, or nullopt if it has an odd
// count or a score that is not a number.
std::optional<std::vector<ScoredMember>> listpack_elements(const Listpack& pairs) {
  std::vector<ScoredMember> elements;
  for (std::size_t pos = pairs.first(); pos != Listpack::npos;) {
    const std::size_t score_pos = pairs.next(pos);
    if (score_pos == Listpack::npos) return std::nullopt;  // a member without a score
    const types::ListpackEntry score_entry = pairs.get(score_pos);
    std::optional<double> score;
    if (score_entry.is_int()) {
      score = static_cast<double>(score_entry.as_int());
    } else {
      score = parse_score_text(score_entry.as_string());
    }
    if (!score || std::isnan(*score)) return std::nullopt;
    elements.push_back({pairs.get(pos).to_string(), *score});
    pos = pairs.next(score_pos);
  }
  return elements;
}

// RDB_TYPE_ZSET_LISTPACK: the listpack block. Redis keeps the block as it
// is (converting only when it has too many elements, as for hashes); we
// rebuild it in order from its pairs, so a block whose pairs are out of
// order (corrupt) cannot break the listpack's sorted invariant. For a block
// Redis wrote, the result is the same bytes.
EntryPtr decode_zset_listpack(RdbInput& in, std::string_view key, const RdbLoadOptions& options) {
  std::string scratch;
  const std::string_view blob = in.read_string(scratch);
  if (!in.ok()) return {};
  const std::optional<Listpack> pairs = Listpack::from_bytes(as_bytes(blob));
  std::optional<std::vector<ScoredMember>> elements;
  if (pairs) elements = listpack_elements(*pairs);
  if (!elements) {
    in.fail("Zset listpack integrity check failed");
    return {};
  }
  if (elements->empty()) return {};
  types::SortedSetLimits limits = options.zset_limits;
  limits.max_listpack_value = std::numeric_limits<std::size_t>::max();
  std::optional<types::SortedSet> zset = build_sorted_set(std::move(*elements), limits);
  if (!zset) {
    in.fail("Zset listpack integrity check failed: a duplicate member");
    return {};
  }
  return entry_of(key, *zset);
}

// The types we recognise but do not load, each with why.
EntryPtr refuse(RdbInput& in, std::uint8_t type) {
  switch (type) {
    case rdb::kTypeModule2:
      in.fail("RDB type 7 (a module value) is not supported");
      break;
    case rdb::kTypeHashZipmap:
    case rdb::kTypeListZiplist:
    case rdb::kTypeZsetZiplist:
    case rdb::kTypeHashZiplist:
    case rdb::kTypeListQuicklist:
      in.fail("RDB type " + std::to_string(type) +
              " (a zipmap or ziplist encoding of Redis 6 and older) is not supported");
      break;
    default:
      in.fail("unknown RDB value type " + std::to_string(type));
      break;
  }
  return {};
}

}  // namespace

bool is_value_type(std::uint8_t type) {
  return type <= rdb::kTypeModule2 || (type >= rdb::kTypeHashZipmap && type <= rdb::kTypeStreamListpacks2);
}

EntryPtr decode_value(RdbInput& in, std::uint8_t type, std::string_view key,
                      const RdbLoadOptions& options) {
  switch (type) {
    case rdb::kTypeString:
      return decode_string(in, key);
    case rdb::kTypeList:
      return decode_plain_list(in, key, options);
    case rdb::kTypeListQuicklist2:
      return decode_quicklist(in, key, options);
    case rdb::kTypeSet:
      return decode_set(in, key, options);
    case rdb::kTypeSetIntset:
      return decode_intset(in, key, options);
    case rdb::kTypeHash:
      return decode_hash(in, key, options);
    case rdb::kTypeHashListpack:
      return decode_hash_listpack(in, key, options);
    case rdb::kTypeZset:
      return decode_zset(in, key, options, /*binary_scores=*/false);
    case rdb::kTypeZset2:
      return decode_zset(in, key, options, /*binary_scores=*/true);
    case rdb::kTypeZsetListpack:
      return decode_zset_listpack(in, key, options);
    case rdb::kTypeStreamListpacks:
      return decode_stream(in, key, /*listpacks2=*/false);
    case rdb::kTypeStreamListpacks2:
      return decode_stream(in, key, /*listpacks2=*/true);
    default:
      return refuse(in, type);
  }
}

}  // namespace mini_redis::persistence
