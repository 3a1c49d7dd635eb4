// CommandHarness: runs commands the way the server would, minus the socket.
//
// A test writes   EXPECT_EQ(h.run({"SET", "k", "v"}), "+OK\r\n");
// and gets the exact bytes a client would read. Time is a ManualClock the test
// advances by hand; the "server" is a fake that records SHUTDOWN requests and
// lists (and kills, for CLIENT KILL) the clients the test registers.
//
// Like a connection, each client has one output buffer that its replies and
// the messages pushed to it (Pub/Sub, MONITOR) share: run() returns
// everything that buffer received since the last run(), so a message pushed
// to a client between two of its commands comes out in front of the second
// reply, as it would on the wire. add_client() makes more clients (a
// subscriber and a publisher); output_of() collects what reached them.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/core/acl_user.h"
#include "commands/core/blocking.h"
#include "commands/core/command_table.h"
#include "commands/core/dispatcher.h"
#include "commands/core/notifications.h"
#include "commands/core/propagation.h"
#include "commands/core/watched_keys.h"
#include "commands/server/monitor.h"
#include "pubsub/pubsub.h"
#include "storage/clock.h"
#include "storage/keyspace.h"

namespace mini_redis::testing {

class FakeServer final : public commands::ServerServices {
 public:
  void for_each_client(
      const std::function<void(const commands::ClientState&)>& visit) const override {
    for (const commands::ClientState* client : clients) visit(*client);
  }
  [[nodiscard]] std::size_t connected_clients() const override { return clients.size(); }
  // CLIENT KILL: the killed clients leave `clients`; their ids go to `killed_ids`.
  std::size_t kill_clients(
      const std::function<bool(const commands::ClientState&)>& should_kill) override {
    const std::size_t before = clients.size();
    std::erase_if(clients, [&](const commands::ClientState* client) {
      if (!should_kill(*client)) return false;
      killed_ids.push_back(client->id);
      return true;
    });
    return before - clients.size();
  }
  // SHUTDOWN, SAVE, BGSAVE: recorded, answering what the test set below.
  bool request_shutdown(commands::ShutdownSave save, bool /*force*/) override {
    shutdown_requested = shutdown_succeeds;
    shutdown_save = save;
    return shutdown_succeeds;
  }
  bool save_snapshot() override {
    ++snapshots_saved;
    return save_succeeds;
  }
  commands::BackgroundSave start_background_save() override { return background_save; }
  void dataset_flushed() override { ++flushes; }
  commands::BackgroundSave start_aof_rewrite() override { return aof_rewrite; }
  void appendonly_changed() override { ++appendonly_changes; }
  // CLIENT UNBLOCK: recorded; the harness has no parked connections to wake
  // (tests/e2e/test_blocking.py covers the real thing).
  bool unblock_client(std::int64_t id, bool with_error) override {
    unblock_requests.emplace_back(id, with_error);
    return false;
  }

  std::vector<const commands::ClientState*> clients;
  std::vector<std::int64_t> killed_ids;
  bool shutdown_requested = false;
  commands::ShutdownSave shutdown_save = commands::ShutdownSave::as_configured;
  bool shutdown_succeeds = true;
  bool save_succeeds = true;
  commands::BackgroundSave background_save = commands::BackgroundSave::started;
  int snapshots_saved = 0;
  int flushes = 0;
  commands::BackgroundSave aof_rewrite = commands::BackgroundSave::started;
  int appendonly_changes = 0;
  std::vector<std::pair<std::int64_t, bool>> unblock_requests;
};

// Where a harness client's output collects.
class OutputBuffer final : public commands::PushTarget {
 public:
  void push(std::string_view frame) override { bytes.append(frame); }
  std::string take() { return std::exchange(bytes, {}); }
  std::string bytes;
};

class CommandHarness {
 public:
  CommandHarness() : keyspace(clock, config.databases) {
    client.id = 1;
    client.user = acl.default_user();
    client.push_target = &main_output_;
    server.clients.push_back(&client);
    keyspace.set_observer(&notifier);  // "new" and "expired", as the server does
  }

  // Runs one command as the first client and returns the bytes it received.
  std::string run(std::vector<std::string> words) { return run_as(client, std::move(words)); }

  // Another client (ids 2, 3...), registered with the fake server.
  commands::ClientState& add_client() {
    auto& [state, output] = others_.emplace_back();
    state.id = static_cast<std::int64_t>(others_.size()) + 1;
    state.user = acl.default_user();
    state.push_target = &output;
    server.clients.push_back(&state);
    return state;
  }

  std::string run_as(commands::ClientState& who, std::vector<std::string> words) {
    std::vector<std::string_view> args(words.begin(), words.end());
    OutputBuffer& output = output_buffer(who);
    protocol::ReplyWriter reply(output.bytes, who.protocol);
    commands::Context ctx{who,    reply, keyspace, config,   stats,
                          server, table, pubsub,   monitors, blocking};
    ctx.watched_keys = &watched_keys;
    ctx.acl = &acl;
    ctx.propagation = &propagation;
    commands::dispatch(ctx, args);
    who.protocol = reply.version();  // HELLO 3 switches the writer
    return output.take();
  }

  // What reached a client since it last ran a command (or since this call).
  std::string output_of(commands::ClientState& who) { return output_buffer(who).take(); }

  storage::ManualClock clock;
  // Effects for the AOF; attach a CommandLog to see them (propagation_test).
  commands::Propagation propagation;
  commands::Config config;
  storage::Keyspace keyspace;
  commands::ServerStats stats;
  FakeServer server;
  commands::CommandTable table;
  commands::PubSub pubsub;
  commands::MonitorFeed monitors;
  commands::BlockingRegistry blocking;
  commands::WatchedKeys watched_keys{keyspace};  // WATCH
  commands::KeyspaceNotifier notifier{config, pubsub};
  commands::AccessControl acl{table};  // users; every client starts as "default"
  commands::ClientState client;

 private:
  OutputBuffer& output_buffer(commands::ClientState& who) {
    return *static_cast<OutputBuffer*>(who.push_target);
  }

  OutputBuffer main_output_;
  std::deque<std::pair<commands::ClientState, OutputBuffer>> others_;
};

}  // namespace mini_redis::testing
