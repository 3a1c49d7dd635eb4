// Workshop copy of src/commands/strings/string_commands.cpp, made by workshop/generate.py.
// Write the parts marked TODO. `make workshop-diff FILE=commands/strings/string_commands.cpp` compares
// your version with the real one; `make workshop-solve STEP=n` fills a step in.
// GET and SET, and the commands that are really GET and SET with a twist:
//
//   SET k v [NX|XX] [GET] [EX s|PX ms|EXAT t|PXAT t|KEEPTTL]
//   SETNX k v          = SET k v NX, answering 1 or 0
//   SETEX k s v        = SET k v EX s        PSETEX k ms v = SET k v PX ms
//   GETSET k v         = SET k v GET         GETDEL k      = GET, then DEL
//   GETEX k [EX s|PX ms|EXAT t|PXAT t|PERSIST]   GET that also changes the TTL
//
// Every expire time ends up as one absolute Unix time in milliseconds, the
// only thing storage keeps (see expire_at_or_reply below).
//
// GET and SET are the hottest path of the server: nothing here allocates on
// that path. Options are parsed into a small struct of views, and the reply
// is written straight from the stored bytes.
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "commands/core/arguments.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/type_check.h"
#include "commands/strings/string_commands.h"
#include "storage/string_block.h"

#include "common/not_implemented.h"

namespace mini_redis::commands {

namespace {

// ---- options shared by SET and GETEX ----------------------------------------------

// The time-to-live words. They exclude each other ("EX 10 PX 10" is a syntax
// error), but repeating the same one is allowed and the last value wins, as
// in Redis 7.0 ("SET k v EX 1 EX 100" keeps 100 s).
enum class TtlOption : std::uint8_t { none, ex, px, exat, pxat, keepttl, persist };

struct SetOptions {
  bool nx = false;   // only if the key does not exist
  bool xx = false;   // only if it exists
  bool get = false;  // answer the old value instead of OK
  TtlOption ttl = TtlOption::none;
  std::string_view ttl_argument{};  // the number after EX/PX/EXAT/PXAT

  [[nodiscard]] bool sets_expire_time() const {
    return ttl == TtlOption::ex || ttl == TtlOption::px || ttl == TtlOption::exat ||
           ttl == TtlOption::pxat;
  }
};

// SET and GETEX read their options with one parser (Redis's
// parseExtendedStringArgumentsOrReply); each accepts only its own words.
enum class OptionsFor : std::uint8_t { set, getex };

// Reads `words` (what follows `SET key value` or `GETEX key`). Any word that
// is unknown, misplaced or in conflict is "ERR syntax error". Numbers are not
// read yet: "SET k v EX abc FOO" is a syntax error, not a bad integer.
std::optional<SetOptions> parse_set_options(Context& ctx, Arguments words, OptionsFor command) {
  SetOptions options;
  const bool is_set = command == OptionsFor::set;

  // A TTL word is welcome when no other TTL word came before it.
  auto accepts_ttl = [&options](TtlOption wanted) {
    return options.ttl == TtlOption::none || options.ttl == wanted;
  };
  auto timed_word = [](std::string_view word) {
    if (equals_ignore_case(word, "ex")) return TtlOption::ex;
    if (equals_ignore_case(word, "px")) return TtlOption::px;
    if (equals_ignore_case(word, "exat")) return TtlOption::exat;
    if (equals_ignore_case(word, "pxat")) return TtlOption::pxat;
    return TtlOption::none;
  };

  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view word = words[i];
    const bool has_next = i + 1 < words.size();
    const TtlOption timed = timed_word(word);

    if (is_set && equals_ignore_case(word, "nx") && !options.xx) {
      options.nx = true;
    } else if (is_set && equals_ignore_case(word, "xx") && !options.nx) {
      options.xx = true;
    } else if (is_set && equals_ignore_case(word, "get")) {
      options.get = true;
    } else if (is_set && equals_ignore_case(word, "keepttl") && accepts_ttl(TtlOption::keepttl)) {
      options.ttl = TtlOption::keepttl;
    } else if (!is_set && equals_ignore_case(word, "persist") && accepts_ttl(TtlOption::persist)) {
      options.ttl = TtlOption::persist;
    } else if (timed != TtlOption::none && accepts_ttl(timed) && has_next) {
      options.ttl = timed;
      options.ttl_argument = words[++i];
    } else {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
  }
  return options;
}

// ---- expire times --------------------------------------------------------------------

enum class TimeUnit : std::uint8_t { seconds, milliseconds };
enum class TimeBase : std::uint8_t { from_now, unix_epoch };

// Turns "EX 10" or "PXAT 1700000000000" into the absolute Unix millisecond
// storage keeps, with Redis 7.0's checks (t_string.c getExpireMillisecondsOrReply):
//   - not an integer                    -> "value is not an integer or out of range"
//   - zero or negative                  -> "invalid expire time in '<command>' command"
//   - seconds that overflow when * 1000 -> the same
//   - a relative time that overflows when added to now -> the same
// So "EXAT 9223372036854775" is accepted (a date far away) but "EX" of the
// same number is not: now + that many seconds does not fit in 64 bits.
std::optional<std::int64_t> expire_at_or_reply(Context& ctx, std::string_view text, TimeUnit unit,
                                               TimeBase base, std::string_view command) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::optional<std::int64_t> number = integer_or_reply(ctx, text);
  if (!number) return std::nullopt;

  std::int64_t ms = *number;
  if (ms <= 0 || (unit == TimeUnit::seconds && ms > kMax / 1000)) {
    ctx.reply.error(errors::invalid_expire_time(command));
    return std::nullopt;
  }
  if (unit == TimeUnit::seconds) ms *= 1000;
  if (base == TimeBase::from_now) {
    const std::int64_t now = ctx.now_ms();
    if (ms > kMax - now) {
      ctx.reply.error(errors::invalid_expire_time(command));
      return std::nullopt;
    }
    ms += now;
  }
  return ms;
}

std::optional<std::int64_t> expire_at_or_reply(Context& ctx, const SetOptions& options,
                                               std::string_view command) {
  const bool seconds = options.ttl == TtlOption::ex || options.ttl == TtlOption::exat;
  const bool relative = options.ttl == TtlOption::ex || options.ttl == TtlOption::px;
  return expire_at_or_reply(ctx, options.ttl_argument,
                            seconds ? TimeUnit::seconds : TimeUnit::milliseconds,
                            relative ? TimeBase::from_now : TimeBase::unix_epoch, command);
}

}  // namespace

// ---- GET ---------------------------------------------------------------------------------

// Replies the value of `key`, or null ($-1 in RESP2, _ in RESP3) when absent,
// or WRONGTYPE when the key holds a list, a hash... Says which it was.
Found reply_value(Context& ctx, std::string_view key) {
  const storage::Entry* entry = ctx.db().lookup_for_read(key);
  if (!check_type(ctx, entry, storage::ValueType::string)) return Found::wrong_type;
  // workshop: begin step 3, reply_value
  // GET: `entry` is what lookup_for_read(key), step 2's, found: a string, or
  // nullptr when the key is absent. No entry: reply null() and return
  // Found::nothing. Else reply the entry's value() as a bulk string and
  // return Found::value.
  // 日本語:
  // GET: `entry` は lookup_for_read(key) (ステップ 2) が見つけたもの: 文字列か、キーが
  // なければ nullptr。エントリーがなければ null() を返信して Found::nothing を返します。
  // あればエントリーの value() をバルク文字列で返信し、Found::value を返します。
  // TODO(step 3): write this part, then delete the not_implemented line.
  not_implemented(3, "commands/strings/string_commands.cpp: reply_value");
  // workshop: end
}

namespace {

void get_command(Context& ctx, Arguments args) {
  if (reply_value(ctx, args[1]) == Found::nothing) notify_key_miss(ctx, args[1]);
}

// ---- SET -----------------------------------------------------------------------------------

// What SET, SETNX, SETEX and PSETEX do once their arguments are read
// (Redis's setGenericCommand). The answers differ: SET says +OK or null,
// SETNX :1 or :0, so the caller says which. With GET, the old value (or
// null) is the whole answer, whether or not the write happened.
struct SetReplies {
  bool integer_replies = false;  // SETNX: :1 when set, :0 when not
};

// What follows a SET's write: the events and the reply.
void announce_and_reply_set(Context& ctx, std::string_view key, const SetOptions& options,
                            SetReplies replies) {
  // Redis announces the write, then the time to live ("new", if the key is
  // new, came from storage before both).
  notify_keyspace_event(ctx, notify::kString, "set", key);
  if (options.sets_expire_time()) notify_keyspace_event(ctx, notify::kGeneric, "expire", key);

  if (options.get) return;
  if (replies.integer_replies) {
    ctx.reply.integer(1);
  } else {
    ctx.reply.ok();
  }
}

void set_generic(Context& ctx, std::string_view key, std::string_view value,
                 const SetOptions& options, std::string_view command, SetReplies replies = {}) {
  // Every number is checked before anything is read or written.
  std::int64_t expire_at = 0;
  if (options.sets_expire_time()) {
    std::optional<std::int64_t> at = expire_at_or_reply(ctx, options, command);
    if (!at) return;
    expire_at = *at;
  }

  storage::Database& db = ctx.db();
  // SET ... GET answers the old value before writing (and counts as a read,
  // so a missing key is a "keymiss" too). A key of another type is an error
  // then, and nothing is written; without GET, SET overwrites any type.
  if (options.get) {
    const Found old = reply_value(ctx, key);
    if (old == Found::wrong_type) return;
    if (old == Found::nothing) notify_key_miss(ctx, key);
  }

  if (options.nx || options.xx) {
    const bool found = db.lookup_for_write(key) != nullptr;
    if ((options.nx && found) || (options.xx && !found)) {
      if (options.get) return;
      if (replies.integer_replies) {
        ctx.reply.integer(0);
      } else {
        ctx.reply.null();
      }
      return;
    }
  }

  // A value of a megabyte or more arrived in a block of its own
  // (storage/string_block.h): the block becomes the entry and the value is
  // not copied, as Redis's SET keeps a big argument's buffer as the value.
  if (storage::StringBlock* block =
          ctx.big_arguments != nullptr ? ctx.big_arguments->find(value) : nullptr) {
    storage::Entry& entry =
        db.set_adopting(key, *block, /*keep_ttl=*/options.ttl == TtlOption::keepttl);
    if (options.sets_expire_time()) db.set_expire_at(entry, expire_at);
    announce_and_reply_set(ctx, key, options, replies);
    return;
  }

  // workshop: begin step 3, set_generic
  // SET's write: db.set(key, value, keep_ttl) stores the value and returns
  // the Entry. keep_ttl is true only for SET ... KEEPTTL: options.ttl ==
  // TtlOption::keepttl, as in the set_adopting call above. When an option
  // gave a time (options.sets_expire_time()), db.set_expire_at(entry,
  // expire_at). The reply (+OK, or :1 for SETNX) is written below.
  // 日本語:
  // SET の書き込み: db.set(key, value, keep_ttl) が値を保存し、Entry を返します。
  // keep_ttl が true なのは SET ... KEEPTTL のときだけです: options.ttl ==
  // TtlOption::keepttl (上の set_adopting の呼び出しと同じ)。オプションが時刻を与えたとき
  // (options.sets_expire_time())、db.set_expire_at(entry, expire_at)。応答 (+OK、SETNX
  // なら :1) はこの下で書かれます。
  // TODO(step 3): write this part, then delete the not_implemented line.
  not_implemented(3, "commands/strings/string_commands.cpp: set_generic");
  // workshop: end

  announce_and_reply_set(ctx, key, options, replies);
}

void set_command(Context& ctx, Arguments args) {
  std::optional<SetOptions> options = parse_set_options(ctx, args.subspan(3), OptionsFor::set);
  if (!options) return;
  set_generic(ctx, args[1], args[2], *options, "set");
}

// SETNX key value: 1 if the key was set, 0 if it already existed.
void setnx_command(Context& ctx, Arguments args) {
  set_generic(ctx, args[1], args[2], SetOptions{.nx = true}, "setnx",
              SetReplies{.integer_replies = true});
}

// SETEX key seconds value (note the order: the time comes before the value).
void setex_command(Context& ctx, Arguments args) {
  set_generic(ctx, args[1], args[3], SetOptions{.ttl = TtlOption::ex, .ttl_argument = args[2]},
              "setex");
}

void psetex_command(Context& ctx, Arguments args) {
  set_generic(ctx, args[1], args[3], SetOptions{.ttl = TtlOption::px, .ttl_argument = args[2]},
              "psetex");
}

// GETSET key value: the old value, then the new one is stored (its TTL cleared).
void getset_command(Context& ctx, Arguments args) {
  set_generic(ctx, args[1], args[2], SetOptions{.get = true}, "getset");
}

// ---- GETDEL, GETEX -----------------------------------------------------------------------

void getdel_command(Context& ctx, Arguments args) {
  // Reply first: the bytes live in the entry that erase() frees.
  const Found found = reply_value(ctx, args[1]);
  if (found != Found::value) {
    if (found == Found::nothing) notify_key_miss(ctx, args[1]);
    return;
  }
  ctx.db().erase(args[1]);
  notify_keyspace_event(ctx, notify::kGeneric, "del", args[1]);
}

void getex_command(Context& ctx, Arguments args) {
  std::optional<SetOptions> options = parse_set_options(ctx, args.subspan(2), OptionsFor::getex);
  if (!options) return;

  storage::Database& db = ctx.db();
  storage::Entry* entry = db.lookup_for_read(args[1]);
  if (!check_type(ctx, entry, storage::ValueType::string)) return;
  // A missing key answers null even when the time is invalid: Redis looks
  // the key up before it reads the number.
  if (entry == nullptr) {
    notify_key_miss(ctx, args[1]);
    ctx.reply.null();
    return;
  }
  std::int64_t expire_at = 0;
  if (options->sets_expire_time()) {
    std::optional<std::int64_t> at = expire_at_or_reply(ctx, *options, "getex");
    if (!at) return;
    expire_at = *at;
  }

  ctx.reply.bulk_string(entry->value());
  const bool absolute = options->ttl == TtlOption::exat || options->ttl == TtlOption::pxat;
  if (absolute && expire_at <= ctx.now_ms()) {
    // EXAT/PXAT in the past: Redis deletes the key right away.
    db.erase(args[1]);
    notify_keyspace_event(ctx, notify::kGeneric, "del", args[1]);
  } else if (options->sets_expire_time()) {
    db.set_expire_at(*entry, expire_at);
    notify_keyspace_event(ctx, notify::kGeneric, "expire", args[1]);
  } else if (options->ttl == TtlOption::persist && entry->has_expire()) {
    // Only a key that had a time to live announces "persist".
    db.remove_expire(*entry);
    notify_keyspace_event(ctx, notify::kGeneric, "persist", args[1]);
  }
}

// SET's key flags vary (its key spec says "variable_flags"): with GET it
// reads the old value ("RW access update"), without it only overwrites it
// ("OW update"). COMMAND GETKEYSANDFLAGS and the ACL check ask this, as
// Redis's setGetKeys answers them. Only an argument that is exactly "get"
// (in any case) counts.
KeyPositions set_get_keys(Arguments args) {
  for (std::size_t i = 3; i < args.size(); ++i) {
    if (equals_ignore_case(args[i], "get")) return {{1, "RW access update"}};
  }
  return {{1, "OW update"}};
}

}  // namespace

// Rows as COMMAND INFO and COMMAND DOCS on Redis 7.0 report them.
void register_string_commands(CommandTable& table) {
  using namespace flags;
  table.add({.name = "get",
             .arity = 2,
             .flags = kReadonly | kFast,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = get_command,
             .group = "string",
             .summary = "Get the value of a key",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@read @string @fast",
             .key_specs = "RO access",
             .arguments = {arg::key("key", 0)}});
  table.add(
      {.name = "set",
       .arity = -3,
       .flags = kWrite | kDenyOom,
       .first_key = 1,
       .last_key = 1,
       .key_step = 1,
       .handler = set_command,
       .group = "string",
       .summary = "Set the string value of a key",
       .since = "1.0.0",
       .complexity = "O(1)",
       .acl_categories = "@write @string @slow",
       .key_specs = "RW access update variable_flags",
       .key_spec_notes = "RW and ACCESS due to the optional `GET` argument",
       .get_keys = set_get_keys,
       .arguments = {arg::key("key", 0), arg::string("value"),
                     arg::oneof("condition",
                                {arg::pure_token("nx", "NX"), arg::pure_token("xx", "XX")})
                         .since("2.6.12")
                         .optional(),
                     arg::pure_token("get", "GET").since("6.2.0").optional(),
                     arg::oneof(
                         "expiration",
                         {arg::integer("seconds").token("EX").since("2.6.12"),
                          arg::integer("milliseconds").token("PX").since("2.6.12"),
                          arg::unix_time("unix-time-seconds").token("EXAT").since("6.2.0"),
                          arg::unix_time("unix-time-milliseconds").token("PXAT").since("6.2.0"),
                          arg::pure_token("keepttl", "KEEPTTL").since("6.0.0")})
                         .optional()},
       .history = {{"2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."},
                   {"6.0.0", "Added the `KEEPTTL` option."},
                   {"6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."},
                   {"7.0.0", "Allowed the `NX` and `GET` options to be used together."}}});
  table.add({.name = "setnx",
             .arity = 3,
             .flags = kWrite | kDenyOom | kFast,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = setnx_command,
             .group = "string",
             .summary = "Set the value of a key, only if the key does not exist",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@write @string @fast",
             .key_specs = "OW insert",
             .arguments = {arg::key("key", 0), arg::string("value")}});
  table.add({.name = "setex",
             .arity = 4,
             .flags = kWrite | kDenyOom,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = setex_command,
             .group = "string",
             .summary = "Set the value and expiration of a key",
             .since = "2.0.0",
             .complexity = "O(1)",
             .acl_categories = "@write @string @slow",
             .key_specs = "OW update",
             .arguments = {arg::key("key", 0), arg::integer("seconds"), arg::string("value")}});
  table.add(
      {.name = "psetex",
       .arity = 4,
       .flags = kWrite | kDenyOom,
       .first_key = 1,
       .last_key = 1,
       .key_step = 1,
       .handler = psetex_command,
       .group = "string",
       .summary = "Set the value and expiration in milliseconds of a key",
       .since = "2.6.0",
       .complexity = "O(1)",
       .acl_categories = "@write @string @slow",
       .key_specs = "OW update",
       .arguments = {arg::key("key", 0), arg::integer("milliseconds"), arg::string("value")}});
  table.add({.name = "getset",
             .arity = 3,
             .flags = kWrite | kDenyOom | kFast,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = getset_command,
             .group = "string",
             .summary = "Set the string value of a key and return its old value",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@write @string @fast",
             .key_specs = "RW access update",
             .arguments = {arg::key("key", 0), arg::string("value")},
             .deprecated_since = "6.2.0",
             .replaced_by = "`SET` with the `!GET` argument"});
  table.add({.name = "getdel",
             .arity = 2,
             .flags = kWrite | kFast,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = getdel_command,
             .group = "string",
             .summary = "Get the value of a key and delete the key",
             .since = "6.2.0",
             .complexity = "O(1)",
             .acl_categories = "@write @string @fast",
             .key_specs = "RW access delete",
             .arguments = {arg::key("key", 0)}});
  table.add({.name = "getex",
             .arity = -2,
             .flags = kWrite | kFast,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = getex_command,
             .group = "string",
             .summary = "Get the value of a key and optionally set its expiration",
             .since = "6.2.0",
             .complexity = "O(1)",
             .acl_categories = "@write @string @fast",
             .key_specs = "RW access update",
             .key_spec_notes = "RW and UPDATE because it changes the TTL",
             .arguments = {
                 arg::key("key", 0),
                 arg::oneof("expiration", {arg::integer("seconds").token("EX"),
                                           arg::integer("milliseconds").token("PX"),
                                           arg::unix_time("unix-time-seconds").token("EXAT"),
                                           arg::unix_time("unix-time-milliseconds").token("PXAT"),
                                           arg::pure_token("persist", "PERSIST")})
                     .optional()}});
  register_string_multikey_commands(table);
  register_string_number_commands(table);
  register_string_range_commands(table);
  register_lcs_command(table);
}

}  // namespace mini_redis::commands
