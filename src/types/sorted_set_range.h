// Ranges over a sorted set, and how a score is spelled when it is stored.
//
// A sorted set is ordered by score, then by member bytes. Commands ask for
// the elements between two bounds, in one of two ways:
//
//   by score   ZRANGEBYSCORE k (1 5      1 < score <= 5
//              ZCOUNT k -inf +inf        every element
//   by member  ZRANGEBYLEX k [a (c       "a" <= member < "c"
//              ZLEXCOUNT k - +           every element
//
// These structs hold a parsed range; parsing the arguments (and its error
// texts) is the command layer's job. Both encodings (types/sorted_set.h)
// and the skiplist (types/skiplist.h) answer questions about them.
//
// A lexicographical range only makes sense when all the elements have the
// same score (then the order *is* the member order); Redis documents that the
// answer is unspecified otherwise, and so is ours.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace mini_redis::types {

// Redis's zrangespec: [min, max], each end open or closed.
struct ScoreRange {
  double min = 0;
  double max = 0;
  bool min_exclusive = false;
  bool max_exclusive = false;

  [[nodiscard]] bool above_min(double score) const {
    return min_exclusive ? score > min : score >= min;
  }
  [[nodiscard]] bool below_max(double score) const {
    return max_exclusive ? score < max : score <= max;
  }
  [[nodiscard]] bool contains(double score) const { return above_min(score) && below_max(score); }
  // A range no score can be in: min > max, or min == max with an open end
  // (ZCOUNT k (1 1 counts nothing). Checked first, as zslIsInRange does.
  [[nodiscard]] bool is_empty() const {
    return min > max || (min == max && (min_exclusive || max_exclusive));
  }
};

// One end of a lexicographical range: "-" (before everything), "+" (after
// everything), "[text" (inclusive) or "(text" (exclusive).
struct LexBound {
  enum class Kind : unsigned char { minus_infinity, plus_infinity, inclusive, exclusive };
  Kind kind = Kind::minus_infinity;
  std::string_view text{};  // the bytes after '[' or '('
};

// Redis's zlexrangespec. Members compare as raw bytes (memcmp, shorter
// first on a tie), which is std::string_view's operator<=>.
struct LexRange {
  LexBound min;
  LexBound max;

  [[nodiscard]] bool above_min(std::string_view member) const;
  [[nodiscard]] bool below_max(std::string_view member) const;
  [[nodiscard]] bool contains(std::string_view member) const {
    return above_min(member) && below_max(member);
  }
  // No member can be in it: "+" as the minimum, "-" as the maximum, or
  // min > max (or equal with an open end), as zslIsInLexRange checks first.
  [[nodiscard]] bool is_empty() const;
};

// Room for any score's text: "%.17g" of a double is at most 24 bytes
// ("-2.2250738585072014e-308").
using ScoreText = std::array<char, 32>;

// A score as Redis 7.0 replies it and as it stores a non-integer score in a
// listpack: C's "%.17g" (17 significant digits, so every double reads back
// exactly), with "inf", "-inf" and "-0" as printf spells them. 1.1 is
// "1.1000000000000001", 1e20 is "1e+20", 2.5 is "2.5".
std::string_view format_score(double score, ScoreText& buffer);

// The integer a score is stored as in a listpack, if it is one: Redis 7.0's
// double2ll (zzlInsertAt) stores whole scores within +-2^62 as listpack
// integers, which both saves bytes and spells them without an exponent
// (ZSCAN of a listpack answers "1000000000000000000" for 1e18, where a
// skiplist answers "1e+18"). -0.0 becomes the integer 0.
bool score_as_integer(double score, long long& out);

}  // namespace mini_redis::types
