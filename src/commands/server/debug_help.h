// DEBUG HELP's text (debug_help.cpp), apart because it is long.
#pragma once

#include "protocol/reply_writer.h"

namespace mini_redis::commands {

void reply_debug_help(protocol::ReplyWriter& reply);

}  // namespace mini_redis::commands
