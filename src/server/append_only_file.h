// AppendOnlyFile: the AOF on disk, Redis 7's multi-part layout.
//
// Every write's effect (commands/core/propagation.h) is appended to a buffer
// as RESP; before any reply leaves the server the buffer is written to the
// current incr file, and under `appendfsync always` also fsynced, so that a
// write acknowledged to a client is on disk. Under `everysec` a background
// thread fsyncs once a second (a crash loses at most ~2 s of writes), under
// `no` the kernel decides.
//
// BGREWRITEAOF forks, like BGSAVE: the child writes the dataset of the
// moment as the new base file (an RDB "preamble"); the parent has at once
// opened a new incr file for what comes next. When the child is done, the
// manifest names the new base and the new incr file, and the old files are
// deleted: replaying base + incr again gives the whole dataset.
//
// CONFIG SET appendonly yes at run time starts with such a rewrite, and
// until it has made the first base (Redis's AOF_WAIT_REWRITE) writes go to
// a temporary incr file that no manifest names: a crash in between leaves
// the files on disk as they were, never a manifest with incr files but not
// the base they follow. The rewrite's success names both in the manifest.
//
// The formats are persistence/aof_format.h's; this class owns the files,
// the fsyncs, the fork and Redis's log lines.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "commands/core/context.h"
#include "commands/core/propagation.h"
#include "persistence/aof_format.h"
#include "scripting/function_library.h"
#include "server/child_info.h"
#include "server/logger.h"

namespace mini_redis::server {

// The `everysec` fsyncs, off the event loop: fsync can take seconds on a
// busy disk, which must not stall every client (Redis's bio thread).
class BackgroundFsync {
 public:
  BackgroundFsync();
  ~BackgroundFsync();
  BackgroundFsync(const BackgroundFsync&) = delete;
  BackgroundFsync& operator=(const BackgroundFsync&) = delete;

  // Fsyncs `fd` soon (a duplicate of it, so the caller may close it).
  void request(int fd);
  [[nodiscard]] bool pending() const;
  // The errno of the last fsync, 0 when it succeeded.
  [[nodiscard]] int last_error() const { return last_error_.load(std::memory_order_relaxed); }

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  int fd_ = -1;  // the duplicate waiting to be fsynced, -1 for none
  bool stopping_ = false;
  std::atomic<int> last_error_{0};
  std::thread thread_;
};

class AppendOnlyFile final : public commands::CommandLog {
 public:
  // Runs one command during loading (the server's dispatcher, as a client
  // that may not block and needs no permission). An empty command means "a
  // new file begins": a fresh client, in database 0.
  using Replay = std::function<void(std::span<const std::string_view>)>;

  AppendOnlyFile(storage::Keyspace& keyspace, commands::Config& config,
                 commands::ServerStats& stats, Logger& logger)
      : keyspace_(&keyspace), config_(&config), stats_(&stats), logger_(&logger) {}
  ~AppendOnlyFile() override;
  // The function libraries, saved in an RDB base file and loaded back from
  // one (Snapshots::set_functions says why).
  void set_functions(scripting::FunctionEngine* functions) { functions_ = functions; }
  AppendOnlyFile(const AppendOnlyFile&) = delete;
  AppendOnlyFile& operator=(const AppendOnlyFile&) = delete;

  [[nodiscard]] bool enabled() const { return fd_ >= 0; }

  // With appendonly yes, at start-up: loads the files the manifest lists
  // (base, then the incr files), then opens the AOF for writing, creating
  // the directory, a base file and an incr file when there are none, as
  // Redis 7.0 does. False (logged) when the server must not start.
  bool start(const Replay& replay);

  // commands::CommandLog: one effect, after a SELECT if its database is
  // not the one the file is in.
  void append(int db_index, std::span<const std::string> argv) override;

  // Before replies leave: the buffer goes to the file, and under
  // `appendfsync always` to the disk. Cheap when there is nothing new.
  void flush_before_replies() {
    if (!buffer_.empty()) write_buffer();
  }

  // Every cron tick: the `everysec` fsync, a finished rewrite, a scheduled
  // one, an automatic one when the file grew past auto-aof-rewrite-percentage.
  void cron(std::int64_t now_ms);

  // BGREWRITEAOF.
  enum class Rewrite { started, already_running, failed };
  Rewrite start_rewrite();
  [[nodiscard]] bool rewrite_running() const { return child_pid_ > 0; }
  // BGREWRITEAOF while a BGSAVE runs: started by the cron once it ends.
  void schedule_rewrite();

  // CONFIG SET appendonly yes / no at run time.
  bool turn_on();
  void turn_off();

  // Shutdown: the last writes to disk, the rewrite child stopped. False
  // (logged) while the first rewrite after CONFIG SET appendonly yes still
  // runs, unless `force`: stopping then would leave no AOF at all.
  bool sync_for_shutdown(bool force);
  void kill_child();

 private:
  std::string directory() const;
  std::string path_of(const std::string& name) const;
  bool load(const Replay& replay);
  bool upgrade_single_file(const persistence::AofManifest* manifest);
  bool load_file(const persistence::AofFileInfo& file, const Replay& replay, bool last);
  bool persist_manifest();
  bool open_incr(std::int64_t sequence);
  std::string temp_incr_name() const;
  bool open_temp_incr();  // while waiting for the first rewrite
  void finish_first_rewrite();
  bool create_base_from_dataset(std::int64_t sequence);
  // A rewrite child passes its pipe to the parent, to report progress.
  bool write_dataset(int fd, bool rdb, ChildInfoPipe* progress = nullptr);
  void write_buffer();
  void record_write_latency(std::uint64_t latency_ms);  // latency monitor: aof-write*
  void on_write_error(int error, std::size_t written);
  void on_write_status(int error);
  void reap_child();
  void finish_rewrite(bool ok);
  void delete_history();
  void measure_files();
  // Copies the state INFO shows into the server's PersistenceStats.
  void publish();

  storage::Keyspace* keyspace_;
  commands::Config* config_;
  commands::ServerStats* stats_;
  Logger* logger_;
  scripting::FunctionEngine* functions_ = nullptr;

  persistence::AofManifest manifest_;
  int fd_ = -1;                        // the current incr file, -1 while off
  int selected_db_ = -1;               // the database the file is in; -1: emit SELECT first
  std::string buffer_;                 // effects not yet written
  std::int64_t last_timestamp_s_ = 0;  // of the last "#TS:" annotation
  BackgroundFsync fsync_;
  std::int64_t last_fsync_ms_ = 0;
  bool unsynced_ = false;  // written since the last fsync
  bool last_write_ok_ = true;
  int write_errno_ = 0;  // of the failed write, or of the last `everysec` fsync
  std::int64_t last_write_error_log_s_ = 0;
  std::uint64_t incr_size_ = 0;  // bytes in the current incr file: where a torn write is cut

  int child_pid_ = -1;
  ChildInfoPipe child_info_;          // to the running rewrite child
  std::string rewrite_temp_;          // the child's base file, until renamed
  bool rewrite_rdb_preamble_ = true;  // the form the running rewrite writes
  std::int64_t rewrite_started_ms_ = -1;
  std::int64_t rewrite_sequence_ = 0;  // the incr file opened when it started
  bool rewrite_scheduled_ = false;
  // Turned on at run time, and the first rewrite has not made a base yet:
  // fd_ is the temporary incr file (Redis's AOF_WAIT_REWRITE).
  bool waiting_for_rewrite_ = false;
  bool last_rewrite_ok_ = true;
  std::int64_t last_rewrite_seconds_ = -1;
  std::uint64_t rewrites_ = 0;

  std::uint64_t current_size_ = 0;  // base + incr bytes, for auto rewrite and INFO
  std::uint64_t base_size_ = 0;     // current_size_ after the last rewrite
};

}  // namespace mini_redis::server
