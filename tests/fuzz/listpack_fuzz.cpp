// A libFuzzer target for types::Listpack::from_bytes.
//
// The input is a listpack blob as an RDB file or a RESTORE payload could
// carry it. What must always hold:
//   - from_bytes never reads outside the input (AddressSanitizer);
//   - an accepted listpack can be walked forwards and backwards, reading
//     every entry, and both walks agree with size();
//   - its bytes are the input's bytes, unchanged;
//   - it stays consistent after a change at each end.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "types/listpack.h"

using mini_redis::types::Listpack;

namespace {

std::size_t walk(const Listpack& lp) {
  std::size_t forward = 0;
  std::string sink;
  for (auto pos = lp.first(); pos != Listpack::npos; pos = lp.next(pos)) {
    lp.get(pos).append_to(sink);
    ++forward;
  }
  std::size_t backward = 0;
  for (auto pos = lp.last(); pos != Listpack::npos; pos = lp.prev(pos)) ++backward;
  if (forward != backward || forward != lp.size()) std::abort();
  return forward;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  auto lp = Listpack::from_bytes(input);
  if (!lp) return 0;
  const auto bytes = lp->bytes();
  if (bytes.size() != size || !std::equal(bytes.begin(), bytes.end(), input.begin())) std::abort();
  const std::size_t n = walk(*lp);
  lp->push_front("head");
  lp->push_back("12345");
  if (walk(*lp) != n + 2) std::abort();
  if (!Listpack::from_bytes(lp->bytes())) std::abort();
  return 0;
}
