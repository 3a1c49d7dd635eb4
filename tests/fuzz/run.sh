#!/usr/bin/env bash
# Builds the libFuzzer targets with the `fuzz` preset (clang-16, ASan, UBSan)
# and runs the request parser fuzzer for a bounded time.
#
#   tests/fuzz/run.sh            # 60 seconds
#   FUZZ_SECONDS=600 tests/fuzz/run.sh
#
# The seeds in tests/fuzz/seeds/ are copied into a scratch corpus under
# build/fuzz/ so that the inputs libFuzzer discovers never land in the source
# tree. Any crash, leak, timeout or sanitizer report makes the script fail;
# the input that caused it is saved in build/fuzz/artifacts/.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
seconds="${FUZZ_SECONDS:-60}"

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target request_parser_fuzz -j 2

corpus="build/fuzz/corpus/request_parser"
artifacts="build/fuzz/artifacts"
mkdir -p "$corpus" "$artifacts"
cp -n tests/fuzz/seeds/* "$corpus"/

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

log="build/fuzz/request_parser_fuzz.log"
set +e
build/fuzz/tests/fuzz/request_parser_fuzz "$corpus" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

if [[ $status -ne 0 ]] || grep -qE "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:" "$log"; then
  echo "request_parser_fuzz FAILED (exit $status); see $log and $artifacts/" >&2
  exit 1
fi
echo "request_parser_fuzz: no crash, leak or sanitizer report in ${seconds}s"
