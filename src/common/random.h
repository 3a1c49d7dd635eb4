// SplitMix64: cheap, well-mixed 64-bit random numbers.
//
// The server draws random numbers where Redis does: RANDOMKEY, HRANDFIELD,
// the LFU counter's "log" increment, picking a random bucket of a hash table.
// None of them needs cryptographic strength; all need speed and numbers that
// spread well. SplitMix64 (Steele, Lea and Flood, 2014) is a counter passed
// through a strong mixing function: a few multiplications per number and
// eight bytes of state. Each owner keeps its own generator (a Database, a
// table walk), so there is no global state and tests can seed one.
#pragma once

#include <cstdint>

namespace mini_redis {

class SplitMix64 {
 public:
  explicit constexpr SplitMix64(std::uint64_t seed) : state_(seed) {}

  constexpr std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;  // the golden ratio: every state is visited
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

}  // namespace mini_redis
