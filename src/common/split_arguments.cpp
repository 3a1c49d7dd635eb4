#include "common/split_arguments.h"

namespace mini_redis {

namespace {

// The whitespace that separates inline arguments (C's isspace).
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool split_arguments(std::string_view line, std::string& storage,
                     std::vector<std::pair<std::size_t, std::size_t>>& pieces) {
  // Treat the line as the C string Redis sees: it stops at the first NUL.
  line = line.substr(0, line.find('\0'));
  std::size_t p = 0;
  auto at = [&](std::size_t i) { return i < line.size() ? line[i] : '\0'; };

  while (true) {
    while (p < line.size() && is_space(line[p])) ++p;
    if (p >= line.size()) return true;

    std::size_t start = storage.size();
    bool in_double_quotes = false;
    bool in_single_quotes = false;
    bool done = false;
    while (!done) {
      char c = at(p);
      if (in_double_quotes) {
        if (c == '\\' && at(p + 1) == 'x' && hex_value(at(p + 2)) >= 0 &&
            hex_value(at(p + 3)) >= 0) {
          storage.push_back(static_cast<char>(hex_value(at(p + 2)) * 16 + hex_value(at(p + 3))));
          p += 3;
        } else if (c == '\\' && at(p + 1) != '\0') {
          ++p;
          switch (at(p)) {
            case 'n': storage.push_back('\n'); break;
            case 'r': storage.push_back('\r'); break;
            case 't': storage.push_back('\t'); break;
            case 'b': storage.push_back('\b'); break;
            case 'a': storage.push_back('\a'); break;
            default: storage.push_back(at(p)); break;
          }
        } else if (c == '"') {
          if (at(p + 1) != '\0' && !is_space(at(p + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;  // the line ended inside the quotes
        } else {
          storage.push_back(c);
        }
      } else if (in_single_quotes) {
        if (c == '\\' && at(p + 1) == '\'') {
          ++p;
          storage.push_back('\'');
        } else if (c == '\'') {
          if (at(p + 1) != '\0' && !is_space(at(p + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          storage.push_back(c);
        }
      } else {
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0': done = true; break;
          case '"': in_double_quotes = true; break;
          case '\'': in_single_quotes = true; break;
          default: storage.push_back(c); break;
        }
      }
      if (p < line.size()) ++p;
    }
    pieces.emplace_back(start, storage.size() - start);
  }
}

std::optional<std::vector<std::string>> split_arguments(std::string_view line) {
  std::string storage;
  std::vector<std::pair<std::size_t, std::size_t>> pieces;
  if (!split_arguments(line, storage, pieces)) return std::nullopt;
  std::vector<std::string> words;
  words.reserve(pieces.size());
  for (auto [offset, length] : pieces) words.emplace_back(storage, offset, length);
  return words;
}

}  // namespace mini_redis
