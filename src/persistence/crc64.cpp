#include "persistence/crc64.h"

#include <array>

namespace mini_redis::persistence {
namespace {

// Eight tables, one per byte position of a 64-bit word ("slicing by 8"):
// table[k][b] is the CRC of byte b followed by k zero bytes. Eight bytes are
// folded per step instead of one, which takes a 1 GB RDB file from about
// 2 s of checksumming to a few hundred ms.
using Tables = std::array<std::array<std::uint64_t, 256>, 8>;

constexpr Tables make_tables() {
  constexpr std::uint64_t kReflectedPolynomial = 0x95ac9329ac4bc9b5ULL;  // 0xad93d23594c935a9 reversed
  Tables tables{};
  for (std::uint64_t byte = 0; byte < 256; ++byte) {
    std::uint64_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) != 0 ? (crc >> 1) ^ kReflectedPolynomial : crc >> 1;
    tables[0][byte] = crc;
  }
  for (std::size_t k = 1; k < 8; ++k) {
    for (std::size_t byte = 0; byte < 256; ++byte) {
      const std::uint64_t previous = tables[k - 1][byte];
      tables[k][byte] = (previous >> 8) ^ tables[0][previous & 0xff];
    }
  }
  return tables;
}

constexpr Tables kTables = make_tables();

}  // namespace

std::uint64_t crc64(std::uint64_t crc, std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t left = bytes.size();
  while (left >= 8) {
    // The word is read little endian, as the reflected CRC consumes bytes.
    std::uint64_t word = 0;
    for (int i = 7; i >= 0; --i) word = (word << 8) | data[i];
    crc ^= word;
    crc = kTables[7][crc & 0xff] ^ kTables[6][(crc >> 8) & 0xff] ^ kTables[5][(crc >> 16) & 0xff] ^
          kTables[4][(crc >> 24) & 0xff] ^ kTables[3][(crc >> 32) & 0xff] ^
          kTables[2][(crc >> 40) & 0xff] ^ kTables[1][(crc >> 48) & 0xff] ^ kTables[0][crc >> 56];
    data += 8;
    left -= 8;
  }
  while (left-- > 0) crc = kTables[0][(crc ^ *data++) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace mini_redis::persistence
