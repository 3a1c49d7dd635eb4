// Keyspace notifications as a command sends them: the event goes to the
// client's own database and through the Context's settings and registry.
// The channels and the publishing live in pubsub/notifications.h; this is
// only the short form every command family calls after its write.
#pragma once

#include <cstdint>
#include <string_view>

#include "commands/core/blocking.h"
#include "commands/core/context.h"
#include "commands/core/watched_keys.h"
#include "pubsub/notifications.h"
#include "pubsub/tracking.h"

namespace mini_redis::commands {

namespace notify = config::notify;
using pubsub::notify_keyspace_event;

// A write announces its key here, and that is also how the clients that
// WATCH the key learn it changed (Redis calls signalModifiedKey next to
// notifyKeyspaceEvent), and how the save points learn there is something
// new to save, and how the clients that cache it (CLIENT TRACKING) learn
// it is stale: each write event counts one change (Redis's server.dirty,
// which most commands also raise by one per key changed). A read that found
// nothing (keymiss) changed nothing.
inline void touch_watched_key(Context& ctx, std::uint32_t type, std::string_view key,
                              int db_index) {
  if (type == notify::kKeyMiss) return;
  ++ctx.stats.persistence.dirty;
  if (ctx.watched_keys != nullptr) ctx.watched_keys->touch(db_index, key);
  // Clients caching the key are told it changed (pubsub/tracking.h).
  if (ctx.tracking != nullptr) ctx.tracking->invalidate_key(key);
  // A client parked in XREADGROUP must learn that its stream was deleted or
  // replaced (Redis's signalDeletedKeyAsReady); blocking.h decides whom a
  // ready key wakes, so any write to a key someone waits on signals it.
  // Except a stream event: the key is still a stream, and only XADD and
  // XGROUP DESTROY wake its readers (they signal it themselves), as in
  // Redis, where XGROUP SETID moving a group back wakes nobody.
  if (type != notify::kStream && ctx.blocking.blocked_clients() != 0) {
    ctx.blocking.signal_key_added(db_index, key);
  }
}

inline void notify_keyspace_event(Context& ctx, std::uint32_t type, std::string_view event,
                                  std::string_view key, int db_index) {
  touch_watched_key(ctx, type, key, db_index);
  notify_keyspace_event(ctx.config, ctx.pubsub, type, event, key, db_index);
}

// The common case: an event on a key of the client's selected database.
inline void notify_keyspace_event(Context& ctx, std::uint32_t type, std::string_view event,
                                  std::string_view key) {
  touch_watched_key(ctx, type, key, ctx.client.db_index);
  notify_keyspace_event(ctx.config, ctx.pubsub, type, event, key, ctx.client.db_index);
}

// A read found no key: "keymiss" (class m). Redis reports it from its read
// lookups (lookupKeyRead), so every command that reads a key calls this when
// the key is not there; writes that find nothing (SETRANGE, RENAME) do not.
inline void notify_key_miss(Context& ctx, std::string_view key) {
  notify_keyspace_event(ctx, notify::kKeyMiss, "keymiss", key);
}

}  // namespace mini_redis::commands
