#!/usr/bin/env python3
"""`make lint`: clang-tidy over src/, skipping files whose result is known.

clang-tidy takes ~10 s a file here (the optional-access analysis is slow),
about 12 minutes for the tree on 2 cores. Its verdict on a file depends only
on what the compiler reads for it and on how clang-tidy is set up, so a
clean verdict is remembered under a key made of exactly those:

  - the clang-tidy version and the extra arguments below,
  - the file's compile command (paths made relative to the tree),
  - every .clang-tidy on the way from the root to the file,
  - the contents of every file the compiler read for it: the source, the
    project's headers and the system headers.

The list of files read comes from ninja's dependency log of a build of the
same tree (build/release, which `make test` builds first in CI). A file with
no entry in that log (no build yet, or a new file) is always linted. Only
clean verdicts are stored, so a finding is reported every time until fixed.
The cache lives in ~/.cache/mini-redis/clang-tidy (or $MINI_REDIS_LINT_CACHE).
"""
import concurrent.futures
import hashlib
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CLANG_TIDY = "clang-tidy-16"
# clang-tidy 16's optional-access check now and then spins in its SAT solver
# (WatchedLiteralsSolver; clang 17 bounds it): files it checks in 5-20 s ran
# 16 minutes and more (geo_commands.cpp, rdb_stream.cpp, sort_command.cpp).
# Which runs hang depends on the order of pointer-keyed sets, so it changes
# from run to run (about 3 files in 100 per pass here): a run past the limit
# is stopped and tried again. The slowest files take about 20 s alone.
SECONDS_PER_TRY = 120
TRIES = 3
# The flags clang needs to read code written for g++ 12's libstdc++.
EXTRA_ARGS = [
    "-std=c++2b", "-Wno-unknown-warning-option",
    "-DASIO_HAS_CO_AWAIT=1", "-DASIO_HAS_STD_COROUTINE=1",
    "-Wno-builtin-macro-redefined", "-U__cpp_concepts", "-D__cpp_concepts=202002L",
]


def relative(text: str) -> str:
    return text.replace(str(ROOT) + "/", "")


def files_read_per_source(build_dir: pathlib.Path) -> dict[str, list[str]]:
    """source (relative) -> every file the compiler read for it, from ninja's log."""
    if not (build_dir / "build.ninja").exists():
        return {}
    log = subprocess.run(["ninja", "-C", str(build_dir), "-t", "deps"],
                         capture_output=True, text=True, check=False).stdout
    reads: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in log.splitlines():
        if not line.startswith(" "):
            current = None
            if ".dir/src/" in line and "(VALID)" in line:
                source = "src/" + line.split(".dir/src/", 1)[1].split(".o:", 1)[0]
                current = reads.setdefault(source, [])
        elif current is not None and line.strip():
            # Paths are as the compiler saw them: relative to the build
            # directory when ccache's CCACHE_BASEDIR rewrote the command.
            current.append(os.path.normpath(build_dir / line.strip()))
    return reads


def tidy_configs(source: str) -> list[pathlib.Path]:
    configs = []
    folder = ROOT
    for part in pathlib.PurePath(source).parent.parts:
        folder = folder / part
        if (folder / ".clang-tidy").exists():
            configs.append(folder / ".clang-tidy")
    return [ROOT / ".clang-tidy", *configs]


def verdict_key(source: str, command: str, reads: list[str], tool_version: str) -> str:
    digest = hashlib.sha256()
    for part in (tool_version, " ".join(EXTRA_ARGS), relative(command)):
        digest.update(part.encode() + b"\0")
    for path in [*tidy_configs(source), *sorted(set(reads))]:
        digest.update(relative(str(path)).encode() + b"\0")
        digest.update(pathlib.Path(path).read_bytes())
    return digest.hexdigest()


def main() -> int:
    jobs = int(os.environ.get("JOBS", "2"))
    compile_db = ROOT / "build/debug/compile_commands.json"
    commands = {relative(entry["file"]): entry["command"]
                for entry in json.loads(compile_db.read_text())}
    sources = subprocess.run(["git", "ls-files", "src/*.cpp"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    reads = files_read_per_source(ROOT / "build/release")
    tool_version = subprocess.run([CLANG_TIDY, "--version"], capture_output=True,
                                  text=True, check=True).stdout
    cache = pathlib.Path(os.environ.get(
        "MINI_REDIS_LINT_CACHE", pathlib.Path.home() / ".cache/mini-redis/clang-tidy"))
    cache.mkdir(parents=True, exist_ok=True)

    to_lint: list[tuple[str, pathlib.Path | None]] = []
    for source in sources:
        key = None
        if source in reads and source in commands:
            try:
                key = cache / verdict_key(source, commands[source], reads[source], tool_version)
            except OSError:  # a file in the log is gone: the log is stale
                key = None
        if key is None or not key.exists():
            to_lint.append((source, key))
    print(f"clang-tidy: {len(sources) - len(to_lint)} of {len(sources)} files unchanged "
          f"since a clean run, {len(to_lint)} to check", flush=True)

    def lint(item: tuple[str, pathlib.Path | None]) -> tuple[str, int, str]:
        source, key = item
        for _ in range(TRIES):
            try:
                run = subprocess.run(
                    [CLANG_TIDY, "-p", str(ROOT / "build/debug"), "--quiet",
                     *[f"--extra-arg={arg}" for arg in EXTRA_ARGS], source],
                    cwd=ROOT, capture_output=True, text=True, check=False,
                    timeout=SECONDS_PER_TRY)
            except subprocess.TimeoutExpired:
                print(f"clang-tidy: {source} ran {SECONDS_PER_TRY} s, trying again", flush=True)
                continue
            if run.returncode == 0 and key is not None:
                key.touch()
            return source, run.returncode, run.stdout + (run.stderr if run.returncode else "")
        return source, 1, f"clang-tidy did not finish {source} in {TRIES} tries of {SECONDS_PER_TRY} s\n"

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for source, code, output in pool.map(lint, to_lint):
            if code != 0:
                failed += 1
                print(output, end="", flush=True)
                print(f"clang-tidy: {source} has findings", flush=True)
    print(f"clang-tidy: {failed} file(s) with findings")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
