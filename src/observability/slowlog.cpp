// Slowlog: see slowlog.h.
#include "observability/slowlog.h"

#include <algorithm>

namespace mini_redis::observability {

namespace {

// An argument as the log keeps it: whole, or its first 128 bytes followed by
// how many were left out.
std::string trimmed_argument(std::string_view argument) {
  if (argument.size() <= Slowlog::kMaxArgumentBytes) return std::string(argument);
  std::string kept(argument.substr(0, Slowlog::kMaxArgumentBytes));
  kept += "... (" + std::to_string(argument.size() - Slowlog::kMaxArgumentBytes) + " more bytes)";
  return kept;
}

}  // namespace

void Slowlog::push_if_slow(const Command& command, std::int64_t log_slower_than_us,
                           std::uint64_t max_len) {
  if (log_slower_than_us < 0) return;  // negative: the slowlog is off
  if (command.duration_us < static_cast<std::uint64_t>(log_slower_than_us)) return;

  SlowlogEntry entry{.id = next_id_++,
                     .unix_time_s = command.unix_time_s,
                     .duration_us = command.duration_us,
                     .arguments = {},
                     .client_address = std::string(command.client_address),
                     .client_name = std::string(command.client_name)};
  // With more than 32 arguments, the 32nd slot counts the ones not kept
  // (itself included): 40 arguments keep 31 and say "... (9 more arguments)".
  const std::span<const std::string_view> arguments = command.arguments;
  const bool cut = arguments.size() > kMaxArguments;
  const std::size_t kept = cut ? kMaxArguments - 1 : arguments.size();
  entry.arguments.reserve(cut ? kMaxArguments : kept);
  for (std::size_t i = 0; i < kept; ++i) {
    const bool secret = i < 64 && (command.redacted >> i & 1U) != 0;
    entry.arguments.push_back(secret ? std::string("(redacted)") : trimmed_argument(arguments[i]));
  }
  if (cut) {
    entry.arguments.push_back("... (" + std::to_string(arguments.size() - kept) +
                              " more arguments)");
  }
  entries_.push_front(std::move(entry));

  // A smaller slowlog-max-len takes effect here, at the next entry, as in Redis.
  while (entries_.size() > max_len) entries_.pop_back();
}

}  // namespace mini_redis::observability
