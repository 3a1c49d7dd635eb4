// Listpack: encoding, decoding and the block surgery behind every change.
// The byte layout is drawn in listpack.h; this file follows it.
#include "types/listpack.h"

#include <malloc.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>

namespace mini_redis::types {

namespace {

// The block of an empty listpack: total 7, count 0, terminator.
constexpr std::uint8_t kEmptyBlock[Listpack::kEmptySize] = {7, 0, 0, 0, 0, 0, 0xFF};

// First bytes of the multi-byte encodings (see the table in listpack.h).
constexpr std::uint8_t kString32 = 0xF0;
constexpr std::uint8_t kInt16 = 0xF1;
constexpr std::uint8_t kInt24 = 0xF2;
constexpr std::uint8_t kInt32 = 0xF3;
constexpr std::uint8_t kInt64 = 0xF4;

std::uint64_t load_le(const std::uint8_t* p, int bytes) {
  std::uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

void store_le(std::uint8_t* p, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

// Reads the low `bits` bits of `raw` as a two's complement number.
std::int64_t sign_extend(std::uint64_t raw, int bits) {
  if (bits == 64) return static_cast<std::int64_t>(raw);
  const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
  // (raw ^ sign) - sign maps 0..2^bits-1 onto -2^(bits-1)..2^(bits-1)-1
  // without any signed overflow.
  return static_cast<std::int64_t>((raw ^ sign) - sign);
}

// How many bytes the backlen of an entry of body size `len` takes. The
// thresholds are Redis's, including its `<` where `<=` would also fit.
std::size_t backlen_size(std::size_t len) {
  if (len <= 127) return 1;
  if (len < 16383) return 2;
  if (len < 2097151) return 3;
  if (len < 268435455) return 4;
  return 5;
}

// Writes backlen(len): 7-bit groups, most significant first, and the
// "continues to the left" bit on every byte but the first.
void write_backlen(std::uint8_t* out, std::size_t len) {
  const std::size_t n = backlen_size(len);
  for (std::size_t i = 0; i < n; ++i) {
    const auto group = static_cast<std::uint8_t>((len >> (7 * (n - 1 - i))) & 127);
    out[i] = i == 0 ? group : static_cast<std::uint8_t>(group | 128);
  }
}

// Decodes the backlen whose last byte is at `end`, reading leftwards.
std::size_t read_backlen(const std::uint8_t* end) {
  std::size_t value = 0;
  for (int shift = 0;; shift += 7, --end) {
    value |= static_cast<std::size_t>(*end & 127) << shift;
    if ((*end & 128) == 0 || shift == 28) return value;
  }
}

// How many leading bytes of an entry must be readable before its size is
// known (0: not a valid first byte).
std::size_t bytes_to_size(std::uint8_t first) {
  if (first < 0xE0) return 1;  // 7-bit int, 6-bit string, 13-bit int
  if (first < 0xF0) return 2;  // 12-bit string
  if (first == kString32) return 5;
  if (first <= kInt64) return 1;
  return 0;
}

// Size of encoding + data (the "L" of listpack.h) of the entry starting at
// `p`; bytes_to_size(p[0]) bytes must be readable. 0 for an invalid byte.
std::size_t body_size(const std::uint8_t* p) {
  const std::uint8_t b = p[0];
  if (b < 0x80) return 1;
  if (b < 0xC0) return 1 + (b & 0x3Fu);
  if (b < 0xE0) return 2;
  if (b < 0xF0) return 2 + ((std::size_t{b & 0x0Fu} << 8) | p[1]);
  switch (b) {
    case kString32: return 5 + load_le(p + 1, 4);
    case kInt16: return 3;
    case kInt24: return 4;
    case kInt32: return 5;
    case kInt64: return 9;
    default: return 0;
  }
}

ListpackEntry decode(const std::uint8_t* p) {
  const std::uint8_t b = p[0];
  const auto string_at = [](const std::uint8_t* s, std::size_t n) {
    return ListpackEntry::of_string({reinterpret_cast<const char*>(s), n});
  };
  if (b < 0x80) return ListpackEntry::of_int(b);
  if (b < 0xC0) return string_at(p + 1, b & 0x3Fu);
  if (b < 0xE0)
    return ListpackEntry::of_int(sign_extend((std::uint64_t{b & 0x1Fu} << 8) | p[1], 13));
  if (b < 0xF0) return string_at(p + 2, (std::size_t{b & 0x0Fu} << 8) | p[1]);
  switch (b) {
    case kString32: return string_at(p + 5, load_le(p + 1, 4));
    case kInt16: return ListpackEntry::of_int(sign_extend(load_le(p + 1, 2), 16));
    case kInt24: return ListpackEntry::of_int(sign_extend(load_le(p + 1, 3), 24));
    case kInt32: return ListpackEntry::of_int(sign_extend(load_le(p + 1, 4), 32));
    default: return ListpackEntry::of_int(sign_extend(load_le(p + 1, 8), 64));
  }
}

// An element ready to be written: its encoding bytes (for an integer, the
// whole body) and, for a string, the bytes that follow them.
struct Encoded {
  std::array<std::uint8_t, 9> head{};
  std::size_t head_size = 0;
  std::string_view payload;

  [[nodiscard]] std::size_t body() const { return head_size + payload.size(); }
  [[nodiscard]] std::size_t entry() const { return body() + backlen_size(body()); }
  void write(std::uint8_t* out) const {
    std::memcpy(out, head.data(), head_size);
    if (!payload.empty()) std::memcpy(out + head_size, payload.data(), payload.size());
    write_backlen(out + body(), body());
  }
};

Encoded encode_int(std::int64_t v) {
  Encoded e;
  // Two's complement bits of v, kept in unsigned arithmetic.
  const auto bits = static_cast<std::uint64_t>(v);
  const auto multi_byte = [&](std::uint8_t tag, int bytes) {
    e.head[0] = tag;
    store_le(e.head.data() + 1, bits, bytes);
    e.head_size = 1 + static_cast<std::size_t>(bytes);
  };
  if (v >= 0 && v <= 127) {
    e.head[0] = static_cast<std::uint8_t>(v);
    e.head_size = 1;
  } else if (v >= -4096 && v <= 4095) {
    const std::uint64_t low13 = bits & 0x1FFF;
    e.head[0] = static_cast<std::uint8_t>(0xC0 | (low13 >> 8));
    e.head[1] = static_cast<std::uint8_t>(low13 & 0xFF);
    e.head_size = 2;
  } else if (v >= std::numeric_limits<std::int16_t>::min() &&
             v <= std::numeric_limits<std::int16_t>::max()) {
    multi_byte(kInt16, 2);
  } else if (v >= -(std::int64_t{1} << 23) && v < (std::int64_t{1} << 23)) {
    multi_byte(kInt24, 3);
  } else if (v >= std::numeric_limits<std::int32_t>::min() &&
             v <= std::numeric_limits<std::int32_t>::max()) {
    multi_byte(kInt32, 4);
  } else {
    multi_byte(kInt64, 8);
  }
  return e;
}

Encoded encode(std::string_view value) {
  if (auto number = parse_int64_strict(value)) return encode_int(*number);
  Encoded e;
  const std::size_t n = value.size();
  if (n < 64) {
    e.head[0] = static_cast<std::uint8_t>(0x80 | n);
    e.head_size = 1;
  } else if (n < 4096) {
    e.head[0] = static_cast<std::uint8_t>(0xE0 | (n >> 8));
    e.head[1] = static_cast<std::uint8_t>(n & 0xFF);
    e.head_size = 2;
  } else {
    if (n > std::numeric_limits<std::uint32_t>::max())
      throw std::length_error("listpack string too long");
    e.head[0] = kString32;
    store_le(e.head.data() + 1, n, 4);
    e.head_size = 5;
  }
  e.payload = value;
  return e;
}

// Compares entries with one probe string; the probe is parsed as an integer
// at most once, and only if an integer entry is met.
class Matcher {
 public:
  explicit Matcher(std::string_view probe) : probe_(probe) {}
  bool matches(const ListpackEntry& entry) {
    if (!entry.is_int()) return entry.as_string() == probe_;
    if (!parsed_) {
      probe_int_ = parse_int64_strict(probe_);
      parsed_ = true;
    }
    return probe_int_ && *probe_int_ == entry.as_int();
  }

 private:
  std::string_view probe_;
  std::optional<std::int64_t> probe_int_;
  bool parsed_ = false;
};

}  // namespace

// ---- ListpackEntry ----------------------------------------------------------

std::string_view ListpackEntry::text(IntText& buffer) const {
  if (!is_int_) return string_;
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), int_);
  return {buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data())};
}

std::string ListpackEntry::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

void ListpackEntry::append_to(std::string& out) const {
  IntText buffer;
  out.append(text(buffer));
}

bool ListpackEntry::equals(std::string_view other) const {
  return Matcher(other).matches(*this);
}

bool operator==(const ListpackEntry& a, const ListpackEntry& b) {
  if (a.is_int_ && b.is_int_) return a.int_ == b.int_;
  IntText buffer;
  return b.equals(a.text(buffer));
}

// ---- Listpack: reading ------------------------------------------------------

const std::uint8_t* Listpack::data() const {
  return blob_ ? blob_.get() : kEmptyBlock;
}

std::size_t Listpack::bytes_size() const {
  return load_le(data(), 4);
}

std::uint16_t Listpack::header_count() const {
  return static_cast<std::uint16_t>(load_le(data() + 4, 2));
}

std::size_t Listpack::allocated_bytes() const {
  return blob_ ? malloc_usable_size(blob_.get()) : 0;
}

std::size_t Listpack::size() const {
  if (header_count() != kUnknownCount) return header_count();
  std::size_t count = 0;
  for (std::size_t pos = first(); pos != npos; pos = next(pos)) ++count;
  return count;
}

std::size_t Listpack::entry_size(std::size_t pos) const {
  const std::size_t body = body_size(data() + pos);
  return body + backlen_size(body);
}

std::size_t Listpack::last() const {
  return empty() ? npos : prev(bytes_size() - 1);
}

std::size_t Listpack::next(std::size_t pos) const {
  const std::size_t after = pos + entry_size(pos);
  return data()[after] == kTerminator ? npos : after;
}

std::size_t Listpack::prev(std::size_t pos) const {
  if (pos <= kHeaderSize) return npos;
  const std::size_t body = read_backlen(data() + pos - 1);
  return pos - backlen_size(body) - body;
}

std::size_t Listpack::seek(std::int64_t index) const {
  const std::size_t n = size();
  const std::uint64_t magnitude =
      index < 0 ? 0 - static_cast<std::uint64_t>(index) : static_cast<std::uint64_t>(index);
  if (index < 0 ? magnitude > n : magnitude >= n) return npos;
  const std::size_t target = index < 0 ? n - magnitude : magnitude;
  std::size_t pos;
  if (target <= n / 2) {
    pos = first();
    for (std::size_t i = 0; i < target; ++i) pos = next(pos);
  } else {
    pos = last();
    for (std::size_t i = n - 1; i > target; --i) pos = prev(pos);
  }
  return pos;
}

ListpackEntry Listpack::get(std::size_t pos) const {
  return decode(data() + pos);
}

std::size_t Listpack::find(std::size_t start, std::string_view value, std::size_t skip) const {
  Matcher matcher(value);
  std::size_t pos = start;
  while (pos != npos) {
    if (matcher.matches(get(pos))) return pos;
    for (std::size_t i = 0; i <= skip && pos != npos; ++i) pos = next(pos);
  }
  return npos;
}

Listpack Listpack::clone() const {
  Listpack copy;
  if (blob_) {
    std::uint8_t* out = copy.splice(kHeaderSize, 0, bytes_size() - kEmptySize);
    std::memcpy(out, data() + kHeaderSize, bytes_size() - kEmptySize);
    copy.set_header_count(header_count());
  }
  return copy;
}

// ---- Listpack: changing -----------------------------------------------------

void Listpack::set_header_count(std::size_t count) {
  // splice() has allocated the block before any count is written.
  store_le(blob_.get() + 4, std::min<std::size_t>(count, kUnknownCount), 2);
}

void Listpack::add_to_count(std::ptrdiff_t delta) {
  const std::uint16_t count = header_count();
  if (count != kUnknownCount) set_header_count(static_cast<std::size_t>(count + delta));
}

std::uint8_t* Listpack::splice(std::size_t offset, std::size_t old_len, std::size_t new_len) {
  const std::size_t old_total = bytes_size();
  const std::size_t new_total = old_total - old_len + new_len;
  // The header stores the size in 32 bits; Redis refuses such blocks too.
  if (new_total > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("listpack over 4 GiB");
  const auto resize = [this](std::size_t bytes) {
    auto* grown = static_cast<std::uint8_t*>(std::realloc(blob_.get(), bytes));
    if (grown == nullptr) throw std::bad_alloc();
    (void)blob_.release();  // realloc already freed or kept the old block
    blob_.reset(grown);
  };
  if (!blob_) {
    resize(kEmptySize);
    std::memcpy(blob_.get(), kEmptyBlock, kEmptySize);
  }
  const std::size_t tail = old_total - offset - old_len;
  if (new_len > old_len) {
    resize(new_total);
    std::memmove(blob_.get() + offset + new_len, blob_.get() + offset + old_len, tail);
  } else if (new_len < old_len) {
    std::memmove(blob_.get() + offset + new_len, blob_.get() + offset + old_len, tail);
    resize(new_total);
  }
  store_le(blob_.get(), new_total, 4);
  return blob_.get() + offset;
}

std::size_t Listpack::insert_at(std::size_t offset, std::string_view value) {
  const Encoded e = encode(value);
  e.write(splice(offset, 0, e.entry()));
  add_to_count(1);
  return offset;
}

void Listpack::push_back(std::string_view value) {
  insert_at(bytes_size() - 1, value);
}

void Listpack::push_front(std::string_view value) {
  insert_at(kHeaderSize, value);
}

std::size_t Listpack::insert(std::size_t pos, std::string_view value, InsertWhere where) {
  return insert_at(where == InsertWhere::kBefore ? pos : pos + entry_size(pos), value);
}

std::size_t Listpack::replace(std::size_t pos, std::string_view value) {
  const Encoded e = encode(value);
  e.write(splice(pos, entry_size(pos), e.entry()));
  return pos;
}

std::size_t Listpack::erase(std::size_t pos) {
  splice(pos, entry_size(pos), 0);
  add_to_count(-1);
  return data()[pos] == kTerminator ? npos : pos;
}

std::size_t Listpack::erase_range(std::int64_t first_index, std::size_t count) {
  const std::size_t start = seek(first_index);
  if (start == npos || count == 0) return 0;
  std::size_t end = start;
  std::size_t removed = 0;
  const std::size_t terminator = bytes_size() - 1;
  while (removed < count && end < terminator) {
    end += entry_size(end);
    ++removed;
  }
  splice(start, end - start, 0);
  add_to_count(-static_cast<std::ptrdiff_t>(removed));
  return removed;
}

Listpack Listpack::split_off(std::size_t pos) {
  Listpack tail;
  const std::size_t terminator = bytes_size() - 1;
  if (pos == npos || pos >= terminator) return tail;
  std::size_t moved = 0;
  for (std::size_t p = pos; p < terminator; p += entry_size(p)) ++moved;
  const std::size_t known = header_count();
  std::memcpy(tail.splice(kHeaderSize, 0, terminator - pos), data() + pos, terminator - pos);
  tail.set_header_count(moved);
  splice(pos, terminator - pos, 0);
  if (known != kUnknownCount) set_header_count(known - moved);
  return tail;
}

Listpack Listpack::merge(Listpack front, Listpack back) {
  const std::size_t count = front.size() + back.size();
  const bool keep_front = front.bytes_size() >= back.bytes_size();
  Listpack& kept = keep_front ? front : back;
  const Listpack& copied = keep_front ? back : front;
  const std::size_t len = copied.bytes_size() - kEmptySize;
  // Entries carry their own backlen, so a run of entries copied verbatim
  // is still valid next to any other run: no re-encoding is needed.
  const std::size_t at = keep_front ? kept.bytes_size() - 1 : kHeaderSize;
  std::uint8_t* out = kept.splice(at, 0, len);
  if (len > 0) std::memcpy(out, copied.data() + kHeaderSize, len);
  kept.set_header_count(count);
  return std::move(kept);
}

// ---- Validation of untrusted bytes ------------------------------------------

std::optional<Listpack> Listpack::from_bytes(std::span<const std::uint8_t> bytes) {
  const std::size_t total = bytes.size();
  if (total < kEmptySize || total > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  const std::uint8_t* p = bytes.data();
  if (load_le(p, 4) != total || p[total - 1] != kTerminator) return std::nullopt;

  // Walk every entry, checking each read against `end` (the terminator's
  // offset) before it happens: an entry and its backlen must end there or
  // earlier, and the backlen must be exactly what we would have written.
  const std::size_t end = total - 1;
  std::size_t pos = kHeaderSize;
  std::size_t count = 0;
  while (pos < end) {
    const std::size_t need = bytes_to_size(p[pos]);
    if (need == 0 || need > end - pos) return std::nullopt;
    const std::size_t body = body_size(p + pos);
    if (body > end - pos) return std::nullopt;
    const std::size_t back = backlen_size(body);
    if (back > end - pos - body) return std::nullopt;
    std::array<std::uint8_t, 5> expected{};
    write_backlen(expected.data(), body);
    if (std::memcmp(expected.data(), p + pos + body, back) != 0) return std::nullopt;
    pos += body + back;
    ++count;
  }
  const std::size_t declared = load_le(p + 4, 2);
  if (declared != kUnknownCount && declared != count) return std::nullopt;

  // Copy the block as it is, declared count included, so that writing it
  // back out (RDB, DUMP) gives the same bytes that came in.
  Listpack result;
  std::uint8_t* out = result.splice(kHeaderSize, 0, total - kEmptySize);
  if (total > kEmptySize) std::memcpy(out, p + kHeaderSize, total - kEmptySize);
  result.set_header_count(declared);
  return result;
}

}  // namespace mini_redis::types
