#include "persistence/aof_rewrite.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "storage/entry.h"
#include "types/hash.h"
#include "types/listpack.h"
#include "types/quicklist.h"
#include "types/set.h"
#include "types/sorted_set.h"
#include "types/stream.h"
#include "types/stream_group.h"

namespace mini_redis::persistence {

namespace {

using storage::Entry;
using storage::ValueType;

// RESP commands into a buffer that goes to the sink in chunks of about
// kRdbChunkBytes. A command's length is known before its elements are
// visited (min(64, what is left)), so the header is written first and the
// elements stream after it, with no vector of arguments in between.
class CommandOutput {
 public:
  explicit CommandOutput(const RdbSink& sink) : sink_(&sink) {}

  void begin(std::size_t argument_count) {
    buffer_ += '*';
    buffer_ += std::to_string(argument_count);
    buffer_ += "\r\n";
  }
  void argument(std::string_view bytes) {
    buffer_ += '$';
    buffer_ += std::to_string(bytes.size());
    buffer_ += "\r\n";
    buffer_.append(bytes);
    buffer_ += "\r\n";
  }
  void flush_if_full() {
    if (buffer_.size() >= kRdbChunkBytes) flush();
  }
  void flush() {
    if (!failed_ && !buffer_.empty()) failed_ = !(*sink_)(buffer_);
    buffer_.clear();
  }
  [[nodiscard]] bool failed() const { return failed_; }

 private:
  const RdbSink* sink_;
  std::string buffer_;
  bool failed_ = false;
};

// Emits `<command> <key>` headers as elements arrive: a new command every
// kAofItemsPerCommand elements, each element being `width` arguments (1 for
// RPUSH/SADD, 2 for HMSET/ZADD), as Redis's rewriteListObject and friends.
class BatchedCommand {
 public:
  BatchedCommand(CommandOutput& out, std::string_view command, std::string_view key,
                 std::size_t elements, std::size_t width)
      : out_(&out), command_(command), key_(key), left_(elements), width_(width) {}

  // Call before writing each element's arguments.
  void next_element() {
    if (in_batch_ == 0) {
      const std::size_t batch = std::min(left_, kAofItemsPerCommand);
      out_->begin(2 + batch * width_);
      out_->argument(command_);
      out_->argument(key_);
      in_batch_ = batch;
    }
    --in_batch_;
    --left_;
    if (in_batch_ == 0) out_->flush_if_full();
  }

 private:
  CommandOutput* out_;
  std::string_view command_;
  std::string_view key_;
  std::size_t left_;
  std::size_t width_;
  std::size_t in_batch_ = 0;
};

void write_list(CommandOutput& out, std::string_view key, const types::Quicklist& list) {
  BatchedCommand rpush(out, "RPUSH", key, list.size(), 1);
  types::IntText digits{};
  list.for_each_node([&](const types::Listpack& node) {
    for (std::size_t pos = node.first(); pos != types::Listpack::npos; pos = node.next(pos)) {
      rpush.next_element();
      out.argument(node.get(pos).text(digits));
    }
  });
}

void write_hash(CommandOutput& out, std::string_view key, const types::Hash& hash) {
  BatchedCommand hmset(out, "HMSET", key, hash.size(), 2);
  hash.for_each([&](std::string_view field, std::string_view value) {
    hmset.next_element();
    out.argument(field);
    out.argument(value);
  });
}

void write_set(CommandOutput& out, std::string_view key, const types::Set& set) {
  BatchedCommand sadd(out, "SADD", key, set.size(), 1);
  set.for_each([&](std::string_view member) {
    sadd.next_element();
    out.argument(member);
  });
}

void write_zset(CommandOutput& out, std::string_view key, const types::SortedSet& zset) {
  BatchedCommand zadd(out, "ZADD", key, zset.size(), 2);
  zset.for_each([&](std::string_view member, double score) {
    zadd.next_element();
    // Redis's rioWriteBulkDouble: "%.17g" gives back the same double.
    char digits[32];
    const int length = std::snprintf(digits, sizeof digits, "%.17g", score);
    out.argument(std::string_view(digits, static_cast<std::size_t>(length)));
    out.argument(member);
  });
}

// Redis's rewriteStreamObject, in its order: one XADD per entry (no
// batching: each entry has its own ID), or, for an empty stream, an XADD of a
// throwaway entry 0-1 under MAXLEN 0, which creates the key and leaves it
// empty. Then XSETID restores what XADD cannot: the last ID (after XDEL of
// the last entries), entries-added and max-deleted-entry-id. Each group
// follows with its position; each pending entry is recreated by an XCLAIM
// FORCE that sets its owner, delivery time and count (creating the consumer
// too), and a consumer with nothing pending by XGROUP CREATECONSUMER.
void write_stream(CommandOutput& out, std::string_view key, const types::Stream& stream) {
  types::IntText digits{};
  if (stream.length() > 0) {
    stream.for_each_in_range(
        types::StreamID::min(), types::StreamID::max(), 0, false,
        [&](const types::StreamEntry& entry) {
          out.begin(3 + entry.fields_and_values.size());
          out.argument("XADD");
          out.argument(key);
          out.argument(entry.id.to_string());
          for (const types::ListpackEntry& part : entry.fields_and_values) {
            out.argument(part.text(digits));
          }
          out.flush_if_full();
          return true;
        });
  } else {
    out.begin(7);
    out.argument("XADD");
    out.argument(key);
    for (const std::string_view part : {"MAXLEN", "0", "0-1", "x", "y"}) out.argument(part);
  }
  out.begin(7);
  out.argument("XSETID");
  out.argument(key);
  out.argument(stream.last_id().to_string());
  out.argument("ENTRIESADDED");
  out.argument(std::to_string(stream.entries_added()));
  out.argument("MAXDELETEDID");
  out.argument(stream.max_deleted_id().to_string());
  const types::StreamGroups* groups = stream.groups();
  if (groups == nullptr) return;
  for (const auto& [name, group] : groups->all()) {
    out.begin(7);
    out.argument("XGROUP");
    out.argument("CREATE");
    out.argument(key);
    out.argument(name);
    out.argument(group.last_delivered_id().to_string());
    out.argument("ENTRIESREAD");
    out.argument(std::to_string(group.entries_read()));
    for (const auto& [consumer_name, consumer] : group.consumers()) {
      if (consumer.pending.empty()) {
        out.begin(5);
        out.argument("XGROUP");
        out.argument("CREATECONSUMER");
        out.argument(key);
        out.argument(name);
        out.argument(consumer_name);
        continue;
      }
      for (const types::StreamID id : consumer.pending) {
        const types::PendingEntry& pending = group.pel().at(id);
        out.begin(12);
        out.argument("XCLAIM");
        out.argument(key);
        out.argument(name);
        out.argument(consumer_name);
        out.argument("0");
        out.argument(id.to_string());
        out.argument("TIME");
        out.argument(std::to_string(pending.delivery_time_ms));
        out.argument("RETRYCOUNT");
        out.argument(std::to_string(pending.delivery_count));
        out.argument("JUSTID");
        out.argument("FORCE");
        out.flush_if_full();
      }
    }
  }
}

// False for a type this file cannot write yet.
bool write_key(CommandOutput& out, const Entry& entry) {
  const std::string_view key = entry.key();
  switch (entry.type()) {
    case ValueType::string:
      out.begin(3);
      out.argument("SET");
      out.argument(key);
      out.argument(entry.value());
      break;
    case ValueType::list: write_list(out, key, entry.object<types::Quicklist>()); break;
    case ValueType::hash: write_hash(out, key, entry.object<types::Hash>()); break;
    case ValueType::set: write_set(out, key, entry.object<types::Set>()); break;
    case ValueType::zset: write_zset(out, key, entry.object<types::SortedSet>()); break;
    case ValueType::stream: write_stream(out, key, entry.object<types::Stream>()); break;
    default: return false;
  }
  if (entry.has_expire()) {
    out.begin(3);
    out.argument("PEXPIREAT");
    out.argument(key);
    out.argument(std::to_string(entry.expire_at_ms()));
  }
  out.flush_if_full();
  return true;
}

}  // namespace

bool write_aof_commands(storage::Keyspace& keyspace, std::int64_t now_ms,
                        std::span<const std::string> function_libraries, const RdbSink& sink,
                        std::string& error) {
  CommandOutput out(sink);
  for (const std::string& code : function_libraries) {
    out.begin(3);
    out.argument("FUNCTION");
    out.argument("LOAD");
    out.argument(code);
  }
  for (int index = 0; index < keyspace.database_count() && !out.failed(); ++index) {
    storage::Database& db = keyspace.db(index);
    if (db.size() == 0) continue;
    out.begin(2);
    out.argument("SELECT");
    out.argument(std::to_string(index));
    bool unknown_type = false;
    db.for_each_live([&](Entry& entry) {
      if (out.failed() || unknown_type) return;
      // Alive up to and including its expire millisecond, as the RDB writer.
      if (entry.has_expire() && now_ms > entry.expire_at_ms()) return;
      if (!write_key(out, entry)) {
        unknown_type = true;
        error = "the AOF command form has no writer for the type of key '" +
                std::string(entry.key()) + "'";
      }
    });
    if (unknown_type) return false;
  }
  out.flush();
  return !out.failed();
}

}  // namespace mini_redis::persistence
