// A libFuzzer target for protocol::RequestParser.
//
// libFuzzer calls LLVMFuzzerTestOneInput millions of times with inputs it
// mutates to reach new code. Here each input is a request stream that a
// client could send, delivered the way TCP may deliver it: cut into three
// reads at points the fuzzer chooses. The target plays the connection's part
// (parse, consume, keep the rest, read more) and checks what must always hold:
//
//   - the parser never reads outside the bytes it was given (AddressSanitizer);
//   - `consumed()` is never zero and never more than the unconsumed bytes,
//     so a connection always makes progress and never skips data it lacks;
//   - every argument of a RESP array lies inside the bytes consumed for it;
//   - an error is a "Protocol error" line, as Redis sends before closing;
//   - how the bytes were split does not change the commands that come out
//     (except for the "too big" limits, which Redis also checks per read).
//
// Input layout:   [mode][split 1][split 2][request bytes...]
//   mode bit 0:   tiny limits (bulk 64 B, line 32 B, array 16), so the limit
//                 branches are reached with short inputs.
//   split 1, 2:   where the reads are cut, as a fraction of the request bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/request_parser.h"

namespace {

using mini_redis::protocol::ParseStatus;
using mini_redis::protocol::ProtocolLimits;
using mini_redis::protocol::RequestParser;

// Stops the run with a message; libFuzzer records the input that caused it.
void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

// What a connection saw, one entry per parse result, in order.
struct Outcome {
  std::vector<std::string> entries;
  bool hit_size_limit = false;  // a "too big" error, which depends on read sizes
};

bool is_size_limit_error(std::string_view message) {
  return message.find("too big") != std::string_view::npos;
}

// Feeds `chunks` to a parser the way a connection does: after each read,
// parse as many requests as the buffer holds, drop what was consumed, keep
// the rest at the front of the buffer for the next read.
Outcome run_connection(const std::vector<std::string_view>& chunks, const ProtocolLimits& limits) {
  RequestParser parser(limits);
  Outcome outcome;
  std::string buffer;
  std::size_t total_bytes = 0;
  for (std::string_view chunk : chunks) total_bytes += chunk.size();
  // Every command or empty request consumes at least one byte.
  std::size_t budget = total_bytes + chunks.size() + 1;

  for (std::string_view chunk : chunks) {
    buffer.append(chunk);
    std::size_t position = 0;
    while (true) {
      check(budget-- > 0, "parser made no progress");
      std::string_view unconsumed = std::string_view(buffer).substr(position);
      ParseStatus status = parser.parse(unconsumed);

      if (status == ParseStatus::incomplete) break;

      if (status == ParseStatus::error) {
        std::string_view message = parser.error_message();
        check(message.starts_with("ERR Protocol error: "), "error is not a protocol error");
        outcome.entries.push_back("error " + std::string(message));
        outcome.hit_size_limit = is_size_limit_error(message);
        return outcome;  // the connection is closed
      }

      std::size_t used = parser.consumed();
      check(used > 0, "consumed() is zero");
      check(used <= unconsumed.size(), "consumed() beyond the input");

      if (status == ParseStatus::empty) {
        outcome.entries.push_back("empty");
      } else {
        check(status == ParseStatus::command, "unknown status");
        auto args = parser.args();
        check(!args.empty(), "a command without a name");
        std::string entry = "command";
        const bool multibulk = unconsumed.front() == '*';
        for (std::string_view arg : args) {
          if (multibulk) {
            // Views straight into the request bytes, no copy.
            check(arg.data() >= unconsumed.data() &&
                      arg.data() + arg.size() <= unconsumed.data() + used,
                  "argument outside its request");
          }
          entry += ' ';
          entry += std::to_string(arg.size());
          entry += ':';
          entry.append(arg);  // reads every byte: ASan checks they are valid
        }
        outcome.entries.push_back(std::move(entry));
      }
      position += used;
    }
    // Like a connection, move the unconsumed tail to the front before reading more.
    buffer.erase(0, position);
  }
  outcome.entries.push_back("incomplete " + std::to_string(buffer.size()));
  return outcome;
}

// The entries before the first error (or the final "incomplete").
std::vector<std::string> commands_before_the_end(const Outcome& outcome) {
  return {outcome.entries.begin(), outcome.entries.end() - 1};
}

bool is_prefix(const std::vector<std::string>& shorter, const std::vector<std::string>& longer) {
  if (shorter.size() > longer.size()) return false;
  for (std::size_t i = 0; i < shorter.size(); ++i) {
    if (shorter[i] != longer[i]) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const bool tiny_limits = (data[0] & 1) != 0;
  std::string_view request(reinterpret_cast<const char*>(data) + 3, size - 3);

  ProtocolLimits limits;
  if (tiny_limits) {
    limits.max_bulk_length = 64;
    limits.max_inline_length = 32;
    limits.max_multibulk_length = 16;
  }

  std::size_t first = request.size() * data[1] / 255;
  std::size_t second = request.size() * data[2] / 255;
  if (first > second) std::swap(first, second);
  std::vector<std::string_view> split = {
      request.substr(0, first), request.substr(first, second - first), request.substr(second)};

  Outcome whole = run_connection({request}, limits);
  Outcome pieces = run_connection(split, limits);

  if (!whole.hit_size_limit && !pieces.hit_size_limit) {
    check(whole.entries == pieces.entries, "the split changed the parse");
  } else {
    // A size limit fires on what one read delivered; before it, both agree.
    auto a = commands_before_the_end(whole);
    auto b = commands_before_the_end(pieces);
    check(is_prefix(a, b) || is_prefix(b, a), "the split changed the parse before a limit");
  }
  return 0;
}
