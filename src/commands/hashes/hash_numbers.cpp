// Hash fields as counters: HINCRBY and HINCRBYFLOAT.
//
//   HINCRBY key field increment        -> the new integer value
//   HINCRBYFLOAT key field increment   -> the new value, as a bulk string
//
// The same rules as INCRBY and INCRBYFLOAT on a string key (see
// strings/string_numbers.cpp): a missing field (or key) counts as 0, the
// stored bytes must spell a number by the same strict rules as an argument,
// and the float result is stored in Redis's "human friendly" spelling (no
// exponent, trailing zeros dropped: format_long_double, shared with
// INCRBYFLOAT). Only the error texts say "hash value" instead of "value".
//
// The order of the checks is Redis 7.0's (t_hash.c), and it shows in which
// error wins: the increment is read first, so HINCRBY on a string key with
// a bad increment answers "not an integer", not WRONGTYPE; only then is the
// key looked up (and created empty if missing: the field is then 0, so no
// later check can fail and leave the empty hash behind).
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/hashes/hash_commands.h"
#include "common/integer_parsing.h"

namespace mini_redis::commands {

namespace {

constexpr std::string_view kHashValueNotInteger = "ERR hash value is not an integer";
constexpr std::string_view kHashValueNotFloat = "ERR hash value is not a float";
// HINCRBYFLOAT refuses an infinite increment up front, with its own text
// (INCRBYFLOAT accepts it and then refuses the infinite sum).
constexpr std::string_view kIncrementNotFinite = "ERR value is NaN or Infinity";

// current + increment, or nothing if the sum does not fit in 64 bits. Signed
// overflow is undefined behaviour in C++, so the check comes before the
// addition: only two numbers of the same sign can overflow.
std::optional<std::int64_t> checked_add(std::int64_t current, std::int64_t increment) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  if ((increment > 0 && current > kMax - increment) ||
      (increment < 0 && current < kMin - increment)) {
    return std::nullopt;
  }
  return current + increment;
}

// HINCRBY key field increment (Redis's hincrbyCommand).
void hincrby_command(Context& ctx, Arguments args) {
  const std::string_view key = args[1];
  const std::string_view field = args[2];
  const std::optional<std::int64_t> increment = integer_or_reply(ctx, args[3]);
  if (!increment) return;
  types::Hash* hash = find_or_create_hash(ctx, key);
  if (hash == nullptr) return;

  std::int64_t current = 0;
  types::IntText stored_text;
  if (const std::optional<std::string_view> stored = hash->get(field, stored_text)) {
    const std::optional<std::int64_t> number = parse_int64_strict(*stored);
    if (!number) {
      ctx.reply.error(kHashValueNotInteger);
      return;
    }
    current = *number;
  }
  const std::optional<std::int64_t> result = checked_add(current, *increment);
  if (!result) {
    ctx.reply.error(errors::kIncrementOverflow);
    return;
  }

  // Spelled on the stack; a listpack stores it back as an integer.
  std::array<char, kMaxInt64Chars> digits{};
  const char* end = std::to_chars(digits.data(), digits.data() + digits.size(), *result).ptr;
  hash->set(field, std::string_view(digits.data(), static_cast<std::size_t>(end - digits.data())),
            hash_limits(ctx));
  ctx.reply.integer(*result);
  notify_keyspace_event(ctx, notify::kHash, "hincrby", key);
}

// HINCRBYFLOAT key field increment (Redis's hincrbyfloatCommand).
void hincrbyfloat_command(Context& ctx, Arguments args) {
  const std::string_view key = args[1];
  const std::string_view field = args[2];
  const std::optional<long double> increment = long_double_or_reply(ctx, args[3]);
  if (!increment) return;
  if (!std::isfinite(*increment)) {  // parse_long_double lets "inf" through
    ctx.reply.error(kIncrementNotFinite);
    return;
  }
  types::Hash* hash = find_or_create_hash(ctx, key);
  if (hash == nullptr) return;

  long double current = 0;
  types::IntText stored_text;
  if (const std::optional<std::string_view> stored = hash->get(field, stored_text)) {
    // A stored "inf" reads fine here; the sum below is what gets refused.
    const std::optional<long double> number = parse_long_double(*stored);
    if (!number) {
      ctx.reply.error(kHashValueNotFloat);
      return;
    }
    current = *number;
  }
  const long double result = current + *increment;
  if (!std::isfinite(result)) {
    ctx.reply.error(errors::kIncrementNanOrInfinity);
    return;
  }

  // A long result (1e300 spells 301 digits) converts a listpack hash, as
  // set() checks its own pair (types/hash.h, rule 1b).
  const std::string text = format_long_double(result);
  hash->set(field, text, hash_limits(ctx));
  ctx.reply.bulk_string(text);
  notify_keyspace_event(ctx, notify::kHash, "hincrbyfloat", key);
}

}  // namespace

void register_hash_number_commands(CommandTable& table) {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  table.add(hash_row("hincrby", 4, kWrite | kDenyOom | kFast, hincrby_command,
                     {.summary = "Increment the integer value of a hash field by the given number",
                      .since = "2.0.0",
                      .acl_categories = "@write @hash @fast",
                      .key_specs = "RW access update"},
                     {arg::string("field"), arg::integer("increment")}));
  table.add(hash_row("hincrbyfloat", 4, kWrite | kDenyOom | kFast, hincrbyfloat_command,
                     {.summary = "Increment the float value of a hash field by the given amount",
                      .since = "2.6.0",
                      .acl_categories = "@write @hash @fast",
                      .key_specs = "RW access update"},
                     {arg::string("field"), arg::double_("increment")}));
}

}  // namespace mini_redis::commands
