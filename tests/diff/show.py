"""Prints what Debian's redis-server replies to cases, step by step.

    /usr/bin/python3 tests/diff/show.py strings:set.ex     # one case
    /usr/bin/python3 tests/diff/show.py strings:set.       # every case whose id starts so

Useful when writing a case: see the reference bytes before comparing.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "support"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import servers  # noqa: E402
from harness import Side, _config_get, _config_parameters_set, _run_step, load_cases  # noqa: E402


def main(prefixes):
    cases = [c for c in load_cases() if any(c.id.startswith(p) for p in prefixes)]
    if not cases:
        sys.exit(f"no case id starts with {prefixes}")
    with servers.real_redis() as server:
        for case in cases:
            print(f"== {case.id}  (proto {case.proto})")
            side = Side(servers.RawClient, server.port)
            side.command([b"FLUSHALL"])
            backup = [(n, _config_get(side, n)) for n in _config_parameters_set(case)]
            if case.proto == 3:
                side.command([b"HELLO", b"3"])
            for step in case.steps:
                reply = _run_step(side, step)
                print(f"  {step.line}")
                if reply is not None:
                    print(f"    -> {reply!r}")
            side.client.close()
            restore = Side(servers.RawClient, server.port)
            for name, value in backup:
                restore.command([b"CONFIG", b"SET", name, value])
            restore.client.close()


if __name__ == "__main__":
    main(sys.argv[1:] or [""])
