"""Pub/Sub and MONITOR through real clients: redis-cli (subscribe, psubscribe,
monitor, --stat) and redis-py's PubSub (RESP2; redis-py 4.3 has no RESP3, which
tests/e2e/test_pubsub.py covers with raw sockets).

Each redis-cli that streams forever runs as a subprocess read with a deadline
and is then terminated. E2E_AGAINST=redis runs the same tests against Debian's
redis-server.
"""
import os
import re
import select
import shutil
import subprocess
import threading
import time

import pytest
import redis

import servers

REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"
STDBUF = shutil.which("stdbuf")


class Streaming:
    """A redis-cli subprocess whose stdout is read line by line, each read
    bounded by a deadline; terminated at the end."""

    def __init__(self, port, *args, line_buffered=False):
        prefix = [STDBUF, "-oL"] if line_buffered else []
        self.process = subprocess.Popen(prefix + [REDIS_CLI, "-p", str(port), *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.pending = b""

    def read_lines(self, count, timeout=5) -> list:
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while self.pending.count(b"\n") < count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                break
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            self.pending += chunk
        assert self.pending.count(b"\n") >= count, \
            f"wanted {count} lines within {timeout} s, got {self.pending!r}"
        lines = self.pending.split(b"\n")
        taken, self.pending = lines[:count], b"\n".join(lines[count:])
        return [line.decode("latin-1") for line in taken]

    def stop(self) -> bytes:
        self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err


def wait_for_subscribers(client, channel, count, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.pubsub_numsub(channel)[0][1] == count:
            return
        time.sleep(0.02)
    raise AssertionError(f"{channel} never had {count} subscribers")


@pytest.fixture
def r(server):
    client = redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=5)
    yield client
    client.close()


# ---- redis-cli --------------------------------------------------------------

def test_redis_cli_subscribe_prints_a_published_message(server, r):
    cli = Streaming(server.port, "subscribe", "ch")
    try:
        assert cli.read_lines(3) == ["subscribe", "ch", "1"]
        assert r.publish("ch", "hello world") == 1
        assert cli.read_lines(3) == ["message", "ch", "hello world"]
    finally:
        assert cli.stop() == b""


def test_redis_cli_psubscribe_prints_a_pmessage(server, r):
    cli = Streaming(server.port, "psubscribe", "news.*")
    try:
        assert cli.read_lines(3) == ["psubscribe", "news.*", "1"]
        assert r.publish("news.tech", "x") == 1
        assert r.publish("other", "y") == 0
        assert cli.read_lines(4) == ["pmessage", "news.*", "news.tech", "x"]
    finally:
        assert cli.stop() == b""


def test_redis_cli_monitor_sees_another_clients_command(server, r):
    cli = Streaming(server.port, "monitor")
    try:
        assert cli.read_lines(1) == ["OK"]
        r.set("key", "a value")
        (line,) = cli.read_lines(1)
        assert re.fullmatch(r'\d{10}\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "key" "a value"', line), line
    finally:
        assert cli.stop() == b""


@pytest.mark.skipif(STDBUF is None, reason="stdbuf (coreutils) not installed")
def test_redis_cli_stat_prints_its_header_and_data_rows(server, r):
    r.set("a", "1")
    r.set("b", "2")
    # redis-cli fully buffers a pipe; stdbuf -oL makes it flush every row.
    cli = Streaming(server.port, "--stat", "-i", "0.1", line_buffered=True)
    try:
        header = cli.read_lines(2)
        assert header[0].startswith("------- data ------ --------------------- load")
        assert header[1].split() == ["keys", "mem", "clients", "blocked", "requests",
                                     "connections"]
        rows = cli.read_lines(2)
        for row in rows:
            assert re.fullmatch(r"2 +[\d.]+[BKMG] +\d+ +0 +\d+ \(\+\d+\) +\d+ *", row), row
    finally:
        assert cli.stop() == b""


# ---- redis-py PubSub (RESP2) ------------------------------------------------

def test_redis_py_subscribe_get_message_unsubscribe(r):
    p = r.pubsub()
    p.subscribe("ch")
    assert p.get_message(timeout=2) == {"type": "subscribe", "pattern": None,
                                        "channel": b"ch", "data": 1}
    assert r.publish("ch", "one") == 1
    assert r.publish("ch", b"\x00two\r\n") == 1
    assert p.get_message(timeout=2) == {"type": "message", "pattern": None,
                                        "channel": b"ch", "data": b"one"}
    assert p.get_message(timeout=2)["data"] == b"\x00two\r\n"
    assert p.get_message(timeout=0.1) is None
    p.unsubscribe("ch")
    assert p.get_message(timeout=2) == {"type": "unsubscribe", "pattern": None,
                                        "channel": b"ch", "data": 0}
    assert r.publish("ch", "gone") == 0
    p.close()


def test_redis_py_psubscribe_and_pubsub_introspection(r):
    p = r.pubsub()
    p.psubscribe("news.*")
    assert p.get_message(timeout=2) == {"type": "psubscribe", "pattern": None,
                                        "channel": b"news.*", "data": 1}
    p.subscribe("news.tech")
    assert p.get_message(timeout=2)["data"] == 2
    assert r.pubsub_numpat() == 1
    assert r.pubsub_channels() == [b"news.tech"]
    assert r.pubsub_numsub("news.tech", "none") == [(b"news.tech", 1), (b"none", 0)]
    assert r.publish("news.tech", "both") == 2
    assert p.get_message(timeout=2) == {"type": "message", "pattern": None,
                                        "channel": b"news.tech", "data": b"both"}
    assert p.get_message(timeout=2) == {"type": "pmessage", "pattern": b"news.*",
                                        "channel": b"news.tech", "data": b"both"}
    p.punsubscribe()
    assert p.get_message(timeout=2) == {"type": "punsubscribe", "pattern": None,
                                        "channel": b"news.*", "data": 1}
    p.close()


def test_redis_py_handler_callbacks(r):
    seen = []
    p = r.pubsub(ignore_subscribe_messages=True)
    p.subscribe(**{"ch": seen.append})
    p.psubscribe(**{"c*": seen.append})
    for _ in range(2):  # the two confirmations, swallowed
        assert p.get_message(timeout=2) is None
    assert r.publish("ch", "m") == 2
    deadline = time.monotonic() + 5
    while len(seen) < 2 and time.monotonic() < deadline:
        assert p.get_message(timeout=0.5) is None  # handled, not returned
    assert seen == [
        {"type": "message", "pattern": None, "channel": b"ch", "data": b"m"},
        {"type": "pmessage", "pattern": b"c*", "channel": b"ch", "data": b"m"},
    ]
    p.close()


def test_redis_py_run_in_thread(r):
    received = []
    done = threading.Event()

    def handler(message):
        received.append(message["data"])
        if len(received) == 10:
            done.set()

    p = r.pubsub()
    p.subscribe(**{"jobs": handler})
    worker = p.run_in_thread(sleep_time=0.01, daemon=True)
    try:
        wait_for_subscribers(r, "jobs", 1)
        for i in range(10):
            assert r.publish("jobs", f"job{i}") == 1
        assert done.wait(timeout=5), received
        assert received == [f"job{i}".encode() for i in range(10)]
    finally:
        worker.stop()
        worker.join(timeout=5)
        assert not worker.is_alive()
        p.close()
    # The thread's connection is gone with its subscription.
    deadline = time.monotonic() + 5
    while r.pubsub_numsub("jobs")[0][1] != 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert r.pubsub_numsub("jobs") == [(b"jobs", 0)]
