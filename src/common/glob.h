// Glob matching with Redis's rules (util.c stringmatchlen), used by KEYS,
// SCAN MATCH, CONFIG GET and (later) PSUBSCRIBE and PUBSUB CHANNELS.
//
//   *        any run of bytes, including none
//   ?        exactly one byte
//   [abc]    one of a, b, c;  [^abc] none of them;  [a-z] a range
//   \x       the byte x itself (escapes *, ?, [, \)
//
// Matching is on bytes, case-sensitive unless `nocase` (CONFIG GET is nocase).
// Redis's odd corners are kept: "[z-a]" is the range a..z, an unterminated
// "[abc" acts as "[abc]", a '[' or '\' that ends the pattern is taken as
// literally as Redis takes it. Work is polynomial even for "a*a*a*...b".
//
// One corner callers must know: no pattern, not even "*", matches the empty
// string. Redis's KEYS and SCAN skip matching when the pattern is exactly
// "*", so `KEYS *` lists the key "" but `KEYS **` does not; use
// glob_matches_everything() to do the same.
#pragma once

#include <string_view>

namespace mini_redis {

bool glob_match(std::string_view pattern, std::string_view text, bool nocase = false);

// True for the pattern "*", which KEYS and SCAN MATCH treat as "every key"
// without calling the matcher (Redis keysCommand's `allkeys`).
inline bool glob_matches_everything(std::string_view pattern) {
  return pattern == "*";
}

}  // namespace mini_redis
