// Helpers shared by the sorted set commands (ZADD, ZRANGE, ZUNIONSTORE...).
//
// The family is spread over a few files, one per job:
//   sorted_set_commands.cpp  ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE,
//                            ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT; the helpers
//   sorted_set_arguments.cpp reading scores and ranges, Redis's way
//   sorted_set_ranges.cpp    ZRANGE and its older forms, ZRANGESTORE,
//                            ZREMRANGEBYRANK / BYSCORE / BYLEX
//   sorted_set_pops.cpp      ZPOPMIN, ZPOPMAX, ZMPOP and the blocking
//                            BZPOPMIN, BZPOPMAX, BZMPOP
//   sorted_set_algebra.cpp   ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD
//   sorted_set_random.cpp    ZRANDMEMBER and ZSCAN
// register_sorted_set_commands() (in sorted_set_commands.cpp) registers them all.
//
// This header is internal to those files: the lookups every handler starts
// with (lookupKeyRead + checkType in t_zset.c), the encoding limits from
// CONFIG, the argument readers and the reply of a run of elements, whose
// shape differs between RESP2 and RESP3.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/command_table.h"
#include "commands/core/context.h"
#include "types/sorted_set.h"

namespace mini_redis::commands {

void register_sorted_set_range_commands(CommandTable& table);
void register_sorted_set_pop_commands(CommandTable& table);
void register_sorted_set_algebra_commands(CommandTable& table);
void register_sorted_set_random_commands(CommandTable& table);

// Error texts of this family (t_zset.c), each used in more than one file.
namespace zset_errors {
inline constexpr std::string_view kMinMaxNotFloat = "ERR min or max is not a float";
inline constexpr std::string_view kMinMaxNotLex = "ERR min or max not valid string range item";
inline constexpr std::string_view kNumkeysNotPositive = "ERR numkeys should be greater than 0";
inline constexpr std::string_view kCountNotPositive = "ERR count should be greater than 0";
}  // namespace zset_errors

// zset-max-listpack-entries and zset-max-listpack-value as CONFIG has them.
types::SortedSetLimits sorted_set_limits(const Config& config);
inline types::SortedSetLimits sorted_set_limits(const Context& ctx) {
  return sorted_set_limits(ctx.config);
}

// What a read command found at its key.
struct FoundSortedSet {
  types::SortedSet* set = nullptr;  // null when the key does not exist
  bool wrong_type = false;          // WRONGTYPE has been replied: the command is over
};

// Looks `key` up for a read (a hit or miss is counted, "keymiss" published on
// a miss) and replies WRONGTYPE for a key of another type.
FoundSortedSet find_sorted_set_for_read(Context& ctx, std::string_view key);
// The same for a write (no hit/miss counting, as lookupKeyWrite).
FoundSortedSet find_sorted_set_for_write(Context& ctx, std::string_view key);

// Deletes `key` if the command left its set empty, publishing "del"; true
// if it did. Every command that removes elements ends with it, since a
// sorted set exists only while it has members.
bool delete_if_empty(Context& ctx, std::string_view key, const types::SortedSet& set);

// ---- arguments (sorted_set_arguments.cpp) ------------------------------------

// A score as ZADD reads it (Redis's string2d): strtod's syntax ("1.5",
// "-inf", "1e3", "0x1p4"), no leading space, nothing after the number, no
// NaN, and no overflow to +-inf or underflow to 0 ("1e400", "1e-400").
std::optional<double> parse_score(std::string_view text);
// parse_score, replying "ERR value is not a valid float" when it fails.
std::optional<double> score_or_reply(Context& ctx, std::string_view text);

// ZRANGEBYSCORE's min and max ("(1", "-inf", "5"), else "min or max is not a float".
std::optional<types::ScoreRange> score_range_or_reply(Context& ctx, std::string_view min,
                                                      std::string_view max);
// ZRANGEBYLEX's min and max ("[a", "(b", "-", "+"), else "min or max not valid
// string range item".
std::optional<types::LexRange> lex_range_or_reply(Context& ctx, std::string_view min,
                                                  std::string_view max);

// Redis's rank arithmetic for ZRANGE / ZREMRANGEBYRANK start and stop over a
// set of `size` elements: negative counts from the end, out-of-range ends
// are clamped, and an empty interval is returned when nothing is left.
types::RankInterval clamp_ranks(std::int64_t start, std::int64_t stop, std::size_t size);

// An empty set for a STORE command to fill in order (append_greatest), in
// the encoding Redis starts such a result in: a skiplist when `count`
// elements or a member of `longest_member` bytes would not fit a listpack.
// It shows: a result that starts as a listpack and converts on the way has
// its first -0 scores stored as 0, one that starts as a skiplist keeps them
// (ZUNIONSTORE of a large set holding -0 keeps it, Redis 7.0.15). Pass what
// Redis knows up front: ZUNIONSTORE the whole result, ZRANGESTORE by rank
// the count only, ZRANGESTORE by score or lex nothing (0, 0).
types::SortedSet empty_result_set(std::size_t count, std::size_t longest_member,
                                  const types::SortedSetLimits& limits);

// ---- replies -------------------------------------------------------------------

// One element of a WITHSCORES reply: the member, then its score as a
// double. In RESP3 each pair is its own 2-element array (ZRANGE ...
// WITHSCORES answers [[a, 1], [b, 2]]), in RESP2 the pairs are flat.
void reply_element(Context& ctx, std::string_view member, double score, bool with_score,
                   bool nested);

// Replies the elements of ranks [begin, end), in order or reversed, as an
// array: members only, or with their scores (nested pairs in RESP3).
void reply_ranks(Context& ctx, const types::SortedSet& set, types::RankInterval ranks, bool reverse,
                 bool with_scores);

// ---- rows --------------------------------------------------------------------------

// The parts of a one-key sorted set row that vary; sorted_set_row() fills
// in the rest (group "sorted-set", the key at position 1 and its argument).
struct SortedSetRowText {
  std::string_view summary{};
  std::string_view since{};
  std::string_view complexity{};
  std::string_view acl_categories{};
  std::string_view key_specs{};
  std::string_view tips{};
  std::vector<HistoryEntry> history{};
  std::string_view deprecated_since{};
  std::string_view replaced_by{};
};

CommandSpec sorted_set_row(std::string name, int arity, std::uint32_t command_flags,
                           Handler handler, SortedSetRowText text,
                           std::vector<ArgumentSpec> arguments_after_key = {});

}  // namespace mini_redis::commands
