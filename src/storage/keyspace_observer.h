// KeyspaceObserver: how storage tells the layers above what it did on its own.
//
// Most changes to the keyspace are made by a command, which knows what it did
// and can say so (keyspace notifications: "set", "del", "expire"...). A few
// happen inside storage, where no command is in sight:
//   - a key is created, by whatever verb (Redis's "new" event, fired by its
//     dbAdd whichever command adds the key);
//   - a key expires: passive expiry, when a lookup finds its time has come,
//     or the active expiry cycle, which runs from the server's cron with no
//     command and no client at all (Redis's "expired").
// (A read that finds nothing, Redis's "keymiss", is the command's to report:
// only the command knows that its lookup was a read.)
//
// Storage reports these through this small interface, with the database's
// number and the key. The commands layer implements it (notifications.h) and
// turns the calls into Pub/Sub messages; storage itself knows nothing of
// Pub/Sub, of configuration, or of who listens. Without an observer (the
// default, and in storage's own tests) nothing is reported.
//
// An observer must not touch the keyspace from these calls: they happen in
// the middle of a lookup or a write. `key` is valid only during the call.
#pragma once

#include <string_view>

namespace mini_redis::storage {

class KeyspaceObserver {
 public:
  virtual ~KeyspaceObserver() = default;
  // A key that did not exist now does (SET, APPEND, INCR of a new key, the
  // destination of RENAME, COPY, MOVE...).
  virtual void key_added(int db_index, std::string_view key) = 0;
  // A key was deleted because its expire time had passed; it is already gone.
  virtual void key_expired(int db_index, std::string_view key) = 0;
  // A key was deleted to free memory (maxmemory, eviction.h); already gone.
  // Only the server's observers care, so the others need not say.
  virtual void key_evicted(int /*db_index*/, std::string_view /*key*/) {}
};

}  // namespace mini_redis::storage
