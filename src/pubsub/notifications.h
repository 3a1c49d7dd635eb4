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

#include "config/config.h"
#include "config/notify_flags.h"
#include "pubsub/pubsub.h"
#include "storage/keyspace_observer.h"

namespace mini_redis::pubsub {

using config::Config;
namespace notify = config::notify;

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
  void key_evicted(int db_index, std::string_view key) override {
    notify_keyspace_event(*config_, *pubsub_, notify::kEvicted, "evicted", key, db_index);
  }

 private:
  const Config* config_;
  PubSub* pubsub_;
};

}  // namespace mini_redis::pubsub
