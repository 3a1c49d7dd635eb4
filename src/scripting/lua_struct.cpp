// struct for scripts: numbers and strings <-> binary records, behaving as the
// copy of Roberto Ierusalimschy's struct library that Redis 7.0.15 embeds.
// Written from the library's documentation and from probing Redis; Debian
// has no package of it for Lua 5.1.
//
//   struct.pack(fmt, v1, v2, ...)  -> string
//   struct.unpack(fmt, s[, pos])   -> v1, v2, ..., next position (1-based)
//   struct.size(fmt)               -> bytes a format takes (no 's' or 'c0')
//
// A format is a sequence of options; a number after some of them is a size:
//   >  big endian           <  little endian (the default is the machine's)
//   ![n]  align fields to min(their size, n) bytes (n a power of 2, default 8)
//   b/B  signed/unsigned char        h/H  short (2)     l/L  long (8)
//   T    size_t (8)                  i/I[n]  int of n bytes (default 4, at most 32)
//   f    float (4)    d  double (8)  x  one zero byte of padding
//   c[n] n bytes of a string (default 1); packing, c0 is the whole string;
//        unpacking, c0 takes its length from the previous value read
//   s    a zero-terminated string    ' '  ignored
//
// What Redis's build does at the edges, reproduced here because a script
// sees it (each was checked against redis-server 7.0.15):
//   - integers are 64-bit inside: packing more than 8 bytes pads with zero
//     bytes (even for a negative number), unpacking more than 8 keeps the
//     last 8 bytes read, and the sign test of an n-byte integer looks at bit
//     (8n-1) mod 64, as the x86-64 shift in Redis's C does;
//   - a number is converted to an integer as x86-64 C does: a fraction is cut
//     off, and NaN, infinities and numbers out of range become 2^63 or 0
//     (to_wide_integer below);
//   - a size in a format past INT_MAX is "integral size overflow".
#include <bit>
#include <climits>
#include <cstdint>
#include <cstring>

#include "scripting/lua_libraries.h"

namespace mini_redis::scripting {

namespace {

constexpr int kMaxIntegerSize = 32;  // bytes, for i/I
constexpr int kMaxAlign = 8;         // "!" alone: the alignment of a double
constexpr bool kNativeLittle = std::endian::native == std::endian::little;

// The state a format's control options change as it is read.
struct Layout {
  bool little = kNativeLittle;
  int align = 1;
};

bool is_digit(int c) {
  return c >= '0' && c <= '9';
}

bool is_alnum(int c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Reads the digits at `fmt`, or answers `fallback` when there are none.
int read_size(lua_State* lua, const char*& fmt, int fallback) {
  if (!is_digit(*fmt)) {
    return fallback;
  }
  int value = 0;
  while (is_digit(*fmt)) {
    const int digit = *fmt++ - '0';
    if (value > (INT_MAX - digit) / 10) {
      luaL_error(lua, "integral size overflow");
    }
    value = value * 10 + digit;
  }
  return value;
}

// How many bytes option `opt` takes (0 for control options, 's', and
// letters that are not options). Reads the option's size digits, if any.
std::size_t option_size(lua_State* lua, int opt, const char*& fmt) {
  switch (opt) {
    case 'b':
    case 'B':
    case 'x': return 1;
    case 'h':
    case 'H': return sizeof(short);
    case 'l':
    case 'L': return sizeof(long);
    case 'T': return sizeof(std::size_t);
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
    case 'c': return static_cast<std::size_t>(read_size(lua, fmt, 1));
    case 'i':
    case 'I': {
      const int size = read_size(lua, fmt, sizeof(int));
      if (size > kMaxIntegerSize) {
        luaL_error(lua, "integral size %d is larger than limit of %d", size, kMaxIntegerSize);
      }
      return static_cast<std::size_t>(size);
    }
    default: return 0;
  }
}

// Zero bytes needed before a field of `size` bytes that would start at
// `offset`. Strings are never aligned. A size that is not a power of two
// (i3) uses the same bit formula as the original, whatever it gives.
std::size_t padding_before(std::size_t offset, const Layout& layout, int opt, std::size_t size) {
  if (size == 0 || opt == 'c') {
    return 0;
  }
  if (size > static_cast<std::size_t>(layout.align)) {
    size = static_cast<std::size_t>(layout.align);
  }
  return (size - (offset & (size - 1))) & (size - 1);
}

// ' ', '>', '<' and '!'; anything else is not an option.
void apply_control(lua_State* lua, int opt, const char*& fmt, Layout& layout) {
  switch (opt) {
    case ' ': return;
    case '>': layout.little = false; return;
    case '<': layout.little = true; return;
    case '!': {
      const int align = read_size(lua, fmt, kMaxAlign);
      if (align <= 0 || (align & (align - 1)) != 0) {
        luaL_error(lua, "alignment %d is not a power of 2", align);
      }
      layout.align = align;
      return;
    }
    default: luaL_argerror(lua, 1, lua_pushfstring(lua, "invalid format option '%c'", opt));
  }
}

// x86-64's double -> int64 (cvttsd2si): NaN and values out of range give
// INT64_MIN, the "integer indefinite".
std::int64_t to_int64(double d) {
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (d >= -kTwoTo63 && d < kTwoTo63) {
    return static_cast<std::int64_t>(d);
  }
  return INT64_MIN;
}

// What the original's `n < 0 ? (unsigned long)(long)n : (unsigned long)n`
// gives on x86-64: the unsigned conversion of a value of 2^63 or more
// subtracts 2^63 first and sets the top bit back, so 2^64 and infinity
// become 0, and NaN (which fails every comparison) becomes 2^63.
std::uint64_t to_wide_integer(double d) {
  constexpr double kTwoTo63 = 9223372036854775808.0;
  constexpr std::uint64_t kTopBit = std::uint64_t{1} << 63;
  if (d >= kTwoTo63) {
    return static_cast<std::uint64_t>(to_int64(d - kTwoTo63)) ^ kTopBit;
  }
  return static_cast<std::uint64_t>(to_int64(d));
}

void add_integer(lua_State* lua, luaL_Buffer& out, int arg, const Layout& layout,
                 std::size_t size) {
  std::uint64_t value = to_wide_integer(luaL_checknumber(lua, arg));
  char bytes[kMaxIntegerSize];
  // Least significant byte first; past 8 bytes the value is 0.
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t at = layout.little ? i : size - 1 - i;
    bytes[at] = static_cast<char>(value & 0xFF);
    value >>= 8;
  }
  luaL_addlstring(&out, bytes, size);
}

// `width` bytes of `bits` in the layout's byte order (floats and doubles).
void add_raw(luaL_Buffer& out, std::uint64_t bits, std::size_t width, const Layout& layout) {
  for (std::size_t i = 0; i < width; ++i) {
    const std::size_t shift = layout.little ? i : width - 1 - i;
    luaL_addchar(&out, static_cast<char>((bits >> (8 * shift)) & 0xFF));
  }
}

std::uint64_t read_raw(const char* bytes, std::size_t width, const Layout& layout) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const std::size_t at = layout.little ? width - 1 - i : i;
    value = (value << 8) | static_cast<unsigned char>(bytes[at]);
  }
  return value;
}

lua_Number read_integer(const char* bytes, const Layout& layout, bool is_signed, std::size_t size) {
  std::uint64_t value = read_raw(bytes, size, layout);  // keeps the last 8 bytes read
  if (!is_signed) {
    return static_cast<lua_Number>(value);
  }
  const std::uint64_t sign_and_above = ~std::uint64_t{0} << ((static_cast<int>(size) * 8 - 1) & 63);
  if ((value & sign_and_above) != 0) {
    value |= sign_and_above;
  }
  return static_cast<lua_Number>(static_cast<std::int64_t>(value));
}

int pack(lua_State* lua) {
  const char* fmt = luaL_checkstring(lua, 1);
  Layout layout;
  int arg = 2;
  std::size_t total = 0;
  lua_pushnil(lua);  // keeps the buffer's stack slots apart from the arguments
  luaL_Buffer out;
  luaL_buffinit(lua, &out);
  while (*fmt != '\0') {
    const int opt = static_cast<unsigned char>(*fmt++);
    std::size_t size = option_size(lua, opt, fmt);
    const std::size_t padding = padding_before(total, layout, opt, size);
    total += padding;
    for (std::size_t i = 0; i < padding; ++i) {
      luaL_addchar(&out, '\0');
    }
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I': add_integer(lua, out, arg++, layout, size); break;
      case 'x': luaL_addchar(&out, '\0'); break;
      case 'f': {
        const float f = narrow_to_float(luaL_checknumber(lua, arg++));
        add_raw(out, std::bit_cast<std::uint32_t>(f), sizeof f, layout);
        break;
      }
      case 'd': {
        const double d = luaL_checknumber(lua, arg++);
        add_raw(out, std::bit_cast<std::uint64_t>(d), sizeof d, layout);
        break;
      }
      case 'c':
      case 's': {
        std::size_t length = 0;
        const char* text = luaL_checklstring(lua, arg++, &length);
        if (size == 0) {
          size = length;
        }
        // The original names the argument after the string's: "#3" for c5 at #2.
        luaL_argcheck(lua, length >= size, arg, "string too short");
        luaL_addlstring(&out, text, size);
        if (opt == 's') {
          luaL_addchar(&out, '\0');
          ++size;
        }
        break;
      }
      default: apply_control(lua, opt, fmt, layout);
    }
    total += size;
  }
  luaL_pushresult(&out);
  return 1;
}

// Checks that `size` bytes from `pos` are inside the data.
void check_room(lua_State* lua, std::size_t pos, std::size_t size, std::size_t length) {
  luaL_argcheck(lua, size <= length && pos <= length - size, 2, "data string too short");
}

int unpack(lua_State* lua) {
  const char* fmt = luaL_checkstring(lua, 1);
  std::size_t length = 0;
  const char* data = luaL_checklstring(lua, 2, &length);
  // As size_t, so -1 passes this check and then fails the room check (or,
  // with an empty format, comes back as -1).
  auto pos = static_cast<std::size_t>(luaL_optinteger(lua, 3, 1));
  luaL_argcheck(lua, pos > 0, 3, "offset must be 1 or greater");
  --pos;
  Layout layout;
  int results = 0;
  while (*fmt != '\0') {
    const int opt = static_cast<unsigned char>(*fmt++);
    std::size_t size = option_size(lua, opt, fmt);
    pos += padding_before(pos, layout, opt, size);
    check_room(lua, pos, size, length);
    luaL_checkstack(lua, 2, "too many results");  // this value and the final position
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I': {
        const bool is_signed = opt >= 'a' && opt <= 'z';
        lua_pushnumber(lua, read_integer(data + pos, layout, is_signed, size));
        ++results;
        break;
      }
      case 'x': break;
      case 'f': {
        const auto bits = static_cast<std::uint32_t>(read_raw(data + pos, sizeof(float), layout));
        lua_pushnumber(lua, std::bit_cast<float>(bits));
        ++results;
        break;
      }
      case 'd':
        lua_pushnumber(lua, std::bit_cast<double>(read_raw(data + pos, sizeof(double), layout)));
        ++results;
        break;
      case 'c': {
        if (size == 0) {
          // The length is the value just read, which is consumed.
          if (results == 0 || lua_isnumber(lua, -1) == 0) {
            luaL_error(lua, "format 'c0' needs a previous size");
          }
          size = static_cast<std::size_t>(to_wide_integer(lua_tonumber(lua, -1)));
          lua_pop(lua, 1);
          --results;
          check_room(lua, pos, size, length);
        }
        lua_pushlstring(lua, data + pos, size);
        ++results;
        break;
      }
      case 's': {
        const void* end = std::memchr(data + pos, '\0', length - pos);
        if (end == nullptr) {
          luaL_error(lua, "unfinished string in data");
        }
        size = static_cast<std::size_t>(static_cast<const char*>(end) - (data + pos)) + 1;
        lua_pushlstring(lua, data + pos, size - 1);
        ++results;
        break;
      }
      default: apply_control(lua, opt, fmt, layout);
    }
    pos += size;
  }
  lua_pushinteger(lua, static_cast<lua_Integer>(pos + 1));
  return results + 1;
}

int size(lua_State* lua) {
  const char* fmt = luaL_checkstring(lua, 1);
  Layout layout;
  std::size_t pos = 0;
  while (*fmt != '\0') {
    const int opt = static_cast<unsigned char>(*fmt++);
    const std::size_t size = option_size(lua, opt, fmt);
    pos += padding_before(pos, layout, opt, size);
    if (opt == 's') {
      luaL_argerror(lua, 1, "option 's' has no fixed size");
    } else if (opt == 'c' && size == 0) {
      luaL_argerror(lua, 1, "option 'c0' has no fixed size");
    }
    // Letters and digits that are not options are skipped here, where
    // pack and unpack reject them (struct.size("z") is 0).
    if (!is_alnum(opt)) {
      apply_control(lua, opt, fmt, layout);
    }
    pos += size;
  }
  lua_pushinteger(lua, static_cast<lua_Integer>(pos));
  return 1;
}

}  // namespace

int luaopen_struct(lua_State* lua) {
  lua_newtable(lua);
  lua_pushcfunction(lua, pack);
  lua_setfield(lua, -2, "pack");
  lua_pushcfunction(lua, unpack);
  lua_setfield(lua, -2, "unpack");
  lua_pushcfunction(lua, size);
  lua_setfield(lua, -2, "size");
  lua_pushvalue(lua, -1);
  lua_setglobal(lua, "struct");
  return 1;
}

}  // namespace mini_redis::scripting
