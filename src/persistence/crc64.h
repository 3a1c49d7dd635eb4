// CRC-64 as Redis computes it for RDB files and DUMP payloads: the "Jones"
// polynomial 0xad93d23594c935a9, bits reflected, initial value 0, no final
// xor. crc64(0, "123456789") is 0xe9c6d914c4b8d9ca.
#pragma once

#include <cstdint>
#include <string_view>

namespace mini_redis::persistence {

// Continues the checksum `crc` over `bytes`: crc64(crc64(0, a), b) equals
// crc64(0, a + b), so a file can be summed as it is written, chunk by chunk.
std::uint64_t crc64(std::uint64_t crc, std::string_view bytes);

}  // namespace mini_redis::persistence
