// Helpers shared by the consumer-group commands; see stream_group_common.h.
#include "commands/streams/stream_group_common.h"

#include <utility>

#include "commands/core/notifications.h"
#include "commands/core/propagation.h"
#include "commands/core/type_check.h"
#include "storage/database.h"

namespace mini_redis::commands {

types::StreamCounters stream_counters(const types::Stream& stream) {
  return {.length = stream.length(),
          .entries_added = stream.entries_added(),
          .first_id = stream.first_id(),
          .last_id = stream.last_id(),
          .max_deleted_id = stream.max_deleted_id()};
}

std::string no_such_key_or_group(std::string_view key, std::string_view group) {
  std::string text = "NOGROUP No such key '";
  text.append(key).append("' or consumer group '").append(group).append("'");
  return text;
}

std::string no_such_group_for_key(std::string_view group, std::string_view key) {
  std::string text = "NOGROUP No such consumer group '";
  text.append(group).append("' for key name '").append(key).append("'");
  return text;
}

types::Stream* stream_with_group_or_reply(Context& ctx, std::string_view key,
                                          std::string_view group_name,
                                          types::ConsumerGroup*& group) {
  storage::Entry* entry = ctx.db().lookup_for_read(key);
  if (entry == nullptr) notify_key_miss(ctx, key);  // Redis's lookupKeyRead
  if (!check_type(ctx, entry, storage::ValueType::stream)) return nullptr;
  types::Stream* stream = entry == nullptr ? nullptr : &entry->object<types::Stream>();
  group = nullptr;
  if (stream != nullptr && stream->groups() != nullptr) group = stream->groups()->find(group_name);
  if (group == nullptr) {
    ctx.reply.error(no_such_key_or_group(key, group_name));
    return nullptr;
  }
  return stream;
}

types::Consumer& find_or_create_consumer(Context& ctx, std::string_view key,
                                         types::ConsumerGroup& group, std::string_view name,
                                         bool& created) {
  types::Consumer& consumer = group.find_or_create_consumer(name, ctx.now_ms(), created);
  if (created) notify_keyspace_event(ctx, notify::kStream, "xgroup-createconsumer", key);
  return consumer;
}

std::vector<std::string> xclaim_effect(std::string_view key, std::string_view group_name,
                                       types::StreamID id, const types::PendingEntry& entry,
                                       types::StreamID group_last_id) {
  // FORCE creates the entry on a replay that lacks it; JUSTID keeps the
  // replay from counting one more delivery; LASTID carries the group's
  // position, which a replica would otherwise not learn.
  return {"XCLAIM",
          std::string(key),
          std::string(group_name),
          entry.owner->name,
          "0",
          id.to_string(),
          "TIME",
          std::to_string(entry.delivery_time_ms),
          "RETRYCOUNT",
          std::to_string(entry.delivery_count),
          "FORCE",
          "JUSTID",
          "LASTID",
          group_last_id.to_string()};
}

std::vector<std::string> setid_effect(std::string_view key, std::string_view group_name,
                                      const types::ConsumerGroup& group) {
  return {"XGROUP",
          "SETID",
          std::string(key),
          std::string(group_name),
          group.last_delivered_id().to_string(),
          "ENTRIESREAD",
          std::to_string(group.entries_read())};
}

void propagate_effects(Context& ctx, std::vector<std::vector<std::string>> effects) {
  if (propagating(ctx)) ctx.propagation->replace_current_with(std::move(effects));
}

}  // namespace mini_redis::commands
