"""Workshop step 9 (extension): metrics, INFO's counters.

What you wrote: counter_fields in workshop/src/commands/server/info.cpp (the counter
lines of INFO's "# Stats" section) and, in workshop/src/server/server_clients.cpp,
Server::refuse_connection (a client turned away over maxclients is counted
and told why). Each counter is counted where its event happens: a lookup
that finds its key or not (step 2), a key that expires (step 4), a command
that ran (the dispatcher), a connection refused (your part); INFO only reads
them. These tests start your server and compare INFO's lines byte for byte.
"""
import re
import socket
import time

from conftest import resp

# The fields your part writes, in Redis 7.0's order (redis-server 7.0.15's
# INFO stats has them so, with a few more among them that this server does
# not keep, such as sync_full and evicted_clients).
COUNTERS = ["rejected_connections", "expired_keys", "expired_stale_perc",
            "expired_time_cap_reached_count", "evicted_keys", "keyspace_hits",
            "keyspace_misses"]


def info_stats(client):
    client.send(resp("INFO", "stats"))
    return client.read_reply().decode(errors="replace")


def field(text, name):
    """The value of `name` in INFO's text; fails saying what INFO answered."""
    match = re.search(rf"(?:^|\r\n){name}:([^\r]*)\r\n", text)
    assert match, f"INFO stats has no line `{name}:<value>`. It answered:\n{text}"
    return match.group(1)


def number(client, name):
    return int(field(info_stats(client), name))


def wait_until(predicate, seconds=2.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_the_counter_lines_come_in_redis_order(client):
    text = info_stats(client)
    names = [line.split(":")[0] for line in text.split("\r\n") if ":" in line]
    mine = [name for name in names if name in COUNTERS]
    assert mine == COUNTERS, (
        f"INFO stats' counter lines, in order, should be\n  {COUNTERS}\nbut are\n  {mine}\n"
        f"INFO answered:\n{text}")


def test_a_fresh_server_shows_zeros_and_a_percentage(client):
    text = info_stats(client)
    lines = "".join(f"{name}:{field(text, name)}\r\n" for name in COUNTERS)
    assert lines == ("rejected_connections:0\r\nexpired_keys:0\r\nexpired_stale_perc:0.00\r\n"
                     "expired_time_cap_reached_count:0\r\nevicted_keys:0\r\nkeyspace_hits:0\r\n"
                     "keyspace_misses:0\r\n"), (
        "a server that has done nothing shows 0 for each counter, and expired_stale_perc as a "
        "percentage with two decimals (info.field_fixed2): got\n" + lines)


def test_hits_and_misses_are_counted_apart(client):
    client.expect(["SET", "k", "v"], b"+OK\r\n")
    for _ in range(3):
        client.expect(["GET", "k"], b"$1\r\nv\r\n")
    client.expect(["GET", "nobody"], b"$-1\r\n")
    text = info_stats(client)
    got = f"keyspace_hits:{field(text, 'keyspace_hits')}\r\n" \
          f"keyspace_misses:{field(text, 'keyspace_misses')}\r\n"
    assert got == "keyspace_hits:3\r\nkeyspace_misses:1\r\n", (
        "3 GETs found their key (hits), 1 did not (a miss): keyspace_hits is keys.keyspace_hits "
        f"and keyspace_misses keys.keyspace_misses. INFO shows:\n{got}")


def test_expired_keys_are_counted(client):
    client.expect(["SET", "flash", "x", "PX", "50"], b"+OK\r\n")
    client.expect(["SET", "stays", "y"], b"+OK\r\n")
    time.sleep(0.15)
    client.expect(["GET", "flash"], b"$-1\r\n")
    assert number(client, "expired_keys") == 1, (
        "one key expired (found dead by GET, or by the active cycle): expired_keys is "
        "keys.expired_keys, not evicted_keys or another counter")
    assert number(client, "evicted_keys") == 0, "nothing was evicted (no maxmemory)"


def test_commands_processed_counts_every_command_that_ran(client):
    # Given code, to read: the dispatcher counts each command after it ran
    # (run() in commands/core/dispatcher.cpp), so the first INFO counts itself.
    before = int(field(info_stats(client), "total_commands_processed"))
    client.expect(["SET", "a", "1"], b"+OK\r\n")
    client.expect(["GET", "a"], b"$1\r\n1\r\n")
    client.expect(["PING"], b"+PONG\r\n")
    after = int(field(info_stats(client), "total_commands_processed"))
    assert after - before == 4, (
        f"3 commands and the first INFO ran in between, but total_commands_processed grew by "
        f"{after - before}")


def test_a_client_over_maxclients_is_refused_told_why_and_counted(server, client):
    client.expect(["CONFIG", "SET", "maxclients", "1"], b"+OK\r\n")
    # The fixture's probe connection (it waited for the server to listen) must be gone.
    assert wait_until(lambda: int(field(info_clients(client), "connected_clients")) == 1), (
        "the server should have one client left before the test goes on")
    extra = socket.create_connection(("127.0.0.1", server.port), timeout=3)
    try:
        received = b""
        try:
            while True:
                chunk = extra.recv(4096)
                if not chunk:
                    break
                received += chunk
        except socket.timeout:
            pass
    finally:
        extra.close()
    assert received == b"-ERR max number of clients reached\r\n", (
        "a client past maxclients gets Redis's error as a RESP error line, then the server "
        "closes it:\n  expected: b'-ERR max number of clients reached\\r\\n'\n"
        f"  received: {received!r}\n(reply = \"-\" + the error text + \"\\r\\n\")")
    assert number(client, "rejected_connections") == 1, (
        "the refused connection is counted in rejected_connections (++stats_.rejected_connections "
        "in Server::refuse_connection), and INFO stats shows it")
    assert int(field(info_clients(client), "connected_clients")) == 1, (
        "a refused connection never becomes a client")


def test_each_refused_connection_counts_once(server, client):
    client.expect(["CONFIG", "SET", "maxclients", "1"], b"+OK\r\n")
    assert wait_until(lambda: int(field(info_clients(client), "connected_clients")) == 1)
    for _ in range(3):
        extra = socket.create_connection(("127.0.0.1", server.port), timeout=3)
        try:
            extra.recv(4096)  # the server speaks first: its error, then it closes
        finally:
            extra.close()
    assert number(client, "rejected_connections") == 3, (
        "three connections were turned away: rejected_connections:3")


def info_clients(client):
    client.send(resp("INFO", "clients"))
    return client.read_reply().decode(errors="replace")
