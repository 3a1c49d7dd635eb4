// Splitting a line into arguments with Redis's quoting rules (sds.c
// sdssplitargs). Two places use them: inline commands typed into telnet or
// nc, and the lines of a redis.conf-style config file.
//
//   - arguments are separated by whitespace;
//   - "double quotes" allow \n \r \t \b \a \\ \" and \xHH escapes;
//   - 'single quotes' allow only \' ;
//   - a closing quote must be followed by whitespace or the end of the line;
//   - a NUL byte ends the line (Redis parses it as a C string).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mini_redis {

// Appends the unescaped bytes of every argument to `storage` and records each
// argument as an (offset, length) pair into it, so a caller that parses many
// lines can reuse one buffer. Returns false on unbalanced quotes.
bool split_arguments(std::string_view line, std::string& storage,
                     std::vector<std::pair<std::size_t, std::size_t>>& pieces);

// The same, as separate strings; nothing on unbalanced quotes.
std::optional<std::vector<std::string>> split_arguments(std::string_view line);

}  // namespace mini_redis
