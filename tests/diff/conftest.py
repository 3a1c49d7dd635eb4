"""Starts the two servers once for the whole differential session.

The reference is Debian's redis-server ($REDIS_SERVER). The candidate is
mini-redis ($MINI_REDIS_SERVER), or, with DIFF_AGAINST_SELF=1, a second
redis-server: that is how the cases themselves are checked to be
deterministic (every case must pass Redis against Redis).
"""
import contextlib
import os
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "support"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import servers  # noqa: E402


@pytest.fixture(scope="session")
def reference_server():
    with servers.real_redis() as server:
        yield server


@pytest.fixture(scope="session")
def candidate_server():
    if os.environ.get("DIFF_AGAINST_SELF") == "1":
        with servers.real_redis() as server:
            yield server
    else:
        with servers.mini_redis() as server:
            yield server


# Case files whose servers need a start-up option the shared pair must not
# have: DEBUG is off by default (config.txt checks that default), and
# enable-debug-command cannot be changed by CONFIG SET. Such a file gets a
# pair of servers of its own, started with the options below the first time
# one of its cases runs.
FILE_SERVER_ARGS = {
    "debug": ("--enable-debug-command", "yes"),
}


@pytest.fixture(scope="session")
def file_servers():
    """file name -> (reference, candidate), started on first use."""
    started = {}
    with contextlib.ExitStack() as stack:
        def servers_for(file):
            if file not in started:
                args = FILE_SERVER_ARGS[file]
                # A directory of its own for each redis-server: DEBUG RELOAD
                # writes dump.rdb, which in the shared /tmp every later
                # redis-server would load at start.
                def own_dir():
                    return ("--dir", stack.enter_context(tempfile.TemporaryDirectory()))
                reference = stack.enter_context(servers.real_redis(*args, *own_dir()))
                if os.environ.get("DIFF_AGAINST_SELF") == "1":
                    candidate = stack.enter_context(servers.real_redis(*args, *own_dir()))
                else:
                    candidate = stack.enter_context(servers.mini_redis(*args))
                started[file] = (reference, candidate)
            return started[file]
        yield servers_for
