// Workshop copy of src/protocol/reply_writer.cpp, made by workshop/generate.py.
// Write the parts marked TODO. `make workshop-diff FILE=protocol/reply_writer.cpp` compares
// your version with the real one; `make workshop-solve STEP=n` fills a step in.
#include "protocol/reply_writer.h"

#include <array>
#include <charconv>
#include <cmath>

#include "common/not_implemented.h"

namespace mini_redis::protocol {

namespace {
constexpr std::string_view kCrlf = "\r\n";
}

void ReplyWriter::append_line(char type, std::int64_t number) {
  // Room for the type byte, a signed 64-bit number and CRLF.
  std::array<char, 24> line{};
  line[0] = type;
  auto [end, ec] = std::to_chars(line.data() + 1, line.data() + line.size() - 2, number);
  (void)ec;  // cannot fail: the buffer fits any int64
  *end++ = '\r';
  *end++ = '\n';
  out_.append(line.data(), static_cast<std::size_t>(end - line.data()));
}

void ReplyWriter::simple_string(std::string_view text) {
  // workshop: begin step 1, ReplyWriter::simple_string
  // "+<text>\r\n": append the type byte, the text and CRLF to out_.
  // 日本語:
  // "+<text>\r\n": 型の 1 バイト、テキスト、CRLF を out_ に追記します。
  // TODO(step 1): write this part, then delete the not_implemented line.
  not_implemented(1, "protocol/reply_writer.cpp: ReplyWriter::simple_string");
  // workshop: end
}

void ReplyWriter::error(std::string_view message) {
  // A newline inside an error would end the line early and desynchronise the
  // client; Redis maps \r and \n to spaces (addReplyErrorLength), so do we.
  std::size_t start = out_.size();
  out_.push_back('-');
  out_.append(message);
  for (std::size_t i = start + 1; i < out_.size(); ++i) {
    if (out_[i] == '\r' || out_[i] == '\n') out_[i] = ' ';
  }
  out_.append(kCrlf);
}

void ReplyWriter::integer(std::int64_t value) {
  // workshop: begin step 1, ReplyWriter::integer
  // ":<value>\r\n". append_line(type, number) above writes exactly that shape.
  // 日本語:
  // ":<value>\r\n"。上の append_line(type, number) がちょうどこの形を書きます。
  // TODO(step 1): write this part, then delete the not_implemented line.
  not_implemented(1, "protocol/reply_writer.cpp: ReplyWriter::integer");
  // workshop: end
}

void ReplyWriter::bulk_string(std::string_view bytes) {
  // workshop: begin step 1, ReplyWriter::bulk_string
  // "$<length>\r\n<bytes>\r\n": the length first, so the bytes may hold
  // anything, even "\r\n". The size is a size_t; append_line takes int64_t.
  // 日本語:
  // "$<length>\r\n<bytes>\r\n": 長さが先なので、バイト列には何が入っていてもかまいません
  // ("\r\n" でも)。サイズは size_t、append_line が受け取るのは int64_t です。
  // TODO(step 1): write this part, then delete the not_implemented line.
  not_implemented(1, "protocol/reply_writer.cpp: ReplyWriter::bulk_string");
  // workshop: end
}

void ReplyWriter::null() {
  // workshop: begin step 1, ReplyWriter::null
  // RESP2 spells "no value" as a bulk string of length -1: "$-1\r\n".
  // RESP3 (resp3() is true after HELLO 3) has its own null: "_\r\n".
  // 日本語:
  // RESP2 では「値なし」を長さ -1 のバルク文字列 "$-1\r\n" で表します。
  // RESP3 (HELLO 3 の後は resp3() が true) には専用の null "_\r\n" があります。
  // TODO(step 1): write this part, then delete the not_implemented line.
  not_implemented(1, "protocol/reply_writer.cpp: ReplyWriter::null");
  // workshop: end
}

void ReplyWriter::null_array() {
  out_.append(resp3() ? "_\r\n" : "*-1\r\n");
}

void ReplyWriter::array_header(std::size_t count) {
  append_line('*', static_cast<std::int64_t>(count));
}

void ReplyWriter::map_header(std::size_t pairs) {
  if (resp3()) {
    append_line('%', static_cast<std::int64_t>(pairs));
  } else {
    append_line('*', static_cast<std::int64_t>(pairs * 2));
  }
}

void ReplyWriter::set_header(std::size_t count) {
  append_line(resp3() ? '~' : '*', static_cast<std::int64_t>(count));
}

void ReplyWriter::push_header(std::size_t count) {
  append_line(resp3() ? '>' : '*', static_cast<std::int64_t>(count));
}

void ReplyWriter::boolean(bool value) {
  if (resp3()) {
    out_.append(value ? "#t\r\n" : "#f\r\n");
  } else {
    integer(value ? 1 : 0);
  }
}

void ReplyWriter::double_value(double value) {
  // Redis 7.0 formats doubles with "%.17g" and spells infinities "inf"/"-inf";
  // std::to_chars with general format and precision 17 gives the same digits.
  std::array<char, 40> text{};
  std::string_view formatted;
  if (std::isinf(value)) {
    formatted = value > 0 ? "inf" : "-inf";
  } else if (std::isnan(value)) {
    formatted = "nan";
  } else {
    auto [end, ec] = std::to_chars(text.data(), text.data() + text.size(), value,
                                   std::chars_format::general, 17);
    (void)ec;
    formatted = std::string_view(text.data(), static_cast<std::size_t>(end - text.data()));
  }
  if (resp3()) {
    out_.push_back(',');
    out_.append(formatted);
    out_.append(kCrlf);
  } else {
    bulk_string(formatted);
  }
}

void ReplyWriter::verbatim_text(std::string_view text) {
  if (!resp3()) {
    bulk_string(text);
    return;
  }
  // "=<len>\r\ntxt:<text>\r\n": the length counts the 4-byte "txt:" prefix.
  append_line('=', static_cast<std::int64_t>(text.size() + 4));
  out_.append("txt:");
  out_.append(text);
  out_.append(kCrlf);
}

}  // namespace mini_redis::protocol
