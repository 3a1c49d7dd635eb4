// NotImplemented: what a part of the workshop skeleton throws until the
// learner writes it.
//
// The workshop (workshop/, see its README) is this server with the heart of
// each step cut out. The sources mark those parts with `// workshop: begin
// step N, Function` ... `// workshop: end` comments; workshop/generate.py
// replaces each marked part by a TODO and a call
//
//     not_implemented(2, "storage/database.cpp: Database::set");
//
// so that running an unwritten part says exactly which one is missing
// ("not implemented: step 2, storage/database.cpp: Database::set") instead of
// crashing or answering something wrong. The real server never calls it. The
// dispatcher, the connection and the server cron catch NotImplemented only to
// turn it into an error reply or a log line.
#pragma once

#include <stdexcept>
#include <string>

namespace mini_redis {

class NotImplemented : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// `where` is "<file under src/>: <Function>", as the TODO names it.
[[noreturn]] inline void not_implemented(int step, const char* where) {
  throw NotImplemented("not implemented: step " + std::to_string(step) + ", " + where);
}

}  // namespace mini_redis
