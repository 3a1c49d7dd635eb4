// LATENCY GRAPH and LATENCY DOCTOR texts (latency_report.h shows their shape).
#include "observability/latency_report.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <span>
#include <string>
#include <vector>

namespace mini_redis::observability {

namespace {

// ---- GRAPH: Redis's sparkline ----------------------------------------------------

constexpr int kGraphRows = 4;
// Each row draws three heights; with fill, the part below a column's top is "|".
constexpr std::string_view kLevels = "_o#";
constexpr int kLevelCount = static_cast<int>(kLevels.size());

struct Point {
  double value = 0;
  std::string label;  // how long ago, e.g. "12s"
};

// "42s", "3m", "5h", "2d": the largest unit that is at least one, truncated.
std::string age_label(std::int64_t elapsed_s) {
  if (elapsed_s < 60) return std::to_string(elapsed_s) + "s";
  if (elapsed_s < 3600) return std::to_string(elapsed_s / 60) + "m";
  if (elapsed_s < 3600 * 24) return std::to_string(elapsed_s / 3600) + "h";
  return std::to_string(elapsed_s / (3600 * 24)) + "d";
}

// One band of up to 80 columns: the chart rows, a blank row, then the labels
// written vertically, one character per row, until the longest ends.
void render_band(std::string& out, std::span<const Point> band, double low, double high) {
  // Every column is placed on one of rows*3 steps between the lowest and the
  // highest sample of the whole graph (not of the band). All samples equal:
  // everything sits on the lowest step.
  const double range = high - low == 0 ? 1 : high - low;
  const int steps = kLevelCount * kGraphRows;
  std::vector<int> heights;
  for (const Point& point : band) {
    // Two truncations, as Redis's `(int)(relval*steps)/relmax` does.
    const double scaled = static_cast<int>((point.value - low) * steps);
    heights.push_back(std::clamp(static_cast<int>(scaled / range), 0, steps - 1));
  }
  const std::size_t width = band.size();
  for (int row = 0; row < kGraphRows; ++row) {
    std::string line(width, ' ');
    for (std::size_t column = 0; column < width; ++column) {
      // The step this row draws at its lowest level.
      const int level = heights[column] - (kGraphRows - row - 1) * kLevelCount;
      if (level >= 0 && level < kLevelCount) {
        line[column] = kLevels[static_cast<std::size_t>(level)];
      } else if (level >= kLevelCount) {
        line[column] = '|';
      }
    }
    out += line;
    out += '\n';
  }
  out += std::string(width, ' ');  // the margin between chart and labels
  out += '\n';
  for (std::size_t position = 0;; ++position) {
    std::string line(width, ' ');
    bool any = false;
    for (std::size_t column = 0; column < width; ++column) {
      const std::string& label = band[column].label;
      if (position < label.size()) {
        line[column] = label[position];
        any = true;
      }
    }
    if (!any) break;
    out += line;
    out += '\n';
  }
}

// ---- DOCTOR --------------------------------------------------------------------

// The advice DOCTOR can give, in the order Redis prints it.
enum Advice : std::size_t {
  kBetterVm,
  kSlowlogEnabled,
  kSlowlogTuning,
  kSlowlogInspect,
  kScheduler,
  kLocalDisk,
  kSsd,
  kDataWriteback,
  kDiskContention,
  kNoAppendfsync,
  kRelaxFsyncPolicy,
  kWriteLoadInfo,
  kHz,
  kLargeObjects,
  kMassEviction,
  kDisableThp,
  kAdviceCount
};

struct AdviceSet {
  std::array<bool, kAdviceCount> wanted{};
  // Redis counts advice as it goes, duplicates included; only "none" matters.
  int count = 0;
  void want(std::initializer_list<Advice> advice) {
    for (Advice one : advice) wanted[one] = true;
    count += static_cast<int>(advice.size());
  }
};

// The line's tail and the advice for one event, by its name.
void advise_for_event(std::string_view event, const LatencyDoctorSettings& settings,
                      AdviceSet& advice, std::string& line) {
  if (event == "fork") {
    const double rate = settings.fork_rate_gb_per_s;
    const char* quality = rate < 10    ? "terrible"
                          : rate < 25  ? "poor"
                          : rate < 100 ? "good"
                                       : "excellent";
    if (rate < 25) advice.want({kBetterVm});
    std::array<char, 96> text{};
    std::snprintf(text.data(), text.size(), " Fork rate is %.2f GB/sec (%s).", rate, quality);
    line += text.data();
  } else if (event == "command") {
    if (settings.slowlog_slower_than_us < 0 || settings.slowlog_max_len == 0) {
      advice.want({kSlowlogEnabled});
    } else if (settings.slowlog_slower_than_us / 1000 > settings.threshold_ms) {
      advice.want({kSlowlogTuning});
    }
    advice.want({kSlowlogInspect, kLargeObjects});
  } else if (event == "fast-command") {
    advice.want({kScheduler});
  } else if (event == "aof-write-pending-fsync") {
    advice.want({kLocalDisk, kDiskContention, kSsd, kDataWriteback});
  } else if (event == "aof-write-active-child") {
    advice.want({kNoAppendfsync, kDataWriteback, kSsd});
  } else if (event == "aof-write-alone") {
    advice.want({kLocalDisk, kDataWriteback, kSsd});
  } else if (event == "aof-fsync-always") {
    advice.want({kRelaxFsyncPolicy});
  } else if (event == "aof-fstat" || event == "rdb-unlink-temp-file") {
    advice.want({kDiskContention, kLocalDisk});
  } else if (event == "aof-rewrite-diff-write" || event == "aof-rename") {
    advice.want({kWriteLoadInfo, kDataWriteback, kSsd, kLocalDisk});
  } else if (event == "expire-cycle") {
    advice.want({kHz, kLargeObjects});
  } else if (event == "eviction-del") {
    advice.want({kLargeObjects});
  } else if (event == "eviction-cycle") {
    advice.want({kMassEviction});
  }
}

std::string advice_text(Advice advice, const LatencyDoctorSettings& settings) {
  const std::string threshold_us = std::to_string(settings.threshold_ms * 1000);
  switch (advice) {
    case kBetterVm:
      return "- If you are using a virtual machine, consider upgrading it with a faster one using "
             "a hypervisior that provides less latency during fork() calls. Xen is known to have "
             "poor fork() performance. Even in the context of the same VM provider, certain kinds "
             "of instances can execute fork faster than others.\n";
    case kSlowlogEnabled:
      return "- There are latency issues with potentially slow commands you are using. Try to "
             "enable the Slow Log Redis feature using the command 'CONFIG SET "
             "slowlog-log-slower-than " +
             threshold_us +
             "'. If the Slow log is disabled Redis is not able to log slow commands execution "
             "for you.\n";
    case kSlowlogTuning:
      return "- Your current Slow Log configuration only logs events that are slower than your "
             "configured latency monitor threshold. Please use 'CONFIG SET "
             "slowlog-log-slower-than " +
             threshold_us + "'.\n";
    case kSlowlogInspect:
      return "- Check your Slow Log to understand what are the commands you are running which are "
             "too slow to execute. Please check https://redis.io/commands/slowlog for more "
             "information.\n";
    case kScheduler:
      return "- The system is slow to execute Redis code paths not containing system calls. This "
             "usually means the system does not provide Redis CPU time to run for long periods. "
             "You should try to:\n"
             "  1) Lower the system load.\n"
             "  2) Use a computer / VM just for Redis if you are running other software in the "
             "same system.\n"
             "  3) Check if you have a \"noisy neighbour\" problem.\n"
             "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency "
             "in your system.\n"
             "  5) Check if the problem is allocator-related by recompiling Redis with "
             "MALLOC=libc, if you are using Jemalloc. However this may create fragmentation "
             "problems.\n";
    case kLocalDisk:
      return "- It is strongly advised to use local disks for persistence, especially if you are "
             "using AOF. Remote disks provided by platform-as-a-service providers are known to be "
             "slow.\n";
    case kSsd:
      return "- SSD disks are able to reduce fsync latency, and total time needed for "
             "snapshotting and AOF log rewriting (resulting in smaller memory usage). With "
             "extremely high write load SSD disks can be a good option. However Redis should "
             "perform reasonably with high load using normal disks. Use this advice as a last "
             "resort.\n";
    case kDataWriteback:
      return "- Mounting ext3/4 filesystems with data=writeback can provide a performance boost "
             "compared to data=ordered, however this mode of operation provides less guarantees, "
             "and sometimes it can happen that after a hard crash the AOF file will have a "
             "half-written command at the end and will require to be repaired before Redis "
             "restarts.\n";
    case kDiskContention:
      return "- Try to lower the disk contention. This is often caused by other disk intensive "
             "processes running in the same computer (including other Redis instances).\n";
    case kNoAppendfsync:
      return "- Assuming from the point of view of data safety this is viable in your "
             "environment, you could try to enable the 'no-appendfsync-on-rewrite' option, so "
             "that fsync will not be performed while there is a child rewriting the AOF file or "
             "producing an RDB file (the moment where there is high disk contention).\n";
    case kRelaxFsyncPolicy:
      return "- Your fsync policy is set to 'always'. It is very hard to get good performances "
             "with such a setup, if possible try to relax the fsync policy to 'onesec'.\n";
    case kWriteLoadInfo:
      return "- Latency during the AOF atomic rename operation or when the final difference is "
             "flushed to the AOF file at the end of the rewrite, sometimes is caused by very high "
             "write load, causing the AOF buffer to get very large. If possible try to send less "
             "commands to accomplish the same work, or use Lua scripts to group multiple "
             "operations into a single EVALSHA call.\n";
    case kHz:
      return "- In order to make the Redis keys expiring process more incremental, try to set "
             "the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
    case kLargeObjects:
      return "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a "
             "blocking operation. If you have very large objects that are often deleted, "
             "expired, or evicted, try to fragment those objects into multiple smaller "
             "objects.\n";
    case kMassEviction:
      return "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of "
             "large objects via sets or sorted sets intersections, STORE option of SORT, Redis "
             "Cluster large keys migrations (RESTORE command), may create sudden memory pressure "
             "forcing the server to block trying to evict keys. \n";
    case kDisableThp:
      return "- I detected a non zero amount of anonymous huge pages used by your process. This "
             "creates very serious latency events in different conditions, especially when Redis "
             "is persisting on disk. To disable THP support use the command 'echo never > "
             "/sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into "
             "/etc/rc.local so that the command will be executed again after a reboot. Note that "
             "even if you have already disabled THP, you still need to restart the Redis process "
             "to get rid of the huge pages already created.\n";
    case kAdviceCount: break;
  }
  return {};
}

// Some advice only applies under a setting Redis checks when printing it.
bool advice_applies(Advice advice, const LatencyDoctorSettings& settings) {
  if (advice == kRelaxFsyncPolicy) return settings.fsync_always;
  if (advice == kHz) return settings.hz < 100;
  return true;
}

}  // namespace

std::string render_latency_graph(std::string_view event, const LatencyMonitor::Series& series,
                                 std::int64_t now_s) {
  std::vector<Point> points;
  std::uint32_t low = 0;
  std::uint32_t high = 0;
  for (const LatencyMonitor::Sample& sample : series.chronological()) {
    if (points.empty()) {
      low = high = sample.latency_ms;
    } else {
      low = std::min(low, sample.latency_ms);
      high = std::max(high, sample.latency_ms);
    }
    points.push_back(
        {static_cast<double>(sample.latency_ms), age_label(now_s - sample.unix_time_s)});
  }
  std::string out = std::string(event) + " - high " + std::to_string(high) + " ms, low " +
                    std::to_string(low) + " ms (all time high " + std::to_string(series.max_ms) +
                    " ms)\n";
  out += std::string(kLatencyGraphColumns, '-');
  out += '\n';
  // Bands of 80 columns, separated by an empty line.
  const std::span<const Point> all(points);
  for (std::size_t start = 0; start < all.size(); start += kLatencyGraphColumns) {
    if (start != 0) out += '\n';
    const std::size_t length = std::min<std::size_t>(kLatencyGraphColumns, all.size() - start);
    render_band(out, all.subspan(start, length), low, high);
  }
  return out;
}

std::string render_latency_doctor(const LatencyMonitor& monitor,
                                  const LatencyDoctorSettings& settings, std::int64_t now_s) {
  // Never switched on and nothing recorded: Redis declines to analyse.
  if (monitor.events().empty() && settings.threshold_ms == 0) {
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
           "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in "
           "order to enable it. If we weren't in a deep space mission I'd suggest to take a look "
           "at https://redis.io/topics/latency-monitor.\n";
  }
  std::string report;
  AdviceSet advice;
  int number = 0;
  for (const LatencyMonitor::Event& event : monitor.events()) {
    if (++number == 1) {
      report +=
          "Dave, I have observed latency spikes in this Redis instance. You don't mind "
          "talking about it, do you Dave?\n\n";
    }
    const LatencyAnalysis stats = analyze_latency(event.series, now_s);
    std::array<char, 512> line{};
    std::snprintf(line.data(), line.size(),
                  "%d. %s: %u latency spikes (average %llums, mean deviation %llums, period %.2f "
                  "sec). Worst all time event %lums.",
                  number, event.name.c_str(), stats.samples,
                  static_cast<unsigned long long>(stats.average_ms),
                  static_cast<unsigned long long>(stats.mean_deviation_ms),
                  static_cast<double>(stats.period_s) / stats.samples,
                  static_cast<unsigned long>(event.series.max_ms));
    std::string text = line.data();
    advise_for_event(event.name, settings, advice, text);
    report += text;
    report += '\n';
  }
  if (settings.anonymous_huge_pages) advice.want({kDisableThp});

  if (number == 0 && advice.count == 0) {
    report +=
        "Dave, no latency spike was observed during the lifetime of this Redis instance, "
        "not in the slightest bit. I honestly think you ought to sit down calmly, take a "
        "stress pill, and think things over.\n";
  } else if (number > 0 && advice.count == 0) {
    report +=
        "\nWhile there are latency events logged, I'm not able to suggest any easy fix. "
        "Please use the Redis community to get some help, providing this report in your "
        "help request.\n";
  } else {
    report += "\nI have a few advices for you:\n\n";
    for (std::size_t one = 0; one < kAdviceCount; ++one) {
      const auto kind = static_cast<Advice>(one);
      if (advice.wanted[one] && advice_applies(kind, settings))
        report += advice_text(kind, settings);
    }
  }
  return report;
}

bool process_uses_anonymous_huge_pages() {
  std::ifstream smaps("/proc/self/smaps_rollup");
  std::string line;
  while (std::getline(smaps, line)) {
    if (line.starts_with("AnonHugePages:")) {
      return line.find_first_of("123456789") != std::string::npos;
    }
  }
  return false;
}

}  // namespace mini_redis::observability
