// Searching a geo set: which members lie inside a circle or a box.
//
//   GEOSEARCH key FROMMEMBER member | FROMLONLAT lon lat
//             BYRADIUS radius unit | BYBOX width height unit
//             [ASC|DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
//   GEOSEARCHSTORE dst src ...the same... [STOREDIST]
//   GEORADIUS key lon lat radius unit [options] [STORE dst] [STOREDIST dst]
//   GEORADIUSBYMEMBER key member radius unit [options] [STORE|STOREDIST dst]
//   GEORADIUS_RO, GEORADIUSBYMEMBER_RO   the same without STORE
//
// As in Redis (georadiusGeneric), the six commands are one function: the
// older ones fix the centre and the shape in their first arguments, the
// GEOSEARCH pair reads them as options. The search itself walks up to nine
// score ranges of the set (types/geohash.h, search_area) and keeps the
// members whose distance from the centre fits the shape.
//
// The order of an unsorted reply is the order of that walk: box by box,
// each box by score. ASC/DESC sort by distance, ties keeping walk order
// (glibc's qsort, which Redis calls, is a stable merge sort), except when
// COUNT keeps fewer than were found: Redis then sorts that slice only, with
// its partial quicksort, and so do we (keys/partial_quicksort.h). COUNT without
// ASC/DESC sorts ascending, since "the 3 closest" needs a sort; COUNT ANY
// stops at the first `count` members found instead and does not sort.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/core/arguments.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/server_delete.h"
#include "commands/geo/geo_commands.h"
#include "commands/keys/partial_quicksort.h"
#include "commands/sorted_sets/sorted_set_commands.h"
#include "common/ascii.h"
#include "storage/database.h"

namespace mini_redis::commands {

namespace {

namespace geo = types::geo;

// What the command name fixes (Redis's RADIUS_* and GEOSEARCH* flags).
struct Flavor {
  bool center_from_args = false;  // GEORADIUS: lon lat radius unit
  bool member_from_args = false;  // GEORADIUSBYMEMBER: member radius unit
  bool no_store = false;          // the _RO forms
  bool geosearch = false;         // GEOSEARCH and GEOSEARCHSTORE
  bool geosearch_store = false;   // GEOSEARCHSTORE: dst first, STOREDIST a flag
  std::size_t source_index = 1;   // where the searched key is
};

enum class Order : std::uint8_t { none, ascending, descending };

struct SearchRequest {
  geo::Shape shape;
  bool with_dist = false;
  bool with_hash = false;
  bool with_coord = false;
  bool any = false;
  Order order = Order::none;
  std::int64_t count = 0;  // 0: no COUNT
  std::optional<std::string_view> store_key;
  bool store_dist = false;
  bool from_member = false;
  bool from_lonlat = false;
  bool by_radius = false;
  bool by_box = false;
};

// One member found inside the shape.
struct Found {
  std::string member;
  double score = 0;
  double distance = 0;  // meters until the reply divides it by the unit
  geo::Point point;
};

// The centre of a search around `member`; replies Redis's error if absent.
bool center_from_member(Context& ctx, const types::SortedSet& set, std::string_view member,
                        geo::Shape& shape) {
  const std::optional<double> score = set.score(member);
  if (!score) {
    ctx.reply.error("ERR could not decode requested zset member");
    return false;
  }
  shape.center = geo::point_of(*score);
  return true;
}

// A float argument of a shape, with the shape's own error text.
std::optional<double> number_or_reply(Context& ctx, std::string_view text, std::string_view error) {
  const std::optional<double> number = parse_score(text);
  if (!number) ctx.reply.error(error);
  return number;
}

// BYRADIUS's "radius unit" (extractDistanceOrReply).
bool read_radius(Context& ctx, const std::string_view* words, geo::Shape& shape) {
  const std::optional<double> radius = number_or_reply(ctx, words[0], "ERR need numeric radius");
  if (!radius) return false;
  if (*radius < 0) {
    ctx.reply.error("ERR radius cannot be negative");
    return false;
  }
  const std::optional<double> unit = unit_or_reply(ctx, words[1]);
  if (!unit) return false;
  shape = {.kind = geo::Shape::Kind::circle,
           .center = shape.center,
           .radius = *radius,
           .to_meters = *unit};
  return true;
}

// BYBOX's "width height unit" (extractBoxOrReply).
bool read_box(Context& ctx, const std::string_view* words, geo::Shape& shape) {
  const std::optional<double> width = number_or_reply(ctx, words[0], "ERR need numeric width");
  if (!width) return false;
  const std::optional<double> height = number_or_reply(ctx, words[1], "ERR need numeric height");
  if (!height) return false;
  if (*height < 0 || *width < 0) {
    ctx.reply.error("ERR height or width cannot be negative");
    return false;
  }
  const std::optional<double> unit = unit_or_reply(ctx, words[2]);
  if (!unit) return false;
  shape = {.kind = geo::Shape::Kind::box,
           .center = shape.center,
           .width = *width,
           .height = *height,
           .to_meters = *unit};
  return true;
}

// The centre from FROMLONLAT's two words.
bool read_lonlat(Context& ctx, const std::string_view* words, geo::Shape& shape) {
  const std::optional<geo::Point> point = point_or_reply(ctx, words[0], words[1]);
  if (point) shape.center = *point;
  return point.has_value();
}

// GEOSEARCH's own words: where from (FROMMEMBER | FROMLONLAT) and what
// shape (BYRADIUS | BYBOX), each with the words after it (`next`, `left`
// of them); a second word of the other kind is a syntax error, the same
// kind again replaces the first. As read_option below returns.
std::optional<std::size_t> read_search_option(Context& ctx, std::string_view word,
                                              const std::string_view* next, std::size_t left,
                                              const types::SortedSet* set, SearchRequest& request) {
  if (!request.from_lonlat && left >= 1 && equals_ignore_case(word, "frommember")) {
    // On a missing key there is no member to find: the reply will be empty.
    if (set != nullptr && !center_from_member(ctx, *set, next[0], request.shape)) {
      return std::nullopt;
    }
    request.from_member = true;
    return 1;
  }
  if (!request.from_member && left >= 2 && equals_ignore_case(word, "fromlonlat")) {
    if (!read_lonlat(ctx, next, request.shape)) return std::nullopt;
    request.from_lonlat = true;
    return 2;
  }
  if (!request.by_box && left >= 2 && equals_ignore_case(word, "byradius")) {
    if (!read_radius(ctx, next, request.shape)) return std::nullopt;
    request.by_radius = true;
    return 2;
  }
  if (!request.by_radius && left >= 3 && equals_ignore_case(word, "bybox")) {
    if (!read_box(ctx, next, request.shape)) return std::nullopt;
    request.by_box = true;
    return 3;
  }
  ctx.reply.error(errors::kSyntax);
  return std::nullopt;
}

// One option word at args[i] of a request; `left` words follow it. Returns
// how many words it consumed after itself, or nullopt after an error reply.
// The conditions are Redis's, including the quirks: STORE needs a word
// after it (else it is a syntax error), FROMMEMBER on a missing key is
// accepted without a lookup, and a second FROMMEMBER replaces the first.
std::optional<std::size_t> read_option(Context& ctx, Arguments args, std::size_t i,
                                       const Flavor& flavor, const types::SortedSet* set,
                                       SearchRequest& request) {
  const std::string_view word = args[i];
  const std::size_t left = args.size() - i - 1;
  const std::string_view* next = args.data() + i + 1;
  const bool can_store = !flavor.no_store && !flavor.geosearch;
  if (equals_ignore_case(word, "withdist")) {
    request.with_dist = true;
  } else if (equals_ignore_case(word, "withhash")) {
    request.with_hash = true;
  } else if (equals_ignore_case(word, "withcoord")) {
    request.with_coord = true;
  } else if (equals_ignore_case(word, "any")) {
    request.any = true;
  } else if (equals_ignore_case(word, "asc")) {
    request.order = Order::ascending;
  } else if (equals_ignore_case(word, "desc")) {
    request.order = Order::descending;
  } else if (equals_ignore_case(word, "count") && left >= 1) {
    const std::optional<std::int64_t> count = integer_or_reply(ctx, next[0]);
    if (!count) return std::nullopt;
    if (*count <= 0) {
      ctx.reply.error("ERR COUNT must be > 0");
      return std::nullopt;
    }
    request.count = *count;
    return 1;
  } else if (can_store && left >= 1 &&
             (equals_ignore_case(word, "store") || equals_ignore_case(word, "storedist"))) {
    request.store_key = next[0];
    request.store_dist = equals_ignore_case(word, "storedist");
    return 1;
  } else if (flavor.geosearch_store && equals_ignore_case(word, "storedist")) {
    request.store_dist = true;
  } else if (flavor.geosearch) {
    return read_search_option(ctx, word, next, left, set, request);
  } else {
    ctx.reply.error(errors::kSyntax);
    return std::nullopt;
  }
  return 0;
}

// The checks Redis makes once every option is read, in its order.
bool request_consistent(Context& ctx, Arguments args, const Flavor& flavor,
                        const SearchRequest& request) {
  if (request.store_key && (request.with_dist || request.with_hash || request.with_coord)) {
    ctx.reply.error(flavor.geosearch_store
                        ? "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and "
                          "WITHCOORD options"
                        : "ERR STORE option in GEORADIUS is not compatible with WITHDIST, "
                          "WITHHASH and WITHCOORD options");
    return false;
  }
  // These two name the command as the client spelled it ("GEOSEARCH").
  if (flavor.geosearch && !request.from_member && !request.from_lonlat) {
    ctx.reply.error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " +
                    std::string(args[0]));
    return false;
  }
  if (flavor.geosearch && !request.by_radius && !request.by_box) {
    ctx.reply.error("ERR exactly one of BYRADIUS and BYBOX can be specified for " +
                    std::string(args[0]));
    return false;
  }
  if (request.any && request.count == 0) {
    ctx.reply.error("ERR the ANY argument requires COUNT argument");
    return false;
  }
  return true;
}

// Steps 1 and 2: the fixed arguments of GEORADIUS(BYMEMBER), then the
// options. Replies and returns nothing on the first error.
std::optional<SearchRequest> parse_request(Context& ctx, Arguments args, const Flavor& flavor,
                                           const types::SortedSet* set) {
  SearchRequest request;
  std::size_t options_at = flavor.source_index + 1;
  if (flavor.center_from_args) {
    if (!read_lonlat(ctx, args.data() + 2, request.shape)) return std::nullopt;
    if (!read_radius(ctx, args.data() + 4, request.shape)) return std::nullopt;
    options_at = 6;
  } else if (flavor.member_from_args) {
    options_at = 5;
    // Without a set there is no member to find, and Redis does not read
    // the radius either: the reply will be empty whatever it says.
    if (set != nullptr) {
      if (!center_from_member(ctx, *set, args[2], request.shape)) return std::nullopt;
      if (!read_radius(ctx, args.data() + 3, request.shape)) return std::nullopt;
    }
  } else if (flavor.geosearch_store) {
    request.store_key = args[1];
  }
  for (std::size_t i = options_at; i < args.size(); ++i) {
    const std::optional<std::size_t> consumed = read_option(ctx, args, i, flavor, set, request);
    if (!consumed) return std::nullopt;
    i += *consumed;
  }
  if (!request_consistent(ctx, args, flavor, request)) return std::nullopt;
  return request;
}

// Step 3: the members inside the shape, in walk order (see the top of the
// file); at most `limit` of them if limit > 0 (COUNT ... ANY).
std::vector<Found> members_inside(const types::SortedSet& set, const geo::Shape& shape,
                                  std::size_t limit) {
  const geo::SearchArea area = geo::search_area(shape);
  std::vector<Found> found;
  const auto full = [&] { return limit > 0 && found.size() >= limit; };
  std::size_t last_walked = 0;
  for (std::size_t i = 0; i < area.boxes.size(); ++i) {
    const geo::HashBits box = area.boxes[i];
    if (box.is_none()) continue;
    // With a huge radius neighbours can be the same box; Redis skips a box
    // equal to the last one walked (never comparing with the centre box,
    // which its "last walked" index 0 cannot tell from "none yet").
    if (last_walked != 0 && box == area.boxes[last_walked]) continue;
    if (full()) break;
    const geo::ScoreSpan span = geo::scores_of(box);
    const types::RankInterval ranks =
        set.ranks_in(types::ScoreRange{.min = span.first, .max = span.last, .max_exclusive = true});
    set.visit_ranks(ranks.begin, ranks.end, false, [&](std::string_view member, double score) {
      if (full()) return;
      const geo::Point point = geo::point_of(score);
      const std::optional<double> distance = geo::distance_if_inside(shape, point);
      if (distance) found.push_back({std::string(member), score, *distance, point});
    });
    last_walked = i;
  }
  return found;
}

// Step 4, without STORE: each member, or [member, dist, hash, [lon, lat]]
// with only the parts asked for, in that order.
void reply_found(Context& ctx, const SearchRequest& request, std::span<const Found> found) {
  const std::size_t extras =
      (request.with_dist ? 1 : 0) + (request.with_hash ? 1 : 0) + (request.with_coord ? 1 : 0);
  ctx.reply.array_header(found.size());
  for (const Found& item : found) {
    if (extras > 0) ctx.reply.array_header(extras + 1);
    ctx.reply.bulk_string(item.member);
    if (request.with_dist) reply_distance(ctx, item.distance / request.shape.to_meters);
    if (request.with_hash) ctx.reply.integer(static_cast<std::int64_t>(item.score));
    if (request.with_coord) {
      ctx.reply.array_header(2);
      reply_coordinate(ctx, item.point.longitude);
      reply_coordinate(ctx, item.point.latitude);
    }
  }
}

// Step 4 with STORE: the members become a sorted set at the destination,
// scored by geohash or, STOREDIST, by distance in the unit asked; none
// found deletes the destination. Replies how many were stored.
void store_found(Context& ctx, const SearchRequest& request, std::span<const Found> found,
                 std::string_view event) {
  // Called only for STORE requests, which have a key.
  const std::string_view destination = request.store_key.value_or(std::string_view());
  storage::Database& db = ctx.db();
  if (found.empty()) {
    if (delete_by_server(ctx, destination))
      notify_keyspace_event(ctx, notify::kGeneric, "del", destination);
    ctx.reply.integer(0);
    return;
  }
  // Redis builds a skiplist and converts it to a listpack if it fits; the
  // encoding comes out the same when chosen up front from the same sizes.
  std::size_t longest = 0;
  for (const Found& item : found) longest = std::max(longest, item.member.size());
  const types::SortedSetLimits limits = sorted_set_limits(ctx);
  types::SortedSet result = empty_result_set(found.size(), longest, limits);
  for (const Found& item : found) {
    const double score = request.store_dist ? item.distance / request.shape.to_meters : item.score;
    result.insert(item.member, score, limits);
  }
  db.overwrite(destination, std::move(result));
  notify_keyspace_event(ctx, notify::kZset, event, destination);
  ctx.reply.integer(static_cast<std::int64_t>(found.size()));
}

// An absent source: an empty reply, or with STORE, the destination deleted.
void reply_missing_source(Context& ctx, const SearchRequest& request) {
  if (!request.store_key) {
    ctx.reply.array_header(0);
    return;
  }
  if (ctx.db().erase(*request.store_key)) {
    notify_keyspace_event(ctx, notify::kGeneric, "del", *request.store_key);
  }
  ctx.reply.integer(0);
}

// ASC or DESC by distance, then COUNT. As in Redis: a full sort when every
// member found is returned (glibc's qsort: stable), else the partial
// quicksort Redis uses for a slice, which places ties its own way.
void sort_found(const SearchRequest& request, std::vector<Found>& found) {
  const std::size_t count = request.count > 0
                                ? std::min(found.size(), static_cast<std::size_t>(request.count))
                                : found.size();
  if (request.order != Order::none && count > 0) {
    const int sign = request.order == Order::descending ? -1 : 1;
    const auto compare = [sign](const Found& a, const Found& b) {
      return sign * (a.distance > b.distance ? 1 : (a.distance == b.distance ? 0 : -1));
    };
    if (count == found.size()) {
      std::stable_sort(found.begin(), found.end(),
                       [&compare](const Found& a, const Found& b) { return compare(a, b) < 0; });
    } else {
      partial_quicksort(std::span<Found>(found), 0, count - 1, compare);
    }
  }
  found.resize(count);
}

// georadiusGeneric.
void search_generic(Context& ctx, Arguments args, const Flavor& flavor) {
  // The key is looked up (and its type checked) before any argument is read.
  const FoundSortedSet source = find_sorted_set_for_read(ctx, args[flavor.source_index]);
  if (source.wrong_type) return;
  std::optional<SearchRequest> request = parse_request(ctx, args, flavor, source.set);
  if (!request) return;
  if (source.set == nullptr) {
    reply_missing_source(ctx, *request);
    return;
  }
  if (request->count > 0 && request->order == Order::none && !request->any) {
    request->order = Order::ascending;
  }
  const auto limit = request->any ? static_cast<std::size_t>(request->count) : 0;
  std::vector<Found> found = members_inside(*source.set, request->shape, limit);
  sort_found(*request, found);
  if (request->store_key) {
    store_found(ctx, *request, found, flavor.geosearch ? "geosearchstore" : "georadiusstore");
  } else {
    reply_found(ctx, *request, found);
  }
}

void georadius_command(Context& ctx, Arguments args) {
  search_generic(ctx, args, {.center_from_args = true});
}
void georadius_ro_command(Context& ctx, Arguments args) {
  search_generic(ctx, args, {.center_from_args = true, .no_store = true});
}
void georadiusbymember_command(Context& ctx, Arguments args) {
  search_generic(ctx, args, {.member_from_args = true});
}
void georadiusbymember_ro_command(Context& ctx, Arguments args) {
  search_generic(ctx, args, {.member_from_args = true, .no_store = true});
}
void geosearch_command(Context& ctx, Arguments args) {
  search_generic(ctx, args, {.geosearch = true});
}
void geosearchstore_command(Context& ctx, Arguments args) {
  search_generic(ctx, args, {.geosearch = true, .geosearch_store = true, .source_index = 2});
}

}  // namespace

void register_geo_search_commands(CommandTable& table) {
  register_geo_search_rows(
      table, {georadius_command, georadius_ro_command, georadiusbymember_command,
              georadiusbymember_ro_command, geosearch_command, geosearchstore_command});
}

}  // namespace mini_redis::commands
