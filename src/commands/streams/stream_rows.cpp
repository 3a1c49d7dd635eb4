// The command rows of the stream family: arity, flags, key specs and the
// documentation COMMAND INFO / COMMAND DOCS answer, each as Redis 7.0.15's
// (the diff cases compare them byte for byte).
#include <string>
#include <utility>
#include <vector>

#include "commands/core/command_table.h"
#include "commands/streams/stream_commands.h"
#include "common/ascii.h"

namespace mini_redis::commands {

namespace {

// A single-key stream row; the commands of this file all came in 5.0.0.
using StreamRowText = KeyedRowText;

CommandSpec stream_row(std::string name, int arity, std::uint32_t command_flags, Handler handler,
                       const StreamRowText& text, std::vector<ArgumentSpec> arguments_after_key) {
  KeyedRowText with_since = text;
  if (with_since.since.empty()) with_since.since = "5.0.0";
  return keyed_row(std::move(name), "stream", arity, command_flags, handler, with_since,
                   std::move(arguments_after_key));
}

// XADD's and XTRIM's "trim" block: MAXLEN|MINID [=|~] threshold [LIMIT count].
ArgumentSpec trim_block() {
  return arg::block(
      "trim",
      {arg::oneof("strategy", {arg::pure_token("maxlen", "MAXLEN"),
                               std::move(arg::pure_token("minid", "MINID")).since("6.2.0")}),
       arg::oneof("operator",
                  {arg::pure_token("equal", "="), arg::pure_token("approximately", "~")})
           .optional(),
       arg::string("threshold"), arg::integer("count").token("LIMIT").since("6.2.0").optional()});
}

// XREAD's keys: after STREAMS, the first half of the remaining arguments
// (the second half are their IDs). For COMMAND GETKEYS and the ACL.
KeyPositions xread_get_keys(Arguments args) {
  KeyPositions keys;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (!equals_ignore_case(args[i], "streams")) continue;
    const std::size_t first = i + 1;
    const std::size_t count = (args.size() - first) / 2;
    for (std::size_t k = 0; k < count; ++k) keys.emplace_back(first + k, "RO access");
    break;
  }
  return keys;
}

constexpr std::string_view kWriteFast = "@write @stream @fast";
constexpr std::string_view kWriteSlow = "@write @stream @slow";
constexpr std::string_view kReadFast = "@read @stream @fast";
constexpr std::string_view kReadSlow = "@read @stream @slow";

constexpr std::string_view kRangeComplexity =
    "O(N) with N being the number of elements being returned. If N is constant (e.g. always "
    "asking for the first 10 elements with COUNT), you can consider it O(1).";

}  // namespace

void register_stream_commands(CommandTable& table) {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  CommandSpec xadd = stream_row(
      "xadd", -5, kWrite | kDenyOom | kFast, xadd_command,
      {.summary = "Appends a new entry to a stream",
       .complexity = "O(1) when adding a new entry, O(N) when trimming where N being the number "
                     "of entries evicted.",
       .acl_categories = kWriteFast,
       .key_specs = "RW update",
       .key_spec_notes = "UPDATE instead of INSERT because of the optional trimming feature",
       .tips = "nondeterministic_output"},
      {arg::pure_token("nomkstream", "NOMKSTREAM").since("6.2.0").optional(),
       trim_block().optional(),
       arg::oneof("id_or_auto", {arg::pure_token("auto_id", "*"), arg::string("id")}),
       arg::block("field_value", {arg::string("field"), arg::string("value")}).multiple()});
  xadd.history = {
      {"6.2.0", "Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option."},
      {"7.0.0", "Added support for the `<ms>-*` explicit ID form."}};
  table.add(std::move(xadd));

  CommandSpec xtrim = stream_row(
      "xtrim", -4, kWrite, xtrim_command,
      {.summary = "Trims the stream to (approximately if '~' is passed) a certain size",
       .complexity = "O(N), with N being the number of evicted entries. Constant times are very "
                     "small however, since entries are organized in macro nodes containing "
                     "multiple entries that can be released with a single deallocation.",
       .acl_categories = kWriteSlow,
       .key_specs = "RW delete",
       .tips = "nondeterministic_output"},
      {trim_block()});
  xtrim.history = {{"6.2.0", "Added the `MINID` trimming strategy and the `LIMIT` option."}};
  table.add(std::move(xtrim));

  table.add(stream_row("xlen", 2, kReadonly | kFast, xlen_command,
                       {.summary = "Return the number of entries in a stream",
                        .acl_categories = kReadFast,
                        .key_specs = "RO"},
                       {}));

  table.add(stream_row(
      "xdel", -3, kWrite | kFast, xdel_command,
      {.summary = "Removes the specified entries from the stream. Returns the number of items "
                  "actually deleted, that may be different from the number of IDs passed in "
                  "case certain IDs do not exist.",
       .complexity =
           "O(1) for each single item to delete in the stream, regardless of the stream size.",
       .acl_categories = kWriteFast,
       .key_specs = "RW delete"},
      {arg::string("id").multiple()}));

  CommandSpec xrange = stream_row(
      "xrange", -4, kReadonly, xrange_command,
      {.summary =
           "Return a range of elements in a stream, with IDs matching the specified IDs interval",
       .complexity = kRangeComplexity,
       .acl_categories = kReadSlow,
       .key_specs = "RO access"},
      {arg::string("start"), arg::string("end"), arg::integer("count").token("COUNT").optional()});
  xrange.history = {{"6.2.0", "Added exclusive ranges."}};
  table.add(std::move(xrange));

  CommandSpec xrevrange = stream_row(
      "xrevrange", -4, kReadonly, xrevrange_command,
      {.summary = "Return a range of elements in a stream, with IDs matching the specified IDs "
                  "interval, in reverse order (from greater to smaller IDs) compared to XRANGE",
       .complexity = "O(N) with N being the number of elements returned. If N is constant (e.g. "
                     "always asking for the first 10 elements with COUNT), you can consider it "
                     "O(1).",
       .acl_categories = kReadSlow,
       .key_specs = "RO access"},
      {arg::string("end"), arg::string("start"), arg::integer("count").token("COUNT").optional()});
  xrevrange.history = {{"6.2.0", "Added exclusive ranges."}};
  table.add(std::move(xrevrange));

  CommandSpec xsetid = stream_row(
      "xsetid", -3, kWrite | kDenyOom | kFast, xsetid_command,
      {.summary = "An internal command for replicating stream values",
       .acl_categories = kWriteFast,
       .key_specs = "RW update"},
      {arg::string("last-id"),
       arg::integer("entries_added").token("ENTRIESADDED").since("7.0.0").optional(),
       arg::string("max_deleted_entry_id").token("MAXDELETEDID").since("7.0.0").optional()});
  xsetid.history = {{"7.0.0", "Added the `entries_added` and `max_deleted_entry_id` arguments."}};
  table.add(std::move(xsetid));

  table.add(CommandSpec{
      .name = "xread",
      .arity = -4,
      .flags = kReadonly | kBlocking | kMovableKeys,
      .handler = xread_command,
      .group = "stream",
      .summary = "Return never seen elements in multiple streams, with IDs greater than the ones "
                 "reported by the caller for each stream. Can block.",
      .since = "5.0.0",
      .complexity = "For each stream mentioned: O(N) with N being the number of elements being "
                    "returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when "
                    "the BLOCK option is used, XADD will pay O(M) time in order to serve the M "
                    "clients blocked on the stream getting new data.",
      .acl_categories = "@read @stream @slow @blocking",
      .extra_key_specs = {{.flags = "RO access",
                           .keyword = "STREAMS",
                           .startfrom = 1,
                           .last_key = -1,
                           .limit = 2}},
      .get_keys = xread_get_keys,
      .arguments = {
          arg::integer("count").token("COUNT").optional(),
          arg::integer("milliseconds").token("BLOCK").optional(),
          arg::block("streams", {arg::key("key", 0).multiple(), arg::string("id").multiple()})
              .token("STREAMS")}});
}

}  // namespace mini_redis::commands
