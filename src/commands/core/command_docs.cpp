// Rendering the command table: a CommandSpec row as COMMAND INFO's ten-element
// array and as COMMAND DOCS's map, and the HELP text of container commands.
//
// The replies are Redis 7.0's, field for field and in its order: flags in
// the fixed order of its flag table, ACL categories in the order of acl.c,
// key specifications of the kinds our rows can express (see KeySpec), and
// DOCS fields left out when a row has nothing for them. The
// COMMAND handlers that send these replies are in command_command.cpp.
#include "commands/core/command_docs.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "commands/core/command_docs_internal.h"
#include "common/ascii.h"
#include "common/integer_parsing.h"

namespace mini_redis::commands {

// ---- small text helpers -------------------------------------------------------

// "a b  c" -> {"a", "b", "c"}; the rows spell their lists as short strings.
std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> words;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find(separator), text.size());
    if (end > 0) words.push_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return words;
}

namespace {

using protocol::ReplyWriter;

// ---- flags and ACL categories, in the order Redis prints them ----------------

// COMMAND INFO lists flags in this fixed order, whatever order a row names
// them in. Redis hides "sentinel" (and a few flags we do not have), so it is
// not in the list.
constexpr std::array<std::pair<std::uint32_t, std::string_view>, 18> kFlagNames{{
    {flags::kWrite, "write"},
    {flags::kReadonly, "readonly"},
    {flags::kDenyOom, "denyoom"},
    {flags::kAdmin, "admin"},
    {flags::kPubsub, "pubsub"},
    {flags::kNoscript, "noscript"},
    {flags::kBlocking, "blocking"},
    {flags::kLoading, "loading"},
    {flags::kStale, "stale"},
    {flags::kSkipMonitor, "skip_monitor"},
    {flags::kSkipSlowlog, "skip_slowlog"},
    {flags::kFast, "fast"},
    {flags::kNoAuth, "no_auth"},
    {flags::kNoMandatoryKeys, "no_mandatory_keys"},
    {flags::kNoAsyncLoading, "no_async_loading"},
    {flags::kNoMulti, "no_multi"},
    {flags::kMovableKeys, "movablekeys"},
    {flags::kAllowBusy, "allow_busy"},
}};

// Redis's ACL categories in the order of its category table (acl.c), which
// is the order COMMAND INFO prints them in.
constexpr std::array<std::string_view, 21> kAclCategoryOrder{
    "@keyspace",   "@read",        "@write",     "@set",         "@sortedset", "@list",
    "@hash",       "@string",      "@bitmap",    "@hyperloglog", "@geo",       "@stream",
    "@pubsub",     "@admin",       "@fast",      "@slow",        "@blocking",  "@dangerous",
    "@connection", "@transaction", "@scripting",
};

std::size_t category_rank(std::string_view category) {
  const auto* it = std::find(kAclCategoryOrder.begin(), kAclCategoryOrder.end(), category);
  return static_cast<std::size_t>(it - kAclCategoryOrder.begin());
}

std::vector<std::string_view> acl_categories_of(const CommandSpec& spec) {
  std::vector<std::string_view> categories = split(spec.acl_categories, ' ');
  std::stable_sort(
      categories.begin(), categories.end(),
      [](std::string_view a, std::string_view b) { return category_rank(a) < category_rank(b); });
  return categories;
}

// ---- key positions ---------------------------------------------------------------

// One key specification, of the kinds our rows can express:
//   - range: the keys start at argument `begin_index` and run to `last_key`
//     (relative to the first key; -1 means "the last argument"), every
//     `key_step` arguments;
//   - keynum: argument `begin_index` counts the keys, which follow it;
//   - keyword: the one key follows `keyword`, searched for from argument
//     `startfrom` on (GEORADIUS ... STORE key);
//   - unknown: Redis cannot say where the keys are (SORT ... STORE key),
//     the row's get_keys procedure finds them.
struct KeySpec {
  enum class Kind { range, keynum, keyword, unknown };
  std::string_view flags;  // "RO access"
  std::string_view notes;  // why a flag is there, or empty
  int begin_index = 0;
  int last_key = 0;
  int key_step = 1;
  Kind kind = Kind::range;
  std::string_view keyword{};
  int startfrom = 0;
  int limit = 0;  // range find_keys: 2 = the first half of the rest (XREAD)
};

// The row's keyword and unknown specs come after its others, as in Redis's
// JSON files (GEORADIUS: the source key, then STORE, then STOREDIST).
void add_extra_specs(const CommandSpec& spec, std::vector<KeySpec>& specs) {
  for (const ExtraKeySpec& extra : spec.extra_key_specs) {
    specs.push_back(
        {.flags = extra.flags,
         .notes = extra.notes,
         .last_key = extra.last_key,
         .kind = extra.keyword.empty() ? KeySpec::Kind::unknown : KeySpec::Kind::keyword,
         .keyword = extra.keyword,
         .startfrom = extra.startfrom,
         .limit = extra.limit});
  }
}

std::vector<KeySpec> range_and_keynum_specs_of(const CommandSpec& spec) {
  std::vector<KeySpec> specs;
  if (spec.keynum_index > 0 && spec.first_key > 0) {
    // A key before the counted ones (ZUNIONSTORE destination numkeys key
    // [key ...]): a one-key range spec for it, then the keynum spec, each
    // with its own flags ("OW update|RO access"), as Redis declares them.
    const std::vector<std::string_view> flag_groups = split(spec.key_specs, '|');
    specs.push_back({.flags = flag_groups.empty() ? std::string_view() : flag_groups.front(),
                     .notes = {},
                     .begin_index = spec.first_key});
    specs.push_back({.flags = flag_groups.size() > 1 ? flag_groups[1] : std::string_view(),
                     .notes = {},
                     .begin_index = spec.keynum_index,
                     .kind = KeySpec::Kind::keynum});
    return specs;
  }
  if (spec.keynum_index > 0) {
    specs.push_back({.flags = spec.key_specs,
                     .notes = spec.key_spec_notes,
                     .begin_index = spec.keynum_index,
                     .kind = KeySpec::Kind::keynum});
    return specs;
  }
  if (spec.first_key <= 0) return specs;
  const std::vector<std::string_view> flag_groups = split(spec.key_specs, '|');
  // Notes are kept with their empty parts, so that they stay aligned with
  // the flag groups ("|notes of the second spec").
  std::vector<std::string_view> notes;
  for (std::string_view rest = spec.key_spec_notes; !rest.empty();) {
    const std::size_t bar = std::min(rest.find('|'), rest.size());
    notes.push_back(rest.substr(0, bar));
    rest.remove_prefix(std::min(bar + 1, rest.size()));
  }
  const auto notes_of = [&notes](std::size_t i) {
    return i < notes.size() ? notes[i] : std::string_view();
  };
  if (flag_groups.size() <= 1) {
    // One spec covering the legacy first/last/step range.
    const int last = spec.last_key < 0 ? spec.last_key : spec.last_key - spec.first_key;
    specs.push_back({flag_groups.empty() ? std::string_view() : flag_groups[0], notes_of(0),
                     spec.first_key, last, spec.key_step});
    return specs;
  }
  // Several specs (RENAME: the source is read and deleted, the destination
  // overwritten): one key each, in argument order. With last_key -1 the
  // last spec covers every remaining argument (SINTERSTORE destination
  // key [key ...]: "RW update" for the destination, "RO access" for the rest).
  const int step = spec.key_step > 0 ? spec.key_step : 1;
  int index = spec.first_key;
  for (std::size_t i = 0; i < flag_groups.size(); ++i) {
    const bool rest = i + 1 == flag_groups.size() && spec.last_key < 0;
    specs.push_back({flag_groups[i], notes_of(i), index, rest ? spec.last_key : 0, 1});
    index += step;
  }
  return specs;
}

std::vector<KeySpec> key_specs_of(const CommandSpec& spec) {
  std::vector<KeySpec> specs = range_and_keynum_specs_of(spec);
  add_extra_specs(spec, specs);
  return specs;
}

// ---- COMMAND INFO ------------------------------------------------------------------

void reply_key_spec(ReplyWriter& reply, const KeySpec& key_spec) {
  // Redis puts "notes" first, and only when the spec has some.
  reply.map_header(key_spec.notes.empty() ? 3 : 4);
  if (!key_spec.notes.empty()) {
    reply.bulk_string("notes");
    reply.bulk_string(key_spec.notes);
  }
  reply.bulk_string("flags");
  const std::vector<std::string_view> flag_words = split(key_spec.flags, ' ');
  reply.set_header(flag_words.size());
  for (std::string_view word : flag_words) reply.simple_string(word);

  reply.bulk_string("begin_search");
  reply.map_header(2);
  reply.bulk_string("type");
  if (key_spec.kind == KeySpec::Kind::unknown) {
    // Nothing to say about where the keys are: both halves are "unknown"
    // with an empty spec map.
    reply.bulk_string("unknown");
    reply.bulk_string("spec");
    reply.map_header(0);
    reply.bulk_string("find_keys");
    reply.map_header(2);
    reply.bulk_string("type");
    reply.bulk_string("unknown");
    reply.bulk_string("spec");
    reply.map_header(0);
    return;
  }
  if (key_spec.kind == KeySpec::Kind::keyword) {
    reply.bulk_string("keyword");
    reply.bulk_string("spec");
    reply.map_header(2);
    reply.bulk_string("keyword");
    reply.bulk_string(key_spec.keyword);
    reply.bulk_string("startfrom");
    reply.integer(key_spec.startfrom);
  } else {
    reply.bulk_string("index");
    reply.bulk_string("spec");
    reply.map_header(1);
    reply.bulk_string("index");
    reply.integer(key_spec.begin_index);
  }

  reply.bulk_string("find_keys");
  reply.map_header(2);
  reply.bulk_string("type");
  if (key_spec.kind == KeySpec::Kind::keynum) {
    // The count is the first argument searched from, the keys right after it.
    reply.bulk_string("keynum");
    reply.bulk_string("spec");
    reply.map_header(3);
    reply.bulk_string("keynumidx");
    reply.integer(0);
    reply.bulk_string("firstkey");
    reply.integer(1);
    reply.bulk_string("keystep");
    reply.integer(1);
    return;
  }
  reply.bulk_string("range");
  reply.bulk_string("spec");
  reply.map_header(3);
  reply.bulk_string("lastkey");
  reply.integer(key_spec.last_key);
  reply.bulk_string("keystep");
  reply.integer(key_spec.key_step);
  reply.bulk_string("limit");
  reply.integer(key_spec.limit);
}

// Redis's keyword search (getKeysUsingKeySpecs): the first argument equal
// to `keyword`, ignoring case, from `startfrom` on (a negative startfrom
// counts from the end and searches backwards). The last argument is never
// looked at: a keyword there would have no key after it. Returns the key's
// position, or 0 when the keyword is not there.
//
// Only the *first* match counts, while GEORADIUS itself obeys the last STORE
// it is given: Redis 7.0.15 checks the ACL permissions of the first STORE
// key only ("STORE allowed STORE other" is let through, and writes
// "other"). We reproduce that, as COMMAND GETKEYS shows it.
std::size_t keyword_key_position(const KeySpec& key_spec, Arguments args) {
  const int count = static_cast<int>(args.size());
  const bool forward = key_spec.startfrom > 0;
  const int start = forward ? key_spec.startfrom : count + key_spec.startfrom;
  const int end = forward ? count - 1 : 0;
  for (int i = start; i != end; i += start <= end ? 1 : -1) {
    if (i >= count || i < 1) break;
    if (equals_ignore_case(args[static_cast<std::size_t>(i)], key_spec.keyword)) {
      return static_cast<std::size_t>(i) + 1;
    }
  }
  return 0;
}

}  // namespace

// The positions of the keys in `args` (the full command, name first), each
// with the flags of the spec that found it. Positions past the end are
// dropped, as Redis does for a malformed command; a key count that is not a
// positive number of arguments that are there finds no key at all, not even
// those of the command's other specs.
//
// As in Redis's getKeysFromCommandWithSpecs, a row with an "unknown" spec
// hands the whole search to its get_keys procedure (SORT's sortGetKeys),
// since its specs cannot find every key.
KeyPositions key_positions(const CommandSpec& spec, Arguments args) {
  if (spec.get_keys != nullptr) return spec.get_keys(args);
  KeyPositions positions;
  for (const KeySpec& key_spec : key_specs_of(spec)) {
    const int count = static_cast<int>(args.size());
    if (key_spec.kind == KeySpec::Kind::unknown) continue;  // and no get_keys: none known
    // A "not_key" spec (SPUBLISH's shard channel) names no key: Redis's
    // default search, for GETKEYS and ACL alike, skips it.
    if (key_spec.flags.find("not_key") != std::string_view::npos) continue;
    if (key_spec.kind == KeySpec::Kind::keyword) {
      const std::size_t position = keyword_key_position(key_spec, args);
      if (position != 0) positions.emplace_back(position, key_spec.flags);
      continue;
    }
    if (key_spec.kind == KeySpec::Kind::keynum) {
      const auto index = static_cast<std::size_t>(key_spec.begin_index);
      const std::optional<std::int64_t> keys =
          index < args.size() ? parse_int64_strict(args[index]) : std::nullopt;
      // A bad count makes the whole command's keys unknown, even those
      // another spec found (Redis: "Invalid arguments" for GETKEYS).
      if (!keys || *keys <= 0 || *keys >= static_cast<std::int64_t>(args.size() - index)) return {};
      for (std::int64_t i = 1; i <= *keys; ++i) {
        positions.emplace_back(index + static_cast<std::size_t>(i), key_spec.flags);
      }
      continue;
    }
    const int first = key_spec.begin_index;
    const int last = key_spec.last_key < 0 ? count + key_spec.last_key : first + key_spec.last_key;
    const int step = key_spec.key_step > 0 ? key_spec.key_step : 1;
    for (int i = first; i <= last && i < count; i += step) {
      positions.emplace_back(static_cast<std::size_t>(i), key_spec.flags);
    }
  }
  return positions;
}

void reply_command_info(ReplyWriter& reply, const CommandSpec& spec) {
  reply.array_header(10);
  reply.bulk_string(spec.full_name);
  reply.integer(spec.arity);

  std::size_t flag_count = 0;
  for (const auto& [bit, name] : kFlagNames) flag_count += (spec.flags & bit) != 0 ? 1 : 0;
  reply.set_header(flag_count);
  for (const auto& [bit, name] : kFlagNames) {
    if ((spec.flags & bit) != 0) reply.simple_string(name);
  }

  reply.integer(spec.first_key);
  reply.integer(spec.last_key);
  reply.integer(spec.key_step);

  const std::vector<std::string_view> categories = acl_categories_of(spec);
  reply.set_header(categories.size());
  for (std::string_view category : categories) reply.simple_string(category);

  const std::vector<std::string_view> tips = split(spec.tips, ' ');
  reply.set_header(tips.size());
  for (std::string_view tip : tips) reply.bulk_string(tip);

  const std::vector<KeySpec> key_specs = key_specs_of(spec);
  reply.set_header(key_specs.size());
  for (const KeySpec& key_spec : key_specs) reply_key_spec(reply, key_spec);

  // Redis 7.0 sends an empty *set* when there are no subcommands, but an
  // array when there are some; RESP3 clients see "~0" and "*5" respectively.
  if (spec.subcommands.empty()) {
    reply.set_header(0);
  } else {
    reply.array_header(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) reply_command_info(reply, sub);
  }
}

// ---- COMMAND DOCS -------------------------------------------------------------------

void reply_docs(ReplyWriter& reply, const CommandSpec& spec) {
  // Redis leaves out a field it has nothing for, so a client must cope
  // with any subset; we do the same for the fields our rows leave empty.
  // The order is Redis 7.0's (addReplyCommandDocs), fixed, not hash-based.
  const std::array<std::pair<std::string_view, std::string_view>, 4> fields{{
      {"summary", spec.summary},
      {"since", spec.since},
      {"group", spec.group},
      {"complexity", spec.complexity},
  }};
  const bool deprecated = !spec.deprecated_since.empty();
  std::size_t count = 0;
  for (const auto& field : fields) count += field.second.empty() ? 0 : 1;
  count += deprecated ? 2 : 0;  // "doc_flags" and "deprecated_since"
  count += spec.replaced_by.empty() ? 0 : 1;
  count += spec.history.empty() ? 0 : 1;
  count += spec.arguments.empty() ? 0 : 1;
  count += spec.subcommands.empty() ? 0 : 1;

  reply.map_header(count);
  for (const auto& [name, value] : fields) {
    if (value.empty()) continue;
    reply.bulk_string(name);
    reply.bulk_string(value);
  }
  if (deprecated) {
    // The only doc flag our commands can have ("syscmd" marks internal
    // commands such as REPLCONF, which we do not have).
    reply.bulk_string("doc_flags");
    reply.set_header(1);
    reply.simple_string("deprecated");
    reply.bulk_string("deprecated_since");
    reply.bulk_string(spec.deprecated_since);
  }
  if (!spec.replaced_by.empty()) {
    reply.bulk_string("replaced_by");
    reply.bulk_string(spec.replaced_by);
  }
  if (!spec.history.empty()) {
    // A set of [version, change] pairs (RESP3 "~"), as Redis 7.0 sends it.
    reply.bulk_string("history");
    reply.set_header(spec.history.size());
    for (const HistoryEntry& entry : spec.history) {
      reply.array_header(2);
      reply.bulk_string(entry.version);
      reply.bulk_string(entry.change);
    }
  }
  if (!spec.arguments.empty()) {
    reply.bulk_string("arguments");
    reply_arguments(reply, spec.arguments);
  }
  if (!spec.subcommands.empty()) {
    reply.bulk_string("subcommands");
    reply.map_header(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) {
      reply.bulk_string(sub.full_name);
      reply_docs(reply, sub);
    }
  }
}

void reply_help(ReplyWriter& reply, std::string_view command,
                std::initializer_list<std::string_view> lines) {
  reply.array_header(lines.size() + 3);
  std::string first(command);
  first.append(" <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  reply.simple_string(first);
  for (std::string_view line : lines) reply.simple_string(line);
  reply.simple_string("HELP");
  reply.simple_string("    Prints this help.");
}

}  // namespace mini_redis::commands
