"""The append-only file with real processes: what is acknowledged survives
kill -9, replays give back the same data, rewrites keep it, a torn tail is
handled as aof-load-truncated says, and the directory moves between
mini-redis and redis-server in both directions.

Every server runs in a temp directory of its own (tmp_path). With
E2E_AGAINST=redis the server under test is Debian's redis-server, which
checks that these tests expect what Redis does."""
import shutil
import signal
import subprocess
import time

import pytest

import servers
from servers import RawClient, wait_for

BINARY = servers.REDIS_SERVER if servers.AGAINST_REDIS else servers.MINI_REDIS
CHECK_AOF = shutil.which("redis-check-aof") or "/usr/bin/redis-check-aof"


def start(binary, directory, *extra):
    port = servers.free_port()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
            "--save", "", "--appendonly", "yes", *extra]
    return servers.Server(argv, port, cwd=str(directory))


def info_field(client, name):
    return servers.info_field(client, "persistence", name)


def pipeline(client, commands):
    """Sends every command at once, then reads every reply."""
    parts = []
    for args in commands:
        parts.append(b"*%d\r\n" % len(args))
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    client.send(b"".join(parts))
    return [client.read_reply() for _ in commands]


def test_acknowledged_writes_survive_kill_9_under_always(tmp_path):
    acknowledged = 0
    with start(BINARY, tmp_path, "--appendfsync", "always") as server:
        c = RawClient(server.port)
        for batch in range(20):
            replies = pipeline(c, [("INCR", "counter")] + [("SET", f"k{batch}:{i}", i) for i in range(50)])
            assert replies[0] == b":%d\r\n" % (batch + 1)
            acknowledged = batch + 1
        server.process.kill()
        server.process.wait()
    with start(BINARY, tmp_path) as server:
        c = RawClient(server.port)
        assert c.command("GET", "counter") == b"$%d\r\n%d\r\n" % (len(str(acknowledged)), acknowledged)
        assert c.command("DBSIZE") == b":%d\r\n" % (1 + 20 * 50)


def test_replay_gives_back_effects_not_requests(tmp_path):
    with start(BINARY, tmp_path, "--appendfsync", "always") as server:
        c = RawClient(server.port)
        c.command("SET", "ttl", "v", "EX", 1000)
        c.command("SET", "short", "v", "PX", 300)
        c.command("SADD", "s", *range(10))
        popped = c.command("SPOP", "s", 3)
        c.command("EVAL", "redis.call('set', KEYS[1], 'from-script'); return redis.call('incr', KEYS[2])",
                  2, "scripted", "n")
        c.command("MULTI")
        c.command("SELECT", 5)
        c.command("RPUSH", "l", "a", "b")
        c.command("EXEC")
        c.command("SELECT", 0)
        members = c.command("SMEMBERS", "s")
        server.process.kill()
        server.process.wait()
    # Restarted later: the relative TTLs were logged as absolute times, so
    # the short one is gone for good and the long one kept counting down.
    time.sleep(0.5)
    with start(BINARY, tmp_path) as server:
        c = RawClient(server.port)
        ttl = int(c.command("TTL", "ttl")[1:-2])
        assert 990 <= ttl <= 1000
        assert c.command("EXISTS", "short") == b":0\r\n"
        assert c.command("SCARD", "s") == b":7\r\n"
        assert sorted(c.command("SMEMBERS", "s").split(b"\r\n")) == sorted(members.split(b"\r\n"))
        assert popped.startswith(b"*3\r\n")
        assert c.command("GET", "scripted") == b"$11\r\nfrom-script\r\n"
        assert c.command("GET", "n") == b"$1\r\n1\r\n"
        c.command("SELECT", 5)
        assert c.command("LRANGE", "l", 0, -1) == b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"


def test_bgrewriteaof_keeps_the_data_and_retires_old_files(tmp_path):
    with start(BINARY, tmp_path) as server:
        c = RawClient(server.port)
        pipeline(c, [("SET", f"key:{i}", i) for i in range(2000)])
        pipeline(c, [("DEL", f"key:{i}") for i in range(1000)])
        assert info_field(c, "aof_enabled") == "1"
        assert c.command("BGREWRITEAOF") == b"+Background append only file rewriting started\r\n"
        c.command("SET", "during", "rewrite")
        assert wait_for(lambda: info_field(c, "aof_rewrite_in_progress") == "0", 10)
        assert info_field(c, "aof_last_bgrewrite_status") == "ok"
        c.command("SET", "after", "rewrite")
        manifest = (tmp_path / "appendonlydir" / "appendonly.aof.manifest").read_text()
        assert "seq 2 type b" in manifest and "type h" not in manifest, manifest
        assert not (tmp_path / "appendonlydir" / "appendonly.aof.1.base.rdb").exists()
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=10)
    check = subprocess.run([CHECK_AOF, str(tmp_path / "appendonlydir" / "appendonly.aof.manifest")],
                           capture_output=True, text=True)
    assert "All AOF files and manifest are valid" in check.stdout, check.stdout + check.stderr
    with start(BINARY, tmp_path) as server:
        c = RawClient(server.port)
        assert c.command("DBSIZE") == b":1002\r\n"
        assert c.command("GET", "key:1999") == b"$4\r\n1999\r\n"
        assert c.command("GET", "during") == b"$7\r\nrewrite\r\n"


@pytest.mark.parametrize("truncated_ok", [True, False])
def test_a_torn_last_command_follows_aof_load_truncated(tmp_path, truncated_ok):
    with start(BINARY, tmp_path) as server:
        c = RawClient(server.port)
        c.command("SET", "kept", "1")
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=10)
    incr = tmp_path / "appendonlydir" / "appendonly.aof.1.incr.aof"
    with open(incr, "ab") as f:
        f.write(b"*3\r\n$3\r\nSET\r\n$4\r\nlost\r\n$1")  # a crash mid-write
    flag = "yes" if truncated_ok else "no"
    if truncated_ok:
        with start(BINARY, tmp_path, "--aof-load-truncated", flag) as server:
            c = RawClient(server.port)
            assert c.command("GET", "kept") == b"$1\r\n1\r\n"
            assert c.command("EXISTS", "lost") == b":0\r\n"
        assert not incr.read_bytes().endswith(b"$1")  # the torn tail was cut off
    else:
        port = servers.free_port()
        run = subprocess.run([BINARY, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path),
                              "--save", "", "--appendonly", "yes", "--aof-load-truncated", "no"],
                             capture_output=True, timeout=10, cwd=str(tmp_path))
        assert run.returncode != 0


def test_config_set_appendonly_yes_starts_from_the_current_dataset(tmp_path):
    with start(BINARY, tmp_path, "--appendonly", "no") as server:
        c = RawClient(server.port)
        c.command("SET", "before", "1")
        assert c.command("CONFIG", "SET", "appendonly", "yes") == b"+OK\r\n"
        assert wait_for(lambda: info_field(c, "aof_rewrite_in_progress") == "0"
                        and info_field(c, "aof_enabled") == "1", 10)
        c.command("SET", "after", "2")
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=10)
    with start(BINARY, tmp_path) as server:
        c = RawClient(server.port)
        assert c.command("MGET", "before", "after") == b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n"


def test_until_the_first_rewrite_ends_no_manifest_names_the_new_writes(tmp_path):
    # Redis's AOF_WAIT_REWRITE. An older AOF directory is there (appendonly
    # was on once, then off); CONFIG SET appendonly yes starts a rewrite that
    # rdb-key-save-delay keeps busy. Meanwhile writes go to a temporary incr
    # file and the manifest on disk stays the old one: a crash now would
    # never pair the old base with the new writes.
    with start(BINARY, tmp_path) as server:
        c = RawClient(server.port)
        c.command("SET", "old", "1")
        assert c.command("CONFIG", "SET", "appendonly", "no") == b"+OK\r\n"
    manifest = tmp_path / "appendonlydir" / "appendonly.aof.manifest"
    old_manifest = manifest.read_bytes()
    with start(BINARY, tmp_path, "--appendonly", "no") as server:
        c = RawClient(server.port)
        pipeline(c, [("SET", f"k{i}", i) for i in range(20)])
        c.command("CONFIG", "SET", "rdb-key-save-delay", "100000")  # 0.1 s a key: ~2 s
        assert c.command("CONFIG", "SET", "appendonly", "yes") == b"+OK\r\n"
        assert c.command("SET", "during", "1") == b"+OK\r\n"
        assert info_field(c, "aof_enabled") == "1"
        assert info_field(c, "aof_rewrite_in_progress") == "1"
        assert manifest.read_bytes() == old_manifest
        assert (tmp_path / "appendonlydir" / "temp-appendonly.aof.incr").stat().st_size > 0
        # Stopping now would leave the dataset in no AOF: refused, as Redis does.
        assert c.command("SHUTDOWN", "NOSAVE") == b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n"
        assert wait_for(lambda: info_field(c, "aof_rewrite_in_progress") == "0", 15)
        assert info_field(c, "aof_last_bgrewrite_status") == "ok"
        assert not (tmp_path / "appendonlydir" / "temp-appendonly.aof.incr").exists()
        listed = manifest.read_text()
        assert "type b" in listed and "type i" in listed and "appendonly.aof.1." not in listed
        c.command("SET", "after", "1")
    with start(BINARY, tmp_path) as server:
        c = RawClient(server.port)
        assert c.command("MGET", "old", "k19", "during", "after") == (
            b"*4\r\n$-1\r\n$2\r\n19\r\n$1\r\n1\r\n$1\r\n1\r\n")


def test_shutdown_force_exits_even_while_the_first_rewrite_runs(tmp_path):
    with start(BINARY, tmp_path, "--appendonly", "no") as server:
        c = RawClient(server.port)
        pipeline(c, [("SET", f"k{i}", i) for i in range(20)])
        c.command("CONFIG", "SET", "rdb-key-save-delay", "100000")
        c.command("CONFIG", "SET", "appendonly", "yes")
        with pytest.raises((ConnectionError, OSError)):
            reply = c.command("SHUTDOWN", "NOSAVE", "FORCE")
            raise AssertionError(reply)  # a shutdown that happens sends no reply
        assert server.process.wait(timeout=10) == 0


@pytest.mark.skipif(servers.AGAINST_REDIS, reason="needs both servers")
@pytest.mark.parametrize("writer,reader", [("mini", "redis"), ("redis", "mini")])
@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_the_aof_directory_moves_between_mini_redis_and_redis(tmp_path, writer, reader, preamble):
    # With aof-use-rdb-preamble no the rewritten base file is commands
    # (appendonly.aof.2.base.aof) rather than an RDB file.
    binaries = {"mini": servers.MINI_REDIS, "redis": servers.REDIS_SERVER}
    with start(binaries[writer], tmp_path, "--aof-use-rdb-preamble", preamble) as server:
        c = RawClient(server.port)
        c.command("SET", "a", "1", "EX", 1000)
        c.command("HSET", "h", "f", "v")
        c.command("ZADD", "z", 1.5, "m", 0.1, "tenth")
        c.command("SADD", "s", *range(100))
        c.command("RPUSH", "long", *[f"e{i}" for i in range(200)])
        assert c.command("BGREWRITEAOF").startswith(b"+Background append only file rewriting")
        assert wait_for(lambda: info_field(c, "aof_rewrite_in_progress") == "0", 10)
        base = "appendonly.aof.2.base." + ("rdb" if preamble == "yes" else "aof")
        assert (tmp_path / "appendonlydir" / base).exists()
        c.command("RPUSH", "l", "x", "y")
        c.command("SELECT", 2)
        c.command("SET", "in-2", "yes")
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=10)
    check = subprocess.run([CHECK_AOF, str(tmp_path / "appendonlydir" / "appendonly.aof.manifest")],
                           capture_output=True, text=True)
    assert "All AOF files and manifest are valid" in check.stdout, check.stdout + check.stderr
    with start(binaries[reader], tmp_path) as server:
        c = RawClient(server.port)
        assert 990 <= int(c.command("TTL", "a")[1:-2]) <= 1000
        assert c.command("HGET", "h", "f") == b"$1\r\nv\r\n"
        assert c.command("ZSCORE", "z", "m") == b"$3\r\n1.5\r\n"
        # 7.0 prints scores with 17 digits: the same double either way.
        assert c.command("ZSCORE", "z", "tenth") == b"$19\r\n0.10000000000000001\r\n"
        assert c.command("SCARD", "s") == b":100\r\n"
        assert c.command("LINDEX", "long", 199) == b"$4\r\ne199\r\n"
        assert c.command("LLEN", "long") == b":200\r\n"
        assert c.command("LRANGE", "l", 0, -1) == b"*2\r\n$1\r\nx\r\n$1\r\ny\r\n"
        c.command("SELECT", 2)
        assert c.command("GET", "in-2") == b"$3\r\nyes\r\n"


def test_a_shutdown_that_cannot_save_keeps_the_aof_going(tmp_path):
    # The final RDB save fails (its name is taken by a directory): the server
    # stays up, and what it is told next must still reach the AOF.
    with start(BINARY, tmp_path, "--save", "3600 1", "--dbfilename", "blocked.rdb") as server:
        (tmp_path / "blocked.rdb").mkdir()
        c = RawClient(server.port)
        c.command("SET", "before", "1")
        assert c.command("SHUTDOWN") == b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n"
        assert c.command("SET", "after", "2") == b"+OK\r\n"
        server.process.kill()
        server.process.wait()
    (tmp_path / "blocked.rdb").rmdir()
    with start(BINARY, tmp_path) as server:
        c = RawClient(server.port)
        assert c.command("MGET", "before", "after") == b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n"


def test_redis_set_repl_keeps_writes_out_of_the_aof(tmp_path):
    script = ("redis.set_repl(redis.REPL_NONE) redis.call('set', 'none', 1) "
              "redis.set_repl(redis.REPL_REPLICA) redis.call('set', 'replica', 1) "
              "redis.set_repl(redis.REPL_AOF) redis.call('set', 'aof', 1) "
              "redis.set_repl(redis.REPL_ALL) redis.call('set', 'all', 1)")
    with start(BINARY, tmp_path, "--appendfsync", "always") as server:
        c = RawClient(server.port)
        assert c.command("EVAL", script, 0) == b"$-1\r\n"
        assert c.command("MGET", "none", "replica", "aof", "all") == b"*4\r\n" + b"$1\r\n1\r\n" * 4
        server.process.kill()
        server.process.wait()
    with start(BINARY, tmp_path) as server:
        c = RawClient(server.port)
        assert c.command("MGET", "none", "replica", "aof", "all") == (
            b"*4\r\n$-1\r\n$-1\r\n$1\r\n1\r\n$1\r\n1\r\n")


def resp_commands(*commands):
    return b"".join(servers.encode_command(*args) for args in commands)


@pytest.mark.parametrize("preamble", [False, True])
def test_a_single_file_aof_from_redis_6_is_taken_over(tmp_path, preamble):
    # Before Redis 7 the AOF was one file in `dir`: an RDB preamble (with
    # aof-use-rdb-preamble) and the commands logged after it. At start it
    # becomes the base of a manifest in appendonlydir, under its own name.
    old = b""
    if preamble:
        (tmp_path / "rdb").mkdir()
        with start(BINARY, tmp_path / "rdb", "--appendonly", "no") as server:
            c = RawClient(server.port)
            c.command("SET", "from-rdb", "r")
            c.command("SAVE")
        old = (tmp_path / "rdb" / "dump.rdb").read_bytes()
    old += resp_commands(("SELECT", "0"), ("SET", "a", "1"), ("RPUSH", "l", "x", "y"))
    (tmp_path / "appendonly.aof").write_bytes(old)
    log = tmp_path / "server.log"
    with start(BINARY, tmp_path, "--logfile", str(log)) as server:
        c = RawClient(server.port)
        assert c.command("GET", "a") == b"$1\r\n1\r\n"
        assert c.command("LLEN", "l") == b":2\r\n"
        if preamble:
            assert c.command("GET", "from-rdb") == b"$1\r\nr\r\n"
        c.command("SET", "b", "2")
    assert ("Successfully migrated an old-style AOF file (appendonly.aof) into the AOF "
            "directory (appendonlydir).") in log.read_text()
    assert not (tmp_path / "appendonly.aof").exists()
    assert (tmp_path / "appendonlydir" / "appendonly.aof").read_bytes() == old
    manifest = (tmp_path / "appendonlydir" / "appendonly.aof.manifest").read_text()
    assert manifest.startswith("file appendonly.aof seq 1 type b\n")
    with start(BINARY, tmp_path) as server:
        assert RawClient(server.port).command("MGET", "a", "b") == (
            b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n")


def test_an_interrupted_single_file_upgrade_is_finished(tmp_path):
    # The manifest was written, the old file not moved yet (a crash between).
    (tmp_path / "appendonly.aof").write_bytes(resp_commands(("SET", "a", "1")))
    (tmp_path / "appendonlydir").mkdir()
    (tmp_path / "appendonlydir" / "appendonly.aof.manifest").write_text(
        "file appendonly.aof seq 1 type b\n")
    with start(BINARY, tmp_path) as server:
        assert RawClient(server.port).command("GET", "a") == b"$1\r\n1\r\n"
    assert (tmp_path / "appendonlydir" / "appendonly.aof").exists()


def test_shutdown_force_exits_when_the_final_save_fails(tmp_path):
    with start(BINARY, tmp_path, "--save", "3600 1", "--dbfilename", "blocked.rdb") as server:
        (tmp_path / "blocked.rdb").mkdir()
        c = RawClient(server.port)
        c.command("SET", "k", "1")
        with pytest.raises((ConnectionError, OSError)):
            reply = c.command("SHUTDOWN", "FORCE")
            raise AssertionError(reply)
        assert server.process.wait(timeout=10) == 0


# ---- a disk that refuses writes -------------------------------------------------
# A full disk is simulated with the file size limit (RLIMIT_FSIZE): a write
# past it fails with EFBIG, as one past the end of a full disk fails with
# ENOSPC. SIGXFSZ, which would otherwise kill the process at that moment, is
# ignored by the shell before it becomes the server (an ignored signal stays
# ignored across exec).

def start_limitable(directory, *extra):
    port = servers.free_port()
    argv = ["sh", "-c", 'trap "" XFSZ; exec "$0" "$@"', BINARY, "--port", str(port),
            "--bind", "127.0.0.1", "--dir", str(directory), "--save", "", "--appendonly", "yes",
            *extra]
    return servers.Server(argv, port, cwd=str(directory))


def incr_file_size(directory):
    (incr,) = (directory / "appendonlydir").glob("*.incr.aof")
    return incr.stat().st_size


def limit_file_size(pid, limit):
    import resource
    # Only the soft limit: lowering the hard one could not be undone.
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))


def test_a_failed_write_refuses_writes_until_it_succeeds_under_everysec(tmp_path):
    import resource
    with start_limitable(tmp_path, "--appendfsync", "everysec") as server:
        c = RawClient(server.port)
        assert c.command("SET", "before", "1") == b"+OK\r\n"
        wait_for(lambda: incr_file_size(tmp_path) > 0, 5)
        # Room for half of the next command: Redis cuts the torn half off
        # and reports a short write as ENOSPC.
        limit_file_size(server.process.pid, incr_file_size(tmp_path) + 40)
        assert c.command("SET", "big", "x" * 200) == b"+OK\r\n"  # acknowledged: everysec
        refused = b"-MISCONF Errors writing to the AOF file: No space left on device\r\n"
        assert c.command("SET", "after", "1") == refused
        assert c.command("PING") == refused
        assert c.command("GET", "before") == b"$1\r\n1\r\n"  # reads go on
        assert info_field(c, "aof_last_write_status") == "err"
        # Room again: the cron's retry writes the kept buffer whole.
        limit_file_size(server.process.pid, resource.RLIM_INFINITY)
        wait_for(lambda: c.command("SET", "after", "2") == b"+OK\r\n", 5)
        assert info_field(c, "aof_last_write_status") == "ok"
        c.command("SET", "last", "3")
        time.sleep(1.5)  # one everysec fsync
        server.process.kill()
        server.process.wait()
    with start(BINARY, tmp_path) as server:
        c = RawClient(server.port)
        assert c.command("GET", "big") == b"$200\r\n" + b"x" * 200 + b"\r\n"
        assert c.command("MGET", "before", "after", "last") == b"*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"
    subprocess.run([CHECK_AOF, str(tmp_path / "appendonlydir" / "appendonly.aof.manifest")],
                   check=True, capture_output=True)


def test_a_failed_write_under_always_exits_before_acknowledging(tmp_path):
    with start_limitable(tmp_path, "--appendfsync", "always") as server:
        c = RawClient(server.port)
        assert c.command("SET", "kept", "1") == b"+OK\r\n"
        limit_file_size(server.process.pid, incr_file_size(tmp_path))
        c.send(b"*3\r\n$3\r\nSET\r\n$4\r\nlost\r\n$1\r\n1\r\n")
        # No reply promises the write: the server exits with status 1.
        assert server.process.wait(timeout=10) == 1
        assert c.sock.recv(100) == b""
    with start(BINARY, tmp_path) as server:
        c = RawClient(server.port)
        assert c.command("GET", "kept") == b"$1\r\n1\r\n"
        assert c.command("EXISTS", "lost") == b":0\r\n"


def test_timestamp_annotations_are_written_and_skipped_on_load(tmp_path):
    with start(BINARY, tmp_path, "--aof-timestamp-enabled", "yes", "--aof-use-rdb-preamble", "no",
               "--appendfsync", "always") as server:
        c = RawClient(server.port)
        c.command("SET", "a", "1")
        time.sleep(1.1)  # a new second: a new annotation
        c.command("SET", "b", "2")
        assert c.command("BGREWRITEAOF").startswith(b"+Background append only file rewriting")
        assert wait_for(lambda: info_field(c, "aof_rewrite_in_progress") == "0", 10)
        c.command("SET", "c", "3")
        server.process.kill()
        server.process.wait()
    directory = tmp_path / "appendonlydir"
    base = (directory / "appendonly.aof.2.base.aof").read_bytes()
    assert base.startswith(b"#TS:"), base[:40]
    incr = (directory / "appendonly.aof.2.incr.aof").read_bytes()
    assert incr.startswith(b"#TS:") and incr.count(b"#TS:") == 1, incr
    check = subprocess.run([CHECK_AOF, str(directory / "appendonly.aof.manifest")],
                           capture_output=True, text=True)
    assert "All AOF files and manifest are valid" in check.stdout, check.stdout + check.stderr
    with start(BINARY, tmp_path) as server:
        c = RawClient(server.port)
        assert c.command("MGET", "a", "b", "c") == b"*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"
