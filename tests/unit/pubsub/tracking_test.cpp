// The tracking tables of client-side caching (pubsub/tracking.h), on plain
// bytes: which client is told what, in which frame. The frames are Redis
// 7.0.15's (tests/diff/cases/tracking.txt compares them on the wire).
#include "pubsub/tracking.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mini_redis::pubsub {
namespace {

using protocol::ProtocolVersion;

// A client whose pushes collect in a string.
struct FakeClient : PushTarget {
  Subscriber subscriber;
  std::string received;
  explicit FakeClient(ProtocolVersion version) {
    subscriber.protocol = version;
    subscriber.push_target = this;
  }
  void push(std::string_view frame) override { received.append(frame); }
  std::string take() {
    std::string out;
    out.swap(received);
    return out;
  }
};

class TrackingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tracking.set_client_finder([this](std::int64_t id) -> Subscriber* {
      auto found = clients.find(id);
      return found == clients.end() ? nullptr : &found->second->subscriber;
    });
    tracking.set_broadcast_scheduler([this] { ++broadcasts_scheduled; });
  }
  FakeClient& add(std::int64_t id, ProtocolVersion version = ProtocolVersion::resp3) {
    owned.push_back(std::make_unique<FakeClient>(version));
    clients[id] = owned.back().get();
    return *owned.back();
  }
  static TrackingOptions options(std::int64_t redirect, bool bcast, bool noloop,
                                 std::vector<std::string_view> prefixes = {}) {
    TrackingOptions out;
    out.redirect = redirect;
    out.bcast = bcast;
    out.noloop = noloop;
    out.prefixes = std::move(prefixes);
    return out;
  }
  void read(std::int64_t id, std::vector<std::string_view> keys) {
    tracking.remember_keys(id, keys);
  }

  Tracking tracking;
  std::map<std::int64_t, FakeClient*> clients;
  std::vector<std::unique_ptr<FakeClient>> owned;
  int broadcasts_scheduled = 0;
};

constexpr std::string_view kInvalidateK = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n";

TEST_F(TrackingTest, NothingTrackedMeansNothingSent) {
  FakeClient& a = add(1);
  tracking.invalidate_key("k");
  EXPECT_EQ(a.take(), "");
  EXPECT_EQ(tracking.tracking_clients(), 0U);
}

TEST_F(TrackingTest, ReaderIsToldOnceAndTheKeyLeavesTheTable) {
  FakeClient& a = add(1);
  tracking.enable(a.subscriber, 1, {});
  read(1, {"k", "other"});
  EXPECT_EQ(tracking.total_keys(), 2U);
  EXPECT_EQ(tracking.total_items(), 2U);
  tracking.invalidate_key("k");
  EXPECT_EQ(a.take(), kInvalidateK);
  EXPECT_EQ(tracking.total_keys(), 1U);
  tracking.invalidate_key("k");
  EXPECT_EQ(a.take(), "");
}

TEST_F(TrackingTest, OwnWriteWaitsForTheEndOfTheCommand) {
  FakeClient& a = add(1);
  tracking.enable(a.subscriber, 1, {});
  read(1, {"k"});
  tracking.begin_command(a.subscriber);
  tracking.invalidate_key("k");
  EXPECT_EQ(a.take(), "");  // the reply is still being written
  tracking.end_command(a.subscriber);
  EXPECT_EQ(a.take(), kInvalidateK);
}

TEST_F(TrackingTest, NoloopSkipsOwnWritesOnly) {
  FakeClient& a = add(1);
  FakeClient& b = add(2);
  tracking.enable(a.subscriber, 1, options(0, false, true));
  read(1, {"k"});
  tracking.begin_command(a.subscriber);
  tracking.invalidate_key("k");
  tracking.end_command(a.subscriber);
  EXPECT_EQ(a.take(), "");
  read(1, {"k"});
  tracking.begin_command(b.subscriber);
  tracking.invalidate_key("k");
  tracking.end_command(b.subscriber);
  EXPECT_EQ(a.take(), kInvalidateK);
}

TEST_F(TrackingTest, Resp2RedirectNeedsASubscribedTarget) {
  FakeClient& tracker = add(1, ProtocolVersion::resp2);
  FakeClient& target = add(2, ProtocolVersion::resp2);
  tracking.enable(tracker.subscriber, 1, options(2, false, false));
  read(1, {"k"});
  tracking.invalidate_key("k");
  EXPECT_EQ(target.take(), "");  // not in Pub/Sub mode: nothing can be sent
  target.subscriber.subscriptions.channels.insert("__redis__:invalidate");
  read(1, {"k"});
  tracking.invalidate_key("k");
  EXPECT_EQ(target.take(),
            "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n");
  tracking.invalidate_all();
  EXPECT_EQ(target.take(), "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n");
  EXPECT_EQ(tracker.take(), "");
}

TEST_F(TrackingTest, BrokenRedirectIsReportedToResp3Clients) {
  FakeClient& tracker = add(1);
  tracking.enable(tracker.subscriber, 1, options(9, false, false));
  read(1, {"k"});
  tracking.invalidate_key("k");
  EXPECT_EQ(tracker.take(), ">2\r\n$21\r\ntracking-redir-broken\r\n:9\r\n");
  EXPECT_TRUE(tracker.subscriber.tracking.broken_redirect);
}

TEST_F(TrackingTest, FlushSendsNullAndEmptiesTheTable) {
  FakeClient& a = add(1);
  FakeClient& b = add(2, ProtocolVersion::resp2);
  tracking.enable(a.subscriber, 1, {});
  tracking.enable(b.subscriber, 2, {});
  read(1, {"x", "y"});
  tracking.invalidate_all();
  EXPECT_EQ(a.take(), ">2\r\n$10\r\ninvalidate\r\n_\r\n");
  EXPECT_EQ(b.take(), "");  // RESP2 without a redirect hears nothing
  EXPECT_EQ(tracking.total_keys(), 0U);
  EXPECT_EQ(tracking.total_items(), 0U);
}

TEST_F(TrackingTest, BroadcastCollectsKeysPerPrefixSorted) {
  FakeClient& a = add(1);
  tracking.enable(a.subscriber, 1, options(0, true, false, {"user:"}));
  EXPECT_EQ(tracking.total_prefixes(), 1U);
  tracking.invalidate_key("user:2");
  tracking.invalidate_key("other");
  tracking.invalidate_key("user:1");
  EXPECT_EQ(broadcasts_scheduled, 1);
  EXPECT_EQ(a.take(), "");  // not before the loop comes round
  tracking.broadcast_pending();
  EXPECT_EQ(a.take(), ">2\r\n$10\r\ninvalidate\r\n*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n");
  tracking.broadcast_pending();
  EXPECT_EQ(a.take(), "");
}

TEST_F(TrackingTest, DisablingTheLastBroadcastClientDropsItsPrefix) {
  FakeClient& a = add(1);
  tracking.enable(a.subscriber, 1, options(0, true, false));
  EXPECT_EQ(tracking.total_prefixes(), 1U);  // "" : every key
  tracking.disable(a.subscriber, 1);
  EXPECT_EQ(tracking.total_prefixes(), 0U);
  EXPECT_EQ(tracking.tracking_clients(), 0U);
  EXPECT_FALSE(a.subscriber.tracking.on);
}

TEST_F(TrackingTest, PrefixCollisions) {
  ClientTracking current;
  current.prefixes = {"ab"};
  const std::vector<std::string_view> with_existing = {"a"};
  auto collision = Tracking::prefix_collision(current, with_existing);
  ASSERT_TRUE(collision);
  EXPECT_EQ(collision->error,
            "ERR Prefix 'a' overlaps with an existing prefix 'ab'. Prefixes for a single client "
            "must not overlap.");
  EXPECT_FALSE(collision->enables_anyway);
  // Redis 7.0.15's quirk: an overlap found from the second new prefix on
  // is reported, and tracking goes on all the same.
  const std::vector<std::string_view> among_new = {"x", "b", "bc"};
  collision = Tracking::prefix_collision({}, among_new);
  ASSERT_TRUE(collision);
  EXPECT_TRUE(collision->enables_anyway);
  const std::vector<std::string_view> fine = {"x", "y"};
  EXPECT_FALSE(Tracking::prefix_collision(current, fine));
}

TEST_F(TrackingTest, TableLimitEvictsWithAnInvalidation) {
  FakeClient& a = add(1);
  tracking.enable(a.subscriber, 1, {});
  read(1, {"a", "b", "c"});
  tracking.limit_table(2);
  EXPECT_EQ(tracking.total_keys(), 2U);
  EXPECT_NE(a.take().find(">2\r\n$10\r\ninvalidate\r\n*1\r\n"), std::string::npos);
  tracking.limit_table(0);  // no limit
  EXPECT_EQ(tracking.total_keys(), 2U);
}

}  // namespace
}  // namespace mini_redis::pubsub
