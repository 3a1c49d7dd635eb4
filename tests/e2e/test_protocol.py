"""Framing over a real socket: pipelining, partial writes, big values,
inline commands, and protocol errors (the exact error, then a closed socket).

Expected bytes were checked against Debian's redis-server 7.0.15
(run this suite with E2E_AGAINST=redis to check them again).
"""
import socket
import time

import pytest

import servers


def resp(*args) -> bytes:
    """One command as a RESP array of bulk strings."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def read_exactly(sock, n, timeout=60) -> bytes:
    """Exactly n bytes from sock (a bytearray grows in place: fast for 100 MB)."""
    data = bytearray(n)
    view = memoryview(data)
    got = 0
    deadline = time.monotonic() + timeout
    sock.settimeout(timeout)
    while got < n:
        assert time.monotonic() < deadline, f"timed out after {got} of {n} bytes"
        chunk = sock.recv_into(view[got:], min(n - got, 1 << 20))
        assert chunk, f"connection closed after {got} of {n} bytes"
        got += chunk
    return bytes(data)


def reply_then_close(port, data: bytes, timeout=5) -> bytes:
    """Sends data and returns everything the server answers until it closes.

    Fails if the server keeps the connection open longer than `timeout`.
    """
    c = servers.RawClient(port)
    try:
        c.send(data)
        assert c.closed_by_peer(timeout=timeout), "server did not close the connection"
        return c.buffer
    finally:
        c.close()


# ---- pipelining and partial writes -----------------------------------------

def test_thousand_pipelined_commands_in_one_send_reply_in_order(server):
    request = bytearray()
    expected = bytearray()
    for i in range(1000):
        if i % 3 == 0:
            request += resp("SET", f"key:{i}", f"value-{i}")
            expected += b"+OK\r\n"
        elif i % 3 == 1:
            request += resp("GET", f"key:{i - 1}")
            value = f"value-{i - 1}".encode()
            expected += b"$%d\r\n%s\r\n" % (len(value), value)
        else:
            request += resp("INCR", "counter")
            expected += b":%d\r\n" % (i // 3 + 1)
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(bytes(request))
        assert read_exactly(s, len(expected), timeout=10) == bytes(expected)
        # Nothing more than those replies.
        s.sendall(resp("PING"))
        assert read_exactly(s, 7) == b"+PONG\r\n"


def test_command_sent_one_byte_at_a_time_is_answered_once_complete(server):
    request = resp("SET", "split", "hello") + resp("GET", "split")
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        first_command_length = len(resp("SET", "split", "hello"))
        for i, byte in enumerate(request):
            s.sendall(bytes([byte]))
            time.sleep(0.001)  # let each byte arrive in its own read
            if i == first_command_length - 2:
                # One byte short of a full command: no reply yet.
                s.setblocking(False)
                with pytest.raises(BlockingIOError):
                    s.recv(64)
                s.setblocking(True)
        assert read_exactly(s, 5 + 11) == b"+OK\r\n$5\r\nhello\r\n"


def test_inline_command_split_across_writes(server):
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for piece in (b"EC", b"HO hel", b"lo\r", b"\n"):
            s.sendall(piece)
            time.sleep(0.01)
        assert read_exactly(s, 11) == b"$5\r\nhello\r\n"


# ---- big values --------------------------------------------------------------

@pytest.mark.parametrize("size", [1 << 20, 100 << 20], ids=["1MB", "100MB"])
def test_big_value_round_trip(server, size):
    value = bytes(range(256)) * (size // 256)
    assert len(value) == size
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n" % size)
        s.sendall(value)
        s.sendall(b"\r\n")
        assert read_exactly(s, 5) == b"+OK\r\n"
        s.sendall(resp("STRLEN", "big"))
        assert read_exactly(s, 3 + len(str(size))) == b":%d\r\n" % size
        s.sendall(resp("GET", "big"))
        header = b"$%d\r\n" % size
        reply = read_exactly(s, len(header) + size + 2, timeout=120)
        assert reply[:len(header)] == header
        assert reply[-2:] == b"\r\n"
        assert reply[len(header):-2] == value


# ---- inline commands ---------------------------------------------------------

def test_inline_commands_with_double_and_single_quotes(client):
    client.send(b'SET "a b" "c\\x41\\n"\r\n')
    assert client.read_reply() == b"+OK\r\n"
    client.send(b"GET 'a b'\r\n")
    assert client.read_reply() == b"$3\r\ncA\n\r\n"
    client.send(b"SET k 'it\\'s'\r\nGET k\r\n")
    assert client.read_reply() == b"+OK\r\n"
    assert client.read_reply() == b"$4\r\nit's\r\n"


def test_inline_commands_accept_bare_newline_and_skip_blank_lines(client):
    client.send(b"\r\n\n   \r\nPING\nECHO x\r\n")
    assert client.read_reply() == b"+PONG\r\n"
    assert client.read_reply() == b"$1\r\nx\r\n"


def test_empty_and_negative_multibulk_are_ignored(client):
    client.send(b"*0\r\n*-10\r\n*1\r\n$4\r\nPING\r\n")
    assert client.read_reply() == b"+PONG\r\n"


def test_quit_replies_ok_then_closes_without_running_later_commands(server):
    assert reply_then_close(server.port, b"QUIT\r\nPING\r\n") == b"+OK\r\n"
    assert reply_then_close(server.port, resp("QUIT") + resp("PING")) == b"+OK\r\n"


# ---- protocol errors: the exact error, then the connection is closed ---------

@pytest.mark.parametrize("request_bytes, error", [
    (b"*3000000000\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*1\r\n$blabla\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$-10\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\nx\r\n", b"-ERR Protocol error: expected '$', got 'x'\r\n"),
    (b"*2\r\n$4\r\nECHO\r\nfoo\r\n", b"-ERR Protocol error: expected '$', got 'f'\r\n"),
    (b'SET "a\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    (b"x" * 70000, b"-ERR Protocol error: too big inline request\r\n"),
    (b"*" + b"1" * 70000, b"-ERR Protocol error: too big mbulk count string\r\n"),
    (b"*1\r\n$" + b"1" * 70000, b"-ERR Protocol error: too big bulk count string\r\n"),
], ids=["multibulk-3e9", "bulk-blabla", "bulk-negative", "x-for-dollar",
        "missing-dollar-later", "unbalanced-quotes", "inline-too-big",
        "mbulk-count-too-big", "bulk-count-too-big"])
def test_protocol_error_is_reported_then_connection_closed(server, request_bytes, error):
    assert reply_then_close(server.port, request_bytes) == error
    # The server itself is fine.
    c = servers.RawClient(server.port)
    assert c.command("PING") == b"+PONG\r\n"
    c.close()


def test_replies_before_a_protocol_error_are_still_sent(server):
    data = resp("SET", "k", "v") + resp("GET", "k") + b"*1\r\n$blabla\r\n" + resp("PING")
    assert reply_then_close(server.port, data) == (
        b"+OK\r\n$1\r\nv\r\n-ERR Protocol error: invalid bulk length\r\n")


def test_inline_request_of_almost_64k_is_accepted(client):
    value = b"v" * 60000
    client.send(b"SET k " + value + b"\r\n")
    assert client.read_reply() == b"+OK\r\n"
    assert client.command("STRLEN", "k") == b":60000\r\n"
