// Micro-benchmark: the keyspace at a realistic size.
//
// What it measures: the cost of Database::set and Database::lookup_for_read
// on a database of 1,000,000 keys (`key:%012d` -> 16-byte value, the shape
// `bench/compare` loads), with keys picked at random. At that size the table
// and the entries no longer fit in the CPU caches, so each operation pays for
// cache misses as it would inside the server; a benchmark on 1,000 keys would
// only measure the hash function.
//
// Rows:
//   - Insert1M: build the 1M-key database from empty, growth (incremental
//     rehashing) included. Reported per key.
//   - SetExisting: overwrite a random existing key (SET on a hot keyspace).
//   - LookupHit / LookupMiss: GET's lookup of a random present / absent key.
//
// What it does not measure: parsing, replies, sockets (see parser_bench.cpp
// and bench/compare).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "storage/clock.h"
#include "storage/database.h"

namespace {

using mini_redis::storage::Database;
using mini_redis::storage::KeyspaceStats;
using mini_redis::storage::ManualClock;

constexpr std::size_t kKeys = 1'000'000;
constexpr std::size_t kKeyLength = 16;  // "key:%012d"

// All key (or value) spellings for ids [first, first + count), 16 bytes each,
// back to back in one string so that building them costs one allocation.
class Spellings {
 public:
  Spellings(const char* prefix, std::size_t first, std::size_t count)
      : bytes_(count * kKeyLength, '\0') {
    char text[kKeyLength + 1];
    for (std::size_t i = 0; i < count; ++i) {
      std::snprintf(text, sizeof text, "%s%012zu", prefix, first + i);
      bytes_.replace(i * kKeyLength, kKeyLength, text, kKeyLength);
    }
  }
  [[nodiscard]] std::string_view operator[](std::size_t i) const {
    return std::string_view(bytes_).substr(i * kKeyLength, kKeyLength);
  }

 private:
  std::string bytes_;
};

// A random visiting order, made before timing starts so the RNG is not measured.
std::vector<std::uint32_t> random_order(std::size_t count) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<std::uint32_t> pick(0, static_cast<std::uint32_t>(kKeys - 1));
  std::vector<std::uint32_t> order(count);
  for (auto& index : order) index = pick(rng);
  return order;
}

// One 1M-key database shared by the steady-state rows (filling it takes a
// while; doing it once keeps the whole run short).
struct Loaded {
  ManualClock clock;
  KeyspaceStats stats;
  Spellings keys{"key:", 0, kKeys};
  Spellings values{"val:", 0, kKeys};
  Spellings absent{"key:", kKeys, kKeys};  // ids past the loaded ones
  std::vector<std::uint32_t> order = random_order(kKeys);
  Database db{clock, stats};

  Loaded() {
    for (std::size_t i = 0; i < kKeys; ++i) db.set(keys[i], values[i]);
  }
  static Loaded& get() {
    static Loaded loaded;
    return loaded;
  }
};

void BM_Insert1M(benchmark::State& state) {
  Loaded& data = Loaded::get();
  for (auto _ : state) {
    auto db = std::make_unique<Database>(data.clock, data.stats);
    for (std::size_t i = 0; i < kKeys; ++i) db->set(data.keys[i], data.values[i]);
    state.PauseTiming();
    db.reset();  // freeing a million entries is not what we measure
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kKeys));
}

void BM_SetExisting(benchmark::State& state) {
  Loaded& data = Loaded::get();
  std::size_t next = 0;
  for (auto _ : state) {
    std::uint32_t i = data.order[next];
    benchmark::DoNotOptimize(&data.db.set(data.keys[i], data.values[i]));
    next = next + 1 == kKeys ? 0 : next + 1;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_LookupHit(benchmark::State& state) {
  Loaded& data = Loaded::get();
  std::size_t next = 0;
  for (auto _ : state) {
    auto* entry = data.db.lookup_for_read(data.keys[data.order[next]]);
    benchmark::DoNotOptimize(entry);
    next = next + 1 == kKeys ? 0 : next + 1;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_LookupMiss(benchmark::State& state) {
  Loaded& data = Loaded::get();
  std::size_t next = 0;
  for (auto _ : state) {
    auto* entry = data.db.lookup_for_read(data.absent[data.order[next]]);
    benchmark::DoNotOptimize(entry);
    next = next + 1 == kKeys ? 0 : next + 1;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

BENCHMARK(BM_Insert1M)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_SetExisting);
BENCHMARK(BM_LookupHit);
BENCHMARK(BM_LookupMiss);

}  // namespace
