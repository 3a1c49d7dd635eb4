#include "pubsub/pubsub.h"

#include <algorithm>
#include <utility>

#include "common/glob.h"
#include "protocol/reply_writer.h"

namespace mini_redis::pubsub {

namespace {

// Adds `name` to a client's own set or list; false if it was there already.
bool remember(NameSet& names, std::string_view name) {
  return names.emplace(name).second;
}
bool remember(std::vector<std::string>& names, std::string_view name) {
  if (std::find(names.begin(), names.end(), name) != names.end()) return false;
  names.emplace_back(name);
  return true;
}

bool forget(NameSet& names, std::string_view name) {
  auto found = names.find(name);
  if (found == names.end()) return false;
  names.erase(found);
  return true;
}
bool forget(std::vector<std::string>& names, std::string_view name) {
  auto found = std::find(names.begin(), names.end(), name);
  if (found == names.end()) return false;
  names.erase(found);
  return true;
}

// Calls `action` with the client's own container for `kind`.
template <typename Action>
bool with_client_names(Subscriber& client, PubSub::Kind kind, Action action) {
  switch (kind) {
    case PubSub::Kind::channel: return action(client.subscriptions.channels);
    case PubSub::Kind::pattern: return action(client.subscriptions.patterns);
    case PubSub::Kind::shard_channel: return action(client.subscriptions.shard_channels);
  }
  return false;
}

}  // namespace

PubSub::Registry& PubSub::registry(Kind kind) {
  return const_cast<Registry&>(std::as_const(*this).registry(kind));
}

const PubSub::Registry& PubSub::registry(Kind kind) const {
  switch (kind) {
    case Kind::channel: return channels_;
    case Kind::pattern: return patterns_;
    case Kind::shard_channel: return shard_channels_;
  }
  return channels_;
}

bool PubSub::subscribe(Subscriber& client, Kind kind, std::string_view name) {
  const bool added =
      with_client_names(client, kind, [&](auto& names) { return remember(names, name); });
  if (added) registry(kind)[name].push_back(&client);
  return added;
}

bool PubSub::unsubscribe(Subscriber& client, Kind kind, std::string_view name) {
  const bool removed =
      with_client_names(client, kind, [&](auto& names) { return forget(names, name); });
  if (!removed) return false;
  Registry& names = registry(kind);
  auto entry = names.find(name);
  auto& subscribers = entry->second;
  subscribers.erase(std::find(subscribers.begin(), subscribers.end(), &client));
  // A name nobody listens to any more leaves the registry, so that PUBSUB
  // CHANNELS and NUMPAT count only live ones.
  if (subscribers.empty()) names.erase(entry);
  return true;
}

void PubSub::unsubscribe_all(Subscriber& client) {
  // Copies, because unsubscribe() edits the sets being walked.
  Subscriptions copy = client.subscriptions;
  for (const std::string& name : copy.channels) unsubscribe(client, Kind::channel, name);
  for (const std::string& name : copy.patterns) unsubscribe(client, Kind::pattern, name);
  for (const std::string& name : copy.shard_channels) {
    unsubscribe(client, Kind::shard_channel, name);
  }
}

void PubSub::deliver(const std::vector<Subscriber*>& subscribers) {
  for (Subscriber* client : subscribers) {
    // The frame was encoded as a RESP2 array; RESP3 wants a push frame, the
    // same bytes but for the type byte.
    frame_[0] = client->protocol == protocol::ProtocolVersion::resp3 ? '>' : '*';
    if (client->push_target != nullptr) client->push_target->push(frame_);
  }
}

std::size_t PubSub::publish_exact(Kind kind, std::string_view kind_word, std::string_view channel,
                                  std::string_view message) {
  const Registry& names = registry(kind);
  auto entry = names.find(channel);
  if (entry == names.end()) return 0;
  frame_.clear();
  protocol::ReplyWriter frame(frame_);
  frame.array_header(3);
  frame.bulk_string(kind_word);
  frame.bulk_string(channel);
  frame.bulk_string(message);
  deliver(entry->second);
  return entry->second.size();
}

std::size_t PubSub::publish(std::string_view channel, std::string_view message) {
  std::size_t receivers = publish_exact(Kind::channel, "message", channel, message);
  // Then every pattern that matches, each with its own frame naming the
  // pattern. A client subscribed to the channel and to a matching pattern
  // gets both, and counts twice, as in Redis.
  for (const auto& [pattern, subscribers] : patterns_) {
    if (!glob_match(pattern, channel)) continue;
    // workshop: begin step 10, PubSub::publish
    // A pattern that matches the channel (PSUBSCRIBE n*, PUBLISH news), and
    // its subscribers. Encode the frame in frame_ as publish_exact above
    // does, with 4 bulk strings: "pmessage", the pattern, the channel, the
    // message; deliver(subscribers) sends it, and each subscriber counts in
    // receivers, which PUBLISH replies.
    frame_.clear();
    protocol::ReplyWriter frame(frame_);
    frame.array_header(4);
    frame.bulk_string("pmessage");
    frame.bulk_string(pattern);
    frame.bulk_string(channel);
    frame.bulk_string(message);
    deliver(subscribers);
    receivers += subscribers.size();
    // workshop: end
  }
  return receivers;
}

std::size_t PubSub::publish_to_shard(std::string_view channel, std::string_view message) {
  return publish_exact(Kind::shard_channel, "smessage", channel, message);
}

std::vector<std::string_view> PubSub::active_names(Kind kind,
                                                   std::optional<std::string_view> pattern) const {
  std::vector<std::string_view> names;
  for (const auto& [name, subscribers] : registry(kind)) {
    if (!pattern || glob_match(*pattern, name)) names.emplace_back(name);
  }
  return names;
}

std::size_t PubSub::subscriber_count(Kind kind, std::string_view name) const {
  const Registry& names = registry(kind);
  auto entry = names.find(name);
  return entry == names.end() ? 0 : entry->second.size();
}

}  // namespace mini_redis::pubsub
