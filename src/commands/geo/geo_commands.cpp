// Geospatial indexes: points on the map kept in a sorted set.
//
//   GEOADD key [NX|XX] [CH] longitude latitude member [lon lat member ...]
//   GEOPOS key member [member ...]       -> [lon, lat] or null per member
//   GEODIST key member1 member2 [M|KM|FT|MI]
//   GEOHASH key member [member ...]      -> an 11-character geohash per member
//
// and the helpers the family shares (geo_commands.h). A geo set is a plain
// sorted set: GEOADD is ZADD with scores computed from the coordinates
// (Redis literally rewrites it into a ZADD), so its keyspace event is
// "zadd", and a member read back gives the centre of its geohash cell, not
// the exact coordinates that were added.
#include "commands/geo/geo_commands.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/sorted_sets/sorted_set_commands.h"
#include "common/ascii.h"
#include "storage/database.h"

namespace mini_redis::commands {

namespace geo = types::geo;

// ---- helpers shared by the family ---------------------------------------------------

std::optional<geo::Point> point_or_reply(Context& ctx, std::string_view longitude,
                                         std::string_view latitude) {
  // getDoubleFromObject is the same reader as ZADD's scores (string2d rules).
  const std::optional<double> x = score_or_reply(ctx, longitude);
  if (!x) return std::nullopt;
  const std::optional<double> y = score_or_reply(ctx, latitude);
  if (!y) return std::nullopt;
  const geo::Point point{*x, *y};
  if (!geo::valid_point(point)) {
    // Redis formats the pair with "%f": six decimals, "inf" for infinity.
    std::array<char, 700> text{};
    std::snprintf(text.data(), text.size(), "ERR invalid longitude,latitude pair %f,%f", *x, *y);
    ctx.reply.error(text.data());
    return std::nullopt;
  }
  return point;
}

std::optional<double> unit_or_reply(Context& ctx, std::string_view unit) {
  if (equals_ignore_case(unit, "m")) return 1.0;
  if (equals_ignore_case(unit, "km")) return 1000.0;
  if (equals_ignore_case(unit, "ft")) return 0.3048;
  if (equals_ignore_case(unit, "mi")) return 1609.34;
  ctx.reply.error("ERR unsupported unit provided. please use M, KM, FT, MI");
  return std::nullopt;
}

void reply_distance(Context& ctx, double distance) {
  std::array<char, 400> text{};
  const int length = std::snprintf(text.data(), text.size(), "%.4f", distance);
  ctx.reply.bulk_string(std::string_view(text.data(), static_cast<std::size_t>(length)));
}

void reply_coordinate(Context& ctx, double value) {
  const std::string text = format_long_double(value);
  if (!ctx.reply.resp3()) {
    ctx.reply.bulk_string(text);
    return;
  }
  // Not double_value(): that one spells the value "%.17g", and Redis
  // sends the same human digits as in RESP2, only typed as a double.
  ctx.reply.raw(",");
  ctx.reply.raw(text);
  ctx.reply.raw("\r\n");
}

namespace {

// ---- GEOADD -------------------------------------------------------------------------------

struct GeoaddOptions {
  bool nx = false;  // only add new members
  bool xx = false;  // only move existing ones
  bool ch = false;  // reply added + moved, not only added
};

// Adds or moves each member, with ZADD's NX/XX/CH rules. Returns the reply.
// `set` is the key's set, or null if the key is missing.
std::int64_t add_points(Context& ctx, std::string_view key, types::SortedSet* set,
                        Arguments triples, const GeoaddOptions& options) {
  if (set == nullptr && !options.xx) set = &ctx.db().add(key, types::SortedSet{});
  const types::SortedSetLimits limits = sorted_set_limits(ctx);
  std::int64_t added = 0;
  std::int64_t moved = 0;
  for (std::size_t i = 0; set != nullptr && i < triples.size(); i += 3) {
    // Validated before the lookup: every pair parses and is in range, so
    // value_or's fallback is never taken.
    const geo::Point point{parse_score(triples[i]).value_or(0.0),
                           parse_score(triples[i + 1]).value_or(0.0)};
    const double score = geo::score_of(point);
    const std::string_view member = triples[i + 2];
    const std::optional<double> current = set->score(member);
    if (!current) {
      if (options.xx) continue;
      set->insert(member, score, limits);
      ++added;
    } else if (!options.nx && *current != score) {
      set->update(member, score);
      ++moved;
    }
  }
  if (added + moved > 0) notify_keyspace_event(ctx, notify::kZset, "zadd", key);
  return options.ch ? added + moved : added;
}

void geoadd_command(Context& ctx, Arguments args) {
  GeoaddOptions options;
  std::size_t first = 2;  // where the first longitude is
  for (; first < args.size(); ++first) {
    if (equals_ignore_case(args[first], "nx")) {
      options.nx = true;
    } else if (equals_ignore_case(args[first], "xx")) {
      options.xx = true;
    } else if (equals_ignore_case(args[first], "ch")) {
      options.ch = true;
    } else {
      break;
    }
  }
  const Arguments triples = args.subspan(first);
  // No triple at all ("GEOADD k ch ch ch") passes this check in Redis, and
  // then fails as the ZADD it becomes has no pairs: a syntax error either way.
  if (triples.empty() || triples.size() % 3 != 0 || (options.nx && options.xx)) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  // Every pair is checked before the key is even looked at: one bad pair
  // and nothing is written, WRONGTYPE or not.
  for (std::size_t i = 0; i < triples.size(); i += 3) {
    if (!point_or_reply(ctx, triples[i], triples[i + 1])) return;
  }
  const FoundSortedSet found = find_sorted_set_for_write(ctx, args[1]);
  if (found.wrong_type) return;
  ctx.reply.integer(add_points(ctx, args[1], found.set, triples, options));
}

// ---- GEOPOS, GEOHASH, GEODIST ---------------------------------------------------------------

// The score of `member`, or nullopt if the set or the member is missing.
std::optional<double> score_in(const types::SortedSet* set, std::string_view member) {
  return set != nullptr ? set->score(member) : std::nullopt;
}

// GEOPOS and GEOHASH: one answer per member, from its score, or a null
// (`null_array` for GEOPOS's missing [lon, lat], *-1 in RESP2).
template <typename ReplyScore>
void reply_per_member(Context& ctx, Arguments args, bool null_array, ReplyScore reply_score) {
  const FoundSortedSet found = find_sorted_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  const Arguments members = args.subspan(2);
  ctx.reply.array_header(members.size());
  for (const std::string_view member : members) {
    const std::optional<double> score = score_in(found.set, member);
    if (score) {
      reply_score(*score);
    } else if (null_array) {
      ctx.reply.null_array();
    } else {
      ctx.reply.null();
    }
  }
}

void geopos_command(Context& ctx, Arguments args) {
  reply_per_member(ctx, args, true, [&ctx](double score) {
    const geo::Point point = geo::point_of(score);
    ctx.reply.array_header(2);
    reply_coordinate(ctx, point.longitude);
    reply_coordinate(ctx, point.latitude);
  });
}

void geohash_command(Context& ctx, Arguments args) {
  reply_per_member(ctx, args, false,
                   [&ctx](double score) { ctx.reply.bulk_string(geo::geohash_string(score)); });
}

// GEODIST key member1 member2 [unit]: the unit is read first, so a bad unit
// is an error even on a missing key; a fifth argument is a syntax error.
void geodist_command(Context& ctx, Arguments args) {
  double to_meters = 1;
  if (args.size() == 5) {
    const std::optional<double> unit = unit_or_reply(ctx, args[4]);
    if (!unit) return;
    to_meters = *unit;
  } else if (args.size() > 5) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  const FoundSortedSet found = find_sorted_set_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  const std::optional<double> first = score_in(found.set, args[2]);
  const std::optional<double> second = score_in(found.set, args[3]);
  if (!first || !second) {
    ctx.reply.null();
    return;
  }
  reply_distance(ctx, geo::distance(geo::point_of(*first), geo::point_of(*second)) / to_meters);
}

}  // namespace

CommandSpec geo_row(std::string name, int arity, std::uint32_t command_flags, Handler handler,
                    SortedSetRowText text, std::vector<ArgumentSpec> arguments_after_key) {
  const bool write = (command_flags & flags::kWrite) != 0;
  if (text.since.empty()) text.since = "3.2.0";
  if (text.acl_categories.empty()) {
    text.acl_categories = write ? "@write @geo @slow" : "@read @geo @slow";
  }
  if (text.key_specs.empty()) text.key_specs = write ? "RW update" : "RO access";
  CommandSpec row = sorted_set_row(std::move(name), arity, command_flags, handler, std::move(text),
                                   std::move(arguments_after_key));
  row.group = "geo";
  return row;
}

void register_geo_commands(CommandTable& table) {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  table.add(geo_row(
      "geoadd", -5, kWrite | kDenyOom, geoadd_command,
      {.summary = "Add one or more geospatial items in the geospatial index represented using a "
                  "sorted set",
       .complexity =
           "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
       .history = {{"6.2.0", "Added the `CH`, `NX` and `XX` options."}}},
      {arg::oneof("condition", {arg::pure_token("nx", "NX"), arg::pure_token("xx", "XX")})
           .since("6.2.0")
           .optional(),
       arg::pure_token("change", "CH").since("6.2.0").optional(),
       arg::block("longitude_latitude_member",
                  {arg::double_("longitude"), arg::double_("latitude"), arg::string("member")})
           .multiple()}));
  table.add(
      geo_row("geodist", -4, kReadonly, geodist_command,
              {.summary = "Returns the distance between two members of a geospatial index",
               .complexity = "O(log(N))"},
              {arg::string("member1"), arg::string("member2"), geo_unit_argument().optional()}));
  table.add(geo_row("geohash", -2, kReadonly, geohash_command,
                    {.summary = "Returns members of a geospatial index as standard geohash strings",
                     .complexity = "O(log(N)) for each member requested, where N is the number of "
                                   "elements in the sorted set."},
                    {arg::string("member").multiple()}));
  table.add(geo_row("geopos", -2, kReadonly, geopos_command,
                    {.summary = "Returns longitude and latitude of members of a geospatial index",
                     .complexity = "O(N) where N is the number of members requested."},
                    {arg::string("member").multiple()}));
  register_geo_search_commands(table);
}

}  // namespace mini_redis::commands
