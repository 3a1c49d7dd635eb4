// ACL rules on their own: what each SETUSER rule does to a user, how a user
// reads back (describe_*), and what check_acl() allows. No sockets: a
// command table and a user table are plain values.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "commands/core/acl_check.h"
#include "commands/core/acl_user.h"
#include "commands/core/command_table.h"

namespace mini_redis::commands {
namespace {

class AclRulesTest : public ::testing::Test {
 protected:
  // Applies the rules in order; the first refusal's reason, or "".
  std::string apply(AclUser& user, std::vector<std::string_view> rules) {
    for (std::string_view rule : rules) {
      if (auto reason = apply_acl_rule(user, rule, acl, /*pubsub_all_channels=*/false)) {
        return *reason;
      }
    }
    return "";
  }
  AclUser user_with(std::vector<std::string_view> rules) {
    AclUser user = AccessControl::blank_user(acl, "u", false);
    EXPECT_EQ(apply(user, rules), "");
    return user;
  }
  AclDenial check(const AclUser& user, std::vector<std::string_view> command) {
    const CommandSpec* spec = table.find(command[0]);
    if (!spec->subcommands.empty() && command.size() > 1) spec = spec->find_subcommand(command[1]);
    return check_acl(user, *spec, command).denial;
  }

  CommandTable table;
  AccessControl acl{table};
};

TEST_F(AclRulesTest, DefaultUserIsUnrestrictedAndDescribedAsRedisDoes) {
  const AclUser& user = *acl.default_user();
  EXPECT_TRUE(user.unrestricted);
  EXPECT_FALSE(acl.auth_required());
  EXPECT_EQ(describe_user(user, acl), "on nopass ~* &* +@all");
}

TEST_F(AclRulesTest, NewUserHasNoPermissionAtAll) {
  AclUser user = AccessControl::blank_user(acl, "bob", false);
  EXPECT_EQ(describe_user(user, acl), "off resetchannels -@all");
  EXPECT_EQ(check(user, {"ping"}), AclDenial::command);
}

TEST_F(AclRulesTest, UnknownRulesAndNamesAreRefusedWithRedisReasons) {
  AclUser user = AccessControl::blank_user(acl, "u", false);
  EXPECT_EQ(apply(user, {"foo"}), "Syntax error");
  EXPECT_EQ(apply(user, {"+nosuch"}), "Unknown command or category name in ACL");
  EXPECT_EQ(apply(user, {"-@nosuch"}), "Unknown command or category name in ACL");
  EXPECT_EQ(apply(user, {"-get|x"}), "Unknown command or category name in ACL");
  EXPECT_EQ(apply(user, {"+client|kill|x"}), "Allowing first-arg of a subcommand is not supported");
  EXPECT_EQ(apply(user, {"+get|"}), "Syntax error");
  EXPECT_EQ(apply(user, {"%X~a"}), "Syntax error");
  EXPECT_EQ(apply(user, {"%~a"}), "Syntax error");
  EXPECT_EQ(apply(user, {"(+get ~x)"}), "Syntax error");  // selectors are not supported
  EXPECT_EQ(apply(user, {"#abc"}),
            "The password hash must be exactly 64 characters and contain only lowercase "
            "hexadecimal characters");
  EXPECT_EQ(apply(user, {"<nopwd"}),
            "The password you are trying to remove from the user does not exist");
}

TEST_F(AclRulesTest, PatternsAfterAllKeysOrAllChannelsAreRefused) {
  AclUser user = user_with({"allkeys", "allchannels"});
  EXPECT_NE(apply(user, {"~x"}).find("(or the 'allkeys' flag)"), std::string::npos);
  EXPECT_NE(apply(user, {"&x"}).find("(or the 'allchannels' flag)"), std::string::npos);
}

TEST_F(AclRulesTest, PasswordsAreStoredAsSha256AndCheckedByHash) {
  AclUser user = user_with({"on", ">p1"});
  ASSERT_EQ(user.password_hashes.size(), 1U);
  EXPECT_EQ(user.password_hashes[0],
            "f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a");
  EXPECT_TRUE(password_matches(user, "p1"));
  EXPECT_FALSE(password_matches(user, "p2"));
  EXPECT_EQ(apply(user, {"<p1"}), "");
  EXPECT_FALSE(password_matches(user, "p1"));
  EXPECT_EQ(apply(user, {"nopass"}), "");
  EXPECT_TRUE(password_matches(user, "anything"));
  EXPECT_EQ(apply(user, {"resetpass"}), "");
  EXPECT_FALSE(password_matches(user, "anything"));
}

TEST_F(AclRulesTest, GeneratedPasswordsHaveTheAskedLength) {
  EXPECT_EQ(random_hex_password(256).size(), 64U);
  EXPECT_EQ(random_hex_password(5).size(), 2U);
  EXPECT_NE(random_hex_password(256), random_hex_password(256));
}

TEST_F(AclRulesTest, CommandRulesDescribeAsRedis70) {
  EXPECT_EQ(describe_commands(user_with({"+@all", "-@dangerous"}), acl), "+@all -@dangerous");
  EXPECT_EQ(describe_commands(user_with({"-@all", "+@read", "-get"}), acl), "-@all +@read -get");
  EXPECT_EQ(describe_commands(user_with({"+@all", "-get", "+get"}), acl), "+@all");
  EXPECT_EQ(describe_commands(user_with({"allcommands", "-client|kill"}), acl),
            "+@all -client|kill");
  EXPECT_EQ(describe_commands(user_with({"-@all", "+select|0"}), acl), "-@all +select|0");
  EXPECT_EQ(describe_commands(user_with({"nocommands", "+@all", "-@all"}), acl), "-@all");
}

TEST_F(AclRulesTest, KeyPatternsMergeTheirAccess) {
  AclUser user = user_with({"%RW~a", "%R~a", "%W~b", "~c", "%R~r"});
  EXPECT_EQ(describe_keys(user), "~a %W~b ~c %R~r ");
}

TEST_F(AclRulesTest, CommandAndFirstArgumentChecks) {
  AclUser user = user_with({"on", "allkeys", "+get", "+select|0", "+client|id"});
  EXPECT_EQ(check(user, {"get", "k"}), AclDenial::none);
  EXPECT_EQ(check(user, {"set", "k", "v"}), AclDenial::command);
  EXPECT_EQ(check(user, {"select", "0"}), AclDenial::none);
  EXPECT_EQ(check(user, {"select", "1"}), AclDenial::command);
  EXPECT_EQ(check(user, {"client", "id"}), AclDenial::none);
  EXPECT_EQ(check(user, {"client", "kill", "x"}), AclDenial::command);
}

TEST_F(AclRulesTest, ReadAndWriteKeyPatterns) {
  AclUser user = user_with({"on", "+@all", "%R~r*", "%W~w*"});
  EXPECT_EQ(check(user, {"get", "r1"}), AclDenial::none);
  EXPECT_EQ(check(user, {"get", "w1"}), AclDenial::key);
  EXPECT_EQ(check(user, {"set", "w1", "v"}), AclDenial::none);  // SET without GET only writes
  EXPECT_EQ(check(user, {"set", "w1", "v", "GET"}), AclDenial::key);
  EXPECT_EQ(check(user, {"set", "r1", "v"}), AclDenial::key);
  EXPECT_EQ(check(user, {"exists", "w1"}), AclDenial::none);  // no access needed: any pattern
}

TEST_F(AclRulesTest, ChannelChecks) {
  AclUser user = user_with({"on", "+@all", "allkeys", "&news.*"});
  EXPECT_EQ(check(user, {"publish", "news.1", "m"}), AclDenial::none);
  EXPECT_EQ(check(user, {"publish", "other", "m"}), AclDenial::channel);
  EXPECT_EQ(check(user, {"subscribe", "news.a", "other"}), AclDenial::channel);
  // A PSUBSCRIBE pattern must be one of the user's patterns, literally.
  EXPECT_EQ(check(user, {"psubscribe", "news.*"}), AclDenial::none);
  EXPECT_EQ(check(user, {"psubscribe", "news.1*"}), AclDenial::channel);
}

TEST_F(AclRulesTest, SubscriptionsBeyondTheChannelsAreNotAllowed) {
  const AclUser user = user_with({"on", "&news.*"});
  Subscriptions subscriptions;
  subscriptions.channels.insert("news.1");
  EXPECT_TRUE(subscriptions_allowed(user, subscriptions));
  subscriptions.patterns.push_back("news.1*");  // a pattern must be the user's own
  EXPECT_FALSE(subscriptions_allowed(user, subscriptions));
  subscriptions.patterns = {"news.*"};
  EXPECT_TRUE(subscriptions_allowed(user, subscriptions));
  subscriptions.shard_channels.insert("sports");
  EXPECT_FALSE(subscriptions_allowed(user, subscriptions));
}

TEST_F(AclRulesTest, EmptyRulesAreIgnoredAsInRedis) {
  AclUser user = user_with({"on", "", "+get"});
  EXPECT_EQ(describe_commands(user, acl), "-@all +get");
}

TEST_F(AclRulesTest, ResetFollowsPubsubDefault) {
  AclUser user = user_with({"on", "+@all", "~*", "&*"});
  ASSERT_FALSE(apply_acl_rule(user, "reset", acl, /*pubsub_all_channels=*/true));
  EXPECT_EQ(describe_user(user, acl), "off sanitize-payload &* -@all");
}

TEST_F(AclRulesTest, RequirepassSetsTheDefaultUsersPassword) {
  acl.apply_requirepass("foo");
  EXPECT_TRUE(acl.auth_required());
  EXPECT_TRUE(password_matches(*acl.default_user(), "foo"));
  acl.apply_requirepass("");
  EXPECT_FALSE(acl.auth_required());
}

}  // namespace
}  // namespace mini_redis::commands
