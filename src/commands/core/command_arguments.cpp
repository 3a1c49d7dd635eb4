// COMMAND DOCS's argument maps: see command_arguments.h.
#include "commands/core/command_arguments.h"

#include <array>

#include "protocol/reply_writer.h"

namespace mini_redis::commands {

namespace {

std::string_view type_name(ArgumentType type) {
  switch (type) {
    case ArgumentType::string: return "string";
    case ArgumentType::integer: return "integer";
    case ArgumentType::double_: return "double";
    case ArgumentType::key: return "key";
    case ArgumentType::pattern: return "pattern";
    case ArgumentType::unix_time: return "unix-time";
    case ArgumentType::pure_token: return "pure-token";
    case ArgumentType::oneof: return "oneof";
    case ArgumentType::block: return "block";
  }
  return "string";
}

constexpr std::array<std::pair<std::uint8_t, std::string_view>, 3> kFlagNames{{
    {ArgumentSpec::kOptional, "optional"},
    {ArgumentSpec::kMultiple, "multiple"},
    {ArgumentSpec::kMultipleToken, "multiple_token"},
}};

// One argument as Redis 7.0 describes it (addReplyCommandArgList): name and
// type always, then only the fields that are set, always in this order.
void reply_argument(protocol::ReplyWriter& reply, const ArgumentSpec& argument) {
  const bool is_key = argument.key_spec_index >= 0;
  std::size_t fields = 2;
  fields += is_key ? 1 : 0;
  fields += argument.token_word.empty() ? 0 : 1;
  fields += argument.since_version.empty() ? 0 : 1;
  fields += argument.deprecated_in.empty() ? 0 : 1;
  fields += argument.flags == 0 ? 0 : 1;
  fields += argument.arguments.empty() ? 0 : 1;

  reply.map_header(fields);
  reply.bulk_string("name");
  reply.bulk_string(argument.name);
  reply.bulk_string("type");
  reply.bulk_string(type_name(argument.type));
  if (is_key) {
    reply.bulk_string("key_spec_index");
    reply.integer(argument.key_spec_index);
  }
  if (!argument.token_word.empty()) {
    reply.bulk_string("token");
    reply.bulk_string(argument.token_word);
  }
  if (!argument.since_version.empty()) {
    reply.bulk_string("since");
    reply.bulk_string(argument.since_version);
  }
  if (!argument.deprecated_in.empty()) {
    reply.bulk_string("deprecated_since");
    reply.bulk_string(argument.deprecated_in);
  }
  if (argument.flags != 0) {
    std::size_t count = 0;
    for (const auto& [bit, name] : kFlagNames) count += (argument.flags & bit) != 0 ? 1 : 0;
    reply.bulk_string("flags");
    reply.set_header(count);
    for (const auto& [bit, name] : kFlagNames) {
      if ((argument.flags & bit) != 0) reply.simple_string(name);
    }
  }
  if (!argument.arguments.empty()) {
    reply.bulk_string("arguments");
    reply_arguments(reply, argument.arguments);
  }
}

}  // namespace

void reply_arguments(protocol::ReplyWriter& reply, const std::vector<ArgumentSpec>& arguments) {
  reply.array_header(arguments.size());
  for (const ArgumentSpec& argument : arguments) reply_argument(reply, argument);
}

}  // namespace mini_redis::commands
