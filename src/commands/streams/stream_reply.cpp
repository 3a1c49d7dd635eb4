// Stream entries in replies. See stream_reply.h.
#include "commands/streams/stream_reply.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace mini_redis::commands {

void write_stream_id(protocol::ReplyWriter& reply, types::StreamID id) {
  // "<20 digits>-<20 digits>" at most: formatted on the stack.
  constexpr std::size_t kDigits = 20;  // of the largest uint64
  std::array<char, 2 * kDigits + 1> text{};
  char* const base = text.data();
  const std::size_t ms_end =
      static_cast<std::size_t>(std::to_chars(base, base + kDigits, id.ms).ptr - base);
  text[ms_end] = '-';
  const char* const end = std::to_chars(base + ms_end + 1, base + text.size(), id.seq).ptr;
  reply.bulk_string(std::string_view(base, static_cast<std::size_t>(end - base)));
}

void write_stream_entry(protocol::ReplyWriter& reply, const types::StreamEntry& entry) {
  reply.array_header(2);
  write_stream_id(reply, entry.id);
  reply.array_header(entry.fields_and_values.size());
  types::IntText buffer{};
  for (const types::ListpackEntry& part : entry.fields_and_values) {
    reply.bulk_string(part.text(buffer));
  }
}

void insert_array_header(protocol::ReplyWriter& reply, std::size_t mark, std::size_t count) {
  // Write the header at the end, then rotate it in front of the elements:
  // one move of the bytes written since `mark`, no second buffer.
  std::string& out = reply.buffer();
  const std::size_t elements_end = out.size();
  reply.array_header(count);
  const auto begin = out.begin() + static_cast<std::ptrdiff_t>(mark);
  std::rotate(begin, out.begin() + static_cast<std::ptrdiff_t>(elements_end), out.end());
}

std::size_t write_stream_range(protocol::ReplyWriter& reply, const types::Stream& stream,
                               types::StreamID start, types::StreamID end, std::size_t count,
                               bool reverse) {
  return write_stream_range(reply, stream, start, end, count, reverse,
                            [](const types::StreamEntry&) {});
}

}  // namespace mini_redis::commands
