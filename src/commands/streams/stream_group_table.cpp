// The rows of the consumer-group commands (XGROUP, XREADGROUP, XACK,
// XPENDING, XCLAIM, XAUTOCLAIM) and of XINFO, as Redis 7.0.15's COMMAND INFO
// and COMMAND DOCS describe them. The handlers are in the files beside this
// one (see stream_group_common.h).
//
// Each row also lists its arguments (COMMAND DOCS "arguments", which
// redis-cli turns into its hints), named and nested exactly as Redis's
// JSON command files name them: the diff cases compare the bytes.
#include <string>
#include <string_view>
#include <utility>

#include "commands/core/command_table.h"
#include "commands/streams/stream_group_common.h"
#include "common/ascii.h"

namespace mini_redis::commands {

namespace {

// XREADGROUP's keys: the first half of the arguments after STREAMS (the
// second half are their IDs). Redis's key spec says the same with a keyword
// search and a range "up to the last argument, half of them".
KeyPositions xreadgroup_keys(Arguments args) {
  KeyPositions keys;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (!equals_ignore_case(args[i], "STREAMS")) continue;
    const std::size_t first = i + 1;
    const std::size_t count = (args.size() - first) / 2;
    for (std::size_t k = 0; k < count; ++k) keys.emplace_back(first + k, "RO access");
    break;
  }
  return keys;
}

// A subcommand of XGROUP / XINFO whose key is argument 2.
CommandSpec keyed_subcommand(std::string name, int arity, std::uint32_t command_flags,
                             Handler handler, std::string_view key_specs) {
  return CommandSpec{.name = std::move(name),
                     .arity = arity,
                     .flags = command_flags,
                     .first_key = 2,
                     .last_key = 2,
                     .key_step = 1,
                     .handler = handler,
                     .group = "stream",
                     .since = "5.0.0",
                     .complexity = "O(1)",
                     .key_specs = key_specs};
}

// XGROUP CREATE's and SETID's "id": a literal ID, or `$` for the stream's
// last entry (Redis names the `$` choice "new_id").
ArgumentSpec group_start_id() {
  return arg::oneof("id", {arg::string("id"), arg::pure_token("new_id", "$")});
}

CommandSpec help_subcommand(Handler handler) {
  return CommandSpec{.name = "help",
                     .arity = 2,
                     .flags = flags::kLoading | flags::kStale,
                     .handler = handler,
                     .group = "stream",
                     .summary = "Show helpful text about the different subcommands",
                     .since = "5.0.0",
                     .complexity = "O(1)",
                     .acl_categories = "@stream @slow"};
}

CommandSpec make_xgroup() {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  CommandSpec spec{.name = "xgroup",
                   .arity = -2,
                   .handler = nullptr,  // a container: each subcommand has its own row
                   .group = "stream",
                   .summary = "A container for consumer groups commands",
                   .since = "5.0.0",
                   .complexity = "Depends on subcommand.",
                   .acl_categories = "@slow"};
  const std::string_view write_acl = "@write @stream @slow";
  CommandSpec create =
      keyed_subcommand("create", -5, kWrite | kDenyOom, xgroup_create_command, "RW insert");
  create.summary = "Create a consumer group.";
  create.acl_categories = write_acl;
  create.history = {{"7.0.0", "Added the `entries_read` named argument."}};
  // Redis's docs give ENTRIESREAD no "since" here, although it is 7.0's:
  // only the history line says so.
  create.arguments = {arg::key("key", 0), arg::string("groupname"), group_start_id(),
                      arg::pure_token("mkstream", "MKSTREAM").optional(),
                      arg::integer("entries_read").token("ENTRIESREAD").optional()};
  CommandSpec setid = keyed_subcommand("setid", -5, kWrite, xgroup_setid_command, "RW update");
  setid.summary = "Set a consumer group to an arbitrary last delivered ID value.";
  setid.acl_categories = write_acl;
  setid.history = {{"7.0.0", "Added the optional `entries_read` argument."}};
  setid.arguments = {arg::key("key", 0), arg::string("groupname"), group_start_id(),
                     arg::integer("entries_read").token("ENTRIESREAD").optional()};
  CommandSpec destroy = keyed_subcommand("destroy", 4, kWrite, xgroup_destroy_command, "RW delete");
  destroy.summary = "Destroy a consumer group.";
  destroy.complexity =
      "O(N) where N is the number of entries in the group's pending entries list "
      "(PEL).";
  destroy.acl_categories = write_acl;
  destroy.arguments = {arg::key("key", 0), arg::string("groupname")};
  CommandSpec createconsumer = keyed_subcommand("createconsumer", 5, kWrite | kDenyOom,
                                                xgroup_createconsumer_command, "RW insert");
  createconsumer.summary = "Create a consumer in a consumer group.";
  createconsumer.since = "6.2.0";
  createconsumer.acl_categories = write_acl;
  createconsumer.arguments = {arg::key("key", 0), arg::string("groupname"),
                              arg::string("consumername")};
  CommandSpec delconsumer =
      keyed_subcommand("delconsumer", 5, kWrite, xgroup_delconsumer_command, "RW delete");
  delconsumer.summary = "Delete a consumer from a consumer group.";
  delconsumer.acl_categories = write_acl;
  delconsumer.arguments = {arg::key("key", 0), arg::string("groupname"),
                           arg::string("consumername")};
  spec.subcommands = {std::move(create),      std::move(setid),
                      std::move(destroy),     std::move(createconsumer),
                      std::move(delconsumer), help_subcommand(xgroup_help_command)};
  return spec;
}

CommandSpec make_xinfo() {
  CommandSpec spec{.name = "xinfo",
                   .arity = -2,
                   .handler = nullptr,
                   .group = "stream",
                   .summary = "A container for stream introspection commands",
                   .since = "5.0.0",
                   .complexity = "Depends on subcommand.",
                   .acl_categories = "@slow"};
  const std::string_view read_acl = "@read @stream @slow";
  CommandSpec stream =
      keyed_subcommand("stream", -3, flags::kReadonly, xinfo_stream_command, "RO access");
  stream.summary = "Get information about a stream";
  stream.acl_categories = read_acl;
  stream.history = {
      {"6.0.0", "Added the `FULL` modifier."},
      {"7.0.0",
       "Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, "
       "`entries-read` and `lag` fields"}};
  // FULL is a block holding its optional COUNT, so `COUNT n` alone is not
  // offered as a hint: it only means something after FULL.
  stream.arguments = {arg::key("key", 0),
                      arg::block("full", {arg::integer("count").token("COUNT").optional()})
                          .token("FULL")
                          .optional()};
  CommandSpec groups =
      keyed_subcommand("groups", 3, flags::kReadonly, xinfo_groups_command, "RO access");
  groups.summary = "List the consumer groups of a stream";
  groups.acl_categories = read_acl;
  groups.history = {{"7.0.0", "Added the `entries-read` and `lag` fields"}};
  groups.arguments = {arg::key("key", 0)};
  CommandSpec consumers =
      keyed_subcommand("consumers", 4, flags::kReadonly, xinfo_consumers_command, "RO access");
  consumers.summary = "List the consumers in a consumer group";
  consumers.acl_categories = read_acl;
  consumers.tips = "nondeterministic_output";
  consumers.arguments = {arg::key("key", 0), arg::string("groupname")};
  spec.subcommands = {std::move(stream), std::move(groups), std::move(consumers),
                      help_subcommand(xinfo_help_command)};
  return spec;
}

}  // namespace

void register_stream_group_commands(CommandTable& table) {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  table.add(make_xgroup());
  table.add(make_xinfo());
  table.add(
      {.name = "xreadgroup",
       .arity = -7,
       .flags = kWrite | kBlocking | kMovableKeys,
       .handler = xreadgroup_command,
       .group = "stream",
       .summary = "Return new entries from a stream using a consumer group, or access the "
                  "history of the pending entries for a given consumer. Can block.",
       .since = "5.0.0",
       .complexity =
           "For each stream mentioned: O(M) with M being the number of elements returned. "
           "If M is constant (e.g. always asking for the first 10 elements with COUNT), you "
           "can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay "
           "the O(N) time in order to serve the N clients blocked on the stream getting new "
           "data.",
       .acl_categories = "@write @stream @slow @blocking",
       .extra_key_specs = {{.flags = "RO access",
                            .keyword = "STREAMS",
                            .startfrom = 4,
                            .last_key = -1,
                            .limit = 2}},
       .get_keys = xreadgroup_keys,
       .arguments = {
           arg::block("group_consumer", {arg::string("group"), arg::string("consumer")})
               .token("GROUP"),
           arg::integer("count").token("COUNT").optional(),
           arg::integer("milliseconds").token("BLOCK").optional(),
           arg::pure_token("noack", "NOACK").optional(),
           arg::block("streams", {arg::key("key", 0).multiple(), arg::string("id").multiple()})
               .token("STREAMS")}});
  const auto keyed = [](CommandSpec spec) {
    spec.first_key = 1;
    spec.last_key = 1;
    spec.key_step = 1;
    spec.group = "stream";
    return spec;
  };
  table.add(keyed(
      {.name = "xack",
       .arity = -4,
       .flags = kWrite | kFast,
       .handler = xack_command,
       .summary = "Marks a pending message as correctly processed, effectively "
                  "removing it from the pending entries list of the consumer group. "
                  "Return value of the command is the number of messages "
                  "successfully acknowledged, that is, the IDs we were actually able "
                  "to resolve in the PEL.",
       .since = "5.0.0",
       .complexity = "O(1) for each message ID processed.",
       .acl_categories = "@write @stream @fast",
       .key_specs = "RW update",
       .arguments = {arg::key("key", 0), arg::string("group"), arg::string("id").multiple()}}));
  table.add(keyed(
      {.name = "xpending",
       .arity = -3,
       .flags = kReadonly,
       .handler = xpending_command,
       .summary = "Return information and entries from a stream consumer group pending entries "
                  "list, that are messages fetched but never acknowledged.",
       .since = "5.0.0",
       .complexity =
           "O(N) with N being the number of elements returned, so asking for a small fixed "
           "number of entries per call is O(1). O(M), where M is the total number of entries "
           "scanned when used with the IDLE filter. When the command returns just the summary "
           "and the list of consumers is small, it runs in O(1) time; otherwise, an additional "
           "O(N) time for iterating every consumer.",
       .acl_categories = "@read @stream @slow",
       .tips = "nondeterministic_output",
       .key_specs = "RO access",
       // The extended form is one optional block: IDLE, start, end and count
       // come together, and the consumer may follow only inside it.
       .arguments = {arg::key("key", 0), arg::string("group"),
                     arg::block(
                         "filters",
                         {arg::integer("min-idle-time").token("IDLE").since("6.2.0").optional(),
                          arg::string("start"), arg::string("end"), arg::integer("count"),
                          arg::string("consumer").optional()})
                         .optional()},
       .history = {{"6.2.0", "Added the `IDLE` option and exclusive range intervals."}}}));
  table.add(keyed({.name = "xclaim",
                   .arity = -6,
                   .flags = kWrite | kFast,
                   .handler = xclaim_command,
                   .summary = "Changes (or acquires) ownership of a message in a consumer group, "
                              "as if the message was delivered to the specified consumer.",
                   .since = "5.0.0",
                   .complexity =
                       "O(log N) with N being the number of messages in the PEL of the consumer "
                       "group.",
                   .acl_categories = "@write @stream @fast",
                   .tips = "nondeterministic_output",
                   .key_specs = "RW update",
                   // Redis types XCLAIM's min-idle-time as a string (XAUTOCLAIM's
                   // too), unlike XPENDING's integer IDLE.
                   .arguments = {arg::key("key", 0), arg::string("group"), arg::string("consumer"),
                                 arg::string("min-idle-time"), arg::string("id").multiple(),
                                 arg::integer("ms").token("IDLE").optional(),
                                 arg::unix_time("unix-time-milliseconds").token("TIME").optional(),
                                 arg::integer("count").token("RETRYCOUNT").optional(),
                                 arg::pure_token("force", "FORCE").optional(),
                                 arg::pure_token("justid", "JUSTID").optional(),
                                 arg::string("id").token("LASTID").optional()}}));
  table.add(keyed({.name = "xautoclaim",
                   .arity = -6,
                   .flags = kWrite | kFast,
                   .handler = xautoclaim_command,
                   .summary = "Changes (or acquires) ownership of messages in a consumer group, "
                              "as if the messages were delivered to the specified consumer.",
                   .since = "6.2.0",
                   .complexity = "O(1) if COUNT is small.",
                   .acl_categories = "@write @stream @fast",
                   .tips = "nondeterministic_output",
                   .key_specs = "RW delete",
                   .arguments = {arg::key("key", 0), arg::string("group"), arg::string("consumer"),
                                 arg::string("min-idle-time"), arg::string("start"),
                                 arg::integer("count").token("COUNT").optional(),
                                 arg::pure_token("justid", "JUSTID").optional()},
                   .history = {{"7.0.0",
                                "Added an element to the reply array, containing deleted entries "
                                "the command cleared from the PEL"}}}));
}

}  // namespace mini_redis::commands
