#include "persistence/rdb_encoding.h"

#include <liblzf/lzf.h>  // Debian's liblzf-dev puts lzf.h under liblzf/

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>

#include "common/integer_parsing.h"
#include "persistence/rdb_format.h"

namespace mini_redis::persistence::rdb {
namespace {

// The first byte of a special encoding: 11 in the top bits, then which one.
constexpr char special(std::uint8_t encoding) {
  return static_cast<char>((kLengthSpecial << 6) | encoding);
}

// Appends the low `width` bytes of `value`, least significant first.
void append_le(std::string& out, std::uint64_t value, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
}

// A length in its 1/2/5/9-byte encoding, built on the stack: the LZF path
// needs the header's size before it writes it.
struct EncodedLength {
  std::array<char, 9> bytes{};
  std::size_t size = 0;
};

EncodedLength encode_length(std::uint64_t length) {
  EncodedLength encoded;
  // Stores the low `width` bytes of `value` most significant first (the 32-
  // and 64-bit lengths are the only big-endian numbers in the format).
  auto put_be = [&encoded](std::uint64_t value, std::size_t width) {
    for (std::size_t i = width; i-- > 0;)
      encoded.bytes[encoded.size++] = static_cast<char>(value >> (8 * i));
  };
  if (length < (1U << 6)) {
    encoded.bytes[encoded.size++] = static_cast<char>((kLength6Bit << 6) | length);
  } else if (length < (1U << 14)) {
    encoded.bytes[encoded.size++] = static_cast<char>((kLength14Bit << 6) | (length >> 8));
    encoded.bytes[encoded.size++] = static_cast<char>(length & 0xff);
  } else if (length <= std::numeric_limits<std::uint32_t>::max()) {
    encoded.bytes[encoded.size++] = static_cast<char>(kLength32Bit);
    put_be(length, 4);
  } else {
    encoded.bytes[encoded.size++] = static_cast<char>(kLength64Bit);
    put_be(length, 8);
  }
  return encoded;
}

// The longest header an LZF string can have: C3 and two 9-byte lengths.
constexpr std::size_t kMaxLzfHeader = 1 + 9 + 9;

// Compresses `bytes` straight into `out` as an LZF string (rdbSaveLzfStringObject);
// false, with `out` unchanged, if LZF cannot bring it under length - 4 bytes.
// The LZF bytes are written past room for the longest header, then moved
// down next to the real header: one memmove instead of a scratch buffer.
bool append_compressed(std::string& out, std::string_view bytes) {
  const std::size_t start = out.size();
  // Redis's limit: the compressed form must save at least 4 bytes, else the
  // reader's work to decompress buys too little.
  const std::size_t limit = bytes.size() - 4;
  out.resize(start + kMaxLzfHeader + limit);
  const unsigned compressed =
      lzf_compress(bytes.data(), static_cast<unsigned>(bytes.size()),
                   out.data() + start + kMaxLzfHeader, static_cast<unsigned>(limit));
  if (compressed == 0) {
    out.resize(start);
    return false;
  }
  const EncodedLength compressed_length = encode_length(compressed);
  const EncodedLength original_length = encode_length(bytes.size());
  char* at = out.data() + start;
  const std::size_t header = 1 + compressed_length.size + original_length.size;
  std::memmove(at + header, at + kMaxLzfHeader, compressed);
  *at++ = special(kEncodingLzf);
  at = std::copy_n(compressed_length.bytes.data(), compressed_length.size, at);
  std::copy_n(original_length.bytes.data(), original_length.size, at);
  out.resize(start + header + compressed);
  return true;
}

}  // namespace

void append_length(std::string& out, std::uint64_t length) {
  const EncodedLength encoded = encode_length(length);
  out.append(encoded.bytes.data(), encoded.size);
}

void append_u64_le(std::string& out, std::uint64_t value) {
  append_le(out, value, 8);
}

bool append_if_small_integer(std::string& out, std::string_view bytes) {
  // rdbTryIntegerEncoding: the text must read back exactly ("007" or "+7"
  // would come back as "7", so they are not integers here), which is what
  // parse_int64_strict's canonical-spelling rule checks.
  if (bytes.empty() || bytes.size() > kMaxIntegerEncodedLength) return false;
  const std::optional<std::int64_t> parsed = parse_int64_strict(bytes);
  if (!parsed) return false;
  const std::int64_t value = *parsed;
  const auto bits = static_cast<std::uint64_t>(value);
  // rdbEncodeInteger: the narrowest of 8, 16 or 32 bits that holds it.
  if (value >= std::numeric_limits<std::int8_t>::min() &&
      value <= std::numeric_limits<std::int8_t>::max()) {
    out.push_back(special(kEncodingInt8));
    append_le(out, bits, 1);
  } else if (value >= std::numeric_limits<std::int16_t>::min() &&
             value <= std::numeric_limits<std::int16_t>::max()) {
    out.push_back(special(kEncodingInt16));
    append_le(out, bits, 2);
  } else if (value >= std::numeric_limits<std::int32_t>::min() &&
             value <= std::numeric_limits<std::int32_t>::max()) {
    out.push_back(special(kEncodingInt32));
    append_le(out, bits, 4);
  } else {
    return false;
  }
  return true;
}

void append_string(std::string& out, std::string_view bytes, bool compression) {
  if (append_if_small_integer(out, bytes)) return;
  // liblzf counts in `unsigned`: a string past 4 GiB (SETRANGE with a raised
  // proto-max-bulk-len can make one) is written plain rather than truncated.
  const bool compressible =
      bytes.size() >= kMinCompressedLength && bytes.size() <= std::numeric_limits<unsigned>::max();
  if (compression && compressible && append_compressed(out, bytes)) return;
  append_length(out, bytes.size());
  out.append(bytes);
}

void append_lzf_blob(std::string& out, std::span<const std::uint8_t> compressed,
                     std::size_t original_size) {
  out.push_back(special(kEncodingLzf));
  append_length(out, compressed.size());
  append_length(out, original_size);
  out.append(reinterpret_cast<const char*>(compressed.data()), compressed.size());
}

void append_binary_double(std::string& out, double value) {
  append_le(out, std::bit_cast<std::uint64_t>(value), 8);
}

}  // namespace mini_redis::persistence::rdb
