// Counting and searching bits over a range: BITCOUNT and BITPOS.
//
// Both take an optional range "start end", in bytes by default or in bits
// with the BIT option (Redis 7.0). Indexes work like GETRANGE's: negative
// ones count from the end (-1 is the last byte or bit), and out-of-range
// ones are clamped to the string rather than refused.
#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/bitmaps/bitmap_commands.h"
#include "commands/core/arguments.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/type_check.h"
#include "common/ascii.h"
#include "types/bitops.h"

namespace mini_redis::commands {

namespace {

namespace bitops = types::bitops;

// A range of whole bits, both ends included.
struct BitRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};

// BYTE or BIT: the unit of "start end". Anything else is a syntax error.
std::optional<bool> bit_unit_or_reply(Context& ctx, std::string_view word) {
  if (equals_ignore_case(word, "bit")) return true;
  if (equals_ignore_case(word, "byte")) return false;
  ctx.reply.error(errors::kSyntax);
  return std::nullopt;
}

// Turns "start end" (in bytes, or bits if `in_bits`) into the bits they
// cover in a string of `size` bytes, as Redis converts them: negatives
// count from the end, then both are clamped into the string. Nothing when
// the range is empty (start past end, or an empty string).
std::optional<BitRange> resolve_range(std::int64_t start, std::int64_t end, bool in_bits,
                                      std::size_t size) {
  const auto units = static_cast<std::int64_t>(in_bits ? size * 8 : size);
  if (start < 0) start += units;
  if (end < 0) end += units;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= units) end = units - 1;
  if (start > end) return std::nullopt;
  const auto first = static_cast<std::uint64_t>(start);
  const auto last = static_cast<std::uint64_t>(end);
  if (in_bits) return BitRange{first, last};
  return BitRange{first * 8, last * 8 + 7};
}

// BITCOUNT key [start end [BYTE|BIT]]: how many bits are set.
// Redis 7.0 looks the key up before it reads the range, so a missing key
// answers 0 even when the arguments are wrong (BITCOUNT nokey a b).
void bitcount_command(Context& ctx, Arguments args) {
  const storage::Entry* entry = ctx.db().lookup_for_read(args[1]);
  if (!check_type(ctx, entry, storage::ValueType::string)) return;
  if (entry == nullptr) {
    notify_key_miss(ctx, args[1]);
    ctx.reply.integer(0);
    return;
  }
  const std::string_view bytes = entry->value();
  if (args.size() == 2) {
    ctx.reply.integer(static_cast<std::int64_t>(bitops::count_set_bits(bytes)));
    return;
  }
  if (args.size() != 4 && args.size() != 5) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  const std::optional<std::int64_t> start = integer_or_reply(ctx, args[2]);
  if (!start) return;
  const std::optional<std::int64_t> end = integer_or_reply(ctx, args[3]);
  if (!end) return;
  bool in_bits = false;
  if (args.size() == 5) {
    const std::optional<bool> unit = bit_unit_or_reply(ctx, args[4]);
    if (!unit) return;
    in_bits = *unit;
  }
  // Both negative and reversed ("-1 -5"): 0 before any clamping, which
  // would otherwise turn it into a one-unit range (as in GETRANGE).
  if (*start < 0 && *end < 0 && *start > *end) {
    ctx.reply.integer(0);
    return;
  }
  const std::optional<BitRange> range = resolve_range(*start, *end, in_bits, bytes.size());
  ctx.reply.integer(
      range ? static_cast<std::int64_t>(bitops::count_set_bits(bytes, range->first, range->last))
            : 0);
}

// The bit BITPOS looks for: 0 or 1, with Redis's two different errors.
std::optional<bool> wanted_bit_or_reply(Context& ctx, std::string_view text) {
  const std::optional<std::int64_t> bit = integer_or_reply(ctx, text);
  if (!bit) return std::nullopt;
  if (*bit != 0 && *bit != 1) {
    ctx.reply.error("ERR The bit argument must be 1 or 0.");
    return std::nullopt;
  }
  return *bit == 1;
}

// BITPOS's range arguments, after the key was found: start, then the unit
// (checked before end, as Redis does), then end. Nothing after an error.
struct BitposRange {
  std::int64_t start = 0;
  std::int64_t end = -1;
  bool in_bits = false;
  bool end_given = false;
};
std::optional<BitposRange> bitpos_range_or_reply(Context& ctx, Arguments args) {
  BitposRange range;
  if (args.size() == 3) return range;  // the whole string
  if (args.size() > 6) {
    ctx.reply.error(errors::kSyntax);
    return std::nullopt;
  }
  const std::optional<std::int64_t> start = integer_or_reply(ctx, args[3]);
  if (!start) return std::nullopt;
  range.start = *start;
  if (args.size() == 6) {
    const std::optional<bool> unit = bit_unit_or_reply(ctx, args[5]);
    if (!unit) return std::nullopt;
    range.in_bits = *unit;
  }
  if (args.size() >= 5) {
    const std::optional<std::int64_t> end = integer_or_reply(ctx, args[4]);
    if (!end) return std::nullopt;
    range.end = *end;
    range.end_given = true;
  }
  return range;
}

// BITPOS key bit [start [end [BYTE|BIT]]]: the offset of the first bit
// equal to `bit`, counted from the start of the string (not of the range).
//
// A string is taken as followed by infinitely many zero bits, so:
//  - a missing key has its first 0 at offset 0 and no 1 (-1);
//  - looking for a 0 in a string of 0xff bytes finds the first bit after
//    the string, unless the client gave an end: then the range is exact
//    and the answer is -1;
//  - an empty range holds neither bit: -1.
void bitpos_command(Context& ctx, Arguments args) {
  const std::optional<bool> bit = wanted_bit_or_reply(ctx, args[2]);
  if (!bit) return;
  const storage::Entry* entry = ctx.db().lookup_for_read(args[1]);
  if (entry == nullptr) {
    notify_key_miss(ctx, args[1]);
    ctx.reply.integer(*bit ? -1 : 0);
    return;
  }
  if (!check_type(ctx, entry, storage::ValueType::string)) return;
  const std::optional<BitposRange> arguments = bitpos_range_or_reply(ctx, args);
  if (!arguments) return;

  const std::string_view bytes = entry->value();
  const std::int64_t end =
      arguments->end_given ? arguments->end : static_cast<std::int64_t>(bytes.size()) - 1;
  const std::optional<BitRange> range =
      resolve_range(arguments->start, end, arguments->in_bits, bytes.size());
  if (!range) {
    ctx.reply.integer(-1);
    return;
  }
  const std::optional<std::uint64_t> found =
      bitops::find_bit(bytes, *bit, range->first, range->last);
  if (found) {
    ctx.reply.integer(static_cast<std::int64_t>(*found));
  } else if (*bit || arguments->end_given) {
    ctx.reply.integer(-1);
  } else {
    ctx.reply.integer(static_cast<std::int64_t>(range->last + 1));  // the padding's first 0
  }
}

ArgumentSpec index_unit() {
  return arg::oneof("index_unit", {arg::pure_token("byte", "BYTE"), arg::pure_token("bit", "BIT")})
      .since("7.0.0")
      .optional();
}

}  // namespace

void register_bit_range_commands(CommandTable& table) {
  using namespace flags;
  table.add(
      {.name = "bitcount",
       .arity = -2,
       .flags = kReadonly,
       .first_key = 1,
       .last_key = 1,
       .key_step = 1,
       .handler = bitcount_command,
       .group = "bitmap",
       .summary = "Count set bits in a string",
       .since = "2.6.0",
       .complexity = "O(N)",
       .acl_categories = "@read @bitmap @slow",
       .key_specs = "RO access",
       .arguments = {arg::key("key", 0),
                     arg::block("index", {arg::integer("start"), arg::integer("end"), index_unit()})
                         .optional()},
       .history = {{"7.0.0", "Added the `BYTE|BIT` option."}}});
  table.add(
      {.name = "bitpos",
       .arity = -3,
       .flags = kReadonly,
       .first_key = 1,
       .last_key = 1,
       .key_step = 1,
       .handler = bitpos_command,
       .group = "bitmap",
       .summary = "Find first bit set or clear in a string",
       .since = "2.8.7",
       .complexity = "O(N)",
       .acl_categories = "@read @bitmap @slow",
       .key_specs = "RO access",
       .arguments = {arg::key("key", 0), arg::integer("bit"),
                     arg::block(
                         "index",
                         {arg::integer("start"),
                          arg::block("end_index", {arg::integer("end"), index_unit()}).optional()})
                         .optional()},
       .history = {{"7.0.0", "Added the `BYTE|BIT` option."}}});
}

}  // namespace mini_redis::commands
