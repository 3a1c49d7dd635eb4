"""Workshop step 5: the TCP server, one Asio coroutine per client.

What you wrote, in workshop/src/server/connection.cpp: the loop of Connection::serve
(read what arrived, hand it to process_input) and, in process_input, the call
that runs each parsed command. These tests start your server and talk RESP
to it over a real socket on 127.0.0.1, byte for byte. A failure prints the
command sent, the bytes expected and the bytes received, then the server's log.
"""
import re
import socket
import time

from conftest import StepClient, resp


def client_list_field(observer, name, field):
    """A field of the CLIENT LIST line of the client called `name`, or None."""
    observer.send(resp("CLIENT", "LIST"))
    listing = observer.read_reply().decode(errors="replace")
    for line in listing.split("\n"):
        if f" name={name} " in line:
            match = re.search(rf" {field}=(\S*)", line)
            return match.group(1) if match else None
    return None


def info_number(client, section, field):
    client.send(resp("INFO", section))
    text = client.read_reply().decode(errors="replace")
    match = re.search(rf"\r\n{field}:(\d+)\r\n", text)
    assert match, f"INFO {section} has no {field}:\n{text}"
    return int(match.group(1))


def wait_until(predicate, seconds=2.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_ping_gets_pong(client):
    client.expect(["PING"], b"+PONG\r\n")


def test_a_value_set_can_be_read_back(client):
    client.expect(["SET", "greeting", "hello"], b"+OK\r\n")
    client.expect(["GET", "greeting"], b"$5\r\nhello\r\n")


def test_pipelined_commands_get_their_replies_in_order(client):
    # Three commands in one write: the server may read them in one go and
    # must answer all three, in order.
    request = resp("SET", "n", "10") + resp("INCR", "n") + resp("GET", "n")
    client.send(request)
    client.expect_reply(b"+OK\r\n", sent=request)
    client.expect_reply(b":11\r\n", sent=request)
    client.expect_reply(b"$2\r\n11\r\n", sent=request)


def test_a_command_split_across_two_reads_is_put_back_together(server, client):
    # The server must really read the first half on its own before the rest
    # arrives: the test waits until CLIENT LIST shows those bytes in this
    # client's query buffer (qbuf). The second read must then land *after*
    # them (the space prepare_read gave), not at the start of the buffer.
    client.expect(["CLIENT", "SETNAME", "splitter"], b"+OK\r\n")
    observer = StepClient(server.port)
    try:
        request = resp("SET", "split", "across two reads")
        half = 20
        client.send(request[:half])
        assert wait_until(lambda: client_list_field(observer, "splitter", "qbuf") == str(half)), (
            f"after sending {half} bytes of {request!r}, CLIENT LIST never showed qbuf={half} "
            "for that client: were the bytes read and committed (input_.commit(bytes))?")
        client.send(request[half:])
        client.expect_reply(b"+OK\r\n", sent=request[:half] + b" ... then ... " + request[half:])
        client.expect(["GET", "split"], b"$16\r\nacross two reads\r\n")
    finally:
        observer.close()


def test_a_big_value_arriving_in_many_reads_is_stored_whole(client):
    value = b"x" * 200_000
    client.expect(["SET", "big", value], b"+OK\r\n")
    client.send(resp("GET", "big"))
    got = client.read_reply()
    assert got == b"$200000\r\n" + value + b"\r\n", (
        f"GET big after SET big <200000 x>: received {len(got)} bytes starting {got[:40]!r}")


def test_clients_are_served_side_by_side(server):
    first, second = StepClient(server.port), StepClient(server.port)
    try:
        # The first client sends half a command and waits; the second must
        # still be served meanwhile: each client has its own coroutine.
        request = resp("SET", "who", "first")
        first.send(request[:9])
        second.expect(["PING"], b"+PONG\r\n")
        first.send(request[9:])
        first.expect_reply(b"+OK\r\n", sent=request)
        second.expect(["GET", "who"], b"$5\r\nfirst\r\n")
    finally:
        first.close()
        second.close()


def test_a_client_that_leaves_does_not_disturb_the_others(server):
    leaving = socket.create_connection(("127.0.0.1", server.port))
    leaving.sendall(b"*1\r\n$4\r\nPI")
    leaving.close()
    staying = StepClient(server.port)
    try:
        staying.expect(["PING"], b"+PONG\r\n")
    finally:
        staying.close()


def test_a_client_that_leaves_is_gone_from_the_server(server, client):
    # When the client closes its socket the read ends with an error (end of
    # file): the loop must stop there (`if (error) break;`), so that the
    # connection is closed and removed. Without the break the coroutine reads
    # again and again, and the client stays in CLIENT LIST, socket and all.
    # (The fixture's probe that waited for the server to listen is a client
    # that left too: it must be gone as well.)
    assert wait_until(lambda: info_number(client, "clients", "connected_clients") == 1), (
        "one client is connected, but INFO clients shows connected_clients:"
        f"{info_number(client, 'clients', 'connected_clients')}: does the read loop break "
        "when async_read_some returns an error?")
    leaving = socket.create_connection(("127.0.0.1", server.port))
    assert wait_until(lambda: info_number(client, "clients", "connected_clients") == 2), (
        "a second client connected, but INFO clients never showed connected_clients:2")
    leaving.close()
    assert wait_until(lambda: info_number(client, "clients", "connected_clients") == 1), (
        "a client closed its connection, but INFO clients still shows connected_clients:"
        f"{info_number(client, 'clients', 'connected_clients')} after 2 s: does the read "
        "loop break when async_read_some returns an error?")


def test_the_bytes_read_are_counted(client):
    # INFO stats' total_net_input_bytes counts every byte read, the INFO
    # command itself included (it is counted when it is read, before it runs).
    info = resp("INFO", "stats")
    before = info_number(client, "stats", "total_net_input_bytes")
    command = resp("SET", "counted", "x" * 100)
    client.expect(["SET", "counted", "x" * 100], b"+OK\r\n")
    after = info_number(client, "stats", "total_net_input_bytes")
    assert after - before == len(command) + len(info), (
        f"total_net_input_bytes grew by {after - before} while {len(command)} + {len(info)} bytes "
        "were sent: add each read's byte count to server_.stats().total_net_input_bytes")


def test_a_client_that_sends_is_not_idle(server, client):
    # CLIENT LIST's idle= is the seconds since the client last sent bytes
    # (last_interaction_ms_, set after each read).
    client.expect(["CLIENT", "SETNAME", "busy"], b"+OK\r\n")
    time.sleep(1.2)
    client.send(resp("CLIENT", "LIST"))
    listing = client.read_reply().decode(errors="replace")
    line = next((l for l in listing.split("\n") if " name=busy " in l), "")
    assert " idle=0 " in line, (
        "a client that has just sent CLIENT LIST shows idle=0, but its line is:\n  " + line +
        "\nset last_interaction_ms_ = server_.now_ms() after each read")
