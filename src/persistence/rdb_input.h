// RdbInput: a cursor over the bytes of an RDB file or a DUMP payload, which
// reads the format's primitives (rdb_format.h has the layout): single bytes,
// little-endian integers, lengths, strings in any of their encodings, and
// scores.
//
// The bytes are untrusted: a file may be truncated or corrupt, a RESTORE
// payload may be hostile. So every read checks that its bytes are there, and
// nothing is ever allocated from a declared size before the bytes that size
// promises are known to be present (a 5-byte string header may declare 4 GiB).
//
// Errors are sticky, like Redis's rio error flag: the first failed read
// records a message naming its offset, and every later read fails at once
// and returns a zero or empty value. The decoders above check ok() after each
// step that matters, and every loop over a declared count checks it on each
// turn, so a bad count ends the loop at the first byte that is not there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mini_redis::persistence {

class RdbInput {
 public:
  explicit RdbInput(std::string_view bytes) : bytes_(bytes) {}

  [[nodiscard]] bool ok() const { return error_.empty(); }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] std::size_t offset() const { return offset_; }
  [[nodiscard]] std::size_t remaining() const { return bytes_.size() - offset_; }
  // Everything read so far (for the file's checksum, which covers the bytes
  // up to and including the EOF opcode).
  [[nodiscard]] std::string_view consumed() const { return bytes_.substr(0, offset_); }

  // Records `what` (with the current offset) as the error unless one is
  // recorded already, and stops all further reads. Returns false, so that a
  // decoder can write `return in.fail("...")`.
  bool fail(std::string_view what);

  // ---- fixed-size reads ----------------------------------------------------------
  std::uint8_t read_byte();
  // `width` bytes (1..8), little endian, as an unsigned number.
  std::uint64_t read_little_endian(std::size_t width);
  // `count` bytes as they are, viewed in the input.
  std::string_view read_bytes(std::size_t count);

  // ---- lengths -------------------------------------------------------------------
  // A length (6, 14, 32 or 64 bits; see rdb_format.h). A special-encoding
  // byte (11xxxxxx) where a plain length is expected is an error.
  std::uint64_t read_length();
  // A length that counts things of at least `min_bytes` bytes each: refused
  // at once if the rest of the input could not hold that many, so a corrupt
  // count neither loops long nor sizes anything.
  std::uint64_t read_count(std::size_t min_bytes);

  // ---- strings -------------------------------------------------------------------
  // A string in any encoding: plain bytes, a small integer (INT8/16/32,
  // returned as its decimal text, as Redis's rdbGenericLoadStringObject does),
  // or an LZF blob, decompressed. Plain bytes are viewed in the input; the
  // others are written into `scratch`, which must outlive the view.
  std::string_view read_string(std::string& scratch);
  // The same, as an owned string.
  std::string read_string();

  // ---- scores --------------------------------------------------------------------
  // A zset score of RDB_TYPE_ZSET_2: an IEEE 754 double, 8 bytes little endian.
  double read_binary_double();
  // A score of the old RDB_TYPE_ZSET: a one-byte length then that much text
  // ("%.17g"), or 253 / 254 / 255 for nan / +inf / -inf.
  double read_text_double();

 private:
  // True if `count` more bytes are there; otherwise fails ("unexpected end").
  bool need(std::size_t count);
  std::string_view read_lzf(std::string& scratch);

  std::string_view bytes_;
  std::size_t offset_ = 0;
  std::string error_;
};

// Parses a score spelled as text (an old zset's score, or a score stored as a
// string inside a listpack): the whole text must be a number, as strtod
// would read it; nullopt otherwise.
std::optional<double> parse_score_text(std::string_view text);

}  // namespace mini_redis::persistence
