#!/usr/bin/python3
"""The drift check: what the workshop's texts name must exist.

The guides (WORKSHOP_GUIDE.md, WORKSHOP_GUIDE.en.md), the workshop README and
the learner's instructions (the comment lines of every region in src/, which
become the TODO text) name files, functions, make targets and tests. Code
moves; this check fails as soon as one of those names no longer exists, and
when a step's "Success: N tests" no longer matches its test file. It also
refuses claims known to be false (RETIRED below), so an old text cannot come
back with a merge. check.sh runs it. Standard library only.

What counts as a name, in `backquotes` (the guides) or anywhere (comments):
  - a path with a / and a source or doc extension: it must exist under the
    repository, src/ or workshop/src/ (build/ paths are outputs, skipped);
  - Class::member: `member` must be a word of a source file that defines
    Class (class/struct/enum Class, or Class:: in a .cpp);
  - name( ... ) or obj.name( ... ) / obj->name( ... ): `name` must be a word
    of some source file;
  - make workshop-x: the Makefile must have the target workshop-x;
  - test_x, StepN..., CamelCase test names and Suite.* filters: a test of
    that name must exist in workshop/tests or tests/.

It also keeps the learner's path clear of the answers. The learner's path is
the workshop README, the guides up to their "For facilitators" section, the
step tests and the TODO texts (English and Japanese). On it:
  - a path src/X is refused when X is a file with regions (src/X holds the
    solution) or one generate.py copies for reading (src/X sits beside the
    solutions): the text must name the learner's copy, workshop/src/X;
  - workshop/facilitator/ (the solutions, for facilitators) is never named.
"""
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "workshop"))
import generate  # noqa: E402

TEXTS = ["WORKSHOP_GUIDE.md", "WORKSHOP_GUIDE.en.md", "workshop/README.md"]
# Claims that were once in a guide and are false now. Each is refused.
RETIRED = {
    "Connection::flush": "there is no Connection::flush (start_write and drain write the replies)",
    "does **not** implement Pub/Sub": "Pub/Sub is implemented (src/pubsub/)",
    "Pub/Sub を **まだ実装していません**": "Pub/Sub is implemented (src/pubsub/)",
    "workshop/steps.md": "the solutions moved to workshop/facilitator/steps.md (facilitators only)",
}
PATH = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)+[\w.-]+\.(?:cpp|h|py|md|txt|sh|json))\b")
MEMBER = re.compile(r"\b([A-Z]\w*)::(~?[a-z_]\w*)\b")
CALL = re.compile(r"(?:\b|\.|->)([a-z_]\w*)\(")
MAKE = re.compile(r"\bmake (workshop-[\w-]+)")
TEST_PY = re.compile(r"(?<![/\w])(test_\w+)\b(?!\.py)")
TEST_CPP = re.compile(r"`([A-Z][A-Za-z0-9]{15,})`")
FILTER = re.compile(r"`([A-Z]\w+)\.\*`|['`](Step\d\w+)\*['`]")
CODE = re.compile(r"`([^`\n]+)`")
# Words that look like calls in prose or Python examples, not C++ names.
PROSE_CALLS = {"parse_one", "run", "serve", "main", "read", "write", "drain", "create_task",
               "e", "i", "g", "s"}


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def source_files(*tops):
    for top in tops:
        for directory, _, names in os.walk(os.path.join(ROOT, top)):
            for name in names:
                if name.endswith((".cpp", ".h", ".py")):
                    yield os.path.join(directory, name)


class Index:
    """The words of the sources, and which files define which classes."""

    def __init__(self):
        self.words = set()
        self.defining = {}  # class name -> words of the files that define it
        for path in source_files("src", "workshop/tests", "tests/unit", "tests/support",
                                 "tests/e2e"):
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            words = set(re.findall(r"\w+", text))
            self.words |= words
            for name in set(re.findall(r"\b(?:class|struct|enum class|enum)\s+(\w+)", text)) | \
                    set(re.findall(r"\b(\w+)::\w+\(", text) if path.endswith(".cpp") else []):
                self.defining.setdefault(name, set()).update(words)
        self.tests = set(re.findall(r"\bTEST(?:_F|_P)?\((\w+),\s*(\w+)\)",
                                    "\n".join(read_all(source_files("workshop/tests",
                                                                    "tests/unit")))))
        self.py_tests = set()
        for path in source_files("workshop/tests", "tests/e2e", "tests/diff"):
            with open(path, encoding="utf-8", errors="replace") as f:
                self.py_tests |= set(re.findall(r"^def (test_\w+)", f.read(), re.M))


def read_all(paths):
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            yield f.read()


def path_exists(path):
    if path.startswith(("build/", "/", "tests/unit/**")):
        return True
    path = path.rstrip(".")
    return any(os.path.exists(os.path.join(ROOT, base, path))
               for base in ("", "src", "workshop/src", "tests/unit", "workshop/tests"))


def check_text(where, text, index, makefile_targets, problems):
    def problem(message):
        problems.append(f"{where}: {message}")

    for claim, why in RETIRED.items():
        if claim in text and where != "workshop/check_guides.py":
            problem(f"says {claim!r}: {why}")
    for match in MAKE.finditer(text):
        if match.group(1) not in makefile_targets:
            problem(f"`make {match.group(1)}`: no such target in the Makefile")
    # Only code spans in the guides; whole comment text for the regions.
    spans = CODE.findall(text) if where.endswith(".md") else [text]
    for span in spans:
        for match in PATH.finditer(span):
            if not path_exists(match.group(1)):
                problem(f"names {match.group(1)}, which does not exist")
        for cls, member in MEMBER.findall(span):
            if cls in ("std", "asio", "absl", "ProtocolVersion", "ParseStatus", "TtlKind",
                       "TimeUnit", "TtlOption", "Found", "PubSub", "Kind", "LogLevel"):
                if member not in index.words:
                    problem(f"names {cls}::{member}, not found in the sources")
                continue
            if cls not in index.defining:
                problem(f"names {cls}::{member}, but no source defines {cls}")
            elif member.lstrip("~") not in index.defining[cls]:
                problem(f"names {cls}::{member}: {cls} has no {member}")
        for name in CALL.findall(span):
            if name not in PROSE_CALLS and name not in index.words:
                problem(f"names {name}(), not found in the sources")
        for name in TEST_PY.findall(span):
            if name not in index.py_tests:
                problem(f"names the test {name}, which does not exist")
    for name in TEST_CPP.findall(text):
        if name not in index.words:
            problem(f"names the test {name}, which does not exist")
    for a, b in FILTER.findall(text):
        prefix = a or b
        if not any(suite.startswith(prefix) for suite, _ in index.tests):
            problem(f"names the tests {prefix}*, but no test suite starts so")


# Where a guide's learner part ends: the facilitators' section, in either language.
FACILITATORS = re.compile(r"^## (?:For facilitators|進行役)", re.M)
SRC_PATH = re.compile(r"(?<![\w/.-])src/((?:[\w.-]+/)+[\w.-]+\.(?:cpp|h))\b")


def learner_part(path, text):
    """The part of a text a learner follows: a guide up to its facilitators' section."""
    if "GUIDE" not in path:
        return text
    cut = FACILITATORS.search(text)
    return text[:cut.start()] if cut else text


def check_learner_path(where, text, solutions, copies, problems):
    """Nothing on the learner's path leads to src/ files near the solutions, or
    to workshop/facilitator/."""
    for match in SRC_PATH.finditer(text):
        rel = match.group(1)
        if rel in solutions:
            problems.append(f"{where}: names src/{rel}, which holds the solution; name the "
                            f"learner's copy, workshop/src/{rel}")
        elif rel in copies:
            problems.append(f"{where}: names src/{rel}, beside the solutions; name its copy, "
                            f"workshop/src/{rel}")
    if "workshop/facilitator" in text:
        problems.append(f"{where}: names workshop/facilitator/ (the solutions) on the "
                        f"learner's path; only a guide's facilitators' section may")


def step_counts():
    """How many tests each step has, from its test file."""
    counts = {}
    tests = os.path.join(ROOT, "workshop", "tests")
    for name in sorted(os.listdir(tests)):
        match = re.match(r"step(\d+)_\w+_test\.(cpp|py)$", name)
        if not match:
            continue
        text = read(os.path.join("workshop", "tests", name))
        pattern = r"^TEST(?:_F)?\(" if match.group(2) == "cpp" else r"^def test_"
        counts[int(match.group(1))] = len(re.findall(pattern, text, re.M))
    return counts


def check_counts(where, text, counts, problems):
    """Each step section's "N tests" / "N passed" must match its test file."""
    sections = re.split(r"^## (?:Step|ステップ) (\d+)\b", text, flags=re.M)
    for step, body in zip(sections[1::2], sections[2::2]):
        step = int(step)
        body = body.split("\n## ")[0]
        for said in re.findall(r"PASSED\s+\]\s+(\d+) tests|`(\d+) passed`", body):
            number = int(said[0] or said[1])
            if step in counts and number != counts[step]:
                problems.append(f"{where}: step {step} says {number} tests, its test file has "
                                f"{counts[step]}")


def main():
    index = Index()
    makefile_targets = set(re.findall(r"^([\w-]+):", read("Makefile"), re.M))
    counts = step_counts()
    problems = []
    solutions = generate.solution_files()
    copies = set(generate.learner_files(0))
    for path in TEXTS:
        text = read(path)
        check_text(path, text, index, makefile_targets, problems)
        check_learner_path(path, learner_part(path, text), solutions, copies, problems)
        if "GUIDE" in path:
            check_counts(path, text, counts, problems)
    # The step tests are on the learner's path too: a failing test is where
    # a learner looks next.
    tests = os.path.join("workshop", "tests")
    for name in sorted(os.listdir(os.path.join(ROOT, tests))):
        if name.startswith("step"):
            path = os.path.join(tests, name)
            check_learner_path(path, read(path), solutions, copies, problems)
    japanese = generate.load_japanese()
    for rel, (_, regions) in solutions.items():
        for region in regions:
            comments = "".join(region.instructions())
            where = f"src/{rel}: {region.function} (TODO text)"
            check_text(where, comments, index, makefile_targets, problems)
            translated = "\n".join(japanese.get(f"{rel}: {region.function}", (None, []))[1])
            check_learner_path(where, comments + translated, solutions, copies, problems)
            if region.function.split("::")[-1] not in index.words:
                problems.append(f"src/{rel}: region names {region.function}, not a source word")
    for line in problems:
        print("drift: " + line)
    print(f"guides and TODO texts: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
