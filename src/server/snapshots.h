// Snapshots: the RDB file on disk. Loading it at start-up, SAVE in the
// foreground, BGSAVE in a forked child, the save points, saving at shutdown.
//
// What goes into the file, byte by byte, is persistence/rdb_writer.h and
// rdb_reader.h: pure bytes <-> keyspace. This class owns what those leave
// out: files, fsync, rename, fork, waitpid, and the log lines Redis prints.
//
// Why fork: the child gets a copy-on-write image of the whole process at
// the moment of the fork, so it can walk a frozen keyspace and take its
// time writing it while the parent goes on serving. Only the pages the
// parent changes meanwhile are ever copied (INFO's "CoW").
//
// The file is never written in place: the writer makes temp-<pid>.rdb,
// fsyncs it, and renames it over dbfilename, so that a crash mid-save leaves
// the previous snapshot whole (rename is atomic within a directory).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "commands/core/context.h"
#include "scripting/function_library.h"
#include "server/child_info.h"
#include "server/logger.h"

namespace mini_redis::server {

// Loads the function libraries an RDB file held (RdbLoadStats) into
// `functions`; false (logged) when one fails, which fails the load, as in
// Redis. Shared with the AOF's RDB base file.
bool load_function_libraries(scripting::FunctionEngine* functions,
                             const std::vector<std::string>& codes, Logger& logger);

class Snapshots {
 public:
  Snapshots(storage::Keyspace& keyspace, commands::Config& config,
            commands::ServerStats& stats, Logger& logger)
      : keyspace_(&keyspace), config_(&config), stats_(&stats), logger_(&logger) {}

  // At start-up, with the working directory already `dir`: loads dbfilename
  // if it exists. False (logged) when the file is there but cannot be
  // loaded: Redis then refuses to start rather than serve an empty dataset
  // and overwrite the user's data at the next save.
  bool load_at_startup();
  // The function libraries, saved in the file with the keys (FUNCTION2)
  // and loaded back from it. Without them (unit tests) none are saved.
  void set_functions(scripting::FunctionEngine* functions) { functions_ = functions; }

  // SAVE, FLUSHALL with save points, and shutdown: writes the file now, in
  // the foreground. False (logged) when it could not.
  bool save();

  // BGSAVE and the save points.
  commands::BackgroundSave start_background_save();

  // Every cron tick: reaps a finished child, starts a scheduled BGSAVE, and
  // checks the save points.
  void cron(std::int64_t now_ms);

  // Shutdown and FLUSHALL: stops a running child and removes its temp file
  // (its snapshot would be stale).
  void kill_child();

 private:
  // Writes the keyspace to `path` and fsyncs it; false (logged) on an error.
  // A BGSAVE child passes its pipe to the parent, to report progress.
  bool write_file(const std::string& path, ChildInfoPipe* progress = nullptr);
  // Renames the finished temp file over dbfilename; false (logged) on error.
  bool install(const std::string& temp_path);
  void reap_child();
  void finish_background_save(bool ok);

  storage::Keyspace* keyspace_;
  commands::Config* config_;
  commands::ServerStats* stats_;
  Logger* logger_;
  scripting::FunctionEngine* functions_ = nullptr;
  ChildInfoPipe child_info_;  // to the running BGSAVE child
};

}  // namespace mini_redis::server
