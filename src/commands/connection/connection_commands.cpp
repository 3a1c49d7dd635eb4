// Connection commands: PING, ECHO, QUIT, SELECT, HELLO and RESET (CLIENT is
// in client_commands.cpp; see connection_commands.h).
//
// These act on the connection that sent them, not on the data: they read and
// change its ClientState (selected database, protocol version, name, reply
// mode) and answer with Redis 7.0's exact bytes. The one thing they cannot do
// themselves is close a socket, so QUIT sets close_after_reply and the server
// closes the connection once the +OK is written.
#include <cstdint>
#include <limits>

#include "commands/connection/connection_commands.h"
#include "commands/core/acl_check.h"
#include "commands/core/acl_user.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/core/transaction_queue.h"
#include "commands/server/info.h"
#include "commands/server/monitor.h"
#include "common/integer_parsing.h"
#include "pubsub/tracking.h"

namespace mini_redis::commands {

namespace {

using protocol::ProtocolVersion;

// ---- PING, ECHO, QUIT, SELECT ---------------------------------------------------

// PING [message]: +PONG, or the message back as a bulk string.
void ping_command(Context& ctx, Arguments args) {
  if (args.size() > 2) {
    ctx.reply.error(errors::wrong_arity("ping"));
    return;
  }
  if (ctx.client.in_resp2_subscribed_mode()) {
    // A subscribed RESP2 client reads arrays only, so PING answers as a
    // message would: ["pong", message or ""].
    ctx.reply.array_header(2);
    ctx.reply.bulk_string("pong");
    ctx.reply.bulk_string(args.size() == 2 ? args[1] : std::string_view());
    return;
  }
  // workshop: begin step 3, ping_command
  // args[0] is "PING" itself. With a message (PING hello, two arguments) the
  // reply is that message as a bulk string; alone, the simple string PONG.
  // ctx.reply is the ReplyWriter of step 1.
  if (args.size() == 2) {
    ctx.reply.bulk_string(args[1]);
  } else {
    ctx.reply.simple_string("PONG");
  }
  // workshop: end
}

void echo_command(Context& ctx, Arguments args) {
  ctx.reply.bulk_string(args[1]);
}

// QUIT: +OK, then the server closes the connection. Redis ignores any
// arguments (its arity is -1).
void quit_command(Context& ctx, Arguments /*args*/) {
  ctx.client.close_after_reply = true;
  ctx.reply.ok();
}

// SELECT index: the index must be an int (Redis's getIntFromObject), then a
// database that exists.
void select_command(Context& ctx, Arguments args) {
  auto index = parse_int64_strict(args[1]);
  if (!index || *index < std::numeric_limits<int>::min() ||
      *index > std::numeric_limits<int>::max()) {
    ctx.reply.error(errors::kNotInteger);
    return;
  }
  if (*index < 0 || *index >= ctx.keyspace.database_count()) {
    ctx.reply.error(errors::kDbIndexOutOfRange);
    return;
  }
  ctx.client.db_index = static_cast<int>(*index);
  ctx.reply.ok();
}

// ---- AUTH, HELLO and RESET ---------------------------------------------------------

// Redis's ACLAuthenticateUser(): the user must exist, be on, and take the
// password (any, for a nopass user). Then the connection runs as that user;
// a failed attempt goes to ACL LOG (reason "auth"), so that an operator sees
// password guessing; its object is the command's name as sent ("AUTH",
// "hello"), as in Redis. Without a user table (tests that build a bare
// Context) only "default" exists, and takes any password.
bool authenticate(Context& ctx, Arguments args, std::string_view username,
                  std::string_view password) {
  if (ctx.acl == nullptr) return username == "default";
  std::shared_ptr<AclUser> user = ctx.acl->find(username);
  if (user && user->enabled && password_matches(*user, password)) {
    ctx.client.user = std::move(user);
    ctx.client.authenticated = true;
    return true;
  }
  log_acl_event(ctx, "auth", "toplevel", std::string(args[0]), std::string(username));
  return false;
}

// AUTH [username] password. The one-argument form is the default user's;
// Redis refuses it while that user needs no password, since it is then
// most likely a configuration mistake.
void auth_command(Context& ctx, Arguments args) {
  for (std::size_t i = 1; i < args.size(); ++i) redact_argument(ctx.client, i);
  if (args.size() > 3) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  if (args.size() == 2 && (ctx.acl == nullptr || ctx.acl->default_user()->nopass)) {
    ctx.reply.error(
        "ERR AUTH <password> called without any password configured for the default user. Are "
        "you sure your configuration is correct?");
    return;
  }
  const std::string_view username = args.size() == 3 ? args[1] : "default";
  if (!authenticate(ctx, args, username, args.back())) {
    ctx.reply.error(errors::kWrongPass);
    return;
  }
  ctx.reply.ok();
}

void set_protocol(Context& ctx, ProtocolVersion version) {
  ctx.client.protocol = version;
  ctx.reply.set_version(version);
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
//
// The version is checked first. Then Redis 7.0 runs the options in order and
// each takes effect at once, so "HELLO 3 SETNAME a FOO" fails on FOO but the
// connection is named "a" all the same. Only the protocol waits until every
// option has passed. The reply, a map describing the server, is written in
// the new protocol.
void hello_command(Context& ctx, Arguments args) {
  ProtocolVersion version = ctx.client.protocol;
  if (args.size() >= 2) {
    auto requested = parse_int64_strict(args[1]);
    if (!requested) {
      ctx.reply.error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (*requested != 2 && *requested != 3) {
      ctx.reply.error("NOPROTO unsupported protocol version");
      return;
    }
    version = *requested == 3 ? ProtocolVersion::resp3 : ProtocolVersion::resp2;
  }

  for (std::size_t i = 2; i < args.size(); ++i) {
    const std::size_t words_left = args.size() - 1 - i;
    if (equals_ignore_case(args[i], "AUTH") && words_left >= 2) {
      redact_argument(ctx.client, i + 1);
      redact_argument(ctx.client, i + 2);
      if (!authenticate(ctx, args, args[i + 1], args[i + 2])) {
        ctx.reply.error(errors::kWrongPass);
        return;
      }
      i += 2;
    } else if (equals_ignore_case(args[i], "SETNAME") && words_left >= 1) {
      if (!is_valid_client_attribute(args[i + 1])) {
        ctx.reply.error(kInvalidClientName);
        return;
      }
      ctx.client.name = args[i + 1];
      i += 1;
    } else {
      ctx.reply.error("ERR Syntax error in HELLO option '" + std::string(args[i]) + "'");
      return;
    }
  }

  // HELLO is allowed before AUTH only to authenticate (Redis checks this
  // after the options, so SETNAME has taken effect by then).
  if (!ctx.client.authenticated) {
    ctx.reply.error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
        "AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
        "protocol version at the same time");
    return;
  }
  set_protocol(ctx, version);

  ctx.reply.map_header(7);
  ctx.reply.bulk_string("server");
  ctx.reply.bulk_string("redis");
  ctx.reply.bulk_string("version");
  ctx.reply.bulk_string(kRedisVersion);  // the Redis we are compatible with
  ctx.reply.bulk_string("proto");
  ctx.reply.integer(static_cast<int>(version));
  ctx.reply.bulk_string("id");
  ctx.reply.integer(ctx.client.id);
  ctx.reply.bulk_string("mode");
  ctx.reply.bulk_string("standalone");
  ctx.reply.bulk_string("role");
  ctx.reply.bulk_string("master");
  ctx.reply.bulk_string("modules");
  ctx.reply.array_header(0);
}

// RESET: the connection as it was when it opened: RESP2, database 0, no
// name, replies on, no subscriptions, not monitoring, no transaction and no
// watched keys, no CLIENT TRACKING. The library name and version set by
// CLIENT SETINFO stay, and so does CLIENT NO-EVICT (as in Redis 7.0).
void reset_command(Context& ctx, Arguments /*args*/) {
  if (ctx.tracking != nullptr) ctx.tracking->disable(ctx.client, ctx.client.id);
  discard_transaction(ctx);
  ctx.pubsub.unsubscribe_all(ctx.client);
  ctx.monitors.remove(ctx.client);
  ctx.client.db_index = 0;
  ctx.client.name.clear();
  ctx.client.reply_mode = ReplyMode::on;
  ctx.client.skipping_reply = false;
  // Back to the default user, authenticated only if it needs no password.
  if (ctx.acl != nullptr) {
    const auto& default_user = ctx.acl->default_user();
    ctx.client.user = default_user;
    ctx.client.authenticated = default_user->nopass && default_user->enabled;
  }
  set_protocol(ctx, ProtocolVersion::resp2);
  ctx.reply.simple_string("RESET");
}

}  // namespace

void register_connection_commands(CommandTable& table) {
  constexpr std::uint32_t kHandshake =
      flags::kNoscript | kAnytime | flags::kFast | flags::kNoAuth | flags::kAllowBusy;

  table.add({.name = "ping",
             .arity = -1,
             .flags = flags::kFast,
             .handler = ping_command,
             .group = "connection",
             .summary = "Ping the server",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@fast @connection",
             .tips = "request_policy:all_shards response_policy:all_succeeded",
             .arguments = {arg::string("message").optional()},
             .allowed_when_subscribed = true});
  table.add({.name = "echo",
             .arity = 2,
             .flags = kAnytime | flags::kFast,
             .handler = echo_command,
             .group = "connection",
             .summary = "Echo the given string",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@fast @connection",
             .arguments = {arg::string("message")}});
  table.add({.name = "quit",
             .arity = -1,
             .flags = kHandshake,
             .handler = quit_command,
             .group = "connection",
             .summary = "Close the connection",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@fast @connection",
             .allowed_when_subscribed = true});
  table.add({.name = "select",
             .arity = 2,
             .flags = kAnytime | flags::kFast,
             .handler = select_command,
             .group = "connection",
             .summary = "Change the selected database for the current connection",
             .since = "1.0.0",
             .complexity = "O(1)",
             .acl_categories = "@fast @connection",
             .arguments = {arg::integer("index")}});
  table.add(
      {.name = "auth",
       .arity = -2,
       .flags = kHandshake,
       .handler = auth_command,
       .group = "connection",
       .summary = "Authenticate to the server",
       .since = "1.0.0",
       .complexity = "O(N) where N is the number of passwords defined for the user",
       .acl_categories = "@fast @connection",
       .arguments = {arg::string("username").since("6.0.0").optional(), arg::string("password")},
       .history = {{"6.0.0", "Added ACL style (username and password)."}}});
  table.add({.name = "hello",
             .arity = -1,
             .flags = kHandshake,
             .handler = hello_command,
             .group = "connection",
             .summary = "Handshake with Redis",
             .since = "6.0.0",
             .complexity = "O(1)",
             .acl_categories = "@fast @connection",
             .arguments = {arg::block("arguments",
                                      {arg::integer("protover"),
                                       arg::block("username_password", {arg::string("username"),
                                                                        arg::string("password")})
                                           .token("AUTH")
                                           .optional(),
                                       arg::string("clientname").token("SETNAME").optional()})
                               .optional()},
             .history = {{"6.2.0",
                          "`protover` made optional; when called without arguments the command "
                          "reports the current connection's context."}}});
  table.add({.name = "reset",
             .arity = 1,
             .flags = kHandshake,
             .handler = reset_command,
             .group = "connection",
             .summary = "Reset the connection",
             .since = "6.2.0",
             .complexity = "O(1)",
             .acl_categories = "@fast @connection",
             .allowed_when_subscribed = true});

  register_client_commands(table);
}

}  // namespace mini_redis::commands
