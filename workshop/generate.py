#!/usr/bin/python3
"""Make the workshop skeleton from the real server's sources.

The sources in src/ mark the parts a learner writes, each a few lines:

    // workshop: begin step 2, Database::set
    // What to write and the concept behind it (these comment lines stay
    // in the skeleton as the instructions).
    EntryPtr fresh = make_entry(key, value);       <- the code: cut out
    ...
    // workshop: end

The skeleton keeps every line of a file but the code of its regions, which
becomes a TODO and a call that names the missing part:

    // TODO(step 2): write this part, then delete the not_implemented line.
    not_implemented(2, "storage/database.cpp: Database::set");

The markers stay in the learner's copy too, so the same parser finds the
regions there: that is how `--solve` fills in one step and `--diff` lines the
two versions up. Only files with regions are copied (to workshop/src/), with
the headers a learner reads beside them (HEADERS below, copied unchanged but
for a first comment): the workshop build puts workshop/src/ first on its
include path, so the learner's editor, compiler messages and guide all point
at workshop/src/, never at src/ where the solutions are. The workshop build
takes every other file from src/. Standard library only.

    generate.py                      write workshop/src/ (no step solved)
    generate.py --solved-through 3   ... with steps 1-3 solved (CI's cumulative check)
    generate.py --out DIR            write somewhere else
    generate.py --check              fail if workshop/src/ is not what src/ generates
    generate.py --solve 2            copy step 2's solution into workshop/src/
    generate.py --diff storage/database.cpp   your copy against the solution
    generate.py --list               the regions, step by step, with line counts
"""
import argparse
import difflib
import hashlib
import os
import re
import signal
import sys
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = os.path.join(ROOT, "src")
LEARNER = os.path.join(ROOT, "workshop", "src")
# The steps with code to write. Step 6 (redis-cli end to end) has none of its
# own; 7 and on are the extension steps.
STEPS = (1, 2, 3, 4, 5, 7, 8, 9, 10)

BEGIN = re.compile(r"^(?P<indent>\s*)// workshop: begin step (?P<step>\d+), (?P<function>\S+)\s*$")
END = re.compile(r"^\s*// workshop: end\s*$")
INCLUDE = '#include "common/not_implemented.h"\n'
TODO = "// TODO(step {step}): write this part, then delete the not_implemented line.\n"
CALL = 'not_implemented({step}, "{where}");\n'
# Copied headers: the companion .h of every file with regions, and these,
# which the guides' "Read first" lines name too (server.h declares what
# server_clients.cpp defines).
EXTRA_HEADERS = ["storage/entry.h", "protocol/query_buffer.h", "server/server.h"]
HEADER_COPY = ("// Workshop copy of src/{path}, made by workshop/generate.py, to read:\n"
               "// the workshop build uses it in place of the original. Nothing to write here.\n")
HEADER = ("// Workshop copy of src/{path}, made by workshop/generate.py.\n"
          "// Write the parts marked TODO. `make workshop-diff FILE={path}` compares\n"
          "// your version with the real one; `make workshop-solve STEP=n` fills a step in.\n")


JAPANESE = os.path.join(ROOT, "workshop", "instructions.ja.txt")


class MarkerError(Exception):
    pass


@dataclass
class Region:
    step: int
    function: str
    indent: str
    begin: int              # index of the begin line
    end: int                # index of the end line
    body: list = field(default_factory=list)  # lines strictly between them

    def instructions(self):
        """The leading comment lines: what to write, kept in the skeleton."""
        lines = []
        for line in self.body:
            if not line.strip().startswith("//"):
                break
            lines.append(line)
        return lines

    def fingerprint(self):
        """A short hash of the instructions: instructions.ja.txt records the
        one it was translated from, so a changed English text is noticed."""
        text = "".join(line.strip() + "\n" for line in self.instructions())
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]

    def code_lines(self):
        return [l for l in self.body[len(self.instructions()):]
                if l.strip() and not l.strip().startswith("//")]


def parse(lines, path):
    """The regions of a file, in order. Raises MarkerError on bad nesting."""
    regions, open_region = [], None
    for number, line in enumerate(lines):
        begin = BEGIN.match(line)
        if begin:
            if open_region:
                raise MarkerError(f"{path}:{number + 1}: region begins inside another "
                                  f"(opened at line {open_region.begin + 1})")
            open_region = Region(int(begin["step"]), begin["function"], begin["indent"], number, -1)
        elif END.match(line):
            if not open_region:
                raise MarkerError(f"{path}:{number + 1}: `workshop: end` without a begin")
            open_region.end = number
            open_region.body = lines[open_region.begin + 1:number]
            regions.append(open_region)
            open_region = None
        elif line.strip().startswith("// workshop:"):
            raise MarkerError(f"{path}:{number + 1}: unknown workshop marker: {line.strip()}")
    if open_region:
        raise MarkerError(f"{path}:{open_region.begin + 1}: region never ends")
    return regions


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.readlines()


def solution_files():
    """{path under src/: (lines, regions)} for every source file with regions."""
    found = {}
    for directory, _, names in os.walk(SOURCES):
        for name in sorted(names):
            if not name.endswith((".cpp", ".h")):
                continue
            full = os.path.join(directory, name)
            lines = read_lines(full)
            rel = os.path.relpath(full, SOURCES)
            regions = parse(lines, "src/" + rel)
            for region in regions:
                if region.step not in STEPS:
                    raise MarkerError(f"src/{rel}:{region.begin + 1}: step {region.step} "
                                      f"is not one of {list(STEPS)}")
                if not region.code_lines():
                    raise MarkerError(f"src/{rel}:{region.begin + 1}: region has no code")
            if regions:
                found[rel] = (lines, regions)
    for step in STEPS:
        if not any(r.step == step for _, regions in found.values() for r in regions):
            raise MarkerError(f"no region for step {step} in src/")
    found = dict(sorted(found.items()))
    check_japanese(found)
    return found


def load_japanese():
    """{"file: function": (fingerprint, [lines])} from instructions.ja.txt."""
    found, key = {}, None
    for line in read_lines(JAPANESE):
        if line.startswith("== "):
            key = line[3:].strip()
            found[key] = [None, []]
        elif key and line.startswith("en: ") and found[key][0] is None:
            found[key][0] = line[4:].strip()
        elif key and line.strip():
            found[key][1].append(line.rstrip("\n"))
    return {k: (fp, lines) for k, (fp, lines) in found.items()}


def check_japanese(files):
    """Every region has a Japanese instruction made from its current English."""
    japanese = load_japanese()
    for rel, (_, regions) in files.items():
        for region in regions:
            key = f"{rel}: {region.function}"
            if key not in japanese:
                raise MarkerError(f"workshop/instructions.ja.txt has no `== {key}` "
                                  f"(en: {region.fingerprint()})")
            if japanese[key][0] != region.fingerprint():
                raise MarkerError(f"the English instructions of {key} changed: update its "
                                  f"Japanese text in workshop/instructions.ja.txt, then set "
                                  f"its line to `en: {region.fingerprint()}`")
    return japanese


def translation(region, rel, japanese):
    """The Japanese instructions, as the learner's copy shows them below the English."""
    return [region.indent + "// 日本語:\n"] + [
        region.indent + "// " + line + "\n" for line in japanese[f"{rel}: {region.function}"][1]]


def skeleton_body(region, rel, japanese):
    return region.instructions() + translation(region, rel, japanese) + [
        region.indent + TODO.format(step=region.step),
        region.indent + CALL.format(step=region.step, where=f"{rel}: {region.function}"),
    ]


def solved_body(region, rel, japanese):
    """The solution as it reads in the learner's copy: the instructions in both
    languages, then the code. So `workshop-diff` shows code only, and
    `workshop-solve` leaves the Japanese lines where they were."""
    instructions = region.instructions()
    return instructions + translation(region, rel, japanese) + region.body[len(instructions):]


def with_include(lines):
    """Adds the not_implemented include after the last #include, once."""
    if INCLUDE in lines:
        return lines
    # A block of its own (a blank line before it), so that clang-format's
    # include sorting leaves the generated file as it is.
    last = max(i for i, line in enumerate(lines) if line.startswith("#include"))
    return lines[:last + 1] + ["\n", INCLUDE] + lines[last + 1:]


def generate(rel, lines, regions, solved_through, japanese=None):
    """The learner's copy of one file, with steps <= solved_through solved."""
    japanese = japanese if japanese is not None else load_japanese()
    out, position = [], 0
    for region in regions:
        out += lines[position:region.begin + 1]
        if region.step <= solved_through:
            out += solved_body(region, rel, japanese)
        else:
            out += skeleton_body(region, rel, japanese)
        position = region.end
    out += lines[position:]
    return HEADER.format(path=rel).splitlines(keepends=True) + with_include(out)


def headers_to_copy(files):
    """The headers the learner reads: {path under src/: lines}."""
    wanted = [os.path.splitext(rel)[0] + ".h" for rel in files if rel.endswith(".cpp")]
    wanted += EXTRA_HEADERS
    return {rel: read_lines(os.path.join(SOURCES, rel)) for rel in sorted(set(wanted))
            if os.path.exists(os.path.join(SOURCES, rel))}


def learner_files(solved_through):
    """Everything generate writes: {path under src/: text}."""
    files = solution_files()
    japanese = load_japanese()
    out = {rel: "".join(generate(rel, lines, regions, solved_through, japanese))
           for rel, (lines, regions) in files.items()}
    for rel, lines in headers_to_copy(files).items():
        out[rel] = HEADER_COPY.format(path=rel) + "".join(lines)
    return out


def write_if_changed(path, text):
    """Leaves an unchanged file alone, so the build recompiles only what changed."""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return False
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return True


def generated_files_in(directory):
    """Files in `directory` that this script wrote (they start with HEADER)."""
    found = []
    for sub, _, names in os.walk(directory):
        for name in names:
            full = os.path.join(sub, name)
            with open(full, encoding="utf-8", errors="replace") as f:
                if f.readline().startswith("// Workshop copy of src/"):
                    found.append(os.path.relpath(full, directory))
    return found


def command_generate(out_dir, solved_through):
    files = learner_files(solved_through)
    changed = 0
    for rel, text in files.items():
        changed += write_if_changed(os.path.join(out_dir, rel), text)
    for rel in generated_files_in(out_dir):
        if rel not in files:
            os.remove(os.path.join(out_dir, rel))
            changed += 1
    print(f"workshop: {len(files)} files in {os.path.relpath(out_dir, os.getcwd())}, "
          f"steps 1-{solved_through} solved, {changed} changed" if solved_through else
          f"workshop: {len(files)} files in {os.path.relpath(out_dir, os.getcwd())}, "
          f"no step solved, {changed} changed")
    return 0


def command_check():
    """CI: the committed skeleton must be exactly what src/ generates today."""
    files = learner_files(0)
    stale = []
    for rel, want in files.items():
        path = os.path.join(LEARNER, rel)
        have = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if have != want:
            stale.append(rel if have is not None else rel + " (missing)")
    stale += [rel + " (no longer generated from src/)" for rel in generated_files_in(LEARNER)
              if rel not in files]
    if stale:
        print("workshop/src is stale; run `python3 workshop/generate.py` and commit:")
        for rel in stale:
            print("  " + rel)
        return 1
    print(f"workshop/src is up to date ({len(files)} files)")
    return 0


def normalize(file_argument):
    """'storage/database.cpp', 'src/storage/...' or 'workshop/src/storage/...'."""
    rel = file_argument.replace("\\", "/")
    for prefix in ("./", "workshop/src/", "src/"):
        if rel.startswith(prefix):
            rel = rel[len(prefix):]
    return rel


def command_diff(file_argument, learner_dir):
    files = solution_files()
    rel = normalize(file_argument)
    if rel not in files:
        print(f"{file_argument}: not a workshop file. They are:\n  " + "\n  ".join(files))
        return 2
    lines, regions = files[rel]
    solution = generate(rel, lines, regions, max(STEPS))
    path = os.path.join(learner_dir, rel)
    yours = read_lines(path) if os.path.exists(path) else []
    diff = list(difflib.unified_diff(yours, solution, f"workshop/src/{rel} (yours)",
                                     f"src/{rel} (solution)"))
    sys.stdout.writelines(diff)
    if not diff:
        print(f"workshop/src/{rel} is the same as the solution")
    return 0


def command_solve(step, learner_dir):
    """Copies the solution of every region of `step` into the learner's files."""
    if step not in STEPS:
        print(f"STEP must be one of {list(STEPS)} (step 6 has no code)")
        return 2
    files = solution_files()
    japanese = load_japanese()
    problems, solved = [], 0
    for rel, (lines, regions) in files.items():
        wanted = [r for r in regions if r.step == step]
        if not wanted:
            continue
        path = os.path.join(learner_dir, rel)
        if not os.path.exists(path):
            problems.append(f"workshop/src/{rel} is missing (`git checkout workshop/src/{rel}`)")
            continue
        mine = read_lines(path)
        try:
            my_regions = parse(mine, "workshop/src/" + rel)
        except MarkerError as error:
            problems.append(str(error))
            continue
        # Match regions by (function, how many of that function came before).
        def keyed(region_list):
            seen, keys = {}, {}
            for r in region_list:
                if r.step != step:
                    continue
                n = seen.get(r.function, 0)
                seen[r.function] = n + 1
                keys[(r.function, n)] = r
            return keys
        theirs, ours = keyed(regions), keyed(my_regions)
        # Replace from the last region up, so earlier line numbers stay valid.
        for key in sorted(ours, key=lambda k: ours[k].begin, reverse=True):
            if key in theirs:
                mine[ours[key].begin + 1:ours[key].end] = solved_body(theirs[key], rel, japanese)
                solved += 1
        for key in theirs:
            if key not in ours:
                problems.append(f"workshop/src/{rel}: no `// workshop: begin step {step}, "
                                f"{key[0]}` region found (were its marker lines deleted?)")
        write_if_changed(path, "".join(mine))
    print(f"step {step}: filled {solved} region(s) from the solution")
    for problem in problems:
        print("  problem: " + problem)
    return 1 if problems else 0


def command_list():
    files = solution_files()
    for step in STEPS:
        print(f"step {step}:")
        for rel, (_, regions) in files.items():
            for r in regions:
                if r.step == step:
                    print(f"  src/{rel}:{r.begin + 1}  {r.function}  "
                          f"({len(r.code_lines())} lines of code)")
    return 0


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `... --diff F | head` ends quietly
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=LEARNER, help="where the skeleton goes")
    parser.add_argument("--solved-through", type=int, default=0, metavar="N",
                        help="keep the solution of steps 1..N")
    parser.add_argument("--check", action="store_true", help="fail if workshop/src is stale")
    parser.add_argument("--solve", type=int, metavar="STEP", help="fill STEP from the solution")
    parser.add_argument("--diff", metavar="FILE", help="your FILE against the solution")
    parser.add_argument("--list", action="store_true", help="list the regions")
    args = parser.parse_args()
    try:
        if args.check:
            return command_check()
        if args.solve is not None:
            return command_solve(args.solve, args.out)
        if args.diff:
            return command_diff(args.diff, args.out)
        if args.list:
            return command_list()
        return command_generate(os.path.abspath(args.out), args.solved_through)
    except MarkerError as error:
        print(f"workshop marker error: {error}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
