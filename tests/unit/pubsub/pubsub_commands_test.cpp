// Pub/Sub through the command layer: subscription frames, delivery to other
// clients, subscribed mode, PUBSUB introspection. Each expected reply is what
// Redis 7.0.15 sends (the differential suite, tests/diff/cases/pubsub.txt,
// checks the same against the real server).
#include <gtest/gtest.h>

#include "unit/support/command_harness.h"

namespace mini_redis::commands {
namespace {

using testing::CommandHarness;

TEST(PubSubCommands, SubscribeAnswersOneFramePerChannelWithTheRunningCount) {
  CommandHarness h;
  EXPECT_EQ(h.run({"SUBSCRIBE", "a", "b"}),
            "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"
            "*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n");
  // Subscribing twice to one channel changes nothing but still answers.
  EXPECT_EQ(h.run({"SUBSCRIBE", "a"}), "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n");
}

TEST(PubSubCommands, PatternsCountWithChannelsButShardChannelsCountApart) {
  CommandHarness h;
  h.run({"SUBSCRIBE", "a"});
  EXPECT_EQ(h.run({"PSUBSCRIBE", "n*"}), "*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:2\r\n");
  EXPECT_EQ(h.run({"SSUBSCRIBE", "s"}), "*3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n");
}

TEST(PubSubCommands, UnsubscribeWithoutSubscriptionsAnswersANullChannel) {
  CommandHarness h;
  EXPECT_EQ(h.run({"UNSUBSCRIBE"}), "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
  EXPECT_EQ(h.run({"PUNSUBSCRIBE"}), "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
  EXPECT_EQ(h.run({"SUNSUBSCRIBE"}), "*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n");
}

TEST(PubSubCommands, PunsubscribeWithoutArgumentsGoesInSubscriptionOrder) {
  CommandHarness h;
  h.run({"PSUBSCRIBE", "z*", "a*", "m*"});
  EXPECT_EQ(h.run({"PUNSUBSCRIBE"}),
            "*3\r\n$12\r\npunsubscribe\r\n$2\r\nz*\r\n:2\r\n"
            "*3\r\n$12\r\npunsubscribe\r\n$2\r\na*\r\n:1\r\n"
            "*3\r\n$12\r\npunsubscribe\r\n$2\r\nm*\r\n:0\r\n");
}

TEST(PubSubCommands, UnsubscribeFromAChannelNotSubscribedStillAnswers) {
  CommandHarness h;
  h.run({"SUBSCRIBE", "a"});
  EXPECT_EQ(h.run({"UNSUBSCRIBE", "nope"}), "*3\r\n$11\r\nunsubscribe\r\n$4\r\nnope\r\n:1\r\n");
}

TEST(PubSubCommands, PublishReachesSubscribersOfOtherClientsAndCountsThem) {
  CommandHarness h;
  ClientState& subscriber = h.add_client();
  h.run_as(subscriber, {"SUBSCRIBE", "news"});
  EXPECT_EQ(h.run({"PUBLISH", "news", "hello"}), ":1\r\n");
  EXPECT_EQ(h.output_of(subscriber), "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n");
  EXPECT_EQ(h.run({"PUBLISH", "other", "x"}), ":0\r\n");
  EXPECT_EQ(h.output_of(subscriber), "");
}

TEST(PubSubCommands, APatternMatchGetsAPmessageNamingThePattern) {
  CommandHarness h;
  ClientState& subscriber = h.add_client();
  h.run_as(subscriber, {"PSUBSCRIBE", "n[ae]ws.*"});
  EXPECT_EQ(h.run({"PUBLISH", "news.eu", "hi"}), ":1\r\n");
  EXPECT_EQ(h.output_of(subscriber),
            "*4\r\n$8\r\npmessage\r\n$9\r\nn[ae]ws.*\r\n$7\r\nnews.eu\r\n$2\r\nhi\r\n");
  EXPECT_EQ(h.run({"PUBLISH", "nows.eu", "hi"}), ":0\r\n");
}

TEST(PubSubCommands, AClientOnBothChannelAndPatternGetsBothAndCountsTwice) {
  CommandHarness h;
  ClientState& subscriber = h.add_client();
  h.run_as(subscriber, {"SUBSCRIBE", "news"});
  h.run_as(subscriber, {"PSUBSCRIBE", "n*"});
  EXPECT_EQ(h.run({"PUBLISH", "news", "x"}), ":2\r\n");
  EXPECT_EQ(h.output_of(subscriber),
            "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$1\r\nx\r\n"
            "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$1\r\nx\r\n");
}

TEST(PubSubCommands, OneMessageReachesEachSubscriberInItsOwnProtocol) {
  CommandHarness h;
  ClientState& resp2 = h.add_client();
  ClientState& resp3 = h.add_client();
  h.run_as(resp2, {"SUBSCRIBE", "c"});
  h.run_as(resp3, {"HELLO", "3"});
  EXPECT_EQ(h.run_as(resp3, {"SUBSCRIBE", "c"}), ">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n");
  EXPECT_EQ(h.run({"PUBLISH", "c", "m"}), ":2\r\n");
  EXPECT_EQ(h.output_of(resp2), "*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
  EXPECT_EQ(h.output_of(resp3), ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
}

TEST(PubSubCommands, InResp3APublisherSubscribedToItselfGetsThePushBeforeTheReply) {
  CommandHarness h;
  h.run({"HELLO", "3"});
  h.run({"SUBSCRIBE", "c"});
  EXPECT_EQ(h.run({"PUBLISH", "c", "m"}), ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n:1\r\n");
  // Normal commands keep working while subscribed in RESP3.
  EXPECT_EQ(h.run({"GET", "k"}), "_\r\n");
}

TEST(PubSubCommands, ShardChannelsAreASeparateNamespace) {
  CommandHarness h;
  ClientState& subscriber = h.add_client();
  h.run_as(subscriber, {"SSUBSCRIBE", "s"});
  EXPECT_EQ(h.run({"PUBLISH", "s", "x"}), ":0\r\n");
  EXPECT_EQ(h.run({"SPUBLISH", "s", "y"}), ":1\r\n");
  EXPECT_EQ(h.output_of(subscriber), "*3\r\n$8\r\nsmessage\r\n$1\r\ns\r\n$1\r\ny\r\n");
}

TEST(PubSubCommands, Resp2SubscribedModeAllowsOnlyTheSubscribeFamilyPingQuitAndReset) {
  CommandHarness h;
  h.run({"SUBSCRIBE", "c"});
  EXPECT_EQ(h.run({"GET", "k"}),
            "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            "RESET are allowed in this context\r\n");
  // A subcommand is named by its full name; a wrong arity is reported first.
  EXPECT_EQ(h.run({"CLIENT", "INFO"}).substr(0, 32), "-ERR Can't execute 'client|info'");
  EXPECT_EQ(h.run({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(h.run({"PING"}), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  EXPECT_EQ(h.run({"PING", "hi"}), "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
  // Leaving every subscription leaves the mode.
  h.run({"UNSUBSCRIBE"});
  EXPECT_EQ(h.run({"PING"}), "+PONG\r\n");
}

TEST(PubSubCommands, ShardSubscriptionsAloneKeepTheClientInSubscribedMode) {
  CommandHarness h;
  h.run({"SSUBSCRIBE", "s"});
  h.run({"UNSUBSCRIBE"});
  EXPECT_EQ(h.run({"GET", "k"}).substr(0, 20), "-ERR Can't execute '");
}

TEST(PubSubCommands, ResetLeavesEverySubscription) {
  CommandHarness h;
  h.run({"SUBSCRIBE", "c"});
  h.run({"PSUBSCRIBE", "p*"});
  EXPECT_EQ(h.run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(h.run({"PUBSUB", "NUMSUB", "c"}), "*2\r\n$1\r\nc\r\n:0\r\n");
  EXPECT_EQ(h.run({"PUBSUB", "NUMPAT"}), ":0\r\n");
}

TEST(PubSubCommands, PubsubChannelsListsLiveChannelsMatchingAnOptionalPattern) {
  CommandHarness h;
  ClientState& subscriber = h.add_client();
  h.run_as(subscriber, {"SUBSCRIBE", "news"});
  EXPECT_EQ(h.run({"PUBSUB", "CHANNELS"}), "*1\r\n$4\r\nnews\r\n");
  EXPECT_EQ(h.run({"PUBSUB", "CHANNELS", "n?ws"}), "*1\r\n$4\r\nnews\r\n");
  EXPECT_EQ(h.run({"PUBSUB", "CHANNELS", "x*"}), "*0\r\n");
  // An empty pattern is a pattern, and matches nothing.
  EXPECT_EQ(h.run({"PUBSUB", "CHANNELS", ""}), "*0\r\n");
  EXPECT_EQ(h.run({"PUBSUB", "CHANNELS", "a", "b"}),
            "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB "
            "HELP.\r\n");
  // A channel whose last subscriber left is no longer listed.
  h.run_as(subscriber, {"UNSUBSCRIBE", "news"});
  EXPECT_EQ(h.run({"PUBSUB", "CHANNELS"}), "*0\r\n");
}

TEST(PubSubCommands, NumsubAndShardnumsubCountSubscribersPerName) {
  CommandHarness h;
  ClientState& first = h.add_client();
  ClientState& second = h.add_client();
  h.run_as(first, {"SUBSCRIBE", "c"});
  h.run_as(second, {"SUBSCRIBE", "c"});
  h.run_as(second, {"SSUBSCRIBE", "s"});
  EXPECT_EQ(h.run({"PUBSUB", "NUMSUB", "c", "z"}), "*4\r\n$1\r\nc\r\n:2\r\n$1\r\nz\r\n:0\r\n");
  EXPECT_EQ(h.run({"PUBSUB", "NUMSUB"}), "*0\r\n");
  EXPECT_EQ(h.run({"PUBSUB", "SHARDNUMSUB", "s"}), "*2\r\n$1\r\ns\r\n:1\r\n");
  EXPECT_EQ(h.run({"PUBSUB", "SHARDCHANNELS"}), "*1\r\n$1\r\ns\r\n");
}

TEST(PubSubCommands, ClientListShowsSubscriptionCountsAndThePFlag) {
  CommandHarness h;
  h.run({"HELLO", "3"});  // so that CLIENT INFO is allowed while subscribed
  h.run({"SUBSCRIBE", "a", "b"});
  h.run({"PSUBSCRIBE", "p*"});
  const std::string info = h.run({"CLIENT", "INFO"});
  EXPECT_NE(info.find(" flags=P db=0 sub=2 psub=1 ssub=0 "), std::string::npos) << info;
}

TEST(PubSubCommands, PubsubHelpAndUnknownSubcommand) {
  CommandHarness h;
  const std::string help = h.run({"PUBSUB", "HELP"});
  EXPECT_EQ(help.substr(0, 71),
            "*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n");
  EXPECT_EQ(h.run({"PUBSUB", "FOO"}), "-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n");
}

TEST(PubSubCommands, InfoStatsCountsLiveChannelsPatternsAndShardChannels) {
  CommandHarness h;
  ClientState& first = h.add_client();
  ClientState& second = h.add_client();
  h.run_as(first, {"SUBSCRIBE", "a", "b"});
  h.run_as(second, {"SUBSCRIBE", "a"});
  h.run_as(second, {"PSUBSCRIBE", "p*"});
  h.run_as(second, {"SSUBSCRIBE", "s"});
  const std::string info = h.run({"INFO", "stats"});
  EXPECT_NE(info.find("pubsub_channels:2\r\npubsub_patterns:1\r\npubsubshard_channels:1\r\n"),
            std::string::npos)
      << info;
}

}  // namespace
}  // namespace mini_redis::commands
