// Single bits and whole-bitmap operations: SETBIT, GETBIT, BITOP.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/bitmaps/bitmap_commands.h"
#include "commands/core/arguments.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/server_delete.h"
#include "commands/core/type_check.h"
#include "common/ascii.h"
#include "common/integer_parsing.h"
#include "types/bitops.h"

namespace mini_redis::commands {

namespace bitops = types::bitops;

std::optional<std::uint64_t> bit_offset_or_reply(Context& ctx, std::string_view text,
                                                 unsigned field_bits) {
  const bool nth_field = field_bits > 0 && !text.empty() && text[0] == '#';
  if (nth_field) text.remove_prefix(1);
  std::optional<std::int64_t> offset = parse_int64_strict(text);
  if (offset && nth_field) {
    // Redis multiplies without an overflow check; a huge "#N" wraps around
    // (here in unsigned arithmetic, where wrapping is defined) and then
    // usually fails the range check below, as it does there.
    offset = static_cast<std::int64_t>(static_cast<std::uint64_t>(*offset) * field_bits);
  }
  // The byte the bit lives in must be a byte a string may have.
  if (!offset || *offset < 0 || (*offset >> 3) >= ctx.config.proto_max_bulk_len) {
    ctx.reply.error(errors::kBitOffset);
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(*offset);
}

namespace {

// SETBIT key offset value: sets or clears one bit and answers what it was.
// A missing key is created, a short string grown with zero bytes.
void setbit_command(Context& ctx, Arguments args) {
  const std::optional<std::uint64_t> offset = bit_offset_or_reply(ctx, args[2]);
  if (!offset) return;
  const std::optional<std::int64_t> value = integer_or_reply(ctx, args[3], errors::kBitValue);
  if (!value) return;
  if (*value != 0 && *value != 1) {
    ctx.reply.error(errors::kBitValue);
    return;
  }

  storage::Database& db = ctx.db();
  const storage::Entry* entry = db.lookup_for_write(args[1]);
  if (!check_type(ctx, entry, storage::ValueType::string)) return;
  const std::uint64_t byte = bitops::byte_of(*offset);
  const bool grows = entry == nullptr || entry->value().size() <= byte;
  std::span<char> bytes = db.writable_string(args[1], static_cast<std::size_t>(byte + 1));
  char& target = bytes[static_cast<std::size_t>(byte)];
  const bool was_set = (target & bitops::mask_of(*offset)) != 0;
  // Redis 7.0 counts a change (notification, WATCH, replication) only when
  // the string was created or grew, or the bit really flipped: SETBIT k 0 1
  // twice notifies once.
  if (grows || was_set != (*value == 1)) {
    target = static_cast<char>(*value == 1 ? target | bitops::mask_of(*offset)
                                           : target & ~bitops::mask_of(*offset));
    notify_keyspace_event(ctx, notify::kString, "setbit", args[1]);
  }
  ctx.reply.integer(was_set ? 1 : 0);
}

// GETBIT key offset: 0 past the end of the string, and for a missing key.
void getbit_command(Context& ctx, Arguments args) {
  const std::optional<std::uint64_t> offset = bit_offset_or_reply(ctx, args[2]);
  if (!offset) return;
  const storage::Entry* entry = ctx.db().lookup_for_read(args[1]);
  if (!check_type(ctx, entry, storage::ValueType::string)) return;
  if (entry == nullptr) {
    notify_key_miss(ctx, args[1]);
    ctx.reply.integer(0);
    return;
  }
  ctx.reply.integer(bitops::get_bit(entry->value(), *offset) ? 1 : 0);
}

std::optional<bitops::BitOperation> parse_operation(std::string_view name) {
  if (equals_ignore_case(name, "and")) return bitops::BitOperation::bit_and;
  if (equals_ignore_case(name, "or")) return bitops::BitOperation::bit_or;
  if (equals_ignore_case(name, "xor")) return bitops::BitOperation::bit_xor;
  if (equals_ignore_case(name, "not")) return bitops::BitOperation::bit_not;
  return std::nullopt;
}

// BITOP AND|OR|XOR|NOT destkey key [key ...]: combines the source strings
// byte by byte into destkey and answers its length, the longest source's.
// Missing sources are empty strings. If every source is empty, destkey is
// deleted rather than set to "" (Redis never stores an empty result).
void bitop_command(Context& ctx, Arguments args) {
  const std::optional<bitops::BitOperation> operation = parse_operation(args[1]);
  if (!operation) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  if (*operation == bitops::BitOperation::bit_not && args.size() != 4) {
    ctx.reply.error("ERR BITOP NOT must be called with a single source key.");
    return;
  }

  storage::Database& db = ctx.db();
  // Views into the source entries: reading more keys (which may expire
  // others) never moves an entry that is still there.
  std::vector<std::string_view> sources;
  sources.reserve(args.size() - 3);
  std::size_t longest = 0;
  for (std::string_view key : args.subspan(3)) {
    const storage::Entry* entry = db.lookup_for_read(key);
    if (entry == nullptr) notify_key_miss(ctx, key);
    if (!check_type(ctx, entry, storage::ValueType::string)) return;
    sources.push_back(entry == nullptr ? std::string_view() : entry->value());
    longest = std::max(longest, sources.back().size());
  }

  const std::string_view destination = args[2];
  if (longest == 0) {
    if (delete_by_server(ctx, destination))
      notify_keyspace_event(ctx, notify::kGeneric, "del", destination);
  } else {
    // Computed aside first: the destination may be one of the sources.
    std::string result(longest, '\0');
    bitops::combine(*operation, sources, result);
    // Like SET: any old value and its TTL go. Redis stores the result
    // unencoded, so OBJECT ENCODING says "raw" even for "1".
    db.set(destination, result, storage::Encoding::raw);
    notify_keyspace_event(ctx, notify::kString, "set", destination);
  }
  ctx.reply.integer(static_cast<std::int64_t>(longest));
}

}  // namespace

void register_bitmap_commands(CommandTable& table) {
  register_bit_commands(table);
  register_bit_range_commands(table);
  register_bitfield_commands(table);
}

void register_bit_commands(CommandTable& table) {
  using namespace flags;
  table.add({.name = "setbit",
             .arity = 4,
             .flags = kWrite | kDenyOom,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = setbit_command,
             .group = "bitmap",
             .summary = "Sets or clears the bit at offset in the string value stored at key",
             .since = "2.2.0",
             .complexity = "O(1)",
             .acl_categories = "@write @bitmap @slow",
             .key_specs = "RW access update",
             .arguments = {arg::key("key", 0), arg::integer("offset"), arg::integer("value")}});
  table.add({.name = "getbit",
             .arity = 3,
             .flags = kReadonly | kFast,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = getbit_command,
             .group = "bitmap",
             .summary = "Returns the bit value at offset in the string value stored at key",
             .since = "2.2.0",
             .complexity = "O(1)",
             .acl_categories = "@read @bitmap @fast",
             .key_specs = "RO access",
             .arguments = {arg::key("key", 0), arg::integer("offset")}});
  table.add({.name = "bitop",
             .arity = -4,
             .flags = kWrite | kDenyOom,
             .first_key = 2,
             .last_key = -1,
             .key_step = 1,
             .handler = bitop_command,
             .group = "bitmap",
             .summary = "Perform bitwise operations between strings",
             .since = "2.6.0",
             .complexity = "O(N)",
             .acl_categories = "@write @bitmap @slow",
             .key_specs = "OW update|RO access",
             .arguments = {arg::string("operation"), arg::key("destkey", 0),
                           arg::key("key", 1).multiple()}});
}

}  // namespace mini_redis::commands
