#include "types/hyperloglog.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mini_redis::types::hll {

namespace {

constexpr std::size_t kEncodingOffset = 4;
constexpr std::size_t kCardinalityOffset = 8;
constexpr std::uint8_t kStaleBit = 0x80;  // in the last cardinality byte
constexpr std::uint8_t kRegisterMask = (1U << kBitsPerRegister) - 1;

// Sparse opcodes (see the header comment for their bit layout).
constexpr std::uint32_t kZeroMaxRun = 64;
constexpr std::uint32_t kValMaxRun = 4;
// Redis re-examines at most this many opcodes after an update, looking for
// two equal VAL neighbours to fuse into one.
constexpr int kMergeScanOpcodes = 5;

std::uint8_t byte_of(std::string_view bytes, std::size_t i) {
  return static_cast<std::uint8_t>(bytes[i]);
}

// ---- sparse opcodes --------------------------------------------------------------

enum class OpKind : std::uint8_t { zero, xzero, val };

struct Opcode {
  OpKind kind = OpKind::zero;
  std::uint32_t run = 0;   // how many registers it covers
  std::uint8_t value = 0;  // VAL only
  std::size_t size = 1;    // bytes: 2 for XZERO, else 1
};

// The opcode at `pos` (< hll.size()). An XZERO cut short by the end of the
// value (only a corrupt value ends that way) reads its second byte as 0:
// Redis reads the hidden byte its strings keep after their end, which is 0
// in a value as a client stored it. (Not always after Redis itself edited
// such a value: see set_sparse_register. That one case is not reproduced.)
Opcode opcode_at(std::string_view hll, std::size_t pos) {
  const std::uint8_t first = byte_of(hll, pos);
  switch (first >> 6) {
    case 0: return {.kind = OpKind::zero, .run = (first & 0x3fU) + 1U};
    case 1: {
      const std::uint8_t low = pos + 1 < hll.size() ? byte_of(hll, pos + 1) : 0;
      return {.kind = OpKind::xzero, .run = (((first & 0x3fU) << 8) | low) + 1U, .size = 2};
    }
    default:
      return {.kind = OpKind::val,
              .run = (first & 0x3U) + 1U,
              .value = static_cast<std::uint8_t>(((first >> 2) & 0x1fU) + 1U)};
  }
}

char val_opcode(std::uint8_t value, std::uint32_t run) {
  return static_cast<char>(0x80U | ((value - 1U) << 2) | (run - 1U));
}

// Appends the shortest zero run opcode for `run` registers (ZERO up to 64).
void append_zero_run(std::string& out, std::uint32_t run) {
  if (run <= kZeroMaxRun) {
    out.push_back(static_cast<char>(run - 1));
    return;
  }
  out.push_back(static_cast<char>(0x40U | ((run - 1) >> 8)));
  out.push_back(static_cast<char>((run - 1) & 0xffU));
}

// ---- dense registers --------------------------------------------------------------

// Register `index` in the register bytes `regs` (6 bits, LSB first). The
// last register ends inside the last byte, so the byte after it is never
// needed; it is read as 0 when it lies past the end.
std::uint8_t get_dense(const char* regs, std::size_t regs_size, std::size_t index) {
  const std::size_t bit = index * kBitsPerRegister;
  const std::size_t byte = bit / 8;
  const unsigned shift = bit % 8;
  const unsigned low = static_cast<std::uint8_t>(regs[byte]) >> shift;
  const unsigned high =
      byte + 1 < regs_size ? static_cast<unsigned>(static_cast<std::uint8_t>(regs[byte + 1])) : 0U;
  return static_cast<std::uint8_t>((low | (high << (8 - shift))) & kRegisterMask);
}

void set_dense(char* regs, std::size_t regs_size, std::size_t index, std::uint8_t value) {
  const std::size_t bit = index * kBitsPerRegister;
  const std::size_t byte = bit / 8;
  const unsigned shift = bit % 8;
  auto* low = reinterpret_cast<std::uint8_t*>(regs + byte);
  *low = static_cast<std::uint8_t>((*low & ~(kRegisterMask << shift)) | (value << shift));
  if (shift > 8 - kBitsPerRegister && byte + 1 < regs_size) {
    auto* high = reinterpret_cast<std::uint8_t*>(regs + byte + 1);
    const unsigned spill = 8 - shift;  // bits of the register that fit in the low byte
    *high = static_cast<std::uint8_t>((*high & ~(kRegisterMask >> spill)) | (value >> spill));
  }
}

Update raise_dense(std::string& hll, std::uint32_t index, std::uint8_t value) {
  char* regs = hll.data() + kHeaderSize;
  const std::size_t size = hll.size() - kHeaderSize;
  if (get_dense(regs, size, index) >= value) return Update::unchanged;
  set_dense(regs, size, index, value);
  return Update::changed;
}

// ---- sparse updates ----------------------------------------------------------------

// Where a walk of the opcodes starts: an opcode's position, the first
// register it covers, and the position of the opcode before it (0: none).
struct WalkStart {
  std::size_t pos = kHeaderSize;
  std::uint64_t first = 0;
  std::size_t previous = 0;
};

// Where register `index` lies in a sparse value: its opcode, where that
// opcode starts, the one before it, and the first register it covers.
// `resume` is a start for the next walk of a higher register that skips
// what this update cannot change: an update at `pos` rewrites bytes from
// `previous` on (the fusing of neighbours), so a walk may resume at any
// opcode before `previous`, or at `previous` itself when it lies past the
// start (its start and first register survive the rewrite).
struct Located {
  Opcode op;
  std::size_t pos = 0;
  std::size_t previous = 0;  // 0: none (the opcode is the first)
  std::uint64_t first = 0;
  WalkStart resume;
};

std::optional<Located> locate(std::string_view hll, std::uint32_t index, WalkStart start = {}) {
  // The last two opcodes visited, newest first.
  std::array<WalkStart, 2> recent{};
  std::size_t visited = 0;
  Located at{
      .op = {}, .pos = start.pos, .previous = start.previous, .first = start.first, .resume = {}};
  while (at.pos < hll.size()) {
    at.op = opcode_at(hll, at.pos);
    if (index < at.first + at.op.run) {
      // Resume at `previous` when this walk saw it; when the found opcode is
      // the start itself, `previous` lies before the start: from the top.
      if (visited >= 1) {
        at.resume = {recent[0].pos, recent[0].first, visited >= 2 ? recent[1].pos : start.previous};
      }
      return at;
    }
    recent = {WalkStart{at.pos, at.first, 0}, recent[0]};
    ++visited;
    at.previous = at.pos;
    at.pos += at.op.size;
    at.first += at.op.run;
  }
  return std::nullopt;  // the runs end before `index`: corrupt
}

// The opcodes that replace one run when register `index` inside it takes
// `value`: the part before (same as the old run), the register alone, the
// part after. At most 5 bytes (XZERO, VAL, XZERO).
std::string split_run(const Located& at, std::uint32_t index, std::uint8_t value) {
  std::string out;
  const std::uint64_t last = at.first + at.op.run - 1;
  const auto before = static_cast<std::uint32_t>(index - at.first);
  const auto after = static_cast<std::uint32_t>(last - index);
  const bool zeros = at.op.kind != OpKind::val;
  if (before > 0)
    zeros ? append_zero_run(out, before) : out.push_back(val_opcode(at.op.value, before));
  out.push_back(val_opcode(value, 1));
  if (after > 0)
    zeros ? append_zero_run(out, after) : out.push_back(val_opcode(at.op.value, after));
  return out;
}

// After an update, two neighbouring VAL opcodes may hold the same value
// and fit in one (runs up to 4): Redis fuses them, looking at no more than
// five opcodes from the one before the change. Without this the bytes
// would drift from Redis's after a few PFADDs.
void fuse_equal_neighbours(std::string& hll, std::size_t from) {
  std::size_t pos = from;
  for (int budget = kMergeScanOpcodes; pos < hll.size() && budget > 0; --budget) {
    const Opcode op = opcode_at(hll, pos);
    if (op.kind != OpKind::val) {
      pos += op.size;
      continue;
    }
    if (pos + 1 < hll.size()) {
      const Opcode next = opcode_at(hll, pos + 1);
      if (next.kind == OpKind::val && next.value == op.value && op.run + next.run <= kValMaxRun) {
        hll[pos + 1] = val_opcode(op.value, op.run + next.run);
        hll.erase(pos, 1);
        continue;  // stay here: the fused run may fuse again with the next one
      }
    }
    ++pos;
  }
}

// Redis's sparse update (hllSparseSet), step by step:
//  1. a value above 32 cannot be a VAL: the HLL turns dense first;
//  2. find the opcode covering `index`; a VAL already >= value: nothing to do;
//  3. a one-register VAL or ZERO is rewritten in place as VAL(value, 1);
//  4. otherwise the run is split in up to three opcodes (split_run). If that
//     grows the value past hll-sparse-max-bytes, the HLL turns dense instead;
//  5. equal VAL neighbours are fused and the cached cardinality marked stale.
Update set_sparse_register(std::string& hll, std::uint32_t index, std::uint8_t value,
                           std::size_t sparse_max_bytes, WalkStart* walk = nullptr) {
  const auto promote = [&] {
    if (!convert_to_dense(hll)) return Update::corrupt;
    return raise_dense(hll, index, value);
  };
  if (value > kSparseMaxValue) return promote();
  const std::optional<Located> at = locate(hll, index, walk != nullptr ? *walk : WalkStart{});
  if (!at) return Update::corrupt;
  const Opcode& op = at->op;
  if (op.kind == OpKind::val && op.value >= value) {
    if (walk != nullptr) *walk = {at->pos, at->first, at->previous};  // nothing moved
    return Update::unchanged;
  }
  if (walk != nullptr) *walk = at->resume;

  if (op.run == 1 && op.kind != OpKind::xzero) {
    hll[at->pos] = val_opcode(value, 1);
  } else {
    const std::string replacement = split_run(*at, index, value);
    const auto grown =
        static_cast<std::ptrdiff_t>(replacement.size()) - static_cast<std::ptrdiff_t>(op.size);
    if (grown > 0 && hll.size() + static_cast<std::size_t>(grown) > sparse_max_bytes) {
      return promote();
    }
    const std::size_t new_size = hll.size() + static_cast<std::size_t>(grown);
    hll.replace(at->pos, std::min(op.size, hll.size() - at->pos), replacement);
    // Only a cut-short XZERO (opcode_at) makes this differ: Redis then loses
    // the replacement's last byte, and so do we. Redis writes that byte into
    // the hidden byte after the string's end, where the next walk of the
    // value reads it; we read 0 there, so the bytes of such a corrupt value
    // can differ from Redis's after a second update. Never for valid HLLs.
    hll.resize(new_size);
  }
  fuse_equal_neighbours(hll, at->previous != 0 ? at->previous : kHeaderSize);
  invalidate_cardinality(hll);
  return Update::changed;
}

// ---- the estimator -------------------------------------------------------------------

// How many registers hold each value. 64 slots: a corrupt dense value may
// hold 52..63, which the estimator then ignores, as Redis's does.
using Histogram = std::array<std::uint32_t, 64>;

// Ertl's sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1), summed until the double
// stops changing; infinite for x = 1 (all registers zero).
double sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double term_weight = 1.0;
  double sum = x;
  double previous = 0;
  do {
    x *= x;
    previous = sum;
    sum += x * term_weight;
    term_weight += term_weight;
  } while (previous != sum);
  return sum;
}

// Ertl's tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3.
double tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double weight = 1.0;
  double sum = 1 - x;
  double previous = 0;
  do {
    x = std::sqrt(x);
    previous = sum;
    weight *= 0.5;
    sum -= std::pow(1 - x, 2) * weight;
  } while (previous != sum);
  return sum / 3;
}

std::uint64_t estimate_from(const Histogram& histogram) {
  const double m = kRegisterCount;
  // alpha_inf = 1 / (2 ln 2): the bias constant for m -> infinity.
  constexpr double kAlphaInf = 0.721347520444481703680;
  double z = m * tau((m - histogram[kRankBits + 1]) / m);
  for (int k = kRankBits; k >= 1; --k) {
    z += histogram[k];
    z *= 0.5;
  }
  z += m * sigma(histogram[0] / m);
  return static_cast<std::uint64_t>(std::llround(kAlphaInf * m * m / z));
}

// The histogram of a sparse value; false if its runs do not cover exactly
// 16384 registers.
bool sparse_histogram(std::string_view hll, Histogram& histogram) {
  std::uint64_t covered = 0;
  for (std::size_t pos = kHeaderSize; pos < hll.size();) {
    const Opcode op = opcode_at(hll, pos);
    histogram[op.value] += op.run;
    covered += op.run;
    pos += op.size;
  }
  return covered == kRegisterCount;
}

}  // namespace

// ---- hashing -------------------------------------------------------------------------

std::uint64_t murmur_hash64a(std::string_view bytes, std::uint64_t seed) {
  constexpr std::uint64_t kMultiplier = 0xc6a4a7935bd1e995ULL;
  constexpr int kShift = 47;
  const std::size_t length = bytes.size();
  std::uint64_t h = seed ^ (length * kMultiplier);
  std::size_t pos = 0;
  for (; pos + 8 <= length; pos += 8) {
    std::uint64_t k = 0;
    for (int b = 7; b >= 0; --b) k = (k << 8) | byte_of(bytes, pos + static_cast<std::size_t>(b));
    k *= kMultiplier;
    k ^= k >> kShift;
    k *= kMultiplier;
    h ^= k;
    h *= kMultiplier;
  }
  // The 0..7 trailing bytes, the last one highest.
  if (pos < length) {
    for (std::size_t b = length; b-- > pos;) {
      h ^= std::uint64_t{byte_of(bytes, b)} << (8 * (b - pos));
    }
    h *= kMultiplier;
  }
  h ^= h >> kShift;
  h *= kMultiplier;
  h ^= h >> kShift;
  return h;
}

Observation observe(std::string_view element) {
  const std::uint64_t hash = murmur_hash64a(element, kHashSeed);
  const auto index = static_cast<std::uint32_t>(hash & (kRegisterCount - 1));
  // A sentinel 1 above the 50 rank bits ends the count at 51 when they are all 0.
  std::uint64_t rest = (hash >> kIndexBits) | (std::uint64_t{1} << kRankBits);
  std::uint8_t rank = 1;
  while ((rest & 1U) == 0) {
    ++rank;
    rest >>= 1;
  }
  return {.index = index, .rank = rank};
}

// ---- header --------------------------------------------------------------------------

std::string make_empty() {
  std::string hll(kHeaderSize, '\0');
  hll.replace(0, 4, "HYLL");
  hll[kEncodingOffset] = static_cast<char>(kSparseEncoding);
  append_zero_run(hll, kRegisterCount);
  return hll;
}

bool has_valid_header(std::string_view hll) {
  if (hll.size() < kHeaderSize || hll.substr(0, 4) != "HYLL") return false;
  const std::uint8_t encoding = byte_of(hll, kEncodingOffset);
  if (encoding > kSparseEncoding) return false;
  return encoding != kDenseEncoding || hll.size() == kDenseSize;
}

bool is_sparse(std::string_view hll) {
  return byte_of(hll, kEncodingOffset) == kSparseEncoding;
}

std::optional<std::uint64_t> cached_cardinality(std::string_view hll) {
  if ((byte_of(hll, kCardinalityOffset + 7) & kStaleBit) != 0) return std::nullopt;
  std::uint64_t value = 0;
  for (int b = 7; b >= 0; --b) {
    value = (value << 8) | byte_of(hll, kCardinalityOffset + static_cast<std::size_t>(b));
  }
  return value;
}

void store_cardinality(std::string& hll, std::uint64_t cardinality) {
  for (std::size_t b = 0; b < 8; ++b) {
    hll[kCardinalityOffset + b] = static_cast<char>((cardinality >> (8 * b)) & 0xffU);
  }
}

void invalidate_cardinality(std::string& hll) {
  hll[kCardinalityOffset + 7] = static_cast<char>(byte_of(hll, kCardinalityOffset + 7) | kStaleBit);
}

// ---- updates ---------------------------------------------------------------------------

Update raise_register(std::string& hll, std::uint32_t index, std::uint8_t value,
                      std::size_t sparse_max_bytes) {
  if (is_sparse(hll)) return set_sparse_register(hll, index, value, sparse_max_bytes);
  return raise_dense(hll, index, value);
}

void raise_all(std::string& hll, const Registers& registers, std::size_t sparse_max_bytes) {
  WalkStart walk{};
  for (std::uint32_t i = 0; i < kRegisterCount; ++i) {
    if (registers[i] == 0) continue;
    if (is_sparse(hll)) {
      set_sparse_register(hll, i, registers[i], sparse_max_bytes, &walk);
    } else {
      raise_dense(hll, i, registers[i]);
    }
  }
}

Update add(std::string& hll, std::string_view element, std::size_t sparse_max_bytes) {
  const Observation seen = observe(element);
  return raise_register(hll, seen.index, seen.rank, sparse_max_bytes);
}

bool would_raise(std::string_view hll, std::string_view element) {
  const Observation seen = observe(element);
  if (!is_sparse(hll)) return dense_register(hll, seen.index) < seen.rank;
  if (seen.rank > kSparseMaxValue) return true;
  const std::optional<Located> at = locate(hll, seen.index);
  return !at || at->op.value < seen.rank;  // zero runs hold value 0
}

bool convert_to_dense(std::string& hll) {
  if (!is_sparse(hll)) return true;
  std::string dense(kDenseSize, '\0');
  dense.replace(0, kHeaderSize, hll, 0, kHeaderSize);  // the cache bytes come along
  dense[kEncodingOffset] = static_cast<char>(kDenseEncoding);
  char* regs = dense.data() + kHeaderSize;
  std::uint64_t index = 0;
  for (std::size_t pos = kHeaderSize; pos < hll.size();) {
    const Opcode op = opcode_at(hll, pos);
    if (index + op.run > kRegisterCount) return false;  // runs past the last register
    if (op.kind == OpKind::val) {
      for (std::uint32_t i = 0; i < op.run; ++i) {
        set_dense(regs, dense.size() - kHeaderSize, index + i, op.value);
      }
    }
    index += op.run;
    pos += op.size;
  }
  if (index != kRegisterCount) return false;
  hll = std::move(dense);
  return true;
}

bool merge_into(Registers& into, std::string_view hll) {
  if (!is_sparse(hll)) {
    const char* regs = hll.data() + kHeaderSize;
    for (std::size_t i = 0; i < kRegisterCount; ++i) {
      into[i] = std::max(into[i], get_dense(regs, hll.size() - kHeaderSize, i));
    }
    return true;
  }
  std::uint64_t index = 0;
  for (std::size_t pos = kHeaderSize; pos < hll.size();) {
    const Opcode op = opcode_at(hll, pos);
    if (index + op.run > kRegisterCount) return false;
    for (std::uint32_t i = 0; i < op.run && op.kind == OpKind::val; ++i) {
      into[index + i] = std::max(into[index + i], op.value);
    }
    index += op.run;
    pos += op.size;
  }
  return index == kRegisterCount;
}

// ---- counting --------------------------------------------------------------------------

std::optional<std::uint64_t> estimate(std::string_view hll) {
  Histogram histogram{};
  if (is_sparse(hll)) {
    if (!sparse_histogram(hll, histogram)) return std::nullopt;
  } else {
    const char* regs = hll.data() + kHeaderSize;
    for (std::size_t i = 0; i < kRegisterCount; ++i) {
      ++histogram[get_dense(regs, hll.size() - kHeaderSize, i)];
    }
  }
  return estimate_from(histogram);
}

std::uint64_t estimate(const Registers& registers) {
  Histogram histogram{};
  for (const std::uint8_t value : registers) ++histogram[value & 63U];
  return estimate_from(histogram);
}

std::uint8_t dense_register(std::string_view hll, std::size_t index) {
  return get_dense(hll.data() + kHeaderSize, hll.size() - kHeaderSize, index);
}

std::string describe_sparse(std::string_view hll) {
  std::string out;
  for (std::size_t pos = kHeaderSize; pos < hll.size();) {
    const Opcode op = opcode_at(hll, pos);
    if (!out.empty()) out.push_back(' ');
    switch (op.kind) {
      case OpKind::zero: out += "z:" + std::to_string(op.run); break;
      case OpKind::xzero: out += "Z:" + std::to_string(op.run); break;
      case OpKind::val:
        out += "v:" + std::to_string(op.value) + "," + std::to_string(op.run);
        break;
    }
    pos += op.size;
  }
  return out;
}

}  // namespace mini_redis::types::hll
