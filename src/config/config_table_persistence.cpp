// The persistence parameters: RDB snapshots and the append-only file. All
// stored and reported, none with an effect yet: mini-redis keeps no files
// (DESIGN.md, "Durability", is the plan). redis-benchmark and client test
// suites read or set several of them at start.
#include <array>

#include "config/config_parameters.h"
#include "config/config_values.h"

namespace mini_redis::config {

namespace {

using config_values::parse_like_strtoll;
using config_values::split_on_spaces;

constexpr std::array<Choice, 3> kFsyncPolicies{{{"everysec"}, {"always"}, {"no"}}};

// save "<seconds> <changes> ...": seconds at least 1, changes at least 0.
// Redis keeps `changes` in an int, so a huge count wraps (CONFIG GET shows -1
// for 99999999999999999999); we store what Redis would then show.
SetResult set_save(Config& config, std::string_view value, bool at_startup) {
  const std::vector<std::string_view> words = split_on_spaces(value);
  if (words.size() % 2 != 0) return "Invalid save parameters";
  std::string rules;
  for (std::size_t i = 0; i < words.size(); i += 2) {
    auto seconds = parse_like_strtoll(words[i]);
    auto changes = parse_like_strtoll(words[i + 1]);
    if (!seconds || !changes || *seconds < 1 || *changes < 0) return "Invalid save parameters";
    if (!rules.empty()) rules += ' ';
    rules += to_text(*seconds) + ' ' + to_text(static_cast<std::int32_t>(*changes));
  }
  // In redis.conf the first "save" line replaces the defaults and later ones
  // add rules; at run time (CONFIG SET) a value replaces them all. An empty
  // value clears them in both cases.
  if (at_startup && config.save_set_at_startup && !config.save.empty() && !rules.empty()) {
    config.save += ' ' + rules;
  } else {
    config.save = rules;
  }
  if (at_startup) config.save_set_at_startup = true;
  return std::nullopt;
}

// Redis's pathIsBaseName(): the file lives in `dir`, so no '/' and no '\'.
bool is_base_name(std::string_view name) {
  return name.find_first_of("/\\") == std::string_view::npos;
}

SetResult check_dbfilename(const Config& /*config*/, std::string_view name) {
  if (!is_base_name(name)) return "dbfilename can't be a path, just a filename";
  return std::nullopt;
}

SetResult check_appendfilename(const Config& /*config*/, std::string_view name) {
  if (name.empty()) return "appendfilename can't be empty";
  if (!is_base_name(name)) return "appendfilename can't be a path, just a filename";
  return std::nullopt;
}

SetResult check_appenddirname(const Config& /*config*/, std::string_view name) {
  if (name.empty()) return "appenddirname can't be empty";
  if (!is_base_name(name)) return "appenddirname can't be a path, just a dirname";
  return std::nullopt;
}

const std::array kPersistenceParameters{
    // RDB snapshots
    special("save", set_save, [](const Config& c) { return c.save; }),
    text("dbfilename", &Config::dbfilename).checked_by(check_dbfilename).protected_path(),
    yes_no("rdbcompression", &Config::rdbcompression),
    yes_no("rdbchecksum", &Config::rdbchecksum).startup_only(),
    yes_no("rdb-del-sync-files", &Config::rdb_del_sync_files),
    yes_no("rdb-save-incremental-fsync", &Config::rdb_save_incremental_fsync),
    yes_no("stop-writes-on-bgsave-error", &Config::stop_writes_on_bgsave_error),
    // the append-only file
    yes_no("appendonly", &Config::appendonly),
    text("appendfilename", &Config::appendfilename).checked_by(check_appendfilename).startup_only(),
    text("appenddirname", &Config::appenddirname).checked_by(check_appenddirname).startup_only(),
    choice("appendfsync", &Config::appendfsync, kFsyncPolicies),
    yes_no("no-appendfsync-on-rewrite", &Config::no_appendfsync_on_rewrite),
    integer("auto-aof-rewrite-percentage", &Config::auto_aof_rewrite_percentage, 0, kIntMax),
    memory("auto-aof-rewrite-min-size", &Config::auto_aof_rewrite_min_size, 0, kLongLongMax),
    yes_no("aof-load-truncated", &Config::aof_load_truncated),
    yes_no("aof-use-rdb-preamble", &Config::aof_use_rdb_preamble),
    yes_no("aof-rewrite-incremental-fsync", &Config::aof_rewrite_incremental_fsync),
    yes_no("aof-timestamp-enabled", &Config::aof_timestamp_enabled),
    yes_no("aof-disable-auto-gc", &Config::aof_disable_auto_gc),
};

}  // namespace

std::span<const Parameter> persistence_parameters() {
  return kPersistenceParameters;
}

}  // namespace mini_redis::config
