// Keyspace notifications: Pub/Sub messages about what happens to keys.
//
// With `notify-keyspace-events` set, every change to a key is published, as
// Redis 7.0 does (notify.c), on up to two channels:
//
//   __keyspace@<db>__:<key>     message: the event    ("K": what happened to this key?)
//   __keyevent@<db>__:<event>   message: the key      ("E": which keys had this happen?)
//
// The events are grouped in classes, each with a letter, and only the
// classes named in the setting are published: g generic (del, expire,
// rename_from...), $ string (set, append, incrby...), x expired, e evicted,
// m keymiss, n new, and l s h z t d for lists, sets, hashes, sorted sets,
// streams and modules, which mini-redis does not have (the letters are
// accepted all the same). A is "g$lshzxetd": every class but m and n. The
// setting needs K or E, and at least one class, to publish anything.
//
// Commands call notify_keyspace_event() after their write, with Redis's
// event name; storage reports what it does on its own (a new key, an expired
// key) through the KeyspaceNotifier below. Messages go through
// PubSub::publish, so SUBSCRIBE and PSUBSCRIBE clients both receive them.
// Notifications are off by default, and then a call costs one test of an
// integer: the check is inline, in this header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "commands/config.h"
#include "commands/context.h"
#include "commands/pubsub.h"
#include "storage/keyspace_observer.h"

namespace mini_redis::commands {

// The bits of Config::notify_keyspace_events, Redis's NOTIFY_* values.
namespace notify {
inline constexpr std::uint32_t kKeyspace = 1U << 0;  // K
inline constexpr std::uint32_t kKeyevent = 1U << 1;  // E
inline constexpr std::uint32_t kGeneric = 1U << 2;   // g
inline constexpr std::uint32_t kString = 1U << 3;    // $
inline constexpr std::uint32_t kList = 1U << 4;      // l
inline constexpr std::uint32_t kSet = 1U << 5;       // s
inline constexpr std::uint32_t kHash = 1U << 6;      // h
inline constexpr std::uint32_t kZset = 1U << 7;      // z
inline constexpr std::uint32_t kExpired = 1U << 8;   // x
inline constexpr std::uint32_t kEvicted = 1U << 9;   // e
inline constexpr std::uint32_t kStream = 1U << 10;   // t
inline constexpr std::uint32_t kKeyMiss = 1U << 11;  // m
// (1 << 12 is Redis's "loaded", for modules only; no letter.)
inline constexpr std::uint32_t kModule = 1U << 13;  // d
inline constexpr std::uint32_t kNew = 1U << 14;     // n
// A: every class but m and n, which are left out because they are costly
// (a message for every read miss, every key created).
inline constexpr std::uint32_t kAll =
    kGeneric | kString | kList | kSet | kHash | kZset | kExpired | kEvicted | kStream | kModule;
}  // namespace notify

// CONFIG SET notify-keyspace-events: the flags the letters name, or nothing
// when one letter is not among "Ag$lshzxeKEtmdn". The empty string is valid
// (notifications off).
std::optional<std::uint32_t> parse_notify_flags(std::string_view letters);

// CONFIG GET notify-keyspace-events, in Redis's normal form: "A" when every
// class of A is set, else the class letters in the order g$lshzxetdn; then
// K, E, m. Redis writes n only in the second case, so after "AKEn" CONFIG
// GET answers "AKE" although "new" events are on; we answer the same.
std::string format_notify_flags(std::uint32_t flags);

// Publishes one event, unconditionally: use notify_keyspace_event().
void publish_keyspace_event(std::uint32_t flags, PubSub& pubsub, std::string_view event,
                            std::string_view key, int db_index);

// Announces `event` (of class `type`, one of notify::k...) on `key` of
// database `db_index`, if the setting asks for that class.
inline void notify_keyspace_event(const Config& config, PubSub& pubsub, std::uint32_t type,
                                  std::string_view event, std::string_view key, int db_index) {
  if ((config.notify_keyspace_events & type) == 0) return;  // the cost when off
  publish_keyspace_event(config.notify_keyspace_events, pubsub, event, key, db_index);
}

inline void notify_keyspace_event(Context& ctx, std::uint32_t type, std::string_view event,
                                  std::string_view key, int db_index) {
  notify_keyspace_event(ctx.config, ctx.pubsub, type, event, key, db_index);
}

// The common case: an event on a key of the client's selected database.
inline void notify_keyspace_event(Context& ctx, std::uint32_t type, std::string_view event,
                                  std::string_view key) {
  notify_keyspace_event(ctx.config, ctx.pubsub, type, event, key, ctx.client.db_index);
}

// A read found no key: "keymiss" (class m). Redis reports it from its read
// lookups (lookupKeyRead), so every command that reads a key calls this when
// the key is not there; writes that find nothing (SETRANGE, RENAME) do not.
inline void notify_key_miss(Context& ctx, std::string_view key) {
  notify_keyspace_event(ctx, notify::kKeyMiss, "keymiss", key);
}

// Turns what storage reports on its own into notifications: "new" when a
// key is created (before the command's own event, as in Redis), "expired"
// when passive or active expiry deletes a key. The active expiry cycle runs
// outside any command, which is why this holds the configuration and the
// Pub/Sub registry itself instead of a Context. The server owns one and
// hands it to its Keyspace (Keyspace::set_observer).
class KeyspaceNotifier final : public storage::KeyspaceObserver {
 public:
  KeyspaceNotifier(const Config& config, PubSub& pubsub) : config_(&config), pubsub_(&pubsub) {}

  void key_added(int db_index, std::string_view key) override {
    notify_keyspace_event(*config_, *pubsub_, notify::kNew, "new", key, db_index);
  }
  void key_expired(int db_index, std::string_view key) override {
    notify_keyspace_event(*config_, *pubsub_, notify::kExpired, "expired", key, db_index);
  }

 private:
  const Config* config_;
  PubSub* pubsub_;
};

}  // namespace mini_redis::commands
