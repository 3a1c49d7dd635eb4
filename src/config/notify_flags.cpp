// notify-keyspace-events: from letters to flags and back. See notify_flags.h.
#include "config/notify_flags.h"

#include <array>

namespace mini_redis::config {

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

}  // namespace mini_redis::config
