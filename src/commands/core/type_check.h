// The WRONGTYPE rule: a command for one type refuses a key of another.
//
// Every key has one type (string, list, hash...), and a command written for
// one type answers `WRONGTYPE Operation against a key holding the wrong kind
// of value` when the key exists with another: LPUSH on a string, GET on a
// hash. A missing key is never the wrong type; each command decides what
// absent means (GET answers null, LPUSH creates the list). This is Redis's
// checkType(), and every handler calls it right after its lookup:
//
//     storage::Entry* entry = ctx.db().lookup_for_write(key);
//     if (!check_type(ctx, entry, storage::ValueType::list)) return;
//
// A few commands do not follow the rule and say so where they deviate: MGET
// answers null for a key of another type, SET and MSET overwrite any type.
#pragma once

#include "commands/core/context.h"
#include "commands/core/errors.h"
#include "storage/entry.h"

namespace mini_redis::commands {

// True when `entry` is absent or holds `type`; otherwise replies WRONGTYPE
// and returns false, and the handler stops there.
inline bool check_type(Context& ctx, const storage::Entry* entry, storage::ValueType type) {
  if (entry == nullptr || entry->type() == type) return true;
  ctx.reply.error(errors::kWrongType);
  return false;
}

}  // namespace mini_redis::commands
