// CLIENT and its subcommands: the connection looking at itself and at the
// other clients of the server.
//
// ID, SETNAME, GETNAME and REPLY read and change the ClientState of the
// connection that sent them; INFO and LIST describe clients one line each,
// with Redis 7.0's fields in Redis 7.0's order. The one thing these need the
// server for is the list of other clients (CLIENT LIST), which comes through
// ServerServices. CLIENT KILL lives in client_kill.cpp; the client types
// that LIST and KILL both filter by are here.
//
// CLIENT SETINFO is Redis 7.2's, not 7.0's: Debian's 7.0.15 answers "unknown
// subcommand", but redis-py sends it on every connection (and ignores that
// error), so we accept it as 7.2 does.
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>

#include "commands/connection/connection_commands.h"
#include "commands/core/acl_user.h"
#include "commands/core/arguments.h"
#include "commands/core/command_docs.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "common/integer_parsing.h"

namespace mini_redis::commands {

namespace {

template <typename Integer>
void append_number(std::string& out, Integer value) {
  std::array<char, 24> buffer{};
  auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

// ---- CLIENT ------------------------------------------------------------------------

void client_id_command(Context& ctx, Arguments /*args*/) {
  ctx.reply.integer(ctx.client.id);
}

// CLIENT SETNAME name: an empty name removes the name.
void client_setname_command(Context& ctx, Arguments args) {
  if (!is_valid_client_attribute(args[2])) {
    ctx.reply.error(kInvalidClientName);
    return;
  }
  ctx.client.name = args[2];
  ctx.reply.ok();
}

void client_getname_command(Context& ctx, Arguments /*args*/) {
  if (ctx.client.name.empty()) {
    ctx.reply.null();
  } else {
    ctx.reply.bulk_string(ctx.client.name);
  }
}

// CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2; see the top of the file).
void client_setinfo_command(Context& ctx, Arguments args) {
  std::string* field = nullptr;
  if (equals_ignore_case(args[2], "lib-name")) field = &ctx.client.library_name;
  if (equals_ignore_case(args[2], "lib-ver")) field = &ctx.client.library_version;
  if (field == nullptr) {
    ctx.reply.error("ERR Unrecognized option '" + std::string(args[2]) + "'");
    return;
  }
  if (!is_valid_client_attribute(args[3])) {
    ctx.reply.error("ERR " + std::string(args[2]) +
                    " cannot contain spaces, newlines or special characters.");
    return;
  }
  *field = args[3];
  ctx.reply.ok();
}

// CLIENT LIST's flags=, the letters of Redis 7.0 for what mini-redis has,
// in Redis's order: O monitor, P subscribed, x in MULTI, b blocked
// (BLPOP..., or held by CLIENT PAUSE), t tracking, R its tracking redirect
// is gone, B tracking in BCAST mode, d a WATCHed key changed (EXEC will
// fail), U Unix socket, e CLIENT NO-EVICT; N for none.
void append_flags(std::string& out, const ClientState& client) {
  const std::size_t before = out.size();
  if (client.monitor) out += 'O';
  if (client.subscribed()) out += 'P';
  if (client.transaction.open) out += 'x';
  if (client.blocked || client.postponed) out += 'b';
  if (client.tracking.on) out += 't';
  if (client.tracking.broken_redirect) out += 'R';
  if (client.tracking.bcast) out += 'B';
  if (client.transaction.watch_dirty) out += 'd';
  if (client.unix_socket) out += 'U';
  if (client.no_evict) out += 'e';
  if (out.size() == before) out += 'N';
}

}  // namespace

// One line of CLIENT LIST / CLIENT INFO, with Redis 7.0's fields in Redis's
// order. redir= is the tracking redirect (0 for none, -1 when not
// tracking). Memory fields are estimates,
// since our buffers are not Redis's: argv-mem is the size of the arguments of
// the command running now (0 for other clients, which are between commands),
// rbs/rbp show Redis's usual 16 KiB reply buffer, oll and omem are 0 (one
// flat output buffer, counted in obl), and tot-mem adds up the buffers. age
// and idle are whole seconds, as Redis counts them.
void append_client_line(std::string& out, const ClientState& client, std::int64_t now_ms,
                        std::size_t argv_bytes) {
  constexpr std::size_t kReplyBufferBytes = 16 * 1024;
  const std::size_t total_memory = client.query_buffer_bytes + client.query_buffer_free +
                                   argv_bytes + kReplyBufferBytes + client.output_buffer_bytes;
  out += "id=";
  append_number(out, client.id);
  out += " addr=" + client.peer_address + " laddr=" + client.local_address + " fd=";
  append_number(out, client.socket_fd);
  out += " name=" + client.name + " age=";
  append_number(out, (now_ms - client.created_ms) / 1000);
  out += " idle=";
  append_number(out, (now_ms - client.last_command_ms) / 1000);
  out += " flags=";
  append_flags(out, client);
  out += " db=";
  append_number(out, client.db_index);
  out += " sub=";
  append_number(out, client.subscriptions.channels.size());
  out += " psub=";
  append_number(out, client.subscriptions.patterns.size());
  out += " ssub=";
  append_number(out, client.subscriptions.shard_channels.size());
  // multi=: -1 outside MULTI, else how many commands are queued;
  // multi-mem=: Redis's figure for their memory (transaction_state.h).
  const TransactionState& transaction = client.transaction;
  out += " multi=";
  append_number(out, transaction.open ? static_cast<std::int64_t>(transaction.queued.size()) : -1);
  out += " qbuf=";
  append_number(out, client.query_buffer_bytes);
  out += " qbuf-free=";
  append_number(out, client.query_buffer_free);
  out += " argv-mem=";
  append_number(out, argv_bytes);
  out += " multi-mem=";
  append_number(out, transaction.queued.memory_figure());
  out += " rbs=";
  append_number(out, kReplyBufferBytes);
  out += " rbp=";
  append_number(out, kReplyBufferBytes);
  out += " obl=";
  append_number(out, client.output_buffer_bytes);
  out += " oll=0 omem=0 tot-mem=";
  append_number(out, total_memory);
  out += client.output_buffer_bytes > 0 ? " events=rw cmd=" : " events=r cmd=";
  out += client.last_command;
  out += " user=";
  out += client.user != nullptr ? std::string_view(client.user->name) : "default";
  out += " redir=";
  append_number(out, client.tracking.on ? client.tracking.redirect : std::int64_t{-1});
  out += " resp=";
  append_number(out, static_cast<int>(client.protocol));
  out += '\n';
}

namespace {

// Lists `client`; the one running this command also shows its arguments' size.
void append_client(Context& ctx, std::string& out, const ClientState& client, Arguments args) {
  std::size_t argv_bytes = 0;
  if (&client == &ctx.client) {
    for (std::string_view arg : args) argv_bytes += arg.size();
  }
  append_client_line(out, client, ctx.now_ms(), argv_bytes);
}

// CLIENT INFO and CLIENT LIST answer with text: a bulk string in RESP2, a
// verbatim "txt" string in RESP3.
void client_info_command(Context& ctx, Arguments args) {
  std::string text;
  append_client(ctx, text, ctx.client, args);
  ctx.reply.verbatim_text(text);
}

// CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] | [ID id [id ...]]
//
// TYPE lists the clients of that type (client_type). ID lists the given
// clients in the order asked, repeating one asked twice, as Redis does.
void client_list_command(Context& ctx, Arguments args) {
  std::string text;
  if (args.size() == 4 && equals_ignore_case(args[2], "type")) {
    const std::optional<ClientType> type = parse_client_type(args[3]);
    if (!type) {
      ctx.reply.error("ERR Unknown client type '" + std::string(args[3]) + "'");
      return;
    }
    ctx.server.for_each_client([&](const ClientState& client) {
      if (client_type(client) == *type) append_client(ctx, text, client, args);
    });
  } else if (args.size() > 3 && equals_ignore_case(args[2], "id")) {
    for (std::string_view word : args.subspan(3)) {
      auto id = parse_int64_strict(word);
      if (!id) {
        ctx.reply.error("ERR Invalid client ID");
        return;
      }
      ctx.server.for_each_client([&](const ClientState& client) {
        if (client.id == *id) append_client(ctx, text, client, args);
      });
    }
  } else if (args.size() != 2) {
    ctx.reply.error(errors::kSyntax);
    return;
  } else {
    ctx.server.for_each_client(
        [&](const ClientState& client) { append_client(ctx, text, client, args); });
  }
  ctx.reply.verbatim_text(text);
}

// CLIENT REPLY ON|OFF|SKIP. The dispatcher drops the replies; OFF and SKIP
// answer nothing themselves, and SKIP is ignored while replies are OFF.
void client_reply_command(Context& ctx, Arguments args) {
  if (equals_ignore_case(args[2], "on")) {
    ctx.client.reply_mode = ReplyMode::on;
    ctx.client.skipping_reply = false;  // ON also cancels a SKIP in progress
    ctx.reply.ok();
  } else if (equals_ignore_case(args[2], "off")) {
    ctx.client.reply_mode = ReplyMode::off;
  } else if (equals_ignore_case(args[2], "skip")) {
    if (ctx.client.reply_mode != ReplyMode::off) ctx.client.reply_mode = ReplyMode::skip_next;
  } else {
    ctx.reply.error(errors::kSyntax);
  }
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's wait in BLPOP and
// friends (commands/core/blocking.h). By default it answers as if its time
// had run out; with ERROR it gets -UNBLOCKED. 1 if that client was waiting.
void client_unblock_command(Context& ctx, Arguments args) {
  if (args.size() > 4) {  // Redis's clientCommand takes 3 or 4 words here
    ctx.reply.error(errors::subcommand_syntax_error(args[1], "CLIENT"));
    return;
  }
  const std::optional<std::int64_t> id = integer_or_reply(ctx, args[2]);
  if (!id) return;
  bool with_error = false;
  if (args.size() == 4) {
    if (equals_ignore_case(args[3], "error")) {
      with_error = true;
    } else if (!equals_ignore_case(args[3], "timeout")) {
      ctx.reply.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return;
    }
  }
  ctx.reply.integer(ctx.server.unblock_client(*id, with_error) ? 1 : 0);
}

// Redis's CLIENT HELP, keeping the lines of the subcommands mini-redis has.
void client_help_command(Context& ctx, Arguments /*args*/) {
  reply_help(ctx.reply, "CLIENT",
             {
                 "CACHING (YES|NO)",
                 "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
                 "GETREDIR",
                 "    Return the client ID we are redirecting to when tracking is enabled.",
                 "GETNAME",
                 "    Return the name of the current connection.",
                 "ID",
                 "    Return the ID of the current connection.",
                 "INFO",
                 "    Return information about the current client connection.",
                 "KILL <ip:port>",
                 "    Kill connection made from <ip:port>.",
                 "KILL <option> <value> [<option> <value> [...]]",
                 "    Kill connections. Options are:",
                 "    * ADDR (<ip:port>|<unixsocket>:0)",
                 "      Kill connections made from the specified address",
                 "    * LADDR (<ip:port>|<unixsocket>:0)",
                 "      Kill connections made to specified local address",
                 "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                 "      Kill connections by type.",
                 "    * USER <username>",
                 "      Kill connections authenticated by <username>.",
                 "    * SKIPME (YES|NO)",
                 "      Skip killing current connection (default: yes).",
                 "LIST [options ...]",
                 "    Return information about client connections. Options:",
                 "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                 "      Return clients of specified type.",
                 "UNPAUSE",
                 "    Stop the current client pause, resuming traffic.",
                 "PAUSE <timeout> [WRITE|ALL]",
                 "    Suspend all, or just write, clients for <timeout> milliseconds.",
                 "REPLY (ON|OFF|SKIP)",
                 "    Control the replies sent to the current connection.",
                 "SETNAME <name>",
                 "    Assign the name <name> to the current connection.",
                 "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                 "    Unblock the specified blocked client.",
                 "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                 "         [OPTIN] [OPTOUT] [NOLOOP]",
                 "    Control server assisted client side caching.",
                 "TRACKINGINFO",
                 "    Report tracking status for the current connection.",
                 "NO-EVICT (ON|OFF)",
                 "    Protect current client connection from eviction.",
                 // CLIENT SETINFO works (redis-py sends it) but is Redis 7.2's,
                 // so it is not listed: this text is 7.0.15's, byte for byte.
             });
}

}  // namespace

std::optional<ClientType> parse_client_type(std::string_view name) {
  if (equals_ignore_case(name, "normal")) return ClientType::normal;
  if (equals_ignore_case(name, "master")) return ClientType::master;
  // "slave" is the old name of "replica"; Redis still accepts both.
  if (equals_ignore_case(name, "replica") || equals_ignore_case(name, "slave")) {
    return ClientType::replica;
  }
  if (equals_ignore_case(name, "pubsub")) return ClientType::pubsub;
  return std::nullopt;
}

// Redis counts a client as "pubsub" while it is subscribed to at least one
// channel or pattern (in RESP2 and RESP3 alike), and as "normal" otherwise.
// mini-redis has no replication, so no client is a master or a replica.
ClientType client_type(const ClientState& client) {
  return client.subscribed() ? ClientType::pubsub : ClientType::normal;
}

void register_client_commands(CommandTable& table) {
  constexpr std::uint32_t kClientFlags = flags::kNoscript | kAnytime;

  auto with_arguments = [](CommandSpec spec, std::vector<ArgumentSpec> arguments) {
    spec.arguments = std::move(arguments);
    return spec;
  };
  auto client_subcommand = [](std::string_view name, int arity, std::uint32_t command_flags,
                              Handler handler, std::string_view summary, std::string_view since) {
    return CommandSpec{.name = std::string(name),
                       .arity = arity,
                       .flags = command_flags,
                       .handler = handler,
                       .group = "connection",
                       .summary = summary,
                       .since = since,
                       .complexity = "O(1)",
                       .acl_categories = "@slow @connection"};
  };
  CommandSpec list =
      client_subcommand("list", -2, flags::kAdmin | kClientFlags, client_list_command,
                        "Get the list of client connections", "2.4.0");
  list.complexity = "O(N) where N is the number of client connections";
  list.acl_categories = "@admin @slow @dangerous @connection";
  list.tips = "nondeterministic_output";
  list.arguments = {
      arg::oneof("normal_master_replica_pubsub",
                 {arg::pure_token("normal", "NORMAL"), arg::pure_token("master", "MASTER"),
                  arg::pure_token("replica", "REPLICA"), arg::pure_token("pubsub", "PUBSUB")})
          .token("TYPE")
          .since("5.0.0")
          .optional(),
      arg::block("id", {arg::integer("client-id").multiple()})
          .token("ID")
          .since("6.2.0")
          .optional()};
  list.history = {
      {"2.8.12", "Added unique client `id` field."},
      {"5.0.0", "Added optional `TYPE` filter."},
      {"6.0.0", "Added `user` field."},
      {"6.2.0",
       "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."},
      {"7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."},
      {"7.0.3", "Added `ssub` field."}};
  CommandSpec unblock = client_subcommand(
      "unblock", -3, flags::kAdmin | kClientFlags, client_unblock_command,
      "Unblock a client blocked in a blocking command from a different connection", "5.0.0");
  unblock.complexity = "O(log N) where N is the number of client connections";
  unblock.acl_categories = "@admin @slow @dangerous @connection";
  unblock.arguments = {arg::integer("client-id"),
                       arg::oneof("timeout_error", {arg::pure_token("timeout", "TIMEOUT"),
                                                    arg::pure_token("error", "ERROR")})
                           .optional()};
  CommandSpec info =
      client_subcommand("info", 2, kClientFlags, client_info_command,
                        "Returns information about the current client connection.", "6.2.0");
  info.tips = "nondeterministic_output";

  std::vector<CommandSpec> subcommands;
  subcommands.push_back(client_subcommand("id", 2, kClientFlags, client_id_command,
                                          "Returns the client ID for the current connection",
                                          "5.0.0"));
  subcommands.push_back(
      with_arguments(client_subcommand("setname", 3, kClientFlags, client_setname_command,
                                       "Set the current connection name", "2.6.9"),
                     {arg::string("connection-name")}));
  subcommands.push_back(client_subcommand("getname", 2, kClientFlags, client_getname_command,
                                          "Get the current connection name", "2.6.9"));
  subcommands.push_back(client_subcommand("setinfo", 4, kClientFlags, client_setinfo_command,
                                          "Sets information specific to the client or connection.",
                                          "7.2.0"));
  subcommands.push_back(std::move(info));
  subcommands.push_back(client_kill_subcommand());
  subcommands.push_back(std::move(list));
  subcommands.push_back(std::move(unblock));
  subcommands.push_back(with_arguments(
      client_subcommand("reply", 3, kClientFlags, client_reply_command,
                        "Instruct the server whether to reply to commands", "3.2.0"),
      {arg::oneof("on_off_skip", {arg::pure_token("on", "ON"), arg::pure_token("off", "OFF"),
                                  arg::pure_token("skip", "SKIP")})}));
  for (CommandSpec& spec : client_tracking_subcommands()) subcommands.push_back(std::move(spec));
  for (CommandSpec& spec : client_pause_subcommands()) subcommands.push_back(std::move(spec));
  subcommands.push_back(client_subcommand("help", 2, kAnytime, client_help_command,
                                          "Show helpful text about the different subcommands",
                                          "5.0.0"));
  table.add({.name = "client",
             .arity = -2,
             .group = "connection",
             .summary = "A container for client connection commands",
             .since = "2.4.0",
             .complexity = "Depends on subcommand.",
             .acl_categories = "@slow",
             .subcommands = std::move(subcommands)});
}

}  // namespace mini_redis::commands
