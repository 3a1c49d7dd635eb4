"""Pub/Sub end to end: output-buffer limits of subscribers, RESP3 pushes
between replies, the RESP2 subscribed-mode error, fan-out to many subscribers.

The exact bytes of single replies are compared against Redis in
tests/diff/cases/pubsub.txt; this file covers what needs the real process and
real sockets: a subscriber that never reads, timing, memory, 50 connections.
Every loop is bounded in count and in time. E2E_AGAINST=redis runs the same
tests against Debian's redis-server.
"""
import socket
import time

import servers

SUBSCRIBED_GET_ERROR = (b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE"
                        b" / PING / QUIT / RESET are allowed in this context\r\n")


def encode(*args) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def subscribe_confirmation(channel: bytes, count: int, kind=b"*") -> bytes:
    return kind + b"3\r\n$9\r\nsubscribe\r\n$%d\r\n%s\r\n:%d\r\n" % (len(channel), channel, count)


def message(channel: bytes, payload: bytes, kind=b"*") -> bytes:
    return kind + b"3\r\n$7\r\nmessage\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (
        len(channel), channel, len(payload), payload)


def proc_status_kb(pid, field) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"{field} missing for pid {pid}")


def pubsub_clients(client) -> list:
    """The lines of CLIENT LIST TYPE pubsub (clients with a subscription)."""
    reply = client.command("CLIENT", "LIST", "TYPE", "pubsub")
    body = reply.split(b"\r\n", 1)[1]
    return [line for line in body.split(b"\n") if line.strip(b"\r\n")]


def lazy_subscriber(port, channel=b"ch"):
    """A client that subscribes and then never reads again. Its receive buffer
    is kept small so that the server's output buffer, not the kernel, holds
    what it does not read."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.settimeout(5)
    sock.sendall(encode("SUBSCRIBE", channel))
    expected = subscribe_confirmation(channel, 1)
    data = b""
    while len(data) < len(expected):
        data += sock.recv(len(expected) - len(data))
    assert data == expected
    return sock


def socket_closed_by_server(sock, timeout) -> bool:
    """Drains what the kernel still holds for `sock` and waits for the EOF."""
    sock.settimeout(0.5)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if not sock.recv(1 << 20):
                return True
        except socket.timeout:
            continue
        except ConnectionResetError:
            return True
    return False


def flood(publisher, channel, payload, max_messages, max_seconds, batch=16, pause=0.0):
    """Publishes `payload` in pipelined batches until PUBLISH reports no
    receiver, at most `max_messages` times and for at most `max_seconds`.
    Returns (messages delivered to the subscriber, seconds until it was gone,
    or None if it never went)."""
    started = time.monotonic()
    delivered = sent = 0
    while sent < max_messages and time.monotonic() - started < max_seconds:
        publisher.send(encode("PUBLISH", channel, payload) * batch)
        replies = [publisher.read_reply() for _ in range(batch)]
        sent += batch
        delivered += replies.count(b":1\r\n")
        assert set(replies) <= {b":1\r\n", b":0\r\n"}, replies[:3]
        if b":0\r\n" in replies:
            return delivered, time.monotonic() - started
        if pause:
            time.sleep(pause)
    return delivered, None


# ---- output buffer limits ---------------------------------------------------

def test_subscriber_over_the_hard_limit_is_disconnected(server):
    publisher = servers.RawClient(server.port)
    assert publisher.command("CONFIG", "SET", "client-output-buffer-limit",
                             "pubsub 1mb 256kb 60") == b"+OK\r\n"
    pid = server.process.pid
    baseline_kb = proc_status_kb(pid, "VmRSS")
    sub = lazy_subscriber(server.port)
    assert len(pubsub_clients(publisher)) == 1

    # 1 KiB messages: at most 16384 of them (16 MiB) and 10 s.
    delivered, gone_after = flood(publisher, "ch", b"x" * 1024, 16384, 10)
    assert gone_after is not None, f"subscriber still there after {delivered} messages"
    # The 1 MB hard limit counts the server's buffer only; the kernel's socket
    # buffers hold some more. Nothing near the 16 MiB we were ready to send.
    assert 256 < delivered < 8192, delivered

    assert socket_closed_by_server(sub, timeout=5)
    assert pubsub_clients(publisher) == []
    assert publisher.command("PUBSUB", "NUMSUB", "ch") == b"*2\r\n$2\r\nch\r\n:0\r\n"
    assert publisher.command("PING") == b"+PONG\r\n"
    assert publisher.command("SET", "k", "v") == b"+OK\r\n"
    assert publisher.command("PUBLISH", "ch", "late") == b":0\r\n"

    peak_kb = proc_status_kb(pid, "VmHWM")
    assert peak_kb - baseline_kb < 32 * 1024, f"peak RSS grew by {peak_kb - baseline_kb} kB"
    sub.close()
    publisher.close()


def test_subscriber_over_the_soft_limit_for_longer_than_its_time_is_disconnected(server):
    publisher = servers.RawClient(server.port)
    assert publisher.command("CONFIG", "SET", "client-output-buffer-limit",
                             "pubsub 0 256kb 1") == b"+OK\r\n"
    sub = lazy_subscriber(server.port)

    # Over the soft limit at once (8 MiB is far past 256 KB and the kernel's
    # buffers), then traffic goes on: Redis checks the limit when it appends
    # to the buffer, so it needs more messages to notice the second has passed.
    started = time.monotonic()
    delivered, gone_after = flood(publisher, "ch", b"y" * 1024, 8192, 1.0)
    assert gone_after is None, f"disconnected after {gone_after:.2f} s, before the 1 s soft limit"
    more, gone_after = flood(publisher, "ch", b"y" * 1024, 2000, 6, batch=4, pause=0.01)
    elapsed = time.monotonic() - started
    assert gone_after is not None, f"still subscribed after {elapsed:.1f} s over the soft limit"
    assert 1.0 <= elapsed <= 6.5, elapsed

    assert socket_closed_by_server(sub, timeout=5)
    assert pubsub_clients(publisher) == []
    assert publisher.command("PING") == b"+PONG\r\n"
    sub.close()
    publisher.close()


def test_soft_limit_is_forgiven_when_the_buffer_drains_in_time(server):
    publisher = servers.RawClient(server.port)
    assert publisher.command("CONFIG", "SET", "client-output-buffer-limit",
                             "pubsub 0 256kb 2") == b"+OK\r\n"
    sub = servers.RawClient(server.port)
    assert sub.command("SUBSCRIBE", "ch") == subscribe_confirmation(b"ch", 1)
    # 512 KiB in one go, read at once by the subscriber: never over for 2 s.
    payload = b"z" * 1024
    for _ in range(4):
        publisher.send(encode("PUBLISH", "ch", payload) * 128)
        for _ in range(128):
            assert publisher.read_reply() == b":1\r\n"
        for _ in range(128):
            assert sub.read_reply() == message(b"ch", payload)
    assert sub.command("PING") == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    sub.close()
    publisher.close()


def test_default_limit_disconnects_at_32mb(server):
    """The default is `pubsub 32mb 8mb 60`: a subscriber that never reads is
    dropped once the server holds 32 MB for it, not before."""
    publisher = servers.RawClient(server.port)
    assert publisher.command("CONFIG", "GET", "client-output-buffer-limit") == (
        b"*2\r\n$26\r\nclient-output-buffer-limit\r\n"
        b"$67\r\nnormal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60\r\n")
    pid = server.process.pid
    baseline_kb = proc_status_kb(pid, "VmRSS")
    sub = lazy_subscriber(server.port)

    # 64 KiB messages: 32 MB is 512 of them; at most 2048 (128 MiB) and 20 s.
    delivered, gone_after = flood(publisher, "ch", b"w" * 65536, 2048, 20)
    assert gone_after is not None, f"subscriber still there after {delivered} messages"
    assert 480 <= delivered <= 1024, delivered
    assert socket_closed_by_server(sub, timeout=5)
    assert publisher.command("PING") == b"+PONG\r\n"
    peak_kb = proc_status_kb(pid, "VmHWM")
    assert peak_kb - baseline_kb < 96 * 1024, f"peak RSS grew by {peak_kb - baseline_kb} kB"
    sub.close()
    publisher.close()


# ---- RESP3 and RESP2 subscribed mode ---------------------------------------

def test_resp3_client_receives_push_frames_between_its_replies(server):
    sub = servers.RawClient(server.port)
    assert sub.command("HELLO", "3").startswith(b"%7\r\n")
    assert sub.command("SUBSCRIBE", "ch") == subscribe_confirmation(b"ch", 1, b">")
    assert sub.command("SET", "k", "v") == b"+OK\r\n"

    publisher = servers.RawClient(server.port)
    assert publisher.command("PUBLISH", "ch", "one") == b":1\r\n"
    assert publisher.command("PUBLISH", "ch", "two") == b":1\r\n"
    # The pushes were queued before GET's reply, and come first, as >3 frames.
    sub.send(encode("GET", "k"))
    assert sub.read_reply() == b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\none\r\n"
    assert sub.read_reply() == b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\ntwo\r\n"
    assert sub.read_reply() == b"$1\r\nv\r\n"
    assert sub.command("GET", "missing") == b"_\r\n"
    # Its own PUBLISH: the push, then the count.
    sub.send(encode("PUBLISH", "ch", "self"))
    assert sub.read_reply() == message(b"ch", b"self", b">")
    assert sub.read_reply() == b":1\r\n"
    assert sub.command("PING") == b"+PONG\r\n"
    sub.close()
    publisher.close()


def test_resp2_subscriber_gets_the_subscribed_mode_error_for_get(server):
    sub = servers.RawClient(server.port)
    assert sub.command("SUBSCRIBE", "ch") == subscribe_confirmation(b"ch", 1)
    assert sub.command("GET", "k") == SUBSCRIBED_GET_ERROR
    assert sub.command("PING") == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    assert sub.command("UNSUBSCRIBE") == b"*3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:0\r\n"
    assert sub.command("GET", "k") == b"$-1\r\n"
    sub.close()


def test_fan_out_to_50_subscribers_each_get_every_message_once_in_order(server):
    subscribers = []
    for i in range(50):
        c = servers.RawClient(server.port)
        if i % 5 == 0:  # some of them in RESP3
            assert c.command("HELLO", "3").startswith(b"%7\r\n")
            assert c.command("SUBSCRIBE", "news") == subscribe_confirmation(b"news", 1, b">")
        else:
            assert c.command("SUBSCRIBE", "news") == subscribe_confirmation(b"news", 1)
        subscribers.append((c, b">" if i % 5 == 0 else b"*"))

    publisher = servers.RawClient(server.port)
    assert publisher.command("PUBSUB", "NUMSUB", "news") == b"*2\r\n$4\r\nnews\r\n:50\r\n"
    publisher.send(b"".join(encode("PUBLISH", "news", f"m{i}") for i in range(20)))
    for _ in range(20):
        assert publisher.read_reply() == b":50\r\n"

    for c, kind in subscribers:
        for i in range(20):
            assert c.read_reply() == message(b"news", f"m{i}".encode(), kind)
        # Nothing more: the next reply is the PING's.
        expected_pong = b"+PONG\r\n" if kind == b">" else b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
        assert c.command("PING") == expected_pong
    for c, _ in subscribers:
        c.close()
    publisher.close()


# ---- CLIENT REPLY OFF / SKIP -------------------------------------------------

def read_exactly(sock, size, timeout=5) -> bytes:
    sock.settimeout(timeout)
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def nothing_more(sock) -> bool:
    sock.settimeout(0.3)
    try:
        return sock.recv(1) == b""
    except socket.timeout:
        return True


def test_replies_off_still_delivers_subscribe_confirmations_and_messages(server):
    # Redis 7.0 silences only command replies: (un)subscribe confirmations
    # and messages are pushes and get through CLIENT REPLY OFF.
    sub = socket.create_connection(("127.0.0.1", server.port))
    sub.sendall(encode("CLIENT", "REPLY", "OFF") + encode("SUBSCRIBE", "ch")
                + encode("PING"))  # PING's reply is silenced
    assert read_exactly(sub, len(subscribe_confirmation(b"ch", 1))) == \
        subscribe_confirmation(b"ch", 1)
    publisher = servers.RawClient(server.port)
    assert publisher.command("PUBLISH", "ch", "hi") == b":1\r\n"
    assert read_exactly(sub, len(message(b"ch", b"hi"))) == message(b"ch", b"hi")
    assert nothing_more(sub)
    sub.close()
    publisher.close()


def test_resp3_replies_off_keeps_pushes_and_drops_replies(server):
    sub = servers.RawClient(server.port)
    sub.command("HELLO", "3")
    sub.send(encode("CLIENT", "REPLY", "OFF") + encode("SUBSCRIBE", "ch") + encode("SET", "k", "v")
             + encode("PUBLISH", "ch", "self") + encode("CLIENT", "REPLY", "SKIP")
             + encode("SUBSCRIBE", "other") + encode("CLIENT", "REPLY", "ON"))
    # SET's +OK and PUBLISH's :1 are dropped; the confirmation of each
    # SUBSCRIBE and the message it sent itself arrive, then ON's +OK.
    expected = (subscribe_confirmation(b"ch", 1, b">") + message(b"ch", b"self", b">")
                + subscribe_confirmation(b"other", 2, b">") + b"+OK\r\n")
    assert read_exactly(sub.sock, len(expected)) == expected
    assert nothing_more(sub.sock)
    sub.close()
