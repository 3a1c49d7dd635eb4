"""Authentication, ACL users and protected mode on the real binary, across
connections: what one connection changes (a user, requirepass) is what the
others are held to; ACL LOG records the refusals with the fields Redis 7.0
gives them; users come from the config file and the aclfile; protected mode
turns away clients from beyond loopback. Run with E2E_AGAINST=redis to check
the same against Redis."""
import os
import socket
import tempfile
import time

import pytest

import servers

NOAUTH = b"-NOAUTH Authentication required.\r\n"
WRONGPASS = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"


def parse(reply: bytes):
    """A RESP2 reply as Python values (bulk strings as bytes)."""
    value, rest = _parse(reply)
    assert rest == b"", rest
    return value


def _parse(data: bytes):
    kind, line, rest = data[:1], *data[1:].split(b"\r\n", 1)
    if kind in (b"+", b"-"):
        return line, rest
    if kind == b":":
        return int(line), rest
    if kind == b"$":
        n = int(line)
        return (None, rest) if n < 0 else (rest[:n], rest[n + 2:])
    if kind == b"*":
        items = []
        for _ in range(int(line)):
            item, rest = _parse(rest)
            items.append(item)
        return items, rest
    raise ValueError(data)


def log_entries(client, count=10):
    """ACL LOG as a list of {field: value} dicts."""
    entries = parse(client.command("ACL", "LOG", str(count)))
    return [dict(zip(e[0::2], e[1::2])) for e in entries]


@pytest.fixture
def other(server):
    c = servers.RawClient(server.port)
    yield c
    c.close()


def test_requirepass_holds_new_connections_until_auth(server, client):
    assert client.command("CONFIG", "SET", "requirepass", "s3cret") == b"+OK\r\n"
    late = servers.RawClient(server.port)
    try:
        assert late.command("GET", "k") == NOAUTH
        assert late.command("AUTH", "wrong") == WRONGPASS
        assert late.command("AUTH", "s3cret") == b"+OK\r\n"
        assert late.command("GET", "k") == b"$-1\r\n"
        # The connection that set the password was authenticated already.
        assert client.command("PING") == b"+PONG\r\n"
    finally:
        late.close()
    client.command("CONFIG", "SET", "requirepass", "")
    fresh = servers.RawClient(server.port)
    assert fresh.command("PING") == b"+PONG\r\n"
    fresh.close()


def test_a_changed_user_applies_to_its_connections_at_once(client, other):
    assert client.command("ACL", "SETUSER", "bob", "on", ">pw", "+@all", "~*") == b"+OK\r\n"
    assert other.command("AUTH", "bob", "pw") == b"+OK\r\n"
    assert other.command("SET", "k", "v") == b"+OK\r\n"
    client.command("ACL", "SETUSER", "bob", "-set")
    assert other.command("SET", "k", "v") == \
        b"-NOPERM this user has no permissions to run the 'set' command\r\n"
    assert other.command("GET", "k") == b"$1\r\nv\r\n"
    assert b" user=bob " in other.command("CLIENT", "INFO")


def test_deluser_disconnects_the_users_clients(client, other):
    client.command("ACL", "SETUSER", "carol", "on", "nopass", "+@all")
    assert other.command("AUTH", "carol", "x") == b"+OK\r\n"
    assert client.command("ACL", "DELUSER", "carol") == b":1\r\n"
    assert other.closed_by_peer()
    assert client.command("PING") == b"+PONG\r\n"


def test_acl_log_records_refusals_as_redis(client, other):
    client.command("ACL", "LOG", "RESET")
    client.command("ACL", "SETUSER", "dave", "on", "nopass", "-@all", "+get", "+publish",
                   "~a*", "&x")
    assert other.command("AUTH", "nobody", "pw") == WRONGPASS
    other.command("AUTH", "dave", "x")
    other.command("GET", "b")
    other.command("SET", "a", "1")
    other.command("PUBLISH", "y", "m")
    other.command("PUBLISH", "y", "m")  # the same refusal again: counted, not added

    entries = log_entries(client)
    assert [(e[b"reason"], e[b"object"], e[b"username"], e[b"count"]) for e in entries] == [
        (b"channel", b"y", b"dave", 2),
        (b"command", b"set", b"dave", 1),
        (b"key", b"b", b"dave", 1),
        (b"auth", b"AUTH", b"nobody", 1),  # the command's name as sent
    ]
    for entry in entries:
        assert list(entry) == [b"count", b"reason", b"context", b"object", b"username",
                               b"age-seconds", b"client-info"]
        assert entry[b"context"] == b"toplevel"
        assert 0 <= float(entry[b"age-seconds"]) < 60
    assert b" user=dave " in entries[0][b"client-info"]
    assert b" cmd=publish " in entries[0][b"client-info"]
    assert len(log_entries(client, 1)) == 1
    assert client.command("ACL", "LOG", "RESET") == b"+OK\r\n"
    assert log_entries(client) == []


def test_acllog_max_len_bounds_the_log(client):
    client.command("ACL", "LOG", "RESET")
    client.command("CONFIG", "SET", "acllog-max-len", "2")
    for name in ("u1", "u2", "u3"):
        client.command("AUTH", name, "x")
    assert [e[b"username"] for e in log_entries(client)] == [b"u3", b"u2"]


def server_with_config_file(path):
    """The server under test started from a config file (which must come
    first on the command line), on a free port."""
    port = servers.free_port()
    if servers.AGAINST_REDIS:
        argv = [servers.REDIS_SERVER, path, "--port", str(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no"]
    else:
        argv = [servers.MINI_REDIS, path, "--port", str(port), "--bind", "127.0.0.1"]
    return servers.Server(argv, port)


def test_users_from_the_config_file():
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as conf:
        conf.write("user alice on >wonder ~cache:* +get +set\n")
        conf.write("USER default on nopass ~* &* +@all\n")
    try:
        with server_with_config_file(conf.name) as server:
            c = servers.RawClient(server.port)
            assert parse(c.command("ACL", "USERS")) == [b"alice", b"default"]
            assert c.command("AUTH", "alice", "wonder") == b"+OK\r\n"
            assert c.command("SET", "cache:1", "v") == b"+OK\r\n"
            assert c.command("SET", "other", "v") == (
                b"-NOPERM this user has no permissions to access one of the keys used as "
                b"arguments\r\n")
            c.close()
    finally:
        os.unlink(conf.name)


def test_a_bad_user_line_stops_the_start():
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as conf:
        conf.write("user alice on +nosuchcommand\n")
    try:
        with pytest.raises(RuntimeError):
            with server_with_config_file(conf.name):
                pass
    finally:
        os.unlink(conf.name)


def test_a_missing_or_bad_aclfile_stops_the_start(start_server):
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "users.acl")
    try:
        with pytest.raises(RuntimeError):
            start_server("--aclfile", path)  # no such file
        with open(path, "w") as f:
            f.write("user kate on bogus\n")
        with pytest.raises(RuntimeError):
            start_server("--aclfile", path)
    finally:
        if os.path.exists(path):
            os.unlink(path)
        os.rmdir(directory)


def test_acl_save_and_load_through_the_aclfile(start_server):
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "users.acl")
    with open(path, "w") as f:
        f.write("user erin on >pw ~* +@all\n")
    server = start_server("--aclfile", path)
    c = servers.RawClient(server.port)
    try:
        assert c.command("AUTH", "erin", "pw") == b"+OK\r\n"
        assert c.command("ACL", "SETUSER", "frank", "on", "nopass", "-@all", "+ping") == b"+OK\r\n"
        assert c.command("ACL", "SAVE") == b"+OK\r\n"
        with open(path, "rb") as f:
            saved = f.read().splitlines()
        assert saved == parse(c.command("ACL", "LIST"))
        assert len(saved) == 3 and saved[0].startswith(b"user default ")

        # A bad file changes nothing and says where it is wrong.
        with open(path, "w") as f:
            f.write("user grace on bogus\n")
        reply = c.command("ACL", "LOAD")
        assert reply.startswith(b"-ERR " + path.encode() + b":1: Syntax error. ")
        assert b"frank" in c.command("ACL", "USERS")

        # A good one replaces the users; the clients of replaced users go.
        with open(path, "w") as f:
            f.write("user henry on nopass +@all ~*\n")
        assert c.command("ACL", "LOAD") == b"+OK\r\n"
        assert c.closed_by_peer()  # it ran as erin, who is gone
        d = servers.RawClient(server.port)
        assert parse(d.command("ACL", "USERS")) == [b"default", b"henry"]
        d.close()
    finally:
        c.close()
        os.unlink(path)
        os.rmdir(directory)


def connect_from(source, port):
    sock = socket.socket()
    sock.settimeout(5)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def read_all(sock):
    data = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return data
        data += chunk


def test_protected_mode_denies_clients_beyond_loopback(start_server):
    server = start_server("--bind", "0.0.0.0")
    sock = connect_from("127.0.0.2", server.port)
    # Nothing is sent: the server answers on accepting, then closes (a
    # request left unread would make the close a reset).
    reply = read_all(sock)
    sock.close()
    assert reply.startswith(b"-DENIED Redis is running in protected mode because protected mode "
                            b"is enabled and no password is set for the default user.")
    assert reply.endswith(b"in order for the server to start accepting connections from the "
                          b"outside.\r\n")
    # From 127.0.0.1 it answers.
    local = servers.RawClient(server.port)
    assert local.command("PING") == b"+PONG\r\n"
    # With a password on the default user, the outside client may AUTH.
    local.command("CONFIG", "SET", "requirepass", "pw")
    sock = connect_from("127.0.0.2", server.port)
    sock.sendall(b"PING\r\n")
    assert sock.recv(4096) == NOAUTH
    sock.close()
    local.command("CONFIG", "SET", "requirepass", "")
    local.command("CONFIG", "SET", "protected-mode", "no")
    sock = connect_from("127.0.0.2", server.port)
    sock.sendall(b"PING\r\n")
    assert sock.recv(4096) == b"+PONG\r\n"
    sock.close()
    local.close()


def test_hello_auth_switches_user_and_protocol(server, client, other):
    client.command("ACL", "SETUSER", "ivy", "on", ">pw", "+@all", "~*")
    client.command("CONFIG", "SET", "requirepass", "top")
    late = servers.RawClient(server.port)
    try:
        assert late.command("HELLO", "3").startswith(b"-NOAUTH HELLO must be called")
        reply = late.command("HELLO", "3", "AUTH", "ivy", "pw")
        assert reply.startswith(b"%7\r\n")
        assert late.command("ACL", "WHOAMI") == b"$3\r\nivy\r\n"
    finally:
        late.close()
        client.command("CONFIG", "SET", "requirepass", "")


def test_password_check_does_not_stall(client):
    # Hashing is per AUTH, not per command: a thousand AUTHs stay quick.
    client.command("ACL", "SETUSER", "jack", "on", ">pw", "+@all")
    started = time.monotonic()
    for _ in range(1000):
        client.send(b"AUTH jack pw\r\n")
    for _ in range(1000):
        assert client.read_reply() == b"+OK\r\n"
    assert time.monotonic() - started < 5
