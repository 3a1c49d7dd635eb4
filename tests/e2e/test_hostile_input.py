"""Requests built to hurt: one command that never ends, and strangers before AUTH.

A client may announce "*2147483647" and then send tiny arguments forever
("$1\\r\\nx\\r\\n" ...). The server must keep serving the other clients while
it reads them (no step of the event loop may grow with the number of
arguments), and the memory the unfinished command holds (its bytes and the
parser's table of its arguments) is counted against client-query-buffer-limit,
so the client is closed at the limit, with Redis's log line, and counted in
INFO's client_query_buffer_limit_disconnections.

Before AUTH, when a password is required, Redis 7.0.15 allows at most 10
arguments of at most 16 KiB each; the error texts below were checked against
Debian's redis-server 7.0.15 (E2E_AGAINST=redis runs those tests against it).

Assertions are about behaviour (every PING answered, the client closed, the
counter), never about how fast: bench/stalls/ measures the stalls. Every
stream is bounded in bytes and in time, and everything runs on 127.0.0.1.
"""
import os
import socket
import threading
import time

import pytest

import servers
from servers import AGAINST_REDIS, wait_for

mini_redis_only = pytest.mark.skipif(
    AGAINST_REDIS, reason="Redis 7.0 does not count argv against the query buffer limit")

TINY_ARGUMENT = b"$1\r\nx\r\n"
MAX_ARGUMENTS = 20_000_000  # bounds of one hostile stream:
MAX_SECONDS = 3.0           # whichever comes first


def info_field(client, section, field):
    reply = client.command("INFO", section).decode()
    for line in reply.split("\r\n"):
        if line.startswith(field + ":"):
            return line.split(":", 1)[1]
    raise AssertionError(f"no {field} in INFO {section}")


class EndlessMultibulk(threading.Thread):
    """Sends "*2147483647" and tiny arguments until the bounds or a closed socket.

    sendall() releases the GIL while it waits, so the probe in the main thread
    keeps running.
    """

    def __init__(self, port, password=None):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        if password:
            self.sock.sendall(b"AUTH %s\r\n" % password)
            assert self.sock.recv(64) == b"+OK\r\n"
        self.sent_bytes = 0
        self.closed_by_server = False

    def run(self):
        chunk = TINY_ARGUMENT * (256 * 1024 // len(TINY_ARGUMENT))
        deadline = time.monotonic() + MAX_SECONDS
        try:
            self.sock.sendall(b"*2147483647\r\n")
            while (self.sent_bytes < MAX_ARGUMENTS * len(TINY_ARGUMENT)
                   and time.monotonic() < deadline):
                self.sock.sendall(chunk)
                self.sent_bytes += len(chunk)
        except OSError:  # reset or broken pipe: the server closed us
            self.closed_by_server = True

    def close(self):
        self.sock.close()


def ping_while(port, thread):
    """PINGs from a second client until `thread` ends; returns the replies."""
    probe = servers.RawClient(port, timeout=30)
    replies = []
    while thread.is_alive():
        replies.append(probe.command("PING"))
        time.sleep(0.001)
    replies.append(probe.command("PING"))
    probe.close()
    return replies


# ---- an endless multibulk ---------------------------------------------------------

@mini_redis_only
def test_endless_multibulk_is_closed_at_the_limit_while_other_clients_are_served(
        start_server, tmp_path):
    limit = 64 * 1024 * 1024
    log = tmp_path / "server.log"
    server = start_server("--client-query-buffer-limit", str(limit), "--logfile", str(log))
    control = servers.RawClient(server.port)
    baseline_kb = proc_status_kb(server.process.pid, "VmHWM")

    hostile = EndlessMultibulk(server.port)
    hostile.start()
    replies = ping_while(server.port, hostile)
    hostile.join()

    assert replies and all(r == b"+PONG\r\n" for r in replies)
    assert hostile.closed_by_server, f"still open after {hostile.sent_bytes} bytes"
    # The table of arguments counts with their bytes: each 7-byte argument
    # costs 16 more, so the client is closed long before its bytes alone fill
    # the limit (what arrived, plus what the socket buffers still held).
    assert hostile.sent_bytes < limit * 3 // 4
    hostile.close()
    assert wait_for(lambda: info_field(
        control, "stats", "client_query_buffer_limit_disconnections") == "1", 5)
    assert wait_for(lambda: info_field(control, "clients", "connected_clients") == "1", 5)
    assert b"Closing client that reached max query buffer length" in log.read_bytes()
    # Memory followed the limit, not the 2147483647 arguments announced.
    grown_kb = proc_status_kb(server.process.pid, "VmHWM") - baseline_kb
    assert grown_kb < 4 * limit // 1024, f"peak RSS grew by {grown_kb} kB"
    control.close()


def test_endless_multibulk_under_the_default_limit_keeps_the_server_responsive(server):
    """20 M tiny arguments (or 3 s) under the default 1 GiB limit: every PING
    of another client is answered while they stream, and the server is whole
    once the hostile client goes."""
    control = servers.RawClient(server.port)
    hostile = EndlessMultibulk(server.port)
    hostile.start()
    replies = ping_while(server.port, hostile)
    hostile.join()
    hostile.close()

    assert len(replies) > 1 and all(r == b"+PONG\r\n" for r in replies)
    assert not hostile.closed_by_server  # 20 M tiny arguments fit in 1 GiB
    assert wait_for(lambda: info_field(control, "clients", "connected_clients") == "1", 10)
    assert control.command("SET", "k", "v") == b"+OK\r\n"
    assert control.command("GET", "k") == b"$1\r\nv\r\n"
    control.close()


def test_a_command_of_many_arguments_still_runs(client):
    """Not every long command is hostile: 300,000 arguments (past the parser's
    first table and over several of its blocks) arrive in many reads and run."""
    count = 300_000
    parts = [b"*%d\r\n$4\r\nSADD\r\n$1\r\ns\r\n" % (count + 2)]
    parts += [b"$%d\r\n%d\r\n" % (len(str(i)), i) for i in range(count)]
    client.send(b"".join(parts))
    assert client.read_reply() == b":%d\r\n" % count
    assert client.command("SCARD", "s") == b":%d\r\n" % count
    assert client.command("PING") == b"+PONG\r\n"


# ---- before AUTH -----------------------------------------------------------------

@pytest.fixture
def protected(server):
    """A server whose clients must AUTH (set at run time: a server started with
    a password would not answer the start-up PING)."""
    admin = servers.RawClient(server.port)
    assert admin.command("CONFIG", "SET", "requirepass", "secret") == b"+OK\r\n"
    admin.close()
    return server


def reply_then_closed(port, data):
    c = servers.RawClient(port)
    c.send(data)
    reply = c.read_reply()
    closed = c.closed_by_peer()
    c.close()
    return reply, closed


@pytest.mark.parametrize("request_bytes,error", [
    (b"*11\r\n", b"-ERR Protocol error: unauthenticated multibulk length\r\n"),
    (b"*1048577\r\n", b"-ERR Protocol error: unauthenticated multibulk length\r\n"),
    (b"*3000000000\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*1\r\n$16385\r\n", b"-ERR Protocol error: unauthenticated bulk length\r\n"),
    (b"*1\r\n$600000000\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
])
def test_unauthenticated_clients_get_redis_limits(protected, request_bytes, error):
    assert reply_then_closed(protected.port, request_bytes) == (error, True)


def test_unauthenticated_limits_allow_ten_arguments_of_16_kib(protected):
    c = servers.RawClient(protected.port)
    value = b"v" * 16384
    c.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$16384\r\n" + value + b"\r\n")
    assert c.read_reply() == b"-NOAUTH Authentication required.\r\n"
    # (A known command of a valid arity: Redis checks those before AUTH.)
    c.send(b"*10\r\n$3\r\nDEL\r\n" + b"$1\r\nx\r\n" * 9)
    assert c.read_reply() == b"-NOAUTH Authentication required.\r\n"
    c.close()


def test_auth_lifts_the_limits_for_the_requests_behind_it_in_the_same_read(protected):
    c = servers.RawClient(protected.port)
    # MSET and 11 arguments: past the unauthenticated limit of 10, and one
    # short of a pair, so MSET itself answers.
    c.send(b"*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n"
           b"*12\r\n$4\r\nMSET\r\n" + b"$1\r\nk\r\n$5\r\nvalue\r\n" * 5 + b"$1\r\nk\r\n")
    assert c.read_reply() == b"+OK\r\n"
    assert c.read_reply() == b"-ERR wrong number of arguments for 'mset' command\r\n"
    assert c.command("PING") == b"+PONG\r\n"
    c.close()


def test_a_failed_auth_keeps_the_limits(protected):
    c = servers.RawClient(protected.port)
    c.send(b"*2\r\n$4\r\nAUTH\r\n$5\r\nwrong\r\n*20\r\n")
    assert c.read_reply() == (
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")
    assert c.read_reply() == b"-ERR Protocol error: unauthenticated multibulk length\r\n"
    assert c.closed_by_peer()
    c.close()


def proc_status_kb(pid, field) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"{field} missing for pid {pid}")
