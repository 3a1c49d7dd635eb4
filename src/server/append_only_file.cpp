#include "server/append_only_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "commands/persistence/rdb_options.h"
#include "persistence/aof_rewrite.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"
#include "server/file_io.h"
#include "server/snapshots.h"
#include "storage/memory.h"

namespace mini_redis::server {

namespace {

using persistence::AofFileInfo;

std::uint64_t file_size(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  return error ? 0 : static_cast<std::uint64_t>(size);
}

std::string read_file(const std::string& path, bool& ok) {
  std::ifstream file(path, std::ios::binary);
  ok = static_cast<bool>(file);
  if (!ok) return {};
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// Writes `bytes` to `path` through a temp file and a rename, so that a
// reader sees the old content or the new, never half of it.
bool replace_file(const std::string& path, std::string_view bytes) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const bool ok = write_all(fd, bytes) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return false;
  }
  return true;
}

std::string seconds_text(std::chrono::steady_clock::time_point started) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return text;
}

}  // namespace

// ---- BackgroundFsync ---------------------------------------------------------------

BackgroundFsync::BackgroundFsync() : thread_([this] { run(); }) {}

BackgroundFsync::~BackgroundFsync() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

void BackgroundFsync::request(int fd) {
  const int copy = ::dup(fd);
  if (copy < 0) return;
  {
    const std::lock_guard lock(mutex_);
    if (fd_ >= 0) ::close(fd_);  // one fsync of the newest file covers the request
    fd_ = copy;
  }
  wake_.notify_one();
}

bool BackgroundFsync::pending() const {
  const std::lock_guard lock(mutex_);
  return fd_ >= 0;
}

void BackgroundFsync::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || fd_ >= 0; });
    if (stopping_) return;
    const int fd = fd_;
    lock.unlock();
    // A failed fsync means acknowledged writes may not be on disk: the
    // event loop sees it (AppendOnlyFile::cron) and refuses writes, as
    // Redis's bio thread does with aof_bio_fsync_status.
    last_error_.store(::fsync(fd) == 0 ? 0 : errno, std::memory_order_relaxed);
    ::close(fd);
    lock.lock();
    if (fd_ == fd) fd_ = -1;
  }
}

// ---- paths and the manifest --------------------------------------------------------

AppendOnlyFile::~AppendOnlyFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::string AppendOnlyFile::directory() const {
  return config_->appenddirname;
}

std::string AppendOnlyFile::path_of(const std::string& name) const {
  return directory() + "/" + name;
}

bool AppendOnlyFile::persist_manifest() {
  const std::string path = path_of(persistence::manifest_file_name(config_->appendfilename));
  if (!replace_file(path, persistence::format_manifest(manifest_))) {
    logger_->warning("Can't persist the AOF manifest file " + path + ": " + errno_text());
    return false;
  }
  sync_directory(directory());
  return true;
}

bool AppendOnlyFile::open_incr(std::int64_t sequence) {
  const std::string name = persistence::incr_file_name(config_->appendfilename, sequence);
  const int fd = ::open(path_of(name).c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    logger_->warning("Can't open the append-only file " + name + ": " + errno_text());
    return false;
  }
  if (fd_ >= 0) {
    // The old incr file is complete: it goes to disk before it is left.
    ::fsync(fd_);
    ::close(fd_);
  }
  fd_ = fd;
  struct stat status {};
  incr_size_ = ::fstat(fd, &status) == 0 ? static_cast<std::uint64_t>(status.st_size) : 0;
  selected_db_ = -1;      // a new file starts in database 0 when replayed
  last_timestamp_s_ = 0;  // and with its own "#TS:" annotation (aof-timestamp-enabled)
  bool listed = false;
  for (const AofFileInfo& file : manifest_.files) listed |= file.name == name;
  if (!listed) manifest_.files.push_back({name, sequence, AofFileInfo::Type::incr});
  return true;
}

// Redis's temporary incr file ("temp-appendonly.aof.incr"): truncated at
// each try of the first rewrite, since that rewrite's base holds everything
// written before its fork.
std::string AppendOnlyFile::temp_incr_name() const {
  return "temp-" + config_->appendfilename + ".incr";
}

bool AppendOnlyFile::open_temp_incr() {
  const std::string name = temp_incr_name();
  const int fd =
      ::open(path_of(name).c_str(), O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    logger_->warning("Can't open the append-only file " + name + ": " + errno_text());
    return false;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  incr_size_ = 0;
  selected_db_ = -1;
  last_timestamp_s_ = 0;
  return true;
}

bool AppendOnlyFile::create_base_from_dataset(std::int64_t sequence) {
  const bool rdb = config_->aof_use_rdb_preamble;
  const std::string name = persistence::base_file_name(config_->appendfilename, sequence, rdb);
  const int fd = ::open(path_of(name).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    logger_->warning("Can't create the AOF base file " + name + ": " + errno_text());
    return false;
  }
  const bool ok = write_dataset(fd, rdb) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return false;
  manifest_.files.insert(manifest_.files.begin(), {name, sequence, AofFileInfo::Type::base});
  return true;
}

// The dataset as a base file: an RDB file (the "preamble"), or commands
// (persistence/aof_rewrite.h) with `aof-use-rdb-preamble no`. Libraries of
// functions come first in both, as in Redis.
bool AppendOnlyFile::write_dataset(int fd, bool rdb, ChildInfoPipe* progress) {
  const auto sink = [fd](std::string_view chunk) { return write_all(fd, chunk); };
  const std::int64_t now_ms = keyspace_->clock().now_ms();
  std::vector<std::string> libraries;
  if (functions_ != nullptr) libraries = functions_->codes();
  if (rdb) {
    persistence::RdbWriteOptions options = commands::rdb_write_options(*config_, unix_seconds());
    options.function_libraries = std::move(libraries);
    if (progress != nullptr) {
      options.after_each_key = progress->after_each_key(config_->rdb_key_save_delay);
    }
    return persistence::write_rdb(*keyspace_, now_ms, options, sink);
  }
  // The base in command form starts with its time, as Redis's does.
  if (config_->aof_timestamp_enabled && !sink("#TS:" + std::to_string(now_ms / 1000) + "\r\n")) {
    return false;
  }
  std::string error;
  if (!persistence::write_aof_commands(*keyspace_, now_ms, libraries, sink, error)) {
    if (!error.empty()) logger_->warning("Error rewriting the AOF: " + error);
    return false;
  }
  return true;
}

// ---- start-up: load, then open -----------------------------------------------------

bool AppendOnlyFile::start(const Replay& replay) {
  if (!load(replay)) return false;
  std::error_code error;
  std::filesystem::create_directories(directory(), error);
  if (error) {
    logger_->warning("Can't create the append-only directory " + directory() + ": " +
                     error.message());
    return false;
  }
  // Nothing on disk yet: the dataset (empty at start) becomes the base, as
  // Redis 7.0 does, so that the manifest always has one.
  if (manifest_.base() == nullptr && manifest_.increments().empty()) {
    const std::int64_t sequence = 1;
    if (!create_base_from_dataset(sequence)) return false;
    logger_->notice("Creating AOF base file " + manifest_.base()->name + " on server start");
  }
  const std::int64_t last = manifest_.last_incr_sequence();
  if (!open_incr(last == 0 ? 1 : last)) return false;
  if (last == 0) {
    logger_->notice("Creating AOF incr file " +
                    persistence::incr_file_name(config_->appendfilename, 1) + " on server start");
  }
  if (!persist_manifest()) return false;
  measure_files();
  last_fsync_ms_ = keyspace_->clock().now_ms();
  publish();
  return true;
}

void AppendOnlyFile::measure_files() {
  current_size_ = 0;
  for (const AofFileInfo& file : manifest_.files) current_size_ += file_size(path_of(file.name));
  base_size_ = current_size_;
}

void AppendOnlyFile::publish() {
  observability::PersistenceStats& info = stats_->persistence;
  info.aof_enabled = fd_ >= 0;
  info.aof_child_pid = child_pid_;
  info.aof_rewrite_scheduled = rewrite_scheduled_;
  info.aof_last_rewrite_ok = last_rewrite_ok_;
  info.aof_last_write_ok = write_errno_ == 0;
  info.aof_write_errno = write_errno_;
  info.aof_last_rewrite_seconds = last_rewrite_seconds_;
  info.aof_rewrite_started_ms = rewrite_started_ms_;
  info.aof_rewrites = rewrites_;
  info.aof_current_size = current_size_;
  info.aof_base_size = base_size_;
  info.aof_buffer_length = buffer_.size();
  info.aof_fsync_pending = fsync_.pending();
}

void AppendOnlyFile::schedule_rewrite() {
  rewrite_scheduled_ = true;
  publish();
}

// An AOF from before Redis 7 is one file, `appendfilename` in `dir`. Redis
// 7.0 takes it over at start (aofUpgradePrepare): it becomes the base file
// of a manifest in `appenddirname`, under its old name, and later rewrites
// replace it as usual. The manifest is written before the file moves, so a
// crash in between is finished at the next start: that is the case of a
// manifest naming only that base, which is not in the directory yet.
bool AppendOnlyFile::upgrade_single_file(const persistence::AofManifest* manifest) {
  const std::string& old_name = config_->appendfilename;
  std::error_code error;
  if (!std::filesystem::is_regular_file(old_name, error)) return true;
  if (manifest != nullptr) {
    const bool interrupted = manifest->files.size() == 1 &&
                             manifest->files.front().type == AofFileInfo::Type::base &&
                             manifest->files.front().name == old_name &&
                             !std::filesystem::exists(path_of(old_name), error);
    if (!interrupted) return true;
  }
  std::filesystem::create_directories(directory(), error);
  manifest_ = {};
  manifest_.files.push_back({old_name, 1, AofFileInfo::Type::base});
  if (!persist_manifest()) return false;
  if (std::rename(old_name.c_str(), path_of(old_name).c_str()) != 0) {
    logger_->warning("Error trying to move the old AOF file " + old_name + " into dir " +
                     directory() + ": " + errno_text());
    return false;
  }
  logger_->notice("Successfully migrated an old-style AOF file (" + old_name +
                  ") into the AOF directory (" + directory() + ").");
  return true;
}

bool AppendOnlyFile::load(const Replay& replay) {
  const std::string manifest_path =
      path_of(persistence::manifest_file_name(config_->appendfilename));
  bool found = false;
  std::string text = read_file(manifest_path, found);
  std::optional<persistence::AofManifest> on_disk;
  if (found) {
    auto parsed = persistence::parse_manifest(text);
    if (!parsed) {
      logger_->warning(parsed.error());
      return false;
    }
    on_disk = std::move(*parsed);
  }
  if (!upgrade_single_file(on_disk ? &*on_disk : nullptr)) return false;
  text = read_file(manifest_path, found);
  if (!found) return true;  // no AOF yet: nothing to load (and the RDB file is not read)
  auto parsed = persistence::parse_manifest(text);
  if (!parsed) {
    logger_->warning(parsed.error());
    return false;
  }
  manifest_ = std::move(*parsed);
  const auto started = std::chrono::steady_clock::now();
  std::vector<const AofFileInfo*> order;
  if (const AofFileInfo* base = manifest_.base()) order.push_back(base);
  for (const AofFileInfo* incr : manifest_.increments()) order.push_back(incr);
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (!load_file(*order[i], replay, i + 1 == order.size())) return false;
  }
  if (!order.empty())
    logger_->notice("DB loaded from append only file: " + seconds_text(started) + " seconds");
  return true;
}

bool AppendOnlyFile::load_file(const AofFileInfo& file, const Replay& replay, bool last) {
  const std::string path = path_of(file.name);
  const auto started = std::chrono::steady_clock::now();
  bool found = false;
  const std::string bytes = read_file(path, found);
  if (!found) {
    logger_->warning("The AOF file " + file.name + " doesn't exist");
    return false;
  }
  const std::string kind = file.type == AofFileInfo::Type::base ? "base" : "incr";
  std::string_view commands = bytes;
  if (bytes.starts_with("REDIS")) {
    // An RDB preamble: the dataset as a snapshot. Redis 7 writes nothing
    // after it; the single-file AOF of Redis 6 (taken over by
    // upgrade_single_file) goes on with the commands logged since.
    auto loaded = persistence::load_rdb(bytes, *keyspace_, keyspace_->clock().now_ms(),
                                        commands::rdb_load_options(*config_));
    if (!loaded) {
      logger_->warning("Bad file format reading the append only file " + file.name + ": " +
                       loaded.error());
      return false;
    }
    if (!load_function_libraries(functions_, loaded->function_libraries, *logger_)) return false;
    commands = commands.substr(loaded->bytes_read);
    if (commands.empty()) {
      logger_->notice("DB loaded from " + kind + " file " + file.name + ": " +
                      seconds_text(started) + " seconds");
      return true;
    }
  }

  replay({});  // a new file: a fresh client, in database 0
  persistence::AofCommandReader reader(commands);
  std::vector<std::string_view> argv;
  std::size_t before_multi = 0;
  bool in_multi = false;
  while (true) {
    const std::size_t command_start = reader.valid_up_to();
    const auto status = reader.next(argv);
    if (status == persistence::AofCommandReader::Status::command) {
      // A MULTI whose EXEC never made it to disk is dropped whole.
      if (argv.size() == 1 && (argv[0] == "MULTI" || argv[0] == "multi")) {
        in_multi = true;
        before_multi = command_start;
      } else if (argv.size() == 1 && (argv[0] == "EXEC" || argv[0] == "exec")) {
        in_multi = false;
      }
      replay(argv);
      continue;
    }
    if (status == persistence::AofCommandReader::Status::end && !in_multi) break;
    if (status == persistence::AofCommandReader::Status::malformed) {
      logger_->warning("Bad file format reading the append only file " + file.name +
                       ": make a backup of your AOF file, then use ./redis-check-aof --fix "
                       "<filename.manifest>");
      return false;
    }
    // Cut short: a crash in the middle of a write. Only the last file may
    // end so, and only with aof-load-truncated yes is the tail dropped.
    if (!last || !config_->aof_load_truncated) {
      logger_->warning("Unexpected end of file reading the append only file " + file.name +
                       ". You can: 1) Make a backup of your AOF file, then use "
                       "./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can "
                       "set the 'aof-load-truncated' configuration option to yes and restart "
                       "the server.");
      return false;
    }
    // Offsets in the file: the commands start after the RDB preamble, if any.
    const std::size_t keep =
        (bytes.size() - commands.size()) + (in_multi ? before_multi : reader.valid_up_to());
    if (in_multi) {
      logger_->warning("Revert incomplete MULTI/EXEC transaction in AOF file " + file.name);
      static constexpr std::string_view kDiscard = "DISCARD";
      replay(std::span<const std::string_view>(&kDiscard, 1));
    } else {
      logger_->warning("!!! Warning: short read while loading the AOF file " + file.name + "!!!");
    }
    logger_->warning("!!! Truncating the AOF " + file.name + " at offset " + std::to_string(keep) +
                     " !!!");
    if (::truncate(path.c_str(), static_cast<off_t>(keep)) != 0) {
      logger_->warning("Error truncating the AOF file " + file.name + ": " + errno_text());
      return false;
    }
    logger_->warning("AOF " + file.name + " loaded anyway because aof-load-truncated is enabled");
    break;
  }
  logger_->notice("DB loaded from " + kind + " file " + file.name + ": " + seconds_text(started) +
                  " seconds");
  return true;
}

// ---- appending ---------------------------------------------------------------------

void AppendOnlyFile::append(int db_index, std::span<const std::string> argv) {
  if (fd_ < 0) return;
  // aof-timestamp-enabled: "#TS:<unix seconds>" before the first command of
  // each new second, so that a file can be cut back to a point in time
  // (redis-check-aof --truncate-to-timestamp). Loaders skip "#" lines.
  if (config_->aof_timestamp_enabled) {
    const std::int64_t now_s = keyspace_->clock().now_ms() / 1000;
    if (now_s > last_timestamp_s_) {
      last_timestamp_s_ = now_s;
      buffer_ += "#TS:" + std::to_string(now_s) + "\r\n";
    }
  }
  if (db_index != selected_db_) {
    const std::string select[] = {"SELECT", std::to_string(db_index)};
    persistence::append_command(buffer_, select);
    selected_db_ = db_index;
  }
  persistence::append_command(buffer_, argv);
}

// The latency monitor's AOF write events, as Redis's flushAppendOnlyFile
// names them: one for every slow write, and one saying what else was going
// on (an fsync still running, a child process, or nothing: the disk itself).
void AppendOnlyFile::record_write_latency(std::uint64_t latency_ms) {
  const std::int64_t threshold = config_->latency_monitor_threshold_ms;
  if (threshold <= 0) return;
  observability::LatencyMonitor& monitor = stats_->latency_monitor;
  const std::int64_t now_s = unix_seconds();
  const char* situation = fsync_.pending()                          ? "aof-write-pending-fsync"
                          : stats_->persistence.any_child_running() ? "aof-write-active-child"
                                                                    : "aof-write-alone";
  monitor.add_sample_if_needed(situation, latency_ms, threshold, now_s);
  monitor.add_sample_if_needed("aof-write", latency_ms, threshold, now_s);
}

void AppendOnlyFile::write_buffer() {
  if (fd_ < 0) {
    buffer_.clear();
    return;
  }
  std::size_t written = 0;
  const auto write_started = std::chrono::steady_clock::now();
  const bool write_ok = write_all(fd_, buffer_, written);
  const int write_errno = errno;
  record_write_latency(observability::elapsed_ms_since(write_started));
  if (!write_ok) {
    on_write_error(write_errno, written);
    return;
  }
  if (!last_write_ok_) {
    logger_->warning("AOF write error looks solved, Redis can write again.");
    last_write_ok_ = true;
    on_write_status(fsync_.last_error());
  }
  current_size_ += buffer_.size();
  incr_size_ += buffer_.size();
  buffer_.clear();
  if (config_->appendfsync == "always") {
    // The reply that follows promises the write is durable; if it cannot
    // be, no reply may leave (Redis exits here too).
    const auto fsync_started = std::chrono::steady_clock::now();
    if (::fsync(fd_) != 0) {
      logger_->warning("Can't persist append only file to disk. fsync: " + errno_text());
      std::exit(1);
    }
    stats_->latency_monitor.add_sample_if_needed(
        "aof-fsync-always", observability::elapsed_ms_since(fsync_started),
        config_->latency_monitor_threshold_ms, unix_seconds());
    last_fsync_ms_ = keyspace_->clock().now_ms();
  } else {
    unsynced_ = true;
  }
}

// A write that failed (a full disk, a file size limit, an I/O error), as
// Redis's flushAppendOnlyFile handles it. Under `always` the writes of the
// commands being answered cannot be made durable, so the server exits
// before any reply promises otherwise. Otherwise what was not written stays
// in the buffer, the cron retries it every tick, and write commands are
// refused with MISCONF until a retry succeeds.
void AppendOnlyFile::on_write_error(int error, std::size_t written) {
  // One line per 30 s at most (AOF_WRITE_LOG_ERROR_RATE): the cron retries
  // ten times a second.
  const std::int64_t now_s = keyspace_->clock().now_ms() / 1000;
  const bool can_log = now_s - last_write_error_log_s_ > 30;
  if (can_log) last_write_error_log_s_ = now_s;
  if (written == 0) {
    if (can_log)
      logger_->warning(std::string("Error writing to the AOF file: ") + std::strerror(error));
  } else {
    // Half a command at the end would make the file unreadable: cut it
    // off, so that the retry writes the whole buffer again. Redis reports
    // a short write as ENOSPC, whatever the second write() said.
    if (can_log) {
      logger_->warning(
          "Short write while writing to the AOF file: (nwritten=" + std::to_string(written) +
          ", expected=" + std::to_string(buffer_.size()) + ")");
    }
    if (::ftruncate(fd_, static_cast<off_t>(incr_size_)) == 0) {
      written = 0;
    } else if (can_log) {
      logger_->warning(
          "Could not remove short write from the append-only file.  Redis may refuse to load "
          "the AOF the next time it starts.  ftruncate: " +
          errno_text());
    }
    error = ENOSPC;
  }
  if (config_->appendfsync == "always") {
    logger_->warning(
        "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
    std::exit(1);
  }
  // The part that could not be taken back stays written.
  current_size_ += written;
  incr_size_ += written;
  buffer_.erase(0, written);
  last_write_ok_ = false;
  on_write_status(error);
}

// What the dispatcher checks before a write command (its MISCONF) and INFO
// shows: the failed write's errno, else the last background fsync's.
void AppendOnlyFile::on_write_status(int error) {
  write_errno_ = error;
  stats_->persistence.aof_write_errno = error;
  stats_->persistence.aof_last_write_ok = error == 0;
}

void AppendOnlyFile::cron(std::int64_t now_ms) {
  if (fd_ >= 0) {
    write_buffer();
    // The `everysec` thread's verdict, while writes themselves succeed.
    if (last_write_ok_ && fsync_.last_error() != write_errno_) {
      if (fsync_.last_error() != 0) {
        logger_->warning(std::string("Fail to fsync the AOF file: ") +
                         std::strerror(fsync_.last_error()));
      }
      on_write_status(fsync_.last_error());
    }
    if (unsynced_ && config_->appendfsync == "everysec" && now_ms - last_fsync_ms_ >= 1000) {
      fsync_.request(fd_);
      last_fsync_ms_ = now_ms;
      unsynced_ = false;
    }
  }
  reap_child();
  publish();
  if (fd_ < 0 || child_pid_ > 0 || stats_->persistence.child_running()) return;
  if (rewrite_scheduled_) {
    rewrite_scheduled_ = false;
    start_rewrite();
    return;
  }
  // auto-aof-rewrite-percentage: rewrite once the file grew that much past
  // its size after the last rewrite, and is at least the minimum size.
  const std::int64_t percentage = config_->auto_aof_rewrite_percentage;
  if (percentage > 0 &&
      current_size_ > static_cast<std::uint64_t>(config_->auto_aof_rewrite_min_size)) {
    const std::uint64_t base = base_size_ == 0 ? 1 : base_size_;
    const auto growth = static_cast<std::int64_t>(current_size_ * 100 / base) - 100;
    if (growth >= percentage) {
      logger_->notice("Starting automatic rewriting of AOF on " + std::to_string(growth) +
                      "% growth");
      start_rewrite();
    }
  }
}

// ---- rewriting ---------------------------------------------------------------------

AppendOnlyFile::Rewrite AppendOnlyFile::start_rewrite() {
  if (child_pid_ > 0) return Rewrite::already_running;
  if (fd_ < 0) return Rewrite::failed;
  // Everything so far goes to the old incr file; what comes next goes to a
  // new one, which the new base will be followed by.
  write_buffer();
  const std::int64_t sequence = manifest_.last_incr_sequence() + 1;
  if (waiting_for_rewrite_) {
    // Not in the manifest until this rewrite succeeds (finish_first_rewrite).
    if (!open_temp_incr()) {
      last_rewrite_ok_ = false;
      return Rewrite::failed;
    }
  } else {
    if (!open_incr(sequence) || !persist_manifest()) {
      last_rewrite_ok_ = false;
      return Rewrite::failed;
    }
    logger_->notice("Creating AOF incr file " +
                    persistence::incr_file_name(config_->appendfilename, sequence) +
                    " on background rewrite");
  }
  // Chosen at the fork: the child writes in this form and the parent names
  // the finished file after it, whatever CONFIG SET does meanwhile.
  rewrite_rdb_preamble_ = config_->aof_use_rdb_preamble;
  child_info_.open();
  const auto before_fork = std::chrono::steady_clock::now();
  const pid_t child = ::fork();
  if (child == 0) {
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    child_info_.keep_child_end();
    const std::string temp = "temp-rewriteaof-bg-" + std::to_string(::getpid()) + ".aof";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const bool ok =
        fd >= 0 && write_dataset(fd, rewrite_rdb_preamble_, &child_info_) && ::fsync(fd) == 0;
    if (ok) {
      const std::uint64_t cow = child_info_.finish();
      logger_->notice("AOF rewrite: " + std::to_string(cow >> 20) +
                      " MB of memory used by copy-on-write");
    }
    ::_exit(ok ? 0 : 1);
  }
  child_info_.keep_parent_end();
  if (child < 0) {
    child_info_.close();
    logger_->warning("Can't rewrite append only file in background: fork: " + errno_text());
    last_rewrite_ok_ = false;
    publish();
    return Rewrite::failed;
  }
  stats_->persistence.last_fork_usec = std::chrono::duration_cast<std::chrono::microseconds>(
                                           std::chrono::steady_clock::now() - before_fork)
                                           .count();
  ++stats_->persistence.forks;
  // LATENCY DOCTOR grades the fork's speed; the latency monitor records it.
  stats_->persistence.fork_rate_gb_per_s = observability::fork_rate_gb_per_s(
      storage::allocated_bytes(), stats_->persistence.last_fork_usec);
  stats_->latency_monitor.add_sample_if_needed(
      "fork", static_cast<std::uint64_t>(stats_->persistence.last_fork_usec / 1000),
      config_->latency_monitor_threshold_ms, unix_seconds());
  logger_->notice("Background append only file rewriting started by pid " + std::to_string(child));
  child_pid_ = child;
  stats_->persistence.current_save_keys_total = keyspace_->total_keys();
  rewrite_temp_ = "temp-rewriteaof-bg-" + std::to_string(child) + ".aof";
  rewrite_started_ms_ = keyspace_->clock().now_ms();
  rewrite_sequence_ = sequence;
  rewrite_scheduled_ = false;
  publish();
  return Rewrite::started;
}

void AppendOnlyFile::reap_child() {
  if (child_pid_ <= 0) return;
  child_info_.drain(stats_->persistence, ChildKind::aof, keyspace_->clock().now_ms());
  int status = 0;
  const pid_t done = ::waitpid(child_pid_, &status, WNOHANG);
  if (done == 0) return;
  child_info_.drain(stats_->persistence, ChildKind::aof, keyspace_->clock().now_ms());
  finish_rewrite(done == child_pid_ && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void AppendOnlyFile::finish_rewrite(bool ok) {
  const std::int64_t now = keyspace_->clock().now_ms();
  last_rewrite_seconds_ = (now - rewrite_started_ms_) / 1000;
  child_pid_ = -1;
  child_info_.close();
  reset_child_progress(stats_->persistence);
  rewrite_started_ms_ = -1;
  ++rewrites_;
  if (!ok) {
    logger_->warning("Background AOF rewrite terminated with error");
    ::unlink(rewrite_temp_.c_str());
    last_rewrite_ok_ = false;
    // Without a base the AOF is not on yet: try again, as Redis does.
    if (waiting_for_rewrite_) rewrite_scheduled_ = true;
    return;
  }
  logger_->notice("Background AOF rewrite terminated with success");
  // Counted before finish_first_rewrite() retires the old base.
  const std::int64_t new_base_sequence = manifest_.base_sequence() + 1;
  const std::string base_name = persistence::base_file_name(
      config_->appendfilename, new_base_sequence, rewrite_rdb_preamble_);
  if (std::rename(rewrite_temp_.c_str(), path_of(base_name).c_str()) != 0) {
    logger_->warning("Error trying to rename the temporary AOF base file " + rewrite_temp_ +
                     " into " + base_name + ": " + errno_text());
    ::unlink(rewrite_temp_.c_str());
    last_rewrite_ok_ = false;
    if (waiting_for_rewrite_) rewrite_scheduled_ = true;
    return;
  }
  logger_->notice("Successfully renamed the temporary AOF base file " + rewrite_temp_ + " into " +
                  base_name);
  if (waiting_for_rewrite_) {
    finish_first_rewrite();
    if (waiting_for_rewrite_) {
      rewrite_scheduled_ = true;  // the temporary incr file could not be named
      return;
    }
  }
  // The new base holds everything up to the fork; the incr files from
  // before it become history, the one opened at the fork (and any after)
  // stays.
  for (AofFileInfo& file : manifest_.files) {
    if (file.type == AofFileInfo::Type::base ||
        (file.type == AofFileInfo::Type::incr && file.sequence < rewrite_sequence_)) {
      file.type = AofFileInfo::Type::history;
    }
  }
  manifest_.files.insert(manifest_.files.begin(),
                         {base_name, new_base_sequence, AofFileInfo::Type::base});
  if (!persist_manifest()) {
    last_rewrite_ok_ = false;
    return;
  }
  delete_history();
  measure_files();
  last_rewrite_ok_ = true;
  logger_->notice("Background AOF rewrite finished successfully");
}

// The first rewrite after CONFIG SET appendonly yes succeeded: the
// temporary incr file, which holds every write since that rewrite's fork,
// becomes the incr file after the new base (Redis's
// backgroundRewriteDoneHandler in AOF_WAIT_REWRITE). finish_rewrite() then
// names both in the manifest and retires every older file.
void AppendOnlyFile::finish_first_rewrite() {
  const std::string temp = temp_incr_name();
  const std::int64_t sequence = manifest_.last_incr_sequence() + 1;
  const std::string name = persistence::incr_file_name(config_->appendfilename, sequence);
  if (std::rename(path_of(temp).c_str(), path_of(name).c_str()) != 0) {
    logger_->warning("Error trying to rename the temporary AOF incr file " + temp + " into " +
                     name + ": " + errno_text());
    return;
  }
  logger_->notice("Successfully renamed the temporary AOF incr file " + temp + " into " + name);
  for (AofFileInfo& file : manifest_.files) file.type = AofFileInfo::Type::history;
  manifest_.files.push_back({name, sequence, AofFileInfo::Type::incr});
  rewrite_sequence_ = sequence;  // finish_rewrite keeps it, retires the rest
  waiting_for_rewrite_ = false;
}

void AppendOnlyFile::delete_history() {
  if (config_->aof_disable_auto_gc) return;
  std::erase_if(manifest_.files, [this](const AofFileInfo& file) {
    if (file.type != AofFileInfo::Type::history) return false;
    logger_->notice("Removing the history file " + file.name + " in the background");
    ::unlink(path_of(file.name).c_str());
    return true;
  });
  persist_manifest();
}

void AppendOnlyFile::kill_child() {
  if (child_pid_ <= 0) return;
  logger_->notice("Killing running AOF rewrite child: " + std::to_string(child_pid_));
  ::kill(child_pid_, SIGUSR1);
  int status = 0;
  ::waitpid(child_pid_, &status, 0);
  ::unlink(rewrite_temp_.c_str());
  child_pid_ = -1;
  child_info_.close();
  reset_child_progress(stats_->persistence);
  rewrite_started_ms_ = -1;
  publish();
}

// ---- on and off --------------------------------------------------------------------

bool AppendOnlyFile::turn_on() {
  if (fd_ >= 0) return true;
  std::error_code error;
  std::filesystem::create_directories(directory(), error);
  // Whatever an older AOF holds is superseded: the rewrite's base will hold
  // the dataset as it is now.
  bool found = false;
  const std::string text =
      read_file(path_of(persistence::manifest_file_name(config_->appendfilename)), found);
  manifest_ = {};
  if (found) {
    if (auto parsed = persistence::parse_manifest(text)) manifest_ = std::move(*parsed);
  }
  // Writes go to a temporary incr file until the rewrite has turned the
  // dataset into a base; the manifest on disk stays as it was until then.
  waiting_for_rewrite_ = true;
  if (!open_temp_incr()) {
    waiting_for_rewrite_ = false;
    return false;
  }
  if (start_rewrite() == Rewrite::failed) {
    logger_->warning(
        "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. "
        "Check the above logs for more info about the error.");
    turn_off();
    return false;
  }
  publish();
  return true;
}

void AppendOnlyFile::turn_off() {
  if (fd_ < 0) return;
  write_buffer();
  ::fsync(fd_);
  ::close(fd_);
  fd_ = -1;
  if (waiting_for_rewrite_) {
    // Never named in a manifest: nothing will read it.
    ::unlink(path_of(temp_incr_name()).c_str());
    waiting_for_rewrite_ = false;
  }
  // Without an AOF there is nothing a write could fail to reach.
  buffer_.clear();
  last_write_ok_ = true;
  on_write_status(0);
  kill_child();
  publish();
}

bool AppendOnlyFile::sync_for_shutdown(bool force) {
  if (child_pid_ > 0 && waiting_for_rewrite_) {
    // The dataset is in no AOF yet: Redis 7.0 will not stop unless forced.
    if (!force) {
      logger_->warning("Writing initial AOF, can't exit.");
      return false;
    }
    logger_->warning("Writing initial AOF. Exit anyway.");
  }
  if (child_pid_ > 0) logger_->warning("There is a child rewriting the AOF. Killing it!");
  kill_child();
  if (fd_ < 0) return true;
  write_buffer();
  logger_->notice("Calling fsync() on the AOF file.");
  ::fsync(fd_);
  // Left open: if the final RDB save then fails, the server stays up and
  // goes on logging; at exit the destructor closes it.
  return true;
}

}  // namespace mini_redis::server
