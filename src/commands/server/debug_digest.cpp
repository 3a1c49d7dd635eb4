// DEBUG DIGEST's fingerprint; debug_digest.h explains the algorithm.
#include "commands/server/debug_digest.h"

#include <openssl/evp.h>

#include <cstdint>
#include <cstdio>
#include <string_view>

#include "types/hash.h"
#include "types/listpack.h"
#include "types/quicklist.h"
#include "types/set.h"
#include "types/sorted_set.h"
#include "types/stream.h"

namespace mini_redis::commands {

namespace {

Digest sha1(const void* bytes, std::size_t length) {
  Digest out{};
  unsigned int written = 0;
  EVP_Digest(bytes, length, out.data(), &written, EVP_sha1(), nullptr);
  return out;
}

// xor(D, bytes): D ^= SHA1(bytes).
void xor_digest(Digest& digest, std::string_view bytes) {
  const Digest hash = sha1(bytes.data(), bytes.size());
  for (std::size_t i = 0; i < digest.size(); ++i) digest[i] ^= hash[i];
}

// mix(D, bytes): xor, then D = SHA1(D), which makes the order of mixes count.
void mix_digest(Digest& digest, std::string_view bytes) {
  xor_digest(digest, bytes);
  digest = sha1(digest.data(), digest.size());
}

// A number as 4 bytes, most significant first (Redis's htonl()).
std::string_view big_endian_32(std::uint32_t value, std::array<char, 4>& buffer) {
  for (int i = 3; i >= 0; --i) {
    buffer[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return {buffer.data(), buffer.size()};
}

// Redis's OBJ_STRING... codes; 5 was OBJ_MODULE, which we have not.
std::uint32_t redis_type_code(storage::ValueType type) {
  switch (type) {
    case storage::ValueType::string: return 0;
    case storage::ValueType::list: return 1;
    case storage::ValueType::set: return 2;
    case storage::ValueType::zset: return 3;
    case storage::ValueType::hash: return 4;
    case storage::ValueType::stream: return 6;
  }
  return 0;
}

void digest_list(Digest& digest, const types::Quicklist& list) {
  types::IntText digits{};
  list.for_each_node([&](const types::Listpack& node) {
    for (std::size_t pos = node.first(); pos != types::Listpack::npos; pos = node.next(pos)) {
      mix_digest(digest, node.get(pos).text(digits));
    }
  });
}

void digest_zset(Digest& digest, const types::SortedSet& zset) {
  zset.for_each([&](std::string_view member, double score) {
    Digest element{};
    mix_digest(element, member);
    // Redis 7.0 prints the score with "%.17g" here (7.2 moved to the
    // shortest round-trip form, which changes the digest of some scores).
    char text[32];
    const int length = std::snprintf(text, sizeof text, "%.17g", score);
    mix_digest(element, std::string_view(text, static_cast<std::size_t>(length)));
    xor_digest(digest, {reinterpret_cast<const char*>(element.data()), element.size()});
  });
}

void digest_hash(Digest& digest, const types::Hash& hash) {
  hash.for_each([&](std::string_view field, std::string_view value) {
    Digest pair{};
    mix_digest(pair, field);
    mix_digest(pair, value);
    xor_digest(digest, {reinterpret_cast<const char*>(pair.data()), pair.size()});
  });
}

void digest_stream(Digest& digest, const types::Stream& stream) {
  types::IntText digits{};
  stream.for_each_in_range(
      types::StreamID::min(), types::StreamID::max(), 0, false,
      [&](const types::StreamEntry& entry) {
        // "%U.%U": a dot, not the dash XADD shows.
        mix_digest(digest, std::to_string(entry.id.ms) + "." + std::to_string(entry.id.seq));
        for (const types::ListpackEntry& part : entry.fields_and_values) {
          mix_digest(digest, part.text(digits));
        }
        return true;
      });
}

// Everything after the key name (Redis's xorObjectDigest).
void digest_value(Digest& digest, const storage::Entry& entry) {
  std::array<char, 4> type_bytes{};
  mix_digest(digest, big_endian_32(redis_type_code(entry.type()), type_bytes));
  switch (entry.type()) {
    case storage::ValueType::string: mix_digest(digest, entry.value()); break;
    case storage::ValueType::list: digest_list(digest, entry.object<types::Quicklist>()); break;
    case storage::ValueType::set:
      entry.object<types::Set>().for_each(
          [&](std::string_view member) { xor_digest(digest, member); });
      break;
    case storage::ValueType::zset: digest_zset(digest, entry.object<types::SortedSet>()); break;
    case storage::ValueType::hash: digest_hash(digest, entry.object<types::Hash>()); break;
    case storage::ValueType::stream: digest_stream(digest, entry.object<types::Stream>()); break;
  }
  if (entry.has_expire()) xor_digest(digest, "!!expire!!");
}

}  // namespace

Digest value_digest(const storage::Entry& entry) {
  Digest digest{};
  digest_value(digest, entry);
  return digest;
}

Digest dataset_digest(storage::Keyspace& keyspace) {
  Digest total{};
  for (int index = 0; index < keyspace.database_count(); ++index) {
    storage::Database& db = keyspace.db(index);
    if (db.size() == 0) continue;
    std::array<char, 4> index_bytes{};
    mix_digest(total, big_endian_32(static_cast<std::uint32_t>(index), index_bytes));
    db.for_each_live([&](storage::Entry& entry) {
      Digest key{};
      mix_digest(key, entry.key());
      digest_value(key, entry);
      xor_digest(total, {reinterpret_cast<const char*>(key.data()), key.size()});
    });
  }
  return total;
}

std::string digest_hex(const Digest& digest) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * digest.size());
  for (const unsigned char byte : digest) {
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0x0f]);
  }
  return hex;
}

}  // namespace mini_redis::commands
