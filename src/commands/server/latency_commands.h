// LATENCY's latency-monitor subcommands (DOCTOR, GRAPH, HISTORY, LATEST,
// RESET), for the LATENCY row that observability_commands.cpp builds.
#pragma once

#include <vector>

#include "commands/core/command_table.h"

namespace mini_redis::commands {

std::vector<CommandSpec> make_latency_monitor_subcommands();

}  // namespace mini_redis::commands
