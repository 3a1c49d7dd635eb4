// Helpers for the list command tests: spelling expected replies, and
// watching the keyspace events a command announces.
//
// Expected replies are written with the few RESP builders below, so that a
// test reads as the list it expects: EXPECT_EQ(h.run(...), array({"c", "b"})).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "commands/core/notifications.h"
#include "unit/support/command_harness.h"

namespace mini_redis::testing {

// "$1\r\na\r\n"
inline std::string bulk(std::string_view text) {
  return "$" + std::to_string(text.size()) + "\r\n" + std::string(text) + "\r\n";
}

// An array of bulk strings: "*2\r\n$1\r\na\r\n$1\r\nb\r\n".
inline std::string array(std::initializer_list<std::string_view> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (std::string_view item : items) out += bulk(item);
  return out;
}

// An array of integers: "*2\r\n:0\r\n:3\r\n".
inline std::string integers(std::initializer_list<std::int64_t> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (std::int64_t item : items) out += ":" + std::to_string(item) + "\r\n";
  return out;
}

// LMPOP's and BLMPOP's reply: [key, [elements...]].
inline std::string key_and_elements(std::string_view key,
                                    std::initializer_list<std::string_view> elements) {
  return "*2\r\n" + bulk(key) + array(elements);
}

inline const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
inline const std::string kNullBulk = "$-1\r\n";
inline const std::string kNullArray = "*-1\r\n";
inline const std::string kEmptyArray = "*0\r\n";

// Listens to every keyevent of database 0 on a second client, as a
// subscriber to __keyevent@0__:* would, and hands back what it heard as
// "event key" lines ("lpush l", "del l") in the order they were published.
class EventLog {
 public:
  explicit EventLog(CommandHarness& h,
                    std::uint32_t classes = config::notify::kAll | config::notify::kKeyMiss)
      : h_(h), listener_(h.add_client()) {
    h_.config.notify_keyspace_events = config::notify::kKeyevent | classes;
    // The pattern must not contain the channel prefix searched for below.
    h_.run_as(listener_, {"PSUBSCRIBE", "__keyevent@*"});
  }

  // The events published since the last call.
  std::vector<std::string> take() {
    const std::string bytes = h_.output_of(listener_);
    std::vector<std::string> events;
    constexpr std::string_view kPrefix = "__keyevent@0__:";
    for (std::size_t at = bytes.find(kPrefix); at != std::string::npos;
         at = bytes.find(kPrefix, at + 1)) {
      const std::size_t name_end = bytes.find("\r\n", at);
      std::string event = bytes.substr(at + kPrefix.size(), name_end - at - kPrefix.size());
      // The key follows as a bulk string: "$<len>\r\n<key>\r\n".
      const std::size_t key_start = bytes.find("\r\n", name_end + 2) + 2;
      const std::size_t key_end = bytes.find("\r\n", key_start);
      events.push_back(event + " " + bytes.substr(key_start, key_end - key_start));
    }
    return events;
  }

 private:
  CommandHarness& h_;
  commands::ClientState& listener_;
};

using Events = std::vector<std::string>;

}  // namespace mini_redis::testing
