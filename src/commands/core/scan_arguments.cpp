// The SCAN family's cursor and options; see scan_arguments.h.
#include "commands/core/scan_arguments.h"

#include <charconv>
#include <limits>

#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "common/ascii.h"

namespace mini_redis::commands {

std::optional<std::uint64_t> parse_scan_cursor(std::string_view text) {
  if (text.empty()) return 0;
  bool negative = false;
  if (text.front() == '+' || text.front() == '-') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  std::uint64_t magnitude = 0;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, magnitude);
  if (error != std::errc{} || stop != end) return std::nullopt;
  // Negation in unsigned arithmetic wraps, exactly as strtoul does.
  return negative ? 0 - magnitude : magnitude;
}

std::optional<std::uint64_t> scan_cursor_or_reply(Context& ctx, std::string_view text) {
  std::optional<std::uint64_t> cursor = parse_scan_cursor(text);
  if (!cursor) ctx.reply.error(errors::kInvalidCursor);
  return cursor;
}

std::optional<ScanOptions> parse_scan_options(Context& ctx, Arguments options, ScanOf what) {
  ScanOptions parsed;
  for (std::size_t i = 0; i < options.size(); i += 2) {
    const std::string_view option = options[i];
    if (i + 1 >= options.size()) {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
    const std::string_view value = options[i + 1];
    if (equals_ignore_case(option, "count")) {
      auto count = integer_or_reply(ctx, value);
      if (!count) return std::nullopt;
      // Redis answers a syntax error, not a range error, for COUNT 0 or less.
      if (*count < 1) {
        ctx.reply.error(errors::kSyntax);
        return std::nullopt;
      }
      parsed.count = *count;
    } else if (equals_ignore_case(option, "match")) {
      // MATCH * is the same as no pattern, and cheaper.
      parsed.pattern = value == "*" ? std::nullopt : std::optional(value);
    } else if (what == ScanOf::keyspace && equals_ignore_case(option, "type")) {
      parsed.type_name = value;
    } else {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
  }
  return parsed;
}

std::uint64_t scan_step_budget(std::int64_t count) {
  constexpr std::uint64_t kUnbounded = std::numeric_limits<std::uint64_t>::max();
  const auto wanted = static_cast<std::uint64_t>(count);
  return wanted > kUnbounded / 10 ? kUnbounded : wanted * 10;
}

void reply_scan_cursor(Context& ctx, std::uint64_t cursor) {
  char digits[std::numeric_limits<std::uint64_t>::digits10 + 1];  // 2^64-1 has 20 digits
  const char* end = std::to_chars(digits, digits + sizeof digits, cursor).ptr;
  ctx.reply.array_header(2);
  ctx.reply.bulk_string(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

}  // namespace mini_redis::commands
