// MEMORY STATS | DOCTOR | MALLOC-STATS | PURGE: what the server's memory is
// made of, and Redis's advice about it (object.c's memoryCommand).
//
// STATS is Redis's getMemoryOverheadData, field for field and in its order,
// from what this server really measures:
//   - total.allocated: what jemalloc has handed out (INFO's used_memory);
//     peak.allocated: the largest total seen by the cron or by STATS;
//     startup.allocated: the total just before the dataset was loaded;
//   - the overheads Redis counts apart from the data: client buffers, the
//     AOF buffer, the script cache, and per database with keys its hash
//     table's buckets and the index of keys with a TTL;
//   - dataset.bytes: the total minus all those overheads;
//   - the allocator's own view (allocated, active pages, resident pages)
//     and the fragmentation ratios between them and the process's RSS.
// Replication backlog, replica buffers, cluster links, functions and the
// cluster slot-to-keys index do not exist here: they are 0. Ratios are
// computed in single precision, as Redis's float fields are, so that they
// print with the same digits (%.17g of a float).
//
// MEMORY USAGE and HELP are in server_commands.cpp with the MEMORY row.
#include "commands/server/memory_commands.h"

#include <string>

#include "scripting/script_engine.h"
#include "storage/memory.h"

namespace mini_redis::commands {

namespace {

// Redis's struct redisMemOverhead, for the fields we can fill.
struct MemoryOverhead {
  std::size_t peak_allocated = 0;
  std::size_t total_allocated = 0;
  std::size_t startup_allocated = 0;
  std::size_t clients_normal = 0;
  std::size_t aof_buffer = 0;
  std::size_t lua_caches = 0;
  std::size_t overhead_total = 0;
  std::size_t dataset = 0;
  std::size_t total_keys = 0;
  std::size_t bytes_per_key = 0;
  float dataset_percent = 0;
  float peak_percent = 0;
  storage::AllocatorStats allocator;
  std::size_t process_rss = 0;
  struct Db {
    int index = 0;
    std::size_t main = 0;
    std::size_t expires = 0;
  };
  std::vector<Db> databases;
  std::size_t connected_clients = 0;
};

float ratio(std::size_t numerator, std::size_t denominator) {
  return static_cast<float>(numerator) / static_cast<float>(denominator);
}

std::int64_t difference(std::size_t a, std::size_t b) {
  return static_cast<std::int64_t>(a) - static_cast<std::int64_t>(b);
}

MemoryOverhead measure(Context& ctx) {
  MemoryOverhead mh;
  mh.total_allocated = storage::allocated_bytes();
  ctx.stats.note_memory_use(mh.total_allocated);
  mh.peak_allocated = ctx.stats.peak_allocated_bytes;
  mh.startup_allocated = ctx.stats.startup_allocated_bytes;
  mh.process_rss = storage::resident_set_bytes();
  mh.allocator = storage::allocator_stats();
  // Without jemalloc's figures Redis makes up the allocator's view from the
  // RSS and the total, so the ratios still say something.
  if (mh.allocator.resident == 0) mh.allocator.resident = mh.process_rss;
  if (mh.allocator.active == 0) mh.allocator.active = mh.allocator.resident;
  if (mh.allocator.allocated == 0) mh.allocator.allocated = mh.total_allocated;

  // Every client's buffers: what is queued to send and the query buffer.
  ctx.server.for_each_client([&](const ClientState& client) {
    mh.clients_normal +=
        client.query_buffer_bytes + client.query_buffer_free + client.output_buffer_bytes;
    ++mh.connected_clients;
  });
  mh.aof_buffer = ctx.stats.persistence.aof_buffer_length;
  mh.lua_caches = ctx.scripts != nullptr ? ctx.scripts->cached_bytes() : 0;

  std::size_t overhead = mh.startup_allocated + mh.clients_normal + mh.aof_buffer + mh.lua_caches;
  for (int i = 0; i < ctx.keyspace.database_count(); ++i) {
    const storage::Database& db = ctx.keyspace.db(i);
    if (db.size() == 0) continue;  // Redis lists only databases with keys
    mh.total_keys += db.size();
    const std::size_t expires = db.expires_overhead_bytes();
    mh.databases.push_back({.index = i, .main = db.overhead_bytes() - expires, .expires = expires});
    overhead += db.overhead_bytes();
  }
  mh.overhead_total = overhead;
  mh.dataset = mh.total_allocated > overhead ? mh.total_allocated - overhead : 0;
  mh.peak_percent = ratio(mh.total_allocated * 100, mh.peak_allocated);
  // Memory grown since start-up (1 if none, to divide by).
  const std::size_t net_usage =
      mh.total_allocated > mh.startup_allocated ? mh.total_allocated - mh.startup_allocated : 1;
  mh.dataset_percent = ratio(mh.dataset * 100, net_usage);
  mh.bytes_per_key = mh.total_keys != 0 ? net_usage / mh.total_keys : 0;
  return mh;
}

void field(Context& ctx, std::string_view name, std::size_t value) {
  ctx.reply.bulk_string(name);
  ctx.reply.integer(static_cast<std::int64_t>(value));
}

void field_signed(Context& ctx, std::string_view name, std::int64_t value) {
  ctx.reply.bulk_string(name);
  ctx.reply.integer(value);
}

void field_ratio(Context& ctx, std::string_view name, float value) {
  ctx.reply.bulk_string(name);
  ctx.reply.double_value(static_cast<double>(value));
}

void memory_stats_command(Context& ctx, Arguments /*args*/) {
  const MemoryOverhead mh = measure(ctx);
  const storage::AllocatorStats& allocator = mh.allocator;
  ctx.reply.map_header(27 + mh.databases.size());
  field(ctx, "peak.allocated", mh.peak_allocated);
  field(ctx, "total.allocated", mh.total_allocated);
  field(ctx, "startup.allocated", mh.startup_allocated);
  field(ctx, "replication.backlog", 0);
  field(ctx, "clients.slaves", 0);
  field(ctx, "clients.normal", mh.clients_normal);
  field(ctx, "cluster.links", 0);
  field(ctx, "aof.buffer", mh.aof_buffer);
  field(ctx, "lua.caches", mh.lua_caches);
  field(ctx, "functions.caches", 0);
  for (const MemoryOverhead::Db& db : mh.databases) {
    ctx.reply.bulk_string("db." + std::to_string(db.index));
    ctx.reply.map_header(3);
    field(ctx, "overhead.hashtable.main", db.main);
    field(ctx, "overhead.hashtable.expires", db.expires);
    field(ctx, "overhead.hashtable.slot-to-keys", 0);
  }
  field(ctx, "overhead.total", mh.overhead_total);
  field(ctx, "keys.count", mh.total_keys);
  field(ctx, "keys.bytes-per-key", mh.bytes_per_key);
  field(ctx, "dataset.bytes", mh.dataset);
  field_ratio(ctx, "dataset.percentage", mh.dataset_percent);
  field_ratio(ctx, "peak.percentage", mh.peak_percent);
  field(ctx, "allocator.allocated", allocator.allocated);
  field(ctx, "allocator.active", allocator.active);
  field(ctx, "allocator.resident", allocator.resident);
  field_ratio(ctx, "allocator-fragmentation.ratio", ratio(allocator.active, allocator.allocated));
  field_signed(ctx, "allocator-fragmentation.bytes",
               difference(allocator.active, allocator.allocated));
  field_ratio(ctx, "allocator-rss.ratio", ratio(allocator.resident, allocator.active));
  field_signed(ctx, "allocator-rss.bytes", difference(allocator.resident, allocator.active));
  field_ratio(ctx, "rss-overhead.ratio", ratio(mh.process_rss, allocator.resident));
  field_signed(ctx, "rss-overhead.bytes", difference(mh.process_rss, allocator.resident));
  field_ratio(ctx, "fragmentation", ratio(mh.process_rss, mh.total_allocated));
  field_signed(ctx, "fragmentation.bytes", difference(mh.process_rss, mh.total_allocated));
}

// MEMORY DOCTOR: Redis's getMemoryDoctorReport. Below 5 MB it declines; above,
// each check that trips adds a paragraph. The thresholds are Redis's.
std::string memory_doctor_report(Context& ctx) {
  const MemoryOverhead mh = measure(ctx);
  if (mh.total_allocated < 5 * 1024 * 1024) {
    return "Hi Sam, this instance is empty or is using very little memory, my issues detector "
           "can't be used in these conditions. Please, leave for your mission on Earth and fill "
           "it with some data. The new Sam and I will be back to our programming as soon as I "
           "finished rebooting.\n";
  }
  constexpr std::int64_t kTenMb = 10 << 20;
  const storage::AllocatorStats& allocator = mh.allocator;
  std::string issues;
  if (ratio(mh.peak_allocated, mh.total_allocated) > 1.5F) {
    issues +=
        " * Peak memory: In the past this instance used more than 150% the memory that is "
        "currently using. The allocator is normally not able to release memory after a peak, so "
        "you can expect to see a big fragmentation ratio, however this is actually harmless and "
        "is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is "
        "currently bigger than expected, the memory will be used as soon as you fill the Redis "
        "instance with more data. If the memory peak was only occasional and you want to try to "
        "reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is "
        "to shutdown and restart the instance.\n\n";
  }
  if (ratio(mh.process_rss, mh.total_allocated) > 1.4F &&
      difference(mh.process_rss, mh.total_allocated) > kTenMb) {
    issues += std::string(
                  " * High total RSS: This instance has a memory fragmentation and RSS overhead "
                  "greater than 1.4 (this means that the Resident Set Size of the Redis process is "
                  "much larger than the sum of the logical allocations Redis performed). This "
                  "problem is usually due either to a large peak memory (check if there is a peak "
                  "memory entry above in the report) or may result from a workload that causes "
                  "the allocator to fragment memory a lot. If the problem is a large peak memory, "
                  "then there is no issue. Otherwise, make sure you are using the Jemalloc "
                  "allocator and not the default libc malloc. Note: The currently used allocator "
                  "is \"") +
              storage::allocator_name() + "\".\n\n";
  }
  if (ratio(allocator.active, allocator.allocated) > 1.1F &&
      difference(allocator.active, allocator.allocated) > kTenMb) {
    issues +=
        " * High allocator fragmentation: This instance has an allocator external fragmentation "
        "greater than 1.1. This problem is usually due either to a large peak memory (check if "
        "there is a peak memory entry above in the report) or may result from a workload that "
        "causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' "
        "config option.\n\n";
  }
  if (ratio(allocator.resident, allocator.active) > 1.1F &&
      difference(allocator.resident, allocator.active) > kTenMb) {
    issues +=
        " * High allocator RSS overhead: This instance has an RSS memory overhead is greater "
        "than 1.1 (this means that the Resident Set Size of the allocator is much larger than the "
        "sum what the allocator actually holds). This problem is usually due to a large peak "
        "memory (check if there is a peak memory entry above in the report), you can try the "
        "MEMORY PURGE command to reclaim it.\n\n";
  }
  if (ratio(mh.process_rss, allocator.resident) > 1.1F &&
      difference(mh.process_rss, allocator.resident) > kTenMb) {
    issues +=
        " * High process RSS overhead: This instance has non-allocator RSS memory overhead is "
        "greater than 1.1 (this means that the Resident Set Size of the Redis process is much "
        "larger than the RSS the allocator holds). This problem may be due to Lua scripts or "
        "Modules.\n\n";
  }
  if (mh.connected_clients > 0 && mh.clients_normal / mh.connected_clients > 1024 * 200) {
    issues +=
        " * Big client buffers: The clients output buffers in this instance are greater than "
        "200K per client (on average). This may result from different causes, like Pub/Sub "
        "clients subscribed to channels bot not receiving data fast enough, so that data piles "
        "on the Redis instance output buffer, or clients sending commands with large replies or "
        "very large sequences of commands in the same pipeline. Please use the CLIENT LIST "
        "command in order to investigate the issue if it causes problems in your instance, or "
        "to understand better why certain clients are using a big amount of memory.\n\n";
  }
  if (ctx.scripts != nullptr && ctx.scripts->cached_scripts() > 1000) {
    issues +=
        " * Many scripts: There seem to be many cached scripts in this instance (more than "
        "1000). This may be because scripts are generated and `EVAL`ed, instead of being "
        "parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT "
        "FLUSH` is called periodically, the scripts' caches may end up consuming most of your "
        "memory.\n\n";
  }
  if (issues.empty()) {
    return "Hi Sam, I can't find any memory issue in your instance. I can only account for what "
           "occurs on this base.\n";
  }
  return "Sam, I detected a few issues in this Redis instance memory implants:\n\n" + issues +
         "I'm here to keep you safe, Sam. I want to help you.\n";
}

void memory_doctor_command(Context& ctx, Arguments /*args*/) {
  ctx.reply.verbatim_text(memory_doctor_report(ctx));
}

void memory_malloc_stats_command(Context& ctx, Arguments /*args*/) {
  const std::string report = storage::allocator_report();
  ctx.reply.verbatim_text(report.empty() ? "Stats not supported for the current allocator"
                                         : report);
}

void memory_purge_command(Context& ctx, Arguments /*args*/) {
  if (storage::purge_allocator()) {
    ctx.reply.ok();
  } else {
    ctx.reply.error("ERR Error purging dirty pages");
  }
}

CommandSpec diagnostics_subcommand(std::string_view name, Handler handler, std::string_view summary,
                                   std::string_view complexity) {
  return CommandSpec{.name = std::string(name),
                     .arity = 2,
                     .handler = handler,
                     .group = "server",
                     .summary = summary,
                     .since = "4.0.0",
                     .complexity = complexity,
                     .acl_categories = "@slow",
                     .tips =
                         "nondeterministic_output request_policy:all_shards "
                         "response_policy:special"};
}

}  // namespace

std::vector<CommandSpec> make_memory_diagnostics_subcommands() {
  std::vector<CommandSpec> out;
  out.push_back(diagnostics_subcommand("doctor", memory_doctor_command,
                                       "Outputs memory problems report", "O(1)"));
  out.push_back(diagnostics_subcommand("malloc-stats", memory_malloc_stats_command,
                                       "Show allocator internal stats",
                                       "Depends on how much memory is allocated, could be slow"));
  CommandSpec purge =
      diagnostics_subcommand("purge", memory_purge_command, "Ask the allocator to release memory",
                             "Depends on how much memory is allocated, could be slow");
  purge.tips = "request_policy:all_shards response_policy:all_succeeded";
  out.push_back(std::move(purge));
  out.push_back(
      diagnostics_subcommand("stats", memory_stats_command, "Show memory usage details", "O(1)"));
  return out;
}

}  // namespace mini_redis::commands
