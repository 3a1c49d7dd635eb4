// The command table rows of the six geo searches: data, as COMMAND INFO and
// COMMAND DOCS show them (Redis 7.0's json files for GEORADIUS & co.).
//
// What the rows cannot say yet: GEORADIUS and GEORADIUSBYMEMBER find their
// STORE/STOREDIST destination with a "keyword" key spec, which
// command_docs.cpp does not model, so COMMAND INFO lists only their source
// key spec (and ACL checks only the source key).
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/geo/geo_commands.h"

namespace mini_redis::commands {

ArgumentSpec geo_unit_argument() {
  return arg::oneof("unit", {arg::pure_token("m", "M"), arg::pure_token("km", "KM"),
                             arg::pure_token("ft", "FT"), arg::pure_token("mi", "MI")});
}

namespace {

ArgumentSpec order_argument() {
  return arg::oneof("order", {arg::pure_token("asc", "ASC"), arg::pure_token("desc", "DESC")})
      .optional();
}

ArgumentSpec count_argument(std::string_view any_since) {
  ArgumentSpec any = arg::pure_token("any", "ANY").optional();
  if (!any_since.empty()) any = std::move(any).since(any_since);
  return {.name = "count",
          .type = ArgumentType::block,
          .flags = ArgumentSpec::kOptional,
          .arguments = {arg::integer("count").token("COUNT"), std::move(any)}};
}

// GEOSEARCH's FROMMEMBER | FROMLONLAT and BYRADIUS | BYBOX, then ASC|DESC
// and COUNT.
std::vector<ArgumentSpec> search_arguments() {
  return {arg::oneof("from", {arg::string("member").token("FROMMEMBER"),
                              arg::block("longitude_latitude",
                                         {arg::double_("longitude"), arg::double_("latitude")})
                                  .token("FROMLONLAT")}),
          arg::oneof("by", {arg::block("circle", {arg::double_("radius").token("BYRADIUS"),
                                                  geo_unit_argument()}),
                            arg::block("box", {arg::double_("width").token("BYBOX"),
                                               arg::double_("height"), geo_unit_argument()})}),
          order_argument(), count_argument("")};
}

void add_with_options(std::vector<ArgumentSpec>& arguments) {
  arguments.push_back(arg::pure_token("withcoord", "WITHCOORD").optional());
  arguments.push_back(arg::pure_token("withdist", "WITHDIST").optional());
  arguments.push_back(arg::pure_token("withhash", "WITHHASH").optional());
}

constexpr std::string_view kRadiusComplexity =
    "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area "
    "delimited by center and radius and M is the number of items inside the index.";
constexpr std::string_view kSearchComplexity =
    "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around "
    "the shape provided as the filter and M is the number of items inside the shape";

// A GEORADIUS-style row (arity -6 with lon lat, -5 with a member): key,
// then `center` (lon lat, or member), radius, unit, the WITH* words, COUNT,
// ASC|DESC and, unless read-only, STORE and STOREDIST. Deprecated in 6.2.
CommandSpec radius_row(std::string name, int arity, Handler handler, bool read_only,
                       std::vector<ArgumentSpec> arguments, SortedSetRowText text) {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  arguments.push_back(arg::double_("radius"));
  arguments.push_back(geo_unit_argument());
  add_with_options(arguments);
  // Only the GEORADIUS docs date ANY; GEORADIUSBYMEMBER's do not.
  arguments.push_back(count_argument(arity == -6 ? "6.2.0" : ""));
  arguments.push_back(order_argument());
  if (!read_only) {
    arguments.push_back(arg::key("key", 1).token("STORE").optional());
    arguments.push_back(arg::key("key", 2).token("STOREDIST").optional());
  }
  text.complexity = kRadiusComplexity;
  text.key_specs = "RO access";
  text.deprecated_since = "6.2.0";
  // The write forms may write (STORE), hence "write", and their keys move.
  const std::uint32_t row_flags = read_only ? kReadonly : kWrite | kDenyOom | kMovableKeys;
  CommandSpec row =
      geo_row(std::move(name), arity, row_flags, handler, std::move(text), std::move(arguments));
  if (!read_only) {
    // The STORE and STOREDIST destinations are keys too, written over
    // ("OW update"), and the ACL check must see them: Redis finds each with
    // a "keyword" key spec, searching from the first argument after the
    // unit (argument 6 of GEORADIUS, 5 of GEORADIUSBYMEMBER, i.e. -arity).
    row.extra_key_specs = {{.flags = "OW update", .keyword = "STORE", .startfrom = -arity},
                           {.flags = "OW update", .keyword = "STOREDIST", .startfrom = -arity}};
  }
  return row;
}

void register_radius_rows(CommandTable& table, const GeoSearchHandlers& handlers) {
  const auto lonlat = [] {
    return std::vector<ArgumentSpec>{arg::double_("longitude"), arg::double_("latitude")};
  };
  const auto member = [] { return std::vector<ArgumentSpec>{arg::string("member")}; };
  table.add(radius_row(
      "georadius", -6, handlers.georadius, false, lonlat(),
      {.summary = "Query a sorted set representing a geospatial index to fetch members matching "
                  "a given maximum distance from a point",
       .history = {{"6.2.0", "Added the `ANY` option for `COUNT`."},
                   {"7.0.0", "Added support for uppercase unit names."}},
       .replaced_by = "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument"}));
  table.add(radius_row("georadius_ro", -6, handlers.georadius_ro, true, lonlat(),
                       {.summary = "A read-only variant for GEORADIUS",
                        .since = "3.2.10",
                        .history = {{"6.2.0", "Added the `ANY` option for `COUNT`."}},
                        .replaced_by = "`GEOSEARCH` with the `BYRADIUS` argument"}));
  table.add(radius_row(
      "georadiusbymember", -5, handlers.georadiusbymember, false, member(),
      {.summary = "Query a sorted set representing a geospatial index to fetch members matching "
                  "a given maximum distance from a member",
       .history = {{"7.0.0", "Added support for uppercase unit names."}},
       .replaced_by =
           "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments"}));
  table.add(
      radius_row("georadiusbymember_ro", -5, handlers.georadiusbymember_ro, true, member(),
                 {.summary = "A read-only variant for GEORADIUSBYMEMBER",
                  .since = "3.2.10",
                  .replaced_by = "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments"}));
}

}  // namespace

void register_geo_search_rows(CommandTable& table, const GeoSearchHandlers& handlers) {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  register_radius_rows(table, handlers);
  const std::vector<HistoryEntry> history = {{"7.0.0", "Added support for uppercase unit names."}};

  std::vector<ArgumentSpec> arguments = search_arguments();
  add_with_options(arguments);
  table.add(geo_row("geosearch", -7, kReadonly, handlers.geosearch,
                    {.summary = "Query a sorted set representing a geospatial index to fetch "
                                "members inside an area of a box or a circle.",
                     .since = "6.2.0",
                     .complexity = kSearchComplexity,
                     .history = history},
                    std::move(arguments)));

  // GEOSEARCHSTORE destination source ...: two keys, the first written.
  arguments = search_arguments();
  arguments.insert(arguments.begin(), arg::key("source", 1));
  arguments.push_back(arg::pure_token("storedist", "STOREDIST").optional());
  CommandSpec store = geo_row(
      "geosearchstore", -8, kWrite | kDenyOom, handlers.geosearchstore,
      {.summary = "Query a sorted set representing a geospatial index to fetch members inside an "
                  "area of a box or a circle, and store the result in another key.",
       .since = "6.2.0",
       .complexity = kSearchComplexity,
       .key_specs = "OW update|RO access",
       .history = history},
      std::move(arguments));
  store.last_key = 2;
  store.arguments.front() = arg::key("destination", 0);
  table.add(std::move(store));
}

}  // namespace mini_redis::commands
