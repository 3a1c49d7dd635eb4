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
// Back-pressure: a client that pipelines but never reads its replies must not
// grow our memory. Replies are written (awaited) whenever 64 KiB have piled up
// (or, when client-output-buffer-limit sets one, the limit), so such a client
// stalls in that write and we stop reading from it: its own TCP window pushes
// back on it. The limit applies as in Redis: over the hard limit the client is
// closed at once; over the soft limit for longer than its seconds, it is
// closed after a command or by the server cron while its write is stuck.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/generic/stream_protocol.hpp>
#include <cstdint>
#include <list>
#include <memory>
#include <string>

#include "commands/context.h"
#include "protocol/reply_writer.h"
#include "protocol/request_parser.h"

namespace mini_redis::server {

class Server;
using Socket = asio::generic::stream_protocol::socket;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server& server, Socket socket, commands::ClientState state);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The connection's coroutine; returns when the client is gone.
  asio::awaitable<void> serve();
  // Closes the socket; the coroutine notices and ends. Safe to call twice.
  void close();

  // Copies current buffer sizes into the state, for CLIENT LIST and INFO.
  const commands::ClientState& refreshed_state();

  // Called by the server cron: closes the client if it has been idle longer
  // than `timeout`, or over the soft output limit for too long.
  void check_limits(std::int64_t now_ms);

  // Where this connection sits in the server's client list (O(1) removal).
  std::list<Connection*>::iterator registry_position;

 private:
  // Runs every complete request in the read buffer; false means "close now".
  asio::awaitable<bool> process_input();
  // Writes every pending reply; false if the socket failed.
  asio::awaitable<bool> flush();
  // Output-buffer limits after a command; false if the client must go.
  bool within_output_limits();
  [[nodiscard]] const commands::OutputBufferLimit& output_limit() const;
  // How many reply bytes may pile up before we stop and write them.
  [[nodiscard]] std::size_t flush_threshold() const;

  Server& server_;
  Socket socket_;
  commands::ClientState state_;

  protocol::RequestParser parser_;
  std::string input_;  // bytes read; [0, filled_) are valid
  std::size_t filled_ = 0;
  std::string output_;  // replies not yet written
  protocol::ReplyWriter writer_;
  commands::Context context_;

  bool writing_ = false;
  std::int64_t write_started_ms_ = 0;
  std::int64_t over_soft_limit_since_ms_ = 0;  // 0: not over the soft limit
  std::int64_t last_interaction_ms_ = 0;
  bool closed_ = false;
};

}  // namespace mini_redis::server
