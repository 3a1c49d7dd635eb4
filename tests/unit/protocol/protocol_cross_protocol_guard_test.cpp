// The cross-protocol guard recognises exactly Redis's two names, POST and
// Host:, compared as Redis's strcasecmp does.
#include <gtest/gtest.h>

#include <string_view>

#include "protocol/cross_protocol_guard.h"

namespace mini_redis::protocol {
namespace {

using namespace std::string_view_literals;

TEST(CrossProtocolGuard, PostAndHostInAnyCaseAreAttacks) {
  EXPECT_TRUE(is_cross_protocol_attack("POST"));
  EXPECT_TRUE(is_cross_protocol_attack("post"));
  EXPECT_TRUE(is_cross_protocol_attack("pOsT"));
  EXPECT_TRUE(is_cross_protocol_attack("Host:"));
  EXPECT_TRUE(is_cross_protocol_attack("HOST:"));
  EXPECT_TRUE(is_cross_protocol_attack("host:"));
}

TEST(CrossProtocolGuard, TheNameEndsAtANulAsInStrcasecmp) {
  EXPECT_TRUE(is_cross_protocol_attack("post\0x"sv));
  EXPECT_TRUE(is_cross_protocol_attack("host:\0"sv));
  EXPECT_FALSE(is_cross_protocol_attack("pos\0t"sv));
}

TEST(CrossProtocolGuard, LookAlikesAndCommandsAreNot) {
  for (std::string_view name : {"POSTX", "POS", "Host", "HOST::", "host: ", "PING", "PTTL", "HSET",
                                "HGETALL", "PUBLISH", "GET", "", "p", "h"}) {
    EXPECT_FALSE(is_cross_protocol_attack(name)) << name;
  }
}

}  // namespace
}  // namespace mini_redis::protocol
