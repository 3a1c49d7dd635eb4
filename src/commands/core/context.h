// Context: everything a command handler may touch while it runs.
//
// A handler never sees a socket. It gets the client's state (selected
// database, protocol version, name...), a ReplyWriter to answer through, the
// keyspace, the settings, and a small ServerServices interface for the few
// things only the server can do (list the other clients, shut down). server/
// implements that interface; tests implement a fake one. That is what keeps
// commands/ free of Asio and testable on plain strings.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "commands/core/blocked_state.h"
#include "commands/core/transaction_state.h"
#include "config/config.h"
#include "observability/server_stats.h"
#include "protocol/reply_writer.h"
#include "pubsub/notifications.h"
#include "pubsub/pubsub.h"
#include "storage/keyspace.h"

namespace mini_redis::pubsub {
class Tracking;  // pubsub/tracking.h: CLIENT TRACKING's tables
}  // namespace mini_redis::pubsub

namespace mini_redis::storage {
class BigArguments;  // storage/string_block.h: big arguments read into blocks of their own
}  // namespace mini_redis::storage

namespace mini_redis::scripting {
class ScriptEngine;  // scripting/script_engine.h: EVAL's Lua interpreter and script cache
}  // namespace mini_redis::scripting

namespace mini_redis::commands {

// The parts of the server that commands use and that live in their own
// layers (config/, pubsub/, observability/), under their short names.
using config::Config;
using config::format_percentile;
using config::get_config_values;
using config::OutputBufferLimit;
using config::set_config_value;
using observability::CommandStats;
using observability::CommandStatsTable;
using observability::ErrorStats;
using observability::InstantaneousMetrics;
using observability::LatencyHistogram;
using observability::ServerStats;
using observability::Slowlog;
using observability::SlowlogEntry;
using pubsub::KeyspaceNotifier;
using pubsub::PubSub;
using pubsub::PushTarget;
using pubsub::Subscriber;
using pubsub::Subscriptions;

class CommandTable;

class MonitorFeed;
class BlockingRegistry;
class WatchedKeys;    // commands/core/watched_keys.h
struct AclUser;       // commands/core/acl_user.h
class AccessControl;  // the users and the ACL LOG
class Propagation;    // commands/core/propagation.h: effects for the AOF
struct ClientPause;   // commands/core/client_pause.h: CLIENT PAUSE
enum class PauseKind;

// CLIENT REPLY ON|OFF|SKIP.
enum class ReplyMode { on, off, skip_next };

// What BGSAVE got from the server (server/snapshots.h).
enum class BackgroundSave { started, already_running, failed };
// SHUTDOWN's choice about the final snapshot: as configured (save if there
// are save points), SAVE (even without), NOSAVE.
enum class ShutdownSave { as_configured, save, nosave };

// What a command may know about, and change in, the connection that sent it.
struct ClientState : pubsub::Subscriber {
  std::int64_t id = 0;
  int db_index = 0;
  std::string name;          // CLIENT SETNAME / HELLO SETNAME
  std::string library_name;  // CLIENT SETINFO LIB-NAME
  std::string library_version;
  std::string peer_address;   // "127.0.0.1:53122" (CLIENT LIST addr=)
  std::string local_address;  // "127.0.0.1:6379" (CLIENT LIST laddr=)
  int socket_fd = -1;
  bool unix_socket = false;  // connected through unixsocket, not TCP
  std::int64_t created_ms = 0;
  std::int64_t last_command_ms = 0;
  // CLIENT LIST cmd=: the full name of the last command ("client|list"). It
  // points into the command table, which outlives every client.
  std::string_view last_command = "NULL";
  ReplyMode reply_mode = ReplyMode::on;
  // True while the command after a CLIENT REPLY SKIP runs: its reply is dropped.
  bool skipping_reply = false;
  // Set by the dispatcher while a command whose reply is being dropped runs.
  // Pub/Sub frames (subscribe confirmations, messages) are pushes, which
  // Redis 7.0 delivers even then (its CLIENT_PUSHING flag): they collect in
  // pushes_while_silenced and survive the drop. See push_writer().
  bool running_silenced = false;
  std::string pushes_while_silenced;
  // Set by the dispatcher while this client's command runs. Only a busy
  // script (scripting/busy_script.cpp) lets the event loop run meanwhile;
  // the server must then not write this client's output, in which the
  // running command's reply is being built (Redis's protectClient).
  bool running_command = false;
  bool close_after_reply = false;  // set by QUIT; the server closes once flushed
  // Arguments of the running command that the slowlog (and MONITOR) must not
  // show, one bit per position: HELLO ... AUTH <user> <password> hides both,
  // as Redis's redactClientCommandArgument() does. The dispatcher clears it
  // after each command. Use redact_argument().
  std::uint64_t redacted_arguments = 0;
  bool monitor = false;  // MONITOR: receives a line for every command run
  // Set while a blocking command (BLPOP...) keeps the client waiting; see
  // commands/core/blocking.h. Null for every client that is not parked.
  std::unique_ptr<BlockedState> blocked;
  // Redis's CLIENT_DENY_BLOCKING: inside MULTI/EXEC or a script a blocking
  // command must not wait, and answers as if its time had run out.
  bool deny_blocking = false;
  // The two clients that are not connections: a script's (Redis's
  // CLIENT_SCRIPT) and the one replaying the AOF at start-up, which Redis
  // obeys without some checks (mustObeyClient). The few commands that
  // behave differently for them ask these.
  bool is_script = false;
  bool is_loading = false;
  // CLIENT PAUSE holds this client's next command (commands/core/client_pause.h):
  // set by the dispatcher, which then runs nothing; the server parks the
  // client with that request still unread, and clears it when the pause ends.
  bool postponed = false;
  bool no_evict = false;  // CLIENT NO-EVICT ON (CLIENT LIST flag e)
  // MULTI ... EXEC and WATCH: the queued commands, the watched keys and
  // whether EXEC will refuse (commands/core/transaction_state.h).
  TransactionState transaction;
  // ACL (commands/core/acl_user.h): the user this connection runs commands
  // as (the server starts every connection as "default"), and whether it
  // has authenticated as that user. Null only in tests that build a client
  // by hand: it then runs unchecked.
  std::shared_ptr<const AclUser> user;
  bool authenticated = true;

  // Redis's CLIENT_PUBSUB flag: subscribed to anything. In RESP2 such a
  // client may only run the (un)subscribe family, PING, QUIT and RESET,
  // because its replies and its messages would be indistinguishable.
  [[nodiscard]] bool subscribed() const { return !subscriptions.empty(); }
  [[nodiscard]] bool in_resp2_subscribed_mode() const {
    return subscribed() && protocol == protocol::ProtocolVersion::resp2;
  }

  // Filled in by the server when listing: buffer sizes CLIENT LIST shows.
  std::size_t query_buffer_bytes = 0;
  std::size_t query_buffer_free = 0;
  std::size_t output_buffer_bytes = 0;
};

// Marks argument `position` of the running command as secret (see
// ClientState::redacted_arguments). Positions past 63 cannot be marked; no
// command has secrets that far out.
inline void redact_argument(ClientState& client, std::size_t position) {
  if (position < 64) client.redacted_arguments |= std::uint64_t{1} << position;
}

// The few things only the server can do for a command.
class ServerServices {
 public:
  virtual ~ServerServices() = default;
  // Calls `visit` for every connected client, in connection order.
  virtual void for_each_client(const std::function<void(const ClientState&)>& visit) const = 0;
  [[nodiscard]] virtual std::size_t connected_clients() const = 0;
  // CLIENT KILL: closes every client for which `should_kill` is true and
  // returns how many. Killed clients leave the client list at once (INFO
  // and CLIENT LIST right after no longer count them, as in Redis). The
  // predicate must never pick the client running the command: a command
  // closes its own connection with close_after_reply, so that it still
  // gets its reply.
  virtual std::size_t kill_clients(const std::function<bool(const ClientState&)>& should_kill) = 0;
  // SHUTDOWN: saves the final snapshot as `save` says; false (logged) if
  // that failed, or the first AOF rewrite still runs, and then nothing else
  // happens, unless `force` (SHUTDOWN FORCE). Otherwise the server stops
  // accepting, closes the clients and leaves the event loop once the
  // running command is done.
  virtual bool request_shutdown(ShutdownSave save, bool force) = 0;
  // SAVE: writes the RDB file now, in the foreground; false (logged) if it
  // could not.
  virtual bool save_snapshot() = 0;
  // BGSAVE: a forked child writes the RDB file.
  virtual BackgroundSave start_background_save() = 0;
  // FLUSHALL: Redis stops a running BGSAVE (its snapshot is stale) and,
  // when save points are set, saves the now empty dataset at once.
  virtual void dataset_flushed() = 0;
  // BGREWRITEAOF: a forked child writes the AOF's new base file;
  // already_running means a BGSAVE child runs and the rewrite is scheduled
  // for when it ends.
  virtual BackgroundSave start_aof_rewrite() = 0;
  // CONFIG SET appendonly: the AOF starts (with a rewrite) or stops.
  virtual void appendonly_changed() = 0;
  // CLIENT UNBLOCK: ends the wait of the client `id` if a blocking command
  // parks it (blocking.h), answering it as a timeout or, `with_error`, with
  // -UNBLOCKED; false if there is no such client or it is not waiting.
  virtual bool unblock_client(std::int64_t id, bool with_error) = 0;
  // CLIENT PAUSE: lengthens and widens the pause (client_pause.h) up to
  // `end_ms`; CLIENT UNPAUSE ends it, and the held clients resume in order.
  // Without a server (tests) there is nothing to pause.
  virtual void pause_clients(PauseKind /*kind*/, std::int64_t /*end_ms*/) {}
  virtual void unpause_clients() {}
  // How many clients a pause holds now (INFO's blocked_clients counts them,
  // as Redis 7.0 blocks a held client with BLOCKED_POSTPONE).
  [[nodiscard]] virtual std::size_t paused_clients() const { return 0; }
};

struct Context {
  ClientState& client;
  protocol::ReplyWriter& reply;
  storage::Keyspace& keyspace;
  Config& config;
  ServerStats& stats;
  ServerServices& server;
  const CommandTable& commands;
  PubSub& pubsub;
  MonitorFeed& monitors;
  BlockingRegistry& blocking;
  // The users and the ACL LOG; null in tests that do not need them.
  AccessControl* acl = nullptr;
  // Who WATCHes which key (commands/core/watched_keys.h); every write tells
  // it through notify_keyspace_event(). Null in tests that do not need it.
  WatchedKeys* watched_keys = nullptr;
  // The Lua interpreter and the script cache behind EVAL and SCRIPT (one per
  // server, scripting/script_engine.h). Null in tests that do not need it:
  // EVAL then answers an error.
  scripting::ScriptEngine* scripts = nullptr;
  // Where the effects of writes go on their way to the AOF (propagation.h).
  // Null in tests that do not need it.
  Propagation* propagation = nullptr;
  // CLIENT TRACKING's tables (pubsub/tracking.h), told about every write;
  // and CLIENT PAUSE's state, which the dispatcher consults. Null in tests
  // that do not need them.
  pubsub::Tracking* tracking = nullptr;
  const ClientPause* pause = nullptr;
  // The running command's big arguments, each read into a block of its own
  // that SET may keep as the value instead of copying it (Redis's
  // PROTO_MBULK_BIG_ARG; storage/string_block.h). Null, or empty, for a
  // command without any (a script's, a queued one, a test's).
  storage::BigArguments* big_arguments = nullptr;

  storage::Database& db() { return keyspace.db(client.db_index); }
  [[nodiscard]] std::int64_t now_ms() const { return keyspace.clock().now_ms(); }
};

// A handler's view of its request: argument 0 is the command name as sent.
using Arguments = std::span<const std::string_view>;

}  // namespace mini_redis::commands
