// XRANGE key start end [COUNT count] and XREVRANGE key end start [COUNT count]:
// the entries between two IDs, oldest first or newest first.
//
// The bounds are inclusive IDs, "-" and "+" for the ends of the stream, a
// bare millisecond ("5" is 5-0 as a start, 5-<max> as an end, so XRANGE k
// 5 5 is everything added in that millisecond), or "(<id>" for an exclusive
// bound (stream_id_arguments.h). Paging through a stream is XRANGE with
// COUNT, then again from "(<last id seen>".
//
// The replies are Redis's, including the odd one out: COUNT 0 (or a
// negative count) answers a null array where an empty range answers an
// empty one, and a missing key an empty array before COUNT is looked at.
#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "commands/streams/stream_commands.h"
#include "commands/streams/stream_id_arguments.h"
#include "commands/streams/stream_reply.h"
#include "common/ascii.h"

namespace mini_redis::commands {

namespace {

// Redis's xrangeGenericCommand: IDs first (start, then end, each with its
// own error), then COUNT, then the key.
void range_command(Context& ctx, Arguments args, bool reverse) {
  const std::optional<types::StreamID> start =
      interval_start_or_reply(ctx, reverse ? args[3] : args[2]);
  if (!start) return;
  const std::optional<types::StreamID> end =
      interval_end_or_reply(ctx, reverse ? args[2] : args[3]);
  if (!end) return;

  std::int64_t count = -1;  // no COUNT: everything
  for (std::size_t i = 4; i < args.size(); ++i) {
    if (equals_ignore_case(args[i], "count") && i + 1 < args.size()) {
      const std::optional<std::int64_t> value = integer_or_reply(ctx, args[++i]);
      if (!value) return;
      count = *value < 0 ? 0 : *value;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }

  const FoundStream found = find_stream_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  if (found.stream == nullptr) {
    ctx.reply.array_header(0);
    return;
  }
  if (count == 0) {
    ctx.reply.null_array();
    return;
  }
  write_stream_range(ctx.reply, *found.stream, *start, *end,
                     count < 0 ? 0 : static_cast<std::size_t>(count), reverse);
}

}  // namespace

void xrange_command(Context& ctx, Arguments args) {
  range_command(ctx, args, false);
}
void xrevrange_command(Context& ctx, Arguments args) {
  range_command(ctx, args, true);
}

}  // namespace mini_redis::commands
