// Stopwatch: the cheapest way to time something as short as one command.
//
// The dispatcher times every command (INFO commandstats, latency histograms,
// SLOWLOG), so it reads a clock twice per command, as Redis does.
// std::chrono::steady_clock costs about 20 ns a read on our machines (a vDSO
// call that reads the CPU's time-stamp counter and converts it); two reads
// are about 6% of the CPU time a pipelined GET costs. Reading the
// time-stamp counter directly (rdtsc) costs about 8 ns, and the conversion
// to nanoseconds can wait until a duration is known: one multiplication.
//
// That is only right where the counter ticks at a constant rate whatever the
// CPU's frequency and sleep states ("invariant TSC", which CPUID reports),
// true of x86-64 CPUs of the last decade. The rate is measured once, against
// steady_clock, when the Stopwatch is made. Anywhere else (another
// architecture, an old CPU) it falls back to steady_clock. Redis offers the
// same trade (monotonic.c, built with USE_PROCESSOR_CLOCK).
#pragma once

#include <chrono>
#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace mini_redis {

class Stopwatch {
 public:
  Stopwatch();  // checks for an invariant TSC and measures its rate (~1 ms)

  // An opaque reading; only differences between two readings mean something.
  [[nodiscard]] std::uint64_t ticks() const {
#if defined(__x86_64__)
    if (use_tsc_) return __rdtsc();
#endif
    return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch() /
                                      std::chrono::nanoseconds(1));
  }

  // Nanoseconds between two readings.
  [[nodiscard]] std::uint64_t elapsed_ns(std::uint64_t start, std::uint64_t end) const {
    const std::uint64_t ticks = end > start ? end - start : 0;
    return use_tsc_ ? static_cast<std::uint64_t>(static_cast<double>(ticks) * ns_per_tick_) : ticks;
  }

  [[nodiscard]] bool uses_tsc() const {
    return use_tsc_;
  }

 private:
  bool use_tsc_ = false;
  double ns_per_tick_ = 1.0;
};

}  // namespace mini_redis
