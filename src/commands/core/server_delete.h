// delete_by_server: how a write deletes a key on its own, as Redis's
// dbDelete does in 7.0.
//
// Some writes delete a key the client did not name for deletion: RESTORE
// REPLACE drops the value it replaces, and a STORE command whose result is
// empty (SINTERSTORE, ZUNIONSTORE, SORT ... STORE, GEOSEARCHSTORE, BITOP...)
// deletes its destination. Redis 7.0 frees such a value in the background
// when lazyfree-lazy-server-del is yes (dbDelete -> dbAsyncDelete), the same
// setting that covers SET over a key and RENAME's destination (those are in
// storage::Database). DEL has its own setting (lazyfree-lazy-user-del) and
// an EXPIRE time in the past another (lazyfree-lazy-expire).
#pragma once

#include <string_view>

#include "commands/core/context.h"

namespace mini_redis::commands {

// Deletes `key` from the client's database; true if a live key was removed.
// A big value goes to the lazy-free thread under lazyfree-lazy-server-del.
inline bool delete_by_server(Context& ctx, std::string_view key) {
  return ctx.config.lazyfree_lazy_server_del ? ctx.db().unlink(key) : ctx.db().erase(key);
}

}  // namespace mini_redis::commands
