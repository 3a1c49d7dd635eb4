// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
//
// The longest common subsequence of two strings: the longest run of bytes
// that appears in both, in order, though not necessarily side by side. For
// "ohmytext" and "mynewtext" it is "mytext". Redis 7.0 answers it in three
// shapes:
//
//   LCS a b                 the subsequence itself, as a bulk string
//   LCS a b LEN             just its length
//   LCS a b IDX             where it lies: a map {matches: [...], len: n}
//                           (RESP2: a flat array of the same four items)
//
// Each IDX match is a stretch of bytes contiguous in both strings, given as
// [[start1, end1], [start2, end2]] (plus its length with WITHMATCHLEN), from
// the end of the strings towards the start; MINMATCHLEN hides short ones.
//
// The method is the textbook dynamic programme: a table where cell (i, j)
// holds the LCS length of the first i bytes of one string and the first j of
// the other, then a walk back from the last cell that collects the bytes.
// The table costs 4 bytes per cell, (|a|+1) x (|b|+1) cells, so Redis
// refuses to build one larger than proto-max-bulk-len.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/arguments.h"
#include "commands/core/command_table.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/strings/string_commands.h"

namespace mini_redis::commands {

namespace {

constexpr std::string_view kBothLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
constexpr std::string_view kStringTooLongForLcs = "ERR String too long for LCS";
constexpr std::string_view kTableExceedsLimit =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
constexpr std::string_view kTableAllocationFailed =
    "ERR Insufficient memory, failed allocating transient memory for LCS";
constexpr std::string_view kKeysMustBeStrings = "ERR The specified keys must contain string values";

struct LcsOptions {
  bool len = false;
  bool idx = false;
  bool with_match_len = false;
  std::int64_t min_match_len = 0;
};

std::optional<LcsOptions> parse_lcs_options(Context& ctx, Arguments words) {
  LcsOptions options;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view word = words[i];
    if (equals_ignore_case(word, "idx")) {
      options.idx = true;
    } else if (equals_ignore_case(word, "len")) {
      options.len = true;
    } else if (equals_ignore_case(word, "withmatchlen")) {
      options.with_match_len = true;
    } else if (equals_ignore_case(word, "minmatchlen") && i + 1 < words.size()) {
      std::optional<std::int64_t> length = integer_or_reply(ctx, words[++i]);
      if (!length) return std::nullopt;
      options.min_match_len = *length < 0 ? 0 : *length;  // negative means "show all"
    } else {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
  }
  if (options.idx && options.len) {
    ctx.reply.error(kBothLenAndIdx);
    return std::nullopt;
  }
  return options;
}

// One stretch of the subsequence that is contiguous in both strings
// (inclusive byte positions).
struct Match {
  std::uint32_t a_start, a_end, b_start, b_end;
  [[nodiscard]] std::uint32_t length() const { return a_end - a_start + 1; }
};

class LcsTable {
 public:
  LcsTable(std::string_view a, std::string_view b)
      : a_(a), b_(b), width_(b.size() + 1), cells_((a.size() + 1) * (b.size() + 1), 0) {
    for (std::size_t i = 1; i <= a.size(); ++i) {
      for (std::size_t j = 1; j <= b.size(); ++j) {
        cell(i, j) = a[i - 1] == b[j - 1] ? cell(i - 1, j - 1) + 1
                                          : std::max(cell(i - 1, j), cell(i, j - 1));
      }
    }
  }

  [[nodiscard]] std::uint32_t length() const { return cell(a_.size(), b_.size()); }

  // Walks back from the last cell, collecting the subsequence's bytes and the
  // contiguous matches of at least `min_match_len` bytes. Where both ways
  // back are equally long, it steps back in `b` first, as Redis does, so the
  // same strings give the same matches.
  void walk_back(std::string& text, std::vector<Match>& matches, std::int64_t min_match_len) const {
    text.assign(length(), '\0');
    std::size_t remaining = text.size();
    std::optional<Match> run;
    auto close_run = [&] {
      if (run && run->length() >= min_match_len) matches.push_back(*run);
      run.reset();
    };

    std::size_t i = a_.size();
    std::size_t j = b_.size();
    while (i > 0 && j > 0) {
      if (a_[i - 1] == b_[j - 1]) {
        text[--remaining] = a_[i - 1];
        const auto ai = static_cast<std::uint32_t>(i - 1);
        const auto bj = static_cast<std::uint32_t>(j - 1);
        // Two matches in a row are always neighbours in both strings, so an
        // open run simply grows backwards.
        if (run) {
          run->a_start = ai;
          run->b_start = bj;
        } else {
          run = Match{ai, ai, bj, bj};
        }
        --i;
        --j;
        if (i == 0 || j == 0) close_run();
      } else {
        close_run();
        if (cell(i - 1, j) > cell(i, j - 1)) {
          --i;
        } else {
          --j;
        }
      }
    }
  }

 private:
  std::uint32_t& cell(std::size_t i, std::size_t j) { return cells_[i * width_ + j]; }
  [[nodiscard]] std::uint32_t cell(std::size_t i, std::size_t j) const {
    return cells_[i * width_ + j];
  }

  std::string_view a_;
  std::string_view b_;
  std::size_t width_;
  std::vector<std::uint32_t> cells_;
};

// Replies an error and returns false when the table would be too big.
bool table_size_ok(Context& ctx, std::size_t a_size, std::size_t b_size) {
  constexpr std::uint64_t kMaxLength = std::numeric_limits<std::uint32_t>::max() - 1;
  if (a_size >= kMaxLength || b_size >= kMaxLength) {
    ctx.reply.error(kStringTooLongForLcs);
    return false;
  }
  const std::uint64_t cells = (a_size + 1) * static_cast<std::uint64_t>(b_size + 1);
  if (cells > std::numeric_limits<std::uint64_t>::max() / sizeof(std::uint32_t)) {
    ctx.reply.error(kTableAllocationFailed);
    return false;
  }
  const auto limit = static_cast<std::uint64_t>(ctx.config.proto_max_bulk_len);
  if (cells * sizeof(std::uint32_t) > limit) {
    ctx.reply.error(kTableExceedsLimit);
    return false;
  }
  return true;
}

void reply_matches(Context& ctx, const std::vector<Match>& matches, bool with_match_len,
                   std::uint32_t length) {
  protocol::ReplyWriter& reply = ctx.reply;
  reply.map_header(2);
  reply.bulk_string("matches");
  reply.array_header(matches.size());
  for (const Match& match : matches) {
    reply.array_header(with_match_len ? 3 : 2);
    reply.array_header(2);
    reply.integer(match.a_start);
    reply.integer(match.a_end);
    reply.array_header(2);
    reply.integer(match.b_start);
    reply.integer(match.b_end);
    if (with_match_len) reply.integer(match.length());
  }
  reply.bulk_string("len");
  reply.integer(length);
}

void lcs_command(Context& ctx, Arguments args) {
  // Redis reads both keys before the options; a missing key is "".
  storage::Database& db = ctx.db();
  const storage::Entry* first = db.lookup_for_read(args[1]);
  if (first == nullptr) notify_key_miss(ctx, args[1]);
  const storage::Entry* second = db.lookup_for_read(args[2]);
  if (second == nullptr) notify_key_miss(ctx, args[2]);
  // Both keys are looked up before either type is checked, and LCS has its
  // own text for the wrong type rather than WRONGTYPE (Redis's lcsCommand).
  const auto is_string = [](const storage::Entry* entry) {
    return entry == nullptr || entry->type() == storage::ValueType::string;
  };
  if (!is_string(first) || !is_string(second)) {
    ctx.reply.error(kKeysMustBeStrings);
    return;
  }
  const std::string_view a = first == nullptr ? std::string_view() : first->value();
  const std::string_view b = second == nullptr ? std::string_view() : second->value();

  std::optional<LcsOptions> options = parse_lcs_options(ctx, args.subspan(3));
  if (!options || !table_size_ok(ctx, a.size(), b.size())) return;

  std::optional<LcsTable> table;
  try {
    table.emplace(a, b);
  } catch (const std::bad_alloc&) {
    ctx.reply.error(kTableAllocationFailed);
    return;
  }

  if (options->len) {
    ctx.reply.integer(table->length());
    return;
  }
  std::string text;
  std::vector<Match> matches;
  table->walk_back(text, matches, options->min_match_len);
  if (options->idx) {
    reply_matches(ctx, matches, options->with_match_len, table->length());
  } else {
    ctx.reply.bulk_string(text);
  }
}

}  // namespace

void register_lcs_command(CommandTable& table) {
  table.add({.name = "lcs",
             .arity = -3,
             .flags = flags::kReadonly,
             .first_key = 1,
             .last_key = 2,
             .key_step = 1,
             .handler = lcs_command,
             .group = "string",
             .summary = "Find longest common substring",
             .since = "7.0.0",
             .complexity = "O(N*M) where N and M are the lengths of s1 and s2, respectively",
             .acl_categories = "@read @string @slow",
             .key_specs = "RO access",
             .arguments = {arg::key("key1", 0), arg::key("key2", 0),
                           arg::pure_token("len", "LEN").optional(),
                           arg::pure_token("idx", "IDX").optional(),
                           arg::integer("len").token("MINMATCHLEN").optional(),
                           arg::pure_token("withmatchlen", "WITHMATCHLEN").optional()}});
}

}  // namespace mini_redis::commands
