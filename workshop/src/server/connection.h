// Workshop copy of src/server/connection.h, made by workshop/generate.py, to read:
// the workshop build uses it in place of the original. Nothing to write here.
// Connection: one client, served by one coroutine.
//
// The loop is the whole story of a Redis connection:
//
//     while the client is connected:
//         read whatever bytes arrived                  (co_await: other clients run meanwhile)
//         parse every complete request in them         (RequestParser)
//         run each one, appending its reply            (dispatch -> ReplyWriter)
//         write all those replies at once               (co_await)
//
// In Python's asyncio this is `data = await reader.read(n)` ... `writer.write(out);
// await writer.drain()`. Because one thread runs every coroutine, a command
// runs to completion without locks: commands are atomic for free.
//
// Reading: bytes go to a QueryBuffer that grows with what arrives, never with
// a length the client announced (protocol/query_buffer.h), so a client cannot
// make us allocate by promising a 512 MB value. A request whose command is
// POST or Host: is a browser tricked into talking to us: the connection is
// closed before it runs (protocol/cross_protocol_guard.h).
//
// Writing: replies and pushes (Pub/Sub messages, MONITOR lines, which other
// clients' commands produce) all go to one output buffer. A write takes the
// whole buffer and sends it; whatever is appended meanwhile goes out with the
// next write, started by the completion of the one before. So one client has
// at most one write under way, and its bytes leave in the order they were made.
//
// Back-pressure: a client that pipelines but never reads its replies must not
// grow our memory. Once 64 KiB of replies are pending (or, when
// client-output-buffer-limit sets one, the limit) we wait for them to be
// written before reading on, so such a client stalls and its own TCP window
// pushes back on it. A subscriber cannot be throttled that way, since the
// messages come from other clients: its limit (client-output-buffer-limit
// pubsub, 32mb 8mb 60 by default) applies as in Redis: over the hard limit the
// client is closed at once; over the soft limit for longer than its seconds,
// it is closed on the next push, command or server cron.
//
// Blocking commands: a BLPOP that finds nothing parks the client (see
// commands/core/blocking.h). The loop then waits for one of three things
// instead of running the next request: the server serving the command (a key
// got a value: serve_blocked_command), the timeout, or CLIENT UNBLOCK
// (end_wait). It keeps reading meanwhile, so that a client that leaves is
// noticed and forgotten, and requests pipelined behind the BLPOP are kept
// for when it is answered.
//
// CLIENT PAUSE parks a client the same way (commands/core/client_pause.h):
// the dispatcher runs nothing and marks the client postponed, the request
// stays unconsumed in the read buffer, and the loop waits as for a BLPOP
// without a deadline. When the pause ends the server wakes the held clients
// in order, and each parses and runs its request as if it had just arrived.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/generic/stream_protocol.hpp>
#include <asio/steady_timer.hpp>
#include <cstdint>
#include <list>
#include <memory>
#include <string>

#include "commands/core/context.h"
#include "protocol/query_buffer.h"
#include "protocol/reply_writer.h"
#include "protocol/request_parser.h"
#include "storage/string_block.h"

namespace mini_redis::server {

class Server;
using Socket = asio::generic::stream_protocol::socket;

class Connection : public std::enable_shared_from_this<Connection>, public commands::PushTarget {
 public:
  Connection(Server& server, Socket socket, commands::ClientState state);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The connection's coroutine; returns when the client is gone.
  asio::awaitable<void> serve();
  // Closes the socket; the coroutine notices and ends. Safe to call twice.
  void close();

  // A Pub/Sub message or MONITOR line for this client, made by another
  // client's command (or its own): queued, and written soon.
  void push(std::string_view frame) override;
  // Called by the server for a connection that push() queued for writing.
  void write_queued_output();

  // Copies current buffer sizes into the state, for CLIENT LIST and INFO.
  const commands::ClientState& refreshed_state();
  commands::ClientState& state() { return state_; }

  // The client's parked command runs again because a key it waits on got a
  // value; it replies and the wait ends, or (another client was faster) it
  // keeps waiting in its place.
  void serve_blocked_command();
  // Ends the wait without serving: the command's timeout reply, or the
  // -UNBLOCKED error (CLIENT UNBLOCK ... ERROR).
  enum class WaitEnd { timed_out, unblocked_with_error };
  void end_wait(WaitEnd how);
  // CLIENT PAUSE is over: the held request runs again, from the read buffer.
  void resume_postponed();

  // Called by the server cron: closes the client if it has been idle longer
  // than `timeout`, or over the soft output limit for too long.
  void check_limits(std::int64_t now_ms);

  // Where this connection sits in the server's client list (O(1) removal).
  std::list<Connection*>::iterator registry_position;

 private:
  // Runs every complete request in the read buffer; false means "close now".
  // Stops early when a command parks the client.
  asio::awaitable<bool> process_input();
  // Reads the big argument under way into its block (storage/string_block.h)
  // and, once it is whole, runs the request on; false means "close now".
  asio::awaitable<bool> read_big_argument();
  // After a request stopped incomplete: if it waits for the bytes of a big
  // argument, they go to a block of their own from now on.
  void start_big_argument();
  // CLIENT PAUSE held the request at `start`: its big arguments go back
  // into the query buffer, where it will be parsed again.
  void restore_big_arguments(std::size_t start);
  // The client's request memory is over client-query-buffer-limit.
  [[nodiscard]] bool over_query_buffer_limit() const;
  // While the client is parked (a blocking command, or CLIENT PAUSE): reads
  // (and keeps) what it sends, until the wait ends; false if the client left.
  asio::awaitable<bool> wait_while_blocked();
  // Starts writing the pending output unless a write is under way (whose
  // completion then writes what piled up). Never waits.
  void start_write();
  void on_written(const asio::error_code& error, std::size_t bytes);
  // Writes all pending output and waits until it is written; false if the
  // connection failed or was closed meanwhile.
  asio::awaitable<bool> drain();
  [[nodiscard]] std::size_t pending_output() const { return output_.size() + in_flight_.size(); }
  // Output-buffer limits after output was added; false if the client was closed.
  bool within_output_limits();
  [[nodiscard]] const commands::OutputBufferLimit& output_limit() const;
  // How many reply bytes may pile up before we stop and write them.
  [[nodiscard]] std::size_t flush_threshold() const;

  Server& server_;
  Socket socket_;
  commands::ClientState state_;

  protocol::RequestParser parser_;
  protocol::QueryBuffer input_;  // bytes read and not yet run
  // The request's big arguments, read outside input_ (Redis's
  // PROTO_MBULK_BIG_ARG), and whether the last of them is still arriving.
  storage::BigArguments big_arguments_;
  bool reading_big_argument_ = false;
  std::string output_;     // replies and pushes not yet handed to a write
  std::string in_flight_;  // what the write under way is sending
  protocol::ReplyWriter writer_;
  commands::Context context_;

  bool writing_ = false;
  bool write_queued_ = false;  // push() has queued this connection with the server
  bool draining_ = false;      // drain() waits on write_finished_
  asio::steady_timer write_finished_;
  asio::steady_timer wait_ends_;  // a parked client's deadline; cancelled when the wait ends
  std::int64_t over_soft_limit_since_ms_ = 0;  // 0: not over the soft limit
  std::int64_t last_interaction_ms_ = 0;
  bool closed_ = false;
  // CLIENT PAUSE held a request, which waits in input_ to be run again.
  bool holding_request_ = false;
};

}  // namespace mini_redis::server
