// Workshop copy of src/commands/keys/key_commands.cpp, made by workshop/generate.py.
// Write the parts marked TODO. `make workshop-diff FILE=commands/keys/key_commands.cpp` compares
// your version with the real one; `make workshop-solve STEP=n` fills a step in.
// The generic commands that work on named keys, whatever their type:
// DEL, UNLINK, EXISTS, TOUCH, TYPE, RENAME, RENAMENX, COPY and MOVE.
//
// Each handler follows its page in the Redis docs: read the arguments, run
// the operation through storage::Database's verbs, reply. Which lookup a
// handler uses matters, because Redis's lookups differ in what they count:
//   lookup_for_read          a read: counts a keyspace hit or miss (INFO)
//                            and refreshes the key's access time (TOUCH, COPY)
//   lookup_without_touching  counts, but leaves the access time (EXISTS, TYPE)
//   lookup_for_write         about to modify: counts nothing (RENAME, MOVE)
// All of them apply passive expiry, so an expired key is simply absent here.
#include "commands/keys/key_commands.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "commands/core/arguments.h"
#include "commands/core/errors.h"

#include "common/not_implemented.h"

namespace mini_redis::commands {

namespace {
bool fits_in_int(std::int64_t value) {
  return value >= std::numeric_limits<int>::min() && value <= std::numeric_limits<int>::max();
}
}  // namespace

std::optional<int> int32_or_reply(Context& ctx, std::string_view text) {
  auto value = integer_or_reply(ctx, text);
  if (!value) return std::nullopt;
  if (!fits_in_int(*value)) {
    ctx.reply.error(kNotInt32);
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

std::optional<int> int32_or_reply(Context& ctx, std::string_view text, std::string_view error) {
  auto value = integer_or_reply(ctx, text, error);
  if (!value) return std::nullopt;
  if (!fits_in_int(*value)) {
    ctx.reply.error(error);
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

namespace {

// DEL key [key ...] / UNLINK key [key ...]: the number of keys removed.
// A key named twice is removed once and counted once. Both delete at once;
// UNLINK leaves freeing a big value (a list of many nodes...) to the
// lazy-free thread (storage/lazy_free.h), and so does DEL when
// lazyfree-lazy-user-del is on, as in Redis.
void delete_keys(Context& ctx, Arguments args, bool lazily) {
  std::int64_t removed = 0;
  for (std::string_view key : args.subspan(1)) {
    // workshop: begin step 7, delete_keys
    // Remove `key` and count it in `removed` only when something was really
    // removed: ctx.db().erase(key) (your step 2; ctx.db().unlink(key) when
    // `lazily`) answers false for a key that is missing or already expired,
    // and for the second DEL k of `DEL k k`, so those count 0. For each key
    // removed, tell keyspace listeners: notify_keyspace_event(ctx,
    // notify::kGeneric, "del", key). The reply below sends `removed`.
    // 日本語:
    // `key` を削除し、本当に消せたときだけ `removed` に数えます: ctx.db().erase(key)
    // (ステップ 2 のあなたのコード。`lazily` なら ctx.db().unlink(key)) は、ないキーや
    // 期限切れのキー、そして `DEL k k` の 2 つ目の k には false を返すので、それらは 0 件です。
    // 消したキーごとに、キースペースの購読者へ知らせます: notify_keyspace_event(ctx,
    // notify::kGeneric, "del", key)。下の返信が `removed` を送ります。
    // TODO(step 7): write this part, then delete the not_implemented line.
    not_implemented(7, "commands/keys/key_commands.cpp: delete_keys");
    // workshop: end
  }
  ctx.reply.integer(removed);
}

void del_command(Context& ctx, Arguments args) {
  delete_keys(ctx, args, ctx.config.lazyfree_lazy_user_del);
}

void unlink_command(Context& ctx, Arguments args) {
  delete_keys(ctx, args, /*lazily=*/true);
}

// EXISTS key [key ...]: how many of the named keys exist. Redis counts a key
// each time it is named, so EXISTS k k answers 2 when k exists.
void exists_command(Context& ctx, Arguments args) {
  std::int64_t found = 0;
  for (std::string_view key : args.subspan(1)) {
    // workshop: begin step 7, exists_command
    // Count `key` in `found` if it exists now. lookup_without_touching(ctx,
    // key) finds it (nullptr when missing or expired) without changing its
    // access time, as a read-only check should. Count every time a key is
    // named, repeats included (EXISTS k k is 2), unlike DEL.
    // 日本語:
    // `key` が今あれば `found` に数えます。lookup_without_touching(ctx, key) はキーを探し
    // (ないか期限切れなら nullptr)、読むだけの確認らしく、アクセス時刻は変えません。
    // DEL と違い、名前が出てくるたびに数えます。繰り返しも数えるので EXISTS k k は 2 です。
    // TODO(step 7): write this part, then delete the not_implemented line.
    not_implemented(7, "commands/keys/key_commands.cpp: exists_command");
    // workshop: end
  }
  ctx.reply.integer(found);
}

// TOUCH key [key ...]: reads each key (updating its access time, which is
// what OBJECT IDLETIME reports) and counts the ones that exist, repeats too.
void touch_command(Context& ctx, Arguments args) {
  std::int64_t touched = 0;
  for (std::string_view key : args.subspan(1)) {
    if (ctx.db().lookup_for_read(key) != nullptr) {
      ++touched;
    } else {
      notify_key_miss(ctx, key);
    }
  }
  ctx.reply.integer(touched);
}

// TYPE key: "string", or "none" for a missing key, as a status reply.
void type_command(Context& ctx, Arguments args) {
  const storage::Entry* entry = lookup_without_touching(ctx, args[1]);
  ctx.reply.simple_string(entry == nullptr ? "none" : type_name(entry->type()));
}

// RENAME and RENAMENX share everything but what happens when `destination`
// exists: RENAME overwrites it, RENAMENX leaves it and answers 0.
// The value keeps its time to live under its new name.
void rename_key(Context& ctx, Arguments args, bool only_if_absent) {
  const std::string_view source = args[1];
  const std::string_view destination = args[2];
  storage::Database& db = ctx.db();

  const storage::Entry* entry = db.lookup_for_write(source);
  if (entry == nullptr) {
    ctx.reply.error(errors::kNoSuchKey);
    return;
  }
  // Renaming a key to itself changes nothing; Redis still checks that the key
  // exists first (above), then answers OK, or 0 for RENAMENX.
  if (source == destination) {
    if (only_if_absent) {
      ctx.reply.integer(0);
    } else {
      ctx.reply.ok();
    }
    return;
  }
  if (only_if_absent && db.lookup_for_write(destination) != nullptr) {
    ctx.reply.integer(0);
    return;
  }

  // The value, TTL and access history move to the new name without a copy
  // (storage's rename). Like Redis, an existing destination of any type is
  // deleted first and the key added anew, so the destination is always
  // "new" (a notification subscribers see).
  db.rename(source, destination);
  notify_keyspace_event(ctx, notify::kGeneric, "rename_from", source);
  notify_keyspace_event(ctx, notify::kGeneric, "rename_to", destination);

  if (only_if_absent) {
    ctx.reply.integer(1);
  } else {
    ctx.reply.ok();
  }
}

void rename_command(Context& ctx, Arguments args) {
  rename_key(ctx, args, false);
}
void renamenx_command(Context& ctx, Arguments args) {
  rename_key(ctx, args, true);
}

// COPY source destination [DB destination-db] [REPLACE]: 1 if copied, 0 if
// the source is missing or the destination exists (without REPLACE). The
// copy keeps the source's time to live.
void copy_command(Context& ctx, Arguments args) {
  const std::string_view source = args[1];
  const std::string_view destination = args[2];
  int target_index = ctx.client.db_index;
  bool replace = false;

  // Options are read left to right and a bad DB index fails on the spot,
  // before later words are looked at, as in Redis.
  for (std::size_t i = 3; i < args.size(); ++i) {
    if (equals_ignore_case(args[i], "replace")) {
      replace = true;
    } else if (equals_ignore_case(args[i], "db") && i + 1 < args.size()) {
      auto index = int32_or_reply(ctx, args[i + 1]);
      if (!index) return;
      if (!is_valid_db_index(ctx, *index)) {
        ctx.reply.error(errors::kDbIndexOutOfRange);
        return;
      }
      target_index = *index;
      ++i;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }

  storage::Database& from = ctx.db();
  storage::Database& to = ctx.keyspace.db(target_index);
  if (&from == &to && source == destination) {
    ctx.reply.error(errors::kSameObject);
    return;
  }
  const storage::Entry* entry = from.lookup_for_read(source);
  if (entry == nullptr) {
    notify_key_miss(ctx, source);
    ctx.reply.integer(0);
    return;
  }
  if (!replace && to.lookup_for_write(destination) != nullptr) {
    ctx.reply.integer(0);
    return;
  }
  // An existing destination (REPLACE) is deleted and the key added anew, as
  // Redis does, so that it is "new". The copy is deep (a list gets its own
  // nodes) and keeps the source's TTL, if any.
  to.erase(destination);
  to.add_copy(destination, *entry);
  notify_keyspace_event(ctx, notify::kGeneric, "copy_to", destination, target_index);
  ctx.reply.integer(1);
}

// MOVE key db: moves the key, with its TTL, to another database. 0 if the
// key is missing here or already exists there; nothing is overwritten.
void move_command(Context& ctx, Arguments args) {
  const std::string_view key = args[1];
  auto index = int32_or_reply(ctx, args[2]);
  if (!index) return;
  if (!is_valid_db_index(ctx, *index)) {
    ctx.reply.error(errors::kDbIndexOutOfRange);
    return;
  }
  // Moving a key onto itself is almost surely a mistake, so Redis says so
  // rather than answering 0, and before it even looks at the key.
  if (*index == ctx.client.db_index) {
    ctx.reply.error(errors::kSameObject);
    return;
  }
  storage::Database& from = ctx.db();
  storage::Database& to = ctx.keyspace.db(*index);
  if (from.lookup_for_write(key) == nullptr || to.lookup_for_write(key) != nullptr) {
    ctx.reply.integer(0);
    return;
  }
  // The same entry changes hands: no copy of the value, TTL included.
  to.attach(from.detach(key));
  // "new" in the target came first, from attach(); then both sides.
  notify_keyspace_event(ctx, notify::kGeneric, "move_from", key, ctx.client.db_index);
  notify_keyspace_event(ctx, notify::kGeneric, "move_to", key, *index);
  ctx.reply.integer(1);
}

}  // namespace

void register_key_commands(CommandTable& table) {
  table.add({.name = "del",
             .arity = -2,
             .flags = flags::kWrite,
             .first_key = 1,
             .last_key = -1,
             .key_step = 1,
             .handler = del_command,
             .group = "generic",
             .summary = "Delete a key",
             .since = "1.0.0",
             .complexity = "O(N) where N is the number of keys that will be removed. When a key to "
                           "remove holds a value "
                           "other than a string, the individual complexity for this key is O(M) "
                           "where M is the number of "
                           "elements in the list, set, sorted set or hash. Removing a single key "
                           "that holds a string value "
                           "is O(1).",
             .acl_categories = "@keyspace @write @slow",
             .tips = "request_policy:multi_shard response_policy:agg_sum",
             .key_specs = "RM delete",
             .arguments = {arg::key("key", 0).multiple()}});
  table.add(
      {.name = "unlink",
       .arity = -2,
       .flags = flags::kWrite | flags::kFast,
       .first_key = 1,
       .last_key = -1,
       .key_step = 1,
       .handler = unlink_command,
       .group = "generic",
       .summary =
           "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
           "blocking.",
       .since = "4.0.0",
       .complexity =
           "O(1) for each key removed regardless of its size. Then the command does O(N) work in a "
           "different thread in order to reclaim memory, where N is the number of allocations the "
           "deleted "
           "objects where composed of.",
       .acl_categories = "@keyspace @write @fast",
       .tips = "request_policy:multi_shard response_policy:agg_sum",
       .key_specs = "RM delete",
       .arguments = {arg::key("key", 0).multiple()}});
  table.add({.name = "exists",
             .arity = -2,
             .flags = flags::kReadonly | flags::kFast,
             .first_key = 1,
             .last_key = -1,
             .key_step = 1,
             .handler = exists_command,
             .group = "generic",
             .summary = "Determine if a key exists",
             .since = "1.0.0",
             .complexity = "O(N) where N is the number of keys to check.",
             .acl_categories = "@keyspace @read @fast",
             .tips = "request_policy:multi_shard response_policy:agg_sum",
             .key_specs = "RO",
             .arguments = {arg::key("key", 0).multiple()},
             .history = {{"3.0.3", "Accepts multiple `key` arguments."}}});
  table.add({.name = "touch",
             .arity = -2,
             .flags = flags::kReadonly | flags::kFast,
             .first_key = 1,
             .last_key = -1,
             .key_step = 1,
             .handler = touch_command,
             .group = "generic",
             .summary = "Alters the last access time of a key(s). Returns the number of existing "
                        "keys specified.",
             .since = "3.2.1",
             .complexity = "O(N) where N is the number of keys that will be touched.",
             .acl_categories = "@keyspace @read @fast",
             .tips = "request_policy:multi_shard response_policy:agg_sum",
             .key_specs = "RO",
             .arguments = {arg::key("key", 0).multiple()}});
  table.add({.name = "type",
             .arity = 2,
             .flags = flags::kReadonly | flags::kFast,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = type_command,
             .group = "generic",
             .summary = "Determine the type stored at key",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@keyspace @read @fast",
             .tips = "",
             .key_specs = "RO",
             .arguments = {arg::key("key", 0)}});
  table.add({.name = "rename",
             .arity = 3,
             .flags = flags::kWrite,
             .first_key = 1,
             .last_key = 2,
             .key_step = 1,
             .handler = rename_command,
             .group = "generic",
             .summary = "Rename a key",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@keyspace @write @slow",
             .tips = "",
             .key_specs = "RW access delete|OW update",
             .arguments = {arg::key("key", 0), arg::key("newkey", 1)}});
  table.add({.name = "renamenx",
             .arity = 3,
             .flags = flags::kWrite | flags::kFast,
             .first_key = 1,
             .last_key = 2,
             .key_step = 1,
             .handler = renamenx_command,
             .group = "generic",
             .summary = "Rename a key, only if the new key does not exist",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@keyspace @write @fast",
             .tips = "",
             .key_specs = "RW access delete|OW insert",
             .arguments = {arg::key("key", 0), arg::key("newkey", 1)},
             .history = {{"3.2.0",
                          "The command no longer returns an error when source and destination "
                          "names are the same."}}});
  table.add({.name = "copy",
             .arity = -3,
             .flags = flags::kWrite | flags::kDenyOom,
             .first_key = 1,
             .last_key = 2,
             .key_step = 1,
             .handler = copy_command,
             .group = "generic",
             .summary = "Copy a key",
             .since = "6.2.0",
             .complexity =
                 "O(N) worst case for collections, where N is the number of nested items. O(1) for "
                 "string values.",
             .acl_categories = "@keyspace @write @slow",
             .tips = "",
             .key_specs = "RO access|OW update",
             .arguments = {arg::key("source", 0), arg::key("destination", 1),
                           arg::integer("destination-db").token("DB").optional(),
                           arg::pure_token("replace", "REPLACE").optional()}});
  table.add({.name = "move",
             .arity = 3,
             .flags = flags::kWrite | flags::kFast,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = move_command,
             .group = "generic",
             .summary = "Move a key to another database",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@keyspace @write @fast",
             .tips = "",
             .key_specs = "RW access update",
             .arguments = {arg::key("key", 0), arg::integer("db")}});

  register_keyspace_scan_commands(table);
  register_database_commands(table);
}

}  // namespace mini_redis::commands
