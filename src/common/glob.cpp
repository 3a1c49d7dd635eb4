// Glob matching with the exact rules of Redis 7.0 (util.c stringmatchlen).
//
// The matcher walks pattern and text side by side; each pattern element other
// than '*' consumes exactly one byte of text. A '*' tries the rest of the
// pattern against every remaining suffix of the text.
//
// Two Redis details shape the code and its results:
//
//  * Redis reads its pattern as a NUL-terminated C string and peeks one byte
//    past the end in a few places. at() returns '\0' there, which reproduces
//    what Redis does with odd patterns: "[" at the very end never matches,
//    an unterminated "[abc" acts like "[abc]", "a[^" matches "ab", and a
//    range that swallows the closing bracket ("[a-]") leaves the class open.
//
//  * Not exponential. "a*a*a*a*b" against "aaaa...a" would try every way of
//    splitting the text between the stars. Like Redis 7.0 we stop early: if
//    the pattern after some '*' matches no suffix of the text, then no
//    earlier '*' can help either (letting it eat more text only leaves a
//    shorter suffix for the same tail), so the whole match fails at once.
//    That makes the work about (pattern length x text length). As in Redis,
//    more than 1000 nested '*' are rejected as no match, which also bounds
//    the recursion depth.
#include "common/glob.h"

#include <cstddef>
#include <utility>

namespace mini_redis {

namespace {

// Redis's guard against abusive patterns (stringmatchlen_impl `nesting`).
constexpr int kMaxStarNesting = 1000;

// ASCII-only lowercase: Redis runs in the "C" locale for character classes.
int lower(int c) {
  return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

// A byte as Redis sees its `char` on x86-64: signed. Only ranges notice, e.g.
// "[a-\xff]" is the range -1..'a', which holds '0' but not '\x80'.
int byte_value(char c) {
  return static_cast<signed char>(c);
}

class Matcher {
 public:
  Matcher(std::string_view pattern, bool nocase) : pattern_(pattern), nocase_(nocase) {}

  // Does pattern_[p...] match text[s...]? `depth` counts enclosing '*'.
  bool match(std::size_t p, std::string_view text, std::size_t s, int depth) {
    if (depth > kMaxStarNesting) return false;

    while (p < pattern_.size() && s < text.size()) {
      switch (pattern_[p]) {
        case '*': {
          while (at(p + 1) == '*') ++p;               // "**" is the same as "*"
          if (p + 1 == pattern_.size()) return true;  // a trailing '*' eats the rest
          for (; s < text.size(); ++s) {
            if (match(p + 1, text, s, depth + 1)) return true;
            if (give_up_) return false;
          }
          // The tail after this '*' matches no suffix of the text: no other
          // split can succeed (see the top of the file).
          give_up_ = true;
          return false;
        }
        case '?': ++s; break;
        case '[':
          if (!match_class(p, text[s])) return false;
          ++s;
          break;
        case '\\':
          // "\x" is the byte x. A '\' that ends the pattern is itself.
          if (p + 1 < pattern_.size()) ++p;
          [[fallthrough]];
        default:
          if (!same(pattern_[p], text[s])) return false;
          ++s;
          break;
      }
      ++p;
      if (s == text.size()) {
        // Text used up: only trailing stars may remain ("abc*" matches "abc").
        while (at(p) == '*') ++p;
        break;
      }
    }
    // Note that an empty text never enters the loop, so even "*" does not
    // match "" (KEYS and SCAN special-case the pattern "*"; see glob.h).
    return p == pattern_.size() && s == text.size();
  }

 private:
  // Matches the class starting at pattern_[p] == '[' against `c` and leaves
  // `p` on the class's last byte (normally its ']').
  bool match_class(std::size_t& p, char c) {
    ++p;
    bool negate = at(p) == '^';
    if (negate) ++p;
    bool matched = false;
    while (true) {
      std::size_t left = pattern_.size() - p;  // bytes of pattern from p on
      if (at(p) == '\\' && left >= 2) {
        ++p;
        // Redis compares an escaped byte exactly, even under nocase.
        if (pattern_[p] == c) matched = true;
      } else if (at(p) == ']') {
        break;
      } else if (left == 0) {
        // Unterminated class: step back so the caller's ++p ends the pattern.
        --p;
        break;
      } else if (left >= 3 && pattern_[p + 1] == '-') {
        // A range; reversed ends are swapped, so "[z-a]" is "[a-z]".
        int start = byte_value(pattern_[p]);
        int end = byte_value(pattern_[p + 2]);
        int value = byte_value(c);
        if (start > end) std::swap(start, end);
        if (nocase_) {
          start = lower(start);
          end = lower(end);
          value = lower(value);
        }
        p += 2;
        if (value >= start && value <= end) matched = true;
      } else if (same(pattern_[p], c)) {
        matched = true;
      }
      ++p;
    }
    return negate ? !matched : matched;
  }

  [[nodiscard]] bool same(char a, char b) const {
    return nocase_ ? lower(byte_value(a)) == lower(byte_value(b)) : a == b;
  }

  // The pattern byte at `i`, or '\0' past the end (where Redis reads its
  // string terminator).
  [[nodiscard]] char at(std::size_t i) const { return i < pattern_.size() ? pattern_[i] : '\0'; }

  std::string_view pattern_;
  bool nocase_;
  bool give_up_ = false;
};

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text, bool nocase) {
  return Matcher(pattern, nocase).match(0, text, 0, 0);
}

}  // namespace mini_redis
