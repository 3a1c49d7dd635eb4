// types/geohash: the numbers Redis 7.0.15 gives, checked one by one.
//
// The expected values were read from Debian's redis-server:
//   GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
//   ZSCORE g Palermo -> 3479099956230698, GEOHASH g Palermo -> sqc8b49rny0,
//   GEODIST g Palermo Catania -> 166274.1516 ...
#include "types/geohash.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

namespace mini_redis::types::geo {
namespace {

constexpr Point kPalermo{13.361389, 38.115556};
constexpr Point kCatania{15.087269, 37.502669};

std::string fixed4(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.4f", value);
  return text;
}

TEST(GeohashTest, ScoresAreRedisGeoaddScores) {
  EXPECT_EQ(score_of(kPalermo), 3479099956230698.0);
  EXPECT_EQ(score_of(kCatania), 3479447370796909.0);
  // The corners of the indexable world.
  EXPECT_EQ(score_of({-180, kLatitudeMin}), 0.0);
  EXPECT_LT(score_of({179.999999, 85.05}), std::ldexp(1.0, 52));
}

TEST(GeohashTest, DecodingGivesTheCentreOfTheCell) {
  const Point palermo = point_of(3479099956230698.0);
  // GEOPOS prints these as 13.36138933897018433 and 38.11555639549629859.
  char text[64];
  std::snprintf(text, sizeof text, "%.17Lf", static_cast<long double>(palermo.longitude));
  EXPECT_STREQ(text, "13.36138933897018433");
  std::snprintf(text, sizeof text, "%.17Lf", static_cast<long double>(palermo.latitude));
  EXPECT_STREQ(text, "38.11555639549629859");
  // Re-encoding the decoded point lands in the same cell.
  EXPECT_EQ(score_of(palermo), 3479099956230698.0);
}

TEST(GeohashTest, PointsOutsideTheLimitsDoNotEncode) {
  EXPECT_TRUE(valid_point({180, kLatitudeMax}));
  EXPECT_FALSE(valid_point({180.000001, 0}));
  EXPECT_FALSE(valid_point({0, 85.06}));
  EXPECT_FALSE(valid_point({0, -85.06}));
  EXPECT_FALSE(encode(kLongitudeRange, kLatitudeRange, {0, 86}, kMaxStep).has_value());
  EXPECT_FALSE(encode(kLongitudeRange, kLatitudeRange, {0, 0}, 0).has_value());
}

TEST(GeohashTest, InterleavingPutsLatitudeOnEvenBits) {
  // One cell east of the origin cell at step 1 sets the longitude bit
  // (bit 1); one north sets the latitude bit (bit 0).
  const HashBits south_west = *encode(kLongitudeRange, kLatitudeRange, {-90, -40}, 1);
  const HashBits south_east = *encode(kLongitudeRange, kLatitudeRange, {90, -40}, 1);
  const HashBits north_west = *encode(kLongitudeRange, kLatitudeRange, {-90, 40}, 1);
  EXPECT_EQ(south_west.bits, 0U);
  EXPECT_EQ(south_east.bits, 2U);
  EXPECT_EQ(north_west.bits, 1U);
  const Area area = decode(kLongitudeRange, kLatitudeRange, south_east);
  EXPECT_EQ(area.longitude.min, 0);
  EXPECT_EQ(area.longitude.max, 180);
  EXPECT_EQ(area.latitude.min, kLatitudeMin);
  EXPECT_EQ(area.latitude.max, 0);
}

TEST(GeohashTest, GeohashStringsMatchRedis) {
  EXPECT_EQ(geohash_string(3479099956230698.0), "sqc8b49rny0");
  EXPECT_EQ(geohash_string(3479447370796909.0), "sqdtr74hyu0");
}

TEST(GeohashTest, DistancesMatchRedis) {
  const Point palermo = point_of(score_of(kPalermo));
  const Point catania = point_of(score_of(kCatania));
  EXPECT_EQ(fixed4(distance(palermo, catania)), "166274.1516");
  EXPECT_EQ(fixed4(distance(palermo, catania) / 1000), "166.2742");
  EXPECT_EQ(distance(palermo, palermo), 0);
  // On one meridian the distance is the latitude difference on the sphere.
  EXPECT_EQ(distance({10, 0}, {10, 1}), latitude_distance(0, 1));
  EXPECT_NEAR(latitude_distance(0, 1), kEarthRadiusMeters * std::numbers::pi / 180, 1e-6);
}

TEST(GeohashTest, ScoreSpanOfABoxCoversItsCells) {
  const HashBits box{0b1011, 2};
  const ScoreSpan span = scores_of(box);
  EXPECT_EQ(span.first, std::ldexp(11.0, 48));
  EXPECT_EQ(span.last, std::ldexp(12.0, 48));
}

TEST(GeohashTest, CircleAndBoxMembership) {
  const Shape circle{
      .kind = Shape::Kind::circle, .center = kCatania, .radius = 200, .to_meters = 1000};
  EXPECT_TRUE(distance_if_inside(circle, kPalermo).has_value());
  const Shape small{
      .kind = Shape::Kind::circle, .center = kCatania, .radius = 100, .to_meters = 1000};
  EXPECT_FALSE(distance_if_inside(small, kPalermo).has_value());
  // Palermo is ~1.7 degrees west (~150 km) and ~0.6 north (~68 km) of
  // Catania: inside a 400x200 km box, outside a 200x400 km one.
  const Shape wide{
      .kind = Shape::Kind::box, .center = kCatania, .width = 400, .height = 200, .to_meters = 1000};
  const Shape tall{
      .kind = Shape::Kind::box, .center = kCatania, .width = 200, .height = 400, .to_meters = 1000};
  ASSERT_TRUE(distance_if_inside(wide, kPalermo).has_value());
  EXPECT_EQ(*distance_if_inside(wide, kPalermo), distance(kCatania, kPalermo));
  EXPECT_FALSE(distance_if_inside(tall, kPalermo).has_value());
}

TEST(GeohashTest, SearchAreaCentreBoxHoldsTheCentre) {
  const Shape shape{
      .kind = Shape::Kind::circle, .center = kPalermo, .radius = 200, .to_meters = 1000};
  const SearchArea area = search_area(shape);
  const HashBits center = area.boxes[0];
  ASSERT_FALSE(center.is_none());
  // 200 km: doubling to the Mercator half-width takes 7 steps from 1, minus
  // 2, so step 6 (or 5 if the neighbours fell short).
  EXPECT_GE(center.step, 5);
  EXPECT_LE(center.step, 6);
  const ScoreSpan span = scores_of(center);
  const double palermo = score_of(kPalermo);
  EXPECT_LE(span.first, palermo);
  EXPECT_LT(palermo, span.last);
}

TEST(GeohashTest, ZeroRadiusSearchesOneFinestCell) {
  const Shape shape{.kind = Shape::Kind::circle, .center = kPalermo, .radius = 0};
  const SearchArea area = search_area(shape);
  // The finest step, and no neighbour: the shape is a point inside the
  // centre cell, which reaches past it on every side.
  EXPECT_EQ(area.boxes[0].step, kMaxStep);
  for (std::size_t i = 1; i < area.boxes.size(); ++i) EXPECT_TRUE(area.boxes[i].is_none()) << i;
}

TEST(GeohashTest, HandMadeScoresDecodeAsRedisDoes) {
  // A score past 2^52 sets bits above the 26-bit cells: the point is
  // clamped to the limits instead of wrapping.
  const Point far = point_of(std::ldexp(1.0, 60));
  EXPECT_LE(far.longitude, kLongitudeMax);
  EXPECT_LE(far.latitude, kLatitudeMax);
}

}  // namespace
}  // namespace mini_redis::types::geo
