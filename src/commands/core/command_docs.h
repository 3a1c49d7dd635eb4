// COMMAND and its subcommands: the server describing its own command table.
//
// Clients learn what a server can do by asking it. redis-cli calls COMMAND
// DOCS when it starts (for its argument hints), cluster clients call COMMAND
// INFO to find where the keys are in a command, and redis-py's test suite
// looks at COMMAND COUNT. Every reply here is rendered from the CommandSpec
// rows that the command families register, so the table stays the single
// source of truth: add a row, and COMMAND knows about it.
//
// COMMAND DOCS also describes each command's arguments (what redis-cli's
// hints are made of) and its history; the rows declare those with the
// builders of command_arguments.h.
//
// This file also offers reply_help(), the "CMD <subcommand> ... Subcommands
// are:" text that every container command (OBJECT, MEMORY, COMMAND...)
// answers to HELP.
#pragma once

#include <initializer_list>
#include <string_view>

#include "commands/core/command_table.h"
#include "commands/core/context.h"

namespace mini_redis::commands {

// The COMMAND row with its subcommands (COUNT, INFO, DOCS, LIST, GETKEYS,
// GETKEYSANDFLAGS, HELP), for register_server_commands().
CommandSpec make_command_command();

// COMMAND INFO's ten-element description of one command (or subcommand).
void reply_command_info(protocol::ReplyWriter& reply, const CommandSpec& spec);

// Replies to CMD HELP as Redis does (addReplyHelp): a first line naming the
// command, the given lines, then "HELP / Prints this help.", all as status
// strings. `command` is upper case, e.g. "OBJECT".
void reply_help(protocol::ReplyWriter& reply, std::string_view command,
                std::initializer_list<std::string_view> lines);

}  // namespace mini_redis::commands
