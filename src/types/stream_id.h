// StreamID: the name of one stream entry, "<milliseconds>-<sequence>".
//
// Redis names every stream entry by two unsigned 64-bit numbers: the time in
// milliseconds when it was added (or any number the client chose) and a
// sequence number that tells apart entries of the same millisecond. IDs only
// grow within a stream, so ordering entries by ID is ordering them by age.
//
// This header holds only the value and what every user of it needs: ordering,
// the next and previous ID, the text form, and the 16-byte big-endian form.
// The big-endian form matters twice: it is how Redis keys its node index (a
// byte-wise order that equals the numeric order) and how the RDB file stores
// a node's master ID. Parsing client text ("-", "+", "1-*", "$", "(5-0") stays
// in the commands layer, since each command accepts different shorthands and
// answers with its own error.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <limits>
#include <string>

namespace mini_redis::types {

struct StreamID {
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;

  friend constexpr auto operator<=>(const StreamID&, const StreamID&) = default;

  static constexpr StreamID min() { return {0, 0}; }
  static constexpr StreamID max() {
    return {std::numeric_limits<std::uint64_t>::max(), std::numeric_limits<std::uint64_t>::max()};
  }

  // The smallest ID greater than this one. False when this is max(): no ID
  // follows it (Redis's streamIncrID returning C_ERR).
  [[nodiscard]] constexpr bool next(StreamID& out) const {
    if (seq != std::numeric_limits<std::uint64_t>::max()) {
      out = {ms, seq + 1};
      return true;
    }
    if (ms != std::numeric_limits<std::uint64_t>::max()) {
      out = {ms + 1, 0};
      return true;
    }
    return false;
  }

  // The greatest ID smaller than this one. False when this is min().
  [[nodiscard]] constexpr bool previous(StreamID& out) const {
    if (seq != 0) {
      out = {ms, seq - 1};
      return true;
    }
    if (ms != 0) {
      out = {ms - 1, std::numeric_limits<std::uint64_t>::max()};
      return true;
    }
    return false;
  }

  // "1700000000000-3", the form every reply uses.
  [[nodiscard]] std::string to_string() const {
    return std::to_string(ms) + '-' + std::to_string(seq);
  }

  // Most significant byte first, ms then seq: memcmp order is ID order.
  [[nodiscard]] constexpr std::array<unsigned char, 16> to_big_endian() const {
    std::array<unsigned char, 16> bytes{};
    for (int i = 0; i < 8; ++i) {
      bytes[7 - i] = static_cast<unsigned char>(ms >> (8 * i));
      bytes[15 - i] = static_cast<unsigned char>(seq >> (8 * i));
    }
    return bytes;
  }

  [[nodiscard]] static constexpr StreamID from_big_endian(const unsigned char* bytes) {
    StreamID id;
    for (int i = 0; i < 8; ++i) {
      id.ms = (id.ms << 8) | bytes[i];
      id.seq = (id.seq << 8) | bytes[8 + i];
    }
    return id;
  }
};

}  // namespace mini_redis::types
