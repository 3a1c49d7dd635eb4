// The append-only file's formats, as Redis 7.0 writes them: pure bytes.
//
// An AOF is commands in RESP, one after another, exactly as a client sends
// them ("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"), so replaying it is
// running those commands again. Redis 7 splits it into several files in the
// directory `appenddirname`, listed by a manifest:
//
//   appendonly.aof.1.base.rdb    the dataset at the last rewrite, as an RDB
//                                file (aof-use-rdb-preamble yes) or as commands
//   appendonly.aof.1.incr.aof    the commands since, in order
//   appendonly.aof.2.incr.aof    ...opened when a rewrite started
//   appendonly.aof.manifest      which files, in which order:
//
//     file appendonly.aof.1.base.rdb seq 1 type b
//     file appendonly.aof.1.incr.aof seq 1 type i
//
// Type b is the base, i an increment, h a file of the past that only waits
// to be deleted. Loading is: the base, then every incr file in order.
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mini_redis::persistence {

// Appends one command in RESP to `out`.
void append_command(std::string& out, std::span<const std::string> argv);
void append_command(std::string& out, std::span<const std::string_view> argv);

// Reads commands from AOF bytes, one at a time, never past the input.
class AofCommandReader {
 public:
  explicit AofCommandReader(std::string_view bytes) : bytes_(bytes) {}

  enum class Status { command, end, truncated, malformed };
  // The next command's words (views into the input) in `argv`. `end` at a
  // clean end of input; `truncated` when the input stops inside a command
  // (a crash mid-write: aof-load-truncated decides); `malformed` otherwise.
  Status next(std::vector<std::string_view>& argv);
  // Where the last complete command ended: what to keep when truncating.
  [[nodiscard]] std::size_t valid_up_to() const { return valid_up_to_; }

 private:
  std::string_view bytes_;
  std::size_t position_ = 0;
  std::size_t valid_up_to_ = 0;
};

// One line of the manifest.
struct AofFileInfo {
  enum class Type : char { base = 'b', history = 'h', incr = 'i' };
  std::string name;
  std::int64_t sequence = 0;
  Type type = Type::incr;
};

struct AofManifest {
  std::vector<AofFileInfo> files;  // the base (if any) first, then incr files in order

  [[nodiscard]] const AofFileInfo* base() const;
  [[nodiscard]] std::vector<const AofFileInfo*> increments() const;
  [[nodiscard]] std::int64_t last_incr_sequence() const;
  [[nodiscard]] std::int64_t base_sequence() const;
};

// The manifest's text, and back; an error names what is wrong with a line.
std::string format_manifest(const AofManifest& manifest);
std::expected<AofManifest, std::string> parse_manifest(std::string_view text);

// The file names Redis 7.0 gives (aofGetNewBaseFileName and friends).
std::string base_file_name(std::string_view appendfilename, std::int64_t sequence, bool rdb);
std::string incr_file_name(std::string_view appendfilename, std::int64_t sequence);
std::string manifest_file_name(std::string_view appendfilename);

}  // namespace mini_redis::persistence
