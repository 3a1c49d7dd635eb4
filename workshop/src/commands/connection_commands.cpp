// Workshop copy of src/commands/connection_commands.cpp, made by workshop/generate.py.
// Write the parts marked TODO. `make workshop-diff FILE=commands/connection_commands.cpp` compares
// your version with the real one; `make workshop-solve STEP=n` fills a step in.
// Connection commands: PING, ECHO, QUIT, SELECT, HELLO, RESET, and CLIENT.
//
// These act on the connection that sent them, not on the data: they read and
// change its ClientState (selected database, protocol version, name, reply
// mode) and answer with Redis 7.0's exact bytes. The one thing they cannot do
// themselves is close a socket, so QUIT sets close_after_reply and the server
// closes the connection once the +OK is written; and the one thing they need
// the server for is the list of other clients (CLIENT LIST), which comes
// through ServerServices.
//
// CLIENT SETINFO is Redis 7.2's, not 7.0's: Debian's 7.0.15 answers "unknown
// subcommand", but redis-py sends it on every connection (and ignores that
// error), so we accept it as 7.2 does.
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

#include "commands/command_table.h"
#include "commands/errors.h"
#include "commands/info.h"
#include "common/integer_parsing.h"

#include "common/not_implemented.h"

namespace mini_redis::commands {

namespace {

using protocol::ProtocolVersion;

constexpr std::string_view kInvalidClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";

template <typename Integer>
void append_number(std::string& out, Integer value) {
  std::array<char, 24> buffer{};
  auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

// Names (and SETINFO values) may hold only printable ASCII other than space,
// '!' to '~', so that CLIENT LIST stays one parsable line per client.
bool is_valid_client_attribute(std::string_view text) {
  for (char c : text) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

// ---- PING, ECHO, QUIT, SELECT ---------------------------------------------------

// PING [message]: +PONG, or the message back as a bulk string.
void ping_command(Context& ctx, Arguments args) {
  if (args.size() > 2) {
    ctx.reply.error(errors::wrong_arity("ping"));
    return;
  }
  // workshop: begin step 3, ping_command
  // args[0] is "PING" itself. With a message (PING hello, two arguments) the
  // reply is that message as a bulk string; alone, the simple string PONG.
  // ctx.reply is the ReplyWriter of step 1.
  // TODO(step 3): write this part, then delete the not_implemented line.
  not_implemented(3, "commands/connection_commands.cpp: ping_command");
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

// ---- HELLO and RESET ---------------------------------------------------------------

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
      // mini-redis has no ACLs and no requirepass: like a fresh Redis, whose
      // only user "default" is "nopass", it takes "default" with any
      // password (args[i + 2]) and knows no other user.
      if (!equals_ignore_case(args[i + 1], "default")) {
        ctx.reply.error("WRONGPASS invalid username-password pair or user is disabled.");
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
// name, replies on. (Redis also leaves MULTI, unsubscribes and stops
// tracking; mini-redis has none of those yet.) The library name and version
// set by CLIENT SETINFO stay.
void reset_command(Context& ctx, Arguments /*args*/) {
  ctx.client.db_index = 0;
  ctx.client.name.clear();
  ctx.client.reply_mode = ReplyMode::on;
  ctx.client.skipping_reply = false;
  set_protocol(ctx, ProtocolVersion::resp2);
  ctx.reply.simple_string("RESET");
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

// One line of CLIENT LIST / CLIENT INFO, with Redis 7.0's fields in Redis's
// order. Fields about features mini-redis lacks have their idle values
// (sub=0, multi=-1, user=default, redir=-1). Memory fields are estimates,
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
  out += " flags=N db=";
  append_number(out, client.db_index);
  out += " sub=0 psub=0 ssub=0 multi=-1 qbuf=";
  append_number(out, client.query_buffer_bytes);
  out += " qbuf-free=";
  append_number(out, client.query_buffer_free);
  out += " argv-mem=";
  append_number(out, argv_bytes);
  out += " multi-mem=0 rbs=";
  append_number(out, kReplyBufferBytes);
  out += " rbp=";
  append_number(out, kReplyBufferBytes);
  out += " obl=";
  append_number(out, client.output_buffer_bytes);
  out += " oll=0 omem=0 tot-mem=";
  append_number(out, total_memory);
  out += client.output_buffer_bytes > 0 ? " events=rw cmd=" : " events=r cmd=";
  out += client.last_command;
  out += " user=default redir=-1 resp=";
  append_number(out, static_cast<int>(client.protocol));
  out += '\n';
}

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
// Every mini-redis client is a normal one (no replication, no pub/sub yet),
// so TYPE NORMAL lists all clients and the other types none. ID lists the
// given clients in the order asked, repeating one asked twice, as Redis does.
void client_list_command(Context& ctx, Arguments args) {
  std::string text;
  if (args.size() == 4 && equals_ignore_case(args[2], "type")) {
    const std::string_view type = args[3];
    const bool normal = equals_ignore_case(type, "normal");
    if (!normal && !equals_ignore_case(type, "master") && !equals_ignore_case(type, "replica") &&
        !equals_ignore_case(type, "slave") && !equals_ignore_case(type, "pubsub")) {
      ctx.reply.error("ERR Unknown client type '" + std::string(type) + "'");
      return;
    }
    if (normal) {
      ctx.server.for_each_client(
          [&](const ClientState& client) { append_client(ctx, text, client, args); });
    }
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

// Redis's CLIENT HELP, keeping the lines of the subcommands mini-redis has.
void client_help_command(Context& ctx, Arguments /*args*/) {
  static constexpr std::array<std::string_view, 21> kLines{
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "SETINFO <option> <value>",
      "    Set client meta attr. Options are:",
      "    * LIB-NAME: the client lib name.",
      "    * LIB-VER: the client lib version.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.array_header(kLines.size());
  for (std::string_view line : kLines) ctx.reply.simple_string(line);
}

}  // namespace

void register_connection_commands(CommandTable& table) {
  // Most connection commands must work while the server loads or is busy.
  constexpr std::uint32_t kAnytime = flags::kLoading | flags::kStale;
  constexpr std::uint32_t kHandshake =
      flags::kNoscript | kAnytime | flags::kFast | flags::kNoAuth | flags::kAllowBusy;
  constexpr std::uint32_t kClientFlags = flags::kNoscript | kAnytime;

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
             .arguments = {arg::string("message").optional()}});
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
             .acl_categories = "@fast @connection"});
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
  table.add({.name = "hello",
             .arity = -1,
             .flags = kHandshake,
             .handler = hello_command,
             .group = "connection",
             .summary = "Handshake with Redis",
             .since = "6.0.0",
             .complexity = "O(1)",
             .acl_categories = "@fast @connection",
             .arguments = {
                 arg::block("arguments",
                     {arg::integer("protover"),
                      arg::block("username_password", {arg::string("username"), arg::string("password")}).token("AUTH").optional(),
                      arg::string("clientname").token("SETNAME").optional()}).optional()},
             .history = {
                 {"6.2.0", "`protover` made optional; when called without arguments the command reports the current connection's context."}}});
  table.add({.name = "reset",
             .arity = 1,
             .flags = kHandshake,
             .handler = reset_command,
             .group = "connection",
             .summary = "Reset the connection",
             .since = "6.2.0",
             .complexity = "O(1)",
             .acl_categories = "@fast @connection"});

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
      arg::block("id", {arg::integer("client-id").multiple()}).token("ID").since("6.2.0").optional()};
  list.history = {
      {"2.8.12", "Added unique client `id` field."},
      {"5.0.0", "Added optional `TYPE` filter."},
      {"6.0.0", "Added `user` field."},
      {"6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."},
      {"7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."},
      {"7.0.3", "Added `ssub` field."}};
  CommandSpec info =
      client_subcommand("info", 2, kClientFlags, client_info_command,
                        "Returns information about the current client connection.", "6.2.0");
  info.tips = "nondeterministic_output";

  table.add(
      {.name = "client",
       .arity = -2,
       .group = "connection",
       .summary = "A container for client connection commands",
       .since = "2.4.0",
       .complexity = "Depends on subcommand.",
       .acl_categories = "@slow",
       .subcommands = {
           client_subcommand("id", 2, kClientFlags, client_id_command,
                             "Returns the client ID for the current connection", "5.0.0"),
           with_arguments(client_subcommand("setname", 3, kClientFlags, client_setname_command,
                                            "Set the current connection name", "2.6.9"),
                          {arg::string("connection-name")}),
           client_subcommand("getname", 2, kClientFlags, client_getname_command,
                             "Get the current connection name", "2.6.9"),
           client_subcommand("setinfo", 4, kClientFlags, client_setinfo_command,
                             "Sets information specific to the client or connection.", "7.2.0"),
           std::move(info),
           std::move(list),
           with_arguments(client_subcommand("reply", 3, kClientFlags, client_reply_command,
                                            "Instruct the server whether to reply to commands",
                                            "3.2.0"),
                          {arg::oneof("on_off_skip", {arg::pure_token("on", "ON"),
                                                      arg::pure_token("off", "OFF"),
                                                      arg::pure_token("skip", "SKIP")})}),
           client_subcommand("help", 2, kAnytime, client_help_command,
                             "Show helpful text about the different subcommands", "5.0.0"),
       }});
}

}  // namespace mini_redis::commands
