#include "commands/core/errors.h"

#include <algorithm>
#include <cstring>

namespace mini_redis::commands::errors {

std::string wrong_arity(std::string_view full_name) {
  std::string text = "ERR wrong number of arguments for '";
  text.append(full_name);
  text.append("' command");
  return text;
}

std::string aof_write_failing(int error_number) {
  return std::string("MISCONF Errors writing to the AOF file: ") + std::strerror(error_number);
}

namespace {

// What printf's "%s" shows of a binary-safe string: the bytes before the first
// NUL. Redis formats the names it echoes in errors that way ("%.128s"), so
// "ab\0cd" is quoted as 'ab'.
std::string_view as_c_string(std::string_view bytes) {
  return bytes.substr(0, bytes.find('\0'));
}

}  // namespace

std::string unknown_command(std::string_view name, std::span<const std::string_view> args) {
  // Redis quotes at most 128 bytes of the name, then the arguments one by one
  // while the list stays under 128 bytes, each cut to what room is left
  // (server.c, commandCheckExistence), each as a C string: up to a NUL.
  constexpr std::size_t kRoom = 128;
  std::string text = "ERR unknown command '";
  text.append(as_c_string(name).substr(0, kRoom));
  text.append("', with args beginning with: ");
  std::string listed;
  for (std::string_view arg : args) {
    if (listed.size() >= kRoom) break;
    listed.push_back('\'');
    listed.append(as_c_string(arg).substr(0, kRoom - listed.size() + 1));
    listed.append("' ");
  }
  text.append(listed);
  return text;
}

namespace {

// "<prefix>'<subcommand>'. Try <COMMAND> HELP.", the shape of both of Redis's
// subcommand errors.
std::string try_help(std::string_view prefix, std::string_view subcommand,
                     std::string_view command) {
  std::string text(prefix);
  text.push_back('\'');
  text.append(as_c_string(subcommand).substr(0, 128));
  text.append("'. Try ");
  for (char c : command) text.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c);
  text.append(" HELP.");
  return text;
}

}  // namespace

std::string unknown_subcommand(std::string_view subcommand, std::string_view command) {
  return try_help("ERR unknown subcommand ", subcommand, command);
}

std::string subcommand_syntax_error(std::string_view subcommand, std::string_view command) {
  return try_help("ERR unknown subcommand or wrong number of arguments for ", subcommand, command);
}

std::string not_allowed_while_subscribed(std::string_view full_name) {
  std::string text = "ERR Can't execute '";
  text.append(full_name);
  text.append(
      "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
      "context");
  return text;
}

std::string invalid_expire_time(std::string_view command) {
  std::string text = "ERR invalid expire time in '";
  text.append(command);
  text.append("' command");
  return text;
}

}  // namespace mini_redis::commands::errors
