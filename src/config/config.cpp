// The configuration parameter table: every setting the server has, and how
// each is read from text and written back as text.
//
// Every parameter is one row below: its name, whether it may change while the
// server runs, and two small functions that read it from text and write it
// back as text. CONFIG SET, CONFIG GET (config_commands.cpp), the config file
// and the command-line flags all go through these rows, so "hz 1000" is read
// the same way wherever it comes from, and fails with the same words.
//
// The rules for reading a value are Redis 7.0's (config.c), quirks included,
// because clients and scripts see them: integers are strict ("010" is not
// one), memory sizes take units (1k = 1000, 1kb = 1024, up to gb), yes/no and
// enumerations are case-insensitive, and multi-word values (save,
// client-output-buffer-limit) are split on single spaces, so a doubled space
// makes an empty word.
#include "config/config.h"

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <expected>
#include <filesystem>
#include <limits>
#include <span>

#include "common/ascii.h"
#include "common/glob.h"
#include "common/integer_parsing.h"
#include "config/config_parameters.h"
#include "config/config_values.h"
#include "config/notify_flags.h"

namespace mini_redis::config {

namespace {

using config_values::parse_like_strtoll;
using config_values::parse_memory;
using config_values::split_on_spaces;

constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();
constexpr std::int64_t kLongLongMax = std::numeric_limits<std::int64_t>::max();

template <typename Integer>
std::string to_text(Integer value) {
  std::array<char, 24> buffer{};
  auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

// A numeric parameter: its range, and whether it takes memory units.
struct NumberRule {
  std::int64_t min;
  std::int64_t max;
  bool memory_units = false;
};

std::expected<std::int64_t, std::string> read_number(std::string_view text, NumberRule rule) {
  std::int64_t value = 0;
  if (rule.memory_units) {
    auto bytes = parse_memory(text);
    if (!bytes) return std::unexpected("argument must be a memory value");
    // Redis keeps these in a long long, so 2^64-1 becomes -1 and fails the range.
    value = static_cast<std::int64_t>(*bytes);
  } else {
    auto number = parse_int64_strict(text);
    if (!number) return std::unexpected("argument couldn't be parsed into an integer");
    value = *number;
  }
  if (value < rule.min || value > rule.max) {
    return std::unexpected("argument must be between " + to_text(rule.min) + " and " +
                           to_text(rule.max) + " inclusive");
  }
  return value;
}

template <typename Field>
SetResult store_number(std::string_view text, NumberRule rule, Field& field) {
  auto value = read_number(text, rule);
  if (!value) return value.error();
  field = static_cast<Field>(*value);
  return std::nullopt;
}

// Paths and addresses are kept as given.
SetResult store_text(std::string_view text, std::string& field) {
  field = text;
  return std::nullopt;
}

// Enumerations keep Redis's spelling (lower case) whatever case was sent.
SetResult store_choice(std::string_view text, std::span<const std::string_view> choices,
                       std::string& field) {
  for (std::string_view choice : choices) {
    if (equals_ignore_case(text, choice)) {
      field = choice;
      return std::nullopt;
    }
  }
  std::string error = "argument(s) must be one of the following: ";
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) error += ", ";
    error += choices[i];
  }
  return error;
}

constexpr std::array<std::string_view, 2> kYesNo{"yes", "no"};
constexpr std::array<std::string_view, 4> kLogLevels{"debug", "verbose", "notice", "warning"};
constexpr std::array<std::string_view, 8> kEvictionPolicies{
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
    "allkeys-lru",  "allkeys-lfu",  "allkeys-random",  "noeviction"};

SetResult store_yes_no(std::string_view text, std::string& field) {
  if (store_choice(text, kYesNo, field)) return "argument must be 'yes' or 'no'";
  return std::nullopt;
}

// ---- the parameters that are more than one number -----------------------------

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

// maxclients: Redis refuses a number of clients the process could not hold
// open files for, keeping a reserve of 32 descriptors for its own use.
SetResult set_maxclients(Config& config, std::string_view value, bool at_startup) {
  auto clients = read_number(value, {1, std::numeric_limits<std::uint32_t>::max()});
  if (!clients) return clients.error();
  constexpr std::int64_t kReservedFds = 32;
  rlimit limit{};
  if (!at_startup && getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_max != RLIM_INFINITY &&
      *clients + kReservedFds > static_cast<std::int64_t>(limit.rlim_max)) {
    return "The operating system is not able to handle the specified number of clients, try with " +
           to_text(static_cast<std::int64_t>(limit.rlim_max) - kReservedFds);
  }
  config.maxclients = static_cast<int>(std::min(*clients, kIntMax));
  return std::nullopt;
}

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

// CONFIG GET dir shows an absolute path: Redis changes into the directory and
// reports getcwd(). We keep no files, so we only resolve the name.
std::string get_dir(const Config& config) {
  std::error_code error;
  std::filesystem::path path = std::filesystem::absolute(config.dir, error).lexically_normal();
  if (error) return config.dir;
  std::string text = path.string();
  if (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

// ---- the table ----------------------------------------------------------------

// Redis 7.0 lets CONFIG SET change port and bind (it re-binds its sockets). The
// listening sockets belong to server/, out of this layer's reach, so here
// they are start-up only and answer as Redis does for its immutable ones.
const std::array<Parameter, 25> kParameters{{
    {"bind", Changeable::at_startup_only,
     [](Config& c, std::string_view v, bool) { return store_text(v, c.bind); },
     [](const Config& c) { return c.bind; }},
    {"port", Changeable::at_startup_only,
     [](Config& c, std::string_view v, bool) {
       return store_number(v, {0, 65535}, c.port);
     },
     [](const Config& c) { return to_text(c.port); }},
    {"unixsocket", Changeable::at_startup_only,
     [](Config& c, std::string_view v, bool) { return store_text(v, c.unixsocket); },
     [](const Config& c) { return c.unixsocket; }},
    {"timeout", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) {
       return store_number(v, {0, kIntMax}, c.timeout_seconds);
     },
     [](const Config& c) { return to_text(c.timeout_seconds); }},
    {"tcp-keepalive", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) {
       return store_number(v, {0, kIntMax}, c.tcp_keepalive);
     },
     [](const Config& c) { return to_text(c.tcp_keepalive); }},
    {"maxclients", Changeable::at_runtime, set_maxclients,
     [](const Config& c) { return to_text(c.maxclients); }},
    {"databases", Changeable::at_startup_only,
     [](Config& c, std::string_view v, bool) {
       return store_number(v, {1, kIntMax}, c.databases);
     },
     [](const Config& c) { return to_text(c.databases); }},
    {"hz", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) -> SetResult {
       // Any int is accepted, then held to 1..500 (CONFIG_MIN_HZ, CONFIG_MAX_HZ).
       if (auto error = store_number(v, {0, kIntMax}, c.hz)) return error;
       c.hz = std::clamp(c.hz, 1, 500);
       return std::nullopt;
     },
     [](const Config& c) { return to_text(c.hz); }},
    {"loglevel", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) { return store_choice(v, kLogLevels, c.loglevel); },
     [](const Config& c) { return c.loglevel; }},
    {"logfile", Changeable::at_startup_only,
     [](Config& c, std::string_view v, bool) { return store_text(v, c.logfile); },
     [](const Config& c) { return c.logfile; }},
    {"dir", Changeable::protected_path,
     [](Config& c, std::string_view v, bool) { return store_text(v, c.dir); }, get_dir},
    {"proto-max-bulk-len", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) {
       return store_number(v, {1024 * 1024, kLongLongMax, true}, c.proto_max_bulk_len);
     },
     [](const Config& c) { return to_text(c.proto_max_bulk_len); }},
    {"client-query-buffer-limit", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) {
       return store_number(v, {1024 * 1024, kLongLongMax, true}, c.client_query_buffer_limit);
     },
     [](const Config& c) { return to_text(c.client_query_buffer_limit); }},
    {"client-output-buffer-limit", Changeable::at_runtime, set_output_buffer_limits,
     get_output_buffer_limits},
    {"maxmemory", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) -> SetResult {
       auto bytes = parse_memory(v);
       if (!bytes) return "argument must be a memory value";
       c.maxmemory = *bytes;
       return std::nullopt;
     },
     [](const Config& c) { return to_text(c.maxmemory); }},
    {"maxmemory-policy", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) {
       return store_choice(v, kEvictionPolicies, c.maxmemory_policy);
     },
     [](const Config& c) { return c.maxmemory_policy; }},
    {"lfu-log-factor", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) {
       return store_number(v, {0, kIntMax}, c.lfu_log_factor);
     },
     [](const Config& c) { return to_text(c.lfu_log_factor); }},
    {"lfu-decay-time", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) {
       return store_number(v, {0, kIntMax}, c.lfu_decay_time);
     },
     [](const Config& c) { return to_text(c.lfu_decay_time); }},
    {"slowlog-log-slower-than", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) {
       return store_number(v, {-1, kLongLongMax}, c.slowlog_log_slower_than_us);
     },
     [](const Config& c) { return to_text(c.slowlog_log_slower_than_us); }},
    {"slowlog-max-len", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) {
       return store_number(v, {0, kLongLongMax}, c.slowlog_max_len);
     },
     [](const Config& c) { return to_text(c.slowlog_max_len); }},
    {"latency-tracking", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) -> SetResult {
       std::string answer;
       if (auto error = store_yes_no(v, answer)) return error;
       c.latency_tracking = answer == "yes";
       return std::nullopt;
     },
     [](const Config& c) { return std::string(c.latency_tracking ? "yes" : "no"); }},
    {"latency-tracking-info-percentiles", Changeable::at_runtime, set_latency_percentiles,
     get_latency_percentiles},
    {"save", Changeable::at_runtime, set_save, [](const Config& c) { return c.save; }},
    {"appendonly", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) { return store_yes_no(v, c.appendonly); },
     [](const Config& c) { return c.appendonly; }},
    {"notify-keyspace-events", Changeable::at_runtime,
     [](Config& c, std::string_view v, bool) -> SetResult {
       auto flags = parse_notify_flags(v);
       if (!flags) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
       c.notify_keyspace_events = *flags;
       return std::nullopt;
     },
     [](const Config& c) { return format_notify_flags(c.notify_keyspace_events); }},
}};

}  // namespace

const Parameter* find_parameter(std::string_view name) {
  for (const Parameter& parameter : kParameters) {
    if (equals_ignore_case(parameter.name, name)) return &parameter;
  }
  return nullptr;
}

std::optional<std::string> set_config_value(Config& config, std::string_view name,
                                            std::string_view value, bool at_startup) {
  const Parameter* parameter = find_parameter(name);
  if (parameter == nullptr) return "Bad directive or wrong number of arguments";
  if (!at_startup && parameter->changeable == Changeable::at_startup_only)
    return "can't set immutable config";
  if (!at_startup && parameter->changeable == Changeable::protected_path)
    return "can't set protected config";
  return parameter->set(config, value, at_startup);
}

std::string format_percentile(double percentile) {
  // Redis prints "%f" and trims the trailing zeros (and a bare '.').
  std::array<char, 64> buffer{};
  const int length = std::snprintf(buffer.data(), buffer.size(), "%f", percentile);
  std::string text(buffer.data(), static_cast<std::size_t>(std::max(length, 0)));
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::vector<std::pair<std::string, std::string>> get_config_values(const Config& config,
                                                                   std::string_view pattern) {
  std::vector<std::pair<std::string, std::string>> found;
  for (const Parameter& parameter : kParameters) {
    // A plain name is looked up exactly (case-insensitive); only a pattern
    // with *, ? or [ is matched as a glob, as Redis's configGetCommand does.
    const bool match = is_glob(pattern) ? glob_match(pattern, parameter.name, /*nocase=*/true)
                                        : equals_ignore_case(pattern, parameter.name);
    if (match) found.emplace_back(parameter.name, parameter.get(config));
  }
  return found;
}

}  // namespace mini_redis::config
