#include "commands/core/propagation.h"

#include <algorithm>

#include "commands/core/command_table.h"
#include "common/ascii.h"

namespace mini_redis::commands {

namespace {

const std::vector<std::string> kMultiCommand{"MULTI"};
const std::vector<std::string> kExecCommand{"EXEC"};

// EXEC and the script commands are containers: what they did is what the
// commands inside them did, and those went through end_call() themselves.
bool is_container(const CommandSpec& spec) {
  static constexpr std::string_view kContainers[] = {"exec",       "eval",  "evalsha", "eval_ro",
                                                     "evalsha_ro", "fcall", "fcall_ro"};
  return std::find(std::begin(kContainers), std::end(kContainers), spec.full_name) !=
         std::end(kContainers);
}

std::vector<std::string> words(std::span<const std::string_view> args) {
  return {args.begin(), args.end()};
}

bool has_word(std::span<const std::string_view> args, std::initializer_list<std::string_view> any) {
  return std::any_of(args.begin() + 1, args.end(), [&](std::string_view arg) {
    return std::any_of(any.begin(), any.end(),
                       [&](std::string_view word) { return equals_ignore_case(arg, word); });
  });
}

// The key's state after the command: its absolute expire time, or nothing
// (no such key, or no TTL). Read without counting an access.
const storage::Entry* key_after(Context& ctx, std::string_view key) {
  return ctx.db().peek(key);
}

// Commands whose arguments hold a time relative to "now" are logged with
// the absolute time the command set, read back from the key itself, so that
// a replay tomorrow sets the same deadline (Redis rewrites them the same
// way: setGenericCommand, expireGenericCommand, getexCommand, restoreCommand).
std::vector<std::string> absolute_form(Context& ctx, const CommandSpec& spec,
                                       std::span<const std::string_view> args) {
  const std::string_view name = spec.full_name;
  if (args.size() < 2) return words(args);
  const std::string key(args[1]);
  const storage::Entry* entry = key_after(ctx, key);
  const bool expires = entry != nullptr && entry->has_expire();
  const std::string at = expires ? std::to_string(entry->expire_at_ms()) : std::string();

  if (name == "set" && args.size() >= 3 && has_word(args, {"ex", "px", "exat"})) {
    if (expires) return {"SET", key, std::string(args[2]), "PXAT", at};
    return words(args);
  }
  if ((name == "setex" || name == "psetex") && args.size() == 4) {
    if (expires) return {"SET", key, std::string(args[3]), "PXAT", at};
    return {"SET", key, std::string(args[3])};
  }
  if (name == "expire" || name == "pexpire" || name == "expireat" || name == "pexpireat" ||
      name == "getex") {
    if (entry == nullptr) return {"DEL", key};  // a time in the past deleted it
    if (expires) return {"PEXPIREAT", key, at};
    return {"PERSIST", key};  // GETEX PERSIST
  }
  if (name == "getdel") return {"DEL", key};
  if (name == "restore" && expires && args.size() >= 4) {
    std::vector<std::string> argv = words(args);
    argv[2] = at;
    if (!has_word(args.subspan(3), {"absttl"})) argv.emplace_back("ABSTTL");
    return argv;
  }
  return words(args);
}

}  // namespace

void Propagation::end_call(Context& ctx, const CommandSpec& spec,
                           std::span<const std::string_view> args, bool changed) {
  --depth_;
  if (log_ == nullptr) return;
  if (!is_container(spec) && changed) {
    if (replaced_with_many_) {
      for (std::vector<std::string>& argv : replacements_) {
        add(ctx.client.db_index, std::move(argv));
      }
    } else if (!replacement_.empty()) {
      add(ctx.client.db_index, std::move(replacement_));
    } else {
      add(ctx.client.db_index, absolute_form(ctx, spec, args));
    }
  }
  replacement_.clear();
  replacements_.clear();
  replaced_with_many_ = false;
  if (depth_ == 0) flush();
}

void Propagation::key_deleted(int db_index, std::string_view key) {
  if (log_ == nullptr) return;
  add(db_index, {"DEL", std::string(key)});
  if (depth_ == 0) flush();
}

void Propagation::add(int db_index, std::vector<std::string> argv) {
  pending_.push_back({db_index, std::move(argv)});
}

void Propagation::flush() {
  if (pending_.empty()) return;
  // One command is atomic by itself; several (a transaction, a script, a
  // command that also expired a key) go inside MULTI/EXEC so that a replay
  // applies all or nothing, as Redis 7.0 wraps them.
  const bool wrap = pending_.size() > 1;
  if (wrap) log_->append(pending_.front().db_index, kMultiCommand);
  for (const Pending& op : pending_) log_->append(op.db_index, op.argv);
  if (wrap) log_->append(pending_.back().db_index, kExecCommand);
  pending_.clear();
}

}  // namespace mini_redis::commands
