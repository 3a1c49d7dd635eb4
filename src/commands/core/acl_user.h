// ACL users: who may run what, on which keys and channels (Redis 7.0's ACL).
//
// A user is a name plus four kinds of permission, each set by the rules of
// ACL SETUSER ("on", ">secret", "+get", "~cache:*", "&news"):
//
//   - flags: on/off (may it authenticate?), nopass (any password will do),
//     and the sanitize-payload pair (stored and shown only);
//   - passwords: SHA-256 hashes, never the passwords themselves;
//   - commands: one bit per command and subcommand, indexed by the row's
//     stats_id (command_table.h), plus "first arguments" (+select|0 allows
//     SELECT 0 only), plus Redis's "all commands" mark that +@all sets so that
//     a user made with +@all ... -x is described that way again;
//   - keys (~pattern, %R~ read only, %W~ write only) and Pub/Sub channels
//     (&pattern), or all of them (allkeys, allchannels).
//
// What this is not: the parser of the rules is acl_rules.cpp, the check a
// command goes through before it runs is acl_check.cpp, the ACL LOG is
// acl_log.h. Selectors, Redis 7.0's "(...)" groups of rules, are refused.
//
// AccessControl is the table of users, owned by the server and reached
// through Context; the "default" user always exists, and a new connection
// runs as it (authenticated at once if it has nopass and is on).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/acl_log.h"

namespace mini_redis::commands {

class CommandTable;
struct CommandSpec;

// One ~pattern of a user, with what it grants: %R~ reading, %W~ writing,
// plain ~ (%RW~) both.
struct KeyPattern {
  std::string pattern;
  bool read = true;
  bool write = true;
};

struct AclUser {
  std::string name;
  bool enabled = false;  // "on"
  bool nopass = false;
  bool skip_sanitize_payload = false;
  bool sanitize_payload = false;
  std::vector<std::string> password_hashes;  // lower-case hex SHA-256, oldest first

  // Commands, one bit per CommandSpec::stats_id.
  std::vector<std::uint64_t> command_bits;
  // Redis's reserved "future commands" bit: set by +@all (allcommands),
  // cleared only by -@all (nocommands). A user that has it is described
  // from "+@all" ("+@all -x"), others from "-@all" ("-@all +a +b").
  bool all_commands = false;
  // +select|0: the first arguments allowed for a command whose bit is off,
  // by stats_id.
  std::map<std::size_t, std::vector<std::string>> first_args;

  bool all_keys = false;
  std::vector<KeyPattern> key_patterns;
  bool all_channels = false;
  std::vector<std::string> channel_patterns;

  // True when nothing can be refused: every command, key and channel. The
  // dispatcher tests only this for the common case (the default user), so
  // it is kept up to date by every change (refresh_unrestricted).
  bool unrestricted = false;

  [[nodiscard]] bool command_bit(std::size_t id) const {
    const std::size_t word = id / 64;
    return word < command_bits.size() && ((command_bits[word] >> (id % 64)) & 1U) != 0;
  }
  void set_command_bit(std::size_t id, bool allowed);
  void refresh_unrestricted();
};

// The users, by name (sorted, as ACL USERS and ACL LIST show them), and the
// ACL LOG.
class AccessControl {
 public:
  // Starts with the default user of a fresh Redis: on, nopass, ~* &* +@all.
  explicit AccessControl(const CommandTable& commands);

  [[nodiscard]] std::shared_ptr<AclUser> find(std::string_view name) const;
  [[nodiscard]] const std::shared_ptr<AclUser>& default_user() const { return default_user_; }
  // What ACL SETUSER starts a new user from: off, no password, -@all, no
  // keys, and every channel or none as acl-pubsub-default says.
  static AclUser blank_user(const AccessControl& acl, std::string_view name, bool all_channels);
  // Adds (or replaces) a user by its name.
  void add(AclUser user);
  // False when there is no such user. The default user is never removed.
  bool remove(std::string_view name);
  // Replaces every user but the default one by `users` (ACL LOAD); the
  // default user takes the permissions of users' "default", if given.
  void replace_all(std::map<std::string, std::shared_ptr<AclUser>, std::less<>> users);
  [[nodiscard]] const std::map<std::string, std::shared_ptr<AclUser>, std::less<>>& users() const {
    return users_;
  }

  // requirepass, as Redis 7 applies it: the default user becomes
  // "resetpass >password", or "nopass" for an empty one.
  void apply_requirepass(std::string_view password);

  // Redis's authRequired(): clients must AUTH before anything else when the
  // default user needs a password or is off.
  [[nodiscard]] bool auth_required() const {
    return !default_user_->nopass || !default_user_->enabled;
  }
  // Every command and subcommand, depth first (a command, then its
  // subcommands), with its categories as bits of acl_category_names():
  // built once, so that category rules and descriptions need no parsing.
  struct FlatCommand {
    const CommandSpec* spec;
    std::uint32_t categories;
  };
  [[nodiscard]] const std::vector<FlatCommand>& flat_commands() const { return flat_commands_; }
  // How many command bits a user needs (one per stats_id).
  [[nodiscard]] std::size_t command_count() const { return command_count_; }
  [[nodiscard]] const CommandTable& commands() const { return *commands_; }

  AclLog log;

 private:
  const CommandTable* commands_;
  std::size_t command_count_ = 0;
  std::vector<FlatCommand> flat_commands_;
  std::map<std::string, std::shared_ptr<AclUser>, std::less<>> users_;
  std::shared_ptr<AclUser> default_user_;
};

// ---- rules (acl_rules.cpp) ------------------------------------------------------

// Applies one ACL SETUSER rule to `user`. Returns Redis's reason when the
// rule is refused ("Syntax error", "Unknown command or category name in
// ACL"...), without the "Error in ACL SETUSER modifier" prefix.
// `pubsub_all_channels` is acl-pubsub-default, which `reset` follows.
std::optional<std::string> apply_acl_rule(AclUser& user, std::string_view rule,
                                          const AccessControl& acl, bool pubsub_all_channels);

// "Usernames can't contain spaces or null characters" applies to these.
bool is_valid_username(std::string_view name);

// ---- descriptions (acl_describe.cpp) ----------------------------------------------

// The command rules that rebuild the user's bits, as ACL GETUSER and ACL
// LIST show them: "+@all -@dangerous", "-@all +get +set".
std::string describe_commands(const AclUser& user, const AccessControl& acl);
// "~* ", "~a %R~b " (each pattern followed by a space), or "".
std::string describe_keys(const AclUser& user);
// The line ACL LIST and ACL SAVE write, without "user <name> ".
std::string describe_user(const AclUser& user, const AccessControl& acl);
// The ACL categories Redis 7.0 knows, in ACL CAT's order.
const std::vector<std::string_view>& acl_category_names();
// Bit `1 << i` for category i of acl_category_names(): the categories of one row.
std::uint32_t category_mask(const CommandSpec& spec);

// ---- passwords (acl_password.cpp) -------------------------------------------------

// The lower-case hex SHA-256 of `password` (OpenSSL), as Redis stores it.
std::string hash_password(std::string_view password);
// Does `password` open `user`? nopass users take any; the comparison of
// hashes takes the same time wherever they differ.
bool password_matches(const AclUser& user, std::string_view password);
// `bits` random bits (rounded up to whole hex digits) from the system's
// generator, as ACL GENPASS answers them.
std::string random_hex_password(std::size_t bits);

}  // namespace mini_redis::commands
