// What the hash command tests share: a harness, a keyevent listener, and a
// reader for the array replies whose order a hashtable does not fix.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "unit/support/command_harness.h"
#include "unit/support/key_test_helpers.h"

namespace mini_redis::testing {

class HashTest : public ::testing::Test {
 protected:
  std::string encoding(const std::string& key) { return h.run({"OBJECT", "ENCODING", key}); }
  void use_resp3() { h.client.protocol = protocol::ProtocolVersion::resp3; }

  // Turns keyevent notifications on (`classes` as notify-keyspace-events
  // letters, E added) and subscribes a second client to all of them.
  void listen(const std::string& classes) {
    ASSERT_EQ(h.run({"CONFIG", "SET", "notify-keyspace-events", "E" + classes}), "+OK\r\n");
    h.run_as(listener, {"PSUBSCRIBE", "__keyevent@0__:*"});
    h.output_of(listener);  // drop the subscription confirmation
  }

  // The events the listener heard since the last call, as "event key".
  std::vector<std::string> events() {
    std::vector<std::string> heard;
    const std::string bytes = h.output_of(listener);
    RespReader reader(bytes);  // reads a view: the bytes must outlive it
    while (!reader.at_end()) {
      const std::vector<std::string> message = reader.bulk_array();  // pmessage pattern channel key
      if (message.size() != 4) break;
      const std::string& channel = message[2];
      heard.push_back(channel.substr(channel.find(':') + 1) + " " + message[3]);
    }
    return heard;
  }

  // A flat array reply of bulk strings, sorted.
  static std::vector<std::string> sorted_array(const std::string& reply) {
    RespReader reader(reply);
    std::vector<std::string> items = reader.bulk_array();
    std::sort(items.begin(), items.end());
    return items;
  }

  CommandHarness h;
  commands::ClientState& listener = h.add_client();
};

// "*2\r\n$1\r\na\r\n$1\r\nb\r\n" from {"a", "b"}: the bytes of an array of bulk strings.
inline std::string bulk_array(const std::vector<std::string>& items) {
  std::string bytes = "*" + std::to_string(items.size()) + "\r\n";
  for (const std::string& item : items) {
    bytes += "$" + std::to_string(item.size()) + "\r\n" + item + "\r\n";
  }
  return bytes;
}

inline const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

}  // namespace mini_redis::testing
