// The cursor and options of the SCAN family: SCAN, HSCAN (and SSCAN, ZSCAN
// when sets and sorted sets come).
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
#include <string_view>

#include "commands/core/context.h"

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

}  // namespace mini_redis::commands
