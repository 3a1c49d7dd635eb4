#include "config/config_rewrite.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <map>
#include <utility>
#include <vector>

#include "common/ascii.h"
#include "common/quoted.h"
#include "common/split_arguments.h"
#include "config/config_parameters.h"
#include "config/config_values.h"

namespace mini_redis::config {

namespace {

// What one parameter puts in the file: its lines, and whether they go in
// even when the file never named it.
struct Written {
  std::vector<std::string> lines;
  bool force = false;
};

// The file as it is being rewritten: its lines, and for each parameter the
// lines that named it in the old file and have not been reused yet.
class RewriteState {
 public:
  explicit RewriteState(std::optional<std::string_view> old_text) {
    if (old_text) read(*old_text);
  }

  // Puts `line` in the place of the parameter's next old line; with no old
  // line left, appends it if `force`, else drops it (a default value the
  // file never mentioned).
  void put(const std::string& option, std::string line, bool force) {
    auto found = old_lines_.find(option);
    if (found != old_lines_.end() && !found->second.empty()) {
      lines_[found->second.front()] = std::move(line);
      found->second.pop_front();
      return;
    }
    if (!force) return;
    if (!has_signature_) {
      lines_.emplace_back(kRewriteSignature);
      has_signature_ = true;
    }
    lines_.push_back(std::move(line));
  }

  // Old lines of a parameter that now has fewer lines (or none) are blanked.
  std::string finish() {
    for (auto& [option, positions] : old_lines_) {
      for (std::size_t position : positions) lines_[position].clear();
    }
    std::string text;
    bool previous_blank = false;
    for (const std::string& line : lines_) {
      if (line.empty() && previous_blank) continue;  // runs of blanks become one
      previous_blank = line.empty();
      text += line;
      text += '\n';
    }
    return text;
  }

 private:
  void read(std::string_view text) {
    // Split on '\n' and keep the piece after the last one, so a file ending
    // in a newline gets a blank line before what is appended (as Redis). An
    // empty file has no lines at all.
    if (text.empty()) return;
    std::size_t start = 0;
    while (true) {
      const std::size_t end = text.find('\n', start);
      add_old_line(text.substr(start, end == std::string_view::npos ? end : end - start));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  }

  void add_old_line(std::string_view raw) {
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') {
      if (line == kRewriteSignature) has_signature_ = true;
      lines_.emplace_back(line);
      return;
    }
    auto words = split_arguments(line);
    std::optional<std::string> option;
    if (words && !words->empty()) option = canonical_name((*words)[0]);
    if (!option) {
      // Unparsable, or a parameter this server does not know.
      lines_.push_back("# ??? " + std::string(line));
      return;
    }
    lines_.emplace_back(line);
    // include and rename-command are kept as written, never rewritten.
    if (!option->empty()) old_lines_[*option].push_back(lines_.size() - 1);
  }

  // The parameter a line sets, under its current name; "" for the
  // directives kept verbatim; nullopt when unknown.
  static std::optional<std::string> canonical_name(std::string_view word) {
    if (equals_ignore_case(word, "include") || equals_ignore_case(word, "rename-command")) {
      return std::string();
    }
    if (equals_ignore_case(word, "user")) return std::string("user");
    const Parameter* entry = find_parameter(word);
    if (entry == nullptr) return std::nullopt;
    return std::string(entry->is_alias ? entry->alias : entry->name);
  }

  static std::string_view trim(std::string_view text) {
    constexpr std::string_view kSpace = " \t\r\n";
    const std::size_t first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
  }

  std::vector<std::string> lines_;
  std::map<std::string, std::deque<std::size_t>, std::less<>> old_lines_;
  bool has_signature_ = false;
};

std::string quoted(std::string_view text) {
  std::string out;
  append_quoted(out, text);
  return out;
}

// The value as redis.conf spells it, for the rows written on one line.
std::string value_for_file(const Parameter& row, const std::string& shown) {
  const bool sized =
      row.kind == Kind::number &&
      (row.number.units == Units::memory || row.number.units == Units::memory_or_percent);
  if (sized && !shown.ends_with('%')) {
    long long bytes = 0;
    const auto [end, error] = std::from_chars(shown.data(), shown.data() + shown.size(), bytes);
    if (error == std::errc() && end == shown.data() + shown.size()) {
      return format_memory_for_file(bytes);
    }
    return shown;  // past LLONG_MAX (maxmemory near 2^64): as shown
  }
  // Strings are quoted; bind's addresses are separate words, as in Redis.
  const bool string_value = (row.kind == Kind::text && row.name != "bind") ||
                            row.name == "dir" || row.name == "notify-keyspace-events";
  return string_value ? quoted(shown) : shown;
}

std::string limit_line(std::string_view class_name, const OutputBufferLimit& limit) {
  return "client-output-buffer-limit " + std::string(class_name) + ' ' +
         format_memory_for_file(static_cast<long long>(limit.hard_bytes)) + ' ' +
         format_memory_for_file(static_cast<long long>(limit.soft_bytes)) + ' ' +
         to_text(limit.soft_seconds);
}

bool same_limit(const OutputBufferLimit& a, const OutputBufferLimit& b) {
  return a.hard_bytes == b.hard_bytes && a.soft_bytes == b.soft_bytes &&
         a.soft_seconds == b.soft_seconds;
}

// One line per class, each forced only when that class differs from its
// default; the replica class under its current name (CONFIG GET says "slave").
void put_output_buffer_limits(RewriteState& state, const Config& live, const Config& defaults) {
  const std::pair<std::string_view, OutputBufferLimit Config::*> classes[] = {
      {"normal", &Config::output_limit_normal},
      {"replica", &Config::output_limit_replica},
      {"pubsub", &Config::output_limit_pubsub},
  };
  for (const auto& [name, field] : classes) {
    state.put("client-output-buffer-limit", limit_line(name, live.*field),
              !same_limit(live.*field, defaults.*field));
  }
}

Written lines_of(const Parameter& row, const Config& live, const Config& defaults) {
  const std::string shown = row.get(live);
  Written out;
  // Redis always writes save and dir; latency-tracking-info-percentiles
  // too, because its comparison with the default never finds them equal.
  out.force = row.name == "save" || row.name == "dir" ||
              row.name == "latency-tracking-info-percentiles" || shown != row.get(defaults);
  const std::string name(row.name);
  if (row.name == "save") {
    // One line per save point, or `save ""` when there are none.
    const std::vector<std::string_view> words = config_values::split_on_spaces(shown);
    if (shown.empty()) out.lines.push_back("save \"\"");
    for (std::size_t i = 0; i + 1 < words.size(); i += 2) {
      out.lines.push_back("save " + std::string(words[i]) + ' ' + std::string(words[i + 1]));
    }
  } else if (row.name == "replicaof") {
    if (!shown.empty()) out.lines.push_back(name + ' ' + shown);  // none: no line at all
  } else {
    out.lines.push_back(name + ' ' + value_for_file(row, shown));
  }
  return out;
}

}  // namespace

std::string format_memory_for_file(long long bytes) {
  constexpr long long kKb = 1024;
  constexpr long long kMb = kKb * 1024;
  constexpr long long kGb = kMb * 1024;
  if (bytes != 0 && bytes % kGb == 0) return to_text(bytes / kGb) + "gb";
  if (bytes != 0 && bytes % kMb == 0) return to_text(bytes / kMb) + "mb";
  if (bytes != 0 && bytes % kKb == 0) return to_text(bytes / kKb) + "kb";
  return to_text(bytes);
}

std::string rewrite_config_text(std::optional<std::string_view> old_text, const Config& live,
                                std::span<const std::string> users) {
  RewriteState state(old_text);
  const Config defaults;
  for (auto topic : {server_parameters(), data_parameters(), persistence_parameters(),
                     replication_parameters()}) {
    for (const Parameter& row : topic) {
      if (row.name == "client-output-buffer-limit") {
        put_output_buffer_limits(state, live, defaults);
        continue;
      }
      Written written = lines_of(row, live, defaults);
      for (std::string& line : written.lines) {
        state.put(std::string(row.name), std::move(line), written.force);
      }
    }
  }
  for (const std::string& user : users) state.put("user", user, /*force=*/true);
  return state.finish();
}

}  // namespace mini_redis::config
