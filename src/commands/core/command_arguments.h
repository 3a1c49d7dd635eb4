// ArgumentSpec: how a command's arguments are described to clients.
//
// COMMAND DOCS tells a client what arguments a command takes, and redis-cli
// turns that into the grey hint it shows while you type: after `SET k v ` it
// prints `[NX|XX] [GET] [EX seconds|PX milliseconds|...]`. Redis keeps these
// descriptions in one JSON file per command; here each command's row lists
// them with a few small builder functions, so a row reads like the synopsis
// on the command's documentation page:
//
//   .arguments = {arg::key("key", 0), arg::string("value"),
//                 arg::oneof("condition", {arg::pure_token("nx", "NX"),
//                                          arg::pure_token("xx", "XX")})
//                     .since("2.6.12").optional(), ...}
//
// This is documentation only: the handlers parse their own arguments, and
// nothing checks a request against these descriptions (Redis does not
// either). The field names and their order in the reply are Redis 7.0's
// (see reply_docs in command_docs.cpp).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

namespace mini_redis::protocol {
class ReplyWriter;
}

namespace mini_redis::commands {

// The "type" of an argument, as COMMAND DOCS spells it.
enum class ArgumentType : std::uint8_t {
  string,      // "string": any bytes
  integer,     // "integer"
  double_,     // "double"
  key,         // "key": a key name; key_spec_index says which key spec finds it
  pattern,     // "pattern": a glob (KEYS, SCAN MATCH)
  unix_time,   // "unix-time": seconds or milliseconds since the epoch
  pure_token,  // "pure-token": a word with no value, such as NX
  oneof,       // "oneof": exactly one of the nested arguments
  block,       // "block": the nested arguments together, in order
};

struct ArgumentSpec {
  // The "flags" set, in the order Redis prints them.
  static constexpr std::uint8_t kOptional = 1U << 0;       // "optional": [in brackets]
  static constexpr std::uint8_t kMultiple = 1U << 1;       // "multiple": may repeat
  static constexpr std::uint8_t kMultipleToken = 1U << 2;  // "multiple_token": token repeats too

  std::string_view name{};
  ArgumentType type = ArgumentType::string;
  int key_spec_index = -1;           // keys only; -1: not a key
  std::string_view token_word{};     // the word before the value, e.g. "EX"
  std::string_view since_version{};  // when the argument was added
  std::string_view deprecated_in{};  // when it was deprecated (CLIENT KILL ip:port)
  std::uint8_t flags = 0;
  std::vector<ArgumentSpec> arguments{};  // the members of a oneof or block

  // Modifiers, chained on a freshly built argument:
  //   arg::integer("seconds").token("EX").since("2.6.12")
  ArgumentSpec token(std::string_view word) && {
    token_word = word;
    return std::move(*this);
  }
  ArgumentSpec since(std::string_view version) && {
    since_version = version;
    return std::move(*this);
  }
  ArgumentSpec deprecated_since(std::string_view version) && {
    deprecated_in = version;
    return std::move(*this);
  }
  ArgumentSpec optional() && {
    flags |= kOptional;
    return std::move(*this);
  }
  ArgumentSpec multiple() && {
    flags |= kMultiple;
    return std::move(*this);
  }
  ArgumentSpec multiple_token() && {
    flags |= kMultipleToken;
    return std::move(*this);
  }
};

// One line of a command's "history": the version, and what changed then.
struct HistoryEntry {
  std::string_view version;
  std::string_view change;
};

// The builders a row uses. Each names the argument as Redis does.
namespace arg {
inline ArgumentSpec string(std::string_view name) {
  return {.name = name};
}
inline ArgumentSpec integer(std::string_view name) {
  return {.name = name, .type = ArgumentType::integer};
}
inline ArgumentSpec double_(std::string_view name) {
  return {.name = name, .type = ArgumentType::double_};
}
inline ArgumentSpec pattern(std::string_view name) {
  return {.name = name, .type = ArgumentType::pattern};
}
inline ArgumentSpec unix_time(std::string_view name) {
  return {.name = name, .type = ArgumentType::unix_time};
}
// A key found by the command's key spec number `key_spec_index` (0-based).
inline ArgumentSpec key(std::string_view name, int key_spec_index) {
  return {.name = name, .type = ArgumentType::key, .key_spec_index = key_spec_index};
}
// A bare word such as NX: `name` is how the docs call it, `word` what is typed.
inline ArgumentSpec pure_token(std::string_view name, std::string_view word) {
  return {.name = name, .type = ArgumentType::pure_token, .token_word = word};
}
inline ArgumentSpec oneof(std::string_view name, std::initializer_list<ArgumentSpec> choices) {
  return {.name = name, .type = ArgumentType::oneof, .arguments = choices};
}
inline ArgumentSpec block(std::string_view name, std::initializer_list<ArgumentSpec> members) {
  return {.name = name, .type = ArgumentType::block, .arguments = members};
}
}  // namespace arg

// COMMAND DOCS's "arguments": an array with one map per argument, nested
// for oneof and block.
void reply_arguments(protocol::ReplyWriter& reply, const std::vector<ArgumentSpec>& arguments);

}  // namespace mini_redis::commands
