// The cursor and options of the SCAN family: SCAN, HSCAN, SSCAN, ZSCAN,
// and the page loop the last three share.
//
// Redis reads them with one parser for the whole family (db.c,
// parseScanCursorOrReply and scanGenericCommand), so the same mistake gets
// the same answer whichever command made it:
//   - a cursor that strtoul would not read whole -> "ERR invalid cursor";
//   - an option word without its value, or unknown -> "ERR syntax error";
//   - COUNT not an integer -> "ERR value is not an integer or out of range",
//     COUNT below 1 -> "ERR syntax error" (not a range error).
// TYPE filters keys by type, so only SCAN knows it: HSCAN h 0 TYPE string is
// a syntax error. Each handler also shares the reply's first element, the
// next cursor as a bulk string.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/context.h"
#include "common/glob.h"

namespace mini_redis::commands {

// Redis reads the cursor with C's strtoul, and clients may rely on its quirks:
//   - a leading space is refused ("invalid cursor"), trailing bytes too;
//   - an optional '+' or '-' is allowed, and "-1" wraps to 2^64-1;
//   - the empty string reads as cursor 0;
//   - a value past 2^64-1 is refused.
std::optional<std::uint64_t> parse_scan_cursor(std::string_view text);

// parse_scan_cursor, replying "ERR invalid cursor" when it fails.
std::optional<std::uint64_t> scan_cursor_or_reply(Context& ctx, std::string_view text);

struct ScanOptions {
  std::optional<std::string_view> pattern;    // MATCH; nothing means "all"
  std::optional<std::string_view> type_name;  // TYPE (SCAN only)
  std::int64_t count = 10;                    // COUNT: how much work per call, >= 1
};

// What is being scanned: the keyspace (SCAN, which accepts TYPE) or the
// elements of one value (HSCAN, which does not).
enum class ScanOf : std::uint8_t { keyspace, value };

// Reads [MATCH pattern] [COUNT count] [TYPE type], each with its value, in
// any order, a repeated option winning last. Replies the error on failure.
std::optional<ScanOptions> parse_scan_options(Context& ctx, Arguments options, ScanOf what);

// How many table steps one call may take before it answers anyway: 10 *
// COUNT, so a sparse table cannot make one call run for ever (saturating
// instead of overflowing for a huge COUNT).
std::uint64_t scan_step_budget(std::int64_t count);

// Starts a SCAN-family reply: the two-element array and the next cursor as
// a bulk string (not an integer reply: it is unsigned and may not fit in
// RESP's signed 64 bits). The caller then writes the array of elements.
void reply_scan_cursor(Context& ctx, std::uint64_t cursor);

// One page of HSCAN, SSCAN or ZSCAN: the loop Redis's scanGenericCommand
// runs on a value. `value.scan(cursor, visit)` takes one table step and
// hands `visit` each element met: a member (SSCAN), or a field and its value,
// a member and its score (HSCAN, ZSCAN). The loop stops when the cursor
// comes back to 0, COUNT parts were visited, or the step budget is spent;
// then it replies the next cursor and the elements whose first part matches
// MATCH, every part of them. (A listpack-encoded value answers all of itself
// in one step, with cursor 0, as in Redis.)
template <class Value>
void reply_value_scan_page(Context& ctx, Value& value, std::uint64_t cursor,
                           const ScanOptions& options) {
  // Copies: a listpack integer is spelled into a buffer that lives for one
  // callback only. Most parts fit std::string's inline buffer.
  std::vector<std::string> parts;
  std::uint64_t visited = 0;  // parts visited, before MATCH (a pair counts 2)
  auto collect = [&](std::string_view name, auto... more) {
    visited += 1 + sizeof...(more);
    if (options.pattern && !glob_match(*options.pattern, name)) return;
    parts.emplace_back(name);
    (parts.emplace_back(more), ...);
  };
  const auto count = static_cast<std::uint64_t>(options.count);
  std::uint64_t steps_left = scan_step_budget(options.count);
  do {
    cursor = value.scan(cursor, collect);
  } while (cursor != 0 && steps_left-- > 0 && visited < count);

  reply_scan_cursor(ctx, cursor);
  ctx.reply.array_header(parts.size());
  for (const std::string& part : parts) ctx.reply.bulk_string(part);
}

}  // namespace mini_redis::commands
