// STUB: being written.
#include "commands/command_table.h"

namespace mini_redis::commands {

void register_config_commands(CommandTable& /*table*/) {}

}  // namespace mini_redis::commands
