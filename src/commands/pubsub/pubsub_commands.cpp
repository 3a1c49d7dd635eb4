// Pub/Sub commands: SUBSCRIBE and friends, PUBLISH, SPUBLISH, PUBSUB.
//
// A subscribing command answers with one frame per name, never with a single
// reply:  SUBSCRIBE a b  gets
//
//     *3 $9 subscribe $1 a :1        (RESP3: >3 ...; a push frame)
//     *3 $9 subscribe $1 b :2
//
// the last number being how many channels and patterns the client now
// listens to (shard channels are counted on their own). The registry itself,
// and how a published message reaches subscribers, are in pubsub.h.
#include <array>

#include "commands/core/command_docs.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "pubsub/pubsub.h"

namespace mini_redis::commands {

namespace {

using Kind = PubSub::Kind;

// The words a (un)subscription frame starts with, per registry.
struct KindWords {
  std::string_view subscribe;
  std::string_view unsubscribe;
};

KindWords words_of(Kind kind) {
  switch (kind) {
    case Kind::channel: return {"subscribe", "unsubscribe"};
    case Kind::pattern: return {"psubscribe", "punsubscribe"};
    case Kind::shard_channel: return {"ssubscribe", "sunsubscribe"};
  }
  return {};
}

// The count each frame carries.
std::size_t subscription_count(const ClientState& client, Kind kind) {
  return kind == Kind::shard_channel ? client.subscriptions.shard_channels.size()
                                     : client.subscriptions.channels_and_patterns();
}

// One "<word> <name> <count>" frame; a null name when there was nothing to
// unsubscribe from.
// These frames are pushes: under CLIENT REPLY OFF they still reach the
// client (Redis 7.0), so then they are written aside, where the dispatcher
// keeps them when it drops the command's reply.
void reply_frame(Context& ctx, Kind kind, std::string_view word, const std::string_view* name) {
  protocol::ReplyWriter aside(ctx.client.pushes_while_silenced, ctx.reply.version());
  protocol::ReplyWriter& out = ctx.client.running_silenced ? aside : ctx.reply;
  out.push_header(3);
  out.bulk_string(word);
  if (name != nullptr) {
    out.bulk_string(*name);
  } else {
    out.null();
  }
  out.integer(static_cast<std::int64_t>(subscription_count(ctx.client, kind)));
}

// One handler per registry: SUBSCRIBE is subscribe<Kind::channel>,
// PSUBSCRIBE subscribe<Kind::pattern>, SSUBSCRIBE subscribe<Kind::shard_channel>.
template <Kind kind>
void subscribe(Context& ctx, Arguments args) {
  for (std::string_view name : args.subspan(1)) {
    ctx.pubsub.subscribe(ctx.client, kind, name);
    reply_frame(ctx, kind, words_of(kind).subscribe, &name);
  }
}

// The names a client listens to, copied: unsubscribing edits the originals.
std::vector<std::string> current_names(const ClientState& client, Kind kind) {
  const Subscriptions& mine = client.subscriptions;
  switch (kind) {
    case Kind::channel: return {mine.channels.begin(), mine.channels.end()};
    case Kind::pattern: return mine.patterns;
    case Kind::shard_channel: return {mine.shard_channels.begin(), mine.shard_channels.end()};
  }
  return {};
}

// With names: one frame per name, subscribed or not. Without: one frame per
// current subscription, or a single frame with a null name if there is none.
template <Kind kind>
void unsubscribe(Context& ctx, Arguments args) {
  const std::string_view word = words_of(kind).unsubscribe;
  if (args.size() > 1) {
    for (std::string_view name : args.subspan(1)) {
      ctx.pubsub.unsubscribe(ctx.client, kind, name);
      reply_frame(ctx, kind, word, &name);
    }
    return;
  }
  const std::vector<std::string> names = current_names(ctx.client, kind);
  if (names.empty()) reply_frame(ctx, kind, word, nullptr);
  for (const std::string& owned : names) {
    std::string_view name = owned;
    ctx.pubsub.unsubscribe(ctx.client, kind, name);
    reply_frame(ctx, kind, word, &name);
  }
}

// PUBLISH channel message: how many subscriptions received it.
void publish_command(Context& ctx, Arguments args) {
  ctx.reply.integer(static_cast<std::int64_t>(ctx.pubsub.publish(args[1], args[2])));
}

void spublish_command(Context& ctx, Arguments args) {
  ctx.reply.integer(static_cast<std::int64_t>(ctx.pubsub.publish_to_shard(args[1], args[2])));
}

// ---- PUBSUB introspection --------------------------------------------------------

// PUBSUB CHANNELS [pattern] / SHARDCHANNELS [pattern]. The table lets any
// number of arguments through (arity -2), and the command itself refuses
// more than one pattern, as Redis does.
template <Kind kind>
void list_active(Context& ctx, Arguments args) {
  if (args.size() > 3) {
    ctx.reply.error(errors::subcommand_syntax_error(args[1], "pubsub"));
    return;
  }
  std::optional<std::string_view> pattern;
  if (args.size() == 3) pattern = args[2];
  const std::vector<std::string_view> names = ctx.pubsub.active_names(kind, pattern);
  ctx.reply.array_header(names.size());
  for (std::string_view name : names) ctx.reply.bulk_string(name);
}

// PUBSUB NUMSUB / SHARDNUMSUB name...: a flat name, count, name, count array.
template <Kind kind>
void count_subscribers(Context& ctx, Arguments args) {
  const Arguments names = args.subspan(2);
  ctx.reply.array_header(names.size() * 2);
  for (std::string_view name : names) {
    ctx.reply.bulk_string(name);
    ctx.reply.integer(static_cast<std::int64_t>(ctx.pubsub.subscriber_count(kind, name)));
  }
}

void pubsub_numpat_command(Context& ctx, Arguments /*args*/) {
  ctx.reply.integer(static_cast<std::int64_t>(ctx.pubsub.active_count(Kind::pattern)));
}

void pubsub_help_command(Context& ctx, Arguments /*args*/) {
  reply_help(
      ctx.reply, "PUBSUB",
      {
          "CHANNELS [<pattern>]",
          "    Return the currently active channels matching a <pattern> (default: '*').",
          "NUMPAT",
          "    Return number of subscriptions to patterns.",
          "NUMSUB [<channel> ...]",
          "    Return the number of subscribers for the specified channels, excluding",
          "    pattern subscriptions(default: no channels).",
          "SHARDCHANNELS [<pattern>]",
          // One line of Redis's text, split only to fit our line length.
          // NOLINTNEXTLINE(bugprone-suspicious-missing-comma)
          "    Return the currently active shard level channels matching a <pattern> (default: "
          "'*').",
          "SHARDNUMSUB [<shardchannel> ...]",
          "    Return the number of subscribers for the specified shard level channel(s)",
      });
}

}  // namespace

void register_pubsub_commands(CommandTable& table) {
  constexpr std::uint32_t kSubscribeFlags =
      flags::kPubsub | flags::kNoscript | flags::kLoading | flags::kStale;
  constexpr std::uint32_t kPublishFlags =
      flags::kPubsub | flags::kLoading | flags::kStale | flags::kFast;
  constexpr std::uint32_t kIntrospectionFlags = flags::kPubsub | flags::kLoading | flags::kStale;

  table.add({.name = "subscribe",
             .arity = -2,
             .flags = kSubscribeFlags,
             .handler = subscribe<Kind::channel>,
             .group = "pubsub",
             .summary = "Listen for messages published to the given channels",
             .since = "2.0.0",
             .complexity = "O(N) where N is the number of channels to subscribe to.",
             .acl_categories = "@pubsub @slow",
             .arguments = {arg::string("channel").multiple()},
             .allowed_when_subscribed = true});
  table.add({.name = "unsubscribe",
             .arity = -1,
             .flags = kSubscribeFlags,
             .handler = unsubscribe<Kind::channel>,
             .group = "pubsub",
             .summary = "Stop listening for messages posted to the given channels",
             .since = "2.0.0",
             .complexity = "O(N) where N is the number of clients already subscribed to a channel.",
             .acl_categories = "@pubsub @slow",
             .arguments = {arg::string("channel").optional().multiple()},
             .allowed_when_subscribed = true});
  table.add(
      {.name = "psubscribe",
       .arity = -2,
       .flags = kSubscribeFlags,
       .handler = subscribe<Kind::pattern>,
       .group = "pubsub",
       .summary = "Listen for messages published to channels matching the given patterns",
       .since = "2.0.0",
       .complexity = "O(N) where N is the number of patterns the client is already subscribed to.",
       .acl_categories = "@pubsub @slow",
       .arguments = {arg::block("pattern", {arg::pattern("pattern")}).multiple()},
       .allowed_when_subscribed = true});
  table.add(
      {.name = "punsubscribe",
       .arity = -1,
       .flags = kSubscribeFlags,
       .handler = unsubscribe<Kind::pattern>,
       .group = "pubsub",
       .summary = "Stop listening for messages posted to channels matching the given patterns",
       .since = "2.0.0",
       .complexity = "O(N+M) where N is the number of patterns the client is already "
                     "subscribed and M is the number of total patterns subscribed in the "
                     "system (by any client).",
       .acl_categories = "@pubsub @slow",
       .arguments = {arg::pattern("pattern").optional().multiple()},
       .allowed_when_subscribed = true});
  table.add({.name = "ssubscribe",
             .arity = -2,
             .flags = kSubscribeFlags,
             .first_key = 1,
             .last_key = -1,
             .key_step = 1,
             .handler = subscribe<Kind::shard_channel>,
             .group = "pubsub",
             .summary = "Listen for messages published to the given shard channels",
             .since = "7.0.0",
             .complexity = "O(N) where N is the number of shard channels to subscribe to.",
             .acl_categories = "@pubsub @slow",
             .key_specs = "not_key",
             .arguments = {arg::string("shardchannel").multiple()},
             .allowed_when_subscribed = true});
  table.add(
      {.name = "sunsubscribe",
       .arity = -1,
       .flags = kSubscribeFlags,
       .first_key = 1,
       .last_key = -1,
       .key_step = 1,
       .handler = unsubscribe<Kind::shard_channel>,
       .group = "pubsub",
       .summary = "Stop listening for messages posted to the given shard channels",
       .since = "7.0.0",
       .complexity = "O(N) where N is the number of clients already subscribed to a shard channel.",
       .acl_categories = "@pubsub @slow",
       .key_specs = "not_key",
       .arguments = {arg::string("shardchannel").optional().multiple()},
       .allowed_when_subscribed = true});
  table.add({.name = "publish",
             .arity = 3,
             .flags = kPublishFlags,
             .handler = publish_command,
             .group = "pubsub",
             .summary = "Post a message to a channel",
             .since = "2.0.0",
             .complexity = "O(N+M) where N is the number of clients subscribed to the receiving "
                           "channel and M is the total number of subscribed patterns (by any "
                           "client).",
             .acl_categories = "@pubsub @fast",
             .arguments = {arg::string("channel"), arg::string("message")}});
  table.add({.name = "spublish",
             .arity = 3,
             .flags = kPublishFlags,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = spublish_command,
             .group = "pubsub",
             .summary = "Post a message to a shard channel",
             .since = "7.0.0",
             .complexity = "O(N) where N is the number of clients subscribed to the receiving "
                           "shard channel.",
             .acl_categories = "@pubsub @fast",
             .key_specs = "not_key",
             .arguments = {arg::string("shardchannel"), arg::string("message")}});

  // PUBSUB's subcommands, in the order Redis lists them (its dict order).
  table.add({
      .name = "pubsub",
      .arity = -2,
      .group = "pubsub",
      .summary = "A container for Pub/Sub commands",
      .since = "2.8.0",
      .complexity = "Depends on subcommand.",
      .acl_categories = "@slow",
      .subcommands =
          {
              {.name = "help",
               .arity = 2,
               .flags = flags::kLoading | flags::kStale,
               .handler = pubsub_help_command,
               .group = "pubsub",
               .summary = "Show helpful text about the different subcommands",
               .since = "6.2.0",
               .complexity = "O(1)",
               .acl_categories = "@slow"},
              {.name = "numsub",
               .arity = -2,
               .flags = kIntrospectionFlags,
               .handler = count_subscribers<Kind::channel>,
               .group = "pubsub",
               .summary = "Get the count of subscribers for channels",
               .since = "2.8.0",
               .complexity =
                   "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
               .acl_categories = "@pubsub @slow",
               .arguments = {arg::string("channel").optional().multiple()}},
              {.name = "numpat",
               .arity = 2,
               .flags = kIntrospectionFlags,
               .handler = pubsub_numpat_command,
               .group = "pubsub",
               .summary = "Get the count of unique patterns pattern subscriptions",
               .since = "2.8.0",
               .complexity = "O(1)",
               .acl_categories = "@pubsub @slow"},
              {.name = "shardchannels",
               .arity = -2,
               .flags = kIntrospectionFlags,
               .handler = list_active<Kind::shard_channel>,
               .group = "pubsub",
               .summary = "List active shard channels",
               .since = "7.0.0",
               .complexity = "O(N) where N is the number of active shard channels, and assuming "
                             "constant time pattern matching (relatively short shard channels).",
               .acl_categories = "@pubsub @slow",
               .arguments = {arg::pattern("pattern").optional()}},
              {.name = "channels",
               .arity = -2,
               .flags = kIntrospectionFlags,
               .handler = list_active<Kind::channel>,
               .group = "pubsub",
               .summary = "List active channels",
               .since = "2.8.0",
               .complexity = "O(N) where N is the number of active channels, and assuming "
                             "constant time pattern matching (relatively short channels and "
                             "patterns)",
               .acl_categories = "@pubsub @slow",
               .arguments = {arg::pattern("pattern").optional()}},
              {.name = "shardnumsub",
               .arity = -2,
               .flags = kIntrospectionFlags,
               .handler = count_subscribers<Kind::shard_channel>,
               .group = "pubsub",
               .summary = "Get the count of subscribers for shard channels",
               .since = "7.0.0",
               .complexity = "O(N) for the SHARDNUMSUB subcommand, where N is the number of "
                             "requested shard channels",
               .acl_categories = "@pubsub @slow",
               .arguments = {arg::string("shardchannel").optional().multiple()}},
          },
  });
}

}  // namespace mini_redis::commands
