// HashTable: the keyspace's instantiation of types::IntrusiveHashTable, over
// Entry blocks. The algorithm and why it is ours is in types/hash_table.h;
// this file only compiles the Entry version once for the whole program.
#include "storage/hash_table.h"

template class mini_redis::types::IntrusiveHashTable<
    mini_redis::storage::Entry, mini_redis::storage::EntryKey, mini_redis::storage::EntryDeleter>;
