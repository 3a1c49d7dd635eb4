// The CONFIG command: CONFIG GET, CONFIG SET, CONFIG RESETSTAT, CONFIG REWRITE
// and CONFIG HELP, as Redis 7.0 answers them.
//
// The parameters themselves, and how each is read and shown, are the table
// in config.cpp; these handlers only walk it. CONFIG GET takes several glob
// patterns and lists each match once; CONFIG SET takes several name/value
// pairs and applies all of them or none (Redis 7's behaviour); RESETSTAT
// zeroes INFO's counters; REWRITE writes the settings back into the config
// file the server started with (the text in config/config_rewrite.cpp, the
// file handling here).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "commands/core/acl_user.h"
#include "commands/core/command_docs.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/server/config_commands.h"
#include "config/config.h"
#include "config/config_parameters.h"
#include "config/config_rewrite.h"

namespace mini_redis::commands {

using config::Changeable;
using config::find_parameter;
using config::is_glob;
using config::Parameter;

void apply_storage_settings(const Config& config, storage::Keyspace& keyspace) {
  // Redis tracks LFU under exactly the two *-lfu policies (MAXMEMORY_FLAG_LFU).
  const bool lfu = config.maxmemory_policy.ends_with("-lfu");
  keyspace.set_access_tracking(
      lfu ? storage::AccessTracking::lfu : storage::AccessTracking::lru,
      {.log_factor = config.lfu_log_factor, .decay_minutes = config.lfu_decay_time});
  keyspace.set_lazy_free_modes({.expire = config.lazyfree_lazy_expire,
                                .server_del = config.lazyfree_lazy_server_del,
                                .eviction = config.lazyfree_lazy_eviction});
  keyspace.set_eviction({.maxmemory = config.maxmemory,
                         // CONFIG accepts only the eight names, so this always parses.
                         .policy = storage::parse_eviction_policy(config.maxmemory_policy)
                                       .value_or(storage::EvictionPolicy::noeviction),
                         .samples = config.maxmemory_samples,
                         .tenacity = config.maxmemory_eviction_tenacity});
}

namespace {

// CONFIG GET pattern [pattern ...]: every matching parameter once, as a map.
// Redis lists them in its hash table's order, which changes from run to run;
// we use the table's order. A plain name comes back spelled as it was asked
// for ("CONFIG GET HZ" answers "HZ"), as in Redis.
void config_get_command(Context& ctx, Arguments args) {
  std::vector<std::pair<std::string, std::string>> found;
  std::vector<std::string> canonical_names;
  for (std::string_view pattern : args.subspan(2)) {
    for (auto& [name, value] : get_config_values(ctx.config, pattern)) {
      if (std::find(canonical_names.begin(), canonical_names.end(), name) != canonical_names.end())
        continue;
      canonical_names.push_back(name);
      found.emplace_back(is_glob(pattern) ? name : std::string(pattern), std::move(value));
    }
  }
  ctx.reply.map_header(found.size());
  for (const auto& [name, value] : found) {
    ctx.reply.bulk_string(name);
    ctx.reply.bulk_string(value);
  }
}

std::string config_set_error(std::string_view name, std::string_view reason) {
  std::string text = "ERR CONFIG SET failed (possibly related to argument '";
  text.append(name);
  text.append("') - ");
  text.append(reason);
  return text;
}

// The parameters Redis 7.0 marks SENSITIVE_CONFIG: passwords and the
// replication user, whose values the slowlog shows as "(redacted)".
bool is_sensitive(std::string_view name) {
  return name == "requirepass" || name == "masterauth" || name == "masteruser";
}

// CONFIG SET name value [name value ...]: all or nothing (Redis 7). First
// every name is checked (known, changeable, not given twice), then the values
// are applied to a copy, which replaces the live settings only if every value
// was accepted.
void config_set_command(Context& ctx, Arguments args) {
  if (args.size() % 2 != 0) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  const Arguments pairs = args.subspan(2);
  std::vector<const Parameter*> chosen;
  for (std::size_t i = 0; i < pairs.size(); i += 2) {
    const std::string_view name = pairs[i];
    const Parameter* parameter = find_parameter(name);
    if (parameter == nullptr) {
      std::string text = "ERR Unknown option or number of arguments for CONFIG SET - '";
      text.append(name);
      text.append("'");
      ctx.reply.error(text);
      return;
    }
    std::string_view refusal;
    if (parameter->changeable == Changeable::at_startup_only)
      refusal = "can't set immutable config";
    if (parameter->changeable == Changeable::protected_path) refusal = "can't set protected config";
    if (std::find(chosen.begin(), chosen.end(), parameter) != chosen.end())
      refusal = "duplicate parameter";
    if (!refusal.empty()) {
      ctx.reply.error(config_set_error(name, refusal));  // these name the argument as sent
      return;
    }
    chosen.push_back(parameter);
    // Secrets never reach the slowlog (Redis's SENSITIVE_CONFIG).
    if (is_sensitive(parameter->name)) redact_argument(ctx.client, 2 + i + 1);
  }

  Config staged = ctx.config;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    if (auto error = chosen[i]->set(staged, pairs[2 * i + 1], /*at_startup=*/false)) {
      ctx.reply.error(config_set_error(chosen[i]->name, *error));  // and these by its own name
      return;
    }
  }
  // requirepass sets the default user's password (only when it changed, as
  // Redis applies a parameter only when its value did).
  const bool password_changed = staged.requirepass != ctx.config.requirepass;
  const bool appendonly_changed = staged.appendonly != ctx.config.appendonly;
  ctx.config = std::move(staged);
  if (appendonly_changed) ctx.server.appendonly_changed();
  if (password_changed && ctx.acl != nullptr) ctx.acl->apply_requirepass(ctx.config.requirepass);
  apply_storage_settings(ctx.config, ctx.keyspace);
  ctx.reply.ok();
}

// CONFIG RESETSTAT: zeroes INFO's counters, the keyspace ones included.
void config_resetstat_command(Context& ctx, Arguments /*args*/) {
  ctx.stats.reset_counters();
  ctx.keyspace.stats() = storage::KeyspaceStats{};
  ctx.keyspace.lazy_free().reset_freed_objects();  // as Redis's lazyfreeResetStats
  ctx.reply.ok();
}

// The config file's text; nullopt when it is gone (CONFIG REWRITE then
// writes a new one, as Redis does), or the errno that stopped the read.
std::optional<std::string> read_whole_file(const std::string& path, int& error) {
  error = 0;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    if (errno != ENOENT) error = errno != 0 ? errno : EIO;
    return std::nullopt;
  }
  std::ostringstream text;
  text << file.rdbuf();
  return std::move(text).str();
}

// Replaces the file at `path` by `text` so that a crash leaves either the
// old file or the new one, never half of each: write a temporary file beside
// it, fsync it, rename it over the old one. 0, or the errno that failed.
int replace_file(const std::string& path, const std::string& text) {
  std::string temporary = path + ".XXXXXX";
  const int fd = mkostemp(temporary.data(), O_CLOEXEC);
  if (fd < 0) return errno;
  std::size_t written = 0;
  int error = 0;
  while (written < text.size() && error == 0) {
    const ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno != EINTR) error = errno;
    if (n > 0) written += static_cast<std::size_t>(n);
  }
  // mkostemp makes the file 0600; a config file is readable as before, 0644
  // less the umask (as Redis).
  const mode_t mask = umask(0);
  umask(mask);
  if (error == 0 && fchmod(fd, 0644 & ~mask) != 0) error = errno;
  if (error == 0 && fsync(fd) != 0) error = errno;
  close(fd);
  if (error == 0 && std::rename(temporary.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) unlink(temporary.c_str());
  return error;
}

// CONFIG REWRITE: the config file the server started with, rewritten to
// hold the settings in use (config/config_rewrite.h has the rules).
void config_rewrite_command(Context& ctx, Arguments /*args*/) {
  const std::string& path = ctx.stats.config_file;
  if (path.empty()) {
    ctx.reply.error("ERR The server is running without a config file");
    return;
  }
  int error = 0;
  const std::optional<std::string> old_text = read_whole_file(path, error);
  std::vector<std::string> users;
  // Users live in the config file unless an aclfile keeps them (ACL SAVE).
  if (ctx.acl != nullptr && ctx.config.aclfile.empty()) {
    for (const auto& [name, user] : ctx.acl->users()) {
      users.push_back("user " + name + ' ' + describe_user(*user, *ctx.acl));
    }
  }
  if (error == 0) {
    error = replace_file(path, config::rewrite_config_text(old_text, ctx.config, users));
  }
  if (error != 0) {
    ctx.reply.error(std::string("ERR Rewriting config file: ") + std::strerror(error));
    return;
  }
  ctx.reply.ok();
}

// Redis's CONFIG HELP text.
void config_help_command(Context& ctx, Arguments /*args*/) {
  reply_help(ctx.reply, "CONFIG",
             {
                 "GET <pattern>",
                 "    Return parameters matching the glob-like <pattern> and their values.",
                 "SET <directive> <value>",
                 "    Set the configuration <directive> to <value>.",
                 "RESETSTAT",
                 "    Reset statistics reported by the INFO command.",
                 "REWRITE",
                 "    Rewrite the configuration file.",
             });
}

}  // namespace

void register_config_commands(CommandTable& table) {
  constexpr std::uint32_t kAdminFlags =
      flags::kAdmin | flags::kNoscript | flags::kLoading | flags::kStale;
  table.add({
      .name = "config",
      .arity = -2,
      .group = "server",
      .summary = "A container for server configuration commands",
      .since = "2.0.0",
      .complexity = "Depends on subcommand.",
      .acl_categories = "@slow",
      .subcommands =
          {
              {.name = "get",
               .arity = -3,
               .flags = kAdminFlags,
               .handler = config_get_command,
               .group = "server",
               .summary = "Get the values of configuration parameters",
               .since = "2.0.0",
               .complexity = "O(N) when N is the number of configuration parameters provided",
               .acl_categories = "@admin @slow @dangerous",
               .arguments = {arg::block("parameter", {arg::string("parameter")}).multiple()},
               .history = {{"7.0.0",
                            "Added the ability to pass multiple pattern parameters in one call"}}},
              {.name = "set",
               .arity = -4,
               .flags = kAdminFlags,
               .handler = config_set_command,
               .group = "server",
               .summary = "Set configuration parameters to the given values",
               .since = "2.0.0",
               .complexity = "O(N) when N is the number of configuration parameters provided",
               .acl_categories = "@admin @slow @dangerous",
               .tips = "request_policy:all_nodes response_policy:all_succeeded",
               .arguments = {arg::block("parameter_value",
                                        {arg::string("parameter"), arg::string("value")})
                                 .multiple()},
               .history = {{"7.0.0", "Added the ability to set multiple parameters in one call."}}},
              {.name = "resetstat",
               .arity = 2,
               .flags = kAdminFlags,
               .handler = config_resetstat_command,
               .group = "server",
               .summary = "Reset the stats returned by INFO",
               .since = "2.0.0",
               .complexity = "O(1)",
               .acl_categories = "@admin @slow @dangerous"},
              {.name = "rewrite",
               .arity = 2,
               .flags = kAdminFlags,
               .handler = config_rewrite_command,
               .group = "server",
               .summary = "Rewrite the configuration file with the in memory configuration",
               .since = "2.8.0",
               .complexity = "O(1)",
               .acl_categories = "@admin @slow @dangerous"},
              {.name = "help",
               .arity = 2,
               .flags = flags::kLoading | flags::kStale,
               .handler = config_help_command,
               .group = "server",
               .summary = "Show helpful text about the different subcommands",
               .since = "5.0.0",
               .complexity = "O(1)",
               .acl_categories = "@slow"},
          },
  });
}

}  // namespace mini_redis::commands
