// Geohash arithmetic; see geohash.h for the encoding and the search plan.
//
// Every formula here is Redis 7.0's, in the same order of operations:
// a multiplication done in another order can change the last bit of a
// double, and with it a distance's fourth decimal or whether a point on the
// edge of a search is in or out.
#include "types/geohash.h"

#include <cmath>
#include <initializer_list>
#include <numbers>
#include <string_view>

namespace mini_redis::types::geo {

namespace {

constexpr double kDegreesToRadians = std::numbers::pi / 180.0;

double radians(double degrees) {
  return degrees * kDegreesToRadians;
}
double degrees(double radians) {
  return radians / kDegreesToRadians;
}

// ---- interleaving ----------------------------------------------------------------

// Spreads the 32 bits of `value` onto the even bits of a 64-bit word
// (bit i goes to bit 2i), by the classic "binary magic numbers": each line
// moves the upper half of every group away from the lower half.
std::uint64_t spread(std::uint32_t value) {
  std::uint64_t x = value;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x << 2)) & 0x3333333333333333ULL;
  x = (x | (x << 1)) & 0x5555555555555555ULL;
  return x;
}

// The inverse: gathers the even bits of `x` into 32 bits.
std::uint32_t gather(std::uint64_t x) {
  x &= 0x5555555555555555ULL;
  x = (x | (x >> 1)) & 0x3333333333333333ULL;
  x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<std::uint32_t>(x);
}

// Latitude on the even bits, longitude on the odd ones (geohash.h).
std::uint64_t interleave(std::uint32_t latitude_cell, std::uint32_t longitude_cell) {
  return spread(latitude_cell) | (spread(longitude_cell) << 1);
}

struct Cells {
  std::uint32_t latitude;
  std::uint32_t longitude;
};
Cells deinterleave(std::uint64_t bits) {
  return {gather(bits), gather(bits >> 1)};
}

// A double to uint64_t as Redis's `(uint64_t)score` compiles on x86-64,
// for scores no GEOADD wrote (negative, or 2^64 and above): C leaves those
// undefined, the CPU answers as below, and GEOPOS shows the result.
std::uint64_t score_bits(double score) {
  constexpr double kTwoTo63 = 9223372036854775808.0;
  const auto truncate = [](double value) -> std::uint64_t {
    // cvttsd2si: out of int64's range (or NaN) gives 0x8000000000000000.
    if (!(value >= -kTwoTo63 && value < kTwoTo63)) return std::uint64_t{1} << 63;
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(value));
  };
  if (score < kTwoTo63) return truncate(score);
  return truncate(score - kTwoTo63) ^ (std::uint64_t{1} << 63);
}

// ---- neighbours --------------------------------------------------------------------

// The box `dx` columns east and `dy` rows north of `hash`, at the same step;
// the grid wraps around at its edges, as Redis's geohash_move_x/_y do.
HashBits moved(HashBits hash, int dx, int dy) {
  const std::uint64_t mask = (std::uint64_t{1} << hash.step) - 1;
  const Cells cells = deinterleave(hash.bits);
  const auto longitude = static_cast<std::uint32_t>((cells.longitude + dx) & mask);
  const auto latitude = static_cast<std::uint32_t>((cells.latitude + dy) & mask);
  return {interleave(latitude, longitude), hash.step};
}

// Redis's order: centre, north, south, east, west, north-east, north-west,
// south-east, south-west.
enum Box : std::size_t {
  kCenter,
  kNorth,
  kSouth,
  kEast,
  kWest,
  kNorthEast,
  kNorthWest,
  kSouthEast,
  kSouthWest
};

std::array<HashBits, 9> with_neighbours(HashBits center) {
  return {center,
          moved(center, 0, 1),
          moved(center, 0, -1),
          moved(center, 1, 0),
          moved(center, -1, 0),
          moved(center, 1, 1),
          moved(center, -1, 1),
          moved(center, 1, -1),
          moved(center, -1, -1)};
}

// ---- the search plan ------------------------------------------------------------------

// geohashEstimateStepsByRadius: the coarsest step whose boxes are still
// about as large as the radius. Each step halves a box, so count the
// doublings from the radius to the Mercator half-width, then back off two
// steps so the radius is inside the centre box and its neighbours; boxes
// shrink east-west towards the poles, hence one or two steps more there.
int estimate_step(double radius_meters, double latitude) {
  if (radius_meters == 0) return kMaxStep;
  int step = 1;
  while (radius_meters < kMercatorMax) {
    radius_meters *= 2;
    ++step;
  }
  step -= 2;
  if (latitude > 66 || latitude < -66) {
    --step;
    if (latitude > 80 || latitude < -80) --step;
  }
  if (step < 1) step = 1;
  if (step > kMaxStep) step = kMaxStep;
  return step;
}

// geohashBoundingBox: the shape's extent in degrees, {min lon, min lat, max
// lon, max lat}. A degree of longitude is shorter away from the equator,
// so the east-west half-width is measured at the edge nearer the pole.
struct Bounds {
  double min_longitude, min_latitude, max_longitude, max_latitude;
};
Bounds bounding_box(const Shape& shape) {
  const bool circle = shape.kind == Shape::Kind::circle;
  const double height = shape.to_meters * (circle ? shape.radius : shape.height / 2);
  const double width = shape.to_meters * (circle ? shape.radius : shape.width / 2);
  const double longitude = shape.center.longitude;
  const double latitude = shape.center.latitude;
  const double lat_delta = degrees(height / kEarthRadiusMeters);
  const double long_delta_top =
      degrees(width / kEarthRadiusMeters / std::cos(radians(latitude + lat_delta)));
  const double long_delta_bottom =
      degrees(width / kEarthRadiusMeters / std::cos(radians(latitude - lat_delta)));
  const double long_delta = latitude < 0 ? long_delta_bottom : long_delta_top;
  return {longitude - long_delta, latitude - lat_delta, longitude + long_delta,
          latitude + lat_delta};
}

}  // namespace

// ---- encoding -----------------------------------------------------------------------------

bool valid_point(Point point) {
  return point.longitude >= kLongitudeMin && point.longitude <= kLongitudeMax &&
         point.latitude >= kLatitudeMin && point.latitude <= kLatitudeMax;
}

std::optional<HashBits> encode(Range longitude, Range latitude, Point point, int step) {
  if (step <= 0 || step > 32) return std::nullopt;
  if (!valid_point(point)) return std::nullopt;
  if (point.latitude < latitude.min || point.latitude > latitude.max ||
      point.longitude < longitude.min || point.longitude > longitude.max) {
    return std::nullopt;
  }
  // The fraction of the range, then scaled to 2^step cells; the cast
  // truncates, as Redis's implicit double -> uint32_t conversion does.
  double lat_offset = (point.latitude - latitude.min) / (latitude.max - latitude.min);
  double long_offset = (point.longitude - longitude.min) / (longitude.max - longitude.min);
  const auto cells = static_cast<double>(std::uint64_t{1} << step);
  lat_offset *= cells;
  long_offset *= cells;
  return HashBits{
      interleave(static_cast<std::uint32_t>(lat_offset), static_cast<std::uint32_t>(long_offset)),
      step};
}

Area decode(Range longitude, Range latitude, HashBits hash) {
  const Cells cells = deinterleave(hash.bits);
  const auto cell_count = static_cast<double>(std::uint64_t{1} << hash.step);
  const double lat_scale = latitude.max - latitude.min;
  const double long_scale = longitude.max - longitude.min;
  // The "+ 1" is 32-bit arithmetic in Redis (a uint32_t cell number).
  const std::uint32_t lat_next = cells.latitude + 1;
  const std::uint32_t long_next = cells.longitude + 1;
  Area area;
  area.latitude.min = latitude.min + (cells.latitude * 1.0 / cell_count) * lat_scale;
  area.latitude.max = latitude.min + (lat_next * 1.0 / cell_count) * lat_scale;
  area.longitude.min = longitude.min + (cells.longitude * 1.0 / cell_count) * long_scale;
  area.longitude.max = longitude.min + (long_next * 1.0 / cell_count) * long_scale;
  return area;
}

double score_of(Point point) {
  const std::optional<HashBits> hash = encode(kLongitudeRange, kLatitudeRange, point, kMaxStep);
  // Callers check valid_point() first; an invalid point has no score.
  return hash ? static_cast<double>(hash->bits) : 0;
}

Point point_of(double score) {
  const Area area = decode(kLongitudeRange, kLatitudeRange, {score_bits(score), kMaxStep});
  Point point{(area.longitude.min + area.longitude.max) / 2,
              (area.latitude.min + area.latitude.max) / 2};
  // A box's centre never passes the limits for a GEOADD score, but a
  // hand-made score can decode beyond them: clamp, as Redis does.
  if (point.longitude > kLongitudeMax) point.longitude = kLongitudeMax;
  if (point.longitude < kLongitudeMin) point.longitude = kLongitudeMin;
  if (point.latitude > kLatitudeMax) point.latitude = kLatitudeMax;
  if (point.latitude < kLatitudeMin) point.latitude = kLatitudeMin;
  return point;
}

ScoreSpan scores_of(HashBits hash) {
  // A box of step s is every step-26 score sharing its 2s leading bits:
  // [bits << (52 - 2s), (bits + 1) << (52 - 2s)).
  const int shift = 2 * (kMaxStep - hash.step);
  return {static_cast<double>(hash.bits << shift), static_cast<double>((hash.bits + 1) << shift)};
}

std::string geohash_string(double score) {
  static constexpr std::string_view kAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz";
  const std::optional<HashBits> hash =
      encode(kLongitudeRange, kStandardLatitudeRange, point_of(score), kMaxStep);
  const std::uint64_t bits = hash ? hash->bits : 0;
  // Ten characters of 5 bits take 50 of the 52 bits; the eleventh would
  // need 3 more, and Redis writes '0' for it (the 2 bits left are dropped).
  std::string text(11, '0');
  for (std::size_t i = 0; i < 10; ++i) {
    text[i] = kAlphabet[(bits >> (52 - (i + 1) * 5)) & 0x1F];
  }
  return text;
}

// ---- distances ------------------------------------------------------------------------------

double latitude_distance(double latitude_a, double latitude_b) {
  return kEarthRadiusMeters * std::fabs(radians(latitude_b) - radians(latitude_a));
}

double distance(Point a, Point b) {
  const double lon1 = radians(a.longitude);
  const double lon2 = radians(b.longitude);
  const double v = std::sin((lon2 - lon1) / 2);
  // On one meridian the formula reduces to the latitude difference;
  // Redis takes that shortcut, and so do we, for the same last digits.
  if (v == 0.0) return latitude_distance(a.latitude, b.latitude);
  const double lat1 = radians(a.latitude);
  const double lat2 = radians(b.latitude);
  const double u = std::sin((lat2 - lat1) / 2);
  const double h = u * u + std::cos(lat1) * std::cos(lat2) * v * v;
  return 2.0 * kEarthRadiusMeters * std::asin(std::sqrt(h));
}

std::optional<double> distance_if_inside(const Shape& shape, Point point) {
  if (shape.kind == Shape::Kind::circle) {
    const double d = distance(shape.center, point);
    if (d > shape.radius * shape.to_meters) return std::nullopt;
    return d;
  }
  // The latitude test is the cheap one, so it comes first.
  if (latitude_distance(point.latitude, shape.center.latitude) >
      shape.height * shape.to_meters / 2) {
    return std::nullopt;
  }
  const double east_west = distance(point, {shape.center.longitude, point.latitude});
  if (east_west > shape.width * shape.to_meters / 2) return std::nullopt;
  return distance(shape.center, point);
}

// ---- the search plan ----------------------------------------------------------------------

SearchArea search_area(const Shape& shape) {
  const Bounds bounds = bounding_box(shape);
  // A box is covered by the circle through its corners.
  const double radius = shape.kind == Shape::Kind::circle
                            ? shape.radius
                            : std::sqrt((shape.width / 2) * (shape.width / 2) +
                                        (shape.height / 2) * (shape.height / 2));
  int step = estimate_step(radius * shape.to_meters, shape.center.latitude);

  auto boxes_at = [&](int at) {
    // The centre was checked by the command, so it always encodes.
    return with_neighbours(
        encode(kLongitudeRange, kLatitudeRange, shape.center, at).value_or(HashBits{0, at}));
  };
  std::array<HashBits, 9> boxes = boxes_at(step);

  // The estimate can fall short when the centre is near an edge of its
  // box: if a neighbour does not reach as far as the shape does, the boxes
  // are too small, and one step coarser (twice as large) is taken.
  const auto area_of = [](HashBits hash) { return decode(kLongitudeRange, kLatitudeRange, hash); };
  const bool too_small = area_of(boxes[kNorth]).latitude.max < bounds.max_latitude ||
                         area_of(boxes[kSouth]).latitude.min > bounds.min_latitude ||
                         area_of(boxes[kEast]).longitude.max < bounds.max_longitude ||
                         area_of(boxes[kWest]).longitude.min > bounds.min_longitude;
  if (step > 1 && too_small) {
    --step;
    boxes = boxes_at(step);
  }

  // Neighbours on a side the shape does not reach past the centre box are
  // left out (only from step 2 on: at step 1 the grid is 2x2 and wraps).
  if (step >= 2) {
    const Area center = area_of(boxes[kCenter]);
    const auto drop = [&boxes](std::initializer_list<Box> which) {
      for (const Box box : which) boxes[box] = HashBits{};
    };
    if (center.latitude.min < bounds.min_latitude) drop({kSouth, kSouthWest, kSouthEast});
    if (center.latitude.max > bounds.max_latitude) drop({kNorth, kNorthEast, kNorthWest});
    if (center.longitude.min < bounds.min_longitude) drop({kWest, kSouthWest, kNorthWest});
    if (center.longitude.max > bounds.max_longitude) drop({kEast, kSouthEast, kNorthEast});
  }
  return {boxes};
}

}  // namespace mini_redis::types::geo
