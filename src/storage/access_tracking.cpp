// LFU counter arithmetic: see access_tracking.h.
#include "storage/access_tracking.h"

namespace mini_redis::storage::lfu {

namespace {

// Minutes since the epoch, kept to 16 bits as Redis does (LFUGetTimeInMinutes).
std::uint32_t minutes_now(std::int64_t now_ms) {
  return static_cast<std::uint32_t>((now_ms / 60'000) & 0xFFFF);
}

// Minutes since `then`, allowing for one wrap of the 16-bit clock.
std::uint32_t minutes_since(std::uint32_t then, std::int64_t now_ms) {
  const std::uint32_t now = minutes_now(now_ms);
  return now >= then ? now - then : 0xFFFF - then + now;
}

std::uint32_t pack(std::int64_t now_ms, std::uint8_t counter) {
  return minutes_now(now_ms) << 8 | counter;
}

}  // namespace

std::uint32_t fresh_field(std::int64_t now_ms) {
  return pack(now_ms, kInitialCounter);
}

std::uint8_t decayed_counter(std::uint32_t field, std::int64_t now_ms,
                             const LfuSettings& settings) {
  const auto counter = static_cast<std::uint8_t>(field & 0xFF);
  if (settings.decay_minutes <= 0) return counter;
  const std::uint32_t periods =
      minutes_since(field >> 8, now_ms) / static_cast<std::uint32_t>(settings.decay_minutes);
  return periods >= counter ? 0 : static_cast<std::uint8_t>(counter - periods);
}

std::uint32_t after_access(std::uint32_t field, std::int64_t now_ms, const LfuSettings& settings,
                           double random) {
  std::uint8_t counter = decayed_counter(field, now_ms, settings);
  if (counter < kMaxCounter) {
    // The higher the counter, the less likely one more access counts: the
    // first few above 5 always do, then it grows roughly as a logarithm.
    const int base = counter > kInitialCounter ? counter - kInitialCounter : 0;
    const double probability = 1.0 / (base * settings.log_factor + 1);
    if (random < probability) ++counter;
  }
  return pack(now_ms, counter);
}

}  // namespace mini_redis::storage::lfu
