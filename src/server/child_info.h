// What a forked child (BGSAVE, BGREWRITEAOF) tells its parent while it runs:
// how much memory copy-on-write has cost so far and how many keys it wrote.
// Redis's child-info pipe, for INFO persistence's current_cow_size,
// current_save_keys_processed, rdb_last_cow_size and aof_last_cow_size.
//
// Why copy-on-write is worth reporting: after fork() the child shares every
// page with the parent. Each page the parent writes to while the child runs
// (a SET, an expiry, the allocator's own bookkeeping) is copied by the kernel,
// so a BGSAVE under a write load can cost up to the whole dataset again in
// RAM. The child sees those copies as its Private_Dirty memory, which Linux
// reports in /proc/self/smaps_rollup; it sends the number to the parent
// through a pipe, as Redis does, because only the child can read it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "observability/server_stats.h"

namespace mini_redis::server {

// One message from the child: fixed size, so that a pipe write of it is
// atomic (PIPE_BUF) and the parent never reads half of one.
struct ChildReport {
  std::uint64_t cow_bytes = 0;
  std::uint64_t keys_processed = 0;
  std::uint8_t final = 0;  // the last one, sent just before the child exits
};

// Which child, for the field its final report lands in.
enum class ChildKind : std::uint8_t { rdb, aof };

// The private dirty memory of this process, in bytes: 0 where Linux does not
// say (no /proc, or a kernel before 4.14 without smaps_rollup).
std::uint64_t private_dirty_bytes();

// The pipe, made before each fork. The parent keeps the read end
// (non-blocking) and the child the write end.
class ChildInfoPipe {
 public:
  ChildInfoPipe() = default;
  ChildInfoPipe(const ChildInfoPipe&) = delete;
  ChildInfoPipe& operator=(const ChildInfoPipe&) = delete;
  ~ChildInfoPipe() { close(); }

  // Before fork(): false if no pipe could be made (the child then runs
  // without reporting, as Redis does).
  bool open();
  // After fork(), in each process: keep your end only.
  void keep_child_end();
  void keep_parent_end();
  void close();

  // Parent: applies every report that arrived to `stats` (current_* while
  // the child runs, the kind's last_cow_size from the final one).
  void drain(observability::PersistenceStats& stats, ChildKind kind, std::int64_t now_ms);

  // Child: counts a written key; every 1024 keys, and at most once a
  // second, sends a report (reading smaps costs ~1 ms, too much per key).
  void key_written();
  // Child: what the RDB writer calls after each key (RdbWriteOptions):
  // key_written(), after sleeping `delay_us` microseconds when positive.
  // That is rdb-key-save-delay, Redis's knob for tests that need a child
  // to run a while; it slows the child only.
  std::function<void()> after_each_key(int delay_us);
  // Child: the final report; returns the copy-on-write bytes it sent.
  std::uint64_t finish();

 private:
  std::uint64_t send(std::uint8_t final);  // returns the copy-on-write bytes sent

  int read_fd_ = -1;
  int write_fd_ = -1;
  std::uint64_t keys_ = 0;
  std::chrono::steady_clock::time_point last_sent_{};
};

// The parent forgets the child's progress when it ends (Redis's
// resetChildState): INFO's current_* fields go back to 0.
void reset_child_progress(observability::PersistenceStats& stats);

}  // namespace mini_redis::server
