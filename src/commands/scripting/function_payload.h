// FUNCTION DUMP's payload, and reading it back for FUNCTION RESTORE.
//
// The payload is laid out like DUMP's (rdb_format.h), with the libraries in
// place of a value: per library the RDB opcode FUNCTION2 (245) and its code
// as an RDB string, then the RDB version (2 bytes LE) and the CRC64 of all
// before it (8 bytes LE). A payload made by redis-server restores here and
// the other way round.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace mini_redis::commands {

// `codes`: each library's whole text. `compression`: rdbcompression (a code
// longer than 20 bytes is LZF-compressed when that saves space, as Redis's
// rdbSaveRawString does).
std::string function_dump_payload(const std::vector<std::string>& codes, bool compression);

// The library codes of a payload, or the error reply text (with "ERR ").
std::expected<std::vector<std::string>, std::string> function_payload_codes(
    std::string_view payload);

}  // namespace mini_redis::commands
