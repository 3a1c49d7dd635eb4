// Server: the event loop, the listeners, the clients and the cron.
//
// One thread runs one asio::io_context, exactly like Redis's single-threaded
// event loop (and like Python's asyncio loop); run_event_loop() polls a few
// microseconds before it sleeps, which spares wake-ups under load. On it live:
//   - an accept coroutine per listener (TCP, and a Unix socket if configured),
//     which spawns a Connection coroutine per client;
//   - the cron coroutine, woken `hz` times a second, which runs the active
//     expiry cycle, moves ongoing hash-table rehashes along, and closes
//     clients that are idle past `timeout` or over their output soft limit;
//   - a signal handler turning SIGINT / SIGTERM into a clean shutdown.
//
// Before it listens, the server makes sure it can hold maxclients open
// sockets: it raises its open-files limit to maxclients + 32, or lowers
// maxclients to fit the limit, as Redis does. Should accept() still fail (out
// of descriptors after all), it pauses instead of retrying in a tight loop.
//
// The Server is also the commands' ServerServices: it lists clients for
// CLIENT LIST, closes them for CLIENT KILL and performs SHUTDOWN. And it
// serves the clients that BLPOP and friends park (commands/core/blocking.h):
// after each command, every key that got a value while clients waited on it
// serves them, longest-waiting first.
//
// Two files define it: server_clients.cpp the listeners and the clients
// (accepting, refusing, the registry, queued writes), server.cpp the rest.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "commands/core/acl_user.h"
#include "commands/core/blocking.h"
#include "commands/core/client_pause.h"
#include "commands/core/command_table.h"
#include "commands/core/context.h"
#include "commands/core/watched_keys.h"
#include "commands/server/monitor.h"
#include "config/config.h"
#include "observability/server_stats.h"
#include "pubsub/notifications.h"
#include "pubsub/pubsub.h"
#include "pubsub/tracking.h"
#include "scripting/script_engine.h"
#include "server/append_only_file.h"
#include "server/connection.h"
#include "server/logger.h"
#include "server/server_options.h"
#include "server/snapshots.h"
#include "storage/active_expiry.h"
#include "storage/clock.h"
#include "storage/keyspace.h"

namespace mini_redis::server {

class Server final : public commands::ServerServices {
 public:
  Server(ServerOptions options, Logger& logger);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Raises the open-files limit for maxclients (or lowers maxclients to fit
  // it), then opens the listeners; false (after logging why) if the limit is
  // hopeless or a listener cannot be opened.
  bool listen();
  // Runs the event loop until SHUTDOWN or a signal; returns the exit code.
  int run();

  // ---- commands::ServerServices ----
  void for_each_client(
      const std::function<void(const commands::ClientState&)>& visit) const override;
  [[nodiscard]] std::size_t connected_clients() const override { return clients_.size(); }
  std::size_t kill_clients(
      const std::function<bool(const commands::ClientState&)>& should_kill) override;
  bool request_shutdown(commands::ShutdownSave save, bool force) override;
  bool save_snapshot() override { return snapshots_.save(); }
  commands::BackgroundSave start_background_save() override {
    return snapshots_.start_background_save();
  }
  void dataset_flushed() override;
  commands::BackgroundSave start_aof_rewrite() override;
  void appendonly_changed() override;
  // Before any reply leaves: the AOF's pending writes go to the file (and,
  // under appendfsync always, to the disk).
  void flush_append_only_file() { aof_.flush_before_replies(); }
  commands::Propagation& propagation() { return propagation_; }
  bool unblock_client(std::int64_t id, bool with_error) override;
  void pause_clients(commands::PauseKind kind, std::int64_t end_ms) override;
  void unpause_clients() override;
  [[nodiscard]] std::size_t paused_clients() const override { return postponed_.size(); }

  // ---- for connections ----
  storage::Keyspace& keyspace() { return keyspace_; }
  commands::Config& config() { return config_; }
  commands::ServerStats& stats() { return stats_; }
  const commands::CommandTable& commands() const { return commands_; }
  commands::PubSub& pubsub() { return pubsub_; }
  commands::MonitorFeed& monitors() { return monitors_; }
  commands::BlockingRegistry& blocking() { return blocking_; }
  commands::AccessControl& acl() { return acl_; }
  commands::WatchedKeys& watched_keys() { return watched_keys_; }
  pubsub::Tracking& tracking() { return tracking_; }
  const commands::ClientPause& pause() const { return pause_; }
  // CLIENT PAUSE held this connection's command (client_pause.h): it waits,
  // in line behind the clients held before it, until the pause ends.
  void postpone(Connection& connection) { postponed_.push_back(&connection); }
  scripting::ScriptEngine& scripts() { return scripts_; }
  Logger& logger() { return logger_; }
  [[nodiscard]] std::int64_t now_ms() const { return clock_.now_ms(); }
  // Takes a connection out of the client list; nothing if CLIENT KILL already did.
  void remove_client(Connection& connection);
  // Writes this connection's pending output soon, together with every other
  // connection queued before the loop comes round (Pub/Sub fan-out).
  void queue_write(std::shared_ptr<Connection> connection);
  // Serves the parked clients of every key that became ready (Redis's
  // handleClientsBlockedOnKeys), until serving them readies no more keys
  // (a BLMOVE's destination may serve another client). Connections call it
  // after each command; it costs one test when no key is ready.
  // Not while a script is busy: the clients its hook serves must not pop
  // what the script pushed before the script is over.
  void serve_blocked_clients() {
    if (blocking_.has_ready_keys() && !scripts_.busy()) serve_ready_keys();
  }
  // A client sent POST or Host: (protocol/cross_protocol_guard.h): logs
  // Redis's warning, at most once a minute as Redis does.
  void report_cross_protocol_attack();

 private:
  // requirepass, then the users of the config file or of the aclfile (not
  // both, as Redis insists); false (after logging why) on a bad user.
  bool load_users();
  // Protected mode: a client from beyond loopback, while the default user
  // needs no password, gets Redis's -DENIED text and is closed.
  bool denied_by_protected_mode(const std::string& peer, bool unix_socket) const;
  // Redis's adjustOpenFilesLimit(); false if not even 32 descriptors are left.
  bool adjust_open_files_limit();
  asio::awaitable<void> accept_tcp(asio::ip::tcp::acceptor& acceptor);
  asio::awaitable<void> accept_unix(asio::local::stream_protocol::acceptor& acceptor);
  // After accept() failed: logs it (rate-limited) and waits a moment before
  // the next try, instead of spinning on a connection that stays queued.
  asio::awaitable<void> recover_from_accept_error(const asio::error_code& error);
  asio::awaitable<void> cron();
  void run_event_loop();
  void add_client(Socket socket, std::string peer, std::string local, bool unix_socket);
  // Turns a new connection away with `error` (maxclients, protected mode),
  // counted in INFO's rejected_connections.
  void refuse_connection(Socket& socket, std::string_view error);
  // Takes a client off the list and out of Pub/Sub and MONITOR.
  void forget_client(Connection& connection);
  // Logs `reason`, then saves the final snapshot as `save` says; false when
  // that failed (the server then stays up, as Redis does). Otherwise closes
  // the listeners and the clients so that the loop ends.
  bool shutdown_now(std::string_view reason, commands::ShutdownSave save, bool force);
  void close_everything();
  // SIGINT / SIGTERM: a shutdown as configured; waits again if it failed.
  void wait_for_signals();
  // What SIGINT / SIGTERM do: a shutdown as configured; false (logged) if
  // the final save failed and the server stays up.
  bool handle_shutdown_signal(int signal_number);
  // The dataset at start-up: from the AOF with appendonly yes (the RDB file
  // is then not read, as in Redis), else from the RDB file.
  bool load_dataset();
  // One command of the AOF, run as loading_client_ (an empty one: a new file).
  void replay(std::span<const std::string_view> args);
  void serve_ready_keys();
  // The pause's timer: ends it when its time has come (it may have been
  // lengthened meanwhile).
  void arm_pause_timer();
  // The connection that owns a client's state (the server's clients always
  // have one: it is their push target).
  static Connection& connection_of(commands::ClientState& client);

  // What storage reports on its own goes three ways: keyspace notifications
  // (new, expired, evicted), for a new key the clients that may wait on it,
  // and for an expired or evicted key the clients that WATCH it (Redis's
  // signalModifiedKey there: the key changed, from a value to nothing).
  class KeyspaceEvents final : public storage::KeyspaceObserver {
   public:
    KeyspaceEvents(commands::KeyspaceNotifier& notifier, commands::BlockingRegistry& blocking,
                   commands::WatchedKeys& watched_keys, commands::Propagation& propagation,
                   pubsub::Tracking& tracking)
        : notifier_(&notifier),
          blocking_(&blocking),
          watched_keys_(&watched_keys),
          propagation_(&propagation),
          tracking_(&tracking) {}
    void key_added(int db_index, std::string_view key) override {
      notifier_->key_added(db_index, key);
      blocking_->signal_key_added(db_index, key);
    }
    // An expired or evicted key reaches the AOF as DEL (Redis's
    // propagateDeletion), so that a replay does not bring it back.
    void key_expired(int db_index, std::string_view key) override {
      watched_keys_->touch(db_index, key);
      tracking_->invalidate_key_from_storage(key);
      notifier_->key_expired(db_index, key);
      propagation_->key_deleted(db_index, key);
      // An XREADGROUP waiting on an expired stream ends with an error, as
      // Redis's dbGenericDelete signals it (signalDeletedKeyAsReady).
      blocking_->signal_key_added(db_index, key);
    }
    void key_evicted(int db_index, std::string_view key) override {
      watched_keys_->touch(db_index, key);
      tracking_->invalidate_key_from_storage(key);
      notifier_->key_evicted(db_index, key);
      propagation_->key_deleted(db_index, key);
      blocking_->signal_key_added(db_index, key);  // as an expired key, above
    }

   private:
    commands::KeyspaceNotifier* notifier_;
    commands::BlockingRegistry* blocking_;
    commands::WatchedKeys* watched_keys_;
    commands::Propagation* propagation_;
    pubsub::Tracking* tracking_;
  };

  commands::Config config_;
  Logger& logger_;
  storage::SystemClock clock_;
  storage::Keyspace keyspace_;
  storage::ActiveExpiryCycle expiry_;
  commands::CommandTable commands_;
  // The ACL users and log; built once the command table exists (a user's
  // permissions are bits over its commands).
  commands::AccessControl acl_{commands_};
  // The `user` lines of the config file, applied by load_users().
  std::vector<std::vector<std::string>> acl_user_lines_;
  commands::ServerStats stats_;
  commands::PubSub pubsub_;
  commands::MonitorFeed monitors_;
  commands::BlockingRegistry blocking_;
  commands::WatchedKeys watched_keys_{keyspace_};
  // EVAL's Lua interpreter and script cache (scripting/script_engine.h).
  scripting::ScriptEngine scripts_;
  // Publishes the keyspace notifications storage reports (new keys, expired
  // keys, from commands and from the cron's active expiry alike).
  commands::KeyspaceNotifier notifier_{config_, pubsub_};
  // Writes' effects on their way to the AOF (commands/core/propagation.h).
  commands::Propagation propagation_;
  // CLIENT TRACKING's tables (pubsub/tracking.h).
  pubsub::Tracking tracking_;
  KeyspaceEvents keyspace_events_{notifier_, blocking_, watched_keys_, propagation_, tracking_};
  // The RDB file: loading, SAVE, BGSAVE, the save points (snapshots.h).
  Snapshots snapshots_{keyspace_, config_, stats_, logger_};
  // The AOF: appends, fsyncs, BGREWRITEAOF (append_only_file.h).
  AppendOnlyFile aof_{keyspace_, config_, stats_, logger_};
  // The client the AOF's commands run as while it is loaded.
  commands::ClientState loading_client_;
  std::string loading_replies_;

  // One thread runs this context and touches every socket and timer, so
  // Asio may skip its internal locking altogether (the "unsafe" hint is
  // unsafe only for programs that share an io_context between threads).
  asio::io_context io_{ASIO_CONCURRENCY_HINT_UNSAFE};
  std::optional<asio::ip::tcp::acceptor> tcp_acceptor_;
  std::optional<asio::local::stream_protocol::acceptor> unix_acceptor_;
  asio::signal_set signals_{io_, SIGINT, SIGTERM};
  asio::steady_timer cron_timer_{io_};
  // CLIENT PAUSE: its state, the timer that ends it, and the clients it
  // holds, in the order they were held.
  commands::ClientPause pause_;
  asio::steady_timer pause_timer_{io_};
  std::list<Connection*> postponed_;

  // When these warnings were last logged, for their rate limits; empty: never.
  std::optional<std::chrono::steady_clock::time_point> last_accept_error_logged_;
  std::optional<std::chrono::steady_clock::time_point> last_attack_logged_;

  std::list<Connection*> clients_;
  // The same clients by id: REDIRECT targets of CLIENT TRACKING are looked
  // up on every invalidation.
  absl::flat_hash_map<std::int64_t, Connection*> clients_by_id_;
  std::vector<std::shared_ptr<Connection>> queued_writes_;
  std::int64_t next_client_id_ = 1;
  bool shutting_down_ = false;
  // A SIGTERM that came while a script was busy: Redis lets the script end
  // first (its writes must not be half-saved); the cron acts on it then.
  int signal_while_busy_ = 0;
};

}  // namespace mini_redis::server
