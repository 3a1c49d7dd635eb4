// BITFIELD and BITFIELD_RO: integers of any width from 1 to 64 bits, packed
// at any bit offset of a string.
//
//   BITFIELD key [GET type offset] [SET type offset value]
//                [INCRBY type offset increment] [OVERFLOW WRAP|SAT|FAIL] ...
//
// A type is "i" (signed) or "u" (unsigned) and a width: i1..i64, u1..u63.
// An offset is a bit offset, or "#N" for the N-th field of the type's width
// (#2 of u8 is bit 16). The reply has one element per GET/SET/INCRBY, in
// order: GET answers the field, SET the value it had before, INCRBY the new
// value. OVERFLOW changes what the SET and INCRBY *after it* do with a
// result that does not fit: WRAP around (the default), SATurate at the
// limit, or FAIL (nothing written, a null in the reply).
//
// As Redis does, the whole command is parsed before anything runs, so a bad
// argument late in the list fails the command with nothing written; and a
// command that writes at all first grows the string to cover its farthest
// write, even if every write then FAILs.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

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

constexpr std::string_view kInvalidType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";

enum class FieldOp { get, set, incrby };

// One GET, SET or INCRBY, parsed; `overflow` is the OVERFLOW in force when
// it was read.
struct FieldStep {
  FieldOp op = FieldOp::get;
  bitops::FieldType type;
  std::uint64_t offset = 0;
  std::int64_t value = 0;  // SET's value or INCRBY's increment
  bitops::Overflow overflow = bitops::Overflow::wrap;
};

// OVERFLOW's argument.
std::optional<bitops::Overflow> parse_overflow(std::string_view word) {
  if (equals_ignore_case(word, "wrap")) return bitops::Overflow::wrap;
  if (equals_ignore_case(word, "sat")) return bitops::Overflow::saturate;
  if (equals_ignore_case(word, "fail")) return bitops::Overflow::fail;
  return std::nullopt;
}

// The subcommand at args[i], if it has enough arguments after it (GET
// needs 2, SET and INCRBY 3); a missing argument is a syntax error, as an
// unknown word is.
std::optional<FieldOp> parse_field_op(Arguments args, std::size_t i) {
  const std::size_t left = args.size() - i - 1;
  if (equals_ignore_case(args[i], "get") && left >= 2) return FieldOp::get;
  if (equals_ignore_case(args[i], "set") && left >= 3) return FieldOp::set;
  if (equals_ignore_case(args[i], "incrby") && left >= 3) return FieldOp::incrby;
  return std::nullopt;
}

// Reads every subcommand into `steps`; false once an error was replied.
bool parse_steps(Context& ctx, Arguments args, std::vector<FieldStep>& steps) {
  bitops::Overflow overflow = bitops::Overflow::wrap;
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (equals_ignore_case(args[i], "overflow") && i + 1 < args.size()) {
      const std::optional<bitops::Overflow> chosen = parse_overflow(args[++i]);
      if (!chosen) {
        ctx.reply.error("ERR Invalid OVERFLOW type specified");
        return false;
      }
      overflow = *chosen;
      continue;
    }
    const std::optional<FieldOp> op = parse_field_op(args, i);
    if (!op) {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
    const std::optional<bitops::FieldType> type = bitops::parse_field_type(args[i + 1]);
    if (!type) {
      ctx.reply.error(kInvalidType);
      return false;
    }
    const std::optional<std::uint64_t> offset = bit_offset_or_reply(ctx, args[i + 2], type->bits);
    if (!offset) return false;
    FieldStep step{.op = *op, .type = *type, .offset = *offset, .overflow = overflow};
    if (*op != FieldOp::get) {
      const std::optional<std::int64_t> value = integer_or_reply(ctx, args[i + 3]);
      if (!value) return false;
      step.value = *value;
    }
    steps.push_back(step);
    i += *op == FieldOp::get ? 2 : 3;
  }
  return true;
}

// GET: the field, read as its type says.
std::int64_t read_step(std::string_view bytes, const FieldStep& step) {
  if (step.type.is_signed) return bitops::read_signed_field(bytes, step.offset, step.type.bits);
  return static_cast<std::int64_t>(bitops::read_field(bytes, step.offset, step.type.bits));
}

// What a SET or INCRBY did: nothing (FAIL), wrote the value the field
// already had, or changed it.
enum class WriteOutcome { failed, same_value, changed };

// SET or INCRBY on `bytes`, which already cover the field. Replies with the
// old value (SET), the new one (INCRBY) or null (FAIL).
WriteOutcome write_step(Context& ctx, std::span<char> bytes, const FieldStep& step) {
  const std::string_view current(bytes.data(), bytes.size());
  const std::int64_t old_value = read_step(current, step);
  const std::int64_t increment = step.op == FieldOp::incrby ? step.value : 0;
  const std::int64_t base = step.op == FieldOp::incrby ? old_value : step.value;
  std::optional<std::int64_t> stored;
  if (step.type.is_signed) {
    stored = bitops::fit_signed(base, increment, step.type.bits, step.overflow);
  } else {
    const std::optional<std::uint64_t> fitted = bitops::fit_unsigned(
        static_cast<std::uint64_t>(base), increment, step.type.bits, step.overflow);
    if (fitted) stored = static_cast<std::int64_t>(*fitted);  // u63 at most: fits
  }
  if (!stored) {
    ctx.reply.null();
    return WriteOutcome::failed;
  }
  ctx.reply.integer(step.op == FieldOp::set ? old_value : *stored);
  bitops::write_field(bytes, step.offset, step.type.bits, static_cast<std::uint64_t>(*stored));
  return *stored == old_value ? WriteOutcome::same_value : WriteOutcome::changed;
}

// Only GETs: a missing key reads as zeros, and nothing is created.
void run_reads(Context& ctx, Arguments args, const std::vector<FieldStep>& steps) {
  const storage::Entry* entry = ctx.db().lookup_for_read(args[1]);
  if (!check_type(ctx, entry, storage::ValueType::string)) return;
  if (entry == nullptr) notify_key_miss(ctx, args[1]);
  const std::string_view bytes = entry == nullptr ? std::string_view() : entry->value();
  ctx.reply.array_header(steps.size());
  for (const FieldStep& step : steps) ctx.reply.integer(read_step(bytes, step));
}

// At least one SET or INCRBY: grow the string to the farthest bit written,
// then run every step in order (a GET sees the writes before it).
void run_writes(Context& ctx, Arguments args, const std::vector<FieldStep>& steps) {
  storage::Database& db = ctx.db();
  const storage::Entry* entry = db.lookup_for_write(args[1]);
  if (!check_type(ctx, entry, storage::ValueType::string)) return;
  std::uint64_t farthest_bit = 0;
  for (const FieldStep& step : steps) {
    if (step.op != FieldOp::get) {
      farthest_bit = std::max(farthest_bit, step.offset + step.type.bits - 1);
    }
  }
  const auto size = static_cast<std::size_t>(bitops::byte_of(farthest_bit) + 1);
  const bool grows = entry == nullptr || entry->value().size() < size;
  std::span<char> bytes = db.writable_string(args[1], size);
  ctx.reply.array_header(steps.size());
  bool changed = false;
  for (const FieldStep& step : steps) {
    if (step.op == FieldOp::get) {
      ctx.reply.integer(read_step(std::string_view(bytes.data(), bytes.size()), step));
      continue;
    }
    // Redis 7.0 counts a write as a change when it changed the field, or
    // when the string was created or grew (and the write did not FAIL).
    const WriteOutcome outcome = write_step(ctx, bytes, step);
    if (outcome == WriteOutcome::changed || (grows && outcome == WriteOutcome::same_value)) {
      changed = true;
    }
  }
  // One event for the whole command, and only if something changed.
  if (changed) notify_keyspace_event(ctx, notify::kString, "setbit", args[1]);
}

bool has_writes(const std::vector<FieldStep>& steps) {
  return std::any_of(steps.begin(), steps.end(),
                     [](const FieldStep& step) { return step.op != FieldOp::get; });
}

void bitfield_command(Context& ctx, Arguments args) {
  std::vector<FieldStep> steps;
  if (!parse_steps(ctx, args, steps)) return;
  if (has_writes(steps)) {
    run_writes(ctx, args, steps);
  } else {
    run_reads(ctx, args, steps);
  }
}

// BITFIELD_RO: the same parsing (so the same errors for a bad type or
// offset), then refuses any SET or INCRBY. It exists so that replicas and
// read-only ACL users can run the GET form.
void bitfield_ro_command(Context& ctx, Arguments args) {
  std::vector<FieldStep> steps;
  if (!parse_steps(ctx, args, steps)) return;
  if (has_writes(steps)) {
    ctx.reply.error("ERR BITFIELD_RO only supports the GET subcommand");
    return;
  }
  run_reads(ctx, args, steps);
}

ArgumentSpec get_block() {
  return arg::block("encoding_offset", {arg::string("encoding"), arg::integer("offset")})
      .token("GET");
}

// BITFIELD's key flags vary with its operations (Redis's bitfieldGetKeys):
// only GETs (and OVERFLOWs) read ("RO access"); a SET or INCRBY, or
// anything malformed, may write ("RW access update"). A GET or OVERFLOW
// without all its arguments counts as malformed.
KeyPositions bitfield_get_keys(Arguments args) {
  for (std::size_t i = 2; i < args.size(); ++i) {
    const std::size_t remaining = args.size() - i - 1;
    if (equals_ignore_case(args[i], "get") && remaining >= 2) {
      i += 2;
    } else if (equals_ignore_case(args[i], "overflow") && remaining >= 1) {
      i += 1;
    } else {
      return {{1, "RW access update"}};  // SET, INCRBY, or a syntax error
    }
  }
  return {{1, "RO access"}};
}

}  // namespace

void register_bitfield_commands(CommandTable& table) {
  using namespace flags;
  constexpr std::string_view kComplexity = "O(1) for each subcommand specified";
  table.add(
      {.name = "bitfield",
       .arity = -2,
       .flags = kWrite | kDenyOom,
       .first_key = 1,
       .last_key = 1,
       .key_step = 1,
       .handler = bitfield_command,
       .group = "bitmap",
       .summary = "Perform arbitrary bitfield integer operations on strings",
       .since = "3.2.0",
       .complexity = kComplexity,
       .acl_categories = "@write @bitmap @slow",
       .key_specs = "RW access update variable_flags",
       .key_spec_notes = "This command allows both access and modification of the key",
       .get_keys = bitfield_get_keys,
       .arguments = {
           arg::key("key", 0),
           arg::oneof("operation",
                      {get_block(),
                       arg::block("write",
                                  {arg::oneof("wrap_sat_fail", {arg::pure_token("wrap", "WRAP"),
                                                                arg::pure_token("sat", "SAT"),
                                                                arg::pure_token("fail", "FAIL")})
                                       .token("OVERFLOW")
                                       .optional(),
                                   arg::oneof(
                                       "write_operation",
                                       {arg::block("encoding_offset_value",
                                                   {arg::string("encoding"), arg::integer("offset"),
                                                    arg::integer("value")})
                                            .token("SET"),
                                        arg::block("encoding_offset_increment",
                                                   {arg::string("encoding"), arg::integer("offset"),
                                                    arg::integer("increment")})
                                            .token("INCRBY")})})})
               .optional()
               .multiple()}});
  table.add(
      {.name = "bitfield_ro",
       .arity = -2,
       .flags = kReadonly | kFast,
       .first_key = 1,
       .last_key = 1,
       .key_step = 1,
       .handler = bitfield_ro_command,
       .group = "bitmap",
       .summary = "Perform arbitrary bitfield integer operations on strings. Read-only "
                  "variant of BITFIELD",
       .since = "6.0.0",
       .complexity = kComplexity,
       .acl_categories = "@read @bitmap @fast",
       .key_specs = "RO access",
       .arguments = {arg::key("key", 0), get_block().optional().multiple().multiple_token()}});
}

}  // namespace mini_redis::commands
