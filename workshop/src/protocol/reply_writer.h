// Workshop copy of src/protocol/reply_writer.h, made by workshop/generate.py, to read:
// the workshop build uses it in place of the original. Nothing to write here.
// ReplyWriter: encodes replies in RESP2 or RESP3 into an output buffer.
//
// Every command answers through these few verbs. The writer appends to a
// std::string owned by the connection; all replies produced from one read are
// gathered there and sent with one write, which is what makes pipelining fast.
//
// RESP2 and RESP3 differ only in how some types are spelled:
//
//   reply kind        RESP2                    RESP3 (after HELLO 3)
//   null              $-1\r\n                  _\r\n
//   null array        *-1\r\n                  _\r\n
//   map of n pairs    *<2n>\r\n ...            %<n>\r\n ...
//   set               *<n>\r\n                 ~<n>\r\n
//   double            $<len>\r\n1.5\r\n        ,1.5\r\n
//   boolean           :1\r\n / :0\r\n          #t\r\n / #f\r\n
//   push message      *<n>\r\n                 ><n>\r\n
//
// so a command calls `map_header(2)` or `null()` once and both protocols come
// out right. Numbers are formatted with std::to_chars (no locale, no alloc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mini_redis::protocol {

enum class ProtocolVersion : int { resp2 = 2, resp3 = 3 };

class ReplyWriter {
 public:
  explicit ReplyWriter(std::string& out, ProtocolVersion version = ProtocolVersion::resp2)
      : out_(out), version_(version) {}

  [[nodiscard]] ProtocolVersion version() const { return version_; }
  void set_version(ProtocolVersion version) { version_ = version; }
  [[nodiscard]] bool resp3() const { return version_ == ProtocolVersion::resp3; }

  // "+OK": a short status line. The text must not contain \r or \n.
  void simple_string(std::string_view text);
  void ok() { simple_string("OK"); }
  // "-ERR ...": `message` starts with the error code ("ERR", "WRONGTYPE", ...).
  // Newlines in it are replaced by spaces, as Redis does, so the framing holds.
  void error(std::string_view message);
  void integer(std::int64_t value);
  void bulk_string(std::string_view bytes);
  void null();        // a missing value ($-1 / _)
  void null_array();  // a missing array (*-1 / _), where Redis answers "no array at all"
  void array_header(std::size_t count);
  void map_header(std::size_t pairs);
  void set_header(std::size_t count);
  void push_header(std::size_t count);
  void boolean(bool value);
  // A double, formatted as Redis does for the given protocol: RESP3 sends
  // ",<value>", RESP2 a bulk string. `inf`, `-inf` and `nan` are spelled as Redis does.
  void double_value(double value);
  // Verbatim string (RESP3 "=<len>\r\ntxt:..."); RESP2 gets a plain bulk string.
  void verbatim_text(std::string_view text);

  // Already-encoded bytes, e.g. a reply built once and sent to many clients.
  void raw(std::string_view bytes) { out_.append(bytes); }

  [[nodiscard]] std::string& buffer() { return out_; }

 private:
  void append_line(char type, std::int64_t number);

  std::string& out_;
  ProtocolVersion version_;
};

}  // namespace mini_redis::protocol
