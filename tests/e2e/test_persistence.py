"""RDB snapshots with real processes: restarts, SAVE / BGSAVE, save points,
shutdown, failures, and files moving between mini-redis and redis-server.

Every server here runs in a temp directory of its own (tmp_path), started
with `--dir` pointing there; restarting "the same server" means starting a
new process on the same directory. With E2E_AGAINST=redis the server under
test is Debian's redis-server, which checks that the tests expect what Redis
does; the interoperability tests always run both."""
import os
import re
import shutil
import signal
import subprocess

import pytest

import servers
from servers import RawClient, wait_for

BINARY = servers.REDIS_SERVER if servers.AGAINST_REDIS else servers.MINI_REDIS
CHECK_RDB = shutil.which("redis-check-rdb") or "/usr/bin/redis-check-rdb"


def start(binary, directory, *extra):
    port = servers.free_port()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
            "--appendonly", "no", *extra]
    return servers.Server(argv, port, cwd=str(directory))


def info_field(client, name):
    return servers.info_field(client, "persistence", name)


def fill_every_type(c):
    """One key of each type in each of its encodings, a TTL and a second database."""
    assert c.command("SET", "str", "hello") == b"+OK\r\n"
    c.command("SET", "int", "12345")
    c.command("SET", "long", "x" * 300)
    c.command("SET", "ttl", "soon", "EX", "1000")
    c.command("RPUSH", "list", "a", "b", "c")
    c.command("RPUSH", "biglist", *[f"item{i}" for i in range(1000)])
    c.command("HSET", "hash", "f1", "v1", "f2", "v2")
    c.command("HSET", "bighash", *[x for i in range(600) for x in (f"f{i}", f"v{i}")])
    c.command("SADD", "ints", 1, 2, 3)
    c.command("SADD", "words", "a", "b", "c")
    c.command("ZADD", "zset", 1, "one", 2.5, "two")
    c.command("ZADD", "bigzset", *[x for i in range(200) for x in (i, f"m{i}")])
    c.command("PFADD", "hll", "a", "b", "c")
    c.command("SELECT", 3)
    c.command("SET", "in-db-3", "yes")
    c.command("SELECT", 0)


def check_every_type(c):
    assert c.command("GET", "str") == b"$5\r\nhello\r\n"
    assert c.command("GET", "int") == b"$5\r\n12345\r\n"
    assert c.command("OBJECT", "ENCODING", "int") == b"$3\r\nint\r\n"
    assert c.command("STRLEN", "long") == b":300\r\n"
    ttl = int(c.command("TTL", "ttl")[1:-2])
    assert 990 <= ttl <= 1000
    assert c.command("LRANGE", "list", 0, -1) == b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"
    assert c.command("LLEN", "biglist") == b":1000\r\n"
    assert c.command("LINDEX", "biglist", 999) == b"$7\r\nitem999\r\n"
    assert c.command("HGET", "hash", "f2") == b"$2\r\nv2\r\n"
    assert c.command("HLEN", "bighash") == b":600\r\n"
    assert c.command("HGET", "bighash", "f599") == b"$4\r\nv599\r\n"
    assert c.command("SMISMEMBER", "ints", 1, 2, 3, 4) == b"*4\r\n:1\r\n:1\r\n:1\r\n:0\r\n"
    assert c.command("SCARD", "words") == b":3\r\n"
    assert c.command("ZSCORE", "zset", "two") == b"$3\r\n2.5\r\n"
    assert c.command("ZCARD", "bigzset") == b":200\r\n"
    assert c.command("ZSCORE", "bigzset", "m199") == b"$3\r\n199\r\n"
    assert c.command("PFCOUNT", "hll") == b":3\r\n"
    for key, encoding in [("list", b"quicklist"), ("hash", b"listpack"),
                          ("bighash", b"hashtable"), ("ints", b"intset"), ("words", b"hashtable"),
                          ("zset", b"listpack"), ("bigzset", b"skiplist")]:
        assert c.command("OBJECT", "ENCODING", key) == b"$%d\r\n%s\r\n" % (len(encoding), encoding)
    assert c.command("DBSIZE") == b":13\r\n"
    c.command("SELECT", 3)
    assert c.command("GET", "in-db-3") == b"$3\r\nyes\r\n"
    c.command("SELECT", 0)


def test_a_restart_keeps_every_type_ttl_and_database(tmp_path):
    # SHUTDOWN with the default save points saves; the next start loads.
    with start(BINARY, tmp_path) as first:
        c = RawClient(first.port)
        fill_every_type(c)
        c.send(b"SHUTDOWN\r\n")
        assert c.closed_by_peer(timeout=10)
        first.process.wait(timeout=10)
    assert (tmp_path / "dump.rdb").exists()
    with start(BINARY, tmp_path) as second:
        c = RawClient(second.port)
        check_every_type(c)
        assert info_field(c, "rdb_last_load_keys_loaded") == "14"


def test_sigterm_saves_when_save_points_are_set(tmp_path):
    with start(BINARY, tmp_path) as server:
        RawClient(server.port).command("SET", "k", "v")
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=10) == 0
    with start(BINARY, tmp_path) as server:
        assert RawClient(server.port).command("GET", "k") == b"$1\r\nv\r\n"


def test_shutdown_nosave_and_save_off_write_nothing(tmp_path):
    with start(BINARY, tmp_path) as server:
        c = RawClient(server.port)
        c.command("SET", "k", "v")
        c.send(b"SHUTDOWN NOSAVE\r\n")
        assert c.closed_by_peer(timeout=10)
    with start(BINARY, tmp_path, "--save", "") as server:
        RawClient(server.port).command("SET", "k", "v")
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=10)
    assert not (tmp_path / "dump.rdb").exists()


def test_save_then_kill_9_keeps_what_was_saved(tmp_path):
    with start(BINARY, tmp_path, "--save", "") as server:
        c = RawClient(server.port)
        c.command("SET", "saved", "1")
        before = int(c.command("LASTSAVE")[1:-2])
        assert c.command("SAVE") == b"+OK\r\n"
        assert int(c.command("LASTSAVE")[1:-2]) >= before
        assert info_field(c, "rdb_changes_since_last_save") == "0"
        c.command("SET", "lost", "1")
        assert info_field(c, "rdb_changes_since_last_save") == "1"
        server.process.kill()
        server.process.wait()
    with start(BINARY, tmp_path, "--save", "") as server:
        c = RawClient(server.port)
        assert c.command("GET", "saved") == b"$1\r\n1\r\n"
        assert c.command("EXISTS", "lost") == b":0\r\n"


def test_bgsave_writes_in_a_child_and_reports_it(tmp_path):
    with start(BINARY, tmp_path, "--save", "") as server:
        c = RawClient(server.port)
        for i in range(1000):
            c.send(b"*3\r\n$3\r\nSET\r\n$%d\r\nkey:%d\r\n$1\r\nv\r\n" % (len(str(i)) + 4, i))
        for _ in range(1000):
            c.read_reply()
        assert c.command("BGSAVE") == b"+Background saving started\r\n"
        assert wait_for(lambda: info_field(c, "rdb_bgsave_in_progress") == "0", 10)
        assert info_field(c, "rdb_last_bgsave_status") == "ok"
        assert info_field(c, "rdb_changes_since_last_save") == "0"
        # The server kept answering while the child wrote.
        assert c.command("PING") == b"+PONG\r\n"
        stats = c.command("INFO", "stats").decode()
        assert "\r\ntotal_forks:1\r\n" in stats, stats
        assert int(re.search(r"\r\nlatest_fork_usec:(\d+)\r\n", stats).group(1)) > 0
    check = subprocess.run([CHECK_RDB, str(tmp_path / "dump.rdb")], capture_output=True, text=True)
    assert "RDB looks OK" in check.stdout, check.stdout + check.stderr
    assert "1000 keys read" in check.stdout, check.stdout


def test_save_points_start_a_bgsave(tmp_path):
    with start(BINARY, tmp_path, "--save", "1 1") as server:
        c = RawClient(server.port)
        c.command("SET", "k", "v")
        assert wait_for(lambda: (tmp_path / "dump.rdb").exists(), 5)
        assert wait_for(lambda: info_field(c, "rdb_changes_since_last_save") == "0", 5)


def test_a_failed_bgsave_stops_writes_with_misconf(tmp_path):
    # The file's name is taken by a directory: the child's rename fails.
    with start(BINARY, tmp_path, "--save", "3600 1", "--dbfilename", "blocked.rdb") as server:
        (tmp_path / "blocked.rdb").mkdir()
        c = RawClient(server.port)
        c.command("SET", "k", "v")
        assert c.command("BGSAVE") == b"+Background saving started\r\n"
        assert wait_for(lambda: info_field(c, "rdb_bgsave_in_progress") == "0", 10)
        assert info_field(c, "rdb_last_bgsave_status") == "err"
        assert c.command("SET", "k", "w").startswith(b"-MISCONF Redis is configured to save")
        assert c.command("GET", "k") == b"$1\r\nv\r\n"
        assert c.command("SAVE") == b"-ERR\r\n"
        # A shutdown that cannot save leaves the server up.
        assert c.command("SHUTDOWN") == b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n"
        assert c.command("CONFIG", "SET", "stop-writes-on-bgsave-error", "no") == b"+OK\r\n"
        assert c.command("SET", "k", "w") == b"+OK\r\n"
        (tmp_path / "blocked.rdb").rmdir()
        assert c.command("SAVE") == b"+OK\r\n"
        assert c.command("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes") == b"+OK\r\n"
        assert c.command("SET", "k", "x") == b"+OK\r\n"


def test_a_corrupt_file_stops_the_start(tmp_path):
    with start(BINARY, tmp_path, "--save", "") as server:
        c = RawClient(server.port)
        c.command("SET", "k", "v" * 100)
        assert c.command("SAVE") == b"+OK\r\n"
    data = bytearray((tmp_path / "dump.rdb").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "dump.rdb").write_bytes(bytes(data))
    port = servers.free_port()
    run = subprocess.run([BINARY, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path)],
                         capture_output=True, timeout=10, cwd=str(tmp_path))
    assert run.returncode != 0


def test_flushall_with_save_points_saves_the_empty_dataset(tmp_path):
    with start(BINARY, tmp_path, "--save", "3600 1") as server:
        c = RawClient(server.port)
        c.command("SET", "k", "v")
        assert c.command("SAVE") == b"+OK\r\n"
        assert c.command("FLUSHALL") == b"+OK\r\n"
        assert info_field(c, "rdb_changes_since_last_save") == "0"
        server.process.kill()
        server.process.wait()
    with start(BINARY, tmp_path, "--save", "") as server:
        assert RawClient(server.port).command("DBSIZE") == b":0\r\n"


@pytest.mark.skipif(servers.AGAINST_REDIS, reason="needs both servers")
@pytest.mark.parametrize("writer,reader", [("mini", "redis"), ("redis", "mini")])
def test_files_move_between_mini_redis_and_redis(tmp_path, writer, reader):
    binaries = {"mini": servers.MINI_REDIS, "redis": servers.REDIS_SERVER}
    with start(binaries[writer], tmp_path, "--save", "") as server:
        c = RawClient(server.port)
        fill_every_type(c)
        assert c.command("SAVE") == b"+OK\r\n"
    check = subprocess.run([CHECK_RDB, str(tmp_path / "dump.rdb")], capture_output=True, text=True)
    assert "RDB looks OK" in check.stdout, check.stdout + check.stderr
    with start(binaries[reader], tmp_path, "--save", "") as server:
        check_every_type(RawClient(server.port))


@pytest.mark.skipif(servers.AGAINST_REDIS, reason="needs both servers")
def test_dump_payloads_move_between_mini_redis_and_redis(tmp_path):
    keys = ["str", "int", "long", "list", "biglist", "hash", "bighash", "ints", "words", "zset",
            "bigzset", "hll"]
    (tmp_path / "mini").mkdir()
    (tmp_path / "redis").mkdir()
    with start(servers.MINI_REDIS, tmp_path / "mini", "--save", "") as mini, \
            start(servers.REDIS_SERVER, tmp_path / "redis", "--save", "") as redis:
        m, r = RawClient(mini.port), RawClient(redis.port)
        fill_every_type(m)
        fill_every_type(r)
        for key in keys:
            from_redis = r.command("DUMP", key)
            from_mini = m.command("DUMP", key)
            # Small values and listpacks are the same bytes; a hashtable's
            # order is its own, so only its restore is compared.
            if key not in ("bighash", "words"):
                assert from_mini == from_redis, key
            payload = from_redis[from_redis.index(b"\r\n") + 2:-2]
            assert m.command("RESTORE", key + ":r", 0, payload) == b"+OK\r\n", key
            payload = from_mini[from_mini.index(b"\r\n") + 2:-2]
            assert r.command("RESTORE", key + ":m", 0, payload) == b"+OK\r\n", key
        for client, suffix in ((m, ":r"), (r, ":m")):
            assert client.command("HGET", "bighash" + suffix, "f599") == b"$4\r\nv599\r\n"
            assert client.command("ZSCORE", "bigzset" + suffix, "m199") == b"$3\r\n199\r\n"
            assert client.command("SCARD", "words" + suffix) == b":3\r\n"
            assert client.command("LINDEX", "biglist" + suffix, 999) == b"$7\r\nitem999\r\n"


def access_history(c, policy):
    """OBJECT FREQ of `hot` under LFU, OBJECT IDLETIME of `cold` under LRU."""
    if policy.endswith("lfu"):
        return int(c.command("OBJECT", "FREQ", "hot")[1:-2])
    return int(c.command("OBJECT", "IDLETIME", "cold")[1:-2])


@pytest.mark.parametrize("policy", ["allkeys-lfu", "volatile-lru"])
@pytest.mark.parametrize("reader", ["same", "other"])
def test_access_history_is_saved_under_lru_and_lfu_policies(tmp_path, policy, reader):
    # Under an LRU or LFU maxmemory-policy the file keeps each key's idle
    # time or access counter (opcodes IDLE / FREQ), so a restart does not
    # make every key look freshly used to the eviction that follows.
    if reader == "other" and servers.AGAINST_REDIS:
        pytest.skip("needs both servers")
    other = servers.REDIS_SERVER if BINARY == servers.MINI_REDIS else servers.MINI_REDIS
    with start(BINARY, tmp_path, "--save", "", "--maxmemory-policy", policy) as server:
        c = RawClient(server.port)
        c.command("SET", "hot", "v")
        c.command("SET", "cold", "v")
        if policy.endswith("lfu"):
            for _ in range(100):
                c.command("GET", "hot")
            assert access_history(c, policy) > 5  # a new key starts at 5
        else:
            assert wait_for(lambda: access_history(c, policy) >= 2, 5)
        before = access_history(c, policy)
        assert c.command("SAVE") == b"+OK\r\n"
    check = subprocess.run([CHECK_RDB, str(tmp_path / "dump.rdb")], capture_output=True, text=True)
    assert "RDB looks OK" in check.stdout, check.stdout + check.stderr
    binary = BINARY if reader == "same" else other
    with start(binary, tmp_path, "--save", "", "--maxmemory-policy", policy) as server:
        after = access_history(RawClient(server.port), policy)
        if policy.endswith("lfu"):
            assert after == before
        else:
            assert before <= after <= before + 3
