// Workshop copy of src/protocol/request_parser.h, made by workshop/generate.py, to read:
// the workshop build uses it in place of the original. Nothing to write here.
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
//
// A request may announce up to INT_MAX arguments, and a client may send them
// forever without finishing ("*2147483647\r\n" then "$1\r\nx\r\n" ...). Two
// rules keep such a request from hurting the other clients:
//
//   - The table of arguments framed so far never moves. It was a vector
//     that doubled: near 100 M arguments each doubling copied gigabytes on the
//     event loop, a stall of seconds for everybody (bench/stalls). Now the
//     first kInlineArguments live in a small vector (what every ordinary
//     command uses, kept between requests: no allocation in the steady state)
//     and the rest in fixed blocks of kBlockArguments that are added, never
//     copied. Each read adds work in proportion to its bytes, nothing more.
//   - The table's memory is reported (pending_request_memory) so that the
//     connection counts it, with the query buffer, against
//     client-query-buffer-limit: a client that keeps sending arguments is
//     closed at the limit instead of taking the machine's memory.
//
// Before AUTH, when a password is required, Redis 7.0.15 allows at most 10
// arguments of at most 16 KiB each ("unauthenticated multibulk length" and
// "unauthenticated bulk length"), so that a stranger cannot make the server
// hold much for a connection that will be refused anyway.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
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

// Redis 7.0.15's limits for a client that has not authenticated yet when it
// must (networking.c, processMultibulkBuffer: "ll > 10", "ll > 16384").
inline constexpr std::int64_t kUnauthenticatedMaxArguments = 10;
inline constexpr std::int64_t kUnauthenticatedMaxBulkLength = 16384;

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

  // Valid after `incomplete`: the bulk argument whose bytes are being
  // awaited, if any: where its data starts in `input` and its announced
  // length (length 0 when the parser waits for anything else). A connection
  // may read a big one into memory of its own (supply_bulk).
  struct PendingBulk {
    std::size_t offset = 0;
    std::size_t length = 0;
  };
  [[nodiscard]] PendingBulk pending_bulk() const {
    if (!in_multibulk_ || bulk_length_ < 0) return {};
    return {scan_position_, static_cast<std::size_t>(bulk_length_)};
  }
  // The pending bulk's data (and its CRLF) will not come through `input`:
  // the caller cut `input` where the data started and reads the argument
  // elsewhere; `data` is it, and must stay valid until the command has run.
  // Parsing resumes at the cut with the bytes that follow the CRLF. This is
  // how a big argument is read without ever being in the query buffer
  // (Redis's PROTO_MBULK_BIG_ARG path; storage/string_block.h).
  void supply_bulk(std::string_view data);

  // Bytes the request in progress holds besides the input itself: its table
  // of arguments. Redis counts a command's argv in the client's memory; we
  // count this with the query buffer against client-query-buffer-limit.
  [[nodiscard]] std::size_t pending_request_memory() const {
    return blocks_.size() * kBlockArguments * sizeof(Span) +
           (in_multibulk_ ? first_spans_.capacity() * sizeof(Span) : 0);
  }

  // Redis's authRequired(c): the client must AUTH first, so the tighter
  // unauthenticated limits apply to the next request it starts.
  void set_unauthenticated(bool unauthenticated) { unauthenticated_ = unauthenticated; }

  void set_limits(const ProtocolLimits& limits) { limits_ = limits; }
  [[nodiscard]] const ProtocolLimits& limits() const { return limits_; }

 private:
  ParseStatus parse_multibulk(std::string_view input);
  ParseStatus parse_inline(std::string_view input);
  ParseStatus fail(std::string_view message);
  void reset_request();
  void add_span(std::size_t offset, std::size_t length);
  void collect_arguments(std::string_view input);

  ProtocolLimits limits_;
  bool unauthenticated_ = false;

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
  std::int64_t bulk_length_ = -1;        // announced length of the next bulk, -1 if unknown

  // The arguments framed so far: the first kInlineArguments in first_spans_,
  // the others in blocks of kBlockArguments (1 MiB each). Blocks are added as
  // arguments arrive and never reallocated, so no step copies the table.
  static constexpr std::size_t kInlineArguments = 64 * 1024;
  static constexpr std::size_t kBlockArguments = 64 * 1024;
  // first_spans_ grows by doubling up to kInlineArguments (at most 1 MiB
  // copied, ~0.1 ms); past this capacity it is given back after the request.
  static constexpr std::size_t kKeepInlineCapacity = 1024;
  std::size_t span_count_ = 0;
  std::vector<Span> first_spans_;
  std::vector<std::unique_ptr<Span[]>> blocks_;

  // Arguments supplied from outside the input (supply_bulk): their index
  // and bytes, patched into args_ when the command is complete.
  std::vector<std::pair<std::size_t, std::string_view>> supplied_;

  // --- results ---
  std::vector<std::string_view> args_;  // given back after a command of many arguments
  std::string inline_storage_;          // unescaped inline arguments live here
  std::size_t consumed_ = 0;
  std::size_t still_needed_ = 0;
  std::string error_;
};

}  // namespace mini_redis::protocol
