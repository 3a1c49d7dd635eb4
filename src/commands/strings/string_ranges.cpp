// Strings as byte arrays: APPEND, STRLEN, GETRANGE (and its old name SUBSTR),
// SETRANGE.
//
// A Redis string is binary-safe: any bytes, up to proto-max-bulk-len
// (512 MB by default). The two commands that can grow a string past what a
// client could send in one argument, APPEND and SETRANGE, check that limit
// themselves and answer "string exceeds maximum allowed size".
#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/core/arguments.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/type_check.h"
#include "commands/strings/string_commands.h"

namespace mini_redis::commands {

namespace {

// Would a string of `size + extra` bytes break proto-max-bulk-len? Written so
// that it cannot overflow, whatever offset the client sent (Redis 7.0's
// checkStringLength also guards against the wrap-around).
bool exceeds_max_size(const Context& ctx, std::uint64_t size, std::uint64_t extra) {
  const auto limit = static_cast<std::uint64_t>(ctx.config.proto_max_bulk_len);
  return size > limit || extra > limit - size;
}

// APPEND key value: the new length. A missing key is created with the value
// as SET would store it ("123" is even an integer); appending to an existing
// key leaves it "raw" (storage::Database::append does both).
void append_command(Context& ctx, Arguments args) {
  storage::Database& db = ctx.db();
  const std::string_view tail = args[2];
  const storage::Entry* existing = db.lookup_for_write(args[1]);
  if (!check_type(ctx, existing, storage::ValueType::string)) return;
  if (existing != nullptr) {
    if (exceeds_max_size(ctx, existing->value().size(), tail.size())) {
      ctx.reply.error(errors::kStringTooLong);
      return;
    }
  }
  const storage::Entry& entry = db.append(args[1], tail);
  notify_keyspace_event(ctx, notify::kString, "append", args[1]);
  ctx.reply.integer(static_cast<std::int64_t>(entry.value().size()));
}

// STRLEN key: 0 for a missing key.
void strlen_command(Context& ctx, Arguments args) {
  const storage::Entry* entry = ctx.db().lookup_for_read(args[1]);
  if (!check_type(ctx, entry, storage::ValueType::string)) return;
  if (entry == nullptr) notify_key_miss(ctx, args[1]);
  ctx.reply.integer(entry == nullptr ? 0 : static_cast<std::int64_t>(entry->value().size()));
}

// GETRANGE key start end: the bytes from start to end, both included.
// Negative indexes count from the end (-1 is the last byte). Out-of-range
// indexes are clamped rather than refused, and an empty range (or a missing
// key) answers an empty string, never null.
void getrange_command(Context& ctx, Arguments args) {
  std::optional<std::int64_t> start = integer_or_reply(ctx, args[2]);
  if (!start) return;
  std::optional<std::int64_t> end = integer_or_reply(ctx, args[3]);
  if (!end) return;

  const storage::Entry* entry = ctx.db().lookup_for_read(args[1]);
  if (!check_type(ctx, entry, storage::ValueType::string)) return;
  if (entry == nullptr) {
    notify_key_miss(ctx, args[1]);
    ctx.reply.bulk_string("");
    return;
  }
  const std::string_view value = entry->value();
  const auto length = static_cast<std::int64_t>(value.size());

  // Both negative and reversed ("-1 -5"): empty, before any clamping.
  if (*start < 0 && *end < 0 && *start > *end) {
    ctx.reply.bulk_string("");
    return;
  }
  std::int64_t first = *start < 0 ? length + *start : *start;
  std::int64_t last = *end < 0 ? length + *end : *end;
  // Clamping happens after the conversion, which gives Redis 7.0's odd but
  // documented answer: GETRANGE "Hello" 0 -100 is "H", not "" (the end is
  // clamped up to 0, the first byte).
  if (first < 0) first = 0;
  if (last < 0) last = 0;
  if (last >= length) last = length - 1;
  if (first > last || length == 0) {
    ctx.reply.bulk_string("");
    return;
  }
  ctx.reply.bulk_string(
      value.substr(static_cast<std::size_t>(first), static_cast<std::size_t>(last - first + 1)));
}

// SETRANGE key offset value: overwrites from `offset` on, padding with zero
// bytes when the string is shorter, and answers the new length. An empty
// value changes nothing (and creates nothing), so it is answered before the
// size check: SETRANGE k 9223372036854775807 "" is simply the length.
void setrange_command(Context& ctx, Arguments args) {
  std::optional<std::int64_t> offset = integer_or_reply(ctx, args[2]);
  if (!offset) return;
  if (*offset < 0) {
    ctx.reply.error(errors::kOffsetOutOfRange);
    return;
  }
  const std::string_view bytes = args[3];

  storage::Database& db = ctx.db();
  const storage::Entry* entry = db.lookup_for_write(args[1]);
  if (!check_type(ctx, entry, storage::ValueType::string)) return;
  if (bytes.empty()) {
    ctx.reply.integer(entry == nullptr ? 0 : static_cast<std::int64_t>(entry->value().size()));
    return;
  }
  if (exceeds_max_size(ctx, static_cast<std::uint64_t>(*offset), bytes.size())) {
    ctx.reply.error(errors::kStringTooLong);
    return;
  }
  const storage::Entry& changed = db.set_range(args[1], static_cast<std::size_t>(*offset), bytes);
  notify_keyspace_event(ctx, notify::kString, "setrange", args[1]);
  ctx.reply.integer(static_cast<std::int64_t>(changed.value().size()));
}

constexpr std::string_view kGetrangeComplexity =
    "O(N) where N is the length of the returned string. The complexity is ultimately "
    "determined by the returned length, but because creating a substring from an existing "
    "string is very cheap, it can be considered O(1) for small strings.";

}  // namespace

void register_string_range_commands(CommandTable& table) {
  using namespace flags;
  table.add({.name = "append",
             .arity = 3,
             .flags = kWrite | kDenyOom | kFast,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = append_command,
             .group = "string",
             .summary = "Append a value to a key",
             .since = "2.0.0",
             .complexity =
                 "O(1). The amortized time complexity is O(1) assuming the appended value is "
                 "small and the already present value is of any size, since the dynamic string "
                 "library used by Redis will double the free space available on every "
                 "reallocation.",
             .acl_categories = "@write @string @fast",
             .key_specs = "RW insert",
             .arguments = {arg::key("key", 0), arg::string("value")}});
  table.add({.name = "strlen",
             .arity = 2,
             .flags = kReadonly | kFast,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = strlen_command,
             .group = "string",
             .summary = "Get the length of the value stored in a key",
             .since = "2.2.0",
             .complexity = "O(1)",
             .acl_categories = "@read @string @fast",
             .key_specs = "RO",
             .arguments = {arg::key("key", 0)}});
  table.add({.name = "getrange",
             .arity = 4,
             .flags = kReadonly,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = getrange_command,
             .group = "string",
             .summary = "Get a substring of the string stored at a key",
             .since = "2.4.0",
             .complexity = kGetrangeComplexity,
             .acl_categories = "@read @string @slow",
             .key_specs = "RO access",
             .arguments = {arg::key("key", 0), arg::integer("start"), arg::integer("end")}});
  // SUBSTR is GETRANGE's name from Redis 1.0, kept for old clients.
  table.add({.name = "substr",
             .arity = 4,
             .flags = kReadonly,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = getrange_command,
             .group = "string",
             .summary = "Get a substring of the string stored at a key",
             .since = "1.0.0",
             .complexity = kGetrangeComplexity,
             .acl_categories = "@read @string @slow",
             .key_specs = "RO access",
             .arguments = {arg::key("key", 0), arg::integer("start"), arg::integer("end")},
             .deprecated_since = "2.0.0",
             .replaced_by = "`GETRANGE`"});
  table.add({.name = "setrange",
             .arity = 4,
             .flags = kWrite | kDenyOom,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = setrange_command,
             .group = "string",
             .summary = "Overwrite part of a string at key starting at the specified offset",
             .since = "2.2.0",
             .complexity =
                 "O(1), not counting the time taken to copy the new string in place. Usually, "
                 "this string is very small so the amortized complexity is O(1). Otherwise, "
                 "complexity is O(M) with M being the length of the value argument.",
             .acl_categories = "@write @string @slow",
             .key_specs = "RW update",
             .arguments = {arg::key("key", 0), arg::integer("offset"), arg::string("value")}});
}

}  // namespace mini_redis::commands
