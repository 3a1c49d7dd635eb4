// SORT's BY and GET patterns (sort.h): from an element to another key's value.
//
//   SORT ids BY weight_*          element "3" sorts by the string at weight_3
//   SORT ids GET user_*->name     element "3" fetches field "name" of hash user_3
//   SORT ids GET #                the element itself
//
// Redis reads the pattern as a C string (strchr, strstr), so a zero byte in
// it ends the search for '*' and "->"; we search the same prefix.
#include <algorithm>
#include <string>
#include <string_view>

#include "commands/core/acl_user.h"
#include "commands/core/notifications.h"
#include "commands/keys/sort.h"
#include "storage/database.h"
#include "types/hash.h"

namespace mini_redis::commands::sort_detail {

namespace {

// The part of `pattern` a C string function sees: up to the first zero byte.
std::string_view as_c_string(std::string_view pattern) {
  return pattern.substr(0, std::min(pattern.find('\0'), pattern.size()));
}

}  // namespace

bool pattern_has_star(std::string_view pattern) {
  return as_c_string(pattern).find('*') != std::string_view::npos;
}

std::optional<std::string> lookup_by_pattern(Context& ctx, std::string_view pattern,
                                             std::string_view element) {
  if (as_c_string(pattern) == "#") return std::string(element);
  const std::string_view searched = as_c_string(pattern);
  const std::size_t star = searched.find('*');
  if (star == std::string_view::npos) return std::nullopt;

  // "->" after the star, with at least one byte after it, names a field.
  const std::size_t arrow = searched.find("->", star + 1);
  const bool has_field = arrow != std::string_view::npos && arrow + 2 < searched.size();
  const std::string_view field = has_field ? pattern.substr(arrow + 2) : std::string_view();
  const std::string_view postfix =
      has_field ? pattern.substr(star + 1, arrow - star - 1) : pattern.substr(star + 1);
  std::string key;
  key.reserve(star + element.size() + postfix.size());
  key.append(pattern.substr(0, star)).append(element).append(postfix);

  storage::Entry* entry = ctx.db().lookup_for_read(key);
  if (entry == nullptr) {
    notify_key_miss(ctx, key);
    return std::nullopt;
  }
  if (!has_field) {
    if (entry->type() != storage::ValueType::string) return std::nullopt;
    return std::string(entry->value());
  }
  if (entry->type() != storage::ValueType::hash) return std::nullopt;
  types::IntText buffer{};
  const std::optional<std::string_view> value = entry->object<types::Hash>().get(field, buffer);
  if (!value) return std::nullopt;
  return std::string(*value);
}

bool user_may_read_every_key(const Context& ctx) {
  const AclUser* user = ctx.client.user.get();
  if (user == nullptr || user->all_keys) return true;
  return std::any_of(user->key_patterns.begin(), user->key_patterns.end(),
                     [](const KeyPattern& key) { return key.read && key.pattern == "*"; });
}

}  // namespace mini_redis::commands::sort_detail
