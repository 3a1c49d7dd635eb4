// HashTable: the dictionary that maps keys to entries, as Redis's dict.c does.
//
// The algorithm (chained buckets, incremental rehashing, SCAN's reverse-binary
// cursor, fair random pick, seeded hashing) lives in types/hash_table.h, whose
// header explains why we do not use absl::flat_hash_map: the hash type's
// "hashtable" encoding needs exactly the same machinery for HSCAN and
// HRANDFIELD, so one piece of code serves both, as dict.c does in Redis.
//
// This file is the keyspace's instantiation of it: the stored node is the
// Entry block itself (it derives from types::HashNode, so the chain link sits
// in the entry's header and a key costs its block plus one bucket pointer),
// looked up by the entry's key and freed by EntryDeleter. Its interface:
//
//   find(key) -> Entry*                insert(EntryPtr)   remove(key) -> EntryPtr
//   replace(old Entry*, EntryPtr)      clear()            random_entry(bits) -> Entry*
//   scan(cursor, visit(Entry&)) -> next cursor            for_each(visit(Entry&))
//   rehash_step(n) -> more to do?      is_rehashing()     bucket_bytes()   size()
//
// Lookups are by std::string_view: a GET hashes the bytes in the read buffer
// and never builds a std::string. The key comparison is inlined into find();
// no indirect call is made per key compared.
#pragma once

#include <string_view>

#include "storage/entry.h"
#include "types/hash_table.h"

namespace mini_redis::storage {

// How the table reads an entry's key.
struct EntryKey {
  std::string_view operator()(const Entry& entry) const { return entry.key(); }
};

using HashTable = types::IntrusiveHashTable<Entry, EntryKey, EntryDeleter>;

}  // namespace mini_redis::storage

// Compiled once, in storage/hash_table.cpp, rather than in every file that
// includes this header.
extern template class mini_redis::types::IntrusiveHashTable<
    mini_redis::storage::Entry, mini_redis::storage::EntryKey, mini_redis::storage::EntryDeleter>;
