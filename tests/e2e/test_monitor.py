"""MONITOR end to end: the +OK, then one line per command run by any client.

The line format, checked against Redis 7.0.15:

    +1700000000.123456 [0 127.0.0.1:54321] "SET" "k" "v"\\r\\n

seconds.microseconds, then [db address] (the db *after* the command ran, so
"SELECT 3" already shows 3; a Unix-socket client shows unix:<path>), then each
argument quoted as redis-cli does (\\" \\\\ \\n \\r \\t \\a \\b, \\xHH for other
bytes outside 0x20..0x7e). Not shown: commands rejected before they run
(unknown command, wrong arity), admin commands (CONFIG, CLIENT LIST, MONITOR);
shown: commands that run and fail (INCR of a non-number). AUTH and HELLO's AUTH
arguments appear as "(redacted)".

E2E_AGAINST=redis runs the same tests against Debian's redis-server.
"""
import os
import re
import socket
import tempfile
import time

import servers

LINE = re.compile(rb"\+(\d{10})\.(\d{6}) (\[[^\]]*\]) (.*)\r\n")


def local_address(client) -> bytes:
    host, port = client.sock.getsockname()[:2]
    return f"{host}:{port}".encode()


def read_line(monitor) -> tuple:
    """One monitor line: (the bracket, the quoted arguments); the timestamp
    is checked to be within a minute of now."""
    reply = monitor.read_reply()
    m = LINE.fullmatch(reply)
    assert m, reply
    assert abs(int(m.group(1)) - time.time()) < 60, reply
    return m.group(3), m.group(4)


def assert_nothing_more(monitor, other):
    """Every line so far was read: the next line is for a marker command."""
    assert other.command("ECHO", "marker") == b"$6\r\nmarker\r\n"
    assert read_line(monitor) == (b"[0 %s]" % local_address(other), b'"ECHO" "marker"')


def test_monitor_replies_ok_then_streams_other_clients_commands(server):
    monitor = servers.RawClient(server.port)
    assert monitor.command("MONITOR") == b"+OK\r\n"
    other = servers.RawClient(server.port)
    where = b"[0 %s]" % local_address(other)

    assert other.command("SET", "k", "v") == b"+OK\r\n"
    assert other.command("GET", "k") == b"$1\r\nv\r\n"
    assert other.command("PING") == b"+PONG\r\n"
    assert read_line(monitor) == (where, b'"SET" "k" "v"')
    assert read_line(monitor) == (where, b'"GET" "k"')
    assert read_line(monitor) == (where, b'"PING"')
    # Arguments keep the case the client sent.
    assert other.command("get", "k") == b"$1\r\nv\r\n"
    assert read_line(monitor) == (where, b'"get" "k"')
    assert_nothing_more(monitor, other)
    other.close()
    monitor.close()


def test_monitor_quotes_arguments_like_redis_cli(server):
    monitor = servers.RawClient(server.port)
    assert monitor.command("MONITOR") == b"+OK\r\n"
    other = servers.RawClient(server.port)
    where = b"[0 %s]" % local_address(other)

    value = b"\x00\x01\x07\x08\t\n\r \"'\\\x7f\x80\xff~"
    assert other.command("SET", "a key", value) == b"+OK\r\n"
    assert read_line(monitor) == (
        where, b'"SET" "a key" "\\x00\\x01\\a\\b\\t\\n\\r \\"\'\\\\\\x7f\\x80\\xff~"')
    assert other.command("SET", "", "") == b"+OK\r\n"
    assert read_line(monitor) == (where, b'"SET" "" ""')
    other.close()
    monitor.close()


def test_monitor_shows_the_database_after_select(server):
    monitor = servers.RawClient(server.port)
    assert monitor.command("MONITOR") == b"+OK\r\n"
    other = servers.RawClient(server.port)
    address = local_address(other)

    assert other.command("SELECT", "3") == b"+OK\r\n"
    assert other.command("SET", "x", "y") == b"+OK\r\n"
    assert other.command("RESET") == b"+RESET\r\n"
    assert other.command("SET", "x", "z") == b"+OK\r\n"
    assert read_line(monitor) == (b"[3 %s]" % address, b'"SELECT" "3"')
    assert read_line(monitor) == (b"[3 %s]" % address, b'"SET" "x" "y"')
    assert read_line(monitor) == (b"[0 %s]" % address, b'"RESET"')
    assert read_line(monitor) == (b"[0 %s]" % address, b'"SET" "x" "z"')
    other.close()
    monitor.close()


def test_monitor_shows_unix_socket_clients_as_unix_path(start_server):
    path = os.path.join(tempfile.mkdtemp(prefix="mini-redis-monitor-"), "redis.sock")
    server = start_server("--unixsocket", path)
    monitor = servers.RawClient(server.port)
    assert monitor.command("MONITOR") == b"+OK\r\n"

    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.settimeout(5)
    deadline = time.monotonic() + 5
    while True:
        try:
            unix.connect(path)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    unix.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nu\r\n$1\r\n1\r\n")
    assert unix.recv(64) == b"+OK\r\n"
    assert read_line(monitor) == (b"[0 unix:%s]" % path.encode(), b'"SET" "u" "1"')
    unix.close()
    monitor.close()
    if os.path.exists(path):
        os.unlink(path)
    os.rmdir(os.path.dirname(path))


def test_monitor_hides_rejected_and_admin_commands_and_redacts_auth(server):
    monitor = servers.RawClient(server.port)
    assert monitor.command("MONITOR") == b"+OK\r\n"
    other = servers.RawClient(server.port)
    where = b"[0 %s]" % local_address(other)

    # Rejected before running: not shown.
    assert other.command("GET").startswith(b"-ERR wrong number of arguments")
    assert other.command("NOSUCH", "x").startswith(b"-ERR unknown command")
    # Admin commands: not shown.
    assert other.command("CONFIG", "GET", "maxmemory").startswith(b"*2\r\n")
    assert other.command("CONFIG", "SET", "maxmemory", "0") == b"+OK\r\n"
    assert other.command("CLIENT", "LIST").startswith(b"$")
    # A command that runs and fails: shown.
    assert other.command("SET", "s", "abc") == b"+OK\r\n"
    assert other.command("INCR", "s") == b"-ERR value is not an integer or out of range\r\n"
    # CLIENT SETNAME is not an admin command.
    assert other.command("CLIENT", "SETNAME", "n") == b"+OK\r\n"
    assert read_line(monitor) == (where, b'"SET" "s" "abc"')
    assert read_line(monitor) == (where, b'"INCR" "s"')
    assert read_line(monitor) == (where, b'"CLIENT" "SETNAME" "n"')

    # AUTH's and HELLO AUTH's secrets are redacted, whatever the outcome.
    other.command("AUTH", "secret")
    assert read_line(monitor) == (where, b'"AUTH" "(redacted)"')
    other.command("HELLO", "2", "AUTH", "default", "secret")
    assert read_line(monitor) == (where, b'"HELLO" "2" "AUTH" "(redacted)" "(redacted)"')
    assert_nothing_more(monitor, other)
    other.close()
    monitor.close()


def test_monitor_command_itself_is_not_shown_and_a_second_monitor_is_silent(server):
    first = servers.RawClient(server.port)
    assert first.command("MONITOR") == b"+OK\r\n"
    second = servers.RawClient(server.port)
    assert second.command("MONITOR") == b"+OK\r\n"
    other = servers.RawClient(server.port)
    where = b"[0 %s]" % local_address(other)
    assert other.command("SET", "k", "v") == b"+OK\r\n"
    # Both monitors see it, and neither saw the other's MONITOR.
    assert read_line(first) == (where, b'"SET" "k" "v"')
    assert read_line(second) == (where, b'"SET" "k" "v"')

    # MONITOR again on a monitor: no reply at all.
    second.send(b"*1\r\n$7\r\nMONITOR\r\n")
    assert other.command("ECHO", "x") == b"$1\r\nx\r\n"
    assert read_line(second) == (where, b'"ECHO" "x"')
    assert read_line(first) == (where, b'"ECHO" "x"')

    # A monitor that leaves stops counting; the other still streams.
    second.close()
    assert other.command("ECHO", "y") == b"$1\r\ny\r\n"
    assert read_line(first) == (where, b'"ECHO" "y"')
    first.close()
    other.close()


def test_monitor_client_is_flagged_and_cannot_touch_keys(server):
    monitor = servers.RawClient(server.port)
    assert monitor.command("MONITOR") == b"+OK\r\n"
    other = servers.RawClient(server.port)
    listing = other.command("CLIENT", "LIST").decode()
    monitor_lines = [l for l in listing.split("\n") if " cmd=monitor " in l]
    assert len(monitor_lines) == 1 and " flags=O " in monitor_lines[0], listing

    # A monitor is a replica as far as the keyspace goes; PING still works,
    # and the monitor sees its own PING after the reply.
    assert monitor.command("GET", "k") == b"-ERR Replica can't interact with the keyspace\r\n"
    assert monitor.command("PING") == b"+PONG\r\n"
    assert read_line(monitor) == (b"[0 %s]" % local_address(monitor), b'"PING"')
    monitor.close()
    other.close()
