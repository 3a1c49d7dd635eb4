// Workshop copy of src/storage/active_expiry.h, made by workshop/generate.py, to read:
// the workshop build uses it in place of the original. Nothing to write here.
// ActiveExpiryCycle: reclaims expired keys that nobody looks up again.
//
// Passive expiry (on lookup) alone would keep a key set with a TTL and never
// read again in memory forever. So, like Redis (expire.c, activeExpireCycle),
// the server runs this cycle `hz` times per second:
//
//   for each database:
//     repeat:
//       sample up to kKeysPerLoop (20) keys that have a TTL;
//       delete the expired ones;
//     while more than kAcceptableStalePercent (10%) of the sample was expired
//       and the cycle's time budget (25% of the 1/hz interval) is not spent.
//
// The idea: if few sampled keys were expired, few keys in total are, and it is
// not worth spending more CPU now; if many were, keep going, but never block
// clients for longer than the budget. Sampling never scans all keys: the
// Database keeps the keys with a TTL in a vector and a cursor that walks it
// in turn, so every key with a TTL is looked at within size/20 samples.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "storage/keyspace.h"

namespace mini_redis::storage {

inline constexpr std::size_t kKeysPerLoop = 20;
inline constexpr std::size_t kAcceptableStalePercent = 10;
inline constexpr int kCycleBudgetPercent = 25;

struct ExpiryCycleResult {
  std::size_t sampled = 0;
  std::size_t expired = 0;
  bool time_limit_reached = false;
};

class ActiveExpiryCycle {
 public:
  // `elapsed` measures the time spent so far; tests pass a fake one.
  using Stopwatch = std::function<std::chrono::microseconds()>;

  // Runs one cycle. `hz` sets the budget: 25% of 1/hz seconds.
  ExpiryCycleResult run(Keyspace& keyspace, int hz, const Stopwatch& elapsed);
  ExpiryCycleResult run(Keyspace& keyspace, int hz);  // with a real steady clock

 private:
  int next_database_ = 0;  // resume where the last cycle stopped, as Redis does
};

}  // namespace mini_redis::storage
