// CommandHarness: runs commands the way the server would, minus the socket.
//
// A test writes   EXPECT_EQ(h.run({"SET", "k", "v"}), "+OK\r\n");
// and gets the exact bytes a client would read. Time is a ManualClock the test
// advances by hand; the "server" is a fake that records SHUTDOWN requests and
// lists (and kills, for CLIENT KILL) the clients the test registers.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_table.h"
#include "commands/dispatcher.h"
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
  void request_shutdown() override { shutdown_requested = true; }

  std::vector<const commands::ClientState*> clients;
  std::vector<std::int64_t> killed_ids;
  bool shutdown_requested = false;
};

class CommandHarness {
 public:
  CommandHarness() : keyspace(clock, config.databases) {
    client.id = 1;
    server.clients.push_back(&client);
  }

  // Runs one command and returns the bytes of its reply.
  std::string run(std::vector<std::string> words) {
    std::vector<std::string_view> args(words.begin(), words.end());
    std::string out;
    protocol::ReplyWriter reply(out, client.protocol);
    commands::Context ctx{client, reply, keyspace, config, stats, server, table};
    commands::dispatch(ctx, args);
    client.protocol = reply.version();  // HELLO 3 switches the writer
    return out;
  }

  storage::ManualClock clock;
  commands::Config config;
  storage::Keyspace keyspace;
  commands::ServerStats stats;
  FakeServer server;
  commands::CommandTable table;
  commands::ClientState client;
};

}  // namespace mini_redis::testing
