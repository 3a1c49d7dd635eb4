// Keyspace notifications: the setting's letters and the two channels. See
// notifications.h.
#include "pubsub/notifications.h"

#include <array>
#include <charconv>

namespace mini_redis::pubsub {

namespace {

// "__keyspace@" <db> "__:" <name>: the channel of either kind.
void build_channel(std::string& channel, std::string_view kind, int db_index,
                   std::string_view name) {
  std::array<char, 12> digits{};  // an int has at most 11 characters
  char* end = std::to_chars(digits.data(), digits.data() + digits.size(), db_index).ptr;
  channel.clear();
  channel.append("__").append(kind).append("@");
  channel.append(digits.data(), static_cast<std::size_t>(end - digits.data()));
  channel.append("__:").append(name);
}

}  // namespace

void publish_keyspace_event(std::uint32_t flags, PubSub& pubsub, std::string_view event,
                            std::string_view key, int db_index) {
  // Redis publishes the keyspace message first, then the keyevent one. A
  // class without K or E reaches nobody.
  std::string channel;
  if ((flags & notify::kKeyspace) != 0) {
    build_channel(channel, "keyspace", db_index, key);
    pubsub.publish(channel, event);
  }
  if ((flags & notify::kKeyevent) != 0) {
    build_channel(channel, "keyevent", db_index, event);
    pubsub.publish(channel, key);
  }
}

}  // namespace mini_redis::pubsub
