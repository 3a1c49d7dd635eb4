#include "server/snapshots.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "commands/persistence/rdb_options.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"
#include "server/file_io.h"
#include "storage/memory.h"

namespace mini_redis::server {

namespace {

// A failed BGSAVE is not retried by the save points for this long (Redis's
// CONFIG_BGSAVE_RETRY_DELAY): a full disk would otherwise fork every tick.
constexpr std::int64_t kRetryDelayMs = 5000;

std::string working_directory() {
  std::error_code error;
  std::string dir = std::filesystem::current_path(error).string();
  return error ? std::string("unknown") : dir;
}

// Calls `visit(seconds, changes)` for each save point: "3600 1 300 100" is
// two pairs. CONFIG checked the text when it was set, so each word is a
// number here. Read in place, every cron tick: no stream, no allocation.
template <class Visit>
void for_each_save_point(std::string_view text, Visit visit) {
  auto next_number = [&text](std::int64_t& value) {
    const std::size_t start = text.find_first_not_of(' ');
    if (start == std::string_view::npos) return false;
    text.remove_prefix(start);
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (parsed.ec != std::errc()) return false;
    text.remove_prefix(static_cast<std::size_t>(parsed.ptr - text.data()));
    return true;
  };
  std::int64_t seconds = 0;
  std::int64_t changes = 0;
  while (next_number(seconds) && next_number(changes)) {
    if (visit(seconds, static_cast<std::uint64_t>(changes))) return;
  }
}

}  // namespace

bool load_function_libraries(scripting::FunctionEngine* functions,
                             const std::vector<std::string>& codes, Logger& logger) {
  if (functions == nullptr || codes.empty()) return true;
  const std::string error = functions->restore(codes, scripting::RestorePolicy::append);
  if (error.empty()) return true;
  logger.warning("Failed loading the function libraries: " + error);
  return false;
}

bool Snapshots::load_at_startup() {
  const std::string& name = config_->dbfilename;
  std::ifstream file(name, std::ios::binary);
  if (!file) {
    // No snapshot yet (the first start): nothing to load. Redis counts the
    // start as the last save, so LASTSAVE and the save points start here.
    stats_->persistence.last_save_unix = unix_seconds();
    return true;
  }
  const auto started = std::chrono::steady_clock::now();
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  auto loaded = persistence::load_rdb(bytes, *keyspace_, keyspace_->clock().now_ms(),
                                      commands::rdb_load_options(*config_));
  if (!loaded) {
    logger_->warning("Internal error in RDB reading: " + loaded.error());
    logger_->warning("Unrecoverable error loading the DB, aborting now.");
    return false;
  }
  if (!load_function_libraries(functions_, loaded->function_libraries, *logger_)) return false;
  for (const auto& [field, value] : loaded->aux) {
    if (field == "redis-ver") logger_->notice("Loading RDB produced by version " + value);
  }
  logger_->notice("Done loading RDB, keys loaded: " + std::to_string(loaded->keys_loaded) +
                  ", keys expired: " + std::to_string(loaded->keys_expired) + ".");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char line[64];
  std::snprintf(line, sizeof line, "DB loaded from disk: %.3f seconds", seconds);
  logger_->notice(line);
  stats_->persistence.last_load_keys = loaded->keys_loaded;
  stats_->persistence.last_load_expired = loaded->keys_expired;
  stats_->persistence.last_save_unix = unix_seconds();
  return true;
}

bool Snapshots::write_file(const std::string& path, ChildInfoPipe* progress) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    logger_->warning("Failed opening the temp RDB file " + path + " (in server root dir " +
                     working_directory() + ") for saving: " + errno_text());
    return false;
  }
  persistence::RdbWriteOptions options = commands::rdb_write_options(*config_, unix_seconds());
  if (functions_ != nullptr) options.function_libraries = functions_->codes();
  if (progress != nullptr) {
    options.after_each_key = progress->after_each_key(config_->rdb_key_save_delay);
  }
  const bool written =
      persistence::write_rdb(*keyspace_, keyspace_->clock().now_ms(), options,
                             [fd](std::string_view chunk) { return write_all(fd, chunk); });
  // The bytes must be on disk before the rename makes them the snapshot:
  // otherwise a power cut could leave a renamed but empty file.
  if (!written || ::fsync(fd) != 0) {
    logger_->warning("Write error saving DB on disk: " + errno_text());
    ::close(fd);
    ::unlink(path.c_str());
    return false;
  }
  ::close(fd);
  return true;
}

bool Snapshots::install(const std::string& temp_path) {
  if (std::rename(temp_path.c_str(), config_->dbfilename.c_str()) != 0) {
    logger_->warning("Error moving temp DB file " + temp_path + " on the final destination " +
                     config_->dbfilename + " (in server root dir " + working_directory() +
                     "): " + errno_text());
    ::unlink(temp_path.c_str());
    return false;
  }
  // The rename itself lives in the directory: sync it too, as Redis 7 does.
  sync_directory(".");
  logger_->notice("DB saved on disk");
  return true;
}

bool Snapshots::save() {
  const std::string temp = "temp-" + std::to_string(::getpid()) + ".rdb";
  if (!write_file(temp) || !install(temp)) return false;
  observability::PersistenceStats& rdb = stats_->persistence;
  rdb.dirty = 0;
  rdb.last_save_unix = unix_seconds();
  rdb.last_bgsave_ok = true;
  ++rdb.saves;
  return true;
}

commands::BackgroundSave Snapshots::start_background_save() {
  observability::PersistenceStats& rdb = stats_->persistence;
  if (rdb.any_child_running()) return commands::BackgroundSave::already_running;
  rdb.last_bgsave_try_ms = keyspace_->clock().now_ms();
  child_info_.open();
  const auto before_fork = std::chrono::steady_clock::now();
  const pid_t child = ::fork();
  if (child == 0) {
    // The child: a frozen copy of the dataset. It only writes the file and
    // leaves with _exit(), which skips the parent's atexit handlers and
    // destructors (they would close the parent's sockets and files). The
    // parent's SIGTERM handler would wake the parent's loop: undo it, so a
    // signal to the child just ends the child.
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    child_info_.keep_child_end();
    const std::string temp = "temp-" + std::to_string(::getpid()) + ".rdb";
    const bool ok = write_file(temp, &child_info_) && install(temp);
    // Only a child that succeeded reports its copy-on-write, as in Redis.
    if (ok) {
      const std::uint64_t cow = child_info_.finish();
      logger_->notice("RDB: " + std::to_string(cow >> 20) + " MB of memory used by copy-on-write");
    }
    ::_exit(ok ? 0 : 1);
  }
  rdb.last_fork_usec = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - before_fork)
                           .count();
  if (child > 0) ++rdb.forks;
  // LATENCY DOCTOR grades the fork's speed; the latency monitor records it.
  rdb.fork_rate_gb_per_s =
      observability::fork_rate_gb_per_s(storage::allocated_bytes(), rdb.last_fork_usec);
  stats_->latency_monitor.add_sample_if_needed(
      "fork", static_cast<std::uint64_t>(rdb.last_fork_usec / 1000),
      config_->latency_monitor_threshold_ms, unix_seconds());
  child_info_.keep_parent_end();
  if (child < 0) {
    child_info_.close();
    rdb.last_bgsave_ok = false;
    logger_->warning("Can't save in background: fork: " + errno_text());
    return commands::BackgroundSave::failed;
  }
  logger_->notice("Background saving started by pid " + std::to_string(child));
  rdb.child_pid = child;
  rdb.current_save_keys_total = keyspace_->total_keys();
  rdb.dirty_at_fork = rdb.dirty;
  rdb.bgsave_started_ms = keyspace_->clock().now_ms();
  return commands::BackgroundSave::started;
}

void Snapshots::reap_child() {
  observability::PersistenceStats& rdb = stats_->persistence;
  if (!rdb.child_running()) return;
  child_info_.drain(rdb, ChildKind::rdb, keyspace_->clock().now_ms());
  int status = 0;
  const pid_t done = ::waitpid(rdb.child_pid, &status, WNOHANG);
  if (done == 0) return;  // still writing
  child_info_.drain(rdb, ChildKind::rdb, keyspace_->clock().now_ms());  // its final report
  finish_background_save(done == rdb.child_pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void Snapshots::finish_background_save(bool ok) {
  observability::PersistenceStats& rdb = stats_->persistence;
  const std::int64_t now = keyspace_->clock().now_ms();
  rdb.last_bgsave_seconds = (now - rdb.bgsave_started_ms) / 1000;
  rdb.child_pid = -1;
  child_info_.close();
  reset_child_progress(rdb);
  rdb.bgsave_started_ms = -1;
  rdb.last_bgsave_ok = ok;
  ++rdb.saves;
  if (ok) {
    // Writes made while the child ran are not in its file: they stay dirty.
    rdb.dirty -= std::min(rdb.dirty, rdb.dirty_at_fork);
    rdb.last_save_unix = unix_seconds();
    logger_->notice("Background saving terminated with success");
  } else {
    logger_->warning("Background saving error");
  }
}

void Snapshots::kill_child() {
  observability::PersistenceStats& rdb = stats_->persistence;
  if (!rdb.child_running()) return;
  logger_->warning("There is a child saving an .rdb. Killing it!");
  ::kill(rdb.child_pid, SIGUSR1);
  int status = 0;
  ::waitpid(rdb.child_pid, &status, 0);
  // The child's temp file is named after its pid; it never got renamed.
  const std::string temp = "temp-" + std::to_string(rdb.child_pid) + ".rdb";
  ::unlink(temp.c_str());
  rdb.child_pid = -1;
  child_info_.close();
  reset_child_progress(rdb);
  rdb.bgsave_started_ms = -1;
}

void Snapshots::cron(std::int64_t now_ms) {
  reap_child();
  observability::PersistenceStats& rdb = stats_->persistence;
  if (rdb.any_child_running()) return;  // one fork at a time, as Redis
  if (rdb.bgsave_scheduled) {
    rdb.bgsave_scheduled = false;
    start_background_save();
    return;
  }
  // A save point fires when at least `changes` writes happened and `seconds`
  // passed since the last save; after a failed BGSAVE, not before the retry
  // delay (Redis's serverCron does the same checks in the same order).
  const std::int64_t since_save = unix_seconds() - rdb.last_save_unix;
  const bool may_retry = rdb.last_bgsave_ok || now_ms - rdb.last_bgsave_try_ms > kRetryDelayMs;
  for_each_save_point(config_->save, [&](std::int64_t seconds, std::uint64_t changes) {
    if (rdb.dirty < changes || since_save <= seconds || !may_retry) return false;
    logger_->notice(std::to_string(changes) + " changes in " + std::to_string(seconds) +
                    " seconds. Saving...");
    start_background_save();
    return true;  // one BGSAVE is enough
  });
}

}  // namespace mini_redis::server
