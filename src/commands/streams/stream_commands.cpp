// Streams: an append-only log of small field/value entries, each named by a
// StreamID (XADD events * user alice action login).
//
// This file has the commands that add and remove entries and count them:
//
//   XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]]
//        *|id field value [field value ...]          -> the new entry's ID
//   XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] -> entries removed
//   XLEN key                                         -> live entries
//   XDEL key id [id ...]                             -> entries removed
//
// Unlike a list or a hash, a stream stays when it is emptied (XDEL of the
// last entry, XTRIM MAXLEN 0): its last ID must survive, so that later IDs
// keep growing. Only DEL removes the key.
//
// The data (nodes, trimming, the ID rules) lives in types/stream.h; here we
// parse, call it, reply, announce the events (xadd, xtrim, xdel) and say
// what reaches the AOF.
#include <algorithm>
#include <string>
#include <vector>

#include "commands/core/arguments.h"
#include "commands/core/blocking.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/propagation.h"
#include "commands/core/type_check.h"
#include "commands/streams/stream_commands.h"
#include "commands/streams/stream_id_arguments.h"
#include "commands/streams/stream_reply.h"
#include "common/ascii.h"
#include "storage/database.h"

namespace mini_redis::commands {

// ---- helpers shared by the family (stream_commands.h) ------------------------------

types::StreamNodeLimits stream_node_limits(const Config& config) {
  auto size = [](std::int64_t value) {
    return static_cast<std::size_t>(std::max<std::int64_t>(value, 0));
  };
  return {.max_bytes = size(config.stream_node_max_bytes),
          .max_entries = size(config.stream_node_max_entries)};
}

FoundStream find_stream_for_read(Context& ctx, std::string_view key) {
  storage::Entry* entry = ctx.db().lookup_for_read(key);
  if (entry == nullptr) {
    notify_key_miss(ctx, key);
    return {};
  }
  if (!check_type(ctx, entry, storage::ValueType::stream)) return {.wrong_type = true};
  return {.stream = &entry->object<types::Stream>()};
}

FoundStream find_stream_for_write(Context& ctx, std::string_view key) {
  storage::Entry* entry = ctx.db().lookup_for_write(key);
  if (!check_type(ctx, entry, storage::ValueType::stream)) return {.wrong_type = true};
  if (entry == nullptr) return {};
  return {.stream = &entry->object<types::Stream>()};
}

namespace {

using types::StreamID;

// ---- the trim options, shared by XADD and XTRIM ---------------------------------

// What streamParseAddOrTrimArgsOrReply read.
struct AddOrTrimArguments {
  bool trimming = false;
  types::StreamTrim trim;
  std::size_t threshold_index = 0;  // where MAXLEN's count / MINID's ID is
  bool no_mkstream = false;
  // XADD's ID: "*" (automatic), "<ms>-*" or an explicit ID.
  types::StreamIDKind id_kind = types::StreamIDKind::automatic;
  StreamID id;
  std::size_t id_index = 0;
};

// Redis obeys the AOF without its LIMIT checks (mustObeyClient): what it
// logged after an approximate trim ("= <count> LIMIT n") must replay.
bool replaying_log(const Context& ctx) { return ctx.client.is_loading; }

// Reads the options from argument 2 on. For XADD it stops at the ID (whose
// index it records); XTRIM reads to the end. Replies and returns false on
// an error. Each error text and its order are Redis 7.0.15's.
bool parse_add_or_trim(Context& ctx, Arguments args, bool xadd, AddOrTrimArguments& out) {
  bool limit_given = false;
  std::int64_t limit = 0;
  std::size_t i = 2;
  for (; i < args.size(); ++i) {
    const std::size_t more = args.size() - 1 - i;  // arguments after this one
    const std::string_view option = args[i];
    const bool maxlen = equals_ignore_case(option, "maxlen");
    if (xadd && option == "*") break;  // the common case, first
    if ((maxlen || equals_ignore_case(option, "minid")) && more > 0) {
      if (out.trimming) {
        ctx.reply.error(
            "ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
        return false;
      }
      out.trim.approx = false;
      if (more >= 2 && (args[i + 1] == "~" || args[i + 1] == "=")) {
        out.trim.approx = args[i + 1] == "~";
        ++i;
      }
      ++i;
      if (maxlen) {
        const std::optional<std::int64_t> count = integer_or_reply(ctx, args[i]);
        if (!count) return false;
        if (*count < 0) {
          ctx.reply.error("ERR The MAXLEN argument must be >= 0.");
          return false;
        }
        out.trim.strategy = types::StreamTrim::Strategy::maxlen;
        out.trim.maxlen = static_cast<std::uint64_t>(*count);
      } else {
        const std::optional<StreamID> id = strict_stream_id_or_reply(ctx, args[i], 0);
        if (!id) return false;
        out.trim.strategy = types::StreamTrim::Strategy::minid;
        out.trim.minid = *id;
      }
      out.trimming = true;
      out.threshold_index = i;
    } else if (equals_ignore_case(option, "limit") && more > 0) {
      const std::optional<std::int64_t> value = integer_or_reply(ctx, args[++i]);
      if (!value) return false;
      if (*value < 0) {
        ctx.reply.error("ERR The LIMIT argument must be >= 0.");
        return false;
      }
      limit = *value;
      limit_given = true;
    } else if (xadd && equals_ignore_case(option, "nomkstream")) {
      out.no_mkstream = true;
    } else if (xadd) {
      // Not an option: this must be the ID.
      bool seq_given = true;
      const std::optional<StreamID> id = strict_stream_id_or_reply(ctx, option, 0, &seq_given);
      if (!id) return false;
      out.id = *id;
      out.id_kind = seq_given ? types::StreamIDKind::explicit_id : types::StreamIDKind::seq_auto;
      break;
    } else {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
  }
  out.id_index = i;

  if (limit != 0 && !out.trimming) {
    ctx.reply.error(
        "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return false;
  }
  if (!xadd && !out.trimming) {
    ctx.reply.error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return false;
  }
  if (replaying_log(ctx)) {
    out.trim.limit = 0;
  } else if (limit_given) {
    if (!out.trim.approx) {
      ctx.reply.error("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return false;
    }
    out.trim.limit = static_cast<std::uint64_t>(limit);
  } else if (out.trim.approx) {
    // Without LIMIT, "~" removes at most 100 nodes' worth of entries per
    // call, so that one XADD never stalls the server (Redis's default).
    const std::int64_t per_node = ctx.config.stream_node_max_entries;
    const std::int64_t cap = per_node > 0 && per_node <= 1000000 / 100 ? 100 * per_node : 10000;
    out.trim.limit = static_cast<std::uint64_t>(cap);
  }
  return true;
}

// After an approximate trim Redis logs what it did exactly: "~" becomes
// "=" and the threshold becomes the stream's length (MAXLEN) or its first
// ID, deleted entries included (MINID), so a replay trims the same entries
// whatever its node sizes (streamRewriteApproxSpecifier /
// streamRewriteTrimArgument). Also returns the argv with XADD's ID made
// explicit.
std::vector<std::string> logged_arguments(Arguments args, const AddOrTrimArguments& parsed,
                                          const types::Stream& stream, bool xadd, StreamID added) {
  std::vector<std::string> argv(args.begin(), args.end());
  if (parsed.trimming && parsed.trim.approx) {
    argv[parsed.threshold_index - 1] = "=";
    argv[parsed.threshold_index] = parsed.trim.strategy == types::StreamTrim::Strategy::maxlen
                                       ? std::to_string(stream.length())
                                       : stream.first_id_with_tombstones().to_string();
  }
  if (xadd && parsed.id_kind != types::StreamIDKind::explicit_id) {
    argv[parsed.id_index] = added.to_string();
  }
  return argv;
}

}  // namespace

// ---- XADD ------------------------------------------------------------------------------

void xadd_command(Context& ctx, Arguments args) {
  AddOrTrimArguments parsed;
  if (!parse_add_or_trim(ctx, args, true, parsed)) return;
  const std::size_t fields_at = parsed.id_index + 1;
  if (fields_at >= args.size() || (args.size() - fields_at) % 2 != 0) {
    ctx.reply.error(errors::wrong_arity("xadd"));
    return;
  }
  // 0-0 can never be added (it is the "nothing yet" of an empty stream);
  // refused before the key is created.
  if (parsed.id_kind == types::StreamIDKind::explicit_id && parsed.id == StreamID::min()) {
    ctx.reply.error("ERR The ID specified in XADD must be greater than 0-0");
    return;
  }
  const std::string_view key = args[1];
  FoundStream found = find_stream_for_write(ctx, key);
  if (found.wrong_type) return;
  if (found.stream == nullptr) {
    if (parsed.no_mkstream) {
      ctx.reply.null();
      return;
    }
    found.stream = &ctx.db().add(key, types::Stream{});
  }
  types::Stream& stream = *found.stream;
  if (stream.last_id() == StreamID::max()) {
    ctx.reply.error("ERR The stream has exhausted the last possible ID, unable to add more items");
    return;
  }
  const Arguments fields = args.subspan(fields_at);
  // A listpack holds at most 1 GiB: Redis refuses bigger entries outright.
  std::size_t entry_bytes = 0;
  for (const std::string_view part : fields) entry_bytes += part.size();
  StreamID id;
  if (!stream.id_for_append(parsed.id_kind, parsed.id, static_cast<std::uint64_t>(ctx.now_ms()),
                            id)) {
    ctx.reply.error(
        "ERR The ID specified in XADD is equal or smaller than the target stream top item");
    return;
  }
  if (entry_bytes > (std::size_t{1} << 30)) {
    ctx.reply.error("ERR Elements are too large to be stored");
    return;
  }
  stream.append(id, fields, stream_node_limits(ctx.config));
  write_stream_id(ctx.reply, id);
  notify_keyspace_event(ctx, notify::kStream, "xadd", key);
  if (parsed.trimming && stream.trim(parsed.trim) != 0) {
    notify_keyspace_event(ctx, notify::kStream, "xtrim", key);
  }
  if (propagating(ctx)) propagate_as(ctx, logged_arguments(args, parsed, stream, true, id));
  // Clients blocked in XREAD / XREADGROUP on this key run again once this
  // command is over (Redis's signalKeyAsReady; see commands/core/blocking.h).
  ctx.blocking.signal_key_added(ctx.client.db_index, key);
}

// ---- XTRIM -----------------------------------------------------------------------------

void xtrim_command(Context& ctx, Arguments args) {
  // The options are checked before the key is looked up: bad options on a
  // missing key are still an error; good ones answer 0 there.
  AddOrTrimArguments parsed;
  if (!parse_add_or_trim(ctx, args, false, parsed)) return;
  const std::string_view key = args[1];
  const FoundStream found = find_stream_for_write(ctx, key);
  if (found.wrong_type) return;
  if (found.stream == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  const std::uint64_t removed = found.stream->trim(parsed.trim);
  if (removed != 0) {
    notify_keyspace_event(ctx, notify::kStream, "xtrim", key);
    if (propagating(ctx)) {
      propagate_as(ctx, logged_arguments(args, parsed, *found.stream, false, {}));
    }
  }
  ctx.reply.integer(static_cast<std::int64_t>(removed));
}

// ---- XLEN, XDEL ------------------------------------------------------------------------

void xlen_command(Context& ctx, Arguments args) {
  const FoundStream found = find_stream_for_read(ctx, args[1]);
  if (found.wrong_type) return;
  ctx.reply.integer(found.stream == nullptr ? 0
                                            : static_cast<std::int64_t>(found.stream->length()));
}

void xdel_command(Context& ctx, Arguments args) {
  const std::string_view key = args[1];
  const FoundStream found = find_stream_for_write(ctx, key);
  if (found.wrong_type) return;
  if (found.stream == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  // Every ID is checked before the first is deleted: one bad ID and
  // nothing changes (Redis parses them all first too).
  std::vector<StreamID> ids;
  ids.reserve(args.size() - 2);
  for (const std::string_view text : args.subspan(2)) {
    const std::optional<StreamID> id = strict_stream_id_or_reply(ctx, text, 0);
    if (!id) return;
    ids.push_back(*id);
  }
  std::int64_t deleted = 0;
  for (const StreamID id : ids) deleted += found.stream->erase(id) ? 1 : 0;
  if (deleted != 0) notify_keyspace_event(ctx, notify::kStream, "xdel", key);
  ctx.reply.integer(deleted);
}

}  // namespace mini_redis::commands
