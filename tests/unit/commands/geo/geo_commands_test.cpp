// The geo commands through the dispatcher. Every expected reply was read
// from Redis 7.0.15 (tests/diff/cases/geo.txt compares them on the wire).
#include <gtest/gtest.h>

#include <string>

#include "unit/support/command_harness.h"

namespace mini_redis::testing {
namespace {

class GeoCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(h.run({"GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669",
                     "Catania"}),
              ":2\r\n");
  }
  CommandHarness h;
};

TEST_F(GeoCommands, GeoaddStoresRedisGeohashScores) {
  EXPECT_EQ(h.run({"ZSCORE", "g", "Palermo"}), "$16\r\n3479099956230698\r\n");
  EXPECT_EQ(h.run({"ZSCORE", "g", "Catania"}), "$16\r\n3479447370796909\r\n");
  EXPECT_EQ(h.run({"OBJECT", "ENCODING", "g"}), "$8\r\nlistpack\r\n");
}

TEST_F(GeoCommands, GeoaddOptionsFollowZadd) {
  EXPECT_EQ(h.run({"GEOADD", "g", "NX", "1", "1", "Palermo", "2", "2", "new"}), ":1\r\n");
  EXPECT_EQ(h.run({"ZSCORE", "g", "Palermo"}), "$16\r\n3479099956230698\r\n");
  EXPECT_EQ(h.run({"GEOADD", "g", "XX", "CH", "1", "1", "Palermo", "3", "3", "absent"}), ":1\r\n");
  EXPECT_EQ(h.run({"ZSCORE", "g", "absent"}), "$-1\r\n");
  EXPECT_EQ(h.run({"GEOADD", "g", "CH", "1", "1", "Palermo"}), ":0\r\n");  // same place
  EXPECT_EQ(h.run({"GEOADD", "missing", "XX", "1", "1", "a"}), ":0\r\n");
  EXPECT_EQ(h.run({"EXISTS", "missing"}), ":0\r\n");
}

TEST_F(GeoCommands, GeoaddRefusesBadPairsBeforeWriting) {
  EXPECT_EQ(h.run({"GEOADD", "g", "1", "1", "a", "200", "100", "b"}),
            "-ERR invalid longitude,latitude pair 200.000000,100.000000\r\n");
  EXPECT_EQ(h.run({"ZSCORE", "g", "a"}), "$-1\r\n");
  EXPECT_EQ(h.run({"GEOADD", "g", "abc", "1", "a"}), "-ERR value is not a valid float\r\n");
  EXPECT_EQ(h.run({"GEOADD", "g", "NX", "XX", "1", "1", "a"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"GEOADD", "g", "1", "1", "a", "2"}), "-ERR syntax error\r\n");
  h.run({"SET", "s", "v"});
  EXPECT_EQ(h.run({"GEOADD", "s", "200", "1", "a"}),
            "-ERR invalid longitude,latitude pair 200.000000,1.000000\r\n");
  EXPECT_EQ(h.run({"GEOADD", "s", "1", "1", "a"}),
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

TEST_F(GeoCommands, GeoposPrintsHumanCoordinates) {
  EXPECT_EQ(h.run({"GEOPOS", "g", "Palermo", "nope"}),
            "*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n");
  EXPECT_EQ(h.run({"GEOPOS", "missing", "a"}), "*1\r\n*-1\r\n");
  h.run({"HELLO", "3"});
  EXPECT_EQ(h.run({"GEOPOS", "g", "Palermo", "nope"}),
            "*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n");
}

TEST_F(GeoCommands, GeodistAndGeohash) {
  EXPECT_EQ(h.run({"GEODIST", "g", "Palermo", "Catania"}), "$11\r\n166274.1516\r\n");
  EXPECT_EQ(h.run({"GEODIST", "g", "Palermo", "Catania", "KM"}), "$8\r\n166.2742\r\n");
  EXPECT_EQ(h.run({"GEODIST", "g", "Palermo", "nope"}), "$-1\r\n");
  EXPECT_EQ(h.run({"GEODIST", "g", "Palermo", "Catania", "yd"}),
            "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n");
  EXPECT_EQ(h.run({"GEODIST", "g", "a", "b", "km", "x"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.run({"GEOHASH", "g", "Palermo", "nope"}), "*2\r\n$11\r\nsqc8b49rny0\r\n$-1\r\n");
}

TEST_F(GeoCommands, GeosearchSortsAndDecorates) {
  EXPECT_EQ(
      h.run(
          {"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC", "WITHDIST"}),
      "*2\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n");
  EXPECT_EQ(h.run({"GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYBOX", "400", "400", "km", "DESC",
                   "COUNT", "1", "WITHHASH"}),
            "*1\r\n*2\r\n$7\r\nCatania\r\n:3479447370796909\r\n");
  EXPECT_EQ(h.run({"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "100", "km"}),
            "*1\r\n$7\r\nCatania\r\n");
}

TEST_F(GeoCommands, GeosearchErrorsComeInRedisOrder) {
  EXPECT_EQ(h.run({"GEOSEARCH", "g", "BYBOX", "4", "4", "km", "ASC"}),
            "-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH\r\n");
  EXPECT_EQ(h.run({"geosearch", "g", "FROMLONLAT", "1", "1", "ASC", "WITHDIST"}),
            "-ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch\r\n");
  EXPECT_EQ(h.run({"GEOSEARCH", "g", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "ANY"}),
            "-ERR the ANY argument requires COUNT argument\r\n");
  EXPECT_EQ(h.run({"GEOSEARCH", "g", "FROMMEMBER", "nope", "BYRADIUS", "1", "km"}),
            "-ERR could not decode requested zset member\r\n");
  EXPECT_EQ(h.run({"GEOSEARCH", "missing", "FROMMEMBER", "nope", "BYRADIUS", "1", "km"}), "*0\r\n");
  EXPECT_EQ(h.run({"GEORADIUS_RO", "g", "15", "37", "200", "km", "STORE", "d"}),
            "-ERR syntax error\r\n");
}

TEST_F(GeoCommands, StoreFormsWriteASortedSet) {
  EXPECT_EQ(h.run({"GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km",
                   "STOREDIST"}),
            ":2\r\n");
  EXPECT_EQ(h.run({"ZRANGE", "d", "0", "-1", "WITHSCORES"}),
            "*4\r\n$7\r\nCatania\r\n$18\r\n56.441257870158204\r\n$7\r\nPalermo\r\n$18\r\n"
            "190.44242984775784\r\n");
  EXPECT_EQ(h.run({"GEORADIUS", "g", "15", "37", "200", "km", "COUNT", "1", "STORE", "d"}),
            ":1\r\n");
  EXPECT_EQ(h.run({"ZRANGE", "d", "0", "-1", "WITHSCORES"}),
            "*2\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n");
  EXPECT_EQ(h.run({"GEORADIUSBYMEMBER", "missing", "x", "1", "km", "STORE", "d"}), ":0\r\n");
  EXPECT_EQ(h.run({"EXISTS", "d"}), ":0\r\n");
}

// The STORE and STOREDIST destinations are keys, found by Redis's
// "keyword" key specs: the first STORE (and the first STOREDIST) after the
// unit, never the last argument.
TEST_F(GeoCommands, StoreDestinationsAreKeys) {
  EXPECT_EQ(
      h.run({"COMMAND", "GETKEYSANDFLAGS", "GEORADIUS", "g", "15", "37", "200", "km", "STORE", "a",
             "STORE", "b", "STOREDIST", "c"}),
      "*3\r\n*2\r\n$1\r\ng\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n"
      "*2\r\n$1\r\nc\r\n*2\r\n+OW\r\n+update\r\n");
  EXPECT_EQ(h.run({"COMMAND", "GETKEYS", "GEORADIUSBYMEMBER", "g", "Palermo", "1", "km",
                   "STOREDIST", "d"}),
            "*2\r\n$1\r\ng\r\n$1\r\nd\r\n");
  // A STORE at the end has no key after it; before the options it is the unit.
  EXPECT_EQ(h.run({"COMMAND", "GETKEYS", "GEORADIUS", "g", "15", "37", "200", "km", "STORE"}),
            "*1\r\n$1\r\ng\r\n");
  EXPECT_EQ(h.run({"COMMAND", "GETKEYS", "GEORADIUS", "g", "15", "37", "200", "STORE", "x"}),
            "*1\r\n$1\r\ng\r\n");
  // The read-only forms take no STORE at all.
  EXPECT_EQ(
      h.run({"COMMAND", "GETKEYS", "GEORADIUS_RO", "g", "15", "37", "200", "km", "STORE", "x"}),
      "*1\r\n$1\r\ng\r\n");
}

}  // namespace
}  // namespace mini_redis::testing
