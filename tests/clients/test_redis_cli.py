"""redis-cli and redis-benchmark, unchanged, against the server.

The expected outputs are what redis-cli 7.0.15 prints for Debian's
redis-server (E2E_AGAINST=redis checks them again).
"""
import os
import shutil
import subprocess
import tempfile

import pytest

import servers

REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"
REDIS_BENCHMARK = shutil.which("redis-benchmark") or "/usr/bin/redis-benchmark"

pytestmark = pytest.mark.skipif(not os.path.exists(REDIS_CLI), reason="redis-cli not installed")

SESSION = (
    b'SET a 1\n'
    b'GET a\n'
    b'INCR a\n'
    b'INCRBY a 10\n'
    b'GET missing\n'
    b'APPEND s "hello world"\n'
    b'MGET a missing s\n'
    b'EXISTS a s missing\n'
    b'TYPE s\n'
    b'INCR s\n'
    b'EXPIRE s 100\n'
    b'TTL s\n'
    b'DEL a s\n'
    b'NOSUCHCMD x\n'
    b'ECHO "tab\\there"\n'
    b'SET k v EX 0\n'
)


def run_cli(port, *args, stdin=b"", timeout=30):
    return subprocess.run([REDIS_CLI, "-p", str(port), *args], input=stdin,
                          capture_output=True, timeout=timeout)


def test_session_through_stdin_prints_raw_replies(server):
    # Without a terminal redis-cli prints raw replies; an error is followed
    # by an empty line.
    result = run_cli(server.port, stdin=SESSION)
    assert result.returncode == 0
    assert result.stdout == (
        b"OK\n"
        b"1\n"
        b"2\n"
        b"12\n"
        b"\n"
        b"11\n"
        b"12\n"
        b"\n"
        b"hello world\n"
        b"2\n"
        b"string\n"
        b"ERR value is not an integer or out of range\n"
        b"\n"
        b"1\n"
        b"100\n"
        b"2\n"
        b"ERR unknown command 'NOSUCHCMD', with args beginning with: 'x' \n"
        b"\n"
        b"tab\there\n"
        b"ERR invalid expire time in 'set' command\n"
        b"\n"
    )


def test_session_through_stdin_with_typed_replies(server):
    result = run_cli(server.port, "--no-raw", stdin=SESSION)
    assert result.returncode == 0
    assert result.stdout == (
        b'OK\n'
        b'"1"\n'
        b'(integer) 2\n'
        b'(integer) 12\n'
        b'(nil)\n'
        b'(integer) 11\n'
        b'1) "12"\n'
        b'2) (nil)\n'
        b'3) "hello world"\n'
        b'(integer) 2\n'
        b'string\n'
        b'(error) ERR value is not an integer or out of range\n'
        b'(integer) 1\n'
        b'(integer) 100\n'
        b'(integer) 2\n'
        b"(error) ERR unknown command 'NOSUCHCMD', with args beginning with: 'x' \n"
        b'"tab\\there"\n'
        b"(error) ERR invalid expire time in 'set' command\n"
    )


def test_command_as_arguments(server):
    assert run_cli(server.port, "SET", "greeting", "hi there").stdout == b"OK\n"
    assert run_cli(server.port, "GET", "greeting").stdout == b"hi there\n"
    assert run_cli(server.port, "-n", "2", "DBSIZE").stdout == b"0\n"
    assert run_cli(server.port, "PING").stdout == b"PONG\n"


def test_pipe_mass_insertion_of_100000_keys(server):
    with tempfile.TemporaryDirectory(prefix="mini-redis-clients-") as scratch:
        path = os.path.join(scratch, "mass-insert.resp")
        with open(path, "wb") as f:
            for i in range(100_000):
                key = b"key:%d" % i
                value = b"value:%d" % i
                f.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
                        % (len(key), key, len(value), value))
        with open(path, "rb") as f:
            result = subprocess.run([REDIS_CLI, "-p", str(server.port), "--pipe"],
                                    stdin=f, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert b"errors: 0, replies: 100000" in result.stdout
    c = servers.RawClient(server.port)
    assert c.command("DBSIZE") == b":100000\r\n"
    assert c.command("GET", "key:99999") == b"$11\r\nvalue:99999\r\n"
    c.close()


@pytest.mark.skipif(not os.path.exists(REDIS_BENCHMARK), reason="redis-benchmark not installed")
def test_redis_benchmark_runs_without_errors(server):
    result = subprocess.run(
        [REDIS_BENCHMARK, "-p", str(server.port), "-q", "-n", "10000",
         "-t", "ping,set,get,incr,mset"],
        capture_output=True, timeout=300)
    output = (result.stdout + result.stderr).decode(errors="replace")
    assert result.returncode == 0, output
    assert "ERR" not in output, output
    assert "error" not in output.lower(), output
    # The final line of each test (the live progress lines end in \r).
    finals = [line.strip() for line in output.replace("\r", "\n").split("\n")
              if "requests per second" in line]
    for name in ("PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET (10 keys)"):
        assert any(line.startswith(name + ":") for line in finals), (name, output)
