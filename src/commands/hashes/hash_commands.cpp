// Hashes: a key holding a map of fields to values (HSET user:1 name ada).
//
// This file has the commands that set, read and delete fields, and those
// that answer the whole hash:
//
//   HSET key field value [field value ...]   -> how many fields were new
//   HMSET key field value [field value ...]  -> +OK (HSET before Redis 4.0)
//   HSETNX key field value                   -> 1 if set, 0 if the field existed
//   HGET key field / HMGET key field...      -> the value(s), null where absent
//   HDEL key field...                        -> how many fields were removed
//   HLEN, HSTRLEN, HEXISTS                   -> sizes and membership
//   HKEYS, HVALS, HGETALL                    -> every field, value, or both
//
// A hash exists only while it has fields: the first HSET creates the key,
// and the HDEL that removes the last field deletes it ("del" event), so
// EXISTS and TYPE never see an empty hash. A missing key reads as an empty
// hash (HLEN 0, HGET null, HGETALL empty).
//
// The value itself, its two encodings (listpack, then hashtable past
// hash-max-listpack-entries fields or hash-max-listpack-value bytes) and the
// order HGETALL answers in live in types/hash.h; here we only parse, call it
// and reply. HSET and HGET allocate nothing but the stored bytes: arguments
// are views into the request, and a listpack integer is read into a buffer
// on the stack (types::IntText).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/type_check.h"
#include "commands/hashes/hash_commands.h"
#include "storage/database.h"

namespace mini_redis::commands {

// ---- helpers shared by the family (hash_commands.h) --------------------------------

types::HashLimits hash_limits(const Config& config) {
  // CONFIG only accepts values >= 0; the clamp keeps a bad value from
  // turning into a huge size_t.
  auto size = [](std::int64_t value) {
    return static_cast<std::size_t>(std::max<std::int64_t>(value, 0));
  };
  return {.max_listpack_entries = size(config.hash_max_listpack_entries),
          .max_listpack_value = size(config.hash_max_listpack_value)};
}

FoundHash find_hash_for_read(Context& ctx, std::string_view key) {
  storage::Entry* entry = ctx.db().lookup_for_read(key);
  if (entry == nullptr) {
    notify_key_miss(ctx, key);
    return {};
  }
  if (!check_type(ctx, entry, storage::ValueType::hash)) return {.wrong_type = true};
  return {.hash = &entry->object<types::Hash>()};
}

types::Hash* find_or_create_hash(Context& ctx, std::string_view key) {
  storage::Database& db = ctx.db();
  storage::Entry* entry = db.lookup_for_write(key);
  if (!check_type(ctx, entry, storage::ValueType::hash)) return nullptr;
  if (entry == nullptr) return &db.add(key, types::Hash{});
  return &entry->object<types::Hash>();
}

CommandSpec hash_row(std::string name, int arity, std::uint32_t command_flags, Handler handler,
                     const HashRowText& text, std::vector<ArgumentSpec> arguments_after_key) {
  return keyed_row(std::move(name), "hash", arity, command_flags, handler, text,
                   std::move(arguments_after_key));
}

namespace {

// ---- writing fields ------------------------------------------------------------------

// What HSET and HMSET answer: the same write, two replies.
enum class SetReply : std::uint8_t { created_count, ok };

// HSET / HMSET key field value [field value ...] (Redis's hsetCommand).
void set_fields(Context& ctx, Arguments args, std::string_view command, SetReply answer) {
  // The row's arity (-4) says "at least one pair"; a half pair is the same
  // error, checked before the key is even looked at.
  if (args.size() % 2 != 0) {
    ctx.reply.error(errors::wrong_arity(command));
    return;
  }
  const std::string_view key = args[1];
  types::Hash* hash = find_or_create_hash(ctx, key);
  if (hash == nullptr) return;

  const types::HashLimits limits = hash_limits(ctx);
  const Arguments pairs = args.subspan(2);
  // Every field and value is measured before the first insert (types/hash.h,
  // rule 1a): one long value anywhere in the command converts the hash now,
  // rather than after the short pairs before it went into the listpack.
  hash->convert_if_any_longer(pairs, limits);
  std::int64_t created = 0;
  for (std::size_t i = 0; i < pairs.size(); i += 2) {
    if (hash->set(pairs[i], pairs[i + 1], limits)) ++created;
  }

  // Redis replies first, then announces one "hset" for the whole command.
  if (answer == SetReply::ok) {
    ctx.reply.ok();
  } else {
    ctx.reply.integer(created);
  }
  notify_keyspace_event(ctx, notify::kHash, "hset", key);
}

void hset_command(Context& ctx, Arguments args) {
  set_fields(ctx, args, "hset", SetReply::created_count);
}
void hmset_command(Context& ctx, Arguments args) {
  set_fields(ctx, args, "hmset", SetReply::ok);
}

// HSETNX key field value: sets the field only if it is not there yet.
void hsetnx_command(Context& ctx, Arguments args) {
  const std::string_view key = args[1];
  const std::string_view field = args[2];
  // Like Redis, a missing key is created first; the field is then new, so
  // the hash never stays empty.
  types::Hash* hash = find_or_create_hash(ctx, key);
  if (hash == nullptr) return;
  if (hash->contains(field)) {
    ctx.reply.integer(0);
    return;
  }
  // Redis 7.0.15 measures the arguments only now that the field is known to
  // be new: HSETNX of an existing field with a long value leaves a listpack
  // as it is.
  const types::HashLimits limits = hash_limits(ctx);
  hash->convert_if_any_longer(args.subspan(2), limits);
  hash->set(field, args[3], limits);
  ctx.reply.integer(1);
  notify_keyspace_event(ctx, notify::kHash, "hset", key);
}

// HDEL key field [field ...]: removes the fields, and the key with the last.
void hdel_command(Context& ctx, Arguments args) {
  const std::string_view key = args[1];
  storage::Database& db = ctx.db();
  storage::Entry* entry = db.lookup_for_write(key);
  if (!check_type(ctx, entry, storage::ValueType::hash)) return;
  if (entry == nullptr) {
    ctx.reply.integer(0);
    return;
  }

  types::Hash& hash = entry->object<types::Hash>();
  std::int64_t deleted = 0;
  for (const std::string_view field : args.subspan(2)) {
    if (hash.erase(field)) ++deleted;
    if (hash.empty()) break;  // nothing left to delete
  }
  const bool emptied = hash.empty();
  if (emptied) db.erase(key);  // `hash` and `entry` are gone from here on

  // Redis announces before it replies: "hdel", then "del" if the key went.
  if (deleted > 0) {
    notify_keyspace_event(ctx, notify::kHash, "hdel", key);
    if (emptied) notify_keyspace_event(ctx, notify::kGeneric, "del", key);
  }
  ctx.reply.integer(deleted);
}

// ---- reading fields --------------------------------------------------------------------

// HGET key field: the value, or null if the field or the key is absent.
void hget_command(Context& ctx, Arguments args) {
  const FoundHash found = find_hash_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  types::IntText buffer;  // where a listpack integer is spelled out
  const std::optional<std::string_view> value =
      found.hash != nullptr ? found.hash->get(args[2], buffer) : std::nullopt;
  if (value) {
    ctx.reply.bulk_string(*value);
  } else {
    ctx.reply.null();
  }
}

// HMGET key field [field ...]: one value or null per field, in order.
void hmget_command(Context& ctx, Arguments args) {
  const FoundHash found = find_hash_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  const Arguments fields = args.subspan(2);
  ctx.reply.array_header(fields.size());
  types::IntText buffer;
  for (const std::string_view field : fields) {
    const std::optional<std::string_view> value =
        found.hash != nullptr ? found.hash->get(field, buffer) : std::nullopt;
    if (value) {
      ctx.reply.bulk_string(*value);
    } else {
      ctx.reply.null();
    }
  }
}

// HLEN key: the number of fields (0 for a missing key).
void hlen_command(Context& ctx, Arguments args) {
  const FoundHash found = find_hash_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  ctx.reply.integer(found.hash != nullptr ? static_cast<std::int64_t>(found.hash->size()) : 0);
}

// HSTRLEN key field: the value's length in bytes, 0 if absent.
void hstrlen_command(Context& ctx, Arguments args) {
  const FoundHash found = find_hash_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  const std::size_t length = found.hash != nullptr ? found.hash->value_length(args[2]) : 0;
  ctx.reply.integer(static_cast<std::int64_t>(length));
}

// HEXISTS key field: 1 or 0.
void hexists_command(Context& ctx, Arguments args) {
  const FoundHash found = find_hash_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  ctx.reply.integer(found.hash != nullptr && found.hash->contains(args[2]) ? 1 : 0);
}

// ---- the whole hash: HKEYS, HVALS, HGETALL ------------------------------------------------

enum class Walk : std::uint8_t { fields, values, pairs };

// Redis's genericHgetallCommand. The order is the listpack's (insertion
// order) or the table's (unspecified); both are what Redis answers.
// HGETALL is a map in RESP3 (a flat field, value, ... array in RESP2), and
// so is its empty reply for a missing key.
void reply_whole_hash(Context& ctx, std::string_view key, Walk walk) {
  const FoundHash found = find_hash_for_read(ctx, key);
  if (found.wrong_type) return;
  const std::size_t size = found.hash != nullptr ? found.hash->size() : 0;
  if (walk != Walk::pairs) {
    ctx.reply.array_header(size);
  } else if (ctx.reply.resp3()) {
    ctx.reply.map_header(size);
  } else {
    ctx.reply.array_header(2 * size);
  }
  if (found.hash == nullptr) return;
  found.hash->for_each([&](std::string_view field, std::string_view value) {
    if (walk != Walk::values) ctx.reply.bulk_string(field);
    if (walk != Walk::fields) ctx.reply.bulk_string(value);
  });
}

void hkeys_command(Context& ctx, Arguments args) {
  reply_whole_hash(ctx, args[1], Walk::fields);
}
void hvals_command(Context& ctx, Arguments args) {
  reply_whole_hash(ctx, args[1], Walk::values);
}
void hgetall_command(Context& ctx, Arguments args) {
  reply_whole_hash(ctx, args[1], Walk::pairs);
}

// ---- the rows ------------------------------------------------------------------------------

// HSET and HMSET's repeated "field value" block.
ArgumentSpec field_value_pairs() {
  return arg::block("field_value", {arg::string("field"), arg::string("value")}).multiple();
}

constexpr std::string_view kReadFast = "@read @hash @fast";
constexpr std::string_view kReadSlow = "@read @hash @slow";
constexpr std::string_view kWriteFast = "@write @hash @fast";
constexpr std::string_view kWholeHash = "O(N) where N is the size of the hash.";

}  // namespace

void register_hash_commands(CommandTable& table) {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  CommandSpec hset = hash_row(
      "hset", -4, kWrite | kDenyOom | kFast, hset_command,
      {.summary = "Set the string value of a hash field",
       .since = "2.0.0",
       .complexity = "O(1) for each field/value pair added, so O(N) to add N field/value pairs "
                     "when the command is called with multiple field/value pairs.",
       .acl_categories = kWriteFast,
       .key_specs = "RW update"},
      {field_value_pairs()});
  hset.history = {{"4.0.0", "Accepts multiple `field` and `value` arguments."}};
  table.add(std::move(hset));
  table.add(hash_row("hsetnx", 4, kWrite | kDenyOom | kFast, hsetnx_command,
                     {.summary = "Set the value of a hash field, only if the field does not exist",
                      .since = "2.0.0",
                      .acl_categories = kWriteFast,
                      .key_specs = "RW insert"},
                     {arg::string("field"), arg::string("value")}));
  table.add(hash_row("hget", 3, kReadonly | kFast, hget_command,
                     {.summary = "Get the value of a hash field",
                      .since = "2.0.0",
                      .acl_categories = kReadFast,
                      .key_specs = "RO access"},
                     {arg::string("field")}));
  table.add(hash_row("hmget", -3, kReadonly | kFast, hmget_command,
                     {.summary = "Get the values of all the given hash fields",
                      .since = "2.0.0",
                      .complexity = "O(N) where N is the number of fields being requested.",
                      .acl_categories = kReadFast,
                      .key_specs = "RO access"},
                     {arg::string("field").multiple()}));
  CommandSpec hmset = hash_row("hmset", -4, kWrite | kDenyOom | kFast, hmset_command,
                               {.summary = "Set multiple hash fields to multiple values",
                                .since = "2.0.0",
                                .complexity = "O(N) where N is the number of fields being set.",
                                .acl_categories = kWriteFast,
                                .key_specs = "RW update"},
                               {field_value_pairs()});
  hmset.deprecated_since = "4.0.0";
  hmset.replaced_by = "`HSET` with multiple field-value pairs";
  table.add(std::move(hmset));
  CommandSpec hdel = hash_row("hdel", -3, kWrite | kFast, hdel_command,
                              {.summary = "Delete one or more hash fields",
                               .since = "2.0.0",
                               .complexity = "O(N) where N is the number of fields to be removed.",
                               .acl_categories = kWriteFast,
                               .key_specs = "RW delete"},
                              {arg::string("field").multiple()});
  hdel.history = {{"2.4.0", "Accepts multiple `field` arguments."}};
  table.add(std::move(hdel));
  table.add(hash_row("hlen", 2, kReadonly | kFast, hlen_command,
                     {.summary = "Get the number of fields in a hash",
                      .since = "2.0.0",
                      .acl_categories = kReadFast,
                      .key_specs = "RO"}));
  table.add(hash_row("hstrlen", 3, kReadonly | kFast, hstrlen_command,
                     {.summary = "Get the length of the value of a hash field",
                      .since = "3.2.0",
                      .acl_categories = kReadFast,
                      .key_specs = "RO"},
                     {arg::string("field")}));
  table.add(hash_row("hexists", 3, kReadonly | kFast, hexists_command,
                     {.summary = "Determine if a hash field exists",
                      .since = "2.0.0",
                      .acl_categories = kReadFast,
                      .key_specs = "RO"},
                     {arg::string("field")}));
  table.add(hash_row("hkeys", 2, kReadonly, hkeys_command,
                     {.summary = "Get all the fields in a hash",
                      .since = "2.0.0",
                      .complexity = kWholeHash,
                      .acl_categories = kReadSlow,
                      .key_specs = "RO access",
                      .tips = "nondeterministic_output_order"}));
  table.add(hash_row("hvals", 2, kReadonly, hvals_command,
                     {.summary = "Get all the values in a hash",
                      .since = "2.0.0",
                      .complexity = kWholeHash,
                      .acl_categories = kReadSlow,
                      .key_specs = "RO access",
                      .tips = "nondeterministic_output_order"}));
  table.add(hash_row("hgetall", 2, kReadonly, hgetall_command,
                     {.summary = "Get all the fields and values in a hash",
                      .since = "2.0.0",
                      .complexity = kWholeHash,
                      .acl_categories = kReadSlow,
                      .key_specs = "RO access",
                      .tips = "nondeterministic_output_order"}));
  register_hash_number_commands(table);
  register_hash_random_commands(table);
  register_hash_scan_commands(table);
}

}  // namespace mini_redis::commands
