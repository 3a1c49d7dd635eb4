// Bit operations on strings. See bitops.h for the bit numbering.
#include "types/bitops.h"

#include <bit>
#include <cstring>
#include <limits>

#include "common/integer_parsing.h"

namespace mini_redis::types::bitops {

namespace {

unsigned char byte_at(std::string_view bytes, std::uint64_t index) {
  return static_cast<unsigned char>(bytes[static_cast<std::size_t>(index)]);
}

// Eight bytes as one word, for loops that look at a whole word at a time.
// memcpy: the bytes need not be aligned, and the compiler makes it one load.
std::uint64_t word_at(const char* data) {
  std::uint64_t word = 0;
  std::memcpy(&word, data, sizeof(word));
  return word;
}

}  // namespace

bool get_bit(std::string_view bytes, std::uint64_t offset) {
  if (byte_of(offset) >= bytes.size()) return false;  // zero padding on the right
  return (byte_at(bytes, byte_of(offset)) & mask_of(offset)) != 0;
}

// ---- BITCOUNT ------------------------------------------------------------------------

std::uint64_t count_set_bits(std::string_view bytes) {
  std::uint64_t count = 0;
  std::size_t i = 0;
  // A word at a time: popcount does not care about byte order.
  for (; i + 8 <= bytes.size(); i += 8) count += std::popcount(word_at(bytes.data() + i));
  for (; i < bytes.size(); ++i) count += std::popcount(byte_at(bytes, i));
  return count;
}

std::uint64_t count_set_bits(std::string_view bytes, std::uint64_t first, std::uint64_t last) {
  const std::uint64_t first_byte = byte_of(first);
  const std::uint64_t last_byte = byte_of(last);
  std::uint64_t count = count_set_bits(bytes.substr(
      static_cast<std::size_t>(first_byte), static_cast<std::size_t>(last_byte - first_byte + 1)));
  // The whole bytes were counted; take back the bits of the first byte
  // that come before `first`, and those of the last byte after `last`.
  const auto before_first = static_cast<unsigned char>(~(0xFFU >> (first & 7)));
  const auto after_last = static_cast<unsigned char>(0xFFU >> ((last & 7) + 1));
  count -= std::popcount(static_cast<unsigned char>(byte_at(bytes, first_byte) & before_first));
  count -= std::popcount(static_cast<unsigned char>(byte_at(bytes, last_byte) & after_last));
  return count;
}

// ---- BITPOS -------------------------------------------------------------------------

std::optional<std::uint64_t> find_bit(std::string_view bytes, bool bit, std::uint64_t first,
                                      std::uint64_t last) {
  std::uint64_t position = first;
  // 1. Bit by bit up to a byte boundary.
  for (; position <= last && (position & 7) != 0; ++position) {
    if (get_bit(bytes, position) == bit) return position;
  }
  // 2. Skip what cannot hold the bit: all-zero words when looking for a 1,
  //    all-one words when looking for a 0; then the same byte by byte.
  const std::uint64_t skip_word = bit ? 0 : ~std::uint64_t{0};
  while (position + 63 <= last && word_at(bytes.data() + byte_of(position)) == skip_word) {
    position += 64;
  }
  const unsigned char skip_byte = bit ? 0x00 : 0xFF;
  while (position + 7 <= last && byte_at(bytes, byte_of(position)) == skip_byte) position += 8;
  // 3. The bit is within the next 8, if anywhere: bit by bit again.
  for (; position <= last; ++position) {
    if (get_bit(bytes, position) == bit) return position;
  }
  return std::nullopt;
}

// ---- BITOP ---------------------------------------------------------------------------

void combine(BitOperation operation, std::span<const std::string_view> sources,
             std::span<char> out) {
  // One pass per source over `out`: simple loops the compiler vectorizes,
  // where a pass per output byte over all sources would not be.
  const std::string_view head = sources.front();
  if (!head.empty()) std::memcpy(out.data(), head.data(), head.size());  // a missing key: no data
  std::memset(out.data() + head.size(), 0, out.size() - head.size());
  if (operation == BitOperation::bit_not) {
    for (char& byte : out) byte = static_cast<char>(~byte);
    return;
  }
  for (std::string_view source : sources.subspan(1)) {
    const std::size_t size = source.size();
    for (std::size_t i = 0; i < size; ++i) {
      switch (operation) {
        case BitOperation::bit_and: out[i] = static_cast<char>(out[i] & source[i]); break;
        case BitOperation::bit_or: out[i] = static_cast<char>(out[i] | source[i]); break;
        default: out[i] = static_cast<char>(out[i] ^ source[i]); break;
      }
    }
    // A shorter source is padded with zeros: AND clears the rest, while OR
    // and XOR with zero leave it as it is.
    if (operation == BitOperation::bit_and && size < out.size()) {
      std::memset(out.data() + size, 0, out.size() - size);
    }
  }
}

// ---- BITFIELD ------------------------------------------------------------------------

std::optional<FieldType> parse_field_type(std::string_view text) {
  text = text.substr(0, text.find('\0'));  // read as a C string, as Redis does
  if (text.empty()) return std::nullopt;
  FieldType type;
  // Lower case only: Redis 7.0 refuses "U8" (its own docs say "u8").
  if (text[0] == 'i') {
    type.is_signed = true;
  } else if (text[0] != 'u') {
    return std::nullopt;
  }
  const std::optional<std::int64_t> bits = parse_int64_strict(text.substr(1));
  const std::int64_t widest = type.is_signed ? 64 : 63;
  if (!bits || *bits < 1 || *bits > widest) return std::nullopt;
  type.bits = static_cast<unsigned>(*bits);
  return type;
}

std::uint64_t read_field(std::string_view bytes, std::uint64_t offset, unsigned bits) {
  // Bit by bit, most significant first: at most 64 steps, and no special
  // case for a field that straddles bytes or runs past the end.
  std::uint64_t value = 0;
  for (unsigned i = 0; i < bits; ++i) value = (value << 1) | (get_bit(bytes, offset + i) ? 1 : 0);
  return value;
}

std::int64_t read_signed_field(std::string_view bytes, std::uint64_t offset, unsigned bits) {
  std::uint64_t value = read_field(bytes, offset, bits);
  // Two's complement of `bits` bits: if the field's top bit is set, the
  // number is negative; copy that bit into every higher bit.
  if (bits < 64 && (value >> (bits - 1)) != 0) value |= ~std::uint64_t{0} << bits;
  return static_cast<std::int64_t>(value);
}

void write_field(std::span<char> bytes, std::uint64_t offset, unsigned bits, std::uint64_t value) {
  for (unsigned i = 0; i < bits; ++i) {
    const std::uint64_t position = offset + i;
    const bool on = ((value >> (bits - 1 - i)) & 1) != 0;
    char& byte = bytes[static_cast<std::size_t>(byte_of(position))];
    byte = static_cast<char>(on ? byte | mask_of(position) : byte & ~mask_of(position));
  }
}

namespace {

// Keeps the low `bits` bits of `sum` as a two's complement number of that
// width (OVERFLOW WRAP): the sign bit of the field is copied upwards.
std::int64_t wrap_signed(std::uint64_t sum, unsigned bits) {
  if (bits < 64) {
    const std::uint64_t high = ~std::uint64_t{0} << bits;
    sum = ((sum >> (bits - 1)) & 1) != 0 ? sum | high : sum & ~high;
  }
  return static_cast<std::int64_t>(sum);
}

enum class Direction { fits, too_big, too_small };

// Where `value + increment` falls against a signed field's range, decided
// as Redis's checkSignedBitfieldOverflow decides it. One quirk is kept on
// purpose: for fields under 64 bits Redis computes "max - value" in 64-bit
// wrapping arithmetic, so a SET of a value within `max` of INT64_MIN (say
// SET i8 -9223372036854775808) wraps to a negative room and counts as too
// *big*: under SAT it stores max (127), not min. Redis 7.0.15 answers so.
Direction signed_direction(std::int64_t value, std::int64_t increment, std::int64_t max,
                           std::int64_t min, unsigned bits) {
  if (bits == 64) {
    // The full width: the sum overflows only when both have the same sign.
    if (value >= 0 && increment > 0 && increment > max - value) return Direction::too_big;
    if (value < 0 && increment < 0 && increment < min - value) return Direction::too_small;
    return Direction::fits;
  }
  const auto room_up = static_cast<std::int64_t>(static_cast<std::uint64_t>(max) -
                                                 static_cast<std::uint64_t>(value));
  if (value > max || increment > room_up) return Direction::too_big;
  if (value < min || increment < min - value) return Direction::too_small;
  return Direction::fits;
}

}  // namespace

std::optional<std::int64_t> fit_signed(std::int64_t value, std::int64_t increment, unsigned bits,
                                       Overflow overflow) {
  const std::int64_t max =
      bits == 64 ? std::numeric_limits<std::int64_t>::max() : (std::int64_t{1} << (bits - 1)) - 1;
  const std::int64_t min = -max - 1;
  const Direction direction = signed_direction(value, increment, max, min, bits);
  // Added as unsigned numbers, where wrapping around is defined behaviour.
  const std::uint64_t sum =
      static_cast<std::uint64_t>(value) + static_cast<std::uint64_t>(increment);
  if (direction == Direction::fits) return static_cast<std::int64_t>(sum);
  switch (overflow) {
    case Overflow::wrap: return wrap_signed(sum, bits);
    case Overflow::saturate: return direction == Direction::too_big ? max : min;
    default: return std::nullopt;
  }
}

std::optional<std::uint64_t> fit_unsigned(std::uint64_t value, std::int64_t increment,
                                          unsigned bits, Overflow overflow) {
  const std::uint64_t max = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
  const std::uint64_t sum = value + static_cast<std::uint64_t>(increment);
  // Redis's checkUnsignedBitfieldOverflow compares the increment with the
  // room left above and below `value`, both as signed 64-bit numbers
  // (u63 at most, so they fit once `value <= max` is known).
  Direction direction = Direction::fits;
  if (value > max || (increment > 0 && increment > static_cast<std::int64_t>(max - value))) {
    direction = Direction::too_big;
  } else if (increment < 0 && increment < -static_cast<std::int64_t>(value)) {
    direction = Direction::too_small;
  }
  if (direction == Direction::fits) return sum;
  switch (overflow) {
    case Overflow::wrap: return sum & max;
    case Overflow::saturate: return direction == Direction::too_big ? max : 0;
    default: return std::nullopt;
  }
}

}  // namespace mini_redis::types::bitops
