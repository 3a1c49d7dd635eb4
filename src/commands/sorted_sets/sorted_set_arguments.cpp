// Reading scores, score ranges, lex ranges and ranks, as Redis 7.0 reads
// them (t_zset.c and util.c). Each reader has its own quirks, and clients
// see them, so they are kept:
//
//   ZADD's score (string2d)      strict: "1 " and " 1" are refused, "1e400"
//                                (overflow) and "1e-400" (underflow) too;
//   a range end (zslParseRange)  lenient: whatever strtod reads up to the
//                                end or to a NUL byte, so " 1", "" (= 0) and
//                                "1e400" (= inf) are fine; only NaN is not;
//   a lex end                    "-", "+", or '[' / '(' and the bytes after.
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "commands/core/errors.h"
#include "commands/sorted_sets/sorted_set_commands.h"

namespace mini_redis::commands {

namespace {

// What C's strtod makes of `text`: it needs a NUL-terminated string, so the
// bytes are copied, onto the stack when they are short (every real score).
struct StrtodResult {
  double value = 0;
  std::size_t consumed = 0;  // bytes strtod read
  bool range_error = false;  // errno was ERANGE
};

StrtodResult run_strtod(std::string_view text) {
  constexpr std::size_t kStackBytes = 128;
  std::array<char, kStackBytes> stack{};
  std::string heap;
  const char* start = nullptr;
  if (text.size() < kStackBytes) {
    if (!text.empty()) std::memcpy(stack.data(), text.data(), text.size());
    start = stack.data();  // zero-filled, so already terminated
  } else {
    heap.assign(text);
    start = heap.c_str();
  }
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(start, &end);
  return {value, static_cast<std::size_t>(end - start), errno == ERANGE};
}

// C's isspace in the "C" locale.
bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// One end of a score range: "(" makes it exclusive; the number must run to
// the end of the argument or to a NUL byte in it (strtod stops there, and
// Redis checks only that the next byte is a NUL).
bool parse_range_end(std::string_view text, double& value, bool& exclusive) {
  exclusive = !text.empty() && text[0] == '(';
  if (exclusive) text.remove_prefix(1);
  const StrtodResult parsed = run_strtod(text);
  if (parsed.consumed < text.size() && text[parsed.consumed] != '\0') return false;
  value = parsed.value;
  return !std::isnan(value);
}

// One end of a lex range (zslParseLexRangeItem). A lone "+" or "-" (or one
// followed by a NUL byte, which is where Redis's C string ends) is infinite.
bool parse_lex_end(std::string_view text, types::LexBound& bound) {
  using Kind = types::LexBound::Kind;
  if (text.empty()) return false;
  const bool alone = text.size() == 1 || text[1] == '\0';
  switch (text[0]) {
    case '+': bound = {Kind::plus_infinity, {}}; return alone;
    case '-': bound = {Kind::minus_infinity, {}}; return alone;
    case '(': bound = {Kind::exclusive, text.substr(1)}; return true;
    case '[': bound = {Kind::inclusive, text.substr(1)}; return true;
    default: return false;
  }
}

}  // namespace

std::optional<double> parse_score(std::string_view text) {
  if (text.empty() || is_c_space(text[0])) return std::nullopt;
  const StrtodResult parsed = run_strtod(text);
  if (parsed.consumed != text.size() || std::isnan(parsed.value)) return std::nullopt;
  // string2d refuses a value that overflowed to +-HUGE_VAL or underflowed to
  // zero, but accepts a denormal (ERANGE too, yet not zero): 1e-310 is fine.
  if (parsed.range_error &&
      (std::isinf(parsed.value) || std::fpclassify(parsed.value) == FP_ZERO)) {
    return std::nullopt;
  }
  return parsed.value;
}

std::optional<double> score_or_reply(Context& ctx, std::string_view text) {
  std::optional<double> score = parse_score(text);
  if (!score) ctx.reply.error(errors::kNotFloat);
  return score;
}

std::optional<types::ScoreRange> score_range_or_reply(Context& ctx, std::string_view min,
                                                      std::string_view max) {
  types::ScoreRange range;
  if (!parse_range_end(min, range.min, range.min_exclusive) ||
      !parse_range_end(max, range.max, range.max_exclusive)) {
    ctx.reply.error(zset_errors::kMinMaxNotFloat);
    return std::nullopt;
  }
  return range;
}

std::optional<types::LexRange> lex_range_or_reply(Context& ctx, std::string_view min,
                                                  std::string_view max) {
  types::LexRange range;
  if (!parse_lex_end(min, range.min) || !parse_lex_end(max, range.max)) {
    ctx.reply.error(zset_errors::kMinMaxNotLex);
    return std::nullopt;
  }
  return range;
}

types::RankInterval clamp_ranks(std::int64_t start, std::int64_t stop, std::size_t size) {
  const auto length = static_cast<std::int64_t>(size);
  if (start < 0) start += length;
  if (stop < 0) stop += length;
  if (start < 0) start = 0;
  if (start > stop || start >= length) return {};
  if (stop >= length) stop = length - 1;
  return {static_cast<std::size_t>(start), static_cast<std::size_t>(stop) + 1};
}

}  // namespace mini_redis::commands
