// Range membership and score spelling. See sorted_set_range.h.
#include "types/sorted_set_range.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace mini_redis::types {

namespace {

// Redis's zslLexValueGteMin / zslLexValueLteMax, for one bound.
bool at_or_after(const LexBound& bound, std::string_view member) {
  switch (bound.kind) {
    case LexBound::Kind::minus_infinity: return true;
    case LexBound::Kind::plus_infinity: return false;
    case LexBound::Kind::inclusive: return member >= bound.text;
    case LexBound::Kind::exclusive: return member > bound.text;
  }
  return false;
}

bool at_or_before(const LexBound& bound, std::string_view member) {
  switch (bound.kind) {
    case LexBound::Kind::minus_infinity: return false;
    case LexBound::Kind::plus_infinity: return true;
    case LexBound::Kind::inclusive: return member <= bound.text;
    case LexBound::Kind::exclusive: return member < bound.text;
  }
  return false;
}

}  // namespace

bool LexRange::above_min(std::string_view member) const {
  return at_or_after(min, member);
}

bool LexRange::below_max(std::string_view member) const {
  return at_or_before(max, member);
}

bool LexRange::is_empty() const {
  using Kind = LexBound::Kind;
  if (min.kind == Kind::plus_infinity || max.kind == Kind::minus_infinity) return true;
  if (min.kind == Kind::minus_infinity || max.kind == Kind::plus_infinity) return false;
  const bool open = min.kind == Kind::exclusive || max.kind == Kind::exclusive;
  return min.text > max.text || (min.text == max.text && open);
}

std::string_view format_score(double score, ScoreText& buffer) {
  if (std::isinf(score)) return score > 0 ? "inf" : "-inf";
  if (std::isnan(score)) return "nan";
  // std::to_chars in general format with precision 17 writes the digits
  // printf's "%.17g" writes (same rounding, same exponent rule), without a
  // locale and without allocating.
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), score,
                                    std::chars_format::general, 17);
  return {buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data())};
}

bool score_as_integer(double score, long long& out) {
  // double2ll's bounds: LLONG_MAX / 2 either way, so the cast cannot overflow.
  constexpr long long kHalfMax =
      std::numeric_limits<long long>::max() / 2;  // integer division meant
  constexpr double kLimit = static_cast<double>(kHalfMax);
  if (!(score >= -kLimit && score <= kLimit)) return false;  // also refuses NaN
  const auto whole = static_cast<long long>(score);
  if (static_cast<double>(whole) != score) return false;
  out = whole;
  return true;
}

}  // namespace mini_redis::types
