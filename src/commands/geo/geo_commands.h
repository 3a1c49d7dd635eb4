// Helpers shared by the geospatial commands. Internal to commands/geo/.
//
// A geo set is an ordinary sorted set whose scores are 52-bit geohashes
// (types/geohash.h explains the encoding): GEOADD writes ZADD-style, and
// ZRANGE, ZREM or ZCARD work on a geo set as on any sorted set. The family
// is split by job:
//   geo_commands.cpp   GEOADD, GEOPOS, GEODIST, GEOHASH; these helpers;
//                      register_geo_commands()
//   geo_search.cpp     GEOSEARCH, GEOSEARCHSTORE and the older GEORADIUS,
//                      GEORADIUSBYMEMBER and their _RO forms
//   geo_rows.cpp       the COMMAND DOCS rows of those six
// The reply formats are Redis 7.0's (geo.c): distances as bulk strings with
// four decimals, coordinates in Redis's "human" long double format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/command_table.h"
#include "commands/core/context.h"
#include "commands/sorted_sets/sorted_set_commands.h"
#include "types/geohash.h"

namespace mini_redis::commands {

void register_geo_search_commands(CommandTable& table);

// The six search commands' handlers, for their rows (geo_rows.cpp).
struct GeoSearchHandlers {
  Handler georadius;
  Handler georadius_ro;
  Handler georadiusbymember;
  Handler georadiusbymember_ro;
  Handler geosearch;
  Handler geosearchstore;
};
void register_geo_search_rows(CommandTable& table, const GeoSearchHandlers& handlers);

// A geo command's row: a sorted set row (key at position 1, then
// `arguments_after_key`) in group "geo". Left empty in `text`, the version
// is 3.2.0, the ACL categories "@read @geo @slow" or, for a write,
// "@write @geo @slow", and the key spec "RO access" or "RW update".
CommandSpec geo_row(std::string name, int arity, std::uint32_t command_flags, Handler handler,
                    SortedSetRowText text, std::vector<ArgumentSpec> arguments_after_key);

// The M | KM | FT | MI choice, as COMMAND DOCS lists it (geo_rows.cpp).
ArgumentSpec geo_unit_argument();

// Two arguments as longitude and latitude (extractLongLatOrReply): each a
// float ("ERR value is not a valid float"), the pair within the indexable
// limits, else "ERR invalid longitude,latitude pair 200.000000,100.000000".
std::optional<types::geo::Point> point_or_reply(Context& ctx, std::string_view longitude,
                                                std::string_view latitude);

// A unit word, in any case: how many meters it is (m 1, km 1000, ft 0.3048,
// mi 1609.34), else "ERR unsupported unit provided. please use M, KM, FT, MI".
std::optional<double> unit_or_reply(Context& ctx, std::string_view unit);

// A distance reply: a bulk string with four decimals ("166.2742"), in RESP3
// too (Redis's addReplyDoubleDistance).
void reply_distance(Context& ctx, double distance);

// A coordinate reply: "%.17Lf" with the trailing zeros dropped
// ("13.36138933897018433"), a bulk string in RESP2 and a double in RESP3
// (Redis's addReplyHumanLongDouble).
void reply_coordinate(Context& ctx, double value);

}  // namespace mini_redis::commands
