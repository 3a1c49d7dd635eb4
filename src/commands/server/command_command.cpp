// The COMMAND command and its subcommands: COUNT, INFO, DOCS, LIST, GETKEYS,
// GETKEYSANDFLAGS and HELP, as Redis 7.0 answers them.
//
// Each handler picks the rows a request asks for (all of them, the names
// given, or those a COMMAND LIST filter matches) and hands them to the
// rendering of command_docs.cpp. GETKEYS finds the command the way the
// dispatcher does and reads its keys off the row's key specifications, so a
// cluster client learns where the keys are without knowing the command.
// make_command_command() builds the COMMAND row for register_server_commands().
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "commands/core/command_docs.h"
#include "commands/core/command_docs_internal.h"
#include "commands/core/errors.h"
#include "common/glob.h"

namespace mini_redis::commands {

namespace {

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
    if (const CommandSpec* spec = ctx.commands.find_by_full_name(name)) {
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
      if (const CommandSpec* spec = ctx.commands.find_by_full_name(name)) found.push_back(spec);
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
  // A row whose keys only a procedure can find (XREADGROUP's after STREAMS)
  // has the legacy range 0 0 0 and still has keys.
  // So has a row whose only key spec names something that is not a key
  // (SPUBLISH's shard channel: "not_key"), which Redis does not search.
  const bool only_not_keys =
      spec->key_specs.find("not_key") != std::string_view::npos && spec->extra_key_specs.empty();
  if ((spec->first_key <= 0 && spec->keynum_index == 0 && spec->get_keys == nullptr) ||
      only_not_keys) {
    ctx.reply.error("ERR The command has no key arguments");
    return;
  }
  const auto positions = key_positions(*spec, command);
  if (positions.empty()) {
    // EVAL with 0 keys may have none (no_mandatory_keys); LMPOP with a bad
    // or too large numkeys may not.
    if ((spec->flags & flags::kNoMandatoryKeys) != 0) {
      ctx.reply.array_header(0);
    } else {
      ctx.reply.error("ERR Invalid arguments specified for command");
    }
    return;
  }
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
