"""Client-side caching end to end: invalidation messages across connections.

The exact bytes of CLIENT TRACKING's replies and errors, and the simple
invalidation sequences, are compared against Redis in
tests/diff/cases/tracking.txt. This file covers what needs several real
connections and timing: RESP3 pushes and RESP2 redirects between clients,
FLUSHALL's null, NOLOOP, BCAST prefixes (sent once the event loop comes
round), OPTIN with CACHING yes, the tracking-table limit, expiry, and a
redirect client that goes away. E2E_AGAINST=redis runs the same tests against
Debian's redis-server.
"""
import socket

import servers


def resp3_client(port):
    c = servers.RawClient(port)
    hello = c.command("HELLO", "3")
    assert hello.startswith(b"%"), hello
    return c


def invalidate_push(*keys) -> bytes:
    out = b">2\r\n$10\r\ninvalidate\r\n*%d\r\n" % len(keys)
    for key in keys:
        out += b"$%d\r\n%s\r\n" % (len(key), key)
    return out


def invalidate_message(*keys) -> bytes:
    out = b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*%d\r\n" % len(keys)
    for key in keys:
        out += b"$%d\r\n%s\r\n" % (len(key), key)
    return out


def nothing_pending(c, wait=0.2) -> bool:
    """True if the server sent `c` nothing more within `wait` seconds."""
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


def client_id(c) -> int:
    return int(c.command("CLIENT", "ID")[1:-2])


def test_resp3_push_reaches_the_reader_when_another_client_writes(server):
    reader, writer = resp3_client(server.port), servers.RawClient(server.port)
    assert reader.command("CLIENT", "TRACKING", "on") == b"+OK\r\n"
    assert reader.command("GET", "k") == b"_\r\n"
    assert writer.command("SET", "k", "v") == b"+OK\r\n"
    assert reader.read_reply() == invalidate_push(b"k")
    # Told once: the key left the table until it is read again.
    assert writer.command("SET", "k", "v2") == b"+OK\r\n"
    assert nothing_pending(reader)
    assert reader.command("GET", "k") == b"$2\r\nv2\r\n"
    assert writer.command("DEL", "k") == b":1\r\n"
    assert reader.read_reply() == invalidate_push(b"k")


def test_script_reads_track_the_keys_the_script_declared(server):
    # Redis 7.0's call(): a read-only command inside a script remembers, for
    # the script's caller, the keys the script declared (EVAL's KEYS), not
    # the key the command read.
    reader, writer = resp3_client(server.port), servers.RawClient(server.port)
    reader.command("CLIENT", "TRACKING", "on")
    get_declared = "return redis.call('get', KEYS[1])"
    assert reader.command("EVAL", get_declared, "1", "declared") == b"_\r\n"
    assert reader.command("EVAL", "return redis.call('get', 'undeclared')", "0") == b"_\r\n"
    # A script that only writes tracks nothing, whatever it declares.
    assert reader.command("EVAL", "return redis.call('set', KEYS[1], 1)", "1", "written") == b"+OK\r\n"
    assert reader.command("EVAL_RO", get_declared, "1", "ro") == b"_\r\n"
    for key in (b"undeclared", b"written"):
        writer.command("SET", key, "v")
        assert nothing_pending(reader), key
    writer.command("SET", "declared", "v")
    assert reader.read_reply() == invalidate_push(b"declared")
    writer.command("SET", "ro", "v")
    assert reader.read_reply() == invalidate_push(b"ro")


def test_own_write_is_told_after_its_reply_unless_noloop(server):
    c = resp3_client(server.port)
    c.command("CLIENT", "TRACKING", "on")
    c.command("GET", "k")
    assert c.command("SET", "k", "1") == b"+OK\r\n"
    assert c.read_reply() == invalidate_push(b"k")
    c.command("CLIENT", "TRACKING", "on", "NOLOOP")
    c.command("GET", "k")
    assert c.command("SET", "k", "2") == b"+OK\r\n"
    assert nothing_pending(c)
    # The key left the table all the same: read it again to hear of others.
    assert c.command("GET", "k") == b"$1\r\n2\r\n"
    other = servers.RawClient(server.port)
    other.command("SET", "k", "3")
    assert c.read_reply() == invalidate_push(b"k")


def test_resp2_redirect_receives_messages_on_the_invalidate_channel(server):
    inval = servers.RawClient(server.port)
    rid = client_id(inval)
    assert inval.command("SUBSCRIBE", "__redis__:invalidate").endswith(b":1\r\n")
    tracker, writer = servers.RawClient(server.port), servers.RawClient(server.port)
    assert tracker.command("CLIENT", "TRACKING", "on", "REDIRECT", rid) == b"+OK\r\n"
    assert tracker.command("CLIENT", "GETREDIR") == b":%d\r\n" % rid
    tracker.command("MGET", "a", "b")
    writer.command("SET", "b", "1")
    assert inval.read_reply() == invalidate_message(b"b")
    # The tracking client itself hears nothing: RESP2 has no pushes.
    assert nothing_pending(tracker)
    # FLUSHALL: a null instead of the key list (RESP2's null: the tracker's).
    writer.command("FLUSHALL")
    assert inval.read_reply() == b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n"


def test_flushall_sends_null_to_every_tracking_client(server):
    a, b = resp3_client(server.port), resp3_client(server.port)
    for c in (a, b):
        c.command("CLIENT", "TRACKING", "on")
    writer = servers.RawClient(server.port)
    writer.command("FLUSHALL")
    for c in (a, b):
        assert c.read_reply() == b">2\r\n$10\r\ninvalidate\r\n_\r\n"
    # FLUSHDB drops the whole table, and the flushing client is told after its +OK.
    a.command("GET", "x")
    assert servers.info_field(writer, "stats", "tracking_total_keys") == "1"
    assert a.command("FLUSHDB") == b"+OK\r\n"
    assert a.read_reply() == b">2\r\n$10\r\ninvalidate\r\n_\r\n"
    assert b.read_reply() == b">2\r\n$10\r\ninvalidate\r\n_\r\n"
    assert servers.info_field(writer, "stats", "tracking_total_keys") == "0"


def test_bcast_prefixes_collect_keys_into_one_message(server):
    c = resp3_client(server.port)
    assert c.command("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:",
                     "PREFIX", "obj:") == b"+OK\r\n"
    assert servers.info_field(c, "stats", "tracking_total_prefixes") == "2"
    writer = servers.RawClient(server.port)
    # One pipeline: the keys under a prefix go out together, sorted.
    writer.send(b"".join(servers_encode(*cmd) for cmd in [
        ("SET", "user:2", "x"), ("SET", "user:1", "x"), ("SET", "other", "x")]))
    for _ in range(3):
        assert writer.read_reply() == b"+OK\r\n"
    assert c.read_reply() == invalidate_push(b"user:1", b"user:2")
    assert nothing_pending(c)
    # Nothing was read, yet a write under the prefix is told (no table).
    writer.command("DEL", "obj:9")  # deleting nothing modifies nothing
    assert nothing_pending(c)
    writer.command("SET", "obj:9", "1")
    assert c.read_reply() == invalidate_push(b"obj:9")


def test_bcast_noloop_leaves_out_own_keys(server):
    c = resp3_client(server.port)
    c.command("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP")
    assert c.command("SET", "mine", "1") == b"+OK\r\n"
    assert nothing_pending(c)
    servers.RawClient(server.port).command("SET", "theirs", "1")
    assert c.read_reply() == invalidate_push(b"theirs")


def test_optin_tracks_only_after_caching_yes(server):
    c = resp3_client(server.port)
    c.command("CLIENT", "TRACKING", "on", "OPTIN")
    c.command("GET", "plain")
    assert c.command("CLIENT", "CACHING", "yes") == b"+OK\r\n"
    c.command("GET", "cached")
    c.command("GET", "after")  # CACHING yes lasted one command
    writer = servers.RawClient(server.port)
    writer.command("MSET", "plain", "1", "cached", "1", "after", "1")
    assert c.read_reply() == invalidate_push(b"cached")
    assert nothing_pending(c)


def command_collecting_pushes(c, *args):
    """Sends a command; returns its reply and the pushes that came first."""
    c.send(servers_encode(*args))
    pushes = []
    reply = c.read_reply()
    while reply.startswith(b">"):
        pushes.append(reply)
        reply = c.read_reply()
    return reply, pushes


def test_table_limit_evicts_keys_with_an_invalidation(start_server):
    server = start_server("--tracking-table-max-keys", "2")
    c = resp3_client(server.port)
    c.command("CLIENT", "TRACKING", "on")
    pushes = []
    for key in ("a", "b", "c", "d"):
        reply, before = command_collecting_pushes(c, "GET", key)
        assert reply == b"_\r\n"
        pushes += before
    # The limit is enforced before each command: GET d found 3 keys and
    # dropped one, and this PING finds 3 again; each key dropped is told.
    reply, before = command_collecting_pushes(c, "PING")
    assert reply == b"+PONG\r\n"
    pushes += before
    assert len(pushes) == 2, pushes
    dropped = {p.split(b"\r\n")[-2] for p in pushes}
    assert len(dropped) == 2 and dropped <= {b"a", b"b", b"c", b"d"}, pushes
    assert servers.info_field(c, "stats", "tracking_total_keys") == "2"
    assert servers.info_field(c, "stats", "tracking_total_items") == "2"
    # A dropped key is no longer tracked: writing it says nothing.
    writer = servers.RawClient(server.port)
    for key in sorted(dropped):
        writer.command("SET", key, "1")
    assert nothing_pending(c)


def test_expired_key_is_invalidated(server):
    c = resp3_client(server.port)
    writer = servers.RawClient(server.port)
    writer.command("SET", "k", "v", "PX", "100")
    c.command("CLIENT", "TRACKING", "on")
    assert c.command("GET", "k") == b"$1\r\nv\r\n"
    # The active expiry cycle deletes it within a few cron ticks.
    assert servers.wait_for(lambda: not nothing_pending(c, 0.05), timeout=3)
    assert c.read_reply() == invalidate_push(b"k")


def test_broken_redirect_is_reported_to_a_resp3_client(server):
    target = servers.RawClient(server.port)
    rid = client_id(target)
    c = resp3_client(server.port)
    c.command("CLIENT", "TRACKING", "on", "REDIRECT", rid)
    c.command("GET", "k")
    target.close()
    probe = servers.RawClient(server.port)
    assert servers.wait_for(
        lambda: b"id=%d " % rid not in probe.command("CLIENT", "LIST"), timeout=3)
    probe.command("SET", "k", "1")
    assert c.read_reply() == b">2\r\n$21\r\ntracking-redir-broken\r\n:%d\r\n" % rid
    info = c.command("CLIENT", "TRACKINGINFO")
    assert b"broken_redirect" in info, info
    assert b" flags=tR " in c.command("CLIENT", "INFO")


def test_info_counts_tracking_clients_keys_and_items(server):
    a, b = resp3_client(server.port), resp3_client(server.port)
    for c in (a, b):
        c.command("CLIENT", "TRACKING", "on")
        c.command("MGET", "x", "y")
    assert servers.info_field(a, "clients", "tracking_clients") == "2"
    assert servers.info_field(a, "stats", "tracking_total_keys") == "2"
    assert servers.info_field(a, "stats", "tracking_total_items") == "4"
    b.close()
    assert servers.wait_for(
        lambda: servers.info_field(a, "clients", "tracking_clients") == "1", timeout=3)


def servers_encode(*args) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)
