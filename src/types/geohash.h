// Geohash: the arithmetic behind GEOADD, GEOSEARCH and friends, as Redis
// 7.0 does it (geohash.c, geohash_helper.c), so that scores, distances and
// search results come out bit for bit the same.
//
// What it is: pure math on numbers. What it is not: the commands (argument
// parsing, replies, the sorted set walk live in commands/geo/).
//
// ---- A point becomes a 52-bit integer --------------------------------------
//
// A geo set is a plain sorted set whose scores encode positions. Each axis
// is cut in 2^26 equal slices (26 "steps" of halving):
//
//   longitude  -180 .. 180
//   latitude   -85.05112878 .. 85.05112878   (the Web Mercator limit, not 90)
//
// and the two 26-bit slice numbers are interleaved, latitude on the even
// bits and longitude on the odd ones:
//
//   bit   51  50  49  48  ...   1   0
//         lo  la  lo  la  ...  lo  la      (lo = longitude, la = latitude)
//
// That integer (below 2^52, so a double holds it exactly) is the score.
// Interleaving makes points close on the map close in score: every box of
// the grid at a coarser step is one contiguous score range, which is what
// lets a radius search walk ranges of the sorted set instead of all of it.
//
// Decoding gives back the centre of the point's slice, not what was typed:
// GEOADD 13.361389 38.115556 reads back as 13.36138933897018433,
// 38.11555639549629859 (about 0.6 m of error at step 26).
//
// ---- Searching: nine boxes ------------------------------------------------------
//
// A search (a circle or a box around a centre) picks the coarsest step whose
// grid boxes are at least as big as the search, then looks at the centre's
// box and its eight neighbours, skipping the neighbours the search cannot
// reach. Each box is a score range; each element found there is checked
// against the real shape with the haversine distance. search_area() does
// the choosing, exactly as geohashCalculateAreasByShapeWGS84 does, because
// which boxes are walked decides the order of an unsorted reply.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace mini_redis::types::geo {

// The limits of what can be indexed (Redis's GEO_LONG_MIN... in geohash.h).
inline constexpr double kLongitudeMin = -180;
inline constexpr double kLongitudeMax = 180;
inline constexpr double kLatitudeMin = -85.05112878;
inline constexpr double kLatitudeMax = 85.05112878;
// 26 halvings per axis: 52 bits in all.
inline constexpr int kMaxStep = 26;
// The earth radius Redis uses (geohash_helper.c): the WGS-84 mean radius
// as the Web Mercator "sphere" would have it. Distances depend on it.
inline constexpr double kEarthRadiusMeters = 6372797.560856;
// Half the circumference of the Mercator projection, for the step estimate.
inline constexpr double kMercatorMax = 20037726.37;

struct Range {
  double min = 0;
  double max = 0;
};

// The standard ranges of GEOADD's scores, and those of a textbook geohash
// (GEOHASH's strings use latitude -90..90).
inline constexpr Range kLongitudeRange{kLongitudeMin, kLongitudeMax};
inline constexpr Range kLatitudeRange{kLatitudeMin, kLatitudeMax};
inline constexpr Range kStandardLatitudeRange{-90, 90};

// A box of the grid at `step` (1..26): 2*step interleaved bits. A zero
// `bits` with a zero `step` means "no box" (a neighbour a search skips).
struct HashBits {
  std::uint64_t bits = 0;
  int step = 0;
  [[nodiscard]] bool is_none() const { return bits == 0 && step == 0; }
  friend bool operator==(const HashBits&, const HashBits&) = default;
};

struct Point {
  double longitude = 0;
  double latitude = 0;
};

// The box a HashBits stands for, in degrees.
struct Area {
  Range longitude;
  Range latitude;
};

// True when GEOADD may index the point: both within the limits above.
[[nodiscard]] bool valid_point(Point point);

// The box of `point` at `step` in the given ranges; nullopt outside them
// (or outside the indexable limits, whatever the ranges).
[[nodiscard]] std::optional<HashBits> encode(Range longitude, Range latitude, Point point,
                                             int step);
// The box's corners in the given ranges.
[[nodiscard]] Area decode(Range longitude, Range latitude, HashBits hash);

// The score GEOADD stores for a valid point: its step-26 box, as a double.
[[nodiscard]] double score_of(Point point);
// The point a score stands for: the centre of its step-26 box, clamped to
// the limits. Any score decodes (a score no GEOADD wrote reads as some
// point, as in Redis).
[[nodiscard]] Point point_of(double score);
// The score range [first, last) holding every element inside `hash`'s box.
struct ScoreSpan {
  double first = 0;
  double last = 0;
};
[[nodiscard]] ScoreSpan scores_of(HashBits hash);

// GEOHASH's 11-character string for the point a score stands for: the
// point re-encoded with latitude -90..90, then base 32 (the 11th character
// is always '0': there are only 52 bits).
[[nodiscard]] std::string geohash_string(double score);

// Great-circle distance in meters (the haversine formula on a sphere of
// kEarthRadiusMeters), with Redis's shortcut for points on one meridian.
[[nodiscard]] double distance(Point a, Point b);
// Distance along a meridian between two latitudes, in meters.
[[nodiscard]] double latitude_distance(double latitude_a, double latitude_b);

// What a search looks for, in meters: a circle of `radius` or a box of
// `width` x `height`, around `center`. `to_meters` is the unit the user
// gave (1 for m, 1000 for km...), kept because Redis multiplies by it at
// each use and the rounding shows in the last digits.
struct Shape {
  enum class Kind : std::uint8_t { circle, box };
  Kind kind = Kind::circle;
  Point center;
  double radius = 0;  // circle, in the user's unit
  double width = 0;   // box, in the user's unit
  double height = 0;
  double to_meters = 1;
};

// The boxes a search walks, in Redis's order: the centre's box, then north,
// south, east, west, north-east, north-west, south-east, south-west. A box
// the search cannot reach is none (HashBits::is_none()).
struct SearchArea {
  std::array<HashBits, 9> boxes{};
};
[[nodiscard]] SearchArea search_area(const Shape& shape);

// The distance from the shape's centre to `point` in meters, when the point
// is inside the shape; nullopt otherwise. A box tests the north-south and
// east-west distances first, as Redis does, then measures the distance.
[[nodiscard]] std::optional<double> distance_if_inside(const Shape& shape, Point point);

}  // namespace mini_redis::types::geo
