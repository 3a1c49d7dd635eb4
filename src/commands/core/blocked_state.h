// What a client parked by a blocking command (BLPOP...) waits for. It lives
// in ClientState::blocked while the client waits; blocking.h explains the
// whole mechanism.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/object.h"

namespace mini_redis::commands {

// The reply of a blocked command whose time ran out (Redis's
// replyToBlockedClientTimedOut): every list command (BLPOP, BRPOP, BLMPOP,
// and BLMOVE and BRPOPLPUSH too, whose normal reply is a bulk) answers a
// null array (*-1, or _ in RESP3); WAIT will answer a number.
enum class TimeoutReply { null_array, null_bulk };

// What a parked client waits for. It lives in ClientState::blocked while
// the client waits.
struct BlockedState {
  int db_index = 0;
  std::vector<std::string> keys;
  storage::ValueType type = storage::ValueType::list;  // a key of this type serves it
  std::int64_t deadline_ms = 0;                        // absolute Unix ms; 0: forever
  TimeoutReply timeout_reply = TimeoutReply::null_array;
  std::vector<std::string> command;  // the command as sent, to run again when served
  // Set by block_for_keys() when the command, run again, still found nothing
  // (another client took the element first): the client keeps its place.
  bool still_waiting = false;
  // XREADGROUP: also run again when the key is deleted or stops being a
  // `type` value, to answer "-UNBLOCKED the stream key no longer exists"
  // (Redis 7.0's signalDeletedKeyAsReady). Other waits ignore such a key.
  bool wake_when_gone = false;
};

}  // namespace mini_redis::commands
