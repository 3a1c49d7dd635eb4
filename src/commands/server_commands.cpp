// STUB: being written. Registers no commands yet.
#include "commands/command_table.h"

namespace mini_redis::commands {

void register_server_commands(CommandTable& /*table*/) {}

}  // namespace mini_redis::commands
