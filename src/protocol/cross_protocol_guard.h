// The cross-protocol guard: a command named `POST` or `Host:` is an attack.
//
// A web page cannot open a raw TCP connection, but it can make the browser
// send an HTTP request to any address, 127.0.0.1:6379 included:
//
//     POST / HTTP/1.1\r\n
//     Host: 127.0.0.1:6379\r\n
//     ...\r\n
//     \r\n
//     SET pwned 1\r\n            <- the body, chosen by the page
//
// Every line of it is a valid inline command to a Redis server, so without a
// guard the body's commands would run: a web page could then, for example,
// write files through CONFIG SET dir and SAVE. No real client ever sends a
// command called POST or "Host:", so Redis 7.0 (server.c, processCommand, and
// networking.c, securityWarningCommand) treats either one as the sign of such
// an attack: it logs a warning (at most once a minute) and closes the
// connection at once, without a reply, before running anything that follows.
// The connection applies this rule to each command it is about to run; this
// file only recognises the names.
//
// It is on the path of every command, so it looks at the length and the first
// byte before it compares anything: for nearly every command that is all.
#pragma once

#include <string_view>

#include "common/ascii.h"

namespace mini_redis::protocol {

namespace detail {

// strcasecmp(name, word) == 0, as Redis compares: ASCII case folded, and the
// name ends at its first NUL, so "post\0junk" is "post" too.
constexpr bool c_string_equals_ignore_case(std::string_view name, std::string_view word) {
  if (name.size() < word.size()) return false;
  if (name.size() > word.size() && name[word.size()] != '\0') return false;
  return equals_ignore_case(name.substr(0, word.size()), word);
}

}  // namespace detail

// True for "POST" and "Host:", in any case, when they are the command name
// (never as an argument: SET post 1 is fine).
constexpr bool is_cross_protocol_attack(std::string_view command_name) {
  if (command_name.size() < 4) return false;
  switch (command_name[0]) {
    case 'p':
    case 'P': return detail::c_string_equals_ignore_case(command_name, "post");
    case 'h':
    case 'H': return detail::c_string_equals_ignore_case(command_name, "host:");
    default: return false;
  }
}

}  // namespace mini_redis::protocol
