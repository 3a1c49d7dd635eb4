"""CLIENT KILL on the real binary: the killed socket is closed, the client
leaves INFO's count at once, and a client killing itself still reads its
reply first. Run with E2E_AGAINST=redis to check the same against Redis."""
import pytest

import servers


def client_id(client):
    reply = client.command("CLIENT", "ID")
    assert reply.startswith(b":")
    return int(reply[1:-2])


def own_field(client, field):
    """A field of CLIENT INFO, such as addr or laddr."""
    reply = client.command("CLIENT", "INFO").decode()
    for word in reply.split("\r\n", 1)[1].split():
        name, _, value = word.partition("=")
        if name == field:
            return value
    raise KeyError(field)


def connected_clients(client):
    reply = client.command("INFO", "clients").decode()
    for line in reply.split("\r\n"):
        if line.startswith("connected_clients:"):
            return int(line.split(":")[1])
    raise KeyError("connected_clients")


@pytest.fixture
def victim(server):
    c = servers.RawClient(server.port)
    assert c.command("PING") == b"+PONG\r\n"  # accepted: counted in INFO from now on
    yield c
    c.close()


def test_kill_by_id_closes_that_socket_and_drops_the_count(client, victim):
    assert connected_clients(client) == 2
    assert client.command("CLIENT", "KILL", "ID", client_id(victim)) == b":1\r\n"
    assert victim.closed_by_peer()
    assert connected_clients(client) == 1
    assert client.command("PING") == b"+PONG\r\n"  # the killer lives on


def test_the_count_drops_for_a_command_pipelined_after_the_kill(client, victim):
    victim_id = str(client_id(victim)).encode()
    client.send(b"*4\r\n$6\r\nCLIENT\r\n$4\r\nKILL\r\n$2\r\nID\r\n$%d\r\n%s\r\n"
                b"*2\r\n$4\r\nINFO\r\n$7\r\nclients\r\n" % (len(victim_id), victim_id))
    assert client.read_reply() == b":1\r\n"
    assert b"connected_clients:1\r\n" in client.read_reply()


def test_kill_by_addr_new_form(client, victim):
    addr = own_field(victim, "addr")
    assert client.command("CLIENT", "KILL", "ADDR", addr) == b":1\r\n"
    assert victim.closed_by_peer()
    assert client.command("CLIENT", "KILL", "ADDR", addr) == b":0\r\n"


def test_kill_by_addr_old_form(client, victim):
    addr = own_field(victim, "addr")
    assert client.command("CLIENT", "KILL", addr) == b"+OK\r\n"
    assert victim.closed_by_peer()
    assert client.command("CLIENT", "KILL", addr) == b"-ERR No such client\r\n"


def test_old_form_kills_the_caller_after_its_reply(client):
    assert client.command("CLIENT", "KILL", own_field(client, "addr")) == b"+OK\r\n"
    assert client.closed_by_peer()


def test_skipme_spares_the_caller_by_default(client):
    assert client.command("CLIENT", "KILL", "ID", client_id(client)) == b":0\r\n"
    assert client.command("PING") == b"+PONG\r\n"


def test_skipme_no_kills_the_caller_after_the_reply_and_runs_nothing_after(client, victim):
    me = str(client_id(client)).encode()
    client.send(b"*6\r\n$6\r\nCLIENT\r\n$4\r\nKILL\r\n$2\r\nID\r\n$%d\r\n%s\r\n"
                b"$6\r\nSKIPME\r\n$2\r\nno\r\n"
                b"*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n" % (len(me), me))
    assert client.read_reply() == b":1\r\n"
    assert client.closed_by_peer()
    assert client.buffer == b""  # no reply for the SET
    assert victim.command("EXISTS", "after") == b":0\r\n"
    assert connected_clients(victim) == 1


def test_laddr_and_type_normal_kill_everyone_else(server, client):
    others = [servers.RawClient(server.port) for _ in range(3)]
    for other in others:
        assert other.command("PING") == b"+PONG\r\n"
    laddr = own_field(client, "laddr")
    assert client.command("CLIENT", "KILL", "LADDR", laddr, "TYPE", "normal") == b":3\r\n"
    for other in others:
        assert other.closed_by_peer()
        other.close()
    assert connected_clients(client) == 1


def test_errors_kill_nobody(client, victim):
    assert client.command("CLIENT", "KILL", "ID", "0") == \
        b"-ERR client-id should be greater than 0\r\n"
    assert client.command("CLIENT", "KILL", "TYPE", "x") == b"-ERR Unknown client type 'x'\r\n"
    assert client.command("CLIENT", "KILL", "USER", "nobody") == b"-ERR No such user 'nobody'\r\n"
    assert client.command("CLIENT", "KILL", "ID", client_id(victim), "FOO", "bar") == \
        b"-ERR syntax error\r\n"
    assert victim.command("PING") == b"+PONG\r\n"
    assert connected_clients(client) == 2


def test_kill_type_pubsub_kills_only_subscribers_and_they_leave_their_channels_at_once(
        server, client, victim):
    assert victim.command("SUBSCRIBE", "news") == b"*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n"
    bystander = servers.RawClient(server.port)
    assert bystander.command("PING") == b"+PONG\r\n"
    # Pipelined: the NUMSUB right after the kill already sees no subscriber.
    client.send(b"*4\r\n$6\r\nCLIENT\r\n$4\r\nKILL\r\n$4\r\nTYPE\r\n$6\r\npubsub\r\n"
                b"*3\r\n$6\r\nPUBSUB\r\n$6\r\nNUMSUB\r\n$4\r\nnews\r\n")
    assert client.read_reply() == b":1\r\n"
    assert client.read_reply() == b"*2\r\n$4\r\nnews\r\n:0\r\n"
    assert victim.closed_by_peer()
    assert bystander.command("PING") == b"+PONG\r\n"
    assert client.command("PUBLISH", "news", "x") == b":0\r\n"
    bystander.close()
