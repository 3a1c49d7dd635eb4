// HRANDFIELD: random fields of a hash.
//
//   HRANDFIELD key                      one field (null for a missing key)
//   HRANDFIELD key count [WITHVALUES]   count > 0: up to count distinct fields
//                                       count < 0: |count| draws, repeats allowed
//
// Which fields, and in which order, is types::Hash's business (its
// random_distinct_pairs / random_pairs follow Redis 7.0's strategies); this
// file reads the arguments with Redis's checks and shapes the reply.
// WITHVALUES answers field, value, field, value... in RESP2, and an array of
// [field, value] pairs in RESP3.
//
// The random bits come from the client's database (Database::random_bits),
// whose generator is seeded once: no system call and no global state per
// command. HRANDFIELD's output is not meant to be repeatable (Redis's is not
// either); the types::Hash tests bring their own fixed bits.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "commands/hashes/hash_commands.h"

namespace mini_redis::commands {

namespace {

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();

// Redis reads the count as a C long in -LONG_MAX..LONG_MAX
// (getRangeLongFromObjectOrReply), so -2^63 gets this text...
constexpr std::string_view kCountOutOfRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
// ...and with WITHVALUES the reply holds 2 * |count| elements, which must
// fit in a long too: past LONG_MAX / 2 either way, this shorter text.
constexpr std::string_view kWithValuesOutOfRange = "ERR value is out of range";

// HRANDFIELD key count [WITHVALUES] (Redis's hrandfieldWithCountCommand).
void random_fields_with_count(Context& ctx, Arguments args) {
  const std::optional<std::int64_t> count = integer_or_reply(ctx, args[2]);
  if (!count) return;
  if (*count == std::numeric_limits<std::int64_t>::min()) {
    ctx.reply.error(kCountOutOfRange);
    return;
  }
  if (args.size() > 4 || (args.size() == 4 && !equals_ignore_case(args[3], "withvalues"))) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  const bool with_values = args.size() == 4;
  if (with_values && (*count < -kMaxInt64 / 2 || *count > kMaxInt64 / 2)) {
    ctx.reply.error(kWithValuesOutOfRange);
    return;
  }

  const FoundHash found = find_hash_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  if (found.hash == nullptr || *count == 0) {
    ctx.reply.array_header(0);
    return;
  }
  types::Hash& hash = *found.hash;

  // A negative count may repeat fields, so it asks for exactly |count|; a
  // positive one gets at most the whole hash.
  const bool distinct = *count > 0;
  const auto wanted = static_cast<std::size_t>(distinct ? *count : -*count);
  const std::size_t replies = distinct ? std::min(wanted, hash.size()) : wanted;
  const bool nested = with_values && ctx.reply.resp3();
  ctx.reply.array_header(with_values && !nested ? 2 * replies : replies);
  auto reply_pair = [&](std::string_view field, std::string_view value) {
    if (nested) ctx.reply.array_header(2);
    ctx.reply.bulk_string(field);
    if (with_values) ctx.reply.bulk_string(value);
  };

  storage::Database& db = ctx.db();
  auto random = [&db] { return db.random_bits(); };
  if (distinct) {
    hash.random_distinct_pairs(wanted, random, reply_pair);
  } else {
    hash.random_pairs(wanted, random, reply_pair);
  }
}

// HRANDFIELD key [count [WITHVALUES]] (Redis's hrandfieldCommand).
void hrandfield_command(Context& ctx, Arguments args) {
  if (args.size() >= 3) {
    random_fields_with_count(ctx, args);
    return;
  }
  const FoundHash found = find_hash_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  if (found.hash == nullptr) {
    ctx.reply.null();
    return;
  }
  types::Hash::PairBuffers buffers;
  // A hash in the keyspace is never empty, so there is always a pair.
  const std::optional<types::Hash::Pair> pair =
      found.hash->random_pair(ctx.db().random_bits(), buffers);
  ctx.reply.bulk_string(pair ? pair->field : std::string_view{});
}

}  // namespace

void register_hash_random_commands(CommandTable& table) {
  table.add(hash_row(
      "hrandfield", -2, flags::kReadonly, hrandfield_command,
      {.summary = "Get one or multiple random fields from a hash",
       .since = "6.2.0",
       .complexity = "O(N) where N is the number of fields returned",
       .acl_categories = "@read @hash @slow",
       .key_specs = "RO access",
       .tips = "nondeterministic_output"},
      {arg::block("options",
                  {arg::integer("count"), arg::pure_token("withvalues", "WITHVALUES").optional()})
           .optional()}));
}

}  // namespace mini_redis::commands
