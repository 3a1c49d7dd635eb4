"""Blocking list commands across connections: BLPOP and friends park a client
until another one pushes, the timeout passes, CLIENT UNBLOCK, or it leaves.

Each test runs as well against Debian's redis-server (E2E_AGAINST=redis),
which is how the expectations were checked."""
import time

import servers
from servers import RawClient, wait_for


def blocked_clients(control):
    info = control.command("INFO", "clients").decode()
    for line in info.split("\r\n"):
        if line.startswith("blocked_clients:"):
            return int(line.split(":")[1])
    raise AssertionError("INFO clients has no blocked_clients field")


def park(port, control, *command, count):
    """A new connection that sends `command` (which must block) and is seen
    blocked by the server, as the count-th blocked client."""
    c = RawClient(port)
    c.send(resp(*command))
    assert wait_for(lambda: blocked_clients(control) == count, 5), f"{command} did not block"
    return c


resp = servers.encode_command  # a command as the bytes a client sends


def test_waiting_clients_are_served_first_come_first_served(server, client):
    first = park(server.port, client, "BLPOP", "jobs", 0, count=1)
    second = park(server.port, client, "BLPOP", "jobs", 0, count=2)
    third = park(server.port, client, "BRPOP", "jobs", 0, count=3)
    assert client.command("RPUSH", "jobs", "a", "b", "c") == b":3\r\n"
    assert first.read_reply() == b"*2\r\n$4\r\njobs\r\n$1\r\na\r\n"
    assert second.read_reply() == b"*2\r\n$4\r\njobs\r\n$1\r\nb\r\n"
    assert third.read_reply() == b"*2\r\n$4\r\njobs\r\n$1\r\nc\r\n"
    assert client.command("EXISTS", "jobs") == b":0\r\n"  # emptied, so deleted
    assert blocked_clients(client) == 0


def test_only_as_many_clients_as_elements_are_served(server, client):
    first = park(server.port, client, "BLPOP", "q", 0, count=1)
    second = park(server.port, client, "BLPOP", "q", 0, count=2)
    client.command("LPUSH", "q", "one")
    assert first.read_reply() == b"*2\r\n$1\r\nq\r\n$3\r\none\r\n"
    assert blocked_clients(client) == 1
    client.command("LPUSH", "q", "two")
    assert second.read_reply() == b"*2\r\n$1\r\nq\r\n$3\r\ntwo\r\n"


def test_timeout_has_sub_second_precision(server, client):
    started = time.monotonic()
    assert client.command("BLPOP", "nothing", "0.2") == b"*-1\r\n"
    elapsed = time.monotonic() - started
    assert 0.15 <= elapsed < 1.0, elapsed
    # Every list command times out with a null array, BLMOVE too (Redis 7.0's
    # replyToBlockedClientTimedOut), although its normal reply is a bulk.
    assert client.command("BLMOVE", "nothing", "dst", "LEFT", "RIGHT", "0.05") == b"*-1\r\n"


def test_timeout_in_resp3_is_null(server, client):
    client.command("HELLO", "3")
    assert client.command("BLPOP", "nothing", "0.05") == b"_\r\n"
    assert client.command("BRPOPLPUSH", "nothing", "dst", "0.05") == b"_\r\n"


def test_a_client_that_leaves_while_blocked_is_forgotten(server, client):
    gone = park(server.port, client, "BLPOP", "k", 0, count=1)
    gone.close()
    assert wait_for(lambda: blocked_clients(client) == 0, 5)
    # The element is not handed to the client that left: it stays in the list.
    assert client.command("RPUSH", "k", "v") == b":1\r\n"
    assert client.command("LRANGE", "k", 0, -1) == b"*1\r\n$1\r\nv\r\n"


def test_client_unblock_times_out_or_errors_a_waiting_client(server, client):
    waiting = park(server.port, client, "CLIENT", "ID", count=0)  # an id first
    client_id = int(waiting.read_reply()[1:-2])
    waiting.send(resp("BLPOP", "k", 0))
    assert wait_for(lambda: blocked_clients(client) == 1, 5)
    assert client.command("CLIENT", "UNBLOCK", client_id) == b":1\r\n"
    assert waiting.read_reply() == b"*-1\r\n"
    assert client.command("CLIENT", "UNBLOCK", client_id) == b":0\r\n"  # no longer blocked

    waiting.send(resp("BLPOP", "k", 0))
    assert wait_for(lambda: blocked_clients(client) == 1, 5)
    assert client.command("CLIENT", "UNBLOCK", client_id, "ERROR") == b":1\r\n"
    assert waiting.read_reply() == b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"


def test_commands_pipelined_after_a_blocking_one_wait_for_it(server, client):
    waiting = RawClient(server.port)
    waiting.send(resp("BLPOP", "k", 0) + resp("PING"))
    assert wait_for(lambda: blocked_clients(client) == 1, 5)
    waiting.sock.settimeout(0.2)
    try:
        early = waiting.sock.recv(100)
    except OSError:
        early = b""
    assert early == b"", "PING answered while BLPOP still waited"
    waiting.sock.settimeout(5)
    client.command("RPUSH", "k", "v")
    assert waiting.read_reply() == b"*2\r\n$1\r\nk\r\n$1\r\nv\r\n"
    assert waiting.read_reply() == b"+PONG\r\n"


def test_a_blocked_client_shows_flag_b(server, client):
    waiting = park(server.port, client, "BLPOP", "k", 0, count=1)
    listing = client.command("CLIENT", "LIST").decode()
    flags = [field for line in listing.splitlines() for field in line.split()
             if field.startswith("flags=")]
    assert "flags=b" in flags
    waiting.close()


def test_blmove_serves_a_client_waiting_on_its_destination(server, client):
    mover = park(server.port, client, "BLMOVE", "src", "dst", "LEFT", "RIGHT", 0, count=1)
    reader = park(server.port, client, "BLPOP", "dst", 0, count=2)
    client.command("LPUSH", "src", "x")
    assert mover.read_reply() == b"$1\r\nx\r\n"
    assert reader.read_reply() == b"*2\r\n$3\r\ndst\r\n$1\r\nx\r\n"
    assert client.command("EXISTS", "src", "dst") == b":0\r\n"


def test_a_list_renamed_onto_the_key_serves_the_waiting_client(server, client):
    waiting = park(server.port, client, "BLPOP", "k", 0, count=1)
    client.command("RPUSH", "tmp", "v")
    assert client.command("RENAME", "tmp", "k") == b"+OK\r\n"
    assert waiting.read_reply() == b"*2\r\n$1\r\nk\r\n$1\r\nv\r\n"


def test_a_key_of_another_type_keeps_the_client_waiting(server, client):
    waiting = park(server.port, client, "BLPOP", "k", 0, count=1)
    client.command("SET", "k", "a string")
    time.sleep(0.1)
    assert blocked_clients(client) == 1  # Redis 7.0 serves lists only
    client.command("DEL", "k")
    client.command("RPUSH", "k", "v")
    assert waiting.read_reply() == b"*2\r\n$1\r\nk\r\n$1\r\nv\r\n"


def test_the_first_named_key_with_elements_serves(server, client):
    waiting = park(server.port, client, "BLPOP", "a", "b", 0, count=1)
    client.command("RPUSH", "b", "from-b")
    assert waiting.read_reply() == b"*2\r\n$1\r\nb\r\n$6\r\nfrom-b\r\n"


def test_blmpop_waits_and_answers_with_its_count(server, client):
    waiting = park(server.port, client, "BLMPOP", 0, 2, "a", "b", "LEFT", "COUNT", 2, count=1)
    client.command("RPUSH", "b", "1", "2", "3")
    assert waiting.read_reply() == b"*2\r\n$1\r\nb\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n"
    assert client.command("LLEN", "b") == b":1\r\n"


def test_many_waiting_clients_are_all_served_in_order(server, client):
    waiting = [park(server.port, client, "BLPOP", "k", 5, count=i + 1) for i in range(20)]
    client.command("RPUSH", "k", *[str(i) for i in range(20)])
    for i, c in enumerate(waiting):
        assert c.read_reply() == b"*2\r\n$1\r\nk\r\n$%d\r\n%d\r\n" % (len(str(i)), i)


def test_swapdb_serves_a_client_waiting_on_a_key_the_other_database_holds(server, client):
    waiting = park(server.port, client, "BLPOP", "k", 0, count=1)
    other = RawClient(server.port)
    assert other.command("SELECT", 1) == b"+OK\r\n"
    assert other.command("RPUSH", "k", "v") == b":1\r\n"
    assert other.command("SWAPDB", 0, 1) == b"+OK\r\n"
    assert waiting.read_reply() == b"*2\r\n$1\r\nk\r\n$1\r\nv\r\n"
    other.close()
