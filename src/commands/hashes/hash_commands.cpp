#include "commands/core/command_table.h"

namespace mini_redis::commands {

void register_hash_commands(CommandTable& /*table*/) {}

}  // namespace mini_redis::commands
