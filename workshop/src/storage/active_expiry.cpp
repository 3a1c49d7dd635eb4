// Workshop copy of src/storage/active_expiry.cpp, made by workshop/generate.py.
// Write the parts marked TODO. `make workshop-diff FILE=storage/active_expiry.cpp` compares
// your version with the real one; `make workshop-solve STEP=n` fills a step in.
// ActiveExpiryCycle: the sampling loop described in active_expiry.h, after
// Redis's expire.c (activeExpireCycle, "slow" cycle).
#include "storage/active_expiry.h"

#include <algorithm>

#include "common/not_implemented.h"

namespace mini_redis::storage {

namespace {

// How much the last cycle's stale ratio weighs in the running estimate:
// Redis keeps stat_expired_stale_perc as 5% new, 95% old so INFO shows a
// smoothed value, not the noise of one sample.
constexpr double kStaleEstimateWeight = 0.05;

// The server clamps hz to 1..500 (Redis's CONFIG_MIN_HZ / CONFIG_MAX_HZ).
constexpr int kMinHz = 1;
constexpr int kMaxHz = 500;

}  // namespace

ExpiryCycleResult ActiveExpiryCycle::run(Keyspace& keyspace, int hz, const Stopwatch& elapsed) {
  // 25% of one 1/hz interval: 25 ms at the default hz of 10.
  const auto budget = std::chrono::microseconds(1'000'000 * kCycleBudgetPercent / 100 /
                                                std::clamp(hz, kMinHz, kMaxHz));
  const int database_count = keyspace.database_count();
  ExpiryCycleResult result;

  for (int visited = 0; visited < database_count && !result.time_limit_reached; ++visited) {
    // Advance first, so that a cycle cut short by the budget resumes at the
    // next database instead of starving the later ones.
    Database& db = keyspace.db(next_database_ % database_count);
    next_database_ = (next_database_ + 1) % database_count;

    while (db.expiring_count() > 0) {
      // workshop: begin step 4, ActiveExpiryCycle::run
      // One round: db.expire_sample(kKeysPerLoop) looks at up to 20 keys with a
      // TTL and deletes the expired ones; add its counts to `result`. Then stop
      // when the budget is spent (elapsed() >= budget: set time_limit_reached),
      // or when at most kAcceptableStalePercent of the sample was expired.
      // 日本語:
      // 1 ラウンド: db.expire_sample(kKeysPerLoop) が TTL 付きのキーを最大 20 個見て、
      // 期限切れを削除します。その数を `result` に足します。そして、予算を使い切ったら
      // (elapsed() >= budget: time_limit_reached を立てる)、またはサンプルの期限切れが
      // kAcceptableStalePercent 以下なら、止まります。
      // TODO(step 4): write this part, then delete the not_implemented line.
      not_implemented(4, "storage/active_expiry.cpp: ActiveExpiryCycle::run");
      // workshop: end
    }
  }

  KeyspaceStats& stats = keyspace.stats();
  if (result.time_limit_reached) ++stats.expired_time_cap_reached_count;
  double stale_percent = result.sampled == 0 ? 0.0
                                             : 100.0 * static_cast<double>(result.expired) /
                                                   static_cast<double>(result.sampled);
  stats.expired_stale_percent = stale_percent * kStaleEstimateWeight +
                                stats.expired_stale_percent * (1 - kStaleEstimateWeight);
  return result;
}

ExpiryCycleResult ActiveExpiryCycle::run(Keyspace& keyspace, int hz) {
  const auto start = std::chrono::steady_clock::now();
  return run(keyspace, hz, [start] {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  });
}

}  // namespace mini_redis::storage
