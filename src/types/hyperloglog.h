// HyperLogLog: Redis's probabilistic counter of distinct elements (PFADD,
// PFCOUNT, PFMERGE), kept byte for byte in Redis's own format.
//
// What it is: a plain string value (TYPE answers "string", GET returns these
// bytes) that counts about 2^64 distinct elements in at most 12 KB with a
// standard error of 0.81%. Because the bytes are Redis's, an HLL made by
// Redis and SET here counts the same, and GET after PFADD gives Redis's bytes.
// What it is not: exact. Two different elements may look alike to it.
//
// ---- How it counts ----------------------------------------------------------
//
// Each element is hashed with MurmurHash64A (seed 0xadc83b19). The low 14
// bits pick one of 16384 registers (P = 14); the other 50 bits (Q = 50) are
// looked at from the lowest up, and the position of the first 1 bit (1 for
// "...1", 2 for "...10", up to 51 when all 50 are zero) is the element's
// "rank". A register keeps the largest rank it has seen. A long run of zero
// bits is rare, so large registers mean many distinct elements; the estimator
// (Otmar Ertl's, "New cardinality estimation algorithms for HyperLogLog
// sketches", 2017, which Redis uses since 5.0) turns the histogram of
// register values into a number.
//
// ---- The header (16 bytes, both encodings) ----------------------------------
//
//   +------+------+------+------+------+------+------+------+---------------+
//   | 'H'  | 'Y'  | 'L'  | 'L'  | enc  | (3 unused bytes)   | card, 8 bytes |
//   +------+------+------+------+------+------+------+------+---------------+
//
//   enc   0 = dense, 1 = sparse (anything else is not a valid HLL).
//   card  the cached cardinality, little-endian. Bit 7 of its last byte set
//         means "stale": PFADD and PFMERGE set it when registers change;
//         PFCOUNT of one key recomputes and stores the number (so GET bytes
//         change after a PFCOUNT, exactly as in Redis). Only that bit is set
//         on invalidation: the other seven bytes keep the old number.
//
// ---- Dense: 16384 registers of 6 bits, 12288 bytes --------------------------
//
// Register i starts at bit 6*i, packed from the least significant bit of
// each byte up ("little-endian" bit order): register 0 is bits 0..5 of byte
// 0, register 1 is bits 6..7 of byte 0 and bits 0..3 of byte 1, and so on.
// A dense value is always exactly 16 + 12288 = 12304 bytes long.
//
// ---- Sparse: runs of registers, a few bytes for a small set -----------------
//
// After the header, opcodes describe the registers in order:
//
//   ZERO   00xxxxxx            xxxxxx + 1 registers (1..64) are zero
//   XZERO  01xxxxxx yyyyyyyy   the 14 bits x..y + 1 registers (1..16384) are zero
//   VAL    1vvvvvxx            xx + 1 registers (1..4) hold vvvvv + 1 (1..32)
//
// The runs must add up to 16384 registers. An empty HLL is one XZERO of
// 16384: bytes 7f ff. A register needing a value above 32, or an update that
// would make the value longer than hll-sparse-max-bytes (3000 by default),
// turns the value dense for good. How an update rewrites one opcode into up
// to five (and merges equal neighbours afterwards) is Redis's exact rule, so
// that the bytes match; hyperloglog.cpp explains it at set_sparse_register.
//
// Every function here is defensive: any bytes may come in (a client can SET
// anything, then PFCOUNT it); corrupt values are reported, never trusted.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mini_redis::types::hll {

inline constexpr int kIndexBits = 14;                                        // Redis's HLL_P
inline constexpr int kRankBits = 64 - kIndexBits;                            // HLL_Q = 50
inline constexpr std::size_t kRegisterCount = std::size_t{1} << kIndexBits;  // 16384
inline constexpr int kBitsPerRegister = 6;
inline constexpr std::size_t kHeaderSize = 16;
inline constexpr std::size_t kDenseSize =
    kHeaderSize + (kRegisterCount * kBitsPerRegister + 7) / 8;  // 12304
inline constexpr std::uint8_t kDenseEncoding = 0;
inline constexpr std::uint8_t kSparseEncoding = 1;
inline constexpr std::uint8_t kSparseMaxValue = 32;  // the largest value a VAL opcode holds
inline constexpr std::uint64_t kHashSeed = 0xadc83b19ULL;

// One register per index, one byte each: what PFCOUNT of several keys and
// PFMERGE gather (Redis's internal "raw" encoding).
using Registers = std::array<std::uint8_t, kRegisterCount>;

// Austin Appleby's MurmurHash64A, reading 8-byte blocks little-endian, so
// that the result is the same on every machine (as Redis makes it).
[[nodiscard]] std::uint64_t murmur_hash64a(std::string_view bytes, std::uint64_t seed);

// The register an element goes to and the rank it offers there (1..51).
struct Observation {
  std::uint32_t index = 0;
  std::uint8_t rank = 0;
};
[[nodiscard]] Observation observe(std::string_view element);

// An empty HLL as PFADD creates it: sparse, one XZERO opcode, and a cached
// cardinality of 0 that is valid (18 bytes).
[[nodiscard]] std::string make_empty();

// Redis's isHLLObjectOrReply: at least a header, "HYLL", encoding 0 or 1,
// and a dense value exactly 12304 bytes. A sparse body is checked only when
// it is walked (then a bad one is "corrupt", a different error).
[[nodiscard]] bool has_valid_header(std::string_view hll);
[[nodiscard]] bool is_sparse(std::string_view hll);  // after has_valid_header

// The cached cardinality, if the header holds a valid one.
[[nodiscard]] std::optional<std::uint64_t> cached_cardinality(std::string_view hll);
void store_cardinality(std::string& hll, std::uint64_t cardinality);
void invalidate_cardinality(std::string& hll);

// What an update did.
enum class Update : std::uint8_t { unchanged, changed, corrupt };

// PFADD of one element: raises its register if the rank is higher. A sparse
// value may turn dense (see above); `sparse_max_bytes` is
// hll-sparse-max-bytes. The cache is invalidated by the caller, once per command.
Update add(std::string& hll, std::string_view element, std::size_t sparse_max_bytes);
// Would adding `element` change anything? Read-only, so that PFADD of
// elements already seen answers 0 without copying the value. A corrupt
// sparse value says yes: the real add then reports it.
[[nodiscard]] bool would_raise(std::string_view hll, std::string_view element);
// Raises register `index` to `value` if it is lower (PFMERGE writes the
// merged registers back this way).
Update raise_register(std::string& hll, std::uint32_t index, std::uint8_t value,
                      std::size_t sparse_max_bytes);

// PFMERGE's write-back: raise_register for every register, in ascending
// order (so the same bytes), each sparse walk resuming where the previous
// update left the value unchanged instead of at the first opcode.
void raise_all(std::string& hll, const Registers& registers, std::size_t sparse_max_bytes);

// Rewrites a sparse value as dense (header kept, encoding byte changed).
// False, and `hll` untouched, when the sparse runs do not add up to 16384.
bool convert_to_dense(std::string& hll);

// Raises every register of `into` to at least this HLL's; false if corrupt.
bool merge_into(Registers& into, std::string_view hll);

// The estimate from the registers, ignoring the cache; nullopt if corrupt.
[[nodiscard]] std::optional<std::uint64_t> estimate(std::string_view hll);
[[nodiscard]] std::uint64_t estimate(const Registers& registers);

// Register `index` of a dense value (PFDEBUG GETREG).
[[nodiscard]] std::uint8_t dense_register(std::string_view hll, std::size_t index);
// The opcodes of a sparse value as PFDEBUG DECODE prints them:
// "Z:8436 v:1,1 z:3" (XZERO run, VAL value,run, ZERO run).
[[nodiscard]] std::string describe_sparse(std::string_view hll);

}  // namespace mini_redis::types::hll
