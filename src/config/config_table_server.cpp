// The server's own parameters: network, the process, security and admin,
// protocol limits, logs and observability. Each row is one parameter (see
// config_parameters.h for the row builders); the few that are more than a
// word or a number have their functions above the table.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/ascii.h"
#include "common/integer_parsing.h"
#include "config/config_parameters.h"
#include "config/config_values.h"
#include "config/notify_flags.h"
#include "config/open_files_limit.h"

namespace mini_redis::config {

namespace {

using config_values::parse_like_strtoll;
using config_values::parse_memory;
using config_values::split_on_spaces;

constexpr std::array<Choice, 4> kLogLevels{{{"debug"}, {"verbose"}, {"notice"}, {"warning"}}};
constexpr std::array<Choice, 4> kSupervisedModes{{{"upstart"}, {"systemd"}, {"auto"}, {"no"}}};
constexpr std::array<Choice, 9> kSyslogFacilities{{{"user"},
                                                   {"local0"},
                                                   {"local1"},
                                                   {"local2"},
                                                   {"local3"},
                                                   {"local4"},
                                                   {"local5"},
                                                   {"local6"},
                                                   {"local7"}}};
// "relative" is the same setting as "yes", and shows as "yes".
constexpr std::array<Choice, 4> kOomScoreAdj{{{"no"}, {"yes"}, {"relative", "yes"}, {"absolute"}}};
constexpr std::array<Choice, 3> kProtectedAction{{{"no"}, {"yes"}, {"local"}}};
constexpr std::array<Choice, 2> kAclPubsubDefault{{{"allchannels"}, {"resetchannels"}}};
constexpr std::array<Choice, 3> kSanitizeDumpPayload{{{"no"}, {"yes"}, {"clients"}}};
constexpr std::array<Choice, 3> kPropagationErrorBehavior{
    {{"ignore"}, {"panic"}, {"panic-on-replicas"}}};

// ---- network and process -----------------------------------------------------

// hz: any int is accepted, then held to 1..500 (CONFIG_MIN_HZ, CONFIG_MAX_HZ).
SetResult set_hz(Config& config, std::string_view value, bool /*at_startup*/) {
  auto hz = parse_int64_strict(value);
  if (!hz) return "argument couldn't be parsed into an integer";
  if (*hz < 0 || *hz > kIntMax) return "argument must be between 0 and 2147483647 inclusive";
  config.hz = std::clamp(static_cast<int>(*hz), 1, 500);
  return std::nullopt;
}

// maxclients: at start-up the value is taken as given (the server then
// raises its open-files limit, or lowers maxclients to fit it, with a log
// line). Later, CONFIG SET raises the soft limit at once to maxclients + 32
// (open_files_limit.h) and, as Redis's updateMaxclients, refuses a number of
// clients the process could not hold descriptors for, naming the number it
// could. A lower maxclients leaves the limit where it is, as in Redis.
SetResult set_maxclients(Config& config, std::string_view value, bool at_startup) {
  auto clients = parse_int64_strict(value);
  if (!clients) return "argument couldn't be parsed into an integer";
  if (*clients < 1 || *clients > kUintMax)
    return "argument must be between 1 and 4294967295 inclusive";
  if (!at_startup) {
    const auto wanted = static_cast<std::uint64_t>(*clients) + kReservedFds;
    const OpenFilesLimit got = raise_open_files_limit(wanted);
    // Redis assumes 1024 descriptors when it cannot read the limit.
    const std::uint64_t fits = got.known ? got.clients() : 1024 - kReservedFds;
    if (!got.known || got.current < wanted) {
      return "The operating system is not able to handle the specified number of clients, "
             "try with " +
             std::to_string(fits);
    }
  }
  config.maxclients = static_cast<int>(std::min(*clients, kIntMax));
  return std::nullopt;
}

// dir: the directory the server works in. Redis changes into it at once
// (at start-up as on CONFIG SET), and names its files (dbfilename, the AOF
// directory) relative to it, so a later `dir` moves where they go. It is
// protected, so by default only the config file and the command line set it.
SetResult set_dir(Config& config, std::string_view value, bool /*at_startup*/) {
  const std::string path(value);
  if (::chdir(path.c_str()) != 0) return std::string(std::strerror(errno));
  std::error_code error;
  const std::filesystem::path now_in = std::filesystem::current_path(error);
  config.dir = error ? path : now_in.string();
  return std::nullopt;
}

// CONFIG GET dir shows an absolute path, as Redis's getcwd() does.
std::string get_dir(const Config& config) {
  std::error_code error;
  std::filesystem::path path = std::filesystem::absolute(config.dir, error).lexically_normal();
  if (error) return config.dir;
  std::string text = path.string();
  if (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

// proc-title-template: Redis expands the template once with an empty title
// and refuses it if a {variable} is unknown, a '{' is left open, or nothing
// but spaces remains ("{title}" alone, "{server-mode}" alone outside cluster
// and sentinel modes). "{{" is a literal '{'.
SetResult check_proc_title_template(const Config& config, std::string_view text) {
  constexpr std::string_view kInvalid = "template format is invalid or contains unknown variables";
  std::string expanded;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find('{', at);
    if (open == std::string_view::npos) {
      expanded.append(text.substr(at));
      break;
    }
    expanded.append(text.substr(at, open - at));
    if (open + 1 == text.size()) return std::string(kInvalid);
    if (text[open + 1] == '{') {
      expanded.push_back('{');
      at = open + 2;
      continue;
    }
    const std::size_t close = text.find('}', open + 1);
    if (close == std::string_view::npos) return std::string(kInvalid);
    const std::string_view variable = text.substr(open + 1, close - open - 1);
    if (variable == "port") {
      expanded += to_text(config.port);
    } else if (variable == "tls-port") {
      expanded += to_text(config.tls_port);
    } else if (variable == "unixsocket") {
      expanded += config.unixsocket;
    } else if (variable == "listen-addr" || variable == "config-file") {
      expanded += "-";  // never empty in Redis ("127.0.0.1:6379"; a path or a placeholder)
    } else if (variable != "title" && variable != "server-mode") {
      return std::string(kInvalid);
    }
    at = close + 1;
  }
  if (expanded.find_first_not_of(' ') == std::string::npos) return std::string(kInvalid);
  return std::nullopt;
}

// oom-score-adj-values "<primary> <replica> <background child>": three
// strtoll() numbers between -2000 and 2000.
SetResult set_oom_score_adj_values(Config& config, std::string_view value, bool /*at_startup*/) {
  const std::vector<std::string_view> words = split_on_spaces(value);
  if (words.size() != config.oom_score_adj_values.size()) return "wrong number of arguments";
  std::array<int, 3> values{};
  for (std::size_t i = 0; i < words.size(); ++i) {
    auto number = parse_like_strtoll(words[i]);
    if (!number || *number < -2000 || *number > 2000)
      return "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
    values[i] = static_cast<int>(*number);
  }
  config.oom_score_adj_values = values;
  return std::nullopt;
}

std::string get_oom_score_adj_values(const Config& config) {
  const auto& values = config.oom_score_adj_values;
  return to_text(values[0]) + ' ' + to_text(values[1]) + ' ' + to_text(values[2]);
}

// shutdown-on-sigint / shutdown-on-sigterm: SHUTDOWN's options as words,
// any case, "default" alone or mixed in meaning nothing.
struct ShutdownWord {
  std::string_view name;
  std::uint32_t flag;
};
constexpr std::array<ShutdownWord, 5> kShutdownWords{{{"default", 0},
                                                      {"save", kShutdownSave},
                                                      {"nosave", kShutdownNosave},
                                                      {"now", kShutdownNow},
                                                      {"force", kShutdownForce}}};

SetResult store_shutdown_flags(std::string_view value, std::uint32_t& field) {
  constexpr std::string_view kWordList =
      "argument(s) must be one of the following: default, save, nosave, now, force";
  // An empty value, or an empty word ("now  force"), is no word of the list.
  const std::vector<std::string_view> words = split_on_spaces(value);
  if (words.empty()) return std::string(kWordList);
  std::uint32_t flags = 0;
  for (std::string_view word : words) {
    auto known =
        std::find_if(kShutdownWords.begin(), kShutdownWords.end(),
                     [word](const ShutdownWord& w) { return equals_ignore_case(word, w.name); });
    if (known == kShutdownWords.end()) return std::string(kWordList);
    flags |= known->flag;
  }
  if ((flags & kShutdownSave) != 0 && (flags & kShutdownNosave) != 0)
    return "shutdown options SAVE and NOSAVE can't be used simultaneously";
  field = flags;
  return std::nullopt;
}

std::string show_shutdown_flags(std::uint32_t flags) {
  std::string text;
  for (const ShutdownWord& word : kShutdownWords) {
    if ((flags & word.flag) == 0) continue;
    if (!text.empty()) text += ' ';
    text += word.name;
  }
  return text.empty() ? "default" : text;
}

SetResult set_shutdown_on_sigint(Config& config, std::string_view value, bool /*at_startup*/) {
  return store_shutdown_flags(value, config.shutdown_on_sigint);
}
std::string get_shutdown_on_sigint(const Config& config) {
  return show_shutdown_flags(config.shutdown_on_sigint);
}
SetResult set_shutdown_on_sigterm(Config& config, std::string_view value, bool /*at_startup*/) {
  return store_shutdown_flags(value, config.shutdown_on_sigterm);
}
std::string get_shutdown_on_sigterm(const Config& config) {
  return show_shutdown_flags(config.shutdown_on_sigterm);
}

// ---- limits --------------------------------------------------------------------

// client-output-buffer-limit "<class> <hard> <soft> <soft-seconds> ...": each
// group sets one class (normal, replica or its old name slave, pubsub) and
// leaves the others as they were. Every group is checked before any is kept.
SetResult set_output_buffer_limits(Config& config, std::string_view value, bool /*at_startup*/) {
  const std::vector<std::string_view> words = split_on_spaces(value);
  if (words.size() % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
  OutputBufferLimit normal = config.output_limit_normal;
  OutputBufferLimit replica = config.output_limit_replica;
  OutputBufferLimit pubsub = config.output_limit_pubsub;
  for (std::size_t i = 0; i < words.size(); i += 4) {
    OutputBufferLimit* target = nullptr;
    if (equals_ignore_case(words[i], "normal")) target = &normal;
    if (equals_ignore_case(words[i], "replica") || equals_ignore_case(words[i], "slave"))
      target = &replica;
    if (equals_ignore_case(words[i], "pubsub")) target = &pubsub;
    if (target == nullptr) return "Invalid client class specified in buffer limit configuration.";
    auto hard = parse_memory(words[i + 1]);
    auto soft = parse_memory(words[i + 2]);
    auto seconds = parse_like_strtoll(words[i + 3]);
    // Redis stores the seconds in an int before it checks the sign.
    const std::int32_t soft_seconds = seconds ? static_cast<std::int32_t>(*seconds) : -1;
    if (!hard || !soft || soft_seconds < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    *target = OutputBufferLimit{*hard, *soft, soft_seconds};
  }
  config.output_limit_normal = normal;
  config.output_limit_replica = replica;
  config.output_limit_pubsub = pubsub;
  return std::nullopt;
}

std::string get_output_buffer_limits(const Config& config) {
  // Redis 7.0 still prints the replica class under its old name, "slave".
  std::string text;
  auto append = [&text](std::string_view name, const OutputBufferLimit& limit) {
    if (!text.empty()) text += ' ';
    text.append(name);
    text += ' ' + to_text(limit.hard_bytes) + ' ' + to_text(limit.soft_bytes) + ' ' +
            to_text(limit.soft_seconds);
  };
  append("normal", config.output_limit_normal);
  append("slave", config.output_limit_replica);
  append("pubsub", config.output_limit_pubsub);
  return text;
}

// ---- observability ---------------------------------------------------------------

// latency-tracking-info-percentiles "50 99 99.9": each word a double as
// Redis's string2d() reads it (strtod, so "1e1" and "0x10" are numbers, but
// no leading space, no NaN), each between 0 and 100. An empty value means no
// percentiles.
SetResult set_latency_percentiles(Config& config, std::string_view value, bool /*at_startup*/) {
  std::vector<double> percentiles;
  for (std::string_view word : split_on_spaces(value)) {
    const std::string text(word);  // strtod needs a terminated string
    char* end = nullptr;
    errno = 0;
    const double percentile = text.empty() ? 0.0 : std::strtod(text.c_str(), &end);
    const bool underflow_or_overflow =
        errno == ERANGE && (percentile == HUGE_VAL || percentile == -HUGE_VAL || percentile == 0.0);
    if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])) != 0 ||
        end != text.c_str() + text.size() || underflow_or_overflow || std::isnan(percentile)) {
      return "Invalid latency-tracking-info-percentiles parameters";
    }
    if (percentile < 0.0 || percentile > 100.0)
      return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
    percentiles.push_back(percentile);
  }
  config.latency_tracking_info_percentiles = std::move(percentiles);
  return std::nullopt;
}

std::string get_latency_percentiles(const Config& config) {
  std::string text;
  for (double percentile : config.latency_tracking_info_percentiles) {
    if (!text.empty()) text.push_back(' ');
    text += format_percentile(percentile);
  }
  return text;
}

SetResult set_notify_keyspace_events(Config& config, std::string_view value, bool /*at_startup*/) {
  auto flags = parse_notify_flags(value);
  if (!flags) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
  config.notify_keyspace_events = *flags;
  return std::nullopt;
}

// ---- the table ----------------------------------------------------------------

// Redis 7.0 lets CONFIG SET change port and bind (it re-binds its sockets).
// The listening sockets belong to server/, out of this layer's reach, so here
// they are start-up only and answer as Redis does for its immutable ones.
const std::array kServerParameters{
    // network
    text("bind", &Config::bind).startup_only(),
    integer("port", &Config::port, 0, 65535).startup_only(),
    text("unixsocket", &Config::unixsocket).startup_only(),
    integer("timeout", &Config::timeout_seconds, 0, kIntMax),
    integer("tcp-keepalive", &Config::tcp_keepalive, 0, kIntMax),
    special("maxclients", set_maxclients, [](const Config& c) { return to_text(c.maxclients); }),
    // network: stored, no effect yet
    number("unixsocketperm", &Config::unixsocketperm, {0, 0777, Units::octal}).startup_only(),
    integer("tcp-backlog", &Config::tcp_backlog, 0, kIntMax).startup_only(),
    yes_no("protected-mode", &Config::protected_mode),
    text("bind-source-addr", &Config::bind_source_addr),
    integer("socket-mark-id", &Config::socket_mark_id, 0, kUintMax).startup_only(),
    integer("io-threads", &Config::io_threads, 1, 128).startup_only(),
    yes_no("io-threads-do-reads", &Config::io_threads_do_reads).startup_only(),
    // general
    integer("databases", &Config::databases, 1, kIntMax).startup_only(),
    special("hz", set_hz, [](const Config& c) { return to_text(c.hz); }),
    choice("loglevel", &Config::loglevel, kLogLevels),
    text("logfile", &Config::logfile).startup_only(),
    special("dir", set_dir, get_dir).protected_path(),
    // the process: stored, no effect (mini-redis does none of this)
    yes_no("daemonize", &Config::daemonize).startup_only(),
    choice("supervised", &Config::supervised, kSupervisedModes).startup_only(),
    text("pidfile", &Config::pidfile).startup_only(),
    yes_no("syslog-enabled", &Config::syslog_enabled).startup_only(),
    text("syslog-ident", &Config::syslog_ident).startup_only(),
    choice("syslog-facility", &Config::syslog_facility, kSyslogFacilities).startup_only(),
    yes_no("always-show-logo", &Config::always_show_logo).startup_only(),
    yes_no("set-proc-title", &Config::set_proc_title).startup_only(),
    text("proc-title-template", &Config::proc_title_template).checked_by(check_proc_title_template),
    yes_no("dynamic-hz", &Config::dynamic_hz),
    yes_no("crash-log-enabled", &Config::crash_log_enabled),
    yes_no("crash-memcheck-enabled", &Config::crash_memcheck_enabled),
    yes_no("disable-thp", &Config::disable_thp).startup_only(),
    yes_no("jemalloc-bg-thread", &Config::jemalloc_bg_thread),
    choice("oom-score-adj", &Config::oom_score_adj, kOomScoreAdj),
    special("oom-score-adj-values", set_oom_score_adj_values, get_oom_score_adj_values),
    text("server_cpulist", &Config::server_cpulist).startup_only(),
    text("bio_cpulist", &Config::bio_cpulist).startup_only(),
    text("aof_rewrite_cpulist", &Config::aof_rewrite_cpulist).startup_only(),
    text("bgsave_cpulist", &Config::bgsave_cpulist).startup_only(),
    text("ignore-warnings", &Config::ignore_warnings),
    integer("shutdown-timeout", &Config::shutdown_timeout, 0, kIntMax),
    special("shutdown-on-sigint", set_shutdown_on_sigint, get_shutdown_on_sigint),
    special("shutdown-on-sigterm", set_shutdown_on_sigterm, get_shutdown_on_sigterm),
    // security and admin: stored, no effect yet
    choice("enable-protected-configs", &Config::enable_protected_configs, kProtectedAction)
        .startup_only(),
    choice("enable-debug-command", &Config::enable_debug_command, kProtectedAction).startup_only(),
    choice("enable-module-command", &Config::enable_module_command, kProtectedAction)
        .startup_only(),
    text("aclfile", &Config::aclfile).startup_only(),
    text("requirepass", &Config::requirepass),
    integer("acllog-max-len", &Config::acllog_max_len, 0, kLongLongMax),
    choice("acl-pubsub-default", &Config::acl_pubsub_default, kAclPubsubDefault),
    choice("sanitize-dump-payload", &Config::sanitize_dump_payload, kSanitizeDumpPayload),
    choice("propagation-error-behavior", &Config::propagation_error_behavior,
           kPropagationErrorBehavior),
    integer("busy-reply-threshold", &Config::busy_reply_threshold_ms, 0, kLongLongMax)
        .also_named("lua-time-limit"),
    integer("tracking-table-max-keys", &Config::tracking_table_max_keys, 0, kLongLongMax),
    // debug and test knobs, hidden from patterns: stored, no effect
    yes_no("use-exit-on-panic", &Config::use_exit_on_panic).hidden_from_patterns(),
    integer("watchdog-period", &Config::watchdog_period, 0, kIntMax).hidden_from_patterns(),
    integer("rdb-key-save-delay", &Config::rdb_key_save_delay, kIntMin, kIntMax)
        .hidden_from_patterns(),
    integer("key-load-delay", &Config::key_load_delay, kIntMin, kIntMax).hidden_from_patterns(),
    integer("loading-process-events-interval-bytes", &Config::loading_process_events_interval_bytes,
            1024, kIntMax)
        .hidden_from_patterns(),
    // protocol and client limits
    memory("proto-max-bulk-len", &Config::proto_max_bulk_len, 1024 * 1024, kLongLongMax),
    memory("client-query-buffer-limit", &Config::client_query_buffer_limit, 1024 * 1024,
           kLongLongMax),
    special("client-output-buffer-limit", set_output_buffer_limits, get_output_buffer_limits),
    // observability
    integer("slowlog-log-slower-than", &Config::slowlog_log_slower_than_us, -1, kLongLongMax),
    integer("slowlog-max-len", &Config::slowlog_max_len, 0, kLongLongMax),
    yes_no("latency-tracking", &Config::latency_tracking),
    special("latency-tracking-info-percentiles", set_latency_percentiles, get_latency_percentiles),
    // LATENCY MONITOR's threshold, in milliseconds: stored, no effect yet
    integer("latency-monitor-threshold", &Config::latency_monitor_threshold_ms, 0, kLongLongMax),
    special("notify-keyspace-events", set_notify_keyspace_events,
            [](const Config& c) { return format_notify_flags(c.notify_keyspace_events); }),
};

}  // namespace

std::span<const Parameter> server_parameters() {
  return kServerParameters;
}

}  // namespace mini_redis::config
