// COMMAND, COMMAND INFO / DOCS / LIST / COUNT / GETKEYS: see command_docs.h.
#include "commands/command_docs.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "commands/errors.h"
#include "common/glob.h"

namespace mini_redis::commands {

namespace {

using protocol::ReplyWriter;

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

// One key specification, reduced to what our rows can express: the keys
// start at argument `begin_index` and run to `last_key` (relative to the
// first key; -1 means "the last argument"), every `key_step` arguments.
struct KeySpec {
  std::string_view flags;  // "RO access"
  std::string_view notes;  // why a flag is there, or empty
  int begin_index = 0;
  int last_key = 0;
  int key_step = 1;
};

std::vector<KeySpec> key_specs_of(const CommandSpec& spec) {
  std::vector<KeySpec> specs;
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
  // overwritten): one key each, in argument order.
  const int step = spec.key_step > 0 ? spec.key_step : 1;
  int index = spec.first_key;
  for (std::size_t i = 0; i < flag_groups.size(); ++i) {
    specs.push_back({flag_groups[i], notes_of(i), index, 0, 1});
    index += step;
  }
  return specs;
}

// The positions of the keys in `args` (the full command, name first), each
// with the flags of the spec that found it. Positions past the end are
// dropped, as Redis does for a malformed command.
std::vector<std::pair<std::size_t, std::string_view>> key_positions(const CommandSpec& spec,
                                                                    std::size_t argc) {
  std::vector<std::pair<std::size_t, std::string_view>> positions;
  for (const KeySpec& key_spec : key_specs_of(spec)) {
    const int count = static_cast<int>(argc);
    const int first = key_spec.begin_index;
    const int last = key_spec.last_key < 0 ? count + key_spec.last_key : first + key_spec.last_key;
    const int step = key_spec.key_step > 0 ? key_spec.key_step : 1;
    for (int i = first; i <= last && i < count; i += step) {
      positions.emplace_back(static_cast<std::size_t>(i), key_spec.flags);
    }
  }
  return positions;
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
  reply.bulk_string("index");
  reply.bulk_string("spec");
  reply.map_header(1);
  reply.bulk_string("index");
  reply.integer(key_spec.begin_index);

  reply.bulk_string("find_keys");
  reply.map_header(2);
  reply.bulk_string("type");
  reply.bulk_string("range");
  reply.bulk_string("spec");
  reply.map_header(3);
  reply.bulk_string("lastkey");
  reply.integer(key_spec.last_key);
  reply.bulk_string("keystep");
  reply.integer(key_spec.key_step);
  reply.bulk_string("limit");
  reply.integer(0);
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

// ---- handlers --------------------------------------------------------------------------

void command_all(Context& ctx, Arguments /*args*/) {
  const auto& all = ctx.commands.all();
  ctx.reply.array_header(all.size());
  for (const auto& spec : all) reply_command_info(ctx.reply, *spec);
}

void command_count(Context& ctx, Arguments /*args*/) {
  ctx.reply.integer(static_cast<std::int64_t>(ctx.commands.size()));
}

// COMMAND INFO [name ...]: one entry per name asked, nil for unknown ones;
// with no name, every command (since Redis 7.0).
void command_info(Context& ctx, Arguments args) {
  if (args.size() == 2) {
    command_all(ctx, args);
    return;
  }
  ctx.reply.array_header(args.size() - 2);
  for (std::string_view name : args.subspan(2)) {
    if (const CommandSpec* spec = find_by_full_name(ctx.commands, name)) {
      reply_command_info(ctx.reply, *spec);
    } else {
      ctx.reply.null();
    }
  }
}

// COMMAND DOCS [name ...]: a map from name to documentation. Unlike INFO,
// unknown names are simply left out.
void command_docs(Context& ctx, Arguments args) {
  std::vector<const CommandSpec*> found;
  if (args.size() == 2) {
    for (const auto& spec : ctx.commands.all()) found.push_back(spec.get());
  } else {
    for (std::string_view name : args.subspan(2)) {
      if (const CommandSpec* spec = find_by_full_name(ctx.commands, name)) found.push_back(spec);
    }
  }
  ctx.reply.map_header(found.size());
  for (const CommandSpec* spec : found) {
    ctx.reply.bulk_string(spec->full_name);
    reply_docs(ctx.reply, *spec);
  }
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob]:
// names of commands and subcommands, each command followed by its own.
void command_list(Context& ctx, Arguments args) {
  enum class Filter { none, module, acl_category, pattern };
  Filter filter = Filter::none;
  std::string_view value;
  if (args.size() == 5 && equals_ignore_case(args[2], "filterby")) {
    value = args[4];
    if (equals_ignore_case(args[3], "module")) {
      filter = Filter::module;
    } else if (equals_ignore_case(args[3], "aclcat")) {
      filter = Filter::acl_category;
    } else if (equals_ignore_case(args[3], "pattern")) {
      filter = Filter::pattern;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  } else if (args.size() != 2) {
    ctx.reply.error(errors::kSyntax);
    return;
  }

  const auto matches = [&](const CommandSpec& spec) {
    switch (filter) {
      case Filter::none: return true;
      case Filter::module: return false;  // no modules are ever loaded
      case Filter::pattern: return glob_match(value, spec.full_name, /*nocase=*/true);
      case Filter::acl_category:
        // The category is named without its '@' ("FILTERBY ACLCAT string").
        for (std::string_view category : split(spec.acl_categories, ' ')) {
          if (category.starts_with('@') && equals_ignore_case(category.substr(1), value))
            return true;
        }
        return false;
    }
    return false;
  };

  std::vector<std::string_view> names;
  for (const auto& spec : ctx.commands.all()) {
    if (matches(*spec)) names.push_back(spec->full_name);
    for (const CommandSpec& sub : spec->subcommands) {
      if (matches(sub)) names.push_back(sub.full_name);
    }
  }
  ctx.reply.array_header(names.size());
  for (std::string_view name : names) ctx.reply.bulk_string(name);
}

// COMMAND GETKEYS / GETKEYSANDFLAGS <full command>: finds the command the
// way the dispatcher would, checks its arity, then applies its key specs.
void reply_keys(Context& ctx, Arguments args, bool with_flags) {
  const Arguments command = args.subspan(2);
  const CommandSpec* spec = ctx.commands.find(command[0]);
  if (spec != nullptr && !spec->subcommands.empty() && command.size() >= 2) {
    spec = spec->find_subcommand(command[1]);
  }
  if (spec == nullptr) {
    ctx.reply.error("ERR Invalid command specified");
    return;
  }
  const auto argc = static_cast<int>(command.size());
  if ((spec->arity > 0 && argc != spec->arity) || argc < -spec->arity) {
    ctx.reply.error("ERR Invalid number of arguments specified for command");
    return;
  }
  if (spec->first_key <= 0) {
    ctx.reply.error("ERR The command has no key arguments");
    return;
  }
  const auto positions = key_positions(*spec, command.size());
  ctx.reply.array_header(positions.size());
  for (const auto& [index, key_flags] : positions) {
    if (!with_flags) {
      ctx.reply.bulk_string(command[index]);
      continue;
    }
    ctx.reply.array_header(2);
    ctx.reply.bulk_string(command[index]);
    const std::vector<std::string_view> words = split(key_flags, ' ');
    ctx.reply.set_header(words.size());
    for (std::string_view word : words) ctx.reply.simple_string(word);
  }
}

void command_getkeys(Context& ctx, Arguments args) {
  reply_keys(ctx, args, false);
}
void command_getkeys_and_flags(Context& ctx, Arguments args) {
  reply_keys(ctx, args, true);
}

void command_help(Context& ctx, Arguments /*args*/) {
  reply_help(ctx.reply, "COMMAND",
             {
                 "(no subcommand)",
                 "    Return details about all Redis commands.",
                 "COUNT",
                 "    Return the total number of commands in this Redis server.",
                 "LIST",
                 "    Return a list of all commands in this Redis server.",
                 "INFO [<command-name> ...]",
                 "    Return details about multiple Redis commands.",
                 "    If no command names are given, documentation details for all",
                 "    commands are returned.",
                 "DOCS [<command-name> ...]",
                 "    Return documentation details about multiple Redis commands.",
                 "    If no command names are given, documentation details for all",
                 "    commands are returned.",
                 "GETKEYS <full-command>",
                 "    Return the keys from a full Redis command.",
                 "GETKEYSANDFLAGS <full-command>",
                 "    Return the keys and the access flags from a full Redis command.",
             });
}

// Every COMMAND subcommand shares these flags and categories.
CommandSpec command_subcommand(std::string_view name, int arity, Handler handler,
                               std::string_view since, std::string_view summary,
                               std::string_view complexity, std::string_view tips = {}) {
  return CommandSpec{
      .name = std::string(name),
      .arity = arity,
      .flags = flags::kLoading | flags::kStale,
      .handler = handler,
      .group = "server",
      .summary = summary,
      .since = since,
      .complexity = complexity,
      .acl_categories = "@slow @connection",
      .tips = tips,
  };
}

}  // namespace

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

const CommandSpec* find_by_full_name(const CommandTable& table, std::string_view full_name) {
  const std::size_t bar = full_name.find('|');
  const CommandSpec* spec = table.find(full_name.substr(0, bar));
  if (spec == nullptr || bar == std::string_view::npos) return spec;
  return spec->find_subcommand(full_name.substr(bar + 1));
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

CommandSpec make_command_command() {
  CommandSpec spec{
      .name = "command",
      .arity = -1,
      .flags = flags::kLoading | flags::kStale,
      .handler = command_all,
      .group = "server",
      .summary = "Get array of Redis command details",
      .since = "2.8.13",
      .complexity = "O(N) where N is the total number of Redis commands",
      .acl_categories = "@slow @connection",
      .tips = "nondeterministic_output_order",
  };
  spec.subcommands.push_back(command_subcommand("count", 2, command_count, "2.8.13",
                                                "Get total number of Redis commands", "O(1)"));
  CommandSpec info = command_subcommand(
      "info", -2, command_info, "2.8.13",
      "Get array of specific Redis command details, or all when no argument is given.",
      "O(N) where N is the number of commands to look up", "nondeterministic_output_order");
  info.arguments = {arg::string("command-name").optional().multiple()};
  info.history = {{"7.0.0", "Allowed to be called with no argument to get info on all commands."}};
  spec.subcommands.push_back(std::move(info));
  CommandSpec docs = command_subcommand(
      "docs", -2, command_docs, "7.0.0", "Get array of specific Redis command documentation",
      "O(N) where N is the number of commands to look up", "nondeterministic_output_order");
  docs.arguments = {arg::string("command-name").optional().multiple()};
  spec.subcommands.push_back(std::move(docs));
  CommandSpec list = command_subcommand(
      "list", -2, command_list, "7.0.0", "Get an array of Redis command names",
      "O(N) where N is the total number of Redis commands", "nondeterministic_output_order");
  list.arguments = {arg::oneof("filterby", {arg::string("module-name").token("MODULE"),
                                            arg::string("category").token("ACLCAT"),
                                            arg::pattern("pattern").token("PATTERN")})
                        .token("FILTERBY")
                        .optional()};
  spec.subcommands.push_back(std::move(list));
  spec.subcommands.push_back(command_subcommand(
      "getkeys", -4, command_getkeys, "2.8.13", "Extract keys given a full Redis command",
      "O(N) where N is the number of arguments to the command"));
  spec.subcommands.push_back(
      command_subcommand("getkeysandflags", -4, command_getkeys_and_flags, "7.0.0",
                         "Extract keys and access flags given a full Redis command",
                         "O(N) where N is the number of arguments to the command"));
  spec.subcommands.push_back(command_subcommand("help", 2, command_help, "5.0.0",
                                                "Show helpful text about the different subcommands",
                                                "O(1)"));
  return spec;
}

}  // namespace mini_redis::commands
