#include "commands/core/command_table.h"

#include <array>

#include "commands/core/command_families.h"

namespace mini_redis::commands {

namespace {

// Command names are short; anything longer than this is unknown anyway, which
// lets lookup lower-case the name on the stack instead of in a std::string.
constexpr std::size_t kLongestCommandName = 32;

void fill_full_names(CommandSpec& spec, std::string_view parent) {
  spec.full_name = parent.empty() ? spec.name : std::string(parent) + "|" + spec.name;
  for (CommandSpec& sub : spec.subcommands) fill_full_names(sub, spec.name);
}

// Numbers a command and its subcommands, depth first, from `next` on.
void assign_stats_ids(CommandSpec& spec, std::size_t& next) {
  spec.stats_id = next++;
  for (CommandSpec& sub : spec.subcommands) assign_stats_ids(sub, next);
}

}  // namespace

const CommandSpec* CommandSpec::find_subcommand(std::string_view sub) const {
  for (const CommandSpec& candidate : subcommands) {
    if (equals_ignore_case(candidate.name, sub)) return &candidate;
  }
  return nullptr;
}

// Every family is one register_*_commands call, made by
// register_command_families (command_families.cpp in the server; the
// workshop's lean build links a shorter list).
CommandTable::CommandTable() {
  register_command_families(*this);
}

CommandSpec keyed_row(std::string name, std::string_view group, int arity,
                      std::uint32_t command_flags, Handler handler, const KeyedRowText& text,
                      std::vector<ArgumentSpec> arguments_after_key) {
  CommandSpec row{.name = std::move(name),
                  .arity = arity,
                  .flags = command_flags,
                  .first_key = 1,
                  .last_key = 1,
                  .key_step = 1,
                  .handler = handler,
                  .group = group,
                  .summary = text.summary,
                  .since = text.since,
                  .complexity = text.complexity,
                  .acl_categories = text.acl_categories,
                  .tips = text.tips,
                  .key_specs = text.key_specs,
                  .key_spec_notes = text.key_spec_notes,
                  .arguments = {arg::key("key", 0)}};
  for (ArgumentSpec& argument : arguments_after_key) row.arguments.push_back(std::move(argument));
  return row;
}

void CommandTable::add(CommandSpec spec) {
  fill_full_names(spec, "");
  assign_stats_ids(spec, next_stats_id_);
  auto owned = std::make_unique<CommandSpec>(std::move(spec));
  by_name_[owned->name] = owned.get();
  commands_.push_back(std::move(owned));
}

const CommandSpec* CommandTable::find(std::string_view name) const {
  if (name.size() > kLongestCommandName) return nullptr;
  std::array<char, kLongestCommandName> lowered{};
  for (std::size_t i = 0; i < name.size(); ++i) lowered[i] = to_lower_ascii(name[i]);
  // Debian's Abseil has its own string_view type; it views the same bytes.
  auto it = by_name_.find(absl::string_view(lowered.data(), name.size()));
  return it == by_name_.end() ? nullptr : it->second;
}

const CommandSpec* CommandTable::find_by_full_name(std::string_view full_name) const {
  const std::size_t bar = full_name.find('|');
  const CommandSpec* command = find(full_name.substr(0, bar));
  if (command == nullptr || bar == std::string_view::npos) return command;
  const std::string_view sub = full_name.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return nullptr;
  return command->find_subcommand(sub);
}

}  // namespace mini_redis::commands
