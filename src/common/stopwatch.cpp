#include "common/stopwatch.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace mini_redis {

namespace {

// CPUID leaf 0x80000007, EDX bit 8: the TSC runs at a constant rate in every
// power state (Intel and AMD both report it there).
bool has_invariant_tsc() {
#if defined(__x86_64__)
  unsigned eax = 0;
  unsigned ebx = 0;
  unsigned ecx = 0;
  unsigned edx = 0;
  if (__get_cpuid(0x80000007, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (edx & (1U << 8)) != 0;
#else
  return false;
#endif
}

}  // namespace

Stopwatch::Stopwatch() {
#if defined(__x86_64__)
  if (!has_invariant_tsc()) return;
  // Count ticks over one millisecond of steady_clock. The two clocks are
  // read back to back, so the error is a few tens of nanoseconds in a
  // million: far below the microseconds we report.
  using Clock = std::chrono::steady_clock;
  const auto wall_start = Clock::now();
  const std::uint64_t tick_start = __rdtsc();
  auto wall_end = wall_start;
  while (wall_end - wall_start < std::chrono::milliseconds(1)) wall_end = Clock::now();
  const std::uint64_t tick_end = __rdtsc();
  if (tick_end <= tick_start) return;
  ns_per_tick_ = static_cast<double>((wall_end - wall_start) / std::chrono::nanoseconds(1)) /
                 static_cast<double>(tick_end - tick_start);
  use_tsc_ = true;
#endif
}

}  // namespace mini_redis
