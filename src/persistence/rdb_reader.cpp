#include "persistence/rdb_reader.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <utility>

#include "persistence/crc64.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_input.h"
#include "persistence/rdb_value_decoder.h"

namespace mini_redis::persistence {

namespace {

// RDB version 5 (Redis 2.6) added the CRC64 after EOF; older files end at EOF.
constexpr int kFirstVersionWithChecksum = 5;

// A DUMP payload ends with the RDB version (2 bytes) and the CRC64 (8 bytes).
constexpr std::size_t kDumpFooterSize = 10;
constexpr std::size_t kDumpChecksumSize = 8;

// Reads "REDIS" and the 4-digit version (rdbLoadRioWithLoadingCtx's first
// checks, with Redis's texts); returns the version, or 0 with `in` failed.
int read_header(RdbInput& in) {
  const std::string_view magic = in.read_bytes(rdb::kMagic.size());
  if (!in.ok() || magic != rdb::kMagic) {
    in.fail("Wrong signature trying to load DB from file");
    return 0;
  }
  const std::string_view digits = in.read_bytes(4);
  int version = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
  if (!in.ok() || error != std::errc{} || end != digits.data() + digits.size() || version < 1 ||
      version > rdb::kVersion) {
    in.fail("Can't handle RDB format version " + std::string(digits));
    return 0;
  }
  return version;
}

// One pass over a file, rdbLoadRio's loop: opcodes set up state (the
// database, the next key's expire time), a type byte starts a key.
class FileLoader {
 public:
  FileLoader(std::string_view file, storage::Keyspace& keyspace, std::int64_t now_ms,
             const RdbLoadOptions& options)
      : in_(file), keyspace_(keyspace), now_ms_(now_ms), options_(options) {}

  std::expected<RdbLoadStats, std::string> run() {
    const int version = read_header(in_);
    while (in_.ok() && !reached_eof_) step();
    if (in_.ok() && version >= kFirstVersionWithChecksum) check_checksum();
    if (!in_.ok()) return std::unexpected(in_.error());
    // Bytes after the checksum are not read here, as Redis stops reading
    // there; the AOF loader replays the commands an old AOF has after it.
    stats_.bytes_read = in_.offset();
    return std::move(stats_);
  }

 private:
  void step() {
    const std::uint8_t type = in_.read_byte();
    if (!in_.ok()) return;
    switch (type) {
      case rdb::kOpExpireTimeMs:
        expire_at_ms_ = static_cast<std::int64_t>(in_.read_little_endian(8));
        return;
      case rdb::kOpExpireTime:  // old files: signed 32-bit seconds (rdbLoadTime)
        expire_at_ms_ = std::int64_t{static_cast<std::int32_t>(in_.read_little_endian(4))} * 1000;
        return;
      case rdb::kOpIdle: {  // LRU idle seconds of the next key (maxmemory-policy *-lru)
        const std::uint64_t idle = in_.read_length();
        idle_seconds_ = static_cast<std::int64_t>(std::min<std::uint64_t>(idle, INT64_MAX));
        return;
      }
      case rdb::kOpFreq:  // LFU counter of the next key (maxmemory-policy *-lfu)
        frequency_ = in_.read_byte();
        return;
      case rdb::kOpSelectDb:
        select_db();
        return;
      case rdb::kOpResizeDb:  // size hints: our tables grow as keys arrive
        static_cast<void>(in_.read_length());
        static_cast<void>(in_.read_length());
        return;
      case rdb::kOpAux:
        read_aux();
        return;
      case rdb::kOpModuleAux:
        in_.fail("module auxiliary data (MODULE_AUX) is not supported");
        return;
      case rdb::kOpFunction2: {
        std::string code = in_.read_string();
        if (in_.ok()) stats_.function_libraries.push_back(std::move(code));
        return;
      }
      case rdb::kOpEof:
        reached_eof_ = true;
        return;
      default:
        load_key(type);
        return;
    }
  }

  void select_db() {
    const std::uint64_t index = in_.read_length();
    if (!in_.ok()) return;
    if (index >= static_cast<std::uint64_t>(keyspace_.database_count())) {
      // Redis: "FATAL: Data file was created with a Redis server configured
      // to handle more than N databases."
      in_.fail("the file selects database " + std::to_string(index) + " but there are only " +
               std::to_string(keyspace_.database_count()));
      return;
    }
    db_index_ = static_cast<int>(index);
  }

  void read_aux() {
    std::string name = in_.read_string();
    std::string value = in_.read_string();
    if (in_.ok()) stats_.aux.emplace_back(std::move(name), std::move(value));
  }

  void load_key(std::uint8_t type) {
    if (!is_value_type(type)) {
      in_.fail("unknown RDB opcode or value type " + std::to_string(type));
      return;
    }
    std::string scratch;
    const std::string key(in_.read_string(scratch));
    storage::EntryPtr entry = decode_value(in_, type, key, options_);
    // The expire time and access history belonged to this key only.
    const std::int64_t expire_at_ms = std::exchange(expire_at_ms_, storage::kNoExpire);
    const std::int64_t idle_seconds = std::exchange(idle_seconds_, -1);
    const int frequency = std::exchange(frequency_, -1);
    if (!in_.ok()) return;
    if (!entry) {
      ++stats_.empty_keys_skipped;  // Redis 7.0 drops an empty list/set/hash/zset
      return;
    }
    // A master drops keys already expired (a replica keeps them: its master
    // will send the DELs). Alive up to and including the expire ms.
    if (expire_at_ms != storage::kNoExpire && expire_at_ms < now_ms_) {
      ++stats_.keys_expired;
      return;
    }
    storage::Database& db = keyspace_.db(db_index_);
    db.erase(key);  // a key twice in a file: the later one wins, as DEBUG RELOAD allows
    storage::Entry& placed = *entry;
    db.attach(std::move(entry));
    if (expire_at_ms != storage::kNoExpire) db.set_expire_at(placed, expire_at_ms);
    // Loaded keys count as accessed now, unless the file says otherwise
    // (Redis's objectSetLRUOrLFU with the IDLE / FREQ opcodes).
    db.set_access_history(placed, idle_seconds, frequency);
    ++stats_.keys_loaded;
  }

  // The CRC64 of every byte up to and including EOF's opcode, stored little
  // endian after it. Zero means the writer had rdbchecksum off: Redis logs
  // "RDB file was saved with checksum disabled: no check performed".
  void check_checksum() {
    const std::uint64_t expected = crc64(0, in_.consumed());
    const std::uint64_t stored = in_.read_little_endian(8);
    if (!in_.ok() || !options_.verify_checksum || stored == 0 || stored == expected) return;
    in_.fail("Wrong RDB checksum: computed " + std::to_string(expected) + ", stored " +
             std::to_string(stored));
  }

  RdbInput in_;
  storage::Keyspace& keyspace_;
  std::int64_t now_ms_;
  const RdbLoadOptions& options_;
  RdbLoadStats stats_;
  int db_index_ = 0;
  std::int64_t expire_at_ms_ = storage::kNoExpire;
  std::int64_t idle_seconds_ = -1;  // from an IDLE opcode, for the next key only
  int frequency_ = -1;              // from a FREQ opcode, for the next key only
  bool reached_eof_ = false;
};

std::uint64_t little_endian(std::string_view bytes) {
  RdbInput in(bytes);
  return in.read_little_endian(bytes.size());
}

}  // namespace

std::expected<RdbLoadStats, std::string> load_rdb(std::string_view file,
                                                  storage::Keyspace& keyspace,
                                                  std::int64_t now_ms,
                                                  const RdbLoadOptions& options) {
  return FileLoader(file, keyspace, now_ms, options).run();
}

std::expected<storage::EntryPtr, std::string> restore_payload(std::string_view key,
                                                             std::string_view payload,
                                                             const RdbLoadOptions& options) {
  // verifyDumpPayload: the footer first. RESTORE always checks the CRC
  // (rdbchecksum does not apply), so a zero CRC is wrong here.
  if (payload.size() < kDumpFooterSize) return std::unexpected(std::string(kDumpPayloadError));
  const std::size_t footer = payload.size() - kDumpFooterSize;
  const std::uint64_t version = little_endian(payload.substr(footer, 2));
  const std::uint64_t stored_crc = little_endian(payload.substr(footer + 2, kDumpChecksumSize));
  if (version > static_cast<std::uint64_t>(rdb::kVersion) ||
      stored_crc != crc64(0, payload.substr(0, payload.size() - kDumpChecksumSize))) {
    return std::unexpected(std::string(kDumpPayloadError));
  }

  // Redis decodes from the whole argument, footer included: a value that
  // ends early may read into the footer's bytes and still load (7.0.15
  // RESTOREs a 5-byte string cut to 4 bytes, taking the version's low byte
  // as its fifth). Bytes left over after the value are ignored likewise.
  RdbInput in(payload);
  const std::uint8_t type = in.read_byte();
  if (!in.ok() || !is_value_type(type)) return std::unexpected(std::string(kBadDataFormatError));
  storage::EntryPtr entry = decode_value(in, type, key, options);
  if (!entry) return std::unexpected(std::string(kBadDataFormatError));  // malformed or empty
  return entry;
}

}  // namespace mini_redis::persistence
