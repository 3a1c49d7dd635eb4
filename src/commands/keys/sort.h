// SORT's pieces, internal to sort_command.cpp and sort_patterns.cpp.
//
// SORT lives with the generic key commands, as Redis files it (its docs
// group is "generic", its code is sort.c, apart from t_list.c, t_set.c and
// t_zset.c): it reads three types, owns none, and writes a list. Split:
//   sort_command.cpp   SORT and SORT_RO: options, loading, ordering, reply
//   sort_patterns.cpp  the BY and GET patterns ("weight_*", "h_*->field")
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "commands/core/context.h"

namespace mini_redis::commands::sort_detail {

// Redis's lookupKeyByPattern: the value `pattern` points to for the
// element `element`. The first '*' is replaced by the element to make a key
// name; a "->field" after it reads that field of a hash, else the key must
// hold a string. "#" alone is the element itself. nullopt when the key is
// missing or of another type, the field missing, or the pattern has no '*'.
// Each lookup counts as a keyspace hit or miss, as in Redis.
std::optional<std::string> lookup_by_pattern(Context& ctx, std::string_view pattern,
                                             std::string_view element);

// Does the pattern name other keys? Without a '*' it cannot (BY nosort).
bool pattern_has_star(std::string_view pattern);

// Redis's check before BY (with a '*') and GET: may the client's user read
// every key? A pattern can reach any key, so only a user with allkeys, or
// a read pattern "*", may use them.
bool user_may_read_every_key(const Context& ctx);

}  // namespace mini_redis::commands::sort_detail
