// DEBUG DIGEST and DEBUG DIGEST-VALUE: a 20-byte fingerprint of the whole
// dataset, or of one value, computed exactly as Redis 7.0 computes it
// (debug.c's computeDatasetDigest / xorObjectDigest), so that the hex of
// the same data is the same on this server and on redis-server. Test
// suites (Redis's own, and ours in tests/e2e) compare datasets with it:
// after DEBUG RELOAD, after an AOF rewrite, between a master and a replica.
//
// The algorithm, built from two SHA1-based steps on a 20-byte digest D:
//
//   xor(D, bytes)  D ^= SHA1(bytes)                   order does not matter
//   mix(D, bytes)  xor(D, bytes); D = SHA1(D)         order matters:
//                                                     mix(a) then mix(b) is
//                                                     not mix(b) then mix(a)
//
// For each key: a fresh 20 zero bytes K; mix(K, key name); mix(K, the type
// as a 4-byte big-endian number, Redis's OBJ_* code: string 0, list 1,
// set 2, zset 3, hash 4, stream 6); then the value:
//   string   mix(K, its bytes) (an int-encoded string as its decimal text)
//   list     mix(K, element) for each element, head to tail (order counts)
//   set      xor(K, member) for each member (a set has no order)
//   zset     for each member: E = 20 zeros; mix(E, member);
//            mix(E, score printed "%.17g"); xor(K, E)
//   hash     for each pair: E = 20 zeros; mix(E, field); mix(E, value);
//            xor(K, E)
//   stream   for each entry in ID order: mix(K, "<ms>.<seq>"), then
//            mix(K, field) and mix(K, value) for each of its fields
//            (consumer groups are not part of it in 7.0)
//   and if the key has a TTL: xor(K, "!!expire!!") (the time itself is
//   not included, so two datasets that differ only in when keys expire
//   have the same digest).
// The dataset digest starts at 20 zeros; for each database with keys it
// mixes in the database number (4 bytes big endian) then xors in every
// key's K. Keys are xored, so the hash table's order does not matter; the
// database number is mixed, so moving the same data to another database
// changes the digest. An empty server digests to 40 zeros.
#pragma once

#include <array>
#include <string>

#include "storage/database.h"
#include "storage/entry.h"
#include "storage/keyspace.h"

namespace mini_redis::commands {

using Digest = std::array<unsigned char, 20>;

// K above for one key (DIGEST-VALUE answers it for each key it is given).
[[nodiscard]] Digest value_digest(const storage::Entry& entry);

// The whole dataset's digest (DEBUG DIGEST). Keys whose time has passed but
// that are not deleted yet count, as in Redis (it walks the dict directly).
[[nodiscard]] Digest dataset_digest(storage::Keyspace& keyspace);

// 40 lower-case hex digits, as DEBUG prints a digest.
[[nodiscard]] std::string digest_hex(const Digest& digest);

}  // namespace mini_redis::commands
