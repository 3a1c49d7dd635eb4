// notify-keyspace-events: which keyspace notifications are published.
//
// The setting is a string of letters, each naming a class of events (see
// pubsub/notifications.h for the events themselves); the server keeps it as
// the bit set below, Redis's NOTIFY_* values, so that a command's check
// "is this class on?" is one AND of two integers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mini_redis::config {

// The bits of Config::notify_keyspace_events, Redis's NOTIFY_* values.
namespace notify {
inline constexpr std::uint32_t kKeyspace = 1U << 0;  // K
inline constexpr std::uint32_t kKeyevent = 1U << 1;  // E
inline constexpr std::uint32_t kGeneric = 1U << 2;   // g
inline constexpr std::uint32_t kString = 1U << 3;    // $
inline constexpr std::uint32_t kList = 1U << 4;      // l
inline constexpr std::uint32_t kSet = 1U << 5;       // s
inline constexpr std::uint32_t kHash = 1U << 6;      // h
inline constexpr std::uint32_t kZset = 1U << 7;      // z
inline constexpr std::uint32_t kExpired = 1U << 8;   // x
inline constexpr std::uint32_t kEvicted = 1U << 9;   // e
inline constexpr std::uint32_t kStream = 1U << 10;   // t
inline constexpr std::uint32_t kKeyMiss = 1U << 11;  // m
// (1 << 12 is Redis's "loaded", for modules only; no letter.)
inline constexpr std::uint32_t kModule = 1U << 13;  // d
inline constexpr std::uint32_t kNew = 1U << 14;     // n
// A: every class but m and n, which are left out because they are costly
// (a message for every read miss, every key created).
inline constexpr std::uint32_t kAll =
    kGeneric | kString | kList | kSet | kHash | kZset | kExpired | kEvicted | kStream | kModule;
}  // namespace notify

// CONFIG SET notify-keyspace-events: the flags the letters name, or nothing
// when one letter is not among "Ag$lshzxeKEtmdn". The empty string is valid
// (notifications off).
std::optional<std::uint32_t> parse_notify_flags(std::string_view letters);

// CONFIG GET notify-keyspace-events, in Redis's normal form: "A" when every
// class of A is set, else the class letters in the order g$lshzxetdn; then
// K, E, m. Redis writes n only in the second case, so after "AKEn" CONFIG
// GET answers "AKE" although "new" events are on; we answer the same.
std::string format_notify_flags(std::uint32_t flags);

}  // namespace mini_redis::config
