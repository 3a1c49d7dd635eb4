// Clock: where storage learns the time.
//
// Redis stores expire times as absolute Unix milliseconds and compares them
// with "now" on every lookup. Tests must not sleep to see a key expire, so the
// time comes from an interface: the server uses SystemClock, tests a
// ManualClock they advance by hand.
#pragma once

#include <chrono>
#include <cstdint>

namespace mini_redis::storage {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  [[nodiscard]] virtual std::int64_t now_ms() const = 0;
  // Microseconds since the Unix epoch, for TIME. Expiry needs only
  // milliseconds, so a clock may keep just those.
  [[nodiscard]] virtual std::int64_t now_us() const { return now_ms() * 1000; }
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] std::int64_t now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
  [[nodiscard]] std::int64_t now_us() const override {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  [[nodiscard]] std::int64_t now_ms() const override { return now_; }
  void set(std::int64_t ms) { now_ = ms; }
  void advance(std::int64_t ms) { now_ += ms; }

 private:
  std::int64_t now_;
};

}  // namespace mini_redis::storage
