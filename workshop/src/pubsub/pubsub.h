// Workshop copy of src/pubsub/pubsub.h, made by workshop/generate.py, to read:
// the workshop build uses it in place of the original. Nothing to write here.
// PubSub: who listens to which channel, and delivering a message to them.
//
// Redis keeps three registries, and so do we:
//   - channels:        SUBSCRIBE news      gets every PUBLISH news ...
//   - patterns:        PSUBSCRIBE n*       gets every PUBLISH to a matching channel
//   - shard channels:  SSUBSCRIBE news     gets every SPUBLISH news ... (a separate
//                      namespace; in cluster mode it lives on one shard)
// Each registry maps a name to its subscribers, in subscription order; each
// client also keeps the set of names it listens to (Subscriber::subscriptions)
// so that UNSUBSCRIBE without arguments, and a disconnect, know what to undo.
//
// Publishing encodes each message once, in RESP2, and hands the same bytes to
// every subscriber: a RESP3 frame differs only in its first byte ('>' push
// instead of '*' array), which is switched in place. The bytes reach a client
// through its PushTarget, which the server implements by appending to that
// connection's output buffer; the subscriber's output limit
// (client-output-buffer-limit pubsub) then protects the server from a
// subscriber that does not read.
//
// This is the registry only; the commands that use it are in
// pubsub_commands.cpp, and keyspace notifications publish through it too.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "protocol/reply_writer.h"
#include "pubsub/tracking_state.h"

namespace mini_redis::pubsub {

// Lets the sets and maps below find a std::string key from a std::string_view
// without building a string (Debian's Abseil has its own string_view type, so
// its default hash does not take ours).
struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view name) const {
    return absl::Hash<absl::string_view>{}(absl::string_view(name.data(), name.size()));
  }
};
struct NameEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};
using NameSet = absl::flat_hash_set<std::string, NameHash, NameEqual>;

// What one client listens to.
struct Subscriptions {
  NameSet channels;
  // A list, not a set: PUNSUBSCRIBE without arguments answers in subscription
  // order, as Redis 7.0 does (its client->pubsub_patterns is a list).
  std::vector<std::string> patterns;
  NameSet shard_channels;

  // The count SUBSCRIBE / PSUBSCRIBE replies carry (shard channels count apart).
  [[nodiscard]] std::size_t channels_and_patterns() const {
    return channels.size() + patterns.size();
  }
  [[nodiscard]] bool empty() const {
    return channels.empty() && patterns.empty() && shard_channels.empty();
  }
};

// How bytes reach a client outside its own request and reply: a Pub/Sub
// message, a MONITOR line. The server implements it by appending to the
// connection's output buffer and writing it soon, as it would a reply.
class PushTarget {
 public:
  virtual ~PushTarget() = default;
  virtual void push(std::string_view frame) = 0;
};

// What the registry knows of a client: what it listens to, which protocol
// its frames take, and where they go. The commands layer's Subscriber is
// one; the registry needs nothing else of a connection.
struct Subscriber {
  Subscriptions subscriptions;
  protocol::ProtocolVersion protocol = protocol::ProtocolVersion::resp2;
  PushTarget* push_target = nullptr;
  // CLIENT TRACKING's switches (tracking.h): invalidation messages are
  // pushes too, and may travel as Pub/Sub messages.
  ClientTracking tracking;
};

class PubSub {
 public:
  // Which registry a (un)subscription or a publish addresses.
  enum class Kind { channel, pattern, shard_channel };

  // False if the client was already subscribed (or, for unsubscribe, was not).
  bool subscribe(Subscriber& client, Kind kind, std::string_view name);
  bool unsubscribe(Subscriber& client, Kind kind, std::string_view name);
  // A client that disconnects or RESETs leaves every registry, silently.
  void unsubscribe_all(Subscriber& client);

  // PUBLISH (channels, then patterns) or SPUBLISH (shard channels); returns
  // how many deliveries were made, which is what those commands reply.
  std::size_t publish(std::string_view channel, std::string_view message);
  std::size_t publish_to_shard(std::string_view channel, std::string_view message);

  // ---- PUBSUB introspection ----
  // Names with at least one subscriber, matching `pattern` when one is given
  // (an empty pattern is a pattern too, and matches nothing).
  [[nodiscard]] std::vector<std::string_view> active_names(
      Kind kind, std::optional<std::string_view> pattern) const;
  [[nodiscard]] std::size_t subscriber_count(Kind kind, std::string_view name) const;
  // Distinct names with subscribers: PUBSUB NUMPAT, INFO pubsub_channels...
  [[nodiscard]] std::size_t active_count(Kind kind) const { return registry(kind).size(); }

 private:
  // Subscribers in subscription order. A vector: removal is linear in the
  // channel's subscribers, as with Redis 7.0's list, and delivery, the hot
  // part, walks contiguous memory.
  using Registry = absl::flat_hash_map<std::string, std::vector<Subscriber*>, NameHash, NameEqual>;

  Registry& registry(Kind kind);
  [[nodiscard]] const Registry& registry(Kind kind) const;
  // Sends frame_ (encoded in RESP2) to each subscriber in its protocol.
  void deliver(const std::vector<Subscriber*>& subscribers);
  // message / smessage: kind, channel, payload.
  std::size_t publish_exact(Kind kind, std::string_view kind_word, std::string_view channel,
                            std::string_view message);

  Registry channels_;
  Registry patterns_;
  Registry shard_channels_;
  // Scratch buffer for encoding; kept between publishes so that a steady
  // stream of messages allocates nothing.
  std::string frame_;
};

}  // namespace mini_redis::pubsub
