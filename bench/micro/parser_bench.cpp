// Micro-benchmark: how fast RequestParser frames a pipelined stream.
//
// What it measures: the bytes per second the parser turns into commands when
// a client pipelines GET and SET requests, as `redis-benchmark -P 16` does.
// The commands are the ones `bench/compare` sends: 16-byte keys
// (`key:%012d`) and 16-byte values. Nothing is executed; the loop only
// frames each request and hands its arguments to the optimizer's sink.
//
// Two shapes of input:
//   - whole: the entire pipeline is already in memory, so every call finds a
//     complete command. This is the parser's best case and its upper bound.
//   - in 16 KiB reads: bytes arrive as a connection reads them (Redis reads
//     16 KiB at a time, PROTO_IOBUF_LEN), so a command is sometimes cut in
//     two and the parser must answer `incomplete`, then resume. The gap
//     between the two rows is the cost of resuming.
//
// What it does not measure: the socket, the dispatcher, the keyspace.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include "protocol/request_parser.h"

namespace {

using mini_redis::protocol::ParseStatus;
using mini_redis::protocol::RequestParser;

constexpr std::size_t kCommandsInPipeline = 4096;  // half GET, half SET
constexpr std::size_t kReadSize = 16 * 1024;

// "*2\r\n$3\r\nGET\r\n$16\r\nkey:000000000042\r\n" and
// "*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000042\r\n$16\r\nval:000000000042\r\n", alternating.
std::string make_pipeline() {
  std::string out;
  char line[128];
  for (std::size_t i = 0; i < kCommandsInPipeline; ++i) {
    unsigned long long id = i * 7919 % 1'000'000;  // spread keys like -r 1000000
    int n = (i % 2 == 0)
                ? std::snprintf(line, sizeof line, "*2\r\n$3\r\nGET\r\n$16\r\nkey:%012llu\r\n", id)
                : std::snprintf(line, sizeof line,
                                "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012llu\r\n$16\r\nval:%012llu\r\n",
                                id, id);
    out.append(line, static_cast<std::size_t>(n));
  }
  return out;
}

// Frames every command in `pipeline`, offering the parser at most `window`
// bytes beyond what it has consumed, as a connection reading `window` bytes at
// a time would. Returns the number of commands framed.
std::size_t parse_all(RequestParser& parser, std::string_view pipeline, std::size_t window) {
  std::size_t commands = 0;
  std::size_t start = 0;                                     // first unconsumed byte
  std::size_t received = std::min(window, pipeline.size());  // bytes "read" so far
  while (start < pipeline.size()) {
    ParseStatus status = parser.parse(pipeline.substr(start, received - start));
    switch (status) {
      case ParseStatus::command:
        benchmark::DoNotOptimize(parser.args().data());
        start += parser.consumed();
        ++commands;
        break;
      case ParseStatus::empty: start += parser.consumed(); break;
      case ParseStatus::incomplete:
        received = std::min(received + window, pipeline.size());  // the next read
        break;
      case ParseStatus::error:
        return commands;  // cannot happen with this input; the caller checks the count
    }
  }
  return commands;
}

void run(benchmark::State& state, std::size_t window) {
  const std::string pipeline = make_pipeline();
  RequestParser parser;
  for (auto _ : state) {
    std::size_t commands = parse_all(parser, pipeline, window);
    if (commands != kCommandsInPipeline) {
      state.SkipWithError("the parser did not frame every command");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * pipeline.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kCommandsInPipeline));
}

void BM_ParsePipelinedGetSet_Whole(benchmark::State& state) {
  run(state, SIZE_MAX);
}
void BM_ParsePipelinedGetSet_16KiBReads(benchmark::State& state) {
  run(state, kReadSize);
}

BENCHMARK(BM_ParsePipelinedGetSet_Whole);
BENCHMARK(BM_ParsePipelinedGetSet_16KiBReads);

}  // namespace
