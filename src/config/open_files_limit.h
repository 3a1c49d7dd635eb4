// Raising the process's open-files limit for maxclients, as Redis's
// adjustOpenFilesLimit() does at start-up and on CONFIG SET maxclients.
//
// Every client is a file descriptor, and the server keeps a few more for
// itself (listeners, the AOF, RDB files, the log): Redis reserves 32
// (CONFIG_MIN_RESERVED_FDS). With a soft limit below maxclients + 32,
// accept() fails with EMFILE before maxclients is reached. So the server
// raises its soft limit to maxclients + 32, asking for all of it first and
// then 16 fewer at a time until the system agrees or the original limit is
// reached. Where it ends up tells the caller how many clients fit:
// start-up lowers maxclients to that and logs it; CONFIG SET refuses the
// value with "try with N".
//
// One difference from Redis, on purpose: Redis sets the hard limit to the
// new soft limit too, so a later CONFIG SET can never raise it again (after
// `CONFIG SET maxclients 2000` under `ulimit -n 1024` with a hard limit of
// 4096, Redis refuses 3000 with "try with 2000"). We leave the hard limit as
// it was.
#pragma once

#include <cstdint>

namespace mini_redis::config {

// Redis's CONFIG_MIN_RESERVED_FDS: descriptors kept for the server itself.
inline constexpr std::uint64_t kReservedFds = 32;

struct OpenFilesLimit {
  bool known = true;           // false: getrlimit failed (nothing was changed)
  std::uint64_t original = 0;  // the soft limit before the call
  std::uint64_t current = 0;   // the soft limit now (>= original)
  int error = 0;               // errno of the last refused setrlimit, 0 if none
  // How many clients the current limit holds (maxclients' ceiling).
  [[nodiscard]] std::uint64_t clients() const {
    return current > kReservedFds ? current - kReservedFds : 0;
  }
};

// Raises the soft RLIMIT_NOFILE towards `wanted` (never lowers it) and
// reports what it got.
OpenFilesLimit raise_open_files_limit(std::uint64_t wanted);

}  // namespace mini_redis::config
