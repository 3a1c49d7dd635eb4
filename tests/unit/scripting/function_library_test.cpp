// FunctionEngine: the shebang, redis.register_function's checks, the
// registry (LOAD, REPLACE, DELETE, RESTORE's policies) and FCALL, on plain
// strings. The byte-exact comparison with Redis is
// tests/diff/cases/functions.txt; these tests pin the engine's contract.
#include "scripting/function_library.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "commands/scripting/function_payload.h"
#include "scripting/script_engine.h"
#include "unit/support/command_harness.h"

namespace mini_redis::scripting {
namespace {

using testing::CommandHarness;

class FunctionHarness {
 public:
  std::string run(std::vector<std::string> words) {
    std::vector<std::string_view> args(words.begin(), words.end());
    auto& output = *static_cast<testing::OutputBuffer*>(h.client.push_target);
    protocol::ReplyWriter reply(output.bytes, h.client.protocol);
    commands::Context ctx{h.client, reply,           h.keyspace, h.config,   h.stats,
                          h.server, h.table,         h.pubsub,   h.monitors, h.blocking,
                          &h.acl,   &h.watched_keys, &engine};
    commands::dispatch(ctx, args);
    h.client.protocol = reply.version();
    return output.take();
  }
  FunctionEngine& functions() { return engine.functions(); }

  CommandHarness h;
  ScriptEngine engine;
};

std::string library(std::string_view name, std::string_view body) {
  return "#!lua name=" + std::string(name) + "\n" + std::string(body);
}

TEST(LibraryMetadataTest, TheShebangGivesTheEngineTheNameAndTheBody) {
  const auto metadata = parse_library_metadata("#!lua name=mylib\nreturn 1");
  ASSERT_TRUE(metadata.has_value());
  EXPECT_EQ(metadata->engine, "lua");
  EXPECT_EQ(metadata->name, "mylib");
  // The body keeps the shebang's newline, so Lua counts it as line 1.
  EXPECT_EQ(metadata->body, "\nreturn 1");
  // Extra spaces and quotes are split as a redis-cli line.
  const auto quoted = parse_library_metadata("#!LUA   \"name=my lib\"\n");
  ASSERT_TRUE(quoted.has_value());
  EXPECT_EQ(quoted->engine, "LUA");
  EXPECT_EQ(quoted->name, "my lib");
}

TEST(LibraryMetadataTest, BadShebangsGetRedisErrors) {
  EXPECT_EQ(parse_library_metadata("return 1").error(), "Missing library metadata");
  EXPECT_EQ(parse_library_metadata("#!lua name=x").error(), "Invalid library metadata");
  EXPECT_EQ(parse_library_metadata("#!lua \"name=x\n").error(), "Invalid library metadata");
  EXPECT_EQ(parse_library_metadata("#!lua\n").error(), "Library name was not given");
  EXPECT_EQ(parse_library_metadata("#!lua name=a foo=bar\n").error(),
            "Invalid metadata value given: foo=bar");
  EXPECT_EQ(parse_library_metadata("#!lua name=a NAME=b\n").error(),
            "Invalid metadata value, name argument was given multiple times");
}

TEST(LibraryMetadataTest, NamesAndFlags) {
  EXPECT_TRUE(valid_function_name("a_B9"));
  EXPECT_FALSE(valid_function_name(""));
  EXPECT_FALSE(valid_function_name("a-b"));
  EXPECT_EQ(parse_function_flag("NO-WRITES"), function_flags::kNoWrites);
  EXPECT_EQ(parse_function_flag("allow-cross-slot-keys"), function_flags::kAllowCrossSlotKeys);
  EXPECT_FALSE(parse_function_flag("no_writes").has_value());
}

TEST(FunctionEngineTest, LoadRegistersBothFormsWithTheirFlagsAndDescription) {
  ScriptEngine scripts;
  FunctionEngine& engine = scripts.functions();
  const auto loaded =
      engine.load(library("lib",
                          "redis.register_function('a', function() return 1 end)\n"
                          "redis.register_function{function_name='b', callback=function() end,"
                          " flags={'no-writes', 'allow-oom'}, description='the b'}"),
                  false);
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  EXPECT_EQ(*loaded, "lib");
  EXPECT_EQ(engine.function_count(), 2U);
  const FunctionInfo* a = engine.find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->flags, 0U);
  EXPECT_FALSE(a->description.has_value());
  const FunctionInfo* b = engine.find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->flags, function_flags::kNoWrites | function_flags::kAllowOom);
  EXPECT_EQ(b->description, "the b");
  EXPECT_EQ(engine.find("B"), nullptr);  // names are case-sensitive
}

TEST(FunctionEngineTest, RegisterFunctionMisusesAreRefusedWithRedisTexts) {
  ScriptEngine scripts;
  FunctionEngine& engine = scripts.functions();
  const auto error_of = [&](std::string_view body) {
    const auto loaded = engine.load(library("bad", body), false);
    return loaded.has_value() ? std::string("loaded") : loaded.error();
  };
  const std::string prefix = "ERR Error registering functions: ERR ";
  EXPECT_EQ(error_of("redis.register_function()"),
            prefix + "wrong number of arguments to redis.register_function");
  EXPECT_EQ(error_of("redis.register_function(1)"),
            prefix +
                "calling redis.register_function with a single argument is only applicable to Lua "
                "table (representing named arguments).");
  EXPECT_EQ(error_of("redis.register_function({}, function() end)"),
            prefix + "first argument to redis.register_function must be a string");
  EXPECT_EQ(error_of("redis.register_function('f', 1)"),
            prefix + "second argument to redis.register_function must be a function");
  EXPECT_EQ(error_of("redis.register_function{function_name='f', callback=function() end, "
                     "flags={'bad'}}"),
            prefix + "unknown flag given");
  EXPECT_EQ(error_of("redis.register_function{function_name='f', callback=function() end, x=1}"),
            prefix + "unknown argument given to redis.register_function");
  EXPECT_EQ(error_of("redis.register_function{callback=function() end}"),
            prefix + "redis.register_function must get a function name argument");
  EXPECT_EQ(error_of("redis.register_function{function_name='f'}"),
            prefix + "redis.register_function must get a callback argument");
  EXPECT_EQ(error_of("redis.register_function('a-b', function() end)"),
            prefix +
                "Library names can only contain letters, numbers, or underscores(_) and must be at "
                "least one character long");
  EXPECT_EQ(error_of("redis.register_function('f', function() end)\n"
                     "redis.register_function('f', function() end)"),
            prefix + "Function already exists in the library");
  EXPECT_EQ(error_of("local x = 1"), "ERR No functions registered");
  EXPECT_EQ(error_of("return +"),
            "ERR Error compiling function: user_function:2: unexpected "
            "symbol near '+'");
  EXPECT_EQ(engine.libraries().size(), 0U);
}

TEST(FunctionEngineTest, LoadTimeCodeSeesOnlyTheLibraryApi) {
  ScriptEngine scripts;
  FunctionEngine& engine = scripts.functions();
  const std::string prefix = "ERR Error registering functions: ERR user_function:2: ";
  EXPECT_EQ(engine.load(library("l", "redis.call('ping')"), false).error(),
            prefix + "Script attempted to access nonexistent global variable 'call'");
  EXPECT_EQ(engine.load(library("l", "local s = string.rep('a', 2)"), false).error(),
            prefix + "Script attempted to access nonexistent global variable 'string'");
  EXPECT_EQ(engine.load(library("l", "redis.x = 1"), false).error(),
            prefix + "Attempt to modify a readonly table");
  // What is there: log, the levels, the version.
  EXPECT_TRUE(engine
                  .load(library("l",
                                "redis.log(redis.LOG_NOTICE, redis.REDIS_VERSION)\n"
                                "redis.register_function('f', function() return 1 end)"),
                        false)
                  .has_value());
}

TEST(FunctionEngineTest, ReplaceDeleteAndFunctionCollisions) {
  ScriptEngine scripts;
  FunctionEngine& engine = scripts.functions();
  ASSERT_TRUE(engine.load(library("a", "redis.register_function('f', function() end)"), false));
  EXPECT_EQ(
      engine.load(library("a", "redis.register_function('g', function() end)"), false).error(),
      "ERR Library 'a' already exists");
  EXPECT_EQ(
      engine.load(library("b", "redis.register_function('f', function() end)"), false).error(),
      "ERR Function f already exists");
  ASSERT_TRUE(engine.load(library("a", "redis.register_function('g', function() end)"), true));
  EXPECT_EQ(engine.find("f"), nullptr);
  EXPECT_NE(engine.find("g"), nullptr);
  EXPECT_FALSE(engine.remove("nope"));
  EXPECT_TRUE(engine.remove("a"));
  EXPECT_EQ(engine.function_count(), 0U);
}

TEST(FunctionEngineTest, RestorePoliciesAreAllOrNothing) {
  ScriptEngine scripts;
  FunctionEngine& engine = scripts.functions();
  const std::string a = library("a", "redis.register_function('fa', function() end)");
  const std::string b = library("b", "redis.register_function('fb', function() end)");
  ASSERT_TRUE(engine.load(a, false));
  EXPECT_EQ(engine.restore({a, b}, RestorePolicy::append), "ERR Library a already exists");
  EXPECT_EQ(engine.libraries().size(), 1U);  // b was not added either
  EXPECT_EQ(engine.restore({a, b}, RestorePolicy::replace), "");
  EXPECT_EQ(engine.libraries().size(), 2U);
  EXPECT_EQ(engine.restore({b}, RestorePolicy::flush), "");
  EXPECT_EQ(engine.libraries().size(), 1U);
  EXPECT_EQ(engine.find("fa"), nullptr);
  // A library that does not compile fails the restore before any change.
  EXPECT_EQ(engine.restore({a, "#!lua name=c\nreturn +"}, RestorePolicy::flush),
            "ERR Error compiling function: user_function:2: unexpected symbol near '+'");
  EXPECT_NE(engine.find("fb"), nullptr);
}

TEST(FunctionPayloadTest, DumpAndReadBack) {
  const std::vector<std::string> codes = {library("a", std::string(100, ' ') + "x"), "short"};
  const std::string payload = commands::function_dump_payload(codes, true);
  EXPECT_EQ(static_cast<std::uint8_t>(payload[0]), 245);
  const auto back = commands::function_payload_codes(payload);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, codes);
  std::string corrupt = payload;
  corrupt[3] ^= 1;
  EXPECT_EQ(commands::function_payload_codes(corrupt).error(),
            "ERR DUMP payload version or checksum are wrong");
  // An empty registry dumps as the footer alone: Redis's 0a 00 + CRC64.
  EXPECT_EQ(commands::function_dump_payload({}, true),
            std::string("\x0a\x00\x5d\x9b\x5c\x40\x0f\x7f\xa2\xda", 10));
}

TEST(FcallTest, FunctionsGetKeysAndArgsAndTheirErrorsNameThem) {
  FunctionHarness s;
  EXPECT_EQ(s.run({"FUNCTION", "LOAD",
                   library("lib",
                           "redis.register_function('setget', function(keys, args)\n"
                           "  redis.call('SET', keys[1], args[1])\n"
                           "  return redis.call('GET', keys[1]) end)\n"
                           "redis.register_function{function_name='ro', callback="
                           "function(keys) return redis.call('SET', keys[1], 'x') end,"
                           " flags={'no-writes'}}\n"
                           "redis.register_function('oops', function() error('bad') end)")}),
            "$3\r\nlib\r\n");
  EXPECT_EQ(s.run({"FCALL", "setget", "1", "k", "v"}), "$1\r\nv\r\n");
  EXPECT_EQ(s.run({"FCALL_RO", "setget", "1", "k", "v"}),
            "-ERR Can not execute a script with write flag using *_ro command.\r\n");
  EXPECT_EQ(s.run({"FCALL_RO", "ro", "1", "k"}),
            "-ERR Write commands are not allowed from read-only scripts. script: ro, on "
            "@user_function:5.\r\n");
  EXPECT_EQ(s.run({"FCALL", "oops", "0"}),
            "-ERR user_function:6: bad script: oops, on @user_function:6.\r\n");
  EXPECT_EQ(s.run({"FCALL", "nope", "0"}), "-ERR Function not found\r\n");
  EXPECT_EQ(s.run({"FCALL", "setget", "x"}), "-ERR Bad number of keys provided\r\n");
  EXPECT_EQ(s.run({"FCALL", "setget", "2", "k"}),
            "-ERR Number of keys can't be greater than number of args\r\n");
  // SCRIPT FLUSH resets EVAL's interpreter only.
  EXPECT_EQ(s.run({"SCRIPT", "FLUSH"}), "+OK\r\n");
  EXPECT_EQ(s.run({"FCALL", "setget", "1", "k", "w"}), "$1\r\nw\r\n");
}

}  // namespace
}  // namespace mini_redis::scripting
