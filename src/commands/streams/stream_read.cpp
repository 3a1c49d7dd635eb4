// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
//
// For each key, the entries with an ID greater than the one given: "what is
// new since I last looked". "$" stands for the stream's last ID now, i.e.
// "only what arrives from now on", which only makes sense with BLOCK.
//
// The reply lists only the streams that had something, as
//   RESP2: [[key, [entry, ...]], ...]     RESP3: {key: [entry, ...], ...}
// and a null array when none had.
//
// ---- Blocking ------------------------------------------------------------------
//
// With BLOCK and nothing to answer, the client is parked on its keys with
// the blocking machinery of the lists (commands/core/blocking.h): XADD
// signals its key as ready, and once the XADD's command is over each parked
// client runs its XREAD again, longest-waiting first.
//
// That second run is not the first one again, though: it is Redis's
// serveClientsBlockedOnStreamKey, for the one key that became ready
// (BlockingRegistry::serving()). The reply names that stream alone, even if
// the client waits on others that got entries in the same MULTI or script;
// it holds the entries after the remembered ID as soon as the stream's
// last_id (not its last live entry: an entry added and deleted in one MULTI
// answers an empty list) has passed that ID; and without COUNT at most 1000
// entries are sent (XREAD_BLOCKED_DEFAULT_COUNT). "$" means the last ID at
// the time of blocking, so before parking we rewrite every "$" into the ID
// it stood for, and park that command; a key named twice waits for its
// first ID. BLOCK 0 waits forever; inside MULTI nothing may wait and the
// reply is a null array at once (scripts are refused BLOCK outright, as in
// Redis). DEL, expiry, or a value of another type does not wake the reader;
// a new stream at the key does (the key is then "added").
//
// XREADGROUP (stream_group_read.cpp) parks the same way, with type stream:
// XADD's signal wakes both.
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "commands/core/arguments.h"
#include "commands/core/blocking.h"
#include "commands/core/errors.h"
#include "commands/core/notifications.h"
#include "commands/core/type_check.h"
#include "commands/streams/stream_commands.h"
#include "commands/streams/stream_id_arguments.h"
#include "commands/streams/stream_reply.h"
#include "common/ascii.h"
#include "storage/database.h"

namespace mini_redis::commands {

namespace {

using types::StreamID;

struct ReadArguments {
  std::size_t count = 0;         // 0: no limit
  std::int64_t timeout_ms = -1;  // -1: no BLOCK; 0: forever
  std::size_t streams_at = 0;    // index of the first key
  std::size_t streams = 0;       // number of keys
};

// BLOCK's milliseconds (getTimeoutFromObjectOrReply in milliseconds).
std::optional<std::int64_t> block_ms_or_reply(Context& ctx, std::string_view text) {
  const std::optional<std::int64_t> ms =
      integer_or_reply(ctx, text, "ERR timeout is not an integer or out of range");
  if (!ms) return std::nullopt;
  if (*ms < 0) {
    ctx.reply.error("ERR timeout is negative");
    return std::nullopt;
  }
  return ms;
}

bool parse_read_arguments(Context& ctx, Arguments args, ReadArguments& out) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    const bool more = i + 1 < args.size();
    const std::string_view option = args[i];
    if (equals_ignore_case(option, "block") && more) {
      // A script cannot wait; Redis names the command as it was typed.
      if (ctx.client.is_script) {
        ctx.reply.error("ERR " + std::string(args[0]) +
                        " command is not allowed with BLOCK option from scripts");
        return false;
      }
      const std::optional<std::int64_t> ms = block_ms_or_reply(ctx, args[++i]);
      if (!ms) return false;
      out.timeout_ms = *ms;
    } else if (equals_ignore_case(option, "count") && more) {
      const std::optional<std::int64_t> count = integer_or_reply(ctx, args[++i]);
      if (!count) return false;
      out.count = *count < 0 ? 0 : static_cast<std::size_t>(*count);
    } else if (equals_ignore_case(option, "streams") && more) {
      out.streams_at = i + 1;
      const std::size_t rest = args.size() - out.streams_at;
      if (rest % 2 != 0) {
        ctx.reply.error(
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
            "specified.");
        return false;
      }
      out.streams = rest / 2;
      return true;
    } else if ((equals_ignore_case(option, "group") && i + 2 < args.size()) ||
               equals_ignore_case(option, "noack")) {
      // XREAD and XREADGROUP share one parser in Redis, which knows these
      // two options and refuses them here by name.
      ctx.reply.error("ERR The " +
                      std::string(equals_ignore_case(option, "noack") ? "NOACK" : "GROUP") +
                      " option is only supported by XREADGROUP. You called XREAD instead.");
      return false;
    } else {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
  }
  ctx.reply.error(errors::kSyntax);  // no STREAMS
  return false;
}

// Redis's lookupKeyRead: counts a hit or a miss, announces a miss. XREAD
// looks each key up twice (IDs, then serving), and so counts twice, as Redis.
const storage::Entry* lookup_counted(Context& ctx, std::string_view key) {
  const storage::Entry* entry = ctx.db().lookup_for_read(key);
  if (entry == nullptr) notify_key_miss(ctx, key);
  return entry;
}

// The IDs after which to read, "$" resolved; false (replied) on a wrong
// type or a bad ID. `dollar` marks the IDs that were "$".
bool resolve_ids(Context& ctx, Arguments args, const ReadArguments& parsed,
                 std::vector<StreamID>& ids, std::vector<bool>& dollar) {
  for (std::size_t i = 0; i < parsed.streams; ++i) {
    const std::string_view key = args[parsed.streams_at + i];
    const std::string_view text = args[parsed.streams_at + parsed.streams + i];
    const storage::Entry* entry = lookup_counted(ctx, key);
    if (!check_type(ctx, entry, storage::ValueType::stream)) return false;
    if (text == "$") {
      ids.push_back(entry == nullptr ? StreamID::min() : entry->object<types::Stream>().last_id());
      dollar.push_back(true);
      continue;
    }
    if (text == ">") {
      ctx.reply.error(
          "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
          "<consumer> option.");
      return false;
    }
    const std::optional<StreamID> id = strict_stream_id_or_reply(ctx, text, 0);
    if (!id) return false;
    ids.push_back(*id);
    dollar.push_back(false);
  }
  return true;
}

// The ID of the newest live entry (Redis's streamLastValidID), or nothing.
std::optional<StreamID> last_live_id(const types::Stream& stream) {
  std::optional<StreamID> last;
  stream.for_each_in_range(StreamID::min(), StreamID::max(), 1, true,
                           [&](const types::StreamEntry& entry) {
                             last = entry.id;
                             return false;
                           });
  return last;
}

// Redis's XREAD_BLOCKED_DEFAULT_COUNT: a served reader that gave no COUNT
// gets at most this many entries.
constexpr std::size_t kBlockedDefaultCount = 1000;

// A parked reader's run once `ready` became ready (see the top of the file):
// answers for that stream alone, or keeps waiting.
void serve_ready_stream(Context& ctx, Arguments args, const ReadArguments& parsed,
                        std::string_view ready) {
  std::size_t at = 0;
  while (at < parsed.streams && args[parsed.streams_at + at] != ready) ++at;
  const storage::Entry* entry = ctx.db().lookup_quietly(ready);
  std::optional<StreamID> after;
  if (at < parsed.streams) {
    after = parse_stream_id(args[parsed.streams_at + parsed.streams + at], true, 0);
  }
  StreamID start;
  if (entry == nullptr || entry->type() != storage::ValueType::stream || !after ||
      !(entry->object<types::Stream>().last_id() > *after) || !after->next(start)) {
    // Nothing after our ID there (a stream recreated with older IDs, say):
    // keep our place in line.
    block_for_keys(ctx, args, {}, storage::ValueType::stream, 0, TimeoutReply::null_array);
    return;
  }
  if (ctx.reply.resp3()) {
    ctx.reply.map_header(1);
  } else {
    ctx.reply.array_header(1);
    ctx.reply.array_header(2);
  }
  ctx.reply.bulk_string(ready);
  write_stream_range(ctx.reply, entry->object<types::Stream>(), start, StreamID::max(),
                     parsed.count == 0 ? kBlockedDefaultCount : parsed.count, false);
}

}  // namespace

void xread_command(Context& ctx, Arguments args) {
  ReadArguments parsed;
  if (!parse_read_arguments(ctx, args, parsed)) return;
  if (ctx.client.blocked && ctx.blocking.serving() != nullptr) {
    serve_ready_stream(ctx, args, parsed, ctx.blocking.serving()->key);
    return;
  }
  std::vector<StreamID> ids;
  std::vector<bool> dollar;
  ids.reserve(parsed.streams);
  if (!resolve_ids(ctx, args, parsed, ids, dollar)) return;

  // Serve every stream that has an entry after its ID, at once.
  const std::size_t mark = ctx.reply.buffer().size();
  std::size_t served = 0;
  for (std::size_t i = 0; i < parsed.streams; ++i) {
    const std::string_view key = args[parsed.streams_at + i];
    const storage::Entry* entry = lookup_counted(ctx, key);
    if (entry == nullptr || entry->type() != storage::ValueType::stream) continue;
    const auto& stream = entry->object<types::Stream>();
    const std::optional<StreamID> last = last_live_id(stream);
    StreamID start;
    if (!last || !(*last > ids[i]) || !ids[i].next(start)) continue;
    ++served;
    if (!ctx.reply.resp3()) ctx.reply.array_header(2);
    ctx.reply.bulk_string(key);
    write_stream_range(ctx.reply, stream, start, StreamID::max(), parsed.count, false);
  }
  if (served != 0) {
    // The outer length is known now: a map in RESP3, an array in RESP2.
    std::string& out = ctx.reply.buffer();
    const std::size_t end = out.size();
    if (ctx.reply.resp3()) {
      ctx.reply.map_header(served);
    } else {
      ctx.reply.array_header(served);
    }
    std::rotate(out.begin() + static_cast<std::ptrdiff_t>(mark),
                out.begin() + static_cast<std::ptrdiff_t>(end), out.end());
    return;
  }
  if (parsed.timeout_ms < 0) {
    ctx.reply.null_array();
    return;
  }

  // Park the command with every "$" made explicit (see the top of the file).
  std::vector<std::string> rewritten(args.begin(), args.end());
  for (std::size_t i = 0; i < parsed.streams; ++i) {
    if (dollar[i]) rewritten[parsed.streams_at + parsed.streams + i] = ids[i].to_string();
  }
  const std::vector<std::string_view> command(rewritten.begin(), rewritten.end());
  const Arguments keys = args.subspan(parsed.streams_at, parsed.streams);
  // A deadline past the int64 clock waits forever (as Redis 7.0.15 does).
  const std::int64_t timeout_ms =
      parsed.timeout_ms > std::numeric_limits<std::int64_t>::max() - ctx.now_ms()
          ? 0
          : parsed.timeout_ms;
  block_for_keys(ctx, command, keys, storage::ValueType::stream, timeout_ms,
                 TimeoutReply::null_array);
}

}  // namespace mini_redis::commands
