// The main() of the step 1-4 test programs: GoogleTest's, plus a watchdog.
//
// A wrong loop in the learner's code (a sampling loop without its exit in
// step 4, a parser that never advances in step 1) would otherwise hang a test
// until ctest or `make` gives up, minutes later, with a bare "timeout". Here
// every test gets kTestSeconds: past that, the watchdog names the test, says
// what it was waiting for (the test's own WORKSHOP_EXPECT text, or a default),
// and ends the program with a failure at once.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "support/step_support.h"

namespace {

// Every step test runs in milliseconds; a few seconds means a loop that never ends.
constexpr std::chrono::seconds kTestSeconds{5};

class Watchdog final : public ::testing::EmptyTestEventListener {
 public:
  Watchdog() : thread_([this] { watch(); }) {}
  ~Watchdog() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  void OnTestStart(const ::testing::TestInfo& info) override {
    std::lock_guard lock(mutex_);
    running_ = std::string(info.test_suite_name()) + "." + info.name();
    deadline_ = std::chrono::steady_clock::now() + kTestSeconds;
    changed_.notify_all();
  }
  void OnTestEnd(const ::testing::TestInfo&) override {
    std::lock_guard lock(mutex_);
    running_.clear();
    changed_.notify_all();
  }

 private:
  void watch() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      if (running_.empty()) {
        changed_.wait(lock);
        continue;
      }
      const std::string test = running_;
      if (changed_.wait_until(lock, deadline_) == std::cv_status::timeout && running_ == test &&
          std::chrono::steady_clock::now() >= deadline_) {
        std::fprintf(stderr,
                     "\n[  TIMEOUT ] %s still runs after %lld s.\n"
                     "             Expected: %s\n"
                     "             A loop in your code probably never ends.\n",
                     test.c_str(), static_cast<long long>(kTestSeconds.count()),
                     mini_redis::workshop::current_expectation().c_str());
        std::fflush(stderr);
        std::_Exit(1);
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::string running_;
  std::chrono::steady_clock::time_point deadline_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::UnitTest::GetInstance()->listeners().Append(new Watchdog);
  return RUN_ALL_TESTS();
}
