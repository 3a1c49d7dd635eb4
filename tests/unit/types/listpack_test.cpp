// Listpack: the bytes of every encoding, walking both ways, changes in the
// middle, and validation of untrusted blocks. Expected bytes are computed by
// hand from the layout drawn in src/types/listpack.h.
#include "types/listpack.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace mini_redis::types {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes_of(const Listpack& lp) {
  return {lp.bytes().begin(), lp.bytes().end()};
}

Listpack make(const std::vector<std::string>& values) {
  Listpack lp;
  for (const auto& v : values) lp.push_back(v);
  return lp;
}

// Every element's text, head to tail.
std::vector<std::string> texts(const Listpack& lp) {
  std::vector<std::string> out;
  for (auto pos = lp.first(); pos != Listpack::npos; pos = lp.next(pos))
    out.push_back(lp.get(pos).to_string());
  return out;
}

// The bytes of a one-element listpack's entry (header and terminator cut off).
Bytes entry_bytes(std::string_view value) {
  Listpack lp;
  lp.push_back(value);
  Bytes all = bytes_of(lp);
  return {all.begin() + 6, all.end() - 1};
}

TEST(Listpack, EmptyIsSevenBytesWithoutAllocating) {
  Listpack lp;
  EXPECT_EQ(bytes_of(lp), (Bytes{7, 0, 0, 0, 0, 0, 0xFF}));
  EXPECT_EQ(lp.size(), 0u);
  EXPECT_TRUE(lp.empty());
  EXPECT_EQ(lp.first(), Listpack::npos);
  EXPECT_EQ(lp.last(), Listpack::npos);
  EXPECT_EQ(lp.seek(0), Listpack::npos);
  EXPECT_EQ(lp.allocated_bytes(), 0u);
}

TEST(Listpack, WorkedExampleFromTheHeaderMatchesByteForByte) {
  Listpack lp = make({"hi", "5", "-200"});
  EXPECT_EQ(bytes_of(lp),
            (Bytes{0x10, 0, 0, 0, 3, 0, 0x82, 'h', 'i', 0x03, 0x05, 0x01, 0xDF, 0x38, 0x02, 0xFF}));
  EXPECT_EQ(lp.size(), 3u);
}

TEST(Listpack, PushFrontPrependsWithTheSameEntryBytes) {
  Listpack lp;
  lp.push_front("-200");
  lp.push_front("5");
  lp.push_front("hi");
  EXPECT_EQ(bytes_of(lp), bytes_of(make({"hi", "5", "-200"})));
}

struct IntCase {
  std::int64_t value;
  Bytes entry;  // encoding + data + backlen
};

TEST(Listpack, EveryIntegerEncodingAtItsBoundaries) {
  const std::vector<IntCase> cases = {
      {0, {0x00, 0x01}},
      {127, {0x7F, 0x01}},
      {128, {0xC0, 0x80, 0x02}},  // 13-bit
      {-1, {0xDF, 0xFF, 0x02}},   // 8191 = -1 in 13 bits
      {4095, {0xCF, 0xFF, 0x02}},
      {-4096, {0xD0, 0x00, 0x02}},
      {4096, {0xF1, 0x00, 0x10, 0x03}},  // 16-bit
      {-4097, {0xF1, 0xFF, 0xEF, 0x03}},
      {32767, {0xF1, 0xFF, 0x7F, 0x03}},
      {-32768, {0xF1, 0x00, 0x80, 0x03}},
      {32768, {0xF2, 0x00, 0x80, 0x00, 0x04}},  // 24-bit
      {-32769, {0xF2, 0xFF, 0x7F, 0xFF, 0x04}},
      {8388607, {0xF2, 0xFF, 0xFF, 0x7F, 0x04}},
      {-8388608, {0xF2, 0x00, 0x00, 0x80, 0x04}},
      {8388608, {0xF3, 0x00, 0x00, 0x80, 0x00, 0x05}},  // 32-bit
      {2147483647, {0xF3, 0xFF, 0xFF, 0xFF, 0x7F, 0x05}},
      {-2147483648LL, {0xF3, 0x00, 0x00, 0x00, 0x80, 0x05}},
      {2147483648LL, {0xF4, 0, 0, 0, 0x80, 0, 0, 0, 0, 0x09}},  // 64-bit
      {-2147483649LL, {0xF4, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0x09}},
      {std::numeric_limits<std::int64_t>::max(),
       {0xF4, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x09}},
      {std::numeric_limits<std::int64_t>::min(), {0xF4, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x09}},
  };
  for (const auto& c : cases) {
    const std::string text = std::to_string(c.value);
    SCOPED_TRACE(text);
    EXPECT_EQ(entry_bytes(text), c.entry);
    Listpack lp = make({"x", text, "y"});
    const ListpackEntry e = lp.get(lp.seek(1));
    ASSERT_TRUE(e.is_int());
    EXPECT_EQ(e.as_int(), c.value);
    EXPECT_EQ(e.to_string(), text);
    EXPECT_TRUE(e.equals(text));
    EXPECT_EQ(lp.prev(lp.seek(2)), lp.seek(1));  // backlen leads back to it
  }
}

TEST(Listpack, NonCanonicalIntegersStayStrings) {
  for (std::string text :
       {"01", "+1", "-0", " 1", "1 ", "00", "-", "", "1.0", "0x10", "9223372036854775808",
        "-9223372036854775809", "123456789012345678901"}) {
    SCOPED_TRACE(text);
    Listpack lp = make({text});
    const ListpackEntry e = lp.get(lp.first());
    ASSERT_FALSE(e.is_int());
    EXPECT_EQ(e.as_string(), text);
    EXPECT_EQ(entry_bytes(text)[0], 0x80 | text.size());  // 6-bit string header
  }
}

TEST(Listpack, StringLengthBoundariesAndBacklenSizes) {
  struct Case {
    std::size_t length;
    std::size_t entry_size;
    Bytes head;
  };
  const std::vector<Case> cases = {
      {0, 2, {0x80}},
      {63, 65, {0xBF}},          // 6-bit length, body 64: 1-byte backlen
      {64, 67, {0xE0, 0x40}},    // 12-bit length
      {125, 128, {0xE0, 0x7D}},  // body 127: last 1-byte backlen
      {126, 130, {0xE0, 0x7E}},  // body 128: 2-byte backlen
      {4095, 4099, {0xEF, 0xFF}},
      {4096, 4103, {0xF0, 0x00, 0x10, 0x00, 0x00}},  // 32-bit length
      {16377, 16384, {0xF0, 0xF9, 0x3F, 0, 0}},      // body 16382: 2-byte backlen
      {16378, 16386, {0xF0, 0xFA, 0x3F, 0, 0}},      // body 16383: 3 bytes (Redis's `<`)
      {70000, 70008, {0xF0, 0x70, 0x11, 0x01, 0}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.length);
    const std::string text(c.length, 'a');
    const Bytes entry = entry_bytes(text);
    ASSERT_EQ(entry.size(), c.entry_size);
    EXPECT_TRUE(std::equal(c.head.begin(), c.head.end(), entry.begin()));
    Listpack lp = make({"1", text, "2"});
    EXPECT_EQ(lp.get(lp.seek(1)).as_string(), text);
    EXPECT_EQ(lp.prev(lp.seek(2)), lp.seek(1));
    EXPECT_EQ(lp.prev(lp.seek(1)), lp.first());
  }
  // The backlen bytes themselves: body 16383 is written 00 FF FF.
  const Bytes big = entry_bytes(std::string(16378, 'a'));
  EXPECT_EQ((Bytes{big.end() - 3, big.end()}), (Bytes{0x00, 0xFF, 0xFF}));
  const Bytes mid = entry_bytes(std::string(126, 'a'));  // body 128 = 1 * 128 + 0
  EXPECT_EQ((Bytes{mid.end() - 2, mid.end()}), (Bytes{0x01, 0x80}));
}

TEST(Listpack, SixteenByteStringCostsEighteenBytes) {
  Listpack lp;
  lp.push_back("0123456789abcdef");
  EXPECT_EQ(lp.bytes_size(), Listpack::kEmptySize + 18);
}

TEST(Listpack, WalkingBackwardsVisitsTheSameEntriesReversed) {
  Listpack lp;
  std::vector<std::size_t> forward;
  for (int i = 0; i < 300; ++i)
    lp.push_back(i % 3 == 0 ? std::to_string(i * 7919) : std::string(i * 13 % 5000, 'z'));
  for (auto pos = lp.first(); pos != Listpack::npos; pos = lp.next(pos)) forward.push_back(pos);
  std::vector<std::size_t> backward;
  for (auto pos = lp.last(); pos != Listpack::npos; pos = lp.prev(pos)) backward.push_back(pos);
  std::reverse(backward.begin(), backward.end());
  EXPECT_EQ(forward, backward);
  EXPECT_EQ(forward.size(), 300u);
}

TEST(Listpack, SeekCountsFromEitherEnd) {
  Listpack lp = make({"a", "b", "c", "d", "e"});
  EXPECT_EQ(lp.get(lp.seek(0)).to_string(), "a");
  EXPECT_EQ(lp.get(lp.seek(3)).to_string(), "d");
  EXPECT_EQ(lp.get(lp.seek(4)).to_string(), "e");
  EXPECT_EQ(lp.get(lp.seek(-1)).to_string(), "e");
  EXPECT_EQ(lp.get(lp.seek(-5)).to_string(), "a");
  EXPECT_EQ(lp.seek(5), Listpack::npos);
  EXPECT_EQ(lp.seek(-6), Listpack::npos);
  EXPECT_EQ(lp.seek(std::numeric_limits<std::int64_t>::min()), Listpack::npos);
}

TEST(Listpack, InsertAndEraseInTheMiddle) {
  Listpack lp = make({"a", "b", "c", "d"});
  const auto c = lp.seek(2);
  const auto x = lp.insert(c, "x", InsertWhere::kBefore);
  EXPECT_EQ(lp.get(x).to_string(), "x");
  const auto y = lp.insert(lp.seek(-1), "100000", InsertWhere::kAfter);
  EXPECT_EQ(lp.get(y).as_int(), 100000);
  EXPECT_EQ(texts(lp), (std::vector<std::string>{"a", "b", "x", "c", "d", "100000"}));
  EXPECT_EQ(lp.size(), 6u);

  const auto after_x = lp.erase(lp.seek(2));
  EXPECT_EQ(lp.get(after_x).to_string(), "c");
  EXPECT_EQ(lp.erase(lp.last()), Listpack::npos);
  EXPECT_EQ(texts(lp), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(bytes_of(lp), bytes_of(make({"a", "b", "c", "d"})));
}

TEST(Listpack, ReplaceGrowsOrShrinksAnEntryInPlace) {
  Listpack lp = make({"a", "b", "c"});
  const auto pos = lp.seek(1);
  EXPECT_EQ(lp.replace(pos, std::string(5000, 'q')), pos);
  EXPECT_EQ(lp.prev(lp.seek(2)), pos);
  lp.replace(pos, "-7");
  EXPECT_EQ(bytes_of(lp), bytes_of(make({"a", "-7", "c"})));
  EXPECT_EQ(lp.size(), 3u);
}

TEST(Listpack, EraseRange) {
  Listpack lp = make({"0", "1", "2", "3", "4", "5"});
  EXPECT_EQ(lp.erase_range(1, 2), 2u);
  EXPECT_EQ(texts(lp), (std::vector<std::string>{"0", "3", "4", "5"}));
  EXPECT_EQ(lp.erase_range(-2, 10), 2u);
  EXPECT_EQ(texts(lp), (std::vector<std::string>{"0", "3"}));
  EXPECT_EQ(lp.erase_range(2, 1), 0u);
  EXPECT_EQ(lp.erase_range(0, 0), 0u);
  EXPECT_EQ(lp.erase_range(0, 100), 2u);
  EXPECT_EQ(bytes_of(lp), bytes_of(Listpack{}));
}

TEST(Listpack, FindWithSkipLooksOnlyAtFields) {
  // A hash {a: b, b: c, 7: x}: field "b" is the third element, not the second.
  Listpack lp = make({"a", "b", "b", "c", "7", "x"});
  EXPECT_EQ(lp.find(lp.first(), "b", 1), lp.seek(2));
  EXPECT_EQ(lp.find(lp.first(), "c", 1), Listpack::npos);
  EXPECT_EQ(lp.find(lp.first(), "c", 0), lp.seek(3));
  EXPECT_EQ(lp.find(lp.first(), "7", 1), lp.seek(4));
  EXPECT_EQ(lp.find(lp.first(), "07", 1), Listpack::npos);  // 7 is stored as an integer
  EXPECT_EQ(lp.find(Listpack::npos, "a", 1), Listpack::npos);
}

TEST(Listpack, EntryComparisonsDoNotNeedAllocation) {
  const auto i = ListpackEntry::of_int(-12);
  EXPECT_TRUE(i.equals("-12"));
  EXPECT_FALSE(i.equals("-012"));
  EXPECT_FALSE(i.equals("-12 "));
  IntText buffer;
  EXPECT_EQ(i.text(buffer), "-12");
  std::string out = "v=";
  i.append_to(out);
  EXPECT_EQ(out, "v=-12");
  EXPECT_TRUE(ListpackEntry::of_string("12") == ListpackEntry::of_int(12));
  EXPECT_FALSE(ListpackEntry::of_string("012") == ListpackEntry::of_int(12));
  EXPECT_TRUE(ListpackEntry::of_string("ab").equals("ab"));
}

TEST(Listpack, CountBecomesUnknownAt65535AndStaysSo) {
  // 65534 entries of the integer 1 (01 01), built as bytes: pushing them one
  // by one would copy the growing block 65534 times under AddressSanitizer.
  Bytes block = {0, 0, 0, 0, 0xFE, 0xFF};
  for (int i = 0; i < 65534; ++i) block.insert(block.end(), {0x01, 0x01});
  block.push_back(0xFF);
  const std::size_t total = block.size();
  for (int i = 0; i < 4; ++i) block[i] = static_cast<std::uint8_t>(total >> (8 * i));
  auto loaded = Listpack::from_bytes(block);
  ASSERT_TRUE(loaded.has_value());
  Listpack lp = std::move(*loaded);
  EXPECT_EQ(lp.bytes()[4] | lp.bytes()[5] << 8, 65534);
  lp.push_back("1");
  EXPECT_EQ(lp.bytes()[4] | lp.bytes()[5] << 8, 65535);
  EXPECT_EQ(lp.size(), 65535u);  // counted by walking
  lp.erase(lp.first());
  EXPECT_EQ(lp.bytes()[4] | lp.bytes()[5] << 8, 65535);  // as Redis: not re-counted
  EXPECT_EQ(lp.size(), 65534u);
  EXPECT_EQ(lp.get(lp.seek(-1)).as_int(), 1);
}

TEST(Listpack, SplitAndMergeGiveTheSameBytesAsBuildingDirectly) {
  const std::vector<std::string> values = {"a", "1000", std::string(300, 'b'), "-5", "c"};
  for (std::size_t cut = 0; cut <= values.size(); ++cut) {
    SCOPED_TRACE(cut);
    Listpack whole = make(values);
    Listpack tail = whole.split_off(whole.seek(static_cast<std::int64_t>(cut)));
    EXPECT_EQ(bytes_of(whole), bytes_of(make({values.begin(), values.begin() + cut})));
    EXPECT_EQ(bytes_of(tail), bytes_of(make({values.begin() + cut, values.end()})));
    Listpack merged = Listpack::merge(std::move(whole), std::move(tail));
    EXPECT_EQ(bytes_of(merged), bytes_of(make(values)));
  }
}

TEST(Listpack, CloneIsIndependent) {
  Listpack lp = make({"a", "b"});
  Listpack copy = lp.clone();
  copy.push_back("c");
  EXPECT_EQ(texts(lp), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(texts(copy), (std::vector<std::string>{"a", "b", "c"}));
  Listpack moved = std::move(copy);
  EXPECT_EQ(moved.size(), 3u);
}

// ---- from_bytes --------------------------------------------------------------

// A block that uses every encoding and backlen sizes 1 to 3.
Bytes every_encoding_block() {
  return bytes_of(make({"1", "-1", "1000", "100000", "10000000", "10000000000", "", "short",
                        std::string(200, 'm'), std::string(5000, 'l'), std::string(16378, 'h')}));
}

// Walks an accepted listpack both ways and checks that the walks agree.
void expect_walkable(const Listpack& lp) {
  std::size_t forward = 0;
  std::string sink;
  for (auto pos = lp.first(); pos != Listpack::npos; pos = lp.next(pos)) {
    lp.get(pos).append_to(sink);
    ++forward;
  }
  std::size_t backward = 0;
  for (auto pos = lp.last(); pos != Listpack::npos; pos = lp.prev(pos)) ++backward;
  EXPECT_EQ(forward, backward);
  EXPECT_EQ(forward, lp.size());
}

TEST(ListpackFromBytes, AcceptsWhatWeWriteAndKeepsItsBytes) {
  const Bytes block = every_encoding_block();
  auto lp = Listpack::from_bytes(block);
  ASSERT_TRUE(lp.has_value());
  EXPECT_EQ(bytes_of(*lp), block);
  expect_walkable(*lp);
  EXPECT_TRUE(Listpack::from_bytes(Bytes{7, 0, 0, 0, 0, 0, 0xFF}).has_value());
}

TEST(ListpackFromBytes, AcceptsUnknownCount) {
  Bytes block = bytes_of(make({"a", "b"}));
  block[4] = 0xFF;
  block[5] = 0xFF;
  auto lp = Listpack::from_bytes(block);
  ASSERT_TRUE(lp.has_value());
  EXPECT_EQ(lp->size(), 2u);
  EXPECT_EQ(bytes_of(*lp), block);
}

TEST(ListpackFromBytes, RejectsSpecificCorruptions) {
  const Bytes good = bytes_of(make({"hi", "5", "-200"}));
  auto with = [&](std::size_t at, std::uint8_t value) {
    Bytes b = good;
    b[at] = value;
    return b;
  };
  EXPECT_FALSE(Listpack::from_bytes(Bytes{}).has_value());
  EXPECT_FALSE(Listpack::from_bytes(Bytes{6, 0, 0, 0, 0, 0}).has_value());
  EXPECT_FALSE(Listpack::from_bytes(with(0, 17)).has_value());     // total bytes
  EXPECT_FALSE(Listpack::from_bytes(with(4, 2)).has_value());      // count
  EXPECT_FALSE(Listpack::from_bytes(with(15, 0x00)).has_value());  // terminator
  EXPECT_FALSE(Listpack::from_bytes(with(6, 0xF5)).has_value());   // unused encoding
  EXPECT_FALSE(Listpack::from_bytes(with(6, 0x8F)).has_value());   // string runs past the end
  EXPECT_FALSE(Listpack::from_bytes(with(9, 0x04)).has_value());   // backlen
  EXPECT_FALSE(Listpack::from_bytes(with(6, 0xFF)).has_value());   // early terminator
  // A 32-bit string length of 4 GiB inside a 12-byte block.
  EXPECT_FALSE(Listpack::from_bytes(Bytes{12, 0, 0, 0, 1, 0, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF})
                   .has_value());
}

TEST(ListpackFromBytes, EveryTruncationIsRejected) {
  const Bytes block = every_encoding_block();
  for (std::size_t len = 0; len < block.size(); ++len) {
    EXPECT_FALSE(Listpack::from_bytes({block.data(), len}).has_value()) << len;
    // Even when the header is patched to agree with the shorter length.
    if (len >= 7) {
      Bytes cut(block.begin(), block.begin() + static_cast<std::ptrdiff_t>(len));
      cut[0] = static_cast<std::uint8_t>(len);
      cut[1] = static_cast<std::uint8_t>(len >> 8);
      cut[2] = cut[3] = 0;
      cut.back() = 0xFF;
      if (auto lp = Listpack::from_bytes(cut)) expect_walkable(*lp);
    }
  }
}

TEST(ListpackFromBytes, AnySingleByteChangeIsRejectedOrSafeToWalk) {
  // A small block, so every value of every byte can be tried.
  const Bytes block = bytes_of(make(
      {"1", "-1", "1000", "100000", "10000000", "10000000000", "", "short", std::string(70, 'm')}));
  std::size_t accepted = 0;
  for (std::size_t at = 0; at < block.size(); ++at) {
    for (int value = 0; value < 256; ++value) {
      Bytes b = block;
      b[at] = static_cast<std::uint8_t>(value);
      if (auto lp = Listpack::from_bytes(b)) {
        ++accepted;
        expect_walkable(*lp);
      }
    }
  }
  // Changing a character of a string keeps the block valid; that is all
  // that should get through (and the unchanged originals).
  EXPECT_GT(accepted, block.size());
}

}  // namespace
}  // namespace mini_redis::types
