// Writing stream entries into replies, as every reading stream command
// (XRANGE, XREVRANGE, XREAD, XREADGROUP, XCLAIM, XAUTOCLAIM, XINFO) does.
//
// One entry is a two-element array, the same in RESP2 and RESP3:
//
//   1) "1700000000000-0"        the ID as a bulk string
//   2) 1) "field" 2) "value"    a flat array of fields and values
//
// (Redis's addReplyStreamID + the field/value loop of addReplyStreamRange).
// Integers that the node stored as listpack integers are written back as
// the decimal text they were sent as.
#pragma once

#include <cstddef>

#include "protocol/reply_writer.h"
#include "types/stream.h"

namespace mini_redis::commands {

// The ID as a bulk string: "5-3".
void write_stream_id(protocol::ReplyWriter& reply, types::StreamID id);

// One entry: [id, [field, value, ...]].
void write_stream_entry(protocol::ReplyWriter& reply, const types::StreamEntry& entry);

// The entries of `stream` with start <= ID <= end (reverse: from end down
// to start), at most `count` (0 = all), as one array. Returns how many were
// written. The array length is only known after the walk; the header is put
// in front of the entries once they are written.
std::size_t write_stream_range(protocol::ReplyWriter& reply, const types::Stream& stream,
                               types::StreamID start, types::StreamID end, std::size_t count,
                               bool reverse);

// Same, calling `on_entry` for each entry written (XREADGROUP adds each
// delivered entry to the group's pending list this way).
template <class OnEntry>
std::size_t write_stream_range(protocol::ReplyWriter& reply, const types::Stream& stream,
                               types::StreamID start, types::StreamID end, std::size_t count,
                               bool reverse, OnEntry&& on_entry);

// Puts an array header for `count` elements at byte `mark` of the reply
// buffer, in front of the elements written since (for replies whose length
// is known only at the end, as Redis's addReplyDeferredLen).
void insert_array_header(protocol::ReplyWriter& reply, std::size_t mark, std::size_t count);

template <class OnEntry>
std::size_t write_stream_range(protocol::ReplyWriter& reply, const types::Stream& stream,
                               types::StreamID start, types::StreamID end, std::size_t count,
                               bool reverse, OnEntry&& on_entry) {
  const std::size_t mark = reply.buffer().size();
  const std::size_t written =
      stream.for_each_in_range(start, end, count, reverse, [&](const types::StreamEntry& entry) {
        write_stream_entry(reply, entry);
        on_entry(entry);
        return true;
      });
  insert_array_header(reply, mark, written);
  return written;
}

}  // namespace mini_redis::commands
