"""Blocking sorted set commands across connections: BZPOPMIN, BZPOPMAX and
BZMPOP park a client until another one adds members, the timeout passes,
or a key of the right type appears.

Each test runs as well against Debian's redis-server (E2E_AGAINST=redis),
which is how the expectations were checked."""
import time

from servers import RawClient, wait_for
from test_blocking import blocked_clients, park


def test_bzpopmin_is_served_by_a_zadd_from_another_client(server, client):
    waiter = park(server.port, client, "BZPOPMIN", "board", 0, count=1)
    assert client.command("ZADD", "board", "2", "b", "1", "a") == b":2\r\n"
    assert waiter.read_reply() == b"*3\r\n$5\r\nboard\r\n$1\r\na\r\n$1\r\n1\r\n"
    assert client.command("ZRANGE", "board", "0", "-1") == b"*1\r\n$1\r\nb\r\n"
    assert blocked_clients(client) == 0


def test_waiting_clients_are_served_in_order_while_members_last(server, client):
    first = park(server.port, client, "BZPOPMAX", "z", 0, count=1)
    second = park(server.port, client, "BZPOPMIN", "z", 0, count=2)
    third = park(server.port, client, "BZPOPMIN", "z", 0, count=3)
    client.command("ZADD", "z", "1", "low", "9", "high")
    assert first.read_reply() == b"*3\r\n$1\r\nz\r\n$4\r\nhigh\r\n$1\r\n9\r\n"
    assert second.read_reply() == b"*3\r\n$1\r\nz\r\n$3\r\nlow\r\n$1\r\n1\r\n"
    # The set emptied and was deleted; the third client keeps waiting.
    assert client.command("EXISTS", "z") == b":0\r\n"
    assert blocked_clients(client) == 1
    client.command("ZADD", "z", "5", "late")
    assert third.read_reply() == b"*3\r\n$1\r\nz\r\n$4\r\nlate\r\n$1\r\n5\r\n"


def test_bzmpop_waits_on_several_keys_and_pops_its_count(server, client):
    waiter = park(server.port, client, "BZMPOP", 0, 2, "a", "b", "MAX", "COUNT", 2, count=1)
    client.command("ZADD", "b", "1", "x", "2", "y", "3", "z")
    assert waiter.read_reply() == (
        b"*2\r\n$1\r\nb\r\n*2\r\n*2\r\n$1\r\nz\r\n$1\r\n3\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n")
    assert client.command("ZCARD", "b") == b":1\r\n"


def test_a_list_at_the_key_keeps_the_client_waiting(server, client):
    waiter = park(server.port, client, "BZPOPMIN", "k", 0, count=1)
    client.command("RPUSH", "k", "not-a-zset")
    time.sleep(0.1)
    assert blocked_clients(client) == 1
    client.command("DEL", "k")
    client.command("ZADD", "k", "3", "m")
    assert waiter.read_reply() == b"*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\n3\r\n"


def test_timeout_answers_a_null_array_and_resp3_null(server, client):
    waiter = RawClient(server.port)
    started = time.monotonic()
    waiter.send(b"*3\r\n$8\r\nBZPOPMIN\r\n$4\r\nnone\r\n$3\r\n0.2\r\n")
    assert waiter.read_reply() == b"*-1\r\n"
    assert time.monotonic() - started >= 0.19
    resp3 = RawClient(server.port)
    resp3.send(b"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n")
    resp3.read_reply()
    resp3.send(b"*5\r\n$6\r\nBZMPOP\r\n$3\r\n0.1\r\n$1\r\n1\r\n$4\r\nnone\r\n$3\r\nMIN\r\n")
    assert resp3.read_reply() == b"_\r\n"


def test_a_zset_renamed_onto_the_key_serves_the_waiting_client(server, client):
    waiter = park(server.port, client, "BZPOPMAX", "dst", 0, count=1)
    client.command("ZADD", "src", "4", "m")
    assert client.command("RENAME", "src", "dst") == b"+OK\r\n"
    assert waiter.read_reply() == b"*3\r\n$3\r\ndst\r\n$1\r\nm\r\n$1\r\n4\r\n"
    assert wait_for(lambda: blocked_clients(client) == 0, 2)


def test_zunionstore_onto_the_key_serves_the_waiting_client(server, client):
    waiter = park(server.port, client, "BZPOPMIN", "dst", 0, count=1)
    client.command("ZADD", "a", "1", "m")
    assert client.command("ZUNIONSTORE", "dst", "1", "a") == b":1\r\n"
    assert waiter.read_reply() == b"*3\r\n$3\r\ndst\r\n$1\r\nm\r\n$1\r\n1\r\n"
