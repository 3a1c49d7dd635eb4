// A libFuzzer target for the ACL rule parser (commands/core/acl_rules.cpp)
// and the description of users (acl_describe.cpp).
//
// ACL SETUSER rules come from clients, and from config and ACL files that
// people edit by hand. Each input is a list of rules, one per line; the
// target applies them, in order, to a new user, as ACL SETUSER does, and
// checks what must always hold:
//
//   - nothing crashes or reads out of bounds (AddressSanitizer, UBSan),
//     whatever the rule: "+client|kill|x", "%RWX~", "#" with 63 digits...;
//   - a refused rule has a reason, with no "\r" or "\n" in it (the reason
//     goes into an error line);
//   - the round trip: the user, described as ACL LIST shows it and read
//     back rule by rule into a fresh user, is the same user (flags,
//     passwords, command bits, first arguments, keys, channels). That is
//     what ACL SAVE followed by ACL LOAD relies on. It is checked when no
//     rule holds a space (a description is split on spaces, as Redis's ACL
//     file is, and Redis accepts "+get|a b") and no key pattern is "*"
//     (Redis takes "%RW~*" as a pattern, then further patterns, and
//     describes that as "~* ~c", which reads back as allkeys and fails).
//   - the permission check gives an answer for a few commands.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/acl_check.h"
#include "commands/core/acl_user.h"
#include "commands/core/command_table.h"

namespace {

using mini_redis::commands::AccessControl;
using mini_redis::commands::AclUser;
using mini_redis::commands::CommandTable;

// Built once: a command table takes a while, and the target never changes it.
struct Tables {
  CommandTable commands;
  AccessControl acl{commands};
};

Tables& tables() {
  static Tables* built = new Tables();  // never freed: libFuzzer runs until the process ends
  return *built;
}

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "acl_rules_fuzz: %s: %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

bool same_user(const AclUser& a, const AclUser& b) {
  auto same_keys = a.key_patterns.size() == b.key_patterns.size();
  for (std::size_t i = 0; same_keys && i < a.key_patterns.size(); ++i) {
    same_keys = a.key_patterns[i].pattern == b.key_patterns[i].pattern &&
                a.key_patterns[i].read == b.key_patterns[i].read &&
                a.key_patterns[i].write == b.key_patterns[i].write;
  }
  return same_keys && a.enabled == b.enabled && a.nopass == b.nopass &&
         a.password_hashes == b.password_hashes && a.command_bits == b.command_bits &&
         a.all_commands == b.all_commands && a.first_args == b.first_args &&
         a.all_keys == b.all_keys && a.all_channels == b.all_channels &&
         a.channel_patterns == b.channel_patterns && a.unrestricted == b.unrestricted;
}

void check_some_commands(const AclUser& user, const CommandTable& commands) {
  const std::vector<std::vector<std::string_view>> requests{{"get", "key"},
                                                            {"set", "k", "v", "GET"},
                                                            {"select", "0"},
                                                            {"publish", "ch", "m"},
                                                            {"psubscribe", "c*"}};
  for (const auto& request : requests) {
    const auto* spec = commands.find(request[0]);
    if (spec == nullptr) continue;
    (void)mini_redis::commands::check_acl(user, *spec, request);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Tables& t = tables();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string_view> rules = split(input, '\n');

  AclUser user = AccessControl::blank_user(t.acl, "fuzz", false);
  bool round_trip = true;
  for (std::string_view rule : rules) {
    if (rule.find(' ') != std::string_view::npos || rule.find('\0') != std::string_view::npos)
      round_trip = false;
    if (auto reason = mini_redis::commands::apply_acl_rule(user, rule, t.acl, rule.size() % 2)) {
      if (reason->empty() || reason->find_first_of("\r\n") != std::string::npos) {
        fail("a refusal without a one-line reason", rule);
      }
    }
  }
  check_some_commands(user, t.commands);
  for (const auto& key : user.key_patterns) round_trip = round_trip && key.pattern != "*";

  const std::string description = mini_redis::commands::describe_user(user, t.acl);
  if (!round_trip) return 0;
  AclUser rebuilt = AccessControl::blank_user(t.acl, "fuzz", false);
  for (std::string_view rule : split(description, ' ')) {
    if (auto reason = mini_redis::commands::apply_acl_rule(rebuilt, rule, t.acl, false)) {
      fail("the description does not read back", description);
    }
  }
  // The sanitize-payload flags are shown but not compared: reset sets one.
  if (!same_user(user, rebuilt)) fail("the description rebuilds another user", description);
  return 0;
}
