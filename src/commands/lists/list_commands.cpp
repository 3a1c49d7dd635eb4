#include "commands/core/command_table.h"

namespace mini_redis::commands {

void register_list_commands(CommandTable& /*table*/) {}

}  // namespace mini_redis::commands
