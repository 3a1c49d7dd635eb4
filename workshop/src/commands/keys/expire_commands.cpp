// Workshop copy of src/commands/keys/expire_commands.cpp, made by workshop/generate.py.
// Write the parts marked TODO. `make workshop-diff FILE=commands/keys/expire_commands.cpp` compares
// your version with the real one; `make workshop-solve STEP=n` fills a step in.
// Time to live: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME,
// PEXPIRETIME and PERSIST.
//
// Redis keeps one number per key: the absolute Unix time, in milliseconds, at
// which the key dies (storage::Entry::expire_at_ms). Every command here is a
// different spelling of reading or writing that number:
//
//   EXPIRE k 10           now + 10 s          TTL k         seconds left
//   PEXPIRE k 10000       now + 10000 ms      PTTL k        milliseconds left
//   EXPIREAT k 1700000000 that second         EXPIRETIME k  the second it dies
//   PEXPIREAT k ...       that millisecond    PEXPIRETIME   the millisecond
//   PERSIST k             no expire time any more
//
// Setting a time that has already passed deletes the key at once (and still
// answers 1), exactly as if it had expired: Redis does the same rather than
// store a key nobody can read.
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
#include "commands/keys/key_commands.h"

#include "common/not_implemented.h"

namespace mini_redis::commands {

namespace {

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMinInt64 = std::numeric_limits<std::int64_t>::min();

// The conditions Redis 7.0 added to the EXPIRE family:
//   NX  set only if the key has no expire time
//   XX  set only if it has one
//   GT  set only if the new time is later than the current one
//   LT  set only if the new time is earlier
// For GT and LT a key without an expire time counts as living forever, so GT
// never applies to it and LT always does.
struct ExpireConditions {
  bool nx = false;
  bool xx = false;
  bool gt = false;
  bool lt = false;
};

// Reads the optional words after `key time`. Redis checks every word first,
// then the combinations, so "NX XX FOO" is an unsupported-option error.
std::optional<ExpireConditions> parse_expire_conditions(Context& ctx, Arguments words) {
  ExpireConditions conditions;
  for (std::string_view word : words) {
    if (equals_ignore_case(word, "nx")) {
      conditions.nx = true;
    } else if (equals_ignore_case(word, "xx")) {
      conditions.xx = true;
    } else if (equals_ignore_case(word, "gt")) {
      conditions.gt = true;
    } else if (equals_ignore_case(word, "lt")) {
      conditions.lt = true;
    } else {
      std::string message = "ERR Unsupported option ";
      message.append(word);
      ctx.reply.error(message);
      return std::nullopt;
    }
  }
  if (conditions.nx && (conditions.xx || conditions.gt || conditions.lt)) {
    ctx.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return std::nullopt;
  }
  if (conditions.gt && conditions.lt) {
    ctx.reply.error("ERR GT and LT options at the same time are not compatible");
    return std::nullopt;
  }
  return conditions;
}

// Whether the conditions allow replacing `current` (kNoExpire: none) by `when`.
bool conditions_allow(const ExpireConditions& conditions, std::int64_t current, std::int64_t when) {
  const bool has_expire = current != storage::kNoExpire;
  if (conditions.nx && has_expire) return false;
  if (conditions.xx && !has_expire) return false;
  if (conditions.gt && (!has_expire || when <= current)) return false;
  if (conditions.lt && has_expire && when >= current) return false;
  return true;
}

enum class TimeUnit { seconds, milliseconds };

// The EXPIRE family: `base_ms` is now for EXPIRE/PEXPIRE and 0 (the Unix
// epoch) for EXPIREAT/PEXPIREAT. `name` goes into the overflow error.
void expire_generic(Context& ctx, Arguments args, std::int64_t base_ms, TimeUnit unit,
                    std::string_view name) {
  const std::string_view key = args[1];
  // Redis reads the options before the number: "EXPIRE k abc FOO" complains
  // about FOO.
  auto conditions = parse_expire_conditions(ctx, args.subspan(3));
  if (!conditions) return;
  auto when = integer_or_reply(ctx, args[2]);
  if (!when) return;

  // Negative times are allowed (they delete the key), but a time that does
  // not fit in 64-bit milliseconds once converted and added is refused.
  if (unit == TimeUnit::seconds) {
    if (*when > kMaxInt64 / 1000 || *when < kMinInt64 / 1000) {
      ctx.reply.error(errors::invalid_expire_time(name));
      return;
    }
    *when *= 1000;
  }
  if (*when > kMaxInt64 - base_ms) {
    ctx.reply.error(errors::invalid_expire_time(name));
    return;
  }
  *when += base_ms;

  storage::Database& db = ctx.db();
  storage::Entry* entry = db.lookup_for_write(key);
  if (entry == nullptr || !conditions_allow(*conditions, entry->expire_at_ms(), *when)) {
    ctx.reply.integer(0);
    return;
  }
  // workshop: begin step 3, expire_generic
  // *when is the absolute Unix millisecond the key dies at; the key exists.
  // A time at or before now: the key is already dead, so delete it instead
  // of storing it (Redis, checkAlreadyExpired). The reply is still 1.
  // Else store the time with db.set_expire_at(*entry, *when), and reply 1.
  // 日本語:
  // *when はキーが消える絶対時刻 (Unix ミリ秒) で、キーは存在します。今と同じかそれより
  // 前の時刻なら、キーはもう死んでいるので、時刻を保存する代わりに削除します (Redis の
  // checkAlreadyExpired)。それでも応答は 1。そうでなければ db.set_expire_at(*entry, *when)
  // で時刻を保存し、1 を返信します。
  // TODO(step 3): write this part, then delete the not_implemented line.
  not_implemented(3, "commands/keys/expire_commands.cpp: expire_generic");
  // workshop: end

  // A time in the past deleted the key, and Redis says so: "del", not "expire".
  const bool deleted = db.lookup_quietly(key) == nullptr;
  notify_keyspace_event(ctx, notify::kGeneric, deleted ? "del" : "expire", key);
}

// EXPIRE key seconds [NX|XX|GT|LT]
void expire_command(Context& ctx, Arguments args) {
  expire_generic(ctx, args, ctx.now_ms(), TimeUnit::seconds, "expire");
}
// PEXPIRE key milliseconds [NX|XX|GT|LT]
void pexpire_command(Context& ctx, Arguments args) {
  expire_generic(ctx, args, ctx.now_ms(), TimeUnit::milliseconds, "pexpire");
}
// EXPIREAT key unix-time-seconds [NX|XX|GT|LT]
void expireat_command(Context& ctx, Arguments args) {
  expire_generic(ctx, args, 0, TimeUnit::seconds, "expireat");
}
// PEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT]
void pexpireat_command(Context& ctx, Arguments args) {
  expire_generic(ctx, args, 0, TimeUnit::milliseconds, "pexpireat");
}

// What the TTL family reports: time left, or the absolute expire time.
enum class TtlKind { remaining, absolute };

// Milliseconds (never negative here) to the nearest second, half up: what
// Redis computes as (ms + 500) / 1000, written so that it cannot overflow for
// an expire time near INT64_MAX (PEXPIREAT k 9223372036854775807).
std::int64_t round_to_seconds(std::int64_t ms) {
  return ms / 1000 + (ms % 1000 >= 500 ? 1 : 0);
}

// EXPIRETIME, PEXPIRETIME, for a key that exists: -1 if it has no expire
// time, else the absolute Unix time it dies at. Redis (ttlGenericCommand)
// rounds the seconds as TTL does, so PEXPIREAT k 1500 gives EXPIRETIME 2.
void reply_expire_time(Context& ctx, const storage::Entry& entry, TimeUnit unit) {
  // workshop: begin step 8, reply_expire_time
  // The key exists (the -2 for a missing key is answered before this). No
  // expire time (entry.has_expire()): reply -1. Else reply the absolute
  // time it dies at, entry.expire_at_ms(), as it is: nothing to subtract
  // (that is TTL). In milliseconds for PEXPIRETIME; for EXPIRETIME rounded
  // to seconds with round_to_seconds() above, as `unit` says.
  // 日本語:
  // キーは存在します (ない場合の -2 はここに来る前に返信済み)。期限がなければ
  // (entry.has_expire())、-1 を返信。あれば、キーが消える絶対時刻 entry.expire_at_ms() を
  // そのまま返信します: 今の時刻は引きません (引くのは TTL)。PEXPIRETIME ならミリ秒のまま、
  // EXPIRETIME なら上の round_to_seconds() で秒に丸めます。どちらかは `unit` が決めます。
  // TODO(step 8): write this part, then delete the not_implemented line.
  not_implemented(8, "commands/keys/expire_commands.cpp: reply_expire_time");
  // workshop: end
}

// TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 if the key does not exist, -1 if it
// has no expire time. Seconds are rounded to the nearest second, as Redis
// does, so a key with 1.5 s left reports TTL 2.
void ttl_generic(Context& ctx, Arguments args, TimeUnit unit, TtlKind kind) {
  const storage::Entry* entry = lookup_without_touching(ctx, args[1]);
  if (entry == nullptr) {
    ctx.reply.integer(-2);
    return;
  }
  // The absolute kind needs no clamp: a key whose time is before now is
  // never returned by a lookup (find_live deletes it), so its time is at or
  // after now, which is positive.
  if (kind == TtlKind::absolute) {
    reply_expire_time(ctx, *entry, unit);
    return;
  }
  // workshop: begin step 3, ttl_generic
  // The key exists. No expire time (entry->has_expire()): reply -1. Else TTL
  // is entry->expire_at_ms() minus ctx.now_ms(), never below 0, replied in
  // milliseconds (PTTL) or rounded to seconds (TTL) with round_to_seconds()
  // above, as `unit` says.
  // 日本語:
  // キーは存在します。期限がなければ (entry->has_expire())、-1 を返信。あれば TTL は
  // entry->expire_at_ms() から ctx.now_ms() を引いたもので、0 未満にはしません。`unit` の
  // とおり、ミリ秒のまま (PTTL) か、上の round_to_seconds() で秒に丸めて (TTL) 返信します。
  // TODO(step 3): write this part, then delete the not_implemented line.
  not_implemented(3, "commands/keys/expire_commands.cpp: ttl_generic");
  // workshop: end
}

void ttl_command(Context& ctx, Arguments args) {
  ttl_generic(ctx, args, TimeUnit::seconds, TtlKind::remaining);
}
void pttl_command(Context& ctx, Arguments args) {
  ttl_generic(ctx, args, TimeUnit::milliseconds, TtlKind::remaining);
}
void expiretime_command(Context& ctx, Arguments args) {
  ttl_generic(ctx, args, TimeUnit::seconds, TtlKind::absolute);
}
void pexpiretime_command(Context& ctx, Arguments args) {
  ttl_generic(ctx, args, TimeUnit::milliseconds, TtlKind::absolute);
}

// PERSIST key: 1 if an expire time was removed, 0 if the key is missing or
// had none.
void persist_command(Context& ctx, Arguments args) {
  storage::Database& db = ctx.db();
  storage::Entry* entry = db.lookup_for_write(args[1]);
  if (entry == nullptr || !entry->has_expire()) {
    ctx.reply.integer(0);
    return;
  }
  db.remove_expire(*entry);
  notify_keyspace_event(ctx, notify::kGeneric, "persist", args[1]);
  ctx.reply.integer(1);
}

// The rows below differ only in name, handler and docs: Redis gives all
// setters and all getters the same shape.
// EXPIRE and its siblings take a key, a time (`when` describes it, e.g.
// arg::integer("seconds")) and since 7.0 one of NX, XX, GT, LT.
CommandSpec expire_setter(std::string name, Handler handler, std::string_view summary,
                          std::string_view since, ArgumentSpec when) {
  return {.name = std::move(name),
          .arity = -3,
          .flags = flags::kWrite | flags::kFast,
          .first_key = 1,
          .last_key = 1,
          .key_step = 1,
          .handler = handler,
          .group = "generic",
          .summary = summary,
          .since = since,
          .complexity = "O(1)",
          .acl_categories = "@keyspace @write @fast",
          .tips = "",
          .key_specs = "RW update",
          .arguments = {arg::key("key", 0), std::move(when),
                        arg::oneof("condition",
                                   {arg::pure_token("nx", "NX"), arg::pure_token("xx", "XX"),
                                    arg::pure_token("gt", "GT"), arg::pure_token("lt", "LT")})
                            .since("7.0.0")
                            .optional()},
          .history = {{"7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."}}};
}

CommandSpec expire_getter(std::string name, Handler handler, std::string_view summary,
                          std::string_view since, std::string_view tips = "") {
  return {.name = std::move(name),
          .arity = 2,
          .flags = flags::kReadonly | flags::kFast,
          .first_key = 1,
          .last_key = 1,
          .key_step = 1,
          .handler = handler,
          .group = "generic",
          .summary = summary,
          .since = since,
          .complexity = "O(1)",
          .acl_categories = "@keyspace @read @fast",
          .tips = tips,
          .key_specs = "RO access",
          .arguments = {arg::key("key", 0)}};
}

}  // namespace

void register_expire_commands(CommandTable& table) {
  table.add(expire_setter("expire", expire_command, "Set a key's time to live in seconds", "1.0.0",
                          arg::integer("seconds")));
  table.add(expire_setter("pexpire", pexpire_command, "Set a key's time to live in milliseconds",
                          "2.6.0", arg::integer("milliseconds")));
  table.add(expire_setter("expireat", expireat_command,
                          "Set the expiration for a key as a UNIX timestamp", "1.2.0",
                          arg::unix_time("unix-time-seconds")));
  table.add(
      expire_setter("pexpireat", pexpireat_command,
                    "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
                    "2.6.0", arg::unix_time("unix-time-milliseconds")));
  // TTL and PTTL answer -2 for a missing key since 2.8 (-1 before).
  CommandSpec ttl = expire_getter("ttl", ttl_command, "Get the time to live for a key in seconds",
                                  "1.0.0", "nondeterministic_output");
  ttl.history = {{"2.8.0", "Added the -2 reply."}};
  table.add(std::move(ttl));
  CommandSpec pttl =
      expire_getter("pttl", pttl_command, "Get the time to live for a key in milliseconds", "2.6.0",
                    "nondeterministic_output");
  pttl.history = {{"2.8.0", "Added the -2 reply."}};
  table.add(std::move(pttl));
  table.add(expire_getter("expiretime", expiretime_command,
                          "Get the expiration Unix timestamp for a key", "7.0.0"));
  table.add(expire_getter("pexpiretime", pexpiretime_command,
                          "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0"));

  // PERSIST is a setter with no time and no options.
  CommandSpec persist =
      expire_setter("persist", persist_command, "Remove the expiration from a key", "2.2.0", {});
  persist.arity = 2;
  persist.arguments = {arg::key("key", 0)};
  persist.history.clear();
  table.add(std::move(persist));
}

}  // namespace mini_redis::commands
