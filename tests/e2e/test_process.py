"""The process: command line, config file, signals, unix socket."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

import servers
from servers import AGAINST_REDIS

# Our own command line texts (--help) differ from redis-server's.
mini_redis_only = pytest.mark.skipif(AGAINST_REDIS, reason="mini-redis specific")

BINARY = servers.REDIS_SERVER if AGAINST_REDIS else servers.MINI_REDIS


def config_file_argv(path):
    """Starts the server from a config file alone (plus, for Redis, no persistence)."""
    if AGAINST_REDIS:
        return [BINARY, path, "--save", "", "--appendonly", "no"]
    return [BINARY, path]


@pytest.fixture
def scratch_dir():
    # Short path under /tmp: a unix socket path must fit in 108 bytes.
    path = tempfile.mkdtemp(prefix="mini-redis-e2e-", dir="/tmp")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_sigterm_exits_zero_promptly(start_server):
    server = start_server()
    idle = servers.RawClient(server.port)  # an open connection must not hold it up
    assert idle.command("SET", "k", "v") == b"+OK\r\n"
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=5) == 0
    idle.close()


def test_sigint_exits_zero_promptly(start_server):
    server = start_server()
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=5) == 0


@mini_redis_only
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_prints_usage_and_exits_zero(flag):
    result = subprocess.run([BINARY, flag], capture_output=True, timeout=5)
    assert result.returncode == 0
    assert b"Usage" in result.stdout + result.stderr
    assert b"--port" in result.stdout + result.stderr


@mini_redis_only
@pytest.mark.parametrize("flag", ["--version", "-v"])
def test_version_prints_version_and_exits_zero(flag):
    result = subprocess.run([BINARY, flag], capture_output=True, timeout=5)
    assert result.returncode == 0
    assert b"v=" in result.stdout


def test_config_file_sets_port_bind_and_hz(scratch_dir):
    port = servers.free_port()
    path = os.path.join(scratch_dir, "mini-redis.conf")
    with open(path, "w") as f:
        f.write("# a comment, then the directives\n"
                f"port {port}\n"
                "bind 127.0.0.1\n"
                "\n"
                "hz 50\n")
    with servers.Server(config_file_argv(path), port) as server:
        c = servers.RawClient(server.port)
        assert c.command("CONFIG", "GET", "hz") == b"*2\r\n$2\r\nhz\r\n$2\r\n50\r\n"
        assert c.command("CONFIG", "GET", "port") == (
            b"*2\r\n$4\r\nport\r\n$%d\r\n%d\r\n" % (len(str(port)), port))
        c.close()


def test_flags_after_the_config_file_override_it(scratch_dir):
    port = servers.free_port()
    path = os.path.join(scratch_dir, "mini-redis.conf")
    with open(path, "w") as f:
        f.write(f"port {port}\nbind 127.0.0.1\nhz 50\n")
    with servers.Server(config_file_argv(path) + ["--hz", "20"], port) as server:
        c = servers.RawClient(server.port)
        assert c.command("CONFIG", "GET", "hz") == b"*2\r\n$2\r\nhz\r\n$2\r\n20\r\n"
        c.close()


def test_unknown_config_directive_fails_start_naming_the_line(scratch_dir):
    path = os.path.join(scratch_dir, "bad.conf")
    with open(path, "w") as f:
        f.write(f"port {servers.free_port()}\nfoobar 12\n")
    result = subprocess.run(config_file_argv(path), capture_output=True, timeout=5)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert b"FATAL CONFIG FILE ERROR" in output
    assert b"line 2" in output
    assert b"foobar" in output


def test_unknown_flag_fails_start(scratch_dir):
    result = subprocess.run([BINARY, "--port", str(servers.free_port()), "--foobar", "1"],
                            capture_output=True, timeout=5)
    assert result.returncode != 0
    assert b"foobar" in result.stdout + result.stderr


def test_missing_config_file_fails_start(scratch_dir):
    result = subprocess.run([BINARY, os.path.join(scratch_dir, "absent.conf")],
                            capture_output=True, timeout=5)
    assert result.returncode != 0
    assert b"absent.conf" in result.stdout + result.stderr


def test_unix_socket_serves_commands(start_server, scratch_dir):
    path = os.path.join(scratch_dir, "redis.sock")
    server = start_server("--unixsocket", path)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(path)
        s.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nu\r\n$1\r\n1\r\nGET u\r\n")
        expected = b"+OK\r\n$1\r\n1\r\n"
        data = b""
        deadline = time.monotonic() + 5
        while len(data) < len(expected) and time.monotonic() < deadline:
            chunk = s.recv(64)
            if not chunk:
                break
            data += chunk
        assert data == expected
    # The same keyspace over TCP.
    c = servers.RawClient(server.port)
    assert c.command("GET", "u") == b"$1\r\n1\r\n"
    c.close()
