// Error texts, exactly as Redis 7.0 sends them (without the leading '-').
//
// Clients and test suites match on these bytes, so each text lives here once
// under a name, and every command that fails the same way says the same thing.
// Texts that embed a value (a command name, an option) are built by the
// functions at the bottom.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace mini_redis::commands::errors {

inline constexpr std::string_view kSyntax = "ERR syntax error";
// maxmemory reached and nothing left to evict (Redis's shared.oomerr).
inline constexpr std::string_view kOutOfMemory =
    "OOM command not allowed when used memory > 'maxmemory'.";
// stop-writes-on-bgsave-error, after a failed BGSAVE.
inline constexpr std::string_view kSnapshotsFailing =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
    "to disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
    "RDB error.";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kIncrementOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kDecrementOverflow =
    "ERR decrement would overflow";  // DECRBY k -2^63
inline constexpr std::string_view kIncrementNanOrInfinity =
    "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
// A MONITOR client is flagged as a replica in Redis, and replicas may not read
// or write keys.
inline constexpr std::string_view kReplicaKeyspace = "ERR Replica can't interact with the keyspace";

// "ERR wrong number of arguments for 'get' command" (subcommands: 'client|id').
std::string wrong_arity(std::string_view full_name);
// The AOF could not be written or fsynced (Redis's writeCommandsGetDiskErrorMessage).
std::string aof_write_failing(int error_number);
// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
std::string unknown_command(std::string_view name, std::span<const std::string_view> args);
// "ERR unknown subcommand 'foo'. Try CLIENT HELP."
std::string unknown_subcommand(std::string_view subcommand, std::string_view command);
// "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP."
std::string subcommand_syntax_error(std::string_view subcommand, std::string_view command);
// "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT /
// RESET are allowed in this context" (a RESP2 client that is subscribed)
std::string not_allowed_while_subscribed(std::string_view full_name);
// "ERR invalid expire time in 'set' command"
std::string invalid_expire_time(std::string_view command);

}  // namespace mini_redis::commands::errors
