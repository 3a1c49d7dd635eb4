// ClientTracking: what CLIENT TRACKING set for one client.
//
// Every client carries one (inside pubsub::Subscriber), off by default. The
// registry that uses it, and the whole story of client-side caching, is in
// tracking.h; this header only holds the per-client switches so that the
// Subscriber can include it without pulling in the registry.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mini_redis::pubsub {

struct ClientTracking {
  bool on = false;  // Redis's CLIENT_TRACKING
  // BCAST: told about every key under its prefixes, not about the keys it read.
  bool bcast = false;
  // OPTIN: only the reads right after CLIENT CACHING YES are remembered.
  // OPTOUT: every read is, except right after CLIENT CACHING NO.
  bool optin = false;
  bool optout = false;
  // CLIENT CACHING YES / NO was given and applies to the next command
  // (Redis's CLIENT_TRACKING_CACHING: one flag serves both modes).
  bool caching = false;
  // NOLOOP: not told about the keys it modified itself.
  bool noloop = false;
  // The REDIRECT client has gone away (CLIENT LIST flag R, TRACKINGINFO's
  // broken_redirect).
  bool broken_redirect = false;
  // REDIRECT id: invalidations go to that client instead; 0 for none.
  std::int64_t redirect = 0;
  // BCAST's prefixes, sorted as TRACKINGINFO lists them; "" means every key.
  std::vector<std::string> prefixes;
};

}  // namespace mini_redis::pubsub
