#!/bin/bash
# CI's check of the workshop kit (the lead's .ci/run calls it). It proves:
#   1. workshop/src/ is exactly what workshop/generate.py makes from src/
#      today (the skeleton is committed, so learners get plain files to edit;
#      a marker moved in src/ without regenerating fails here);
#   2. every stage of the workshop builds warning-free (-Werror, the real
#      server's flags): the bare skeleton, then steps 1..K solved for each K,
#      then the real sources;
#   3. at each stage K, the tests of steps 1..K pass; those of step K+1 fail
#      with "not implemented: step K+1"; later ones fail with "not implemented"
#      too. So each step's tests pass with only that step and the earlier ones
#      solved, whatever the later steps' state, and the bare skeleton
#      (stage 0, identical to the committed workshop/src by check 1) fails
#      every step with the message;
#   4. every mutant of workshop/mutants/mutants.py (a plausible wrong version
#      of one region: the guides' common mistakes, off-by-ones, a missing
#      branch) turns its step red (workshop/mutation_check.py);
#   5. on the real sources (WORKSHOP_SOURCES=solution) every step passes;
#   6. the guides and the TODO texts name only files, functions, make
#      targets and tests that exist, with the right test counts
#      (workshop/check_guides.py).
# One build directory for all stages: each stage rewrites only the files it
# changes, so ninja recompiles a few objects, not the server.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${WORKSHOP_CHECK_BUILD:-$ROOT/build/workshop-check}
JOBS=${JOBS:-2}
VARIANT=$BUILD/variant-src     # the learner's files, as each stage has them
LOGS=$BUILD/logs
STEPS="1 2 3 4 5 6 7 8 9 10"
SOLVED_STAGES="0 1 2 3 4 5 7 8 9 10"  # step 6 has no code: stage 5 is its stage too
started=$SECONDS
failures=0
passed=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

echo "== workshop check 1: the committed skeleton is up to date"
if ! /usr/bin/python3 workshop/generate.py --check; then
  fail "workshop/src is stale"
fi

echo "== workshop check 6: the guides and TODO texts match the code"
if ! /usr/bin/python3 workshop/check_guides.py; then
  fail "the guides or the TODO texts name something that does not exist"
fi

mkdir -p "$LOGS"

build() {  # build <stage name>
  local log=$LOGS/build-$1.log
  if ! cmake --build "$BUILD" -j "$JOBS" >"$log" 2>&1; then
    grep -E "error|warning" "$log" | head -30
    fail "stage $1 does not build (log: $log)"
    return 1
  fi
  if grep -q "warning:" "$log"; then
    grep "warning:" "$log" | head -10
    fail "stage $1 builds with warnings"
  fi
  return 0
}

run_step() {  # run_step <stage name> <step>; output in $LOGS/<stage>-step<step>.log
  (cd "$BUILD" && ctest -R "^step$2\$" --output-on-failure --timeout 60) \
    >"$LOGS/$1-step$2.log" 2>&1
}

expect_pass() {  # expect_pass <stage> <step>
  if run_step "$1" "$2"; then
    passed=$((passed + 1))
  else
    tail -40 "$LOGS/$1-step$2.log"
    fail "stage $1: step $2's tests should pass"
  fi
}

expect_not_implemented() {  # expect_not_implemented <stage> <step> <text that must appear>
  if run_step "$1" "$2"; then
    fail "stage $1: step $2's tests pass, but its code is not written"
  elif ! grep -q "$3" "$LOGS/$1-step$2.log"; then
    tail -40 "$LOGS/$1-step$2.log"
    fail "stage $1: step $2's tests fail without saying '$3'"
  else
    passed=$((passed + 1))
  fi
}

echo "== workshop check 2-3: each stage builds, and its steps pass or say what is missing"
cmake -S workshop -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWORKSHOP_SOURCES=skeleton \
  -DWORKSHOP_SKELETON_DIR="$VARIANT" >"$LOGS/configure.log" 2>&1 ||
  { cat "$LOGS/configure.log"; fail "cmake configure"; }
for solved in $SOLVED_STAGES; do
  stage="solved-$solved"
  /usr/bin/python3 workshop/generate.py --solved-through "$solved" --out "$VARIANT" >/dev/null
  # A configure is cheap, and picks up files that appear or disappear.
  cmake "$BUILD" >/dev/null 2>&1
  build "$stage" || continue
  for step in $STEPS; do
    next=$((solved + 1))
    [ "$solved" -eq 5 ] && next=7  # 6 passes with 5
    if [ "$step" -le "$solved" ] || { [ "$step" -eq 6 ] && [ "$solved" -ge 5 ]; }; then
      expect_pass "$stage" "$step"
    elif [ "$step" -eq "$next" ]; then
      expect_not_implemented "$stage" "$step" "not implemented: step $step, "
    else
      expect_not_implemented "$stage" "$step" "not implemented: step "
    fi
  done
  echo "   stage $stage (steps 1-$solved solved) checked, $((SECONDS - started)) s so far"
done

echo "== workshop check 4: every mutant turns its step red"
# The variant is now the solution (the last stage, every step solved), built: each mutant costs
# one object and a link.
if ! /usr/bin/python3 workshop/mutation_check.py --build "$BUILD" --jobs "$JOBS"; then
  fail "a mutant survives (a wrong region that its step's tests accept)"
fi

echo "== workshop check 5: the real sources pass every step"
cmake "$BUILD" -DWORKSHOP_SOURCES=solution >/dev/null 2>&1
if build solution; then
  for step in $STEPS; do expect_pass solution "$step"; done
fi
# Leave the build directory configured as the skeleton again.
cmake "$BUILD" -DWORKSHOP_SOURCES=skeleton >/dev/null 2>&1

echo "workshop check took $((SECONDS - started)) s"
echo "workshop: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
