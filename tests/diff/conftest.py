"""Starts the two servers once for the whole differential session.

The reference is Debian's redis-server ($REDIS_SERVER). The candidate is
mini-redis ($MINI_REDIS_SERVER), or, with DIFF_AGAINST_SELF=1, a second
redis-server: that is how the cases themselves are checked to be
deterministic (every case must pass Redis against Redis).
"""
import os
import sys
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
