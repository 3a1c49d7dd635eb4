// HyperLogLog commands: approximate counting of distinct elements.
//
//   PFADD key [element ...]        -> 1 if any register changed (or the key was made), else 0
//   PFCOUNT key [key ...]          -> the estimated number of distinct elements
//   PFMERGE destkey [sourcekey ...] -> +OK; destkey holds the union
//   PFDEBUG GETREG|DECODE|ENCODING|TODENSE key   (internal, for tests)
//   PFSELFTEST                     (internal: checks the implementation)
//
// An HLL is an ordinary string value in Redis's format (types/hyperloglog.h
// draws it), so GET, SET, DUMP and APPEND see its bytes. That is why every
// command first checks the bytes: a string that is not an HLL answers
// "WRONGTYPE Key is not a valid HyperLogLog string value.", a key of another
// type the usual WRONGTYPE, and an HLL whose sparse runs do not add up
// "INVALIDOBJ Corrupted HLL object detected", never a crash.
//
// Each handler copies the value out, lets types/hyperloglog change the copy,
// and stores it back. A dense HLL is 12 KB, so that is two short memcpys: a
// small price for keeping the string layout of storage/ untouched, and
// skipped where nothing changes (PFADD of elements already counted, PFCOUNT
// answered from the cache). Stored
// HLLs are "raw" strings (OBJECT ENCODING), even after a PFCOUNT that only
// read the cache: Redis "unshares" the value in every HLL command, which
// turns an embstr into a raw string, and we store it the same way.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "commands/core/command_table.h"
#include "commands/core/notifications.h"
#include "commands/core/type_check.h"
#include "common/ascii.h"
#include "storage/database.h"
#include "types/hyperloglog.h"

namespace mini_redis::commands {

namespace {

namespace hll = types::hll;

constexpr std::string_view kNotAnHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
constexpr std::string_view kCorruptHll = "INVALIDOBJ Corrupted HLL object detected";

std::size_t sparse_max_bytes(const Context& ctx) {
  return static_cast<std::size_t>(std::max<std::int64_t>(ctx.config.hll_sparse_max_bytes, 0));
}

// Redis's isHLLObjectOrReply: a key of another type is the usual WRONGTYPE,
// a string with a bad header the HLL-specific one.
bool check_hll(Context& ctx, const storage::Entry& entry) {
  if (!check_type(ctx, &entry, storage::ValueType::string)) return false;
  if (hll::has_valid_header(entry.value())) return true;
  ctx.reply.error(kNotAnHll);
  return false;
}

// Writes `bytes` back under `key` as Redis leaves an HLL it touched: a raw
// string, with its TTL.
void store(Context& ctx, std::string_view key, std::string_view bytes) {
  ctx.db().set(key, bytes, storage::Encoding::raw, /*keep_ttl=*/true);
}

// PFADD key [element ...]. A missing key is created even with no elements
// (and that counts as a change: the answer is 1). Elements are added in
// order; a corrupt sparse value stops at the element that meets the damage,
// keeping what the earlier ones changed, as Redis does.
void pfadd_command(Context& ctx, Arguments args) {
  const std::string_view key = args[1];
  const storage::Entry* entry = ctx.db().lookup_for_write(key);
  std::string value;
  bool changed = entry == nullptr;
  if (entry == nullptr) {
    value = hll::make_empty();
  } else {
    if (!check_hll(ctx, *entry)) return;
    // Elements already counted (the common case for a big HLL) change
    // nothing: answer without copying the value out and back.
    const Arguments elements = args.subspan(2);
    const bool any_new = std::any_of(elements.begin(), elements.end(), [&](std::string_view e) {
      return hll::would_raise(entry->value(), e);
    });
    if (!any_new && entry->encoding() == storage::Encoding::raw) {
      ctx.reply.integer(0);
      return;
    }
    value.assign(entry->value());
  }
  const std::size_t max_bytes = sparse_max_bytes(ctx);
  for (const std::string_view element : args.subspan(2)) {
    const hll::Update update = hll::add(value, element, max_bytes);
    if (update == hll::Update::corrupt) {
      store(ctx, key, value);
      ctx.reply.error(kCorruptHll);
      return;
    }
    changed = changed || update == hll::Update::changed;
  }
  if (changed) hll::invalidate_cardinality(value);
  store(ctx, key, value);
  if (changed) notify_keyspace_event(ctx, notify::kString, "pfadd", key);
  ctx.reply.integer(changed ? 1 : 0);
}

// PFCOUNT of several keys: the estimate of their union, computed on a
// scratch set of registers. Nothing is cached or written.
void pfcount_union(Context& ctx, Arguments keys) {
  hll::Registers registers{};
  for (const std::string_view key : keys) {
    const storage::Entry* entry = ctx.db().lookup_for_read(key);
    if (entry == nullptr) {
      notify_key_miss(ctx, key);
      continue;  // a missing key counts as an empty HLL
    }
    if (!check_hll(ctx, *entry)) return;
    if (!hll::merge_into(registers, entry->value())) {
      ctx.reply.error(kCorruptHll);
      return;
    }
  }
  ctx.reply.integer(static_cast<std::int64_t>(hll::estimate(registers)));
}

// PFCOUNT key [key ...]. One key answers from the cached cardinality when
// it is valid; otherwise the estimate is computed and stored in the header.
// Storing it changes the value, so clients WATCHing the key see it modified
// (Redis signals the key), though no keyspace event is published.
void pfcount_command(Context& ctx, Arguments args) {
  if (args.size() > 2) {
    pfcount_union(ctx, args.subspan(1));
    return;
  }
  const std::string_view key = args[1];
  const storage::Entry* entry = ctx.db().lookup_for_read(key);
  if (entry == nullptr) {
    notify_key_miss(ctx, key);
    ctx.reply.integer(0);
    return;
  }
  if (!check_hll(ctx, *entry)) return;
  if (const std::optional<std::uint64_t> cached = hll::cached_cardinality(entry->value())) {
    const std::uint64_t cardinality = *cached;
    if (entry->encoding() != storage::Encoding::raw) store(ctx, key, std::string(entry->value()));
    ctx.reply.integer(static_cast<std::int64_t>(cardinality));
    return;
  }
  std::string value(entry->value());
  const std::optional<std::uint64_t> cardinality = hll::estimate(value);
  if (!cardinality) {
    store(ctx, key, value);
    ctx.reply.error(kCorruptHll);
    return;
  }
  hll::store_cardinality(value, *cardinality);
  store(ctx, key, value);
  touch_watched_key(ctx, notify::kString, key, ctx.client.db_index);
  ctx.reply.integer(static_cast<std::int64_t>(*cardinality));
}

// PFMERGE destkey [sourcekey ...]: destkey becomes the union of itself and
// the sources. Every key is checked before anything is written. The result
// is dense if any input was; otherwise the merged registers are written
// into destkey one by one, so it stays sparse until it outgrows
// hll-sparse-max-bytes, exactly as Redis's bytes do. The event published
// is "pfadd" (Redis: a merge is a mass add).
void pfmerge_command(Context& ctx, Arguments args) {
  hll::Registers registers{};
  bool any_dense = false;
  for (const std::string_view key : args.subspan(1)) {
    const storage::Entry* entry = ctx.db().lookup_for_read(key);
    if (entry == nullptr) {
      notify_key_miss(ctx, key);
      continue;
    }
    if (!check_hll(ctx, *entry)) return;
    any_dense = any_dense || !hll::is_sparse(entry->value());
    if (!hll::merge_into(registers, entry->value())) {
      ctx.reply.error(kCorruptHll);
      return;
    }
  }
  const std::string_view destination = args[1];
  const storage::Entry* entry = ctx.db().lookup_for_write(destination);
  std::string value = entry == nullptr ? hll::make_empty() : std::string(entry->value());
  // The destination was merged above, so it is known to be valid: the
  // conversion cannot fail, and neither can the writes.
  if (any_dense) hll::convert_to_dense(value);
  hll::raise_all(value, registers, sparse_max_bytes(ctx));
  hll::invalidate_cardinality(value);
  store(ctx, destination, value);
  notify_keyspace_event(ctx, notify::kString, "pfadd", destination);
  ctx.reply.ok();
}

// PFDEBUG subcommand key: a window on the representation, for tests.
//   GETREG    the 16384 registers (a sparse HLL is made dense first, for good)
//   DECODE    the sparse opcodes as text: "Z:8436 v:1,1 Z:7947"
//   ENCODING  "dense" or "sparse"
//   TODENSE   makes it dense: 1 if it was sparse, else 0
// The key is checked before the subcommand's name, as in Redis.
void pfdebug_command(Context& ctx, Arguments args) {
  const std::string_view subcommand = args[1];
  const std::string_view key = args[2];
  const storage::Entry* entry = ctx.db().lookup_for_write(key);
  if (entry == nullptr) {
    ctx.reply.error("ERR The specified key does not exist");
    return;
  }
  if (!check_hll(ctx, *entry)) return;
  std::string value(entry->value());
  const bool sparse = hll::is_sparse(value);
  const auto make_dense = [&] {
    const bool converted = hll::convert_to_dense(value);
    store(ctx, key, value);
    if (!converted) ctx.reply.error(kCorruptHll);
    return converted;
  };
  if (equals_ignore_case(subcommand, "getreg")) {
    if (!make_dense()) return;
    ctx.reply.array_header(hll::kRegisterCount);
    for (std::size_t i = 0; i < hll::kRegisterCount; ++i) {
      ctx.reply.integer(hll::dense_register(value, i));
    }
    return;
  }
  store(ctx, key, value);  // "unshared" whatever follows
  if (equals_ignore_case(subcommand, "decode")) {
    if (!sparse) {
      ctx.reply.error("ERR HLL encoding is not sparse");
      return;
    }
    ctx.reply.bulk_string(hll::describe_sparse(value));
  } else if (equals_ignore_case(subcommand, "encoding")) {
    ctx.reply.simple_string(sparse ? "sparse" : "dense");
  } else if (equals_ignore_case(subcommand, "todense")) {
    if (make_dense()) ctx.reply.integer(sparse ? 1 : 0);
  } else {
    ctx.reply.error("ERR Unknown PFDEBUG subcommand '" + std::string(subcommand) + "'");
  }
}

// PFSELFTEST: checks what the byte-level code must get right, on scratch
// values (no key is touched): every dense register holds any 6-bit value
// without disturbing its neighbours, and the same elements give the same
// registers whether added sparse or dense. Redis runs a far longer test
// (about a second); this one stays within a couple of milliseconds.
void pfselftest_command(Context& ctx, Arguments /*args*/) {
  std::string dense = hll::make_empty();
  hll::convert_to_dense(dense);
  for (std::uint32_t i = 0; i < hll::kRegisterCount; ++i) {
    hll::raise_register(dense, i, static_cast<std::uint8_t>(1 + (i * 7) % 63), 0);
  }
  for (std::uint32_t i = 0; i < hll::kRegisterCount; ++i) {
    if (hll::dense_register(dense, i) != 1 + (i * 7) % 63) {
      ctx.reply.error("TESTFAILED Register error at " + std::to_string(i));
      return;
    }
  }
  std::string sparse = hll::make_empty();
  std::string reference = hll::make_empty();
  hll::convert_to_dense(reference);
  for (int n = 0; n < 2000; ++n) {
    const std::string element = "selftest:" + std::to_string(n);
    hll::add(sparse, element, hll::kDenseSize);
    hll::add(reference, element, hll::kDenseSize);
  }
  hll::Registers from_sparse{};
  hll::Registers from_dense{};
  if (!hll::merge_into(from_sparse, sparse) || !hll::merge_into(from_dense, reference) ||
      from_sparse != from_dense) {
    ctx.reply.error("TESTFAILED sparse and dense representations differ");
    return;
  }
  ctx.reply.ok();
}

}  // namespace

void register_hyperloglog_commands(CommandTable& table) {
  using namespace flags;  // NOLINT(google-build-using-namespace): the row flags read best bare
  const auto row = [](CommandSpec spec) {
    spec.group = "hyperloglog";
    spec.since = "2.8.9";
    return spec;
  };
  table.add(row({.name = "pfadd",
                 .arity = -2,
                 .flags = kWrite | kDenyOom | kFast,
                 .first_key = 1,
                 .last_key = 1,
                 .key_step = 1,
                 .handler = pfadd_command,
                 .summary = "Adds the specified elements to the specified HyperLogLog.",
                 .complexity = "O(1) to add every element.",
                 .acl_categories = "@write @hyperloglog @fast",
                 .key_specs = "RW insert",
                 .arguments = {arg::key("key", 0), arg::string("element").optional().multiple()}}));
  table.add(row(
      {.name = "pfcount",
       .arity = -2,
       .flags = kReadonly,
       .first_key = 1,
       .last_key = -1,
       .key_step = 1,
       .handler = pfcount_command,
       .summary = "Return the approximated cardinality of the set(s) observed by the "
                  "HyperLogLog at key(s).",
       .complexity = "O(1) with a very small average constant time when called with a single "
                     "key. O(N) with N being the number of keys, and much bigger constant times, "
                     "when called with multiple keys.",
       .acl_categories = "@read @hyperloglog @slow",
       .key_specs = "RW access",
       .key_spec_notes = "RW because it may change the internal representation of the key, and "
                         "propagate to replicas",
       .arguments = {arg::key("key", 0).multiple()}}));
  table.add(row({.name = "pfmerge",
                 .arity = -2,
                 .flags = kWrite | kDenyOom,
                 .first_key = 1,
                 .last_key = -1,
                 .key_step = 1,
                 .handler = pfmerge_command,
                 .summary = "Merge N different HyperLogLogs into a single one.",
                 .complexity = "O(N) to merge N HyperLogLogs, but with high constant times.",
                 .acl_categories = "@write @hyperloglog @slow",
                 .key_specs = "RW access insert|RO access",
                 .arguments = {arg::key("destkey", 0), arg::key("sourcekey", 1).multiple()}}));
  // Redis marks these two "syscmd" in COMMAND DOCS; our docs have no such
  // flag yet (command_docs.cpp knows only "deprecated"), so it is left out.
  table.add(row({.name = "pfdebug",
                 .arity = 3,
                 .flags = kWrite | kDenyOom | kAdmin,
                 .first_key = 2,
                 .last_key = 2,
                 .key_step = 1,
                 .handler = pfdebug_command,
                 .summary = "Internal commands for debugging HyperLogLog values",
                 .complexity = "N/A",
                 .acl_categories = "@write @hyperloglog @admin @slow @dangerous",
                 .key_specs = "RW access",
                 .arguments = {arg::string("subcommand"), arg::key("key", 0)}}));
  table.add(row({.name = "pfselftest",
                 .arity = 1,
                 .flags = kAdmin,
                 .handler = pfselftest_command,
                 .summary = "An internal command for testing HyperLogLog values",
                 .complexity = "N/A",
                 .acl_categories = "@hyperloglog @admin @slow @dangerous"}));
}

}  // namespace mini_redis::commands
