// Workshop copy of src/commands/strings/string_numbers.cpp, made by workshop/generate.py.
// Write the parts marked TODO. `make workshop-diff FILE=commands/strings/string_numbers.cpp` compares
// your version with the real one; `make workshop-solve STEP=n` fills a step in.
// Strings as counters: INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT.
//
// Redis has no number type: a counter is a string that happens to spell an
// integer. INCR reads the stored bytes with the same strict rule as every
// integer argument ("10" yes; "010", " 10", "1.0" no), adds, and stores the
// new text. A missing key counts as 0. The key keeps its time to live, as in
// Redis, because a counter with a TTL (a rate limiter) must not become
// immortal on its first increment.
//
// INCRBYFLOAT works on long doubles and stores the result in Redis's
// "human friendly" spelling: no exponent, at most 17 decimals, trailing zeros
// dropped (see format_long_double). So 10.5 + 0.1 stores "10.6", and
// 1e300 stores all 301 digits.
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "commands/core/arguments.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/type_check.h"
#include "commands/strings/string_commands.h"
#include "common/integer_parsing.h"

#include "common/not_implemented.h"

namespace mini_redis::commands {

namespace {

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMinInt64 = std::numeric_limits<std::int64_t>::min();

// Adds `delta` to the integer stored at `key` and answers the new value
// (Redis's incrDecrCommand).
void increment_by(Context& ctx, std::string_view key, std::int64_t delta) {
  storage::Database& db = ctx.db();
  std::int64_t current = 0;
  const storage::Entry* entry = db.lookup_for_write(key);
  if (!check_type(ctx, entry, storage::ValueType::string)) return;
  // workshop: begin step 3, increment_by
  // Read the counter: `entry` is what db.lookup_for_write(key) found. A
  // missing key (nullptr) counts as 0 (current stays 0). An existing one
  // must spell an integer: parse_int64_strict(entry->value()) gives it, or
  // nothing for "abc", and then the reply is the error errors::kNotInteger
  // and nothing is stored.
  // 日本語:
  // カウンターを読みます: `entry` は db.lookup_for_write(key) が見つけたもの。キーが
  // なければ (nullptr) 0 とみなします (current は 0 のまま)。あるなら整数でなければ
  // なりません: parse_int64_strict(entry->value()) がその値を返し、"abc" なら何も返しません。
  // そのときの応答はエラー errors::kNotInteger で、何も保存しません。
  // TODO(step 3): write this part, then delete the not_implemented line.
  not_implemented(3, "commands/strings/string_numbers.cpp: increment_by");
  // workshop: end

  // Signed overflow is undefined behaviour in C++, so check before adding:
  // only two numbers of the same sign can overflow.
  if ((delta > 0 && current > 0 && delta > kMaxInt64 - current) ||
      (delta < 0 && current < 0 && delta < kMinInt64 - current)) {
    ctx.reply.error(errors::kIncrementOverflow);
    return;
  }
  const std::int64_t result = current + delta;

  // Format on the stack: no allocation besides storing the value.
  std::array<char, kMaxInt64Chars> digits{};
  auto [end, error] = std::to_chars(digits.data(), digits.data() + digits.size(), result);
  (void)error;  // cannot fail: the buffer fits every int64
  const std::string_view text(digits.data(), static_cast<std::size_t>(end - digits.data()));
  db.set(key, text, storage::Encoding::integer, /*keep_ttl=*/true);
  // INCR, DECR, INCRBY and DECRBY all announce "incrby".
  notify_keyspace_event(ctx, notify::kString, "incrby", key);
  ctx.reply.integer(result);
}

void incr_command(Context& ctx, Arguments args) {
  increment_by(ctx, args[1], 1);
}
void decr_command(Context& ctx, Arguments args) {
  increment_by(ctx, args[1], -1);
}

void incrby_command(Context& ctx, Arguments args) {
  std::optional<std::int64_t> increment = integer_or_reply(ctx, args[2]);
  if (!increment) return;
  increment_by(ctx, args[1], *increment);
}

void decrby_command(Context& ctx, Arguments args) {
  std::optional<std::int64_t> decrement = integer_or_reply(ctx, args[2]);
  if (!decrement) return;
  // -(-2^63) does not exist in 64 bits, so Redis refuses it up front, with
  // its own text, whatever the key holds.
  if (*decrement == kMinInt64) {
    ctx.reply.error(errors::kDecrementOverflow);
    return;
  }
  increment_by(ctx, args[1], -*decrement);
}

void incrbyfloat_command(Context& ctx, Arguments args) {
  storage::Database& db = ctx.db();
  long double current = 0;
  const storage::Entry* entry = db.lookup_for_write(args[1]);
  if (!check_type(ctx, entry, storage::ValueType::string)) return;
  if (entry != nullptr) {
    std::optional<long double> stored = long_double_or_reply(ctx, entry->value());
    if (!stored) return;
    current = *stored;
  }
  // "inf" is a valid increment; the infinite sum is what gets refused below.
  std::optional<long double> increment = long_double_or_reply(ctx, args[2]);
  if (!increment) return;

  const long double result = current + *increment;
  if (std::isnan(result) || std::isinf(result)) {
    ctx.reply.error(errors::kIncrementNanOrInfinity);
    return;
  }

  const std::string text = format_long_double(result);
  // Redis builds the new value as a plain string object, never an integer,
  // so OBJECT ENCODING says "embstr" even for "3" ("raw" past 44 bytes).
  storage::Encoding encoding = storage::encoding_for_value(text);
  if (encoding == storage::Encoding::integer) encoding = storage::Encoding::embstr;
  db.set(args[1], text, encoding, /*keep_ttl=*/true);
  notify_keyspace_event(ctx, notify::kString, "incrbyfloat", args[1]);
  ctx.reply.bulk_string(text);
}

// The rows of the five commands differ only in name, arity, handler and docs.
// `amount` describes the second argument (INCRBY's "increment"); INCR and
// DECR have none.
CommandSpec counter_row(std::string name, int arity, Handler handler, std::string_view summary,
                        std::string_view since, std::optional<ArgumentSpec> amount = {}) {
  CommandSpec row{.name = std::move(name),
                  .arity = arity,
                  .flags = flags::kWrite | flags::kDenyOom | flags::kFast,
                  .first_key = 1,
                  .last_key = 1,
                  .key_step = 1,
                  .handler = handler,
                  .group = "string",
                  .summary = summary,
                  .since = since,
                  .complexity = "O(1)",
                  .acl_categories = "@write @string @fast",
                  .key_specs = "RW access update",
                  .arguments = {arg::key("key", 0)}};
  if (amount) row.arguments.push_back(std::move(*amount));
  return row;
}

}  // namespace

void register_string_number_commands(CommandTable& table) {
  table.add(
      counter_row("incr", 2, incr_command, "Increment the integer value of a key by one", "1.0.0"));
  table.add(
      counter_row("decr", 2, decr_command, "Decrement the integer value of a key by one", "1.0.0"));
  table.add(counter_row("incrby", 3, incrby_command,
                        "Increment the integer value of a key by the given amount", "1.0.0",
                        arg::integer("increment")));
  table.add(counter_row("decrby", 3, decrby_command,
                        "Decrement the integer value of a key by the given number", "1.0.0",
                        arg::integer("decrement")));
  table.add(counter_row("incrbyfloat", 3, incrbyfloat_command,
                        "Increment the float value of a key by the given amount", "2.6.0",
                        arg::double_("increment")));
}

}  // namespace mini_redis::commands
