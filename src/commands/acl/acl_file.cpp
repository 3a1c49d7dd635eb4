// ACL LOAD and ACL SAVE: the users in the file named by `aclfile`, one per
// line, as ACL LIST shows them:
//
//     user alice on #<sha256> ~cache:* resetchannels -@all +get
//
// Reading follows Redis 7.0 (ACLLoadFromFile) closely, because operators
// edit these files by hand and read its errors:
//   - each line is trimmed; empty lines are skipped (a '#' comment is not:
//     it is a line that does not start with "user");
//   - words are split on single spaces, with no quoting;
//   - every line is checked and every problem reported in one error; if
//     there is any, nothing changes;
//   - a user may appear once.
// On success the users are replaced all at once, and the clients that ran
// as the users replaced are disconnected (the default user stays the same
// user, with the file's permissions, so its clients stay).
//
// Saving writes the whole table to a temporary file first and renames it
// over the old one, so a crash never leaves half a file.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "commands/acl/acl_commands.h"
#include "common/ascii.h"

namespace mini_redis::commands {

namespace {

constexpr std::string_view kNoAclFile =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify users "
    "via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis "
    "configuration file set) in order to store users in the Redis configuration.";

std::string_view trim(std::string_view line) {
  const std::size_t first = line.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const std::size_t last = line.find_last_not_of(" \t\r\n");
  return line.substr(first, last - first + 1);
}

std::vector<std::string> split_on_spaces(std::string_view line) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (true) {
    const std::size_t space = line.find(' ', start);
    words.emplace_back(line.substr(start, space - start));
    if (space == std::string_view::npos) return words;
    start = space + 1;
  }
}

// Reads `user <name> <rule>...` lines, already split into words. Every line
// is read; the problems are returned, one per bad line, "<where>:<line>:
// <reason>. ", and `users` holds the users of the good lines.
std::vector<std::string> parse_user_lines(std::span<const std::vector<std::string>> lines,
                                          std::string_view where, const AccessControl& acl,
                                          bool pubsub_all_channels, UserTable& users) {
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::vector<std::string>& words = lines[i];
    const std::string line_number = std::to_string(i + 1);
    if (words.empty()) continue;
    if (words.size() < 2 || words[0] != "user" || !is_valid_username(words[1])) {
      problems.push_back(std::string(where) + ":" + line_number +
                         " should start with user keyword followed by the username. ");
      continue;
    }
    if (users.contains(words[1])) {
      problems.push_back("WARNING: Duplicate user '" + words[1] + "' found on line " + line_number +
                         ". ");
      continue;
    }
    AclUser user = AccessControl::blank_user(acl, words[1], pubsub_all_channels);
    std::optional<std::string> reason;
    for (std::size_t w = 2; w < words.size() && !reason; ++w) {
      reason = apply_acl_rule(user, words[w], acl, pubsub_all_channels);
    }
    if (reason) {
      problems.push_back(std::string(where) + ":" + line_number + ": " + *reason + ". ");
      continue;
    }
    std::string name = user.name;  // before `user` is moved away
    users.emplace(std::move(name), std::make_shared<AclUser>(std::move(user)));
  }
  return problems;
}

}  // namespace

std::optional<std::string> read_config_users(std::span<const std::vector<std::string>> lines,
                                             const AccessControl& acl, bool pubsub_all_channels,
                                             UserTable& users) {
  for (const std::vector<std::string>& words : lines) {
    const std::string& name = words[1];
    if (users.contains(name)) {
      return "Duplicate user found. A user can only be defined once in config files";
    }
    AclUser user = AccessControl::blank_user(acl, name, pubsub_all_channels);
    for (std::size_t w = 2; w < words.size(); ++w) {
      if (auto reason = apply_acl_rule(user, words[w], acl, pubsub_all_channels)) {
        return "Error loading ACL rule '" + words[w] + "' for the user named '" + name +
               "': " + *reason;
      }
    }
    users.emplace(name, std::make_shared<AclUser>(std::move(user)));
  }
  return std::nullopt;
}

std::optional<std::string> read_acl_file(const std::string& path, const AccessControl& acl,
                                         bool pubsub_all_channels, UserTable& users) {
  std::ifstream file(path);
  if (!file) {
    return "Error loading ACLs, opening file '" + path + "': " + std::strerror(errno);
  }
  std::vector<std::vector<std::string>> lines;
  std::string line;
  while (std::getline(file, line)) {
    const std::string_view trimmed = trim(line);
    lines.push_back(trimmed.empty() ? std::vector<std::string>{} : split_on_spaces(trimmed));
  }
  const std::vector<std::string> problems =
      parse_user_lines(lines, path, acl, pubsub_all_channels, users);
  if (problems.empty()) return std::nullopt;
  std::string text;
  for (const std::string& problem : problems) text += problem;
  text +=
      "WARNING: ACL errors detected, no change to the previously active ACL rules was "
      "performed";
  return text;
}

void acl_load_command(Context& ctx, Arguments /*args*/) {
  if (ctx.config.aclfile.empty()) {
    ctx.reply.error(kNoAclFile);
    return;
  }
  UserTable users;
  const bool all_channels = ctx.config.acl_pubsub_default == "allchannels";
  if (auto error = read_acl_file(ctx.config.aclfile, *ctx.acl, all_channels, users)) {
    ctx.reply.error("ERR " + *error);
    return;
  }
  // Every user but the default one is replaced by a new object: the clients
  // of the old ones must go, as in Redis 7.0.
  std::vector<std::shared_ptr<AclUser>> replaced;
  for (const auto& [name, user] : ctx.acl->users()) {
    if (user != ctx.acl->default_user()) replaced.push_back(user);
  }
  ctx.acl->replace_all(std::move(users));
  disconnect_users(ctx, replaced);
  ctx.reply.ok();
}

void acl_save_command(Context& ctx, Arguments /*args*/) {
  const std::string& path = ctx.config.aclfile;
  if (path.empty()) {
    ctx.reply.error(kNoAclFile);
    return;
  }
  std::ostringstream text;
  for (const auto& [name, user] : ctx.acl->users()) {
    text << "user " << name << ' ' << describe_user(*user, *ctx.acl) << '\n';
  }
  const std::string temporary = path + ".tmp-mini-redis";
  {
    std::ofstream file(temporary, std::ios::trunc);
    file << text.str();
    file.flush();
    if (!file) {
      ctx.reply.error(
          "ERR There was an error trying to save the ACLs. Please check the server "
          "logs for more information");
      return;
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    ctx.reply.error(
        "ERR There was an error trying to save the ACLs. Please check the server logs "
        "for more information");
    return;
  }
  ctx.reply.ok();
}

}  // namespace mini_redis::commands
