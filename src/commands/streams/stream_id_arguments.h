// Reading stream IDs out of command arguments, as t_stream.c does.
//
// Every stream command names entries by ID, and each accepts its own
// shorthands; these functions are the few forms Redis has, each with the
// error Redis answers:
//
//   "<ms>-<seq>"   both numbers unsigned 64-bit ("5-3").
//   "<ms>"         the sequence is filled in: 0 for a range start, the
//                  maximum for a range end (XRANGE k 5 5 is all of ms 5).
//   "-" / "+"      the smallest / greatest ID, only where Redis allows them
//                  (not "strict": XRANGE, XREAD yes; XADD, XDEL, XSETID no).
//   "(<id>"        exclusive range bound (XRANGE, XREVRANGE, XPENDING,
//                  XAUTOCLAIM): the next / previous ID.
//   "<ms>-*"       XADD only: the sequence is chosen by the server.
//
// Any other text answers "ERR Invalid stream ID specified as stream command
// argument". The numbers are read as Redis's string2ull does: a canonical
// int64 first (so "-1" is rejected), then strtoull, which also takes a
// leading '+' or blanks; we keep that quirk for byte-identical replies.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/core/context.h"
#include "types/stream_id.h"

namespace mini_redis::commands {

inline constexpr std::string_view kInvalidStreamID =
    "ERR Invalid stream ID specified as stream command argument";
inline constexpr std::string_view kInvalidIntervalStart = "ERR invalid start ID for the interval";
inline constexpr std::string_view kInvalidIntervalEnd = "ERR invalid end ID for the interval";

// The parser alone, for tests and callers that choose their own error.
// `strict` refuses "-" and "+". When `seq_given` is not null, "<ms>-*" is
// accepted and sets *seq_given to false (the seq is then 0); every other
// form sets it to true.
std::optional<types::StreamID> parse_stream_id(std::string_view text, bool strict,
                                               std::uint64_t missing_seq,
                                               bool* seq_given = nullptr);

// "-", "+", "<ms>", "<ms>-<seq>" (Redis's streamParseIDOrReply); replies
// kInvalidStreamID and returns nothing otherwise.
std::optional<types::StreamID> stream_id_or_reply(Context& ctx, std::string_view text,
                                                  std::uint64_t missing_seq);

// "<ms>" or "<ms>-<seq>" only (streamParseStrictIDOrReply); with
// `seq_given`, also "<ms>-*" (XADD).
std::optional<types::StreamID> strict_stream_id_or_reply(Context& ctx, std::string_view text,
                                                         std::uint64_t missing_seq,
                                                         bool* seq_given = nullptr);

// A range bound as XRANGE reads it: "-" / "+", an ID (missing seq 0 for a
// start, max for an end), or "(<id>" meaning the ID after (start) or before
// (end) it. An exclusive bound that has no next/previous ID answers
// kInvalidIntervalStart / kInvalidIntervalEnd, as Redis does.
std::optional<types::StreamID> interval_start_or_reply(Context& ctx, std::string_view text);
std::optional<types::StreamID> interval_end_or_reply(Context& ctx, std::string_view text);

}  // namespace mini_redis::commands
