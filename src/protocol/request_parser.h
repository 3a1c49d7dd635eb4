// RequestParser: turns the bytes a client sent into commands.
//
// A Redis client sends each command as a RESP array of bulk strings:
//
//     *2\r\n$3\r\nGET\r\n$3\r\nkey\r\n          ->  ["GET", "key"]
//
// or, when a person types into `nc` or telnet, as one "inline" line with
// shell-like quoting:    GET "my key"\r\n      ->  ["GET", "my key"]
//
// TCP delivers a byte stream, not messages: one read may hold half a command,
// or twenty commands (pipelining). So the parser is incremental: `parse` looks
// at the unconsumed bytes and answers "here is one command and how many bytes
// it used", "need more bytes", "nothing here (an empty request), skip N bytes",
// or "protocol error". It remembers how far it got inside a long request, so a
// 512 MB value arriving in 16 KB reads is scanned once, not once per read.
//
// Arguments are string_views into the caller's buffer: no copy is made. They
// stay valid until the caller discards or moves those bytes.
//
// This is the part of Redis's networking.c (processMultibulkBuffer,
// processInlineBuffer) that frames requests, with the same limits and the same
// error texts, which the connection sends before closing the socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mini_redis::protocol {

// Defaults are Redis 7.0's. All are configurable (CONFIG SET / redis.conf).
struct ProtocolLimits {
  // proto-max-bulk-len: the largest single argument.
  std::int64_t max_bulk_length = 512LL * 1024 * 1024;
  // A request line ("*3", "$5", or a whole inline command) longer than this
  // without a newline is rejected (PROTO_INLINE_MAX_SIZE).
  std::size_t max_inline_length = 64 * 1024;
  // Arrays may announce up to INT_MAX elements; *3000000000 is an error.
  std::int64_t max_multibulk_length = 2147483647;
};

enum class ParseStatus {
  command,     // one command is ready in args(); consumed() bytes were used
  empty,       // an empty request (blank line, "*0", "*-1"): skip consumed() bytes
  incomplete,  // need more bytes; keep the unconsumed bytes and call again
  error,       // protocol error: reply error_message() and close the connection
};

class RequestParser {
 public:
  explicit RequestParser(ProtocolLimits limits = {}) : limits_(limits) {}

  // Looks for one request at the start of `input`, which must begin where the
  // previous complete request ended. After `incomplete`, call again with the
  // same bytes plus whatever arrived since (the parser resumes where it was).
  ParseStatus parse(std::string_view input);

  // Valid after `command`: the command name followed by its arguments.
  [[nodiscard]] std::span<const std::string_view> args() const { return args_; }
  // Valid after `command` and `empty`: bytes of `input` that were used.
  [[nodiscard]] std::size_t consumed() const { return consumed_; }
  // Valid after `error`: the error line Redis sends, without "-" and CRLF,
  // e.g. "ERR Protocol error: invalid bulk length".
  [[nodiscard]] std::string_view error_message() const { return error_; }

  // How many more bytes the request in progress is known to need. A connection
  // uses it to size one read for a big bulk argument instead of many small ones.
  [[nodiscard]] std::size_t bytes_still_needed() const { return still_needed_; }

  void set_limits(const ProtocolLimits& limits) { limits_ = limits; }
  [[nodiscard]] const ProtocolLimits& limits() const { return limits_; }

 private:
  ParseStatus parse_multibulk(std::string_view input);
  ParseStatus parse_inline(std::string_view input);
  ParseStatus fail(std::string_view message);
  void reset_request();

  ProtocolLimits limits_;

  // --- the request in progress (multibulk) ---
  // Offsets are relative to the start of the request, so they stay valid when
  // the caller moves the unconsumed bytes to the front of its buffer.
  struct Span {
    std::size_t offset;
    std::size_t length;
  };
  bool in_multibulk_ = false;
  std::int64_t arguments_expected_ = 0;  // from "*<n>"
  std::size_t scan_position_ = 0;        // where to continue reading
  std::vector<Span> spans_;              // arguments framed so far
  std::int64_t bulk_length_ = -1;        // announced length of the next bulk, -1 if unknown

  // --- results ---
  std::vector<std::string_view> args_;
  std::string inline_storage_;  // unescaped inline arguments live here
  std::size_t consumed_ = 0;
  std::size_t still_needed_ = 0;
  std::string error_;
};

}  // namespace mini_redis::protocol
