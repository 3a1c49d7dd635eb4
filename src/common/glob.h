// Glob matching with Redis's rules (util.c stringmatchlen), used by KEYS,
// SCAN MATCH, CONFIG GET and (later) PSUBSCRIBE and PUBSUB CHANNELS.
//
//   *        any run of bytes, including none
//   ?        exactly one byte
//   [abc]    one of a, b, c;  [^abc] none of them;  [a-z] a range
//   \x       the byte x itself (escapes *, ?, [, \)
//
// Matching is on bytes, case-sensitive unless `nocase` (CONFIG GET is nocase).
#pragma once

#include <string_view>

namespace mini_redis {

bool glob_match(std::string_view pattern, std::string_view text, bool nocase = false);

}  // namespace mini_redis
