// LOLWUT [VERSION v] [arguments]: "computer art" and the server's version,
// Redis 5's joke command. Redis 7.0.15 keeps the art of two earlier versions
// and, for its own, prints only the version line:
//
//   LOLWUT VERSION 5 [cols [squares-per-row [squares-per-col]]]
//       Georg Nees's "Schotter" (1968): a grid of squares that tilt and
//       drift more and more, row after row, drawn with Braille characters.
//       Defaults 66 8 12; each is clamped to 1..1000, 1..200, 1..200.
//   LOLWUT VERSION 6 [cols [rows]]
//       a city skyline in four grays, one terminal cell per pixel, each cell
//       a space with ANSI colors ("\033[0;97;107m \033[0m"). Defaults 80 20,
//       each clamped to 1..1000.
//   anything else (no VERSION, VERSION 7, VERSION 42...)
//       "Redis ver. 7.0.15\n", and the other arguments are ignored.
//
// Which art: Redis prints the version as "%u.0.0" and looks at its first
// characters, so only 5 and 6 (or numbers that wrap to them as a 32-bit
// unsigned, like 4294967301) draw; VERSION must be an integer ("ERR value is
// not an integer or out of range"), as must the size arguments.
//
// What is exact and what is not: the two captions, the version line, the
// number of lines and of characters per line, how the sizes are clamped,
// and the errors are Redis's. The pictures are random in Redis too (rand()),
// except Schotter's first two rows of squares, which are never moved: a
// picture with at most 2 squares per column is the same bytes as Redis's,
// and the diff cases use that. Skyline's buildings are our own random
// drawing of the same kind (Redis's lolwut6.c has its own), so version 6
// is compared by shape only.
//
// The reply is verbatim text ("txt") in RESP3 and a bulk string in RESP2.
#include "commands/server/lolwut_command.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "commands/core/arguments.h"
#include "common/integer_parsing.h"
#include "common/random.h"

namespace mini_redis::commands {

namespace {

constexpr std::string_view kVersion = "7.0.15";

// A grid of pixels, each a small color number; out-of-range reads are 0
// and out-of-range writes are dropped, so shapes may cross the border.
class Canvas {
 public:
  Canvas(int width, int height, int color)
      : width_(width),
        height_(height),
        pixels_(static_cast<std::size_t>(width) * static_cast<std::size_t>(height),
                static_cast<std::uint8_t>(color)) {}
  [[nodiscard]] int width() const { return width_; }
  [[nodiscard]] int height() const { return height_; }
  void set(int x, int y, int color) {
    if (x >= 0 && x < width_ && y >= 0 && y < height_)
      pixels_[index(x, y)] = static_cast<std::uint8_t>(color);
  }
  [[nodiscard]] int get(int x, int y) const {
    return x >= 0 && x < width_ && y >= 0 && y < height_ ? pixels_[index(x, y)] : 0;
  }

  // Bresenham's line: every pixel from (x1,y1) to (x2,y2), both ends included.
  void line(int x1, int y1, int x2, int y2, int color) {
    const int dx = std::abs(x2 - x1);
    const int dy = std::abs(y2 - y1);
    const int step_x = x1 < x2 ? 1 : -1;
    const int step_y = y1 < y2 ? 1 : -1;
    int error = dx - dy;
    while (true) {
      set(x1, y1, color);
      if (x1 == x2 && y1 == y2) break;
      const int twice = error * 2;
      if (twice > -dy) {
        error -= dy;
        x1 += step_x;
      }
      if (twice < dx) {
        error += dx;
        y1 += step_y;
      }
    }
  }

 private:
  [[nodiscard]] std::size_t index(int x, int y) const {
    return static_cast<std::size_t>(x) +
           static_cast<std::size_t>(y) * static_cast<std::size_t>(width_);
  }
  int width_;
  int height_;
  std::vector<std::uint8_t> pixels_;
};

// A random float in [0, 1], as Redis's (float)rand()/RAND_MAX.
float unit_random(SplitMix64& random) {
  return static_cast<float>(random.next() >> 40) / static_cast<float>((1U << 24) - 1);
}

// ---- version 5: Schotter --------------------------------------------------------

// A square centred on (x, y) whose diagonal is `size`, turned by `angle`
// radians: its corners lie on a circle of radius size/sqrt(2), rounded to
// whole pixels, at 45 + 90k degrees plus the angle. The arithmetic mixes
// float and double exactly where Redis's does, so the corners land on the
// same pixels.
void draw_square(Canvas& canvas, int x, int y, float size, float angle) {
  constexpr double kPi = 3.14159265358979323846;
  size = static_cast<float>(size / 1.4142135623);
  size = static_cast<float>(std::round(size));
  float k = static_cast<float>(kPi / 4 + angle);
  int px[4];
  int py[4];
  for (int j = 0; j < 4; ++j) {
    px[j] = static_cast<int>(std::round(std::sin(static_cast<double>(k)) * size + x));
    py[j] = static_cast<int>(std::round(std::cos(static_cast<double>(k)) * size + y));
    k = static_cast<float>(k + kPi / 2);
  }
  for (int j = 0; j < 4; ++j) canvas.line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], 1);
}

// The canvas is 2 pixels per console column (Braille cells are 2x4), with
// a 2-pixel margin; squares fill the width and the height follows. Rows 0
// and 1 stand straight; below, each square turns and moves by random
// amounts that grow with the row.
Canvas draw_schotter(int console_cols, int per_row, int per_col, SplitMix64& random) {
  const int width = console_cols * 2;
  const int padding = width > 4 ? 2 : 0;
  const float side = static_cast<float>(width - padding * 2) / static_cast<float>(per_row);
  const int height =
      static_cast<int>(side * static_cast<float>(per_col) + static_cast<float>(padding * 2));
  Canvas canvas(width, height, 0);
  for (int y = 0; y < per_col; ++y) {
    for (int x = 0; x < per_row; ++x) {
      int sx =
          static_cast<int>(static_cast<float>(x) * side + side / 2 + static_cast<float>(padding));
      int sy =
          static_cast<int>(static_cast<float>(y) * side + side / 2 + static_cast<float>(padding));
      float angle = 0;
      if (y > 1) {
        const float spread = static_cast<float>(y) / static_cast<float>(per_col);
        float r1 = unit_random(random) * spread;
        float r2 = unit_random(random) * spread;
        float r3 = unit_random(random) * spread;
        if ((random.next() & 1) != 0) r1 = -r1;
        if ((random.next() & 1) != 0) r2 = -r2;
        if ((random.next() & 1) != 0) r3 = -r3;
        angle = r1;
        sx = static_cast<int>(static_cast<float>(sx) + r2 * side / 3);
        sy = static_cast<int>(static_cast<float>(sy) + r3 * side / 3);
      }
      draw_square(canvas, sx, sy, side, angle);
    }
  }
  return canvas;
}

// Each 2x4 block of pixels becomes one Braille character, U+2800 plus a bit
// per lit dot (dots 1-2-3 down the left column are bits 0-2, 4-5-6 down the
// right are bits 3-5, the bottom row's two dots bits 6 and 7), in UTF-8's
// three bytes. A newline follows each text row, except (Redis's quirk) when
// the row starts on the canvas's very last pixel row.
std::string render_braille(const Canvas& canvas) {
  std::string text;
  for (int y = 0; y < canvas.height(); y += 4) {
    for (int x = 0; x < canvas.width(); x += 2) {
      int dots = 0;
      const int bits[8][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}, {0, 3}, {1, 3}};
      for (int bit = 0; bit < 8; ++bit) {
        if (canvas.get(x + bits[bit][0], y + bits[bit][1]) != 0) dots |= 1 << bit;
      }
      const int code = 0x2800 + dots;
      text.push_back(static_cast<char>(0xE0 | (code >> 12)));
      text.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      text.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
    if (y != canvas.height() - 1) text.push_back('\n');
  }
  return text;
}

// ---- version 6: skyline -----------------------------------------------------------

// Three rows of buildings, far to near, each darker than the sky behind it
// (colors 3 white sky, 2 and 1 grays, 0 black), standing on the bottom
// row, with lit windows (the sky's color) in the nearest ones.
void draw_skyline(Canvas& canvas, SplitMix64& random) {
  const int width = canvas.width();
  const int height = canvas.height();
  for (int layer = 0; layer < 3; ++layer) {
    const int color = 2 - layer;
    int x = static_cast<int>(random.next() % 4);
    while (x < width) {
      const int building_width = 3 + static_cast<int>(random.next() % 6);
      const int tallest = std::max(1, height * (3 - layer) / 4);
      const int building_height =
          1 + static_cast<int>(random.next() % static_cast<std::uint64_t>(tallest));
      for (int bx = x; bx < x + building_width; ++bx) {
        for (int by = height - building_height; by < height; ++by) {
          const bool window =
              layer == 2 && (bx - x) % 2 == 1 && (by % 2) == 1 && (random.next() % 3) == 0;
          canvas.set(bx, by, window ? 3 : color);
        }
      }
      x += building_width + static_cast<int>(random.next() % 3);
    }
  }
}

// One terminal cell per pixel: a space on the pixel's color.
std::string render_cells(const Canvas& canvas) {
  static constexpr std::string_view kColors[4] = {"0;30;40m", "0;90;100m", "0;37;47m", "0;97;107m"};
  std::string text;
  for (int y = 0; y < canvas.height(); ++y) {
    for (int x = 0; x < canvas.width(); ++x) {
      text += "\033[";
      text += kColors[canvas.get(x, y) & 3];
      text += " \033[0m";
    }
    if (y != canvas.height() - 1) text.push_back('\n');
  }
  return text;
}

// ---- the command ----------------------------------------------------------------------

// Reads the optional size arguments in order, each an integer clamped to
// its range; nullopt (error written) when one is not an integer.
std::optional<std::vector<long long>> sizes(Context& ctx, Arguments args,
                                            std::vector<long long> values,
                                            const std::vector<long long>& maxima) {
  for (std::size_t i = 0; i < values.size() && i < args.size(); ++i) {
    const auto value = parse_int64_strict(args[i]);
    if (!value) {
      ctx.reply.error("ERR value is not an integer or out of range");
      return std::nullopt;
    }
    values[i] = *value;
  }
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = std::clamp(values[i], 1LL, maxima[i]);
  return values;
}

void lolwut_command(Context& ctx, Arguments args) {
  std::uint32_t version = 7;
  Arguments rest;
  if (args.size() >= 3 && equals_ignore_case(args[1], "version")) {
    const auto requested = parse_int64_strict(args[2]);
    if (!requested) {
      ctx.reply.error("ERR value is not an integer or out of range");
      return;
    }
    version = static_cast<std::uint32_t>(*requested);  // Redis's "%u" of a long
    rest = args.subspan(3);
  }
  SplitMix64 random(static_cast<std::uint64_t>(ctx.keyspace.clock().now_us()));
  std::string text;
  if (version == 5) {
    const auto size = sizes(ctx, rest, {66, 8, 12}, {1000, 200, 200});
    if (!size) return;
    text = render_braille(draw_schotter(static_cast<int>((*size)[0]), static_cast<int>((*size)[1]),
                                        static_cast<int>((*size)[2]), random));
    text += "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ";
  } else if (version == 6) {
    const auto size = sizes(ctx, rest, {80, 20}, {1000, 1000});
    if (!size) return;
    Canvas canvas(static_cast<int>((*size)[0]), static_cast<int>((*size)[1]), 3);
    draw_skyline(canvas, random);
    text = render_cells(canvas);
    text +=
        "\nDedicated to the 8 bit game developers of past and present.\n"
        "Original 8 bit image from Plaguemon by hikikomori. Redis ver. ";
  } else {
    text = "Redis ver. ";
  }
  text += kVersion;
  text += '\n';
  ctx.reply.verbatim_text(text);
}

}  // namespace

CommandSpec make_lolwut_command() {
  return CommandSpec{
      .name = "lolwut",
      .arity = -1,
      .flags = flags::kReadonly | flags::kFast,
      .handler = lolwut_command,
      .group = "server",
      .summary = "Display some computer art and the Redis version",
      .since = "5.0.0",
      .acl_categories = "@read @fast",
      .arguments = {arg::integer("version").token("VERSION").optional()},
  };
}

}  // namespace mini_redis::commands
