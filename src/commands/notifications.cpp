// Keyspace notifications: the setting's letters and the two channels. See
// notifications.h.
#include "commands/notifications.h"

#include <array>
#include <charconv>

namespace mini_redis::commands {

namespace {

struct Letter {
  char letter;
  std::uint32_t flags;
};

// The class letters in the order CONFIG GET writes them (Redis's
// keyspaceEventsFlagsToString). K, E and m follow them, in that order.
constexpr std::array<Letter, 11> kClassLetters{{{'g', notify::kGeneric},
                                                {'$', notify::kString},
                                                {'l', notify::kList},
                                                {'s', notify::kSet},
                                                {'h', notify::kHash},
                                                {'z', notify::kZset},
                                                {'x', notify::kExpired},
                                                {'e', notify::kEvicted},
                                                {'t', notify::kStream},
                                                {'d', notify::kModule},
                                                {'n', notify::kNew}}};

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

std::optional<std::uint32_t> parse_notify_flags(std::string_view letters) {
  std::uint32_t flags = 0;
  for (char letter : letters) {
    switch (letter) {
      case 'A': flags |= notify::kAll; break;
      case 'K': flags |= notify::kKeyspace; break;
      case 'E': flags |= notify::kKeyevent; break;
      case 'm': flags |= notify::kKeyMiss; break;
      default: {
        // Letters are case-sensitive: "e" is evicted, "E" keyevent.
        bool known = false;
        for (const Letter& candidate : kClassLetters) {
          if (candidate.letter == letter) {
            flags |= candidate.flags;
            known = true;
          }
        }
        if (!known) return std::nullopt;
      }
    }
  }
  return flags;
}

std::string format_notify_flags(std::uint32_t flags) {
  std::string letters;
  if ((flags & notify::kAll) == notify::kAll) {
    letters += 'A';
  } else {
    for (const Letter& candidate : kClassLetters) {
      if ((flags & candidate.flags) != 0) letters += candidate.letter;
    }
  }
  if ((flags & notify::kKeyspace) != 0) letters += 'K';
  if ((flags & notify::kKeyevent) != 0) letters += 'E';
  if ((flags & notify::kKeyMiss) != 0) letters += 'm';
  return letters;
}

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

}  // namespace mini_redis::commands
