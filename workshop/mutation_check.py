#!/usr/bin/python3
"""The mutation check: every plausible wrong version of a region turns its step red.

For each mutant of workshop/mutants/mutants.py, alone: take a copy of the
solution (generate.py --solved-through <last step>, in <build>/variant-src), replace
the mutant's text inside its region, rebuild only what that step's tests
need (ninja recompiles the one changed file and relinks), and run that
step's tests. They must fail; a mutant marked compiles=False must instead be
rejected by the compiler. The copy is restored after each mutant.

    mutation_check.py --build build/workshop-check      (check.sh calls it so)
    mutation_check.py --build DIR --step 4              only step 4's mutants
    mutation_check.py --list                            the mutants, step by step

The build directory must be configured as check.sh does (WORKSHOP_SOURCES=
skeleton, WORKSHOP_SKELETON_DIR=<build>/variant-src). Standard library only.
"""
import argparse
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "mutants"))

import generate  # noqa: E402
from mutants import MUTANTS  # noqa: E402

# What each step's tests run on: its GoogleTest program, or the server.
TARGETS = {1: "step1_test", 2: "step2_test", 3: "step3_test", 4: "step4_test",
           5: "mini-redis-server", 6: "mini-redis-server", 7: "step7_test", 8: "step8_test",
           9: "mini-redis-server", 10: "mini-redis-server"}


FAIL_FAST_ENV = dict(os.environ, GTEST_FAIL_FAST="1", PYTEST_ADDOPTS="-x")


def region_of(lines, rel, function):
    matches = [r for r in generate.parse(lines, rel) if r.function == function]
    if len(matches) != 1:
        raise SystemExit(f"mutants.py: {rel} has {len(matches)} regions named {function}")
    return matches[0]


def mutate(lines, rel, mutant):
    """`lines` with the mutant applied inside its region; exits on a stale entry."""
    region = region_of(lines, rel, mutant["region"])
    # Only the code is mutated: the instructions above it (English, then
    # Japanese) often name the same calls.
    comments = 0
    while comments < len(region.body) and region.body[comments].strip().startswith("//"):
        comments += 1
    code = "".join(region.body[comments:])
    if code.count(mutant["find"]) != 1:
        raise SystemExit(f"mutants.py: {mutant['find']!r} is found {code.count(mutant['find'])} "
                         f"times in the code of {rel}: {mutant['region']} (it must be exactly "
                         "once; update the mutant after changing the region)")
    new_code = code.replace(mutant["find"], mutant["replace"])
    return (lines[:region.begin + 1] + region.body[:comments] +
            new_code.splitlines(keepends=True) + lines[region.end:])


def first_failure(log):
    """The lines of a test log that say what went wrong, for the report."""
    keep = [l for l in log.splitlines()
            if any(k in l for k in ("Failure", "Expected", "<<", "FAILED", "TIMEOUT",
                                    "AssertionError", "Failed:", "assert ", "error:"))]
    return "\n".join("        " + l.strip() for l in keep[:4])


def run(command, cwd, timeout, env=None):
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                              env=env)
        return done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as expired:
        out = (expired.stdout or b"").decode(errors="replace") if isinstance(
            expired.stdout, bytes) else (expired.stdout or "")
        return 124, out + f"\n(timed out after {timeout} s)"


def main():
    sys.stdout.reconfigure(line_buffering=True)  # progress shows up in CI's log as it happens
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", help="the configured workshop build directory")
    parser.add_argument("--step", type=int, help="only this step's mutants")
    parser.add_argument("--jobs", default=os.environ.get("JOBS", "2"))
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="show how each mutant was caught")
    args = parser.parse_args()

    mutants = [m for m in MUTANTS if args.step in (None, m["step"])]
    if args.list:
        for m in mutants:
            print(f"step {m['step']}  {m['file']}: {m['region']}  {m['why']}")
        return 0
    if not args.build:
        parser.error("--build is required")
    if not mutants:
        print("mutation check: no mutants for this step")
        return 0
    build = os.path.abspath(args.build)
    variant = os.path.join(build, "variant-src")
    started = time.monotonic()

    # A copy of the solution: every step solved, in the learner's layout.
    subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--solved-through",
                    str(max(generate.STEPS)), "--out", variant], check=True,
                   stdout=subprocess.DEVNULL)
    # Configure once for the variant, and build what the steps need, so each
    # mutant then costs one object and a link.
    subprocess.run(["cmake", build, f"-DWORKSHOP_SKELETON_DIR={variant}",
                    "-DWORKSHOP_SOURCES=skeleton"], check=True, stdout=subprocess.DEVNULL)
    needed = sorted({TARGETS[m["step"]] for m in mutants})
    code, log = run(["cmake", "--build", build, "-j", args.jobs, "--target", *needed], None, 1800)
    if code != 0:
        print(log[-3000:])
        print("FAIL: the solution copy does not build")
        return 1

    survivors, caught = [], 0
    for number, m in enumerate(mutants, 1):
        path = os.path.join(variant, m["file"])
        original = generate.read_lines(path)
        label = f"[{number}/{len(mutants)}] step {m['step']}, {m['file']}: {m['region']}: {m['why']}"
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write("".join(mutate(original, m["file"], m)))
            code, log = run(["cmake", "--build", build, "-j", args.jobs, "--target",
                             TARGETS[m["step"]]], None, 600)
            if m.get("compiles", True) is False:
                if code == 0:
                    survivors.append(label + "\n        (the compiler accepted it)")
                else:
                    caught += 1
                    if args.verbose:
                        print(f"caught by the compiler: {label}\n{first_failure(log)}")
                continue
            if code != 0:
                survivors.append(label + "\n        (does not compile, so it tests nothing:\n" +
                                 first_failure(log) + ")")
                continue
            # One failing test is enough to call a mutant caught: stop there
            # (GoogleTest's fail-fast, pytest's -x), so a mutant that makes
            # every test wait for its timeout costs one timeout, not twenty.
            code, log = run(["ctest", "-R", f"^step{m['step']}$", "--output-on-failure",
                             "--timeout", "60"], build, 120, env=FAIL_FAST_ENV)
            if code == 0:
                survivors.append(label)
            else:
                caught += 1
                if args.verbose:
                    print(f"caught: {label}\n{first_failure(log)}")
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write("".join(original))
    print(f"mutation check: {caught} of {len(mutants)} mutants caught, "
          f"{time.monotonic() - started:.0f} s")
    for label in survivors:
        print("SURVIVED: " + label)
    # Rebuild the untouched copy, so the build directory is left as it was.
    run(["cmake", "--build", build, "-j", args.jobs, "--target", *needed], None, 1800)
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
