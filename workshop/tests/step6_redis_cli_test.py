"""Workshop step 6: your server, used by the real redis-cli.

No new code: steps 1-5 together make a server that Redis's own client
talks to unchanged. redis-cli prints plain values when its output is not a
terminal, which is what is compared here.
"""
import subprocess

import pytest


def cli(server, *words):
    done = subprocess.run(["redis-cli", "-p", str(server.port), *words],
                          capture_output=True, text=True, timeout=10)
    return done.stdout.strip()


@pytest.fixture(autouse=True)
def needs_redis_cli():
    try:
        subprocess.run(["redis-cli", "--version"], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.fail("redis-cli is missing: apt-get install redis-tools")


def test_ping(server):
    assert cli(server, "PING") == "PONG"


def test_set_get(server):
    assert cli(server, "SET", "greeting", "hello world") == "OK"
    assert cli(server, "GET", "greeting") == "hello world"
    assert cli(server, "GET", "nobody") == ""


def test_counters(server):
    assert cli(server, "INCR", "visits") == "1"
    assert cli(server, "INCR", "visits") == "2"
    assert cli(server, "INCR", "greeting") == "1"
    assert cli(server, "SET", "name", "alice") == "OK"
    assert cli(server, "INCR", "name") == "ERR value is not an integer or out of range"


def test_expire_and_ttl(server):
    assert cli(server, "SET", "session", "abc") == "OK"
    assert cli(server, "TTL", "session") == "-1"
    assert cli(server, "EXPIRE", "session", "100") == "1"
    assert cli(server, "TTL", "session") in ("100", "99")
    assert cli(server, "EXPIRE", "session", "-1") == "1"
    assert cli(server, "GET", "session") == ""
    assert cli(server, "TTL", "session") == "-2"


def test_a_short_ttl_really_expires(server):
    # The one test that waits for the clock: 100 ms, then the key is gone.
    import time
    assert cli(server, "SET", "flash", "x", "PX", "100") == "OK"
    time.sleep(0.2)
    assert cli(server, "GET", "flash") == ""


def test_many_commands_in_one_session(server):
    script = "".join(f"SET key:{i} {i * i}\n" for i in range(100)) + "GET key:7\nDBSIZE\n"
    done = subprocess.run(["redis-cli", "-p", str(server.port)], input=script,
                          capture_output=True, text=True, timeout=10)
    lines = done.stdout.split()
    assert lines[:100] == ["OK"] * 100
    assert lines[100:] == ["49", "100"]
