// CLIENT KILL: close other clients' connections, or the caller's own.
//
// Redis has two forms, told apart by the number of arguments:
//
//   CLIENT KILL ip:port                  the old form (before 2.8.12): kills
//                                        the client connected from ip:port,
//                                        the caller included; +OK, or
//                                        "-ERR No such client"
//   CLIENT KILL filter value [...]       the new form: kills every client that
//                                        matches all the filters (ID, TYPE,
//                                        USER, ADDR, LADDR) and answers how
//                                        many; SKIPME yes (the default) spares
//                                        the caller
//
// Filters are read left to right and the first bad one answers the error;
// a filter given twice keeps its last value. The server closes the other
// clients (ServerServices::kill_clients). The caller, if it is one of them,
// is closed like after QUIT: its reply is written first, then the
// connection closes and any command pipelined after it is not run.
//
// USER names an ACL user (commands/core/acl_user.h): it matches the clients
// logged in as that user, and a name no user has is an error.
#include <optional>
#include <string>
#include <string_view>

#include "commands/connection/connection_commands.h"
#include "commands/core/acl_user.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "common/integer_parsing.h"

namespace mini_redis::commands {

namespace {

// Redis reads the ID as a number from 1 to LONG_MAX and gives one error for
// anything else: 0, negative, "abc", "05" or "+5".
constexpr std::string_view kBadClientId = "ERR client-id should be greater than 0";
constexpr std::string_view kNoSuchClient = "ERR No such client";

// What the new form's filters ask for; an unset filter matches every client.
struct KillFilter {
  std::optional<std::int64_t> id;
  std::optional<ClientType> type;
  std::optional<std::string_view> peer_address;   // ADDR
  std::optional<std::string_view> local_address;  // LADDR
  // USER. Not an optional like the others: one more optional here makes
  // clang-tidy's optional-access analysis of this file run for minutes.
  bool user_given = false;
  std::string_view user;
  bool skip_caller = true;  // SKIPME
};

// User names are case-sensitive: "DEFAULT" is no user. (A test without the
// ACL table knows only "default".) A function of its own: inline in the
// loop below, it made clang-tidy's optional-access analysis take minutes.
bool user_exists(const Context& ctx, std::string_view name) {
  return ctx.acl != nullptr ? ctx.acl->find(name) != nullptr : name == "default";
}

// Reads the filter/value pairs after CLIENT KILL into `filter`; on a bad
// one, answers its error and returns false.
bool parse_kill_filters(Context& ctx, Arguments args, KillFilter& filter) {
  for (std::size_t i = 2; i < args.size(); i += 2) {
    // A filter without its value is a syntax error, whatever its name.
    if (i + 1 >= args.size()) {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
    const std::string_view name = args[i];
    const std::string_view value = args[i + 1];
    if (equals_ignore_case(name, "id")) {
      filter.id = parse_int64_strict(value);
      if (!filter.id || *filter.id < 1) {
        ctx.reply.error(kBadClientId);
        return false;
      }
    } else if (equals_ignore_case(name, "type")) {
      filter.type = parse_client_type(value);
      if (!filter.type) {
        ctx.reply.error("ERR Unknown client type '" + std::string(value) + "'");
        return false;
      }
    } else if (equals_ignore_case(name, "user")) {
      if (!user_exists(ctx, value)) {
        ctx.reply.error("ERR No such user '" + std::string(value) + "'");
        return false;
      }
      filter.user_given = true;
      filter.user = value;
    } else if (equals_ignore_case(name, "addr")) {
      filter.peer_address = value;
    } else if (equals_ignore_case(name, "laddr")) {
      filter.local_address = value;
    } else if (equals_ignore_case(name, "skipme")) {
      if (equals_ignore_case(value, "yes")) {
        filter.skip_caller = true;
      } else if (equals_ignore_case(value, "no")) {
        filter.skip_caller = false;
      } else {
        ctx.reply.error(errors::kSyntax);
        return false;
      }
    } else {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

bool matches(const KillFilter& filter, const ClientState& client) {
  if (filter.peer_address && client.peer_address != *filter.peer_address) return false;
  if (filter.local_address && client.local_address != *filter.local_address) return false;
  if (filter.type && client_type(client) != *filter.type) return false;
  if (filter.id && client.id != *filter.id) return false;
  if (filter.user_given) {
    // Both branches views: a std::string/char* mix would make a temporary.
    const std::string_view name =
        client.user != nullptr ? std::string_view(client.user->name) : std::string_view("default");
    if (name != filter.user) return false;
  }
  return true;
}

void client_kill_command(Context& ctx, Arguments args) {
  KillFilter filter;
  const bool old_form = args.size() == 3;
  if (old_form) {
    filter.peer_address = args[2];
    filter.skip_caller = false;  // the old form may kill the caller
  } else if (!parse_kill_filters(ctx, args, filter)) {
    return;
  }

  // The server closes the others; the caller is only marked here, so that
  // its reply still goes out before its connection closes.
  const bool kill_caller = !filter.skip_caller && matches(filter, ctx.client);
  std::size_t killed = ctx.server.kill_clients(
      [&](const ClientState& client) { return &client != &ctx.client && matches(filter, client); });
  if (kill_caller) {
    ++killed;
    ctx.client.close_after_reply = true;
  }

  if (old_form) {
    if (killed == 0) {
      ctx.reply.error(kNoSuchClient);
    } else {
      ctx.reply.ok();
    }
  } else {
    ctx.reply.integer(static_cast<std::int64_t>(killed));
  }
}

}  // namespace

// The row, with COMMAND DOCS's text as Redis 7.0.15 has it.
CommandSpec client_kill_subcommand() {
  CommandSpec spec{.name = "kill",
                   .arity = -3,
                   .flags = flags::kAdmin | flags::kNoscript | kAnytime,
                   .handler = client_kill_command,
                   .group = "connection",
                   .summary = "Kill the connection of a client",
                   .since = "2.4.0",
                   .complexity = "O(N) where N is the number of client connections",
                   .acl_categories = "@admin @slow @dangerous @connection"};
  spec.arguments = {arg::oneof(
      "filter",
      {arg::string("ip:port").deprecated_since("2.8.12"),
       arg::oneof("new-format", {arg::integer("client-id").token("ID").since("2.8.12").optional(),
                                 arg::oneof("normal_master_slave_pubsub",
                                            {arg::pure_token("normal", "NORMAL"),
                                             arg::pure_token("master", "MASTER").since("3.2.0"),
                                             arg::pure_token("slave", "SLAVE"),
                                             arg::pure_token("replica", "REPLICA").since("5.0.0"),
                                             arg::pure_token("pubsub", "PUBSUB")})
                                     .token("TYPE")
                                     .since("2.8.12")
                                     .optional(),
                                 arg::string("username").token("USER").optional(),
                                 arg::string("ip:port").token("ADDR").optional(),
                                 arg::string("ip:port").token("LADDR").since("6.2.0").optional(),
                                 arg::string("yes/no").token("SKIPME").optional()})
           .multiple()})};
  spec.history = {{"2.8.12", "Added new filter format."},
                  {"2.8.12", "`ID` option."},
                  {"3.2.0", "Added `master` type in for `TYPE` option."},
                  {"5.0.0",
                   "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward "
                   "compatibility."},
                  {"6.2.0", "`LADDR` option."}};
  return spec;
}

}  // namespace mini_redis::commands
