// AclLog: the ACL LOG, the recent refusals a security-minded operator wants
// to see: failed AUTHs and commands denied by a user's permissions.
//
// As in Redis 7.0, an entry says why (reason "auth", "command", "key" or
// "channel"), where ("toplevel", "multi" or "lua"), what was refused (the
// command's full name, the key, the channel, or "AUTH"), for which user,
// when, and which client (its CLIENT LIST line). The same refusal repeated
// within a minute does not add an entry: the entry found among the 10 most
// recent counts it, takes the newer time and client, and moves to the head
// of the log, as the newest (Redis's ACLAddLogEntry unlinks it and adds it
// back at the head). The log keeps acllog-max-len entries, newest first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace mini_redis::commands {

struct AclLogEntry {
  std::int64_t count = 1;
  std::string_view reason;   // "auth", "command", "key", "channel"
  std::string_view context;  // "toplevel", "multi", "lua"
  std::string object;
  std::string username;
  std::int64_t created_ms = 0;
  std::string client_info;
};

class AclLog {
 public:
  // Redis's ACL_LOG_GROUPING_MAX_TIME_DELTA, and how many recent entries it
  // searches for a similar one.
  static constexpr std::int64_t kGroupingWindowMs = 60000;
  static constexpr std::size_t kGroupingSearch = 10;

  void add(AclLogEntry entry, std::size_t max_len);
  void clear() { entries_.clear(); }
  // Drops the oldest entries past `max_len` (acllog-max-len was lowered).
  void trim(std::size_t max_len);
  [[nodiscard]] const std::deque<AclLogEntry>& entries() const { return entries_; }

 private:
  std::deque<AclLogEntry> entries_;  // newest first
};

inline void AclLog::add(AclLogEntry entry, std::size_t max_len) {
  const std::size_t search = entries_.size() < kGroupingSearch ? entries_.size() : kGroupingSearch;
  for (std::size_t i = 0; i < search; ++i) {
    AclLogEntry& old = entries_[i];
    if (old.reason == entry.reason && old.context == entry.context && old.object == entry.object &&
        old.username == entry.username && entry.created_ms - old.created_ms < kGroupingWindowMs) {
      AclLogEntry updated = std::move(old);
      ++updated.count;
      updated.created_ms = entry.created_ms;
      updated.client_info = std::move(entry.client_info);
      entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
      entries_.push_front(std::move(updated));
      return;
    }
  }
  entries_.push_front(std::move(entry));
  trim(max_len);
}

inline void AclLog::trim(std::size_t max_len) {
  while (entries_.size() > max_len) entries_.pop_back();
}

}  // namespace mini_redis::commands
