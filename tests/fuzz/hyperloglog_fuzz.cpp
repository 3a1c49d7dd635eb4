// A libFuzzer target for the HyperLogLog decoder (types/hyperloglog.h).
//
// The input is the body of a string value that a client SETs and then
// hands to PFADD / PFCOUNT / PFMERGE / PFDEBUG: any bytes at all. The first
// input byte picks the header's encoding byte, so that both a sparse body
// and a dense one are tried; a dense value must be exactly 12304 bytes,
// longer than libFuzzer's inputs here, so the rest of the input is repeated
// to fill it. What must always hold:
//   - nothing reads or writes outside the value (AddressSanitizer);
//   - counting, merging and converting agree on whether the value is corrupt;
//   - a value that converts to dense counts the same before and after;
//   - PFMERGE's write-back (raise_all) gives the bytes of one raise per register;
//   - updates keep the header valid, whatever the body held.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "types/hyperloglog.h"

namespace hll = mini_redis::types::hll;

namespace {

std::string value_from(const std::uint8_t* data, std::size_t size) {
  std::string value = hll::make_empty();
  value.resize(hll::kHeaderSize);
  if (size == 0) return value;
  const bool dense = (data[0] & 1U) == 0;
  value[4] = static_cast<char>(dense ? hll::kDenseEncoding : hll::kSparseEncoding);
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  if (!dense) {
    value.append(body);
  } else if (!body.empty()) {
    while (value.size() < hll::kDenseSize) value.append(body);
    value.resize(hll::kDenseSize);
  } else {
    value.resize(hll::kDenseSize, '\0');
  }
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string value = value_from(data, size);
  if (!hll::has_valid_header(value)) std::abort();

  const std::optional<std::uint64_t> count = hll::estimate(value);
  hll::Registers registers{};
  const bool merged = hll::merge_into(registers, value);
  std::string dense = value;
  const bool converted = hll::convert_to_dense(dense);
  // The three walks find the same values corrupt.
  if (count.has_value() != merged || merged != converted) std::abort();
  if (converted) {
    if (hll::estimate(dense) != count || hll::estimate(registers) != *count) std::abort();
    // PFMERGE's resumed walks write the same bytes as one raise per register.
    if (hll::is_sparse(value)) {
      // Its own registers moved around, so that many of them do raise.
      hll::Registers other{};
      for (std::size_t i = 0; i < hll::kRegisterCount; ++i) {
        other[i] = registers[(i * 7 + 1) % hll::kRegisterCount];
      }
      std::string at_once = value;
      std::string one_by_one = value;
      hll::raise_all(at_once, other, 3000);
      for (std::uint32_t i = 0; i < hll::kRegisterCount; ++i) {
        if (other[i] != 0) hll::raise_register(one_by_one, i, other[i], 3000);
      }
      if (at_once != one_by_one) std::abort();
    }
  }
  if (hll::is_sparse(value)) (void)hll::describe_sparse(value);

  // Updates on whatever came in, with a small and the default sparse limit.
  for (const std::size_t max_bytes : {std::size_t{40}, std::size_t{3000}}) {
    std::string copy = value;
    for (int n = 0; n < 8; ++n) {
      const hll::Update update = hll::add(copy, std::to_string(n), max_bytes);
      if (update == hll::Update::corrupt) break;
      if (!hll::has_valid_header(copy)) std::abort();
    }
    (void)hll::raise_register(copy, hll::kRegisterCount - 1, 40, max_bytes);
    (void)hll::estimate(copy);
  }
  return 0;
}
