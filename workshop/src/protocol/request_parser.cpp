// Workshop copy of src/protocol/request_parser.cpp, made by workshop/generate.py.
// Write the parts marked TODO. `make workshop-diff FILE=protocol/request_parser.cpp` compares
// your version with the real one; `make workshop-solve STEP=n` fills a step in.
#include "protocol/request_parser.h"

#include <algorithm>

#include "common/integer_parsing.h"
#include "common/split_arguments.h"

#include "common/not_implemented.h"

namespace mini_redis::protocol {

namespace {

// Where the header line starting at `from` ends ('\r'), or npos. Header lines
// are a few bytes ("$3", "*2"): a plain loop over them is cheaper than a call
// to memchr, which takes over for anything longer.
std::size_t find_line_end(std::string_view input, std::size_t from) {
  constexpr std::size_t kShortLine = 24;
  const std::size_t stop = std::min(input.size(), from + kShortLine);
  for (std::size_t i = from; i < stop; ++i) {
    if (input[i] == '\r') return i;
  }
  return stop == input.size() ? std::string_view::npos : input.find('\r', stop);
}

}  // namespace

ParseStatus RequestParser::fail(std::string_view message) {
  error_.assign("ERR ");
  error_.append(message);
  reset_request();
  return ParseStatus::error;
}

void RequestParser::reset_request() {
  in_multibulk_ = false;
  arguments_expected_ = 0;
  scan_position_ = 0;
  span_count_ = 0;
  // An ordinary command keeps first_spans_'s capacity: no allocation in the
  // steady state. One of many arguments gives its table back, so that an
  // idle client does not hold megabytes.
  first_spans_.clear();
  if (first_spans_.capacity() > kKeepInlineCapacity) first_spans_ = {};
  blocks_.clear();
  bulk_length_ = -1;
  supplied_.clear();
}

void RequestParser::supply_bulk(std::string_view data) {
  supplied_.emplace_back(span_count_, data);
  add_span(0, 0);  // a placeholder: collect_arguments puts `data` there
  bulk_length_ = -1;
  still_needed_ = 0;
}

void RequestParser::add_span(std::size_t offset, std::size_t length) {
  if (span_count_ < kInlineArguments) {
    first_spans_.push_back({offset, length});
  } else {
    const std::size_t index = span_count_ - kInlineArguments;
    if (index % kBlockArguments == 0) {
      // A new block, left uninitialized: its pages are touched as arguments
      // fill it, one read at a time.
      blocks_.push_back(std::make_unique_for_overwrite<Span[]>(kBlockArguments));
    }
    blocks_.back()[index % kBlockArguments] = {offset, length};
  }
  ++span_count_;
}

void RequestParser::collect_arguments(std::string_view input) {
  args_.clear();
  // One allocation when the table is bigger than args_'s capacity. This pass
  // over all arguments happens once, when the command is complete, and costs
  // less than running the command will.
  args_.reserve(span_count_);
  for (const Span& span : first_spans_) args_.push_back(input.substr(span.offset, span.length));
  std::size_t left = span_count_ - first_spans_.size();
  for (const auto& block : blocks_) {
    const std::size_t here = std::min(left, kBlockArguments);
    for (std::size_t i = 0; i < here; ++i) {
      args_.push_back(input.substr(block[i].offset, block[i].length));
    }
    left -= here;
  }
  // Big arguments read elsewhere (supply_bulk); none for nearly every command.
  for (const auto& [index, data] : supplied_) args_[index] = data;
}

ParseStatus RequestParser::parse(std::string_view input) {
  consumed_ = 0;
  still_needed_ = 0;
  // args_ grew for the previous command, one of many arguments: give it back
  // rather than hold it for the life of the connection.
  if (args_.capacity() > kKeepInlineCapacity) args_ = {};
  if (in_multibulk_) return parse_multibulk(input);
  if (input.empty()) return ParseStatus::incomplete;
  // Redis decides by the first byte: '*' starts a RESP array, anything else
  // is an inline command.
  return input[0] == '*' ? parse_multibulk(input) : parse_inline(input);
}

ParseStatus RequestParser::parse_multibulk(std::string_view input) {
  if (!in_multibulk_) {
    // The header "*<count>\r\n". Like Redis, look for the '\r' and then only
    // require one more byte to be present (the '\n' is not checked).
    std::size_t cr = find_line_end(input, 0);
    if (cr == std::string_view::npos) {
      if (input.size() > limits_.max_inline_length) {
        return fail("Protocol error: too big mbulk count string");
      }
      return ParseStatus::incomplete;
    }
    if (cr + 2 > input.size()) return ParseStatus::incomplete;

    auto count = parse_int64_strict(input.substr(1, cr - 1));
    if (!count || *count > limits_.max_multibulk_length) {
      return fail("Protocol error: invalid multibulk length");
    }
    if (*count > kUnauthenticatedMaxArguments && unauthenticated_) {
      return fail("Protocol error: unauthenticated multibulk length");
    }
    if (*count <= 0) {
      // "*0" and "*-1" are empty requests: Redis skips them silently.
      consumed_ = cr + 2;
      return ParseStatus::empty;
    }
    in_multibulk_ = true;
    arguments_expected_ = *count;
    scan_position_ = cr + 2;
    // Never trust a count the client sent for a big allocation: reserve at
    // most 1024 slots now (Redis's argv starts the same way) and let the
    // table grow as arguments really arrive.
    first_spans_.reserve(static_cast<std::size_t>(std::min<std::int64_t>(*count, 1024)));
  }

  while (static_cast<std::int64_t>(span_count_) < arguments_expected_) {
    if (bulk_length_ < 0) {
      // The bulk header "$<length>\r\n".
      std::size_t cr = find_line_end(input, scan_position_);
      if (cr == std::string_view::npos) {
        if (input.size() - scan_position_ > limits_.max_inline_length) {
          return fail("Protocol error: too big bulk count string");
        }
        return ParseStatus::incomplete;
      }
      if (cr + 2 > input.size()) return ParseStatus::incomplete;
      if (input[scan_position_] != '$') {
        std::string message = "Protocol error: expected '$', got ' '";
        message[message.size() - 2] = input[scan_position_];
        return fail(message);
      }
      auto length = parse_int64_strict(input.substr(scan_position_ + 1, cr - scan_position_ - 1));
      if (!length || *length < 0 || *length > limits_.max_bulk_length) {
        return fail("Protocol error: invalid bulk length");
      }
      if (*length > kUnauthenticatedMaxBulkLength && unauthenticated_) {
        return fail("Protocol error: unauthenticated bulk length");
      }
      bulk_length_ = *length;
      scan_position_ = cr + 2;
    }

    // workshop: begin step 1, RequestParser::parse_multibulk
    // The bulk data and its trailing CRLF. Redis skips those two bytes without
    // looking at them, and so do we. The header is read: the data starts at
    // scan_position_ and is bulk_length_ bytes long. If the input ends before
    // the CRLF, record in still_needed_ how many bytes are missing and answer
    // `incomplete`; the caller reads more and calls again. Otherwise remember
    // where the argument lies (add_span), move scan_position_ past the
    // CRLF and set bulk_length_ back to -1: the next header is still unread.
    // 日本語:
    // バルクのデータと、その後ろの CRLF。Redis はこの 2 バイトを見ずに読み飛ばすので、
    // ここでもそうします。ヘッダーは読み終わっていて、データは scan_position_ から
    // bulk_length_ バイトです。入力が CRLF より手前で終わっていたら、足りないバイト数を
    // still_needed_ に記録して `incomplete` を返します (呼び出し側がもっと読んで、また
    // 呼びます)。そうでなければ引数の位置を覚え (add_span)、scan_position_ を CRLF の後ろへ
    // 進め、bulk_length_ を -1 に戻します: 次のヘッダーはまだ読んでいません。
    // TODO(step 1): write this part, then delete the not_implemented line.
    not_implemented(1, "protocol/request_parser.cpp: RequestParser::parse_multibulk");
    // workshop: end
  }

  collect_arguments(input);
  consumed_ = scan_position_;
  reset_request();
  return ParseStatus::command;
}

ParseStatus RequestParser::parse_inline(std::string_view input) {
  std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) {
    if (input.size() > limits_.max_inline_length) {
      return fail("Protocol error: too big inline request");
    }
    return ParseStatus::incomplete;
  }
  // Accept both "\r\n" and a bare "\n", as Redis does for people typing.
  std::size_t line_end = (newline > 0 && input[newline - 1] == '\r') ? newline - 1 : newline;

  inline_storage_.clear();
  std::vector<std::pair<std::size_t, std::size_t>> pieces;
  if (!split_arguments(input.substr(0, line_end), inline_storage_, pieces)) {
    return fail("Protocol error: unbalanced quotes in request");
  }
  consumed_ = newline + 1;
  if (pieces.empty()) return ParseStatus::empty;

  // Views are made only now: inline_storage_ no longer grows.
  args_.clear();
  for (auto [offset, length] : pieces) {
    args_.emplace_back(std::string_view(inline_storage_).substr(offset, length));
  }
  return ParseStatus::command;
}

}  // namespace mini_redis::protocol
