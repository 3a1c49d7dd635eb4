#include "persistence/rdb_input.h"

#include <liblzf/lzf.h>  // Debian's liblzf-dev puts lzf.h under liblzf/

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "persistence/rdb_format.h"

namespace mini_redis::persistence {

namespace {

// The most an LZF stream can expand: its longest back-reference copies 264
// bytes and costs 3 input bytes (literal runs expand nothing). A blob that
// declares a larger uncompressed size than 88 times its compressed size
// cannot be honest, so it is refused before its buffer is allocated.
constexpr std::uint64_t kLzfMaxExpansion = 88;

// The one-byte markers of an old zset's text score (rdbLoadDoubleValue).
constexpr std::uint8_t kTextScoreNan = 253;
constexpr std::uint8_t kTextScorePlusInf = 254;
constexpr std::uint8_t kTextScoreMinusInf = 255;

}  // namespace

bool RdbInput::fail(std::string_view what) {
  if (error_.empty()) {
    error_ = std::string(what) + " (at byte offset " + std::to_string(offset_) + ")";
  }
  offset_ = bytes_.size();  // every later read now fails at once
  return false;
}

bool RdbInput::need(std::size_t count) {
  if (!ok()) return false;
  if (count > remaining()) return fail("unexpected end of data");
  return true;
}

std::uint8_t RdbInput::read_byte() {
  if (!need(1)) return 0;
  return static_cast<std::uint8_t>(bytes_[offset_++]);
}

std::uint64_t RdbInput::read_little_endian(std::size_t width) {
  if (!need(width)) return 0;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    value |= std::uint64_t{static_cast<std::uint8_t>(bytes_[offset_ + i])} << (8 * i);
  }
  offset_ += width;
  return value;
}

std::string_view RdbInput::read_bytes(std::size_t count) {
  if (!need(count)) return {};
  const std::string_view out = bytes_.substr(offset_, count);
  offset_ += count;
  return out;
}

// ---- lengths -------------------------------------------------------------------------

std::uint64_t RdbInput::read_length() {
  const std::uint8_t first = read_byte();
  if (!ok()) return 0;
  switch (first >> 6) {
    case rdb::kLength6Bit:
      return first & 0x3F;
    case rdb::kLength14Bit:
      return (std::uint64_t{first & 0x3Fu} << 8) | read_byte();
    case rdb::kLengthSpecial:
      fail("a string encoding where a length was expected");
      return 0;
    default:
      break;
  }
  // 10xxxxxx: only 0x80 and 0x81 are defined; the number that follows is
  // big endian, unlike every other integer in the file (rdbLoadLenByRef).
  std::size_t width = 0;
  if (first == rdb::kLength32Bit) width = 4;
  if (first == rdb::kLength64Bit) width = 8;
  if (width == 0) {
    fail("unknown length encoding " + std::to_string(first));
    return 0;
  }
  const std::uint64_t little = read_little_endian(width);
  return width == 4 ? std::byteswap(static_cast<std::uint32_t>(little)) : std::byteswap(little);
}

std::uint64_t RdbInput::read_count(std::size_t min_bytes) {
  const std::uint64_t count = read_length();
  if (ok() && count > remaining() / min_bytes) {
    fail("a count of " + std::to_string(count) + " that the remaining bytes cannot hold");
    return 0;
  }
  return count;
}

// ---- strings -------------------------------------------------------------------------

std::string_view RdbInput::read_string(std::string& scratch) {
  const std::uint8_t first = read_byte();
  if (!ok()) return {};
  if ((first >> 6) != rdb::kLengthSpecial) {
    --offset_;  // an ordinary length: read it again whole
    const std::uint64_t size = read_length();
    if (!ok()) return {};
    if (size > remaining()) {
      fail("a string of " + std::to_string(size) + " bytes past the end of the data");
      return {};
    }
    return read_bytes(static_cast<std::size_t>(size));
  }
  // 11xxxxxx: Redis stored an integer string as a number, or compressed it.
  std::int64_t number = 0;
  switch (first & 0x3F) {
    case rdb::kEncodingInt8: {
      // One signed byte, sign-extended by hand (no signed-char arithmetic).
      const std::uint64_t byte = read_little_endian(1);
      number = byte >= 0x80 ? static_cast<std::int64_t>(byte) - 0x100
                            : static_cast<std::int64_t>(byte);
      break;
    }
    case rdb::kEncodingInt16:
      number = static_cast<std::int16_t>(read_little_endian(2));
      break;
    case rdb::kEncodingInt32:
      number = static_cast<std::int32_t>(read_little_endian(4));
      break;
    case rdb::kEncodingLzf:
      return read_lzf(scratch);
    default:
      fail("unknown string encoding " + std::to_string(first & 0x3F));
      return {};
  }
  if (!ok()) return {};
  scratch = std::to_string(number);
  return scratch;
}

std::string_view RdbInput::read_lzf(std::string& scratch) {
  const std::uint64_t compressed_size = read_length();
  const std::uint64_t size = read_length();
  if (!ok()) return {};
  if (compressed_size > remaining()) {
    fail("an LZF blob of " + std::to_string(compressed_size) + " bytes past the end of the data");
    return {};
  }
  // liblzf counts in unsigned int; the expansion bound keeps a 20-byte blob
  // from making us allocate gigabytes.
  if (size > std::numeric_limits<unsigned>::max() || size > compressed_size * kLzfMaxExpansion) {
    fail("an LZF blob that declares an impossible size of " + std::to_string(size));
    return {};
  }
  const std::string_view compressed = read_bytes(static_cast<std::size_t>(compressed_size));
  scratch.resize(static_cast<std::size_t>(size));
  const unsigned produced =
      lzf_decompress(compressed.data(), static_cast<unsigned>(compressed.size()), scratch.data(),
                     static_cast<unsigned>(size));
  // Exactly the declared size, or the blob is corrupt (Redis's "Invalid LZF
  // compressed string"): liblzf returns 0 on any error.
  if (produced != size) {
    fail("invalid LZF compressed string");
    return {};
  }
  return scratch;
}

std::string RdbInput::read_string() {
  std::string scratch;
  const std::string_view view = read_string(scratch);
  if (view.data() == scratch.data()) return scratch;
  return std::string(view);
}

// ---- scores --------------------------------------------------------------------------

double RdbInput::read_binary_double() {
  return std::bit_cast<double>(read_little_endian(8));
}

double RdbInput::read_text_double() {
  const std::uint8_t size = read_byte();
  if (!ok()) return 0;
  switch (size) {
    case kTextScoreNan:
      return std::numeric_limits<double>::quiet_NaN();
    case kTextScorePlusInf:
      return std::numeric_limits<double>::infinity();
    case kTextScoreMinusInf:
      return -std::numeric_limits<double>::infinity();
    default:
      break;
  }
  const std::string_view text = read_bytes(size);
  if (!ok()) return 0;
  const std::optional<double> score = parse_score_text(text);
  if (!score) {
    fail("a zset score that is not a number");
    return 0;
  }
  return *score;
}

std::optional<double> parse_score_text(std::string_view text) {
  // Redis reads these with strtod / sscanf("%lg"), which also take a leading
  // '+'; std::from_chars takes the rest of what they take ("inf", "1e3"...).
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace mini_redis::persistence
