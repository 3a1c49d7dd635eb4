// AccessTracking: what an entry remembers about its accesses, LRU or LFU.
//
// Every entry has one 32-bit access field, and what it holds depends on the
// eviction policy, exactly as in Redis (the 24-bit `lru` field of robj):
//
//   - LRU ("least recently used", the default): the Unix time in seconds of
//     the last access. OBJECT IDLETIME is now minus that.
//   - LFU ("least frequently used", maxmemory-policy allkeys-lfu or
//     volatile-lfu): minutes << 8 | counter. The counter (0..255) is a
//     logarithmic access count: each access increments it with probability
//     1 / ((counter - 5) * lfu-log-factor + 1), so it takes about a million
//     accesses to reach 255 with the default factor 10. It decays by one for
//     every lfu-decay-time minutes without access; "minutes" (16 bits, so it
//     wraps every 45 days) says when it last decayed. A new key starts at 5
//     (LFU_INIT_VAL), so that it is not the first one evicted. OBJECT FREQ
//     reports the decayed counter.
//
// Switching the policy at run time does not convert the fields: for a while
// the old keys' numbers mean nothing, which Redis's error texts warn about.
// This header is storage's side only; the commands layer picks the mode from
// the configuration (config.cpp) and storage never reads configuration.
#pragma once

#include <cstdint>

namespace mini_redis::storage {

enum class AccessTracking : std::uint8_t { lru, lfu };

// The two LFU tunables, with Redis's defaults (redis.conf lfu-log-factor,
// lfu-decay-time).
struct LfuSettings {
  int log_factor = 10;
  int decay_minutes = 1;  // 0: the counter never decays
};

namespace lfu {

inline constexpr std::uint8_t kInitialCounter = 5;  // Redis's LFU_INIT_VAL
inline constexpr std::uint8_t kMaxCounter = 255;

// The access field of a key created now: this minute, counter 5.
std::uint32_t fresh_field(std::int64_t now_ms);

// The counter after the decay due since the field was last updated (Redis's
// LFUDecrAndReturn). Reading does not store the decay back.
std::uint8_t decayed_counter(std::uint32_t field, std::int64_t now_ms, const LfuSettings& settings);

// The field after one access: decay, then a probabilistic increment
// (LFULogIncr), stamped with the current minute. `random` is uniform in
// [0, 1); tests pass fixed values.
std::uint32_t after_access(std::uint32_t field, std::int64_t now_ms, const LfuSettings& settings,
                           double random);

}  // namespace lfu

}  // namespace mini_redis::storage
