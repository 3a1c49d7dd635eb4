#!/usr/bin/env bash
# Builds the libFuzzer targets with the `fuzz` preset (clang-16, ASan, UBSan)
# and runs each for a bounded time:
#
#   request_parser_fuzz   the RESP / inline request parser (bytes from any client)
#   listpack_fuzz         Listpack::from_bytes (RDB files and RESTORE payloads)
#   hyperloglog_fuzz      the HyperLogLog decoder and updates (any bytes a client SETs)
#   rdb_reader_fuzz       load_rdb and restore_payload (RDB files, RESTORE payloads)
#   lua_libraries_fuzz    cmsgpack and struct unpacking what any client can hand a script
#   acl_rules_fuzz        ACL SETUSER rules, and users described back (ACL LIST/SAVE);
#                         not in the default list yet: it links the whole command
#                         layer, and src/config/ does not build with clang-16 on
#                         libstdc++ 12 (no std::expected there). Until it does, build
#                         it in a tree configured with -DMINI_REDIS_WERROR=OFF
#                         -DCMAKE_CXX_FLAGS="-D__cpp_concepts=202002L
#                         -Wno-builtin-macro-redefined" and run it by hand.
#
#   tests/fuzz/run.sh                 # 60 seconds per target
#   FUZZ_SECONDS=600 tests/fuzz/run.sh
#   tests/fuzz/run.sh listpack_fuzz   # one target
#
# The seeds in tests/fuzz/seeds/<target>/ are copied into a scratch corpus
# under build/fuzz/ so that the inputs libFuzzer discovers never land in the
# source tree. Any crash, leak, timeout or sanitizer report makes the script
# fail; the input that caused it is saved in build/fuzz/artifacts/.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
seconds="${FUZZ_SECONDS:-60}"
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(request_parser_fuzz listpack_fuzz hyperloglog_fuzz rdb_reader_fuzz lua_libraries_fuzz)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target "${targets[@]}" -j 2

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
artifacts="build/fuzz/artifacts"
mkdir -p "$artifacts"

for target in "${targets[@]}"; do
  name="${target%_fuzz}"
  corpus="build/fuzz/corpus/$name"
  mkdir -p "$corpus"
  cp -n "tests/fuzz/seeds/$name"/* "$corpus"/

  log="build/fuzz/$target.log"
  set +e
  "build/fuzz/tests/fuzz/$target" "$corpus" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$name-" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e

  if [[ $status -ne 0 ]] || grep -qE "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:" "$log"; then
    echo "$target FAILED (exit $status); see $log and $artifacts/" >&2
    exit 1
  fi
  echo "$target: no crash, leak or sanitizer report in ${seconds}s"
done
