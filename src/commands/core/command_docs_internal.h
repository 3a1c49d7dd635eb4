// What the two halves of COMMAND share. Internal to these files, not a public
// interface of commands/ (command_docs.h is):
//
//   command_docs.cpp     rendering: a row as COMMAND INFO's array and COMMAND
//                        DOCS's map, its key specifications, reply_help()
//   command_command.cpp  the COMMAND handlers (COUNT, INFO, DOCS, LIST,
//                        GETKEYS...) and the COMMAND row
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/core/command_table.h"
#include "protocol/reply_writer.h"

namespace mini_redis::commands {

// The words of a row's space- or '|'-separated list, empty words dropped.
std::vector<std::string_view> split(std::string_view text, char separator);

// Where the keys are in a full command `args`, name first, each with the
// flags of its key spec: what COMMAND GETKEYS and GETKEYSANDFLAGS answer.
// Rows with an "unknown" key spec (SORT) find them with their get_keys.
KeyPositions key_positions(const CommandSpec& spec, Arguments args);

// COMMAND DOCS's map for one command, its subcommands nested inside.
void reply_docs(protocol::ReplyWriter& reply, const CommandSpec& spec);

}  // namespace mini_redis::commands
