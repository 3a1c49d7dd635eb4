// Workshop copy of src/server/connection.cpp, made by workshop/generate.py.
// Write the parts marked TODO. `make workshop-diff FILE=server/connection.cpp` compares
// your version with the real one; `make workshop-solve STEP=n` fills a step in.
#include "server/connection.h"

#include <algorithm>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "commands/core/blocking.h"
#include "commands/core/dispatcher.h"
#include "common/not_implemented.h"
#include "protocol/cross_protocol_guard.h"
#include "server/no_throw.h"
#include "server/server.h"

namespace mini_redis::server {

namespace {

// The parser's limits, from the settings CONFIG SET may change at any time.
protocol::ProtocolLimits limits_from(const commands::Config& config) {
  return {.max_bulk_length = config.proto_max_bulk_len};
}

// Replies are written once this much has piled up, even mid-pipeline (unless
// an output limit allows more, see flush_threshold); this is what bounds the
// memory a slow reader can make us hold.
constexpr std::size_t kFlushThreshold = 64 * 1024;
// Buffers that grew for one big request or reply are given back afterwards.
constexpr std::size_t kKeepBufferCapacity = 1024 * 1024;

// How often a blocked client whose deadline passed during a busy script
// looks again whether the script is over (see wait_while_blocked).
constexpr std::int64_t kBusyScriptRecheckMs = 10;

}  // namespace

Connection::Connection(Server& server, Socket socket, commands::ClientState state)
    : server_(server),
      socket_(std::move(socket)),
      state_(std::move(state)),
      parser_(limits_from(server.config())),
      writer_(output_),
      context_{state_, writer_,           server.keyspace(), server.config(),   server.stats(),
               server, server.commands(), server.pubsub(),   server.monitors(), server.blocking()},
      write_finished_(socket_.get_executor()),
      wait_ends_(socket_.get_executor()) {
  state_.push_target = this;
  context_.watched_keys = &server.watched_keys();
  context_.acl = &server.acl();
  context_.scripts = &server.scripts();
  context_.propagation = &server.propagation();
  context_.tracking = &server.tracking();
  context_.pause = &server.pause();
  context_.big_arguments = &big_arguments_;
  // Writes are tried at once and may stop short (start_write), so the
  // socket must never block.
  asio::error_code ignored;
  socket_.non_blocking(true, ignored);
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  asio::error_code ignored;
  socket_.shutdown(Socket::shutdown_both, ignored);
  socket_.close(ignored);
  write_finished_.cancel();  // a drain() waiting for a write gives up
  wait_ends_.cancel();       // so does a parked client's wait
}

asio::awaitable<void> Connection::serve() {
  auto keep_alive = shared_from_this();  // the coroutine owns its connection
  last_interaction_ms_ = server_.now_ms();

  std::string missing_part;  // workshop only: see the catch below
  try {
    while (!closed_) {
      if (state_.blocked || holding_request_) {
        // A BLPOP parked this client, or CLIENT PAUSE holds its request:
        // wait for the answer (or the end of the pause), then run what was
        // pipelined behind it.
        holding_request_ = false;
        if (!co_await wait_while_blocked() || !co_await process_input()) break;
        continue;
      }
      if (reading_big_argument_) {
        if (!co_await read_big_argument()) break;
        continue;
      }
      // Room for the next read: it grows with the bytes that arrived, never
      // with a length the client only announced (protocol/query_buffer.h).
      const std::span<char> space = input_.prepare_read(parser_.bytes_still_needed());

      // workshop: begin step 5, Connection::serve
      // Wait for bytes: co_await socket_.async_read_some(buffer, kNoThrow) with
      // asio::buffer(space.data(), space.size()) gives [error, bytes]. An
      // error (the client left) ends the loop. Otherwise the new bytes are
      // valid input (input_.commit(bytes)), counted in total_net_input_bytes,
      // and the client is not idle (last_interaction_ms_). Then
      // `co_await process_input()` runs every complete command; false: close.
      // 日本語:
      // バイトを待ちます: co_await socket_.async_read_some(buffer, kNoThrow) に
      // asio::buffer(space.data(), space.size()) を渡すと [error, bytes] が返ります。エラー
      // (クライアントが去った) ならループを終えます。そうでなければ新しいバイトは有効な入力で
      // (input_.commit(bytes))、total_net_input_bytes に数え、クライアントはアイドルでは
      // ありません (last_interaction_ms_)。それから `co_await process_input()` が揃った
      // コマンドを全部実行します。false なら閉じます。
      // TODO(step 5): write this part, then delete the not_implemented line.
      not_implemented(5, "server/connection.cpp: Connection::serve");
      // workshop: end
    }
  } catch (const NotImplemented& missing) {
    missing_part = missing.what();
  }
  if (!missing_part.empty()) {
    // The workshop skeleton (common/not_implemented.h) reached a part the
    // learner has not written: say which, to the log and to the client, and
    // close this client as after a protocol error. The real server never
    // gets here. (No co_await is allowed inside a catch block, hence the copy.)
    server_.logger().warning(missing_part);
    writer_.error("ERR " + missing_part);
    co_await drain();
  }
  close();
  server_.remove_client(*this);
}

asio::awaitable<bool> Connection::process_input() {
  parser_.set_limits(limits_from(server_.config()));  // CONFIG SET may have changed them
  std::size_t start = 0;
  bool keep_going = true;
  bool awaiting_bytes = false;

  const std::string_view input = input_.unparsed();
  while (keep_going && start < input.size() && !state_.blocked) {
    // Redis's authRequired(c), asked before every request: an AUTH earlier
    // in the same read lifts the unauthenticated limits for what follows.
    parser_.set_unauthenticated(!state_.authenticated && server_.acl().auth_required());
    auto status = parser_.parse(input.substr(start));
    if (status == protocol::ParseStatus::incomplete) {
      awaiting_bytes = true;
      break;
    }

    if (status == protocol::ParseStatus::error) {
      // Redis replies with the error, then closes once it is written.
      writer_.error(parser_.error_message());
      server_.logger().log(LogLevel::verbose, "Protocol error (" +
                                                  std::string(parser_.error_message()) +
                                                  ") from client: addr=" + state_.peer_address);
      co_await drain();
      co_return false;
    }

    if (status == protocol::ParseStatus::command) {
      if (protocol::is_cross_protocol_attack(parser_.args()[0])) {
        // A browser made to POST to us; see protocol/cross_protocol_guard.h.
        // Redis frees the client at once: the replies still pending for the
        // commands before it never leave, and nothing after it runs.
        server_.report_cross_protocol_attack();
        output_.clear();
        close();
        co_return false;
      }
      // CLIENT INFO / LIST show the caller's query buffer as it is while
      // its command runs: every byte of this read still in it, the running
      // command's included (Redis 7.0 trims its buffer only after the
      // batch: qbuf=26 for a lone "*2 $6 client $4 info").
      static_cast<void>(refreshed_state());
      // workshop: begin step 5, Connection::process_input
      // One command is parsed: commands::dispatch(context_, parser_.args())
      // runs it, and its reply lands in output_ (written later, all at once).
      // 日本語:
      // コマンドが 1 つパースできました: commands::dispatch(context_, parser_.args()) が
      // 実行し、応答は output_ にたまります (後でまとめて書き出されます)。
      // TODO(step 5): write this part, then delete the not_implemented line.
      not_implemented(5, "server/connection.cpp: Connection::process_input");
      // workshop: end
      if (state_.postponed) {
        // CLIENT PAUSE: the request is not consumed; it runs again when
        // the pause ends (serve() waits for that).
        restore_big_arguments(start);
        server_.postpone(*this);
        holding_request_ = true;
        break;
      }
      // The command's big arguments that it did not keep (SET keeps its
      // value's block) are freed now, as Redis frees a command's argv.
      if (!big_arguments_.empty()) big_arguments_.clear();
      server_.serve_blocked_clients();            // keys this command gave a value (LPUSH...)
      if (state_.close_after_reply || closed_) {  // QUIT, or SHUTDOWN closed us
        co_await drain();
        co_return false;
      }
      if (!within_output_limits()) co_return false;
      if (pending_output() >= flush_threshold()) keep_going = co_await drain();
    }
    start += parser_.consumed();
  }

  // Keep only the unparsed tail, at the front of the buffer.
  input_.consume(start);
  if (awaiting_bytes && keep_going) start_big_argument();
  if (over_query_buffer_limit()) co_return false;
  input_.release_if_empty_and_above(kKeepBufferCapacity);
  if (!keep_going) co_return false;
  // Let the other clients whose bytes arrived in the same wake-up run first,
  // and write afterwards. Redis does the same (it writes every client's
  // replies in beforeSleep, after all reads): a client with many connections,
  // such as redis-benchmark, then wakes to many replies at once instead of a
  // trickle, which is what it spends its time on.
  co_await asio::post(socket_.get_executor(), asio::use_awaitable);
  start_write();
  // Read on while the write is under way, unless too much is pending.
  if (pending_output() >= flush_threshold()) co_return co_await drain();
  co_return !closed_;
}

// ---- big arguments -----------------------------------------------------------------

void Connection::start_big_argument() {
  const protocol::RequestParser::PendingBulk pending = parser_.pending_bulk();
  if (pending.length < storage::StringBlock::kMinimumLength) return;
  const std::string_view request = input_.unparsed();  // the request starts the buffer
  // All its bytes are here, only the CRLF is missing: nothing to gain.
  if (request.size() - pending.offset >= pending.length) return;
  // What arrived of it (at most a read's worth) moves to the block, and the
  // rest will be read there directly: the query buffer never holds it.
  storage::StringBlock& block = big_arguments_.add(pending.length, pending.offset);
  block.append(request.substr(pending.offset));
  input_.truncate(pending.offset);
  reading_big_argument_ = true;
}

asio::awaitable<bool> Connection::read_big_argument() {
  storage::StringBlock& block = big_arguments_.back();
  // Exactly what the argument still needs, CRLF included, as Redis sizes
  // the read of a big argument: the next request's bytes stay in the socket.
  const std::span<char> space = block.free_space();
  auto [error, bytes] =
      co_await socket_.async_read_some(asio::buffer(space.data(), space.size()), kNoThrow);
  if (error) co_return false;
  block.commit(bytes);
  server_.stats().total_net_input_bytes += bytes;
  last_interaction_ms_ = server_.now_ms();
  if (over_query_buffer_limit()) co_return false;
  if (!block.complete()) co_return true;
  reading_big_argument_ = false;
  parser_.supply_bulk(block.value());
  co_return co_await process_input();
}

void Connection::restore_big_arguments(std::size_t start) {
  // Each block's offset was taken with the earlier ones already cut out,
  // so each goes back after the bytes restored before it.
  std::size_t restored = 0;
  for (std::size_t i = 0; i < big_arguments_.size(); ++i) {
    const std::string_view value = big_arguments_[i].value();
    const std::string_view with_crlf(value.data(), value.size() + 2);
    input_.insert(start + big_arguments_.input_offset(i) + restored, with_crlf);
    restored += with_crlf.size();
  }
  big_arguments_.clear();
}

bool Connection::over_query_buffer_limit() const {
  // The query buffer holds the command being read, its arguments included
  // (the big ones in their blocks); the parser's table of those arguments
  // counts too (Redis counts a command's argv in the client's memory), so
  // a command of endless tiny arguments is stopped at the limit
  // (protocol/request_parser.h).
  if (input_.size() + parser_.pending_request_memory() + big_arguments_.received_bytes() <=
      server_.config().client_query_buffer_limit) {
    return false;
  }
  // Redis closes such a client without a reply ("closing client that
  // reached max query buffer length").
  ++server_.stats().client_query_buffer_limit_disconnections;
  server_.logger().warning("Closing client that reached max query buffer length: addr=" +
                           state_.peer_address);
  return true;
}

// ---- blocking commands -----------------------------------------------------------

asio::awaitable<bool> Connection::wait_while_blocked() {
  using namespace asio::experimental::awaitable_operators;
  while ((state_.blocked || state_.postponed) && !closed_) {
    // The deadline is absolute Unix time; the timer wants a steady one. A
    // client held by CLIENT PAUSE has none: the server wakes it.
    const std::int64_t deadline_ms = state_.blocked ? state_.blocked->deadline_ms : 0;
    if (deadline_ms == 0) {
      wait_ends_.expires_at(asio::steady_timer::time_point::max());  // forever
    } else {
      std::int64_t left_ms = std::max<std::int64_t>(0, deadline_ms - server_.now_ms());
      // While a busy script runs, the loop serves requests only: Redis
      // times blocked clients out once the script is over, so look again
      // a little later instead.
      if (left_ms == 0 && server_.scripts().busy()) left_ms = kBusyScriptRecheckMs;
      wait_ends_.expires_after(std::chrono::milliseconds(left_ms));
    }
    // Whichever comes first: the deadline (or the cancel() that says the
    // wait ended), or bytes from the client. The other is cancelled.
    const std::span<char> space = input_.prepare_read(parser_.bytes_still_needed());
    auto event =
        co_await (wait_ends_.async_wait(kNoThrow) ||
                  socket_.async_read_some(asio::buffer(space.data(), space.size()), kNoThrow));
    if (event.index() == 1) {
      auto [error, bytes] = std::get<1>(event);
      if (error) co_return false;  // it left; remove_client() forgets its wait
      input_.commit(bytes);        // run once the wait is over, in order
      server_.stats().total_net_input_bytes += bytes;
      if (input_.size() > server_.config().client_query_buffer_limit) co_return false;
      continue;
    }
    if (state_.blocked && deadline_ms != 0 && server_.now_ms() >= deadline_ms &&
        !server_.scripts().busy()) {
      end_wait(WaitEnd::timed_out);
    }
  }
  co_return !closed_;
}

void Connection::serve_blocked_command() {
  commands::BlockedState& waiting = *state_.blocked;
  waiting.still_waiting = false;
  const std::vector<std::string_view> args(waiting.command.begin(), waiting.command.end());
  commands::dispatch(context_, args);
  // Still parked only if the command found nothing again (another client was
  // served first). Any reply, an error included, ends the wait.
  if (state_.blocked && state_.blocked->still_waiting) return;
  server_.blocking().unblock(state_);
  wait_ends_.cancel();  // wakes wait_while_blocked, which then runs the pipeline
  start_write();
}

void Connection::resume_postponed() {
  state_.postponed = false;
  wait_ends_.cancel();  // wakes wait_while_blocked, which then runs the request
}

void Connection::end_wait(WaitEnd how) {
  if (how == WaitEnd::timed_out) {
    commands::reply_timed_out(writer_, state_.blocked->timeout_reply);
  } else {
    writer_.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
  }
  server_.blocking().unblock(state_);
  wait_ends_.cancel();
  start_write();
}

void Connection::start_write() {
  // While this client's own command runs (only a busy script lets the loop
  // run then), its output holds a reply being built: it waits for the end
  // of the command, after which the caller writes it.
  if (writing_ || closed_ || output_.empty() || state_.running_command) return;
  // No reply may promise a write the AOF has not been given yet.
  server_.flush_append_only_file();
  // Usually the kernel takes everything at once: write now, as Redis does,
  // and wait for the socket only when it takes less.
  asio::error_code error;
  const std::size_t written = socket_.write_some(asio::buffer(output_), error);
  server_.stats().total_net_output_bytes += written;
  if (error && error != asio::error::would_block) {
    close();  // the client went away; the read loop notices and ends
    return;
  }
  if (written == output_.size()) {
    output_.clear();
    if (output_.capacity() > kKeepBufferCapacity) std::string().swap(output_);
    return;
  }
  // The rest goes out asynchronously from in_flight_, while new output
  // collects in output_.
  writing_ = true;
  std::swap(output_, in_flight_);
  asio::async_write(
      socket_, asio::buffer(in_flight_) + written,
      [self = shared_from_this()](const asio::error_code& write_error, std::size_t bytes) {
        self->on_written(write_error, bytes);
      });
}

void Connection::on_written(const asio::error_code& error, std::size_t bytes) {
  writing_ = false;
  server_.stats().total_net_output_bytes += bytes;
  in_flight_.clear();
  if (in_flight_.capacity() > kKeepBufferCapacity) std::string().swap(in_flight_);
  if (error) {
    close();  // the client went away; the read loop notices and ends
  } else {
    start_write();  // what piled up while this write was under way
  }
  if (draining_) write_finished_.cancel();
}

asio::awaitable<bool> Connection::drain() {
  start_write();
  while (writing_ && !closed_) {
    // A timer that never fires, used as a signal: on_written() cancels it.
    draining_ = true;
    write_finished_.expires_at(asio::steady_timer::time_point::max());
    co_await write_finished_.async_wait(kNoThrow);
    draining_ = false;
  }
  co_return !closed_;
}

void Connection::push(std::string_view frame) {
  if (closed_) return;
  // A message this client published to itself while CLIENT REPLY OFF drops
  // its command's reply: set aside, so that it outlives the drop.
  if (state_.running_silenced) {
    state_.pushes_while_silenced.append(frame);
    return;
  }
  // Written a moment later, not now: the command that published finishes
  // first, and so do the other clients that are ready, so a burst of
  // messages to this client leaves in one write. (Redis likewise writes
  // every client's pending output once per event-loop turn, in beforeSleep.)
  // workshop: begin step 10, Connection::push
  // frame is a message for *this* client, sent while another client's
  // command (PUBLISH) runs. Append it to output_, then check
  // within_output_limits(): false means this client was closed for not
  // reading (client-output-buffer-limit pubsub), so stop there. Nobody else
  // will write output_ (this client sends no command), so ask for a write:
  // unless one is under way or queued (writing_, write_queued_), set
  // write_queued_ and call server_.queue_write(shared_from_this()).
  // 日本語:
  // frame は *この* クライアントへのメッセージで、別のクライアントのコマンド (PUBLISH) の
  // 実行中に届きます。output_ に追記し、within_output_limits() を確かめます: false なら
  // このクライアントは読まないために閉じられた (client-output-buffer-limit pubsub) ので、
  // そこで終わります。このクライアントはコマンドを送らないので output_ を書く人は他に
  // いません。だから書き込みを頼みます: 書き込み中でも予約済みでもなければ (writing_,
  // write_queued_)、write_queued_ を立てて server_.queue_write(shared_from_this()) を呼びます。
  // TODO(step 10): write this part, then delete the not_implemented line.
  not_implemented(10, "server/connection.cpp: Connection::push");
  // workshop: end
}

void Connection::write_queued_output() {
  write_queued_ = false;
  start_write();
}

const commands::OutputBufferLimit& Connection::output_limit() const {
  // Redis's client classes: a subscribed client is "pubsub" (a MONITOR
  // client counts as "normal"; we have no replicas).
  const commands::Config& config = server_.config();
  return state_.subscribed() ? config.output_limit_pubsub : config.output_limit_normal;
}

std::size_t Connection::flush_threshold() const {
  // Redis runs every command it has read before writing, and closes a client
  // whose replies pass its output limit. With a limit configured we let the
  // replies grow up to it, so that it fires as it would in Redis; without one
  // (the default for normal clients) we write every 64 KiB, which is what
  // keeps a client that never reads from growing our memory.
  const auto& limit = output_limit();
  return std::max({kFlushThreshold, static_cast<std::size_t>(limit.hard_bytes),
                   static_cast<std::size_t>(limit.soft_bytes)});
}

bool Connection::within_output_limits() {
  const auto& limit = output_limit();
  const std::size_t pending = pending_output();
  bool over = false;
  if (limit.hard_bytes > 0 && pending > limit.hard_bytes) over = true;
  if (limit.soft_bytes > 0 && pending > limit.soft_bytes) {
    const std::int64_t now_ms = server_.now_ms();  // read the clock only when it matters
    if (over_soft_limit_since_ms_ == 0) {
      over_soft_limit_since_ms_ = now_ms;
    } else if (now_ms - over_soft_limit_since_ms_ > limit.soft_seconds * 1000) {
      over = true;
    }
  } else {
    over_soft_limit_since_ms_ = 0;
  }
  if (!over) return true;
  // As Redis: the pending replies are dropped and the client is closed.
  ++server_.stats().client_output_buffer_limit_disconnections;
  server_.logger().warning("Client addr=" + state_.peer_address +
                           " closed for overcoming of output buffer limits.");
  output_.clear();
  close();
  return false;
}

void Connection::check_limits(std::int64_t now_ms) {
  // Subscribers, monitors and clients parked by BLPOP are exempt from
  // `timeout`, as in Redis: they wait for the server, not the other way round.
  const int timeout = server_.config().timeout_seconds;
  const bool waits_for_us = state_.subscribed() || state_.monitor || state_.blocked;
  if (timeout > 0 && !writing_ && !waits_for_us &&
      now_ms - last_interaction_ms_ > std::int64_t{timeout} * 1000) {
    server_.logger().log(LogLevel::verbose, "Closing idle client");
    close();
    return;
  }
  // Output the client does not read stays pending, and the soft limit's
  // clock runs on even when no new output arrives.
  if (pending_output() > 0) within_output_limits();
}

const commands::ClientState& Connection::refreshed_state() {
  state_.query_buffer_bytes = input_.size() + big_arguments_.received_bytes();
  state_.query_buffer_free = input_.capacity() - input_.size() + big_arguments_.capacity_bytes() -
                             big_arguments_.received_bytes();
  state_.output_buffer_bytes = pending_output();
  state_.last_command_ms = last_interaction_ms_;
  return state_;
}

}  // namespace mini_redis::server
