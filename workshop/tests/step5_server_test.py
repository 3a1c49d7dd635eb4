"""Workshop step 5: the TCP server, one Asio coroutine per client.

What you wrote, in src/server/connection.cpp: the loop of Connection::serve
(read what arrived, hand it to process_input) and, in process_input, the call
that runs each parsed command. These tests start your server and talk RESP
to it over a real socket on 127.0.0.1, byte for byte.
"""
import socket


def resp(*words):
    """One command as a RESP array of bulk strings."""
    out = b"*%d\r\n" % len(words)
    for word in words:
        word = word if isinstance(word, bytes) else str(word).encode()
        out += b"$%d\r\n%s\r\n" % (len(word), word)
    return out


def test_ping_gets_pong(client):
    assert client.command("PING") == b"+PONG\r\n"


def test_a_value_set_can_be_read_back(client):
    assert client.command("SET", "greeting", "hello") == b"+OK\r\n"
    assert client.command("GET", "greeting") == b"$5\r\nhello\r\n"


def test_pipelined_commands_get_their_replies_in_order(client):
    # Three commands in one write: the server may read them in one go and
    # must answer all three, in order.
    client.send(resp("SET", "n", "10") + resp("INCR", "n") + resp("GET", "n"))
    assert client.read_reply() == b"+OK\r\n"
    assert client.read_reply() == b":11\r\n"
    assert client.read_reply() == b"$2\r\n11\r\n"


def test_a_command_split_across_writes_is_put_back_together(client):
    request = resp("SET", "split", "across two writes")
    client.send(request[:11])
    client.send(request[11:])
    assert client.read_reply() == b"+OK\r\n"
    assert client.command("GET", "split") == b"$17\r\nacross two writes\r\n"


def test_a_big_value_arriving_in_many_reads_is_stored_whole(client):
    value = b"x" * 200_000
    assert client.command("SET", "big", value) == b"+OK\r\n"
    assert client.command("GET", "big") == b"$200000\r\n" + value + b"\r\n"


def test_clients_are_served_side_by_side(server):
    from servers import RawClient
    first, second = RawClient(server.port), RawClient(server.port)
    try:
        # The first client sends half a command and waits; the second must
        # still be served meanwhile: each client has its own coroutine.
        request = resp("SET", "who", "first")
        first.send(request[:9])
        assert second.command("PING") == b"+PONG\r\n"
        first.send(request[9:])
        assert first.read_reply() == b"+OK\r\n"
        assert second.command("GET", "who") == b"$5\r\nfirst\r\n"
    finally:
        first.close()
        second.close()


def test_a_client_that_leaves_does_not_disturb_the_others(server):
    from servers import RawClient
    leaving = socket.create_connection(("127.0.0.1", server.port))
    leaving.sendall(b"*1\r\n$4\r\nPI")
    leaving.close()
    staying = RawClient(server.port)
    try:
        assert staying.command("PING") == b"+PONG\r\n"
    finally:
        staying.close()
