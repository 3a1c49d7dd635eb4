"""CLIENT PAUSE end to end: which commands wait, in which order they resume.

The replies and errors of CLIENT PAUSE / UNPAUSE / NO-EVICT are compared
against Redis in tests/diff/cases/tracking.txt (the CLIENT part); a pause
cannot be a diff case, since the harness's own connections would be held.
Every wait here is bounded. E2E_AGAINST=redis runs the same tests against
Debian's redis-server.
"""
import socket
import time

import servers


def encode(*args) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def nothing_yet(c, wait=0.2) -> bool:
    """True if `c` received nothing within `wait` seconds."""
    if c.buffer:
        return False
    c.sock.settimeout(wait)
    try:
        chunk = c.sock.recv(65536)
    except socket.timeout:
        return True
    finally:
        c.sock.settimeout(5)
    c.buffer += chunk
    return False


def flags_of(admin, c_id) -> bytes:
    line = admin.command("CLIENT", "LIST", "ID", c_id)
    return line.split(b" flags=", 1)[1].split(b" ", 1)[0]


def test_write_pause_holds_writes_but_not_reads(server):
    admin, writer, reader = (servers.RawClient(server.port) for _ in range(3))
    writer_id = int(writer.command("CLIENT", "ID")[1:-2])
    admin.command("SET", "k", "old")
    assert admin.command("CLIENT", "PAUSE", 10000, "WRITE") == b"+OK\r\n"
    writer.send(encode("SET", "k", "new"))
    assert nothing_yet(writer)
    # Reads run, and see the old value.
    assert reader.command("GET", "k") == b"$3\r\nold\r\n"
    # PUBLISH may replicate: held too. The held client shows as blocked,
    # with the command it waits to run.
    publisher = servers.RawClient(server.port)
    publisher.send(encode("PUBLISH", "ch", "m"))
    assert nothing_yet(publisher)
    assert flags_of(admin, writer_id) == b"b"
    assert b" cmd=set " in admin.command("CLIENT", "LIST", "ID", writer_id)
    # A transaction's writes wait at the write itself, even while queueing.
    multi = servers.RawClient(server.port)
    assert multi.command("MULTI") == b"+OK\r\n"
    assert multi.command("GET", "k") == b"+QUEUED\r\n"
    multi.send(encode("SET", "k", "m"))
    assert nothing_yet(multi)
    assert admin.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
    assert writer.read_reply() == b"+OK\r\n"
    assert publisher.read_reply() == b":0\r\n"
    assert multi.read_reply() == b"+QUEUED\r\n"
    assert reader.command("GET", "k") == b"$3\r\nnew\r\n"


def test_write_pause_holds_exec_with_writes_only(server):
    admin, ro, rw = (servers.RawClient(server.port) for _ in range(3))
    for c, cmd in ((ro, ("GET", "k")), (rw, ("INCR", "n"))):
        c.command("MULTI")
        c.command(*cmd)
    # Queue the write before the pause: only EXEC is left to hold.
    admin.command("CLIENT", "PAUSE", 10000, "WRITE")
    assert ro.command("EXEC") == b"*1\r\n$-1\r\n"
    rw.send(encode("EXEC"))
    assert nothing_yet(rw)
    admin.command("CLIENT", "UNPAUSE")
    assert rw.read_reply() == b"*1\r\n:1\r\n"


def test_all_pause_holds_reads_and_resumes_in_arrival_order(server):
    admin = servers.RawClient(server.port)
    clients = [servers.RawClient(server.port) for _ in range(4)]
    # UNPAUSE itself would be held under ALL: end the pause with a short
    # timeout instead, and check the order in which the held clients ran.
    assert admin.command("CLIENT", "PAUSE", 700, "ALL") == b"+OK\r\n"
    started = time.monotonic()
    for i, c in enumerate(clients):
        c.send(encode("RPUSH", "order", i))
        time.sleep(0.02)  # a definite arrival order
    reader = servers.RawClient(server.port)
    reader.send(encode("LRANGE", "order", 0, -1))
    assert nothing_yet(reader)
    assert nothing_yet(clients[0], 0.05)
    for i, c in enumerate(clients):
        assert c.read_reply() == b":%d\r\n" % (i + 1)
    elapsed = time.monotonic() - started
    assert 0.5 <= elapsed < 5, elapsed
    assert reader.read_reply() == b"*4\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"


def test_unpause_resumes_pipelined_commands_in_order(server):
    admin, c = servers.RawClient(server.port), servers.RawClient(server.port)
    admin.command("CLIENT", "PAUSE", 10000, "WRITE")
    c.send(encode("GET", "k") + encode("SET", "k", "1") + encode("GET", "k"))
    assert c.read_reply() == b"$-1\r\n"  # the read before the write runs
    assert nothing_yet(c)
    admin.command("CLIENT", "UNPAUSE")
    assert c.read_reply() == b"+OK\r\n"
    assert c.read_reply() == b"$1\r\n1\r\n"


def test_pause_only_grows_and_timeout_ends_it(server):
    admin, c = servers.RawClient(server.port), servers.RawClient(server.port)
    admin.command("CLIENT", "PAUSE", 600, "WRITE")
    # A shorter pause does not shorten it; a wider one widens it.
    admin.command("CLIENT", "PAUSE", 1, "WRITE")
    c.send(encode("SET", "k", "1"))
    assert nothing_yet(c, 0.2)
    assert c.read_reply() == b"+OK\r\n"  # the 600 ms ran out


def test_active_expiry_stops_while_paused(server):
    admin = servers.RawClient(server.port)
    admin.command("SET", "k", "v", "PX", "50")
    admin.command("CLIENT", "PAUSE", 800, "WRITE")
    time.sleep(0.4)
    # Expired but not deleted: the active cycle does not run while paused.
    assert servers.info_field(admin, "stats", "expired_keys") == "0"
    assert servers.wait_for(
        lambda: servers.info_field(admin, "stats", "expired_keys") == "1", timeout=3)


def test_held_clients_count_as_blocked(server):
    # Redis 7.0 blocks a held client (BLOCKED_POSTPONE): INFO's
    # blocked_clients counts it, and CLIENT LIST shows flag b.
    admin, writer = servers.RawClient(server.port), servers.RawClient(server.port)
    admin.command("CLIENT", "PAUSE", 5000, "WRITE")
    writer.send(encode("SET", "k", "1"))
    assert servers.wait_for(
        lambda: servers.info_field(admin, "clients", "blocked_clients") == "1", timeout=3)
    admin.command("CLIENT", "UNPAUSE")
    assert writer.read_reply() == b"+OK\r\n"
    assert servers.info_field(admin, "clients", "blocked_clients") == "0"


def test_reads_leave_expired_keys_in_place_while_paused(server):
    # Redis 7.0's expireIfNeeded while clients are paused: the key reads as
    # missing, but stays (not counted in expired_keys, still in DBSIZE)
    # until the pause is over.
    admin = servers.RawClient(server.port)
    admin.command("SET", "k", "v", "PX", "50")
    admin.command("SET", "other", "v", "PX", "50")
    admin.command("CLIENT", "PAUSE", 700, "WRITE")
    time.sleep(0.2)
    assert admin.command("GET", "k") == b"$-1\r\n"
    assert admin.command("EXISTS", "k") == b":0\r\n"
    assert admin.command("SCAN", "0", "COUNT", "100") == b"*2\r\n$1\r\n0\r\n*0\r\n"
    if not servers.AGAINST_REDIS:
        # Redis 7.0 loops forever here (every key expired, none may go);
        # ours gives up after 100 picks and names one, as Redis 7.2 does.
        assert admin.command("RANDOMKEY") in (b"$1\r\nk\r\n", b"$5\r\nother\r\n")
    assert admin.command("DBSIZE") == b":2\r\n"
    assert servers.info_field(admin, "stats", "expired_keys") == "0"
    admin.command("CLIENT", "UNPAUSE")
    assert admin.command("GET", "k") == b"$-1\r\n"
    assert servers.info_field(admin, "stats", "expired_keys") in ("1", "2")


def test_no_evict_sets_the_e_flag(server):
    c = servers.RawClient(server.port)
    assert c.command("CLIENT", "NO-EVICT", "on") == b"+OK\r\n"
    assert b" flags=e " in c.command("CLIENT", "INFO")
    assert c.command("CLIENT", "NO-EVICT", "off") == b"+OK\r\n"
    assert b" flags=N " in c.command("CLIENT", "INFO")
