"""Fixtures for the workshop's steps 5 and 6: the learner's server, for real.

Each test starts the server built from the learner's files
(MINI_REDIS_SERVER, set by the workshop build) on a free loopback port, and
stops it at the end. The server's log goes to a file; a failing test prints
it, so a "not implemented: step 5, ..." line written there is seen.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "support"))

from servers import RawClient, free_port  # noqa: E402

SERVER = os.environ.get("MINI_REDIS_SERVER", os.path.join(
    HERE, "..", "..", "build", "workshop", "server", "mini-redis-server"))


class LearnerServer:
    def __init__(self):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="workshop-server-", suffix=".log")
        self.process = subprocess.Popen(
            # --save "": the workshop's server keeps no snapshot (its
            # storage is the learner's, possibly half written).
            [SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=self.log, stderr=subprocess.STDOUT)
        # Wait until it accepts connections. Not until it answers PING: that
        # needs every step, and a test must be able to show which one is missing.
        deadline = time.monotonic() + 10
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("the server exited at start:\n" + self.log_text())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the server does not accept connections:\n" +
                                       self.log_text())
                time.sleep(0.02)

    def log_text(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture
def server(request):
    started = LearnerServer()
    yield started
    log = started.log_text()
    started.stop()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print("\n---- the server's log ----\n" + log)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


# Every test of steps 5 and 6 takes well under a second when the code is
# right; a loop that never ends, or a reply that never comes, would otherwise
# hang until ctest gives up minutes later. pytest-timeout is not a Debian
# default, so the bound is set here by hand, with SIGALRM.
TEST_SECONDS = 10


@pytest.fixture(autouse=True)
def bounded_in_time(request):
    def too_long(signum, frame):
        pytest.fail(f"{request.node.name} still runs after {TEST_SECONDS} s: a reply never came, "
                    "or a loop never ends", pytrace=True)
    previous = signal.signal(signal.SIGALRM, too_long)
    signal.setitimer(signal.ITIMER_REAL, TEST_SECONDS)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


class StepClient(RawClient):
    """A RawClient whose failures say what was sent, expected and received."""

    def __init__(self, port, timeout=3):
        super().__init__(port, timeout=timeout)

    def expect_reply(self, expected, sent=b"(the request before)"):
        """Reads one reply and checks it is `expected`, byte for byte."""
        try:
            got = self.read_reply()
        except socket.timeout:
            pytest.fail(f"no complete reply within {self.sock.gettimeout()} s\n"
                        f"  sent:     {sent!r}\n  expected: {expected!r}\n"
                        f"  received: {self.buffer!r} (and nothing more)")
        except ConnectionError:
            pytest.fail(f"the server closed the connection\n  sent:     {sent!r}\n"
                        f"  expected: {expected!r}\n  received: {self.buffer!r}")
        assert got == expected, (f"wrong reply\n  sent:     {sent!r}\n"
                                 f"  expected: {expected!r}\n  received: {got!r}")
        return got

    def expect(self, words, expected):
        """Sends one command (a list of words) and checks its reply."""
        request = resp(*words)
        self.send(request)
        return self.expect_reply(expected, sent=request)


def resp(*words):
    """One command as a RESP array of bulk strings."""
    out = b"*%d\r\n" % len(words)
    for word in words:
        word = word if isinstance(word, bytes) else str(word).encode()
        out += b"$%d\r\n%s\r\n" % (len(word), word)
    return out


@pytest.fixture
def client(server):
    c = StepClient(server.port)
    yield c
    c.close()
