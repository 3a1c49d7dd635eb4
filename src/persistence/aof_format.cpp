#include "persistence/aof_format.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <sstream>

namespace mini_redis::persistence {

namespace {

template <class Words>
void append_words(std::string& out, const Words& argv) {
  out += '*';
  out += std::to_string(argv.size());
  out += "\r\n";
  for (const auto& word : argv) {
    out += '$';
    out += std::to_string(word.size());
    out += "\r\n";
    out.append(word.data(), word.size());
    out += "\r\n";
  }
}

// Redis refuses more arguments or longer ones than this while loading
// (its multibulk and bulk limits); a corrupt count must not allocate.
constexpr std::int64_t kMaxArguments = std::numeric_limits<std::int32_t>::max();

}  // namespace

void append_command(std::string& out, std::span<const std::string> argv) {
  append_words(out, argv);
}

void append_command(std::string& out, std::span<const std::string_view> argv) {
  append_words(out, argv);
}

AofCommandReader::Status AofCommandReader::next(std::vector<std::string_view>& argv) {
  argv.clear();
  std::size_t at = position_;
  // "#..." lines are annotations (aof-timestamp-enabled writes "#TS:<unix>").
  while (at < bytes_.size() && bytes_[at] == '#') {
    const std::size_t end = bytes_.find('\n', at);
    if (end == std::string_view::npos) return Status::truncated;
    at = end + 1;
    position_ = valid_up_to_ = at;
  }
  if (at == bytes_.size()) return Status::end;

  // Reads "<prefix><number>\r\n" at `at`; false if cut short or not a number.
  bool cut = false;
  auto number_line = [&](char prefix, std::int64_t& value) {
    if (at >= bytes_.size()) {
      cut = true;
      return false;
    }
    if (bytes_[at] != prefix) return false;
    const std::size_t end = bytes_.find("\r\n", at);
    if (end == std::string_view::npos) {
      cut = true;
      return false;
    }
    const char* first = bytes_.data() + at + 1;
    const char* last = bytes_.data() + end;
    const auto parsed = std::from_chars(first, last, value);
    if (parsed.ec != std::errc() || parsed.ptr != last) return false;
    at = end + 2;
    return true;
  };

  std::int64_t count = 0;
  if (!number_line('*', count)) return cut ? Status::truncated : Status::malformed;
  if (count < 1 || count > kMaxArguments) return Status::malformed;
  for (std::int64_t i = 0; i < count; ++i) {
    std::int64_t length = 0;
    if (!number_line('$', length)) return cut ? Status::truncated : Status::malformed;
    if (length < 0) return Status::malformed;
    // The bytes and their \r\n must be there; compare without overflowing.
    const std::size_t left = bytes_.size() - at;
    if (static_cast<std::uint64_t>(length) > left || left - static_cast<std::size_t>(length) < 2) {
      return Status::truncated;
    }
    const auto size = static_cast<std::size_t>(length);
    if (bytes_.substr(at + size, 2) != "\r\n") return Status::malformed;
    argv.push_back(bytes_.substr(at, size));
    at += size + 2;
  }
  position_ = valid_up_to_ = at;
  return Status::command;
}

const AofFileInfo* AofManifest::base() const {
  for (const AofFileInfo& file : files) {
    if (file.type == AofFileInfo::Type::base) return &file;
  }
  return nullptr;
}

std::vector<const AofFileInfo*> AofManifest::increments() const {
  std::vector<const AofFileInfo*> found;
  for (const AofFileInfo& file : files) {
    if (file.type == AofFileInfo::Type::incr) found.push_back(&file);
  }
  return found;
}

std::int64_t AofManifest::last_incr_sequence() const {
  std::int64_t last = 0;
  for (const AofFileInfo* file : increments()) last = std::max(last, file->sequence);
  return last;
}

std::int64_t AofManifest::base_sequence() const {
  const AofFileInfo* file = base();
  return file == nullptr ? 0 : file->sequence;
}

std::string format_manifest(const AofManifest& manifest) {
  // Redis writes the base, then the history files, then the increments.
  std::string text;
  for (const auto type :
       {AofFileInfo::Type::base, AofFileInfo::Type::history, AofFileInfo::Type::incr}) {
    for (const AofFileInfo& file : manifest.files) {
      if (file.type != type) continue;
      text += "file " + file.name + " seq " + std::to_string(file.sequence) + " type " +
              static_cast<char>(file.type) + "\n";
    }
  }
  return text;
}

std::expected<AofManifest, std::string> parse_manifest(std::string_view text) {
  AofManifest manifest;
  std::istringstream lines{std::string(text)};
  std::string line;
  int number = 0;
  bool has_base = false;
  while (std::getline(lines, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    // "key value" pairs in any order: file, seq, type (unknown keys are
    // skipped, as Redis does for forward compatibility).
    std::istringstream words(line);
    std::string key;
    std::string value;
    AofFileInfo info;
    bool has_name = false;
    bool has_sequence = false;
    bool has_type = false;
    while (words >> key >> value) {
      if (key == "file") {
        info.name = value;
        has_name = true;
      } else if (key == "seq") {
        const auto parsed = std::from_chars(value.data(), value.data() + value.size(), info.sequence);
        has_sequence = parsed.ec == std::errc() && parsed.ptr == value.data() + value.size() &&
                       info.sequence > 0;
      } else if (key == "type") {
        has_type = value.size() == 1 && (value[0] == 'b' || value[0] == 'h' || value[0] == 'i');
        if (has_type) info.type = static_cast<AofFileInfo::Type>(value[0]);
      }
    }
    if (!has_name || !has_sequence || !has_type || info.name.find('/') != std::string::npos) {
      return std::unexpected("Invalid AOF manifest file format (line " + std::to_string(number) + ")");
    }
    if (info.type == AofFileInfo::Type::base) {
      if (has_base) return std::unexpected(std::string("Found duplicate base file information"));
      has_base = true;
    }
    manifest.files.push_back(std::move(info));
  }
  return manifest;
}

std::string base_file_name(std::string_view appendfilename, std::int64_t sequence, bool rdb) {
  return std::string(appendfilename) + "." + std::to_string(sequence) + ".base" +
         (rdb ? ".rdb" : ".aof");
}

std::string incr_file_name(std::string_view appendfilename, std::int64_t sequence) {
  return std::string(appendfilename) + "." + std::to_string(sequence) + ".incr.aof";
}

std::string manifest_file_name(std::string_view appendfilename) {
  return std::string(appendfilename) + ".manifest";
}

}  // namespace mini_redis::persistence
