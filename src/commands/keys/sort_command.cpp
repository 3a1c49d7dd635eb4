// SORT and SORT_RO: the elements of a list, set or sorted set, in order.
//
//   SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]]
//            [ASC|DESC] [ALPHA] [STORE destination]
//   SORT_RO  the same without STORE (7.0; safe on a read-only replica)
//
// How Redis 7.0 (sort.c) orders, and so do we:
//   - By default elements are numbers (strtod: "" is 0, " 4" is 4, "5 " or
//     "1e400" or a denormal are errors: "ERR One or more scores can't be
//     converted into double"); equal numbers fall back to comparing bytes.
//   - ALPHA compares bytes (strcoll in the C locale; with STORE the binary
//     compare, which differs only after a zero byte).
//   - BY pattern sorts by other keys' values (sort_patterns.cpp); an
//     element whose key is missing sorts as 0, or first with ALPHA. A BY
//     without '*' ("BY nosort") skips sorting: a list keeps its order
//     (DESC walks it backwards), a sorted set its rank order.
//   - Equal elements under ALPHA BY keep their loading order: glibc's qsort,
//     which Redis calls, is a stable merge sort; but BY with a LIMIT that
//     cuts the result runs Redis's partial quicksort (partial_quicksort.h).
//   - LIMIT offset count selects after sorting; GET replaces each selected
//     element by one value per GET (null, or "" when stored, if missing).
//   - STORE writes a list (replacing any value) or deletes the destination
//     when nothing is selected, and replies the count.
// Odd, but Redis: SORT converts a listpack sorted set to a skiplist for
// good, and a set with BY nosort is sorted ALPHA anyway when STOREd, so
// that the stored list does not depend on hash order.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/core/arguments.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/server_delete.h"
#include "commands/keys/partial_quicksort.h"
#include "commands/keys/sort.h"
#include "common/ascii.h"
#include "storage/database.h"
#include "types/quicklist.h"
#include "types/set.h"
#include "types/sorted_set.h"

namespace mini_redis::commands {

namespace {

using sort_detail::lookup_by_pattern;

struct SortRequest {
  bool descending = false;
  bool alpha = false;
  bool dont_sort = false;  // BY without '*'
  std::int64_t offset = 0;
  std::int64_t count = -1;
  std::optional<std::string_view> by;
  std::optional<std::string_view> store;
  std::vector<std::string_view> gets;
};

// One element being sorted, with what it sorts by.
struct Item {
  std::string element{};
  double score = 0;                    // numeric sorts
  std::optional<std::string> alpha{};  // ALPHA BY: the BY value (missing: sorts first)
};

// Parses the options after the key, in Redis's order of checks; replies
// and returns nothing on the first error.
std::optional<SortRequest> parse_request(Context& ctx, Arguments args, bool read_only) {
  SortRequest request;
  for (std::size_t j = 2; j < args.size(); ++j) {
    const std::string_view word = args[j];
    const std::size_t left = args.size() - j - 1;
    if (equals_ignore_case(word, "asc")) {
      request.descending = false;
    } else if (equals_ignore_case(word, "desc")) {
      request.descending = true;
    } else if (equals_ignore_case(word, "alpha")) {
      request.alpha = true;
    } else if (equals_ignore_case(word, "limit") && left >= 2) {
      const std::optional<std::int64_t> offset = integer_or_reply(ctx, args[j + 1]);
      if (!offset) return std::nullopt;
      const std::optional<std::int64_t> count = integer_or_reply(ctx, args[j + 2]);
      if (!count) return std::nullopt;
      request.offset = *offset;
      request.count = *count;
      j += 2;
    } else if (!read_only && equals_ignore_case(word, "store") && left >= 1) {
      request.store = args[++j];
    } else if (equals_ignore_case(word, "by") && left >= 1) {
      request.by = args[++j];
      if (!sort_detail::pattern_has_star(*request.by)) {
        request.dont_sort = true;
      } else if (!sort_detail::user_may_read_every_key(ctx)) {
        ctx.reply.error("ERR BY option of SORT denied due to insufficient ACL permissions.");
        return std::nullopt;
      }
    } else if (equals_ignore_case(word, "get") && left >= 1) {
      if (!sort_detail::user_may_read_every_key(ctx)) {
        ctx.reply.error("ERR GET option of SORT denied due to insufficient ACL permissions.");
        return std::nullopt;
      }
      request.gets.push_back(args[++j]);
    } else {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
  }
  return request;
}

// The selected positions [start, end] (end < start: none), clamped as
// Redis does to a vector of `length` elements.
struct Window {
  std::int64_t start = 0;
  std::int64_t end = -1;
  [[nodiscard]] std::size_t size() const {
    return end >= start ? static_cast<std::size_t>(end - start + 1) : 0;
  }
};

Window window_of(const SortRequest& request, std::int64_t length) {
  Window window;
  window.start = std::min(std::max<std::int64_t>(request.offset, 0), length);
  const std::int64_t count = std::min(std::max<std::int64_t>(request.count, -1), length);
  window.end = count < 0 ? length : window.start + count - 1;
  if (window.start >= length) {
    window.start = length - 1;
    window.end = length - 2;
  }
  if (window.end >= length) window.end = length - 1;
  return window;
}

// ---- loading the elements -------------------------------------------------------------

// What a list or sorted set loader walks: the window alone (BY nosort),
// from the far end with DESC; or, when the items will be sorted, all of
// them in their own order.
struct Walk {
  Window window;
  bool descending = false;
};
Walk walk_for(bool only_window, Window window, bool descending, std::size_t size) {
  if (only_window) return {window, descending};
  return {{0, static_cast<std::int64_t>(size) - 1}, false};
}

std::vector<Item> load_list(const types::Quicklist& list, Walk walk) {
  std::vector<Item> items;
  items.reserve(walk.window.size());
  const std::int64_t first = walk.descending
                                 ? static_cast<std::int64_t>(list.size()) - walk.window.start - 1
                                 : walk.window.start;
  types::IntText buffer{};
  auto it = list.iterate(first, walk.descending ? types::ListDirection::kTailToHead
                                                : types::ListDirection::kHeadToTail);
  for (std::size_t i = 0; i < walk.window.size() && !it.done(); ++i, it.advance()) {
    items.push_back({std::string(it.entry().text(buffer))});
  }
  return items;
}

std::vector<Item> load_sorted_set(const types::SortedSet& set, Walk walk) {
  std::vector<Item> items;
  items.reserve(walk.window.size());
  // Ranks [start, end] from the lowest, or from the highest with DESC.
  const auto size = static_cast<std::int64_t>(set.size());
  const auto begin =
      static_cast<std::size_t>(walk.descending ? size - 1 - walk.window.end : walk.window.start);
  set.visit_ranks(
      begin, begin + walk.window.size(), walk.descending,
      [&items](std::string_view member, double) { items.push_back({std::string(member)}); });
  return items;
}

std::vector<Item> load_set(const types::Set& set) {
  std::vector<Item> items;
  items.reserve(set.size());
  set.for_each([&items](std::string_view member) { items.push_back({std::string(member)}); });
  return items;
}

// ---- ordering ------------------------------------------------------------------------------

// strtod as sort.c checks it: the whole C string read, no ERANGE (which
// also refuses denormals), no NaN.
bool parse_sort_number(const std::string& text, double& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(out);
}

// Fills in what each item sorts by; false if a number would not parse
// (every item is still looked at, as Redis does before replying the error).
bool compute_sort_keys(Context& ctx, const SortRequest& request, std::vector<Item>& items) {
  bool numbers_ok = true;
  for (Item& item : items) {
    std::optional<std::string> by_value;
    if (request.by) {
      by_value = lookup_by_pattern(ctx, *request.by, item.element);
      if (!by_value) continue;  // sorts as 0, or first with ALPHA
    }
    if (request.alpha) {
      if (request.by) item.alpha = std::move(by_value);
    } else if (!parse_sort_number(by_value ? *by_value : item.element, item.score)) {
      numbers_ok = false;
    }
  }
  return numbers_ok;
}

// sortCompare: negative, zero or positive, before DESC reverses it.
int compare_items(const Item& a, const Item& b, const SortRequest& request) {
  const auto binary = [](const std::string& x, const std::string& y) { return x.compare(y); };
  // strcoll in the C locale is strcmp: it stops at a zero byte.
  const auto c_string = [](const std::string& x, const std::string& y) {
    return std::strcmp(x.c_str(), y.c_str());
  };
  if (!request.alpha) {
    if (a.score != b.score) return a.score > b.score ? 1 : -1;
    return binary(a.element, b.element);
  }
  const bool store = request.store.has_value();
  if (!request.by) return store ? binary(a.element, b.element) : c_string(a.element, b.element);
  if (!a.alpha || !b.alpha) return a.alpha ? 1 : (b.alpha ? -1 : 0);
  return store ? binary(*a.alpha, *b.alpha) : c_string(*a.alpha, *b.alpha);
}

// A full sort is glibc's qsort in Redis, a stable merge sort; BY with a
// LIMIT that cuts the result sorts the window only, with Redis's partial
// quicksort, which leaves ALPHA BY ties in its own order.
void sort_items(const SortRequest& request, std::vector<Item>& items, Window window) {
  const auto compare = [&request](const Item& a, const Item& b) {
    const int cmp = compare_items(a, b, request);
    return request.descending ? -cmp : cmp;
  };
  const bool whole = window.start == 0 && window.end == static_cast<std::int64_t>(items.size()) - 1;
  if (request.by && !whole) {
    if (window.size() > 0) {
      partial_quicksort(std::span<Item>(items), static_cast<std::size_t>(window.start),
                        static_cast<std::size_t>(window.end), compare);
    }
    return;
  }
  std::stable_sort(items.begin(), items.end(),
                   [&compare](const Item& a, const Item& b) { return compare(a, b) < 0; });
}

// ---- output -----------------------------------------------------------------------------

void reply_items(Context& ctx, const SortRequest& request, const std::vector<Item>& items,
                 Window window) {
  const std::size_t per_item = request.gets.empty() ? 1 : request.gets.size();
  ctx.reply.array_header(window.size() * per_item);
  for (std::int64_t j = window.start; j <= window.end; ++j) {
    const std::string& element = items[static_cast<std::size_t>(j)].element;
    if (request.gets.empty()) ctx.reply.bulk_string(element);
    for (const std::string_view pattern : request.gets) {
      const std::optional<std::string> value = lookup_by_pattern(ctx, pattern, element);
      if (value) {
        ctx.reply.bulk_string(*value);
      } else {
        ctx.reply.null();
      }
    }
  }
}

void store_items(Context& ctx, const SortRequest& request, const std::vector<Item>& items,
                 Window window) {
  types::Quicklist list(ctx.config.list_max_listpack_size, ctx.config.list_compress_depth);
  for (std::int64_t j = window.start; j <= window.end; ++j) {
    const std::string& element = items[static_cast<std::size_t>(j)].element;
    if (request.gets.empty()) list.push_back(element);
    for (const std::string_view pattern : request.gets) {
      list.push_back(lookup_by_pattern(ctx, pattern, element).value_or(std::string()));
    }
  }
  const std::string_view destination = *request.store;
  const auto stored = static_cast<std::int64_t>(list.size());
  if (stored > 0) {
    ctx.db().overwrite(destination, std::move(list));
    notify_keyspace_event(ctx, notify::kList, "sortstore", destination);
  } else if (delete_by_server(ctx, destination)) {
    notify_keyspace_event(ctx, notify::kGeneric, "del", destination);
  }
  ctx.reply.integer(stored);
}

// ---- the command --------------------------------------------------------------------------

// The elements to sort, loaded from `entry` (null: a missing key, which
// sorts as an empty list). Only the window is loaded for BY nosort on a
// list or sorted set, and `window` is then rebased to it.
std::vector<Item> load_items(storage::Entry* entry, const SortRequest& request, Window& window) {
  if (entry == nullptr) return {};
  const bool ordered_type =
      entry->type() == storage::ValueType::list || entry->type() == storage::ValueType::zset;
  const bool only_window = ordered_type && request.dont_sort;
  std::vector<Item> items;
  switch (entry->type()) {
    case storage::ValueType::list: {
      const auto& list = entry->object<types::Quicklist>();
      items = load_list(list, walk_for(only_window, window, request.descending, list.size()));
      break;
    }
    case storage::ValueType::zset: {
      auto& set = entry->object<types::SortedSet>();
      set.convert_to_skiplist();  // as sort.c's zsetConvert, for good
      items = load_sorted_set(set, walk_for(only_window, window, request.descending, set.size()));
      break;
    }
    default: items = load_set(entry->object<types::Set>()); break;
  }
  if (only_window && window.size() > 0) window = {0, static_cast<std::int64_t>(items.size()) - 1};
  return items;
}

std::int64_t length_of(const storage::Entry* entry) {
  if (entry == nullptr) return 0;
  switch (entry->type()) {
    case storage::ValueType::list:
      return static_cast<std::int64_t>(entry->object<types::Quicklist>().size());
    case storage::ValueType::zset:
      return static_cast<std::int64_t>(entry->object<types::SortedSet>().size());
    default: return static_cast<std::int64_t>(entry->object<types::Set>().size());
  }
}

void sort_generic(Context& ctx, Arguments args, bool read_only) {
  std::optional<SortRequest> request = parse_request(ctx, args, read_only);
  if (!request) return;
  storage::Entry* entry = ctx.db().lookup_for_read(args[1]);
  if (entry == nullptr) {
    notify_key_miss(ctx, args[1]);
  } else if (entry->type() != storage::ValueType::list &&
             entry->type() != storage::ValueType::set &&
             entry->type() != storage::ValueType::zset) {
    ctx.reply.error(errors::kWrongType);
    return;
  }
  // A set has no order of its own: stored unsorted, the list would depend
  // on the hash table, so Redis sorts it ALPHA (and ignores BY) instead.
  if (request->dont_sort && request->store && entry != nullptr &&
      entry->type() == storage::ValueType::set) {
    request->dont_sort = false;
    request->alpha = true;
    request->by.reset();
  }
  Window window = window_of(*request, length_of(entry));
  std::vector<Item> items = load_items(entry, *request, window);
  if (!request->dont_sort) {
    if (!compute_sort_keys(ctx, *request, items)) {
      ctx.reply.error("ERR One or more scores can't be converted into double");
      return;
    }
    sort_items(*request, items, window);
  }
  if (request->store) {
    store_items(ctx, *request, items, window);
  } else {
    reply_items(ctx, *request, items, window);
  }
}

void sort_command(Context& ctx, Arguments args) {
  sort_generic(ctx, args, false);
}
void sort_ro_command(Context& ctx, Arguments args) {
  sort_generic(ctx, args, true);
}

// SORT's arguments, as COMMAND DOCS lists them; SORT_RO has all but STORE.
std::vector<ArgumentSpec> sort_arguments(bool with_store) {
  const auto pattern = [](std::string_view token) {
    return ArgumentSpec{.name = "pattern",
                        .type = ArgumentType::pattern,
                        .key_spec_index = 1,
                        .token_word = token,
                        .flags = ArgumentSpec::kOptional};
  };
  std::vector<ArgumentSpec> arguments{
      arg::key("key", 0),
      pattern("BY"),
      arg::block("offset_count", {arg::integer("offset"), arg::integer("count")})
          .token("LIMIT")
          .optional(),
      std::move(pattern("GET")).multiple().multiple_token(),
      arg::oneof("order", {arg::pure_token("asc", "ASC"), arg::pure_token("desc", "DESC")})
          .optional(),
      arg::pure_token("sorting", "ALPHA").optional()};
  if (with_store) arguments.push_back(arg::key("destination", 2).token("STORE").optional());
  return arguments;
}

// SORT's keys, as Redis 7.0's sortGetKeys finds them for COMMAND GETKEYS
// and the ACL check: the sorted key, then the key after the *last* STORE
// (the one SORT writes). The scan skips the arguments of LIMIT (2), GET and
// BY (1), so "BY store STORE d" finds d; other words are skipped alone.
// The BY and GET patterns are not keys here: SORT itself refuses them to a
// user who may not read every key (user_may_read_every_key).
KeyPositions sort_get_keys(Arguments args) {
  KeyPositions keys{{1, "RO access"}};
  std::size_t store = 0;
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (equals_ignore_case(args[i], "limit")) {
      i += 2;
    } else if (equals_ignore_case(args[i], "get") || equals_ignore_case(args[i], "by")) {
      i += 1;
    } else if (equals_ignore_case(args[i], "store") && i + 1 < args.size()) {
      store = i + 1;  // and go on: a later STORE wins, as in SORT
    }
  }
  if (store != 0) keys.emplace_back(store, "OW update");
  return keys;
}

// SORT_RO has no STORE: its one key is the sorted one (sortROGetKeys).
KeyPositions sort_ro_get_keys(Arguments /*args*/) {
  return {{1, "RO access"}};
}

// Redis's notes on SORT's two "unknown" key specs.
constexpr std::string_view kByGetNotes =
    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from "
    "the content of the key we sort";
constexpr std::string_view kStoreNotes =
    "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear "
    "anywhere in the argument array";

constexpr std::string_view kSortComplexity =
    "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
    "number of returned elements. When the elements are not sorted, complexity is O(N).";

}  // namespace

void register_sort_commands(CommandTable& table) {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  // Redis describes the BY/GET keys and the STORE destination with
  // "unknown" key specs, as they cannot be found by position: the keys are
  // found by sort_get_keys instead, for COMMAND GETKEYS and for the ACL
  // check (without it, "SORT allowed STORE forbidden" would pass).
  for (const bool read_only : {false, true}) {
    std::vector<ExtraKeySpec> unknown_specs{{.flags = "RO access", .notes = kByGetNotes}};
    if (!read_only) unknown_specs.push_back({.flags = "OW update", .notes = kStoreNotes});
    table.add({.name = read_only ? "sort_ro" : "sort",
               .arity = -2,
               .flags = (read_only ? kReadonly : kWrite | kDenyOom) | kMovableKeys,
               .first_key = 1,
               .last_key = 1,
               .key_step = 1,
               .handler = read_only ? sort_ro_command : sort_command,
               .group = "generic",
               .summary = read_only ? "Sort the elements in a list, set or sorted set. Read-only "
                                      "variant of SORT."
                                    : "Sort the elements in a list, set or sorted set",
               .since = read_only ? "7.0.0" : "1.0.0",
               .complexity = kSortComplexity,
               .acl_categories = read_only ? "@read @set @sortedset @list @slow @dangerous"
                                           : "@write @set @sortedset @list @slow @dangerous",
               .key_specs = "RO access",
               .extra_key_specs = std::move(unknown_specs),
               .get_keys = read_only ? sort_ro_get_keys : sort_get_keys,
               .arguments = sort_arguments(!read_only)});
  }
}

}  // namespace mini_redis::commands
