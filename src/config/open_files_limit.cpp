// Raising the open-files limit for maxclients. See open_files_limit.h.
#include "config/open_files_limit.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>

namespace mini_redis::config {

namespace {
// Redis's step when the system refuses a limit: ask for 16 fewer.
constexpr rlim_t kOpenFilesStep = 16;
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
  rlim_t best = wanted;
  while (best > original) {
    const rlimit attempt{best, std::max(best, limit.rlim_max)};
    if (setrlimit(RLIMIT_NOFILE, &attempt) == 0) break;
    result.error = errno;
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
