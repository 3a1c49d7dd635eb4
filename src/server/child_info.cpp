#include "server/child_info.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <string>

namespace mini_redis::server {

std::uint64_t private_dirty_bytes() {
  // One line per kind of memory, summed over all mappings:
  // "Private_Dirty:      1234 kB".
  std::ifstream rollup("/proc/self/smaps_rollup");
  std::string line;
  while (std::getline(rollup, line)) {
    if (!line.starts_with("Private_Dirty:")) continue;
    const std::size_t digits = line.find_first_of("0123456789");
    std::uint64_t kilobytes = 0;
    if (digits != std::string::npos) {
      std::from_chars(line.data() + digits, line.data() + line.size(), kilobytes);
    }
    return kilobytes * 1024;
  }
  return 0;
}

bool ChildInfoPipe::open() {
  close();
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC | O_NONBLOCK) != 0) return false;
  read_fd_ = ends[0];
  write_fd_ = ends[1];
  keys_ = 0;
  last_sent_ = std::chrono::steady_clock::now();
  return true;
}

void ChildInfoPipe::keep_child_end() {
  if (read_fd_ >= 0) ::close(read_fd_);
  read_fd_ = -1;
}

void ChildInfoPipe::keep_parent_end() {
  if (write_fd_ >= 0) ::close(write_fd_);
  write_fd_ = -1;
}

void ChildInfoPipe::close() {
  keep_child_end();
  keep_parent_end();
}

std::uint64_t ChildInfoPipe::send(std::uint8_t final) {
  const ChildReport report{
      .cow_bytes = private_dirty_bytes(), .keys_processed = keys_, .final = final};
  // A full pipe (the parent is slow to read) drops a progress report; the
  // next one carries newer numbers anyway.
  if (write_fd_ >= 0) {
    [[maybe_unused]] const ssize_t ignored = ::write(write_fd_, &report, sizeof report);
  }
  last_sent_ = std::chrono::steady_clock::now();
  return report.cow_bytes;
}

void ChildInfoPipe::key_written() {
  ++keys_;
  if (keys_ % 1024 != 0) return;
  if (std::chrono::steady_clock::now() - last_sent_ < std::chrono::seconds(1)) return;
  send(0);
}

std::function<void()> ChildInfoPipe::after_each_key(int delay_us) {
  return [this, delay_us] {
    if (delay_us > 0) ::usleep(static_cast<useconds_t>(delay_us));
    key_written();
  };
}

std::uint64_t ChildInfoPipe::finish() {
  return send(1);
}

void ChildInfoPipe::drain(observability::PersistenceStats& stats, ChildKind kind,
                          std::int64_t now_ms) {
  if (read_fd_ < 0) return;
  ChildReport report;
  while (::read(read_fd_, &report, sizeof report) == static_cast<ssize_t>(sizeof report)) {
    if (report.final != 0) {
      (kind == ChildKind::rdb ? stats.rdb_last_cow_size : stats.aof_last_cow_size) =
          report.cow_bytes;
      continue;
    }
    stats.current_cow_size = report.cow_bytes;
    stats.current_cow_peak = std::max(stats.current_cow_peak, report.cow_bytes);
    stats.current_cow_updated_ms = now_ms;
    stats.current_save_keys_processed = report.keys_processed;
  }
}

void reset_child_progress(observability::PersistenceStats& stats) {
  stats.current_cow_size = 0;
  stats.current_cow_peak = 0;
  stats.current_cow_updated_ms = 0;
  stats.current_save_keys_processed = 0;
  stats.current_save_keys_total = 0;
}

}  // namespace mini_redis::server
