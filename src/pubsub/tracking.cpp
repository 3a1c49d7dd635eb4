#include "pubsub/tracking.h"

#include <algorithm>
#include <charconv>

namespace mini_redis::pubsub {

namespace {

// The frame heads of an invalidation: a RESP3 push, or (RESP2, through a
// redirect) a Pub/Sub message on Redis's fixed channel.
constexpr std::string_view kPushHead = ">2\r\n$10\r\ninvalidate\r\n";
constexpr std::string_view kMessageHead = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n";

void append_length(std::string& out, char type, std::size_t length) {
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof(digits), length);
  out += type;
  out.append(digits, result.ptr);
  out += "\r\n";
}

// Redis's stringCheckPrefix: does one of the two start with the other?
bool overlap(std::string_view a, std::string_view b) {
  const std::size_t common = std::min(a.size(), b.size());
  return a.substr(0, common) == b.substr(0, common);
}

// The null a flush sends, in the tracking client's protocol (Redis uses
// shared.null[c->resp] of the tracking client, even when the message goes
// to a redirect that speaks the other protocol).
std::string_view null_for(const Subscriber& client) {
  return client.protocol == protocol::ProtocolVersion::resp3 ? "_\r\n" : "$-1\r\n";
}

}  // namespace

void Tracking::append_key_array(std::string& out, std::span<const std::string_view> keys) {
  append_length(out, '*', keys.size());
  for (std::string_view key : keys) {
    append_length(out, '$', key.size());
    out.append(key);
    out += "\r\n";
  }
}

// ---- CLIENT TRACKING ----------------------------------------------------------------

std::optional<Tracking::PrefixCollision> Tracking::prefix_collision(
    const ClientTracking& current, std::span<const std::string_view> prefixes) {
  constexpr std::string_view kRule = ". Prefixes for a single client must not overlap.";
  for (std::size_t i = 0; i < prefixes.size(); ++i) {
    for (const std::string& existing : current.prefixes) {
      if (overlap(existing, prefixes[i])) {
        return PrefixCollision{.error = "ERR Prefix '" + std::string(prefixes[i]) +
                                        "' overlaps with an existing prefix '" + existing + "'" +
                                        std::string(kRule)};
      }
    }
    for (std::size_t j = i + 1; j < prefixes.size(); ++j) {
      if (overlap(prefixes[i], prefixes[j])) {
        return PrefixCollision{.error = "ERR Prefix '" + std::string(prefixes[i]) +
                                        "' overlaps with another provided prefix '" +
                                        std::string(prefixes[j]) + "'" + std::string(kRule),
                               .enables_anyway = i > 0};
      }
    }
  }
  return std::nullopt;
}

void Tracking::enable(Subscriber& client, std::int64_t id, const TrackingOptions& options) {
  ClientTracking& tracking = client.tracking;
  if (!tracking.on) by_id_[id] = &client;
  tracking.on = true;
  tracking.broken_redirect = false;
  tracking.bcast = options.bcast;
  tracking.optin = options.optin;
  tracking.optout = options.optout;
  tracking.noloop = options.noloop;
  tracking.redirect = options.redirect;
  if (!options.bcast) return;
  // BCAST without PREFIX listens to the empty prefix: every key.
  std::vector<std::string_view> wanted = options.prefixes;
  if (wanted.empty()) wanted.emplace_back();
  for (std::string_view prefix : wanted) {
    auto mine = std::lower_bound(tracking.prefixes.begin(), tracking.prefixes.end(), prefix);
    if (mine != tracking.prefixes.end() && *mine == prefix) continue;  // already listening
    tracking.prefixes.emplace(mine, prefix);
    auto state = prefixes_.find(prefix);
    if (state == prefixes_.end())
      state = prefixes_.emplace(std::string(prefix), PrefixState{}).first;
    state->second.clients.push_back(&client);
  }
}

void Tracking::disable(Subscriber& client, std::int64_t id) {
  ClientTracking& tracking = client.tracking;
  for (const std::string& prefix : tracking.prefixes) {
    auto state = prefixes_.find(prefix);
    if (state == prefixes_.end()) continue;
    std::erase(state->second.clients, &client);
    // The last listener gone, the prefix and the keys it collected go too.
    if (state->second.clients.empty()) prefixes_.erase(state);
  }
  if (tracking.on) by_id_.erase(id);
  // Its entries in the table stay until their keys are touched: a lookup
  // by id then finds no tracking client, as in Redis.
  tracking = ClientTracking{};
}

// ---- around each command ------------------------------------------------------------

void Tracking::remember_keys(std::int64_t id, std::span<const std::string_view> keys) {
  for (std::string_view key : keys) {
    auto entry = table_.find(key);
    if (entry == table_.end()) entry = table_.try_emplace(std::string(key)).first;
    if (entry->second.insert(id).second) ++items_;
  }
}

void Tracking::end_command(Subscriber& client) {
  if (current_ != &client) return;
  current_ = nullptr;
  if (pending_.empty()) return;
  // Taken out first: sending may, through a client's output limit, end up
  // here again.
  std::vector<std::optional<std::string>> pending;
  pending.swap(pending_);
  for (const std::optional<std::string>& key : pending) {
    if (!key) {
      send(client, null_for(client));
      continue;
    }
    std::string payload;
    const std::string_view one[] = {*key};
    append_key_array(payload, one);
    send(client, payload);
  }
}

void Tracking::limit_table(std::int64_t max_keys) {
  if (max_keys <= 0) return;  // 0: no limit
  const auto limit = static_cast<std::size_t>(max_keys);
  if (table_.size() <= limit) {
    over_limit_runs_ = 0;
    return;
  }
  // As Redis's trackingLimitUsedSlots: a bounded effort per command, which
  // grows each time the table is still found over the limit, so that one
  // command never stalls on a huge excess. Redis picks keys by a random
  // walk; any key will do, so we take the table's first.
  int effort = 100 * (over_limit_runs_ + 1);
  while (effort-- > 0 && !table_.empty()) {
    const std::string key = table_.begin()->first;
    invalidate(key, nullptr, /*broadcast=*/false);
    if (table_.size() <= limit) {
      over_limit_runs_ = 0;
      return;
    }
  }
  ++over_limit_runs_;
}

// ---- invalidation -------------------------------------------------------------------

void Tracking::invalidate(std::string_view key, const Subscriber* writer, bool broadcast) {
  if (broadcast && !prefixes_.empty()) remember_for_broadcast(key, writer);
  auto entry = table_.find(key);
  if (entry == table_.end()) return;
  // The key leaves the table before anyone is told: it is tracked again
  // only when a client reads it again.
  const absl::flat_hash_set<std::int64_t> readers = std::move(entry->second);
  table_.erase(entry);
  items_ -= readers.size();
  std::string payload;
  const std::string_view one[] = {key};
  append_key_array(payload, one);
  for (std::int64_t id : readers) {
    auto found = by_id_.find(id);
    if (found == by_id_.end()) continue;  // gone, or no longer tracking
    Subscriber& target = *found->second;
    // A client that switched to BCAST is told by prefix only.
    if (target.tracking.bcast) continue;
    if (&target == current_) {
      if (target.tracking.noloop) continue;  // its own write
      pending_.emplace_back(std::string(key));
      continue;
    }
    send(target, payload);
  }
}

void Tracking::remember_for_broadcast(std::string_view key, const Subscriber* writer) {
  bool any = false;
  for (auto& [prefix, state] : prefixes_) {
    if (!key.starts_with(prefix)) continue;
    auto [position, added] = state.keys.try_emplace(std::string(key), writer);
    if (!added) position->second = writer;  // the last writer counts, for NOLOOP
    any = true;
  }
  if (any && !broadcast_scheduled_ && schedule_) {
    broadcast_scheduled_ = true;
    schedule_();
  }
}

void Tracking::broadcast_pending() {
  broadcast_scheduled_ = false;
  std::vector<std::string_view> keys;
  for (auto& [prefix, state] : prefixes_) {
    if (state.keys.empty()) continue;
    keys.clear();
    for (const auto& [key, writer] : state.keys) keys.push_back(key);
    std::string common;
    append_key_array(common, keys);
    // A copy: a client closed by its output limit leaves the list meanwhile.
    const std::vector<Subscriber*> listeners = state.clients;
    for (Subscriber* client : listeners) {
      if (!client->tracking.noloop) {
        send(*client, common);
        continue;
      }
      // NOLOOP: the keys this client modified itself are left out.
      std::vector<std::string_view> others;
      for (const auto& [key, writer] : state.keys) {
        if (writer != client) others.push_back(key);
      }
      if (others.empty()) continue;
      std::string own;
      append_key_array(own, others);
      send(*client, own);
    }
    state.keys.clear();
  }
}

void Tracking::invalidate_all() {
  for (auto& [id, client] : by_id_) {
    if (client == current_) {
      pending_.emplace_back(std::nullopt);  // after the FLUSHDB's +OK
    } else {
      send(*client, null_for(*client));
    }
  }
  table_.clear();
  items_ = 0;
}

void Tracking::send(Subscriber& tracker, std::string_view payload) {
  Subscriber* target = &tracker;
  const bool redirected = tracker.tracking.redirect != 0;
  if (redirected) {
    target = find_client_ ? find_client_(tracker.tracking.redirect) : nullptr;
    if (target == nullptr) {
      // The redirect client left. Only a RESP3 client can be told, on its
      // own connection; a RESP2 one finds out from TRACKINGINFO or CLIENT
      // LIST (flag R).
      tracker.tracking.broken_redirect = true;
      if (tracker.protocol == protocol::ProtocolVersion::resp3 && tracker.push_target) {
        frame_ = ">2\r\n$21\r\ntracking-redir-broken\r\n:";
        frame_ += std::to_string(tracker.tracking.redirect);
        frame_ += "\r\n";
        tracker.push_target->push(frame_);
      }
      return;
    }
  }
  if (target->protocol == protocol::ProtocolVersion::resp3) {
    frame_ = kPushHead;
  } else if (redirected && !target->subscriptions.empty()) {
    // Redis checks that the target is in Pub/Sub mode, not that it
    // subscribed to this very channel.
    frame_ = kMessageHead;
  } else {
    return;  // RESP2 without a (subscribed) redirect: nowhere to say it
  }
  frame_ += payload;
  if (target->push_target != nullptr) target->push_target->push(frame_);
}

}  // namespace mini_redis::pubsub
