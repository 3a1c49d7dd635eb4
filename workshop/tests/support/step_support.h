// What the step tests share: readable printers for the enums a failure
// shows, and the sentence the watchdog (step_main.cpp) prints when a test
// hangs.
//
// Without a printer GoogleTest shows an enum as its raw bytes
// ("4-byte object <03-00 00-00>"); with one, "ParseStatus::error".
#pragma once

#include <ostream>
#include <string>
#include <utility>

#include "commands/strings/string_commands.h"
#include "protocol/reply_writer.h"
#include "protocol/request_parser.h"

namespace mini_redis::workshop {

// The sentence the watchdog prints if the running test never ends. A test
// that may hang on a wrong loop sets it first: WORKSHOP_EXPECT("...").
inline std::string& current_expectation() {
  static std::string text = "the test to finish within a few seconds";
  return text;
}

// Sets the watchdog's sentence for the rest of the current test.
class Expectation {
 public:
  explicit Expectation(std::string text) { current_expectation() = std::move(text); }
  ~Expectation() { current_expectation() = "the test to finish within a few seconds"; }
  Expectation(const Expectation&) = delete;
  Expectation& operator=(const Expectation&) = delete;
};

}  // namespace mini_redis::workshop

#define WORKSHOP_EXPECT_CONCAT2(a, b) a##b
#define WORKSHOP_EXPECT_CONCAT(a, b) WORKSHOP_EXPECT_CONCAT2(a, b)
#define WORKSHOP_EXPECT(text) \
  const ::mini_redis::workshop::Expectation WORKSHOP_EXPECT_CONCAT(workshop_expect_, __LINE__)(text)

// Printers, found by GoogleTest through argument-dependent lookup: each sits
// in its enum's namespace.
namespace mini_redis::protocol {

inline void PrintTo(ParseStatus status, std::ostream* out) {
  switch (status) {
    case ParseStatus::command: *out << "ParseStatus::command"; return;
    case ParseStatus::empty: *out << "ParseStatus::empty"; return;
    case ParseStatus::incomplete: *out << "ParseStatus::incomplete"; return;
    case ParseStatus::error: *out << "ParseStatus::error"; return;
  }
  *out << "ParseStatus(" << static_cast<int>(status) << ")";
}

inline void PrintTo(ProtocolVersion version, std::ostream* out) {
  *out << (version == ProtocolVersion::resp3 ? "RESP3" : "RESP2");
}

}  // namespace mini_redis::protocol

namespace mini_redis::commands {

inline void PrintTo(Found found, std::ostream* out) {
  switch (found) {
    case Found::value: *out << "Found::value"; return;
    case Found::nothing: *out << "Found::nothing"; return;
    case Found::wrong_type: *out << "Found::wrong_type"; return;
  }
  *out << "Found(" << static_cast<int>(found) << ")";
}

}  // namespace mini_redis::commands
