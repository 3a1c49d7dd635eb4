#include "commands/scripting/function_payload.h"

#include "persistence/crc64.h"
#include "persistence/rdb_encoding.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_input.h"
#include "persistence/rdb_reader.h"

namespace mini_redis::commands {

namespace {

namespace rdb = persistence::rdb;

// The RDB opcode of Redis 7.0's release candidates, whose library format
// 7.0 GA no longer reads (rdbFunctionLoad: "Pre-GA function format not
// supported").
constexpr std::uint8_t kOpFunctionPreGa = 246;
constexpr std::size_t kFooterSize = 10;  // version (2) + CRC64 (8)

}  // namespace

std::string function_dump_payload(const std::vector<std::string>& codes, bool compression) {
  std::string out;
  for (const std::string& code : codes) {
    out.push_back(static_cast<char>(rdb::kOpFunction2));
    rdb::append_string(out, code, compression);
  }
  out.push_back(static_cast<char>(rdb::kVersion & 0xff));
  out.push_back(static_cast<char>((rdb::kVersion >> 8) & 0xff));
  rdb::append_u64_le(out, persistence::crc64(0, out));
  return out;
}

// functionRestoreCommand's reading: the footer first (verifyDumpPayload),
// then opcode + string pairs until only the footer's 10 bytes remain.
std::expected<std::vector<std::string>, std::string> function_payload_codes(
    std::string_view payload) {
  const std::string wrong(persistence::kDumpPayloadError);
  if (payload.size() < kFooterSize) return std::unexpected(wrong);
  const std::size_t footer = payload.size() - kFooterSize;
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(payload[i]); };
  const unsigned version = byte(footer) | (unsigned{byte(footer + 1)} << 8);
  std::uint64_t stored_crc = 0;
  for (std::size_t i = 0; i < 8; ++i) stored_crc |= std::uint64_t{byte(footer + 2 + i)} << (8 * i);
  if (version > static_cast<unsigned>(rdb::kVersion) ||
      stored_crc != persistence::crc64(0, payload.substr(0, footer + 2))) {
    return std::unexpected(wrong);
  }
  std::vector<std::string> codes;
  persistence::RdbInput in(payload);
  while (in.remaining() > kFooterSize) {
    const std::uint8_t type = in.read_byte();
    if (type == kOpFunctionPreGa)
      return std::unexpected("ERR Pre-GA function format not supported");
    if (type != rdb::kOpFunction2) return std::unexpected("ERR given type is not a function");
    std::string code = in.read_string();
    if (!in.ok()) return std::unexpected("ERR Failed loading library payload");
    codes.push_back(std::move(code));
  }
  return codes;
}

}  // namespace mini_redis::commands
