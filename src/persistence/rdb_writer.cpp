#include "persistence/rdb_writer.h"

#include <cassert>
#include <limits>

#include "persistence/crc64.h"
#include "persistence/rdb_encoding.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_stream.h"
#include "types/field_dict.h"
#include "types/hash.h"
#include "types/quicklist.h"
#include "types/set.h"
#include "types/set_member_dict.h"
#include "types/skiplist.h"
#include "types/sorted_set.h"

namespace mini_redis::persistence {
namespace {

using storage::Entry;
using storage::ValueType;

// ---- the output buffer -----------------------------------------------------------

// One growing buffer that every encoder appends to, handed to the sink a
// chunk at a time, with the running checksum of what has been handed over.
// Appending to a std::string that keeps its capacity costs no allocation
// per key, which is what lets SAVE keep up with Redis's own rio buffer.
// Without a sink (DUMP) it only accumulates.
class RdbOutput {
 public:
  RdbOutput(const RdbSink* sink, bool compression, bool checksum)
      : sink_(sink), compression_(compression), checksum_(checksum) {
    if (sink_ != nullptr) buffer_.reserve(kRdbChunkBytes + kRdbChunkBytes / 4);
  }

  std::string& bytes() { return buffer_; }
  [[nodiscard]] bool compression() const { return compression_; }
  void put(std::uint8_t byte) { buffer_.push_back(static_cast<char>(byte)); }
  void length(std::uint64_t value) { rdb::append_length(buffer_, value); }
  void string(std::string_view value) { rdb::append_string(buffer_, value, compression_); }

  // A scratch buffer for values that must be assembled before they can be
  // written as one string (an intset); kept, so it is allocated once.
  std::string& scratch() { return scratch_; }

  // Hands the buffer to the sink once it holds a chunk. Called between keys
  // and between the elements of big collections, so that one huge list
  // does not have to fit in memory twice.
  void flush_if_full() {
    if (sink_ != nullptr && buffer_.size() >= kRdbChunkBytes) flush();
  }
  void flush() {
    if (!failed_) {
      if (checksum_) crc_ = crc64(crc_, buffer_);
      failed_ = !(*sink_)(buffer_);
    }
    buffer_.clear();
  }
  [[nodiscard]] bool failed() const { return failed_; }
  // The CRC64 of every byte flushed so far and of the buffer's bytes.
  [[nodiscard]] std::uint64_t checksum() const { return crc64(crc_, buffer_); }

 private:
  const RdbSink* sink_;
  bool compression_;
  bool checksum_;  // rdbchecksum no: Redis does not even compute it
  bool failed_ = false;
  std::uint64_t crc_ = 0;
  std::string buffer_;
  std::string scratch_;
};

// Views a block of bytes (a listpack) as the string the encoders take.
std::string_view as_chars(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// ---- values, one function per type ----------------------------------------------

void write_list(RdbOutput& out, const types::Quicklist& list) {
  out.length(list.node_count());
  // for_each_node hands us each node's plain listpack; the nodes() walk in
  // step tells us whether the node is held LZF-compressed, in which case
  // its compressed bytes go out as they are (Redis's rdbSaveLzfBlob): no
  // need to compress again what list-compress-depth already compressed.
  auto node = list.nodes().begin();
  list.for_each_node([&](const types::Listpack& plain) {
    if (out.failed()) return;
    out.length(rdb::kQuicklistNodePacked);
    if (node->compressed()) {
      rdb::append_lzf_blob(out.bytes(), node->compressed_bytes(), node->bytes_size());
    } else {
      out.string(as_chars(plain.bytes()));
    }
    ++node;
    out.flush_if_full();
  });
}

void write_hash(RdbOutput& out, const types::Hash& hash) {
  if (const types::Listpack* pairs = hash.listpack()) {
    out.string(as_chars(pairs->bytes()));
    return;
  }
  const types::FieldDict& dict = *hash.dict();
  out.length(dict.size());
  dict.for_each([&out](std::string_view field, std::string_view value) {
    if (out.failed()) return;
    out.string(field);
    out.string(value);
    out.flush_if_full();
  });
}

// The bytes per member an intset needs for `value` (intset.c's
// _intsetValueEncoding): 2, 4 or 8.
std::uint32_t intset_width(std::int64_t value) {
  if (value < std::numeric_limits<std::int32_t>::min() ||
      value > std::numeric_limits<std::int32_t>::max()) {
    return 8;
  }
  if (value < std::numeric_limits<std::int16_t>::min() ||
      value > std::numeric_limits<std::int16_t>::max()) {
    return 4;
  }
  return 2;
}

// An intset set as Redis's intset block (intset.h draws it): width and
// count as 32-bit LE, then the members ascending, each `width` bytes LE.
// Set does not expose its block, so the block is rebuilt from the members
// into the scratch buffer. The width is the narrowest that holds them all,
// which is Redis's block unless a wide member was added and later removed
// (Redis never narrows an intset); either loads the same.
void write_intset(RdbOutput& out, const types::Set& set) {
  const std::size_t count = set.size();
  std::uint32_t width = 2;
  for (std::size_t i = 0; i < count; ++i) width = std::max(width, intset_width(set.integer_at(i)));
  std::string& block = out.scratch();
  block.clear();
  auto put_le = [&block](std::uint64_t value, std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i) block.push_back(static_cast<char>(value >> (8 * i)));
  };
  put_le(width, 4);
  put_le(count, 4);
  for (std::size_t i = 0; i < count; ++i)
    put_le(static_cast<std::uint64_t>(set.integer_at(i)), width);
  out.string(block);
}

void write_set(RdbOutput& out, const types::Set& set) {
  const types::MemberDict* dict = set.dict();
  if (dict == nullptr) {
    write_intset(out, set);
    return;
  }
  out.length(dict->size());
  dict->for_each([&out](std::string_view member) {
    if (out.failed()) return;
    out.string(member);
    out.flush_if_full();
  });
}

void write_zset(RdbOutput& out, const types::SortedSet& zset) {
  if (const types::Listpack* pairs = zset.listpack()) {
    out.string(as_chars(pairs->bytes()));
    return;
  }
  const types::Skiplist& skiplist = *zset.skiplist();
  out.length(skiplist.size());
  // From the tail (highest score) back to the head, as Redis 7.0 does.
  for (const types::Skiplist::Node* node = skiplist.last(); node != nullptr && !out.failed();
       node = skiplist.prev(*node)) {
    out.string(node->member());
    rdb::append_binary_double(out.bytes(), node->score());
    out.flush_if_full();
  }
}

// The type byte for the entry's value in its current encoding.
std::uint8_t rdb_type(const Entry& entry) {
  switch (entry.type()) {
    case ValueType::string: return rdb::kTypeString;
    case ValueType::list: return rdb::kTypeListQuicklist2;
    case ValueType::hash:
      return entry.object<types::Hash>().listpack() != nullptr ? rdb::kTypeHashListpack
                                                               : rdb::kTypeHash;
    case ValueType::set:
      return entry.object<types::Set>().dict() == nullptr ? rdb::kTypeSetIntset : rdb::kTypeSet;
    case ValueType::zset:
      return entry.object<types::SortedSet>().listpack() != nullptr ? rdb::kTypeZsetListpack
                                                                    : rdb::kTypeZset2;
    case ValueType::stream: return rdb::kTypeStreamListpacks2;
  }
  assert(false && "unknown value type");
  return rdb::kTypeString;
}

// The value alone, after its type byte (and, in a file, its key).
void write_value(RdbOutput& out, const Entry& entry) {
  switch (entry.type()) {
    case ValueType::string: out.string(entry.value()); return;
    case ValueType::list: write_list(out, entry.object<types::Quicklist>()); return;
    case ValueType::hash: write_hash(out, entry.object<types::Hash>()); return;
    case ValueType::set: write_set(out, entry.object<types::Set>()); return;
    case ValueType::zset: write_zset(out, entry.object<types::SortedSet>()); return;
    case ValueType::stream:
      append_stream_value(out.bytes(), entry.object<types::Stream>(), out.compression());
      return;
  }
}

// ---- the file ----------------------------------------------------------------------

// One key as rdbSaveKeyValuePair writes it: [FC <ms>] [F8 <idle s> | F9
// <counter>] <type> <key> <value>. The access history goes in only under
// an LRU or LFU maxmemory-policy (the default noeviction writes none).
void write_key(RdbOutput& out, const storage::Database& db, const Entry& entry, std::int64_t now_ms,
               RdbWriteOptions::AccessHistory history) {
  if (entry.has_expire()) {
    out.put(rdb::kOpExpireTimeMs);
    rdb::append_u64_le(out.bytes(), static_cast<std::uint64_t>(entry.expire_at_ms()));
  }
  if (history == RdbWriteOptions::AccessHistory::lru_idle &&
      db.access_tracking() == storage::AccessTracking::lru) {
    const std::int64_t idle_s = now_ms / 1000 - static_cast<std::int64_t>(entry.access_time_s());
    out.put(rdb::kOpIdle);
    out.length(static_cast<std::uint64_t>(std::max<std::int64_t>(idle_s, 0)));
  } else if (history == RdbWriteOptions::AccessHistory::lfu_counter &&
             db.access_tracking() == storage::AccessTracking::lfu) {
    out.put(rdb::kOpFreq);
    out.put(db.access_frequency(entry));
  }
  out.put(rdb_type(entry));
  out.string(entry.key());
  write_value(out, entry);
}

void write_header(RdbOutput& out, const RdbWriteOptions& options) {
  out.bytes().append(rdb::kMagic);
  static_assert(rdb::kVersion == 10, "the magic below spells the version");
  out.bytes().append("0010");  // rdb::kVersion as four digits, Redis's "%04d"
  for (const auto& [name, value] : options.aux) {
    out.put(rdb::kOpAux);
    out.string(name);
    out.string(value);
  }
  // Redis's rdbSaveFunctions: the libraries come before the keys, so that
  // a loader has them before anything else.
  for (const std::string& code : options.function_libraries) {
    out.put(rdb::kOpFunction2);
    out.string(code);
  }
}

// SELECTDB and RESIZEDB, then the live keys. The sizes in RESIZEDB are
// hints for the loader's table sizes, and like Redis (dictSize of the main
// and expires dicts) they count keys whose time has passed too.
void write_database(RdbOutput& out, storage::Database& db, int index, std::int64_t now_ms,
                    const RdbWriteOptions& options) {
  out.put(rdb::kOpSelectDb);
  out.length(static_cast<std::uint64_t>(index));
  out.put(rdb::kOpResizeDb);
  out.length(db.size());
  out.length(db.expiring_count());
  // for_each_live neither deletes nor touches (it is KEYS's walk). A key is
  // alive up to and including its expire millisecond (Redis's keyIsExpired
  // is `now > when`), judged here by the caller's `now_ms`.
  db.for_each_live([&](Entry& entry) {
    if (out.failed()) return;
    if (entry.has_expire() && now_ms > entry.expire_at_ms()) return;
    write_key(out, db, entry, now_ms, options.access_history);
    out.flush_if_full();
    if (options.after_each_key) options.after_each_key();
  });
}

}  // namespace

bool write_rdb(storage::Keyspace& keyspace, std::int64_t now_ms, const RdbWriteOptions& options,
               const RdbSink& sink) {
  RdbOutput out(&sink, options.compression, options.checksum);
  write_header(out, options);
  for (int index = 0; index < keyspace.database_count() && !out.failed(); ++index) {
    storage::Database& db = keyspace.db(index);
    if (db.size() == 0) continue;  // Redis skips empty databases entirely
    write_database(out, db, index, now_ms, options);
  }
  if (out.failed()) return false;
  out.put(rdb::kOpEof);
  // The checksum covers every byte before it, the EOF opcode included.
  rdb::append_u64_le(out.bytes(), options.checksum ? out.checksum() : 0);
  out.flush();
  return !out.failed();
}

std::string dump_payload(const Entry& entry, bool compression) {
  RdbOutput out(nullptr, compression, true);
  out.put(rdb_type(entry));
  write_value(out, entry);
  // The RDB version, so that RESTORE on an older server can refuse a
  // payload it cannot read (verifyDumpPayload), then the checksum.
  out.put(static_cast<std::uint8_t>(rdb::kVersion & 0xff));
  out.put(static_cast<std::uint8_t>((rdb::kVersion >> 8) & 0xff));
  rdb::append_u64_le(out.bytes(), out.checksum());
  return std::move(out.bytes());
}

}  // namespace mini_redis::persistence
