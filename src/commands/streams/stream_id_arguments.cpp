// Stream IDs from command arguments. See stream_id_arguments.h.
#include "commands/streams/stream_id_arguments.h"

#include <cerrno>
#include <cstdlib>
#include <string>

#include "common/integer_parsing.h"

namespace mini_redis::commands {

namespace {

using types::StreamID;

// Redis's string2ull: a canonical int64 if it is one (and then it must not
// be negative), else whatever strtoull reads from the whole text. The
// fallback is what lets "18446744073709551615" (past int64) in, and with it
// strtoull's own leniency: leading blanks, a '+' sign, even " -1" (which
// wraps around). Both servers must agree on those, so we keep them.
bool parse_u64(std::string_view text, std::uint64_t& out) {
  if (const std::optional<std::int64_t> signed_value = parse_int64_strict(text)) {
    if (*signed_value < 0) return false;
    out = static_cast<std::uint64_t>(*signed_value);
    return true;
  }
  if (text.empty()) return false;
  const std::string copy(text);  // strtoull needs the terminating NUL
  char* end = nullptr;
  errno = 0;
  out = std::strtoull(copy.c_str(), &end, 10);
  return errno != EINVAL && errno != ERANGE && *end == '\0';
}

}  // namespace

std::optional<StreamID> parse_stream_id(std::string_view text, bool strict,
                                        std::uint64_t missing_seq, bool* seq_given) {
  if (seq_given != nullptr) *seq_given = true;
  // Redis copies the argument into a 128-byte buffer first: longer text is
  // invalid, whatever it says.
  if (text.size() > 127) return std::nullopt;
  if (!strict && text == "-") return StreamID::min();
  if (!strict && text == "+") return StreamID::max();
  StreamID id;
  const std::size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    if (!parse_u64(text, id.ms)) return std::nullopt;
    id.seq = missing_seq;
    return id;
  }
  if (!parse_u64(text.substr(0, dash), id.ms)) return std::nullopt;
  const std::string_view seq = text.substr(dash + 1);
  if (seq_given != nullptr && seq == "*") {
    *seq_given = false;
    id.seq = 0;
    return id;
  }
  if (!parse_u64(seq, id.seq)) return std::nullopt;
  return id;
}

std::optional<StreamID> stream_id_or_reply(Context& ctx, std::string_view text,
                                           std::uint64_t missing_seq) {
  std::optional<StreamID> id = parse_stream_id(text, false, missing_seq);
  if (!id) ctx.reply.error(kInvalidStreamID);
  return id;
}

std::optional<StreamID> strict_stream_id_or_reply(Context& ctx, std::string_view text,
                                                  std::uint64_t missing_seq, bool* seq_given) {
  std::optional<StreamID> id = parse_stream_id(text, true, missing_seq, seq_given);
  if (!id) ctx.reply.error(kInvalidStreamID);
  return id;
}

namespace {

// Redis's streamParseIntervalIDOrReply followed by the step past an
// exclusive bound that xrangeGenericCommand takes.
std::optional<StreamID> interval_bound(Context& ctx, std::string_view text, bool is_start) {
  const std::uint64_t missing_seq = is_start ? 0 : StreamID::max().seq;
  if (text.size() > 1 && text.front() == '(') {
    std::optional<StreamID> id = strict_stream_id_or_reply(ctx, text.substr(1), missing_seq);
    if (!id) return std::nullopt;
    StreamID moved;
    if (!(is_start ? id->next(moved) : id->previous(moved))) {
      ctx.reply.error(is_start ? kInvalidIntervalStart : kInvalidIntervalEnd);
      return std::nullopt;
    }
    return moved;
  }
  return stream_id_or_reply(ctx, text, missing_seq);
}

}  // namespace

std::optional<StreamID> interval_start_or_reply(Context& ctx, std::string_view text) {
  return interval_bound(ctx, text, true);
}

std::optional<StreamID> interval_end_or_reply(Context& ctx, std::string_view text) {
  return interval_bound(ctx, text, false);
}

}  // namespace mini_redis::commands
