// The query buffer: memory follows the bytes that arrived, never the length
// a client announced.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "protocol/query_buffer.h"
#include "protocol/request_parser.h"

namespace mini_redis::protocol {
namespace {

// Copies `bytes` into the buffer as a read of that many bytes would.
void receive(QueryBuffer& buffer, std::string_view bytes, std::size_t still_needed = 0) {
  auto space = buffer.prepare_read(still_needed);
  ASSERT_GE(space.size(), bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  buffer.commit(bytes.size());
}

TEST(QueryBuffer, StartsEmptyAndOwnsNothing) {
  QueryBuffer buffer;
  EXPECT_EQ(buffer.size(), 0U);
  EXPECT_EQ(buffer.capacity(), 0U);
  EXPECT_TRUE(buffer.unparsed().empty());
}

TEST(QueryBuffer, ReadsGoIntoOneChunkAndCommitKeepsTheBytes) {
  QueryBuffer buffer;
  receive(buffer, "*1\r\n$4\r\nPI");
  receive(buffer, "NG\r\n");
  EXPECT_EQ(buffer.unparsed(), "*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(buffer.capacity(), kReadChunk);
}

TEST(QueryBuffer, ConsumeMovesTheUnfinishedTailToTheFront) {
  QueryBuffer buffer;
  receive(buffer, "PING\r\nECHO he");
  buffer.consume(6);
  EXPECT_EQ(buffer.unparsed(), "ECHO he");
  receive(buffer, "llo\r\n");
  EXPECT_EQ(buffer.unparsed(), "ECHO hello\r\n");
  buffer.consume(100);  // more than buffered: everything goes, nothing breaks
  EXPECT_EQ(buffer.size(), 0U);
}

TEST(QueryBuffer, APipelineWhoseRequestsAreConsumedStaysAtOneChunk) {
  QueryBuffer buffer;
  for (int i = 0; i < 100; ++i) {
    // A full read ending in a partial request of 10 bytes; the rest runs.
    const std::string read(buffer.prepare_read(0).size(), 'x');
    receive(buffer, read);
    buffer.consume(buffer.size() - 10);
  }
  EXPECT_EQ(buffer.capacity(), kReadChunk);
}

TEST(QueryBuffer, GrowingWhenNearlyFullKeepsTheBufferedBytes) {
  QueryBuffer buffer;
  const std::string first(kReadChunk - kMinReadSpace + 1, 'a');
  receive(buffer, first);
  auto space = buffer.prepare_read(0);
  EXPECT_EQ(buffer.capacity(), kGrowthFactor * kReadChunk);
  EXPECT_EQ(space.size(), kGrowthFactor * kReadChunk - first.size());
  EXPECT_EQ(buffer.unparsed(), first);
}

TEST(QueryBuffer, AHeaderAnnouncingHalfAGigabyteCostsOneChunk) {
  // What the connection does: parse, then prepare the next read from what
  // the parser says the request still needs.
  const std::string header = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n";
  QueryBuffer buffer;
  RequestParser parser;
  receive(buffer, header);
  ASSERT_EQ(parser.parse(buffer.unparsed()), ParseStatus::incomplete);
  ASSERT_EQ(parser.bytes_still_needed(), 536870914U);
  buffer.prepare_read(parser.bytes_still_needed());
  EXPECT_EQ(buffer.capacity(), kReadChunk);
}

TEST(QueryBuffer, AValueArrivingInFullGrowsTheBufferGeometricallyToItsEnd) {
  // 4 MB announced and sent in 16 KiB pieces: the buffer grows fourfold as
  // the bytes come, so it is reallocated a few times, not once per piece; it
  // never holds room for more than four times what arrived plus a chunk,
  // nor for more than the request.
  const std::size_t length = 4'000'000;
  const std::string header = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + std::to_string(length) + "\r\n";
  const std::string request = header + std::string(length, 'v') + "\r\n";
  QueryBuffer buffer;
  RequestParser parser;
  std::size_t sent = 0;
  std::size_t reallocations = 0;
  ParseStatus status = ParseStatus::incomplete;
  while (status == ParseStatus::incomplete) {
    const std::size_t capacity_before = buffer.capacity();
    auto space = buffer.prepare_read(parser.bytes_still_needed());
    if (buffer.capacity() != capacity_before) ++reallocations;
    ASSERT_LE(buffer.capacity(), kGrowthFactor * (buffer.size() + kReadChunk));
    ASSERT_LE(buffer.capacity(), std::max(request.size(), kReadChunk));
    const std::size_t piece = std::min({space.size(), kReadChunk, request.size() - sent});
    std::memcpy(space.data(), request.data() + sent, piece);
    buffer.commit(piece);
    sent += piece;
    status = parser.parse(buffer.unparsed());
  }
  ASSERT_EQ(status, ParseStatus::command);
  EXPECT_EQ(parser.args()[2].size(), length);
  EXPECT_EQ(sent, request.size());
  EXPECT_EQ(buffer.capacity(), request.size());  // grown to the end, exactly
  EXPECT_LE(reallocations, 6U);
}

TEST(QueryBuffer, ALongRequestOfSmallArgumentsGrowsGeometricallyToo) {
  // A long MSET: no big argument bounds the growth, and it stays geometric.
  QueryBuffer buffer;
  std::size_t reallocations = 0;
  while (buffer.size() < 8u * 1024 * 1024) {
    const std::size_t capacity_before = buffer.capacity();
    const std::string piece(std::min(buffer.prepare_read(5).size(), kReadChunk), 'x');
    if (buffer.capacity() != capacity_before) ++reallocations;
    receive(buffer, piece, 5);
  }
  EXPECT_LE(reallocations, 7U);
}

TEST(QueryBuffer, ReleasesItsStorageOnlyWhenEmptyAndLarge) {
  QueryBuffer buffer;
  receive(buffer, "PING\r\n");
  buffer.release_if_empty_and_above(1024);
  EXPECT_EQ(buffer.capacity(), kReadChunk);  // not empty: kept
  buffer.consume(6);
  buffer.release_if_empty_and_above(1024 * 1024);
  EXPECT_EQ(buffer.capacity(), kReadChunk);  // small: kept for the next request
  buffer.release_if_empty_and_above(1024);
  EXPECT_EQ(buffer.capacity(), 0U);
}

// A byte pattern that tells every position apart (within 251 bytes).
std::string pattern(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(i % 251);
  return bytes;
}

TEST(BufferStorage, KeepsItsBytesWhenItMovesToAMappingAndGrowsThere) {
  // Below kMappedFrom the storage is malloc'd; past it, a mapping grown by
  // mremap. Whatever the route, the bytes kept must be the bytes written.
  BufferStorage storage;
  const std::string small = pattern(kReadChunk);
  storage.grow(kReadChunk, 0);
  std::memcpy(storage.data(), small.data(), small.size());

  storage.grow(kMappedFrom + 1, small.size());  // malloc -> mapping
  ASSERT_EQ(std::string_view(storage.data(), small.size()), small);

  const std::string big = pattern(kMappedFrom + 1);
  std::memcpy(storage.data(), big.data(), big.size());
  storage.grow(64 * kMappedFrom, big.size());  // mapping -> bigger mapping
  ASSERT_EQ(std::string_view(storage.data(), big.size()), big);
  storage.data()[64 * kMappedFrom - 1] = 'x';  // the whole range is writable

  BufferStorage moved(std::move(storage));
  EXPECT_EQ(storage.data(), nullptr);  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(std::string_view(moved.data(), big.size()), big);
}

TEST(QueryBuffer, AValueOfSeveralMegabytesArrivesWhole) {
  // Through reads that cross from malloc'd storage to a mapping.
  const std::string value = pattern(5 * kMappedFrom);
  QueryBuffer buffer;
  std::size_t sent = 0;
  while (sent < value.size()) {
    auto space = buffer.prepare_read(value.size() - sent);
    const std::size_t n = std::min(space.size(), value.size() - sent);
    std::memcpy(space.data(), value.data() + sent, n);
    buffer.commit(n);
    sent += n;
  }
  EXPECT_EQ(buffer.unparsed(), value);
  EXPECT_GE(buffer.capacity(), value.size());
  buffer.consume(value.size());
  buffer.release_if_empty_and_above(kReadChunk);
  EXPECT_EQ(buffer.capacity(), 0U);
}

}  // namespace
}  // namespace mini_redis::protocol
