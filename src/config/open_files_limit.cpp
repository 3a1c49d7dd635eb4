// Raising the open-files limit for maxclients. See open_files_limit.h.
#include "config/open_files_limit.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <fstream>

namespace mini_redis::config {

namespace {
// Redis's step when the system refuses a limit: ask for 16 fewer.
constexpr rlim_t kOpenFilesStep = 16;

// fs.nr_open: the most any process may have, root included (1048576 by
// default); 0 when it cannot be read.
rlim_t kernel_open_files_ceiling() {
  std::ifstream file("/proc/sys/fs/nr_open");
  unsigned long long value = 0;
  if (!(file >> value)) return 0;
  return static_cast<rlim_t>(value);
}
}  // namespace

OpenFilesLimit raise_open_files_limit(std::uint64_t wanted) {
  OpenFilesLimit result;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == -1) {
    result.known = false;
    result.error = errno;
    return result;
  }
  const rlim_t original = limit.rlim_cur;
  result.original = original;
  result.current = original;
  if (original >= wanted) return result;

  // Ask for all of it, then 16 fewer at a time until the system agrees or we
  // are back at the original limit (Redis's loop, so that maxclients ends up
  // where Redis's would). Raising the hard limit as well takes privileges;
  // when it is not needed, the hard limit stays as it was.
  //
  // The kernel refuses anything above the hard limit, or, for root, above
  // fs.nr_open. So after the first refusal the steps jump straight to the
  // highest value of the same series (wanted - 16k) under that ceiling: the
  // same answer as stepping, without the hundreds of millions of setrlimit
  // calls that `CONFIG SET maxclients 4294967295` would otherwise make (49 s
  // measured, the event loop stalled all along).
  const rlim_t ceiling = std::max(limit.rlim_max, kernel_open_files_ceiling());
  rlim_t best = wanted;
  bool jumped = false;
  while (best > original) {
    const rlimit attempt{best, std::max(best, limit.rlim_max)};
    if (setrlimit(RLIMIT_NOFILE, &attempt) == 0) break;
    result.error = errno;
    if (!jumped && best > ceiling) {
      jumped = true;
      const rlim_t steps = (best - ceiling + kOpenFilesStep - 1) / kOpenFilesStep;
      best = steps * kOpenFilesStep < best ? best - steps * kOpenFilesStep : original;
      continue;
    }
    if (best < kOpenFilesStep) {
      best = original;
      break;
    }
    best -= kOpenFilesStep;
  }
  result.current = std::max(best, original);
  return result;
}

}  // namespace mini_redis::config
