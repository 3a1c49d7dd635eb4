"""Start and stop servers for the Python test suites.

Each test suite starts its own server (mini-redis, or Debian's redis-server for
the differential tests) on a free loopback port it picked itself, waits until
the server answers PING, and stops it by PID at the end. Nothing here talks to
any address but 127.0.0.1.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time

MINI_REDIS = os.path.abspath(os.environ.get("MINI_REDIS_SERVER", "build/release/mini-redis-server"))
REDIS_SERVER = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process on 127.0.0.1:<port>; use as a context manager."""

    def __init__(self, argv, port, cwd=None):
        self.argv = argv
        self.port = port
        self.process = None
        # Each server runs in a fresh directory of its own unless told
        # otherwise: with Redis's default save points it writes dump.rdb at
        # shutdown and loads it at start, and one test's data must never
        # reach the next test's server.
        self.cwd = cwd
        self.own_cwd = cwd is None

    def __enter__(self):
        if self.own_cwd:
            self.cwd = tempfile.mkdtemp(prefix="mini-redis-test-")
        self.process = subprocess.Popen(
            self.argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.cwd)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early: {self.argv}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        self._check_it_is_ours(s)
                        return self
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"server did not answer PING on port {self.port}")

    def _check_it_is_ours(self, sock):
        """Another test's server may have won a race for the same free port:
        make sure the one answering is the process we started."""
        sock.sendall(b"INFO server\r\n")
        data = b""
        deadline = time.monotonic() + 5
        while b"process_id:" not in data or not data.endswith(b"\r\n"):
            if time.monotonic() > deadline:
                break
            data += sock.recv(65536)
        for line in data.split(b"\r\n"):
            if line.startswith(b"process_id:"):
                if int(line.split(b":")[1]) != self.process.pid:
                    self.stop()
                    raise RuntimeError(f"port {self.port} is answered by another server")
                return

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.own_cwd and self.cwd:
            shutil.rmtree(self.cwd, ignore_errors=True)
            self.cwd = None


def mini_redis(*extra_args, port=None):
    port = port or free_port()
    return Server([MINI_REDIS, "--port", str(port), "--bind", "127.0.0.1", *extra_args], port)


def real_redis(*extra_args, port=None):
    """Debian's redis-server with nothing written to disk. It runs in the
    fresh directory Server gives it (not /tmp): a dump.rdb left in a shared
    directory would be loaded at start and spoil the reference."""
    port = port or free_port()
    return Server([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--daemonize", "no", *extra_args], port)


def encode_command(*args) -> bytes:
    """A command as a client sends it: a RESP array of bulk strings (str and
    int arguments are sent as their text)."""
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(parts)


class RawClient:
    """A socket that sends raw bytes and reads exactly one RESP reply."""

    def __init__(self, port, timeout=5):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""

    def close(self):
        self.sock.close()

    def send(self, data: bytes):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed")
        self.buffer += chunk

    def _line(self):
        while b"\r\n" not in self.buffer:
            self._fill()
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line + b"\r\n"

    def read_reply(self) -> bytes:
        """The bytes of one complete RESP2/RESP3 reply, framing included."""
        line = self._line()
        kind, rest = line[:1], line[1:-2]
        if kind in (b"$", b"=", b"!"):
            n = int(rest)
            if n < 0:
                return line
            while len(self.buffer) < n + 2:
                self._fill()
            data, self.buffer = self.buffer[:n + 2], self.buffer[n + 2:]
            return line + data
        if kind in (b"*", b"~", b">", b"%", b"|"):
            n = int(rest)
            if kind in (b"%", b"|"):
                n *= 2
            return line + b"".join(self.read_reply() for _ in range(max(n, 0)))
        return line

    def command(self, *args) -> bytes:
        """Sends one command as a RESP array and returns its raw reply."""
        self.send(encode_command(*args))
        return self.read_reply()

    def closed_by_peer(self, timeout=2) -> bool:
        """True once the server has closed the connection (after any pending bytes)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buffer += chunk
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True


# Set E2E_AGAINST=redis to run the e2e and client suites against Debian's
# redis-server instead: that checks that a test expects what Redis really does.
AGAINST_REDIS = os.environ.get("E2E_AGAINST") == "redis"


def server_under_test(*extra_args, port=None):
    """mini-redis, or redis-server when E2E_AGAINST=redis; not started yet."""
    return (real_redis if AGAINST_REDIS else mini_redis)(*extra_args, port=port)


def info_field(client, section, name):
    """One field of INFO <section>, as text (the test fails if it is missing)."""
    import re
    text = client.command("INFO", section).decode()
    match = re.search(rf"\r\n{name}:([^\r]*)\r\n", text)
    assert match, text
    return match.group(1)


def wait_for(predicate, timeout, step=0.05):
    """Polls `predicate` until it holds or `timeout` seconds pass; its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
