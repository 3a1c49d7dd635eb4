"""Streams with consumer groups across restarts: SAVE, BGREWRITEAOF with and
without the RDB preamble, and RDB files and DUMP payloads moving between
mini-redis and redis-server (Redis 7.0.15).

Each server runs in a temp directory of its own (tmp_path). What is compared
is XINFO STREAM FULL field by field, plus XRANGE and XINFO GROUPS; the fields
that depend on the clock (a consumer's seen-time, a pending entry's delivery
time) are compared only where the file carries them unchanged, and
radix-tree-nodes (how Redis's rax happens to split, not data) never is. With
E2E_AGAINST=redis the server under test is redis-server, which checks that
these expectations are Redis's own."""
import shutil
import signal
import subprocess

import pytest
import redis

import servers
from servers import wait_for

BINARY = servers.REDIS_SERVER if servers.AGAINST_REDIS else servers.MINI_REDIS
CHECK_RDB = shutil.which("redis-check-rdb") or "/usr/bin/redis-check-rdb"
KEYS = ["s", "big", "empty"]


def start(binary, directory, *extra):
    port = servers.free_port()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
            "--save", "", *extra]
    return servers.Server(argv, port, cwd=str(directory))


def connect(server):
    return redis.Redis(port=server.port, socket_timeout=10)


def fill_streams(r):
    """A stream with holes, two groups, pending entries and an idle consumer;
    a stream of several nodes; an empty stream with a group."""
    r.xadd("s", {"name": "ann", "age": "30"}, id="5-1")
    r.xadd("s", {"name": "bob", "age": "41"}, id="5-2")
    r.xadd("s", {"other": "x" * 100}, id="7-0")
    r.xadd("s", {"name": "cy", "age": "9"}, id="9-3")
    r.xdel("s", "5-2")
    r.xgroup_create("s", "grp", id="0")
    r.xreadgroup("grp", "c1", {"s": ">"}, count=2)
    r.xreadgroup("grp", "c1", {"s": "0"})  # a second delivery: count 2
    r.xreadgroup("grp", "c3", {"s": ">"}, count=1)
    r.xgroup_createconsumer("s", "grp", "c2")
    r.xgroup_create("s", "late", id="$")
    r.execute_command("XGROUP", "CREATE", "s", "A", "5-1", "ENTRIESREAD", "1")
    for i in range(1, 301):
        r.xadd("big", {"f": str(i), "g": "v" * (i % 7)}, id=f"{i}-{i % 5}")
    r.xdel("big", "10-0", "300-0", "150-0")
    r.xgroup_create("empty", "g", id="$", mkstream=True)


def strip(value, drop_times):
    """XINFO STREAM FULL without radix-tree-nodes, and, with drop_times,
    without seen-time and delivery times."""
    if isinstance(value, list) and len(value) % 2 == 0 and value and value[0] in (
            b"length", b"name"):
        out = []
        for name, item in zip(value[::2], value[1::2]):
            if name == b"radix-tree-nodes" or (drop_times and name == b"seen-time"):
                continue
            if name == b"pending" and drop_times:
                # [id, consumer, time, count] in a group; [id, time, count]
                # in a consumer.
                item = [p[:-2] + p[-1:] for p in item]
            out += [name, strip(item, drop_times)]
        return out
    if isinstance(value, list):
        return [strip(v, drop_times) for v in value]
    return value


def snapshot(r, drop_times=False):
    return {key: (strip(r.execute_command("XINFO", "STREAM", key, "FULL"), drop_times),
                  r.execute_command("XRANGE", key, "-", "+"),
                  r.execute_command("XINFO", "GROUPS", key))
            for key in KEYS}


def group_pending(full, name):
    """The group PEL of group `name` in an XINFO STREAM FULL reply, times included."""
    for group in full[full.index(b"groups") + 1]:
        if group[1] == name:
            pending = group[group.index(b"pending") + 1]
            assert len(pending) == 3  # c1's two entries and c3's one
            return pending
    raise AssertionError(f"no group {name}")


def check_still_works(r):
    """The loaded streams take new entries and acknowledgements."""
    assert r.xadd("s", {"new": "1"}, id="10-0") == b"10-0"
    assert r.xack("s", "grp", "5-1") == 1
    assert r.xlen("big") == 297
    assert r.xinfo_stream("empty")["length"] == 0


def test_save_and_restart_keep_streams_and_groups(tmp_path):
    with start(BINARY, tmp_path) as server:
        r = connect(server)
        fill_streams(r)
        before = snapshot(r)
        assert r.save()
    with start(BINARY, tmp_path) as server:
        r = connect(server)
        # The file carries every time as it was: nothing is dropped.
        assert snapshot(r) == before
        check_still_works(r)


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_bgrewriteaof_and_restart_keep_streams_and_groups(tmp_path, preamble):
    extra = ("--appendonly", "yes", "--aof-use-rdb-preamble", preamble)
    with start(BINARY, tmp_path, *extra) as server:
        r = connect(server)
        fill_streams(r)
        before = snapshot(r, drop_times=preamble == "no")
        exact = snapshot(r)
        r.bgrewriteaof()
        assert wait_for(lambda: r.info("persistence")["aof_rewrite_in_progress"] == 0
                        and r.info("persistence")["aof_rewrite_scheduled"] == 0, 20)
        assert r.info("persistence")["aof_last_bgrewrite_status"] == "ok"
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=10)
    with start(BINARY, tmp_path, *extra) as server:
        r = connect(server)
        assert snapshot(r, drop_times=preamble == "no") == before
        if preamble == "yes":
            assert snapshot(r) == exact
        else:
            # XCLAIM ... TIME restores delivery times exactly; only the
            # consumers' seen-times are the replay's clock.
            full = r.execute_command("XINFO", "STREAM", "s", "FULL")
            assert group_pending(full, b"grp") == group_pending(exact["s"][0], b"grp")
        check_still_works(r)


def test_an_rdb_written_by_redis_loads_here_with_everything_equal(tmp_path):
    redis_dir = tmp_path / "redis"
    ours_dir = tmp_path / "ours"
    redis_dir.mkdir()
    ours_dir.mkdir()
    with start(servers.REDIS_SERVER, redis_dir) as server:
        r = connect(server)
        fill_streams(r)
        expected = snapshot(r)
        assert r.save()
    shutil.copy(redis_dir / "dump.rdb", ours_dir / "dump.rdb")
    with start(BINARY, ours_dir) as server:
        r = connect(server)
        assert snapshot(r) == expected
        check_still_works(r)


def test_our_rdb_loads_in_redis_and_passes_redis_check_rdb(tmp_path):
    ours_dir = tmp_path / "ours"
    redis_dir = tmp_path / "redis"
    ours_dir.mkdir()
    redis_dir.mkdir()
    with start(BINARY, ours_dir) as server:
        r = connect(server)
        fill_streams(r)
        expected = snapshot(r)
        assert r.save()
    check = subprocess.run([CHECK_RDB, str(ours_dir / "dump.rdb")], capture_output=True, text=True)
    assert "RDB looks OK!" in check.stdout, check.stdout + check.stderr
    shutil.copy(ours_dir / "dump.rdb", redis_dir / "dump.rdb")
    with start(servers.REDIS_SERVER, redis_dir, "--sanitize-dump-payload", "yes") as server:
        r = connect(server)
        assert snapshot(r) == expected
        check_still_works(r)


def test_dump_payloads_restore_both_ways(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with start(servers.REDIS_SERVER, tmp_path / "a", "--sanitize-dump-payload", "yes") as theirs, \
            start(BINARY, tmp_path / "b") as ours:
        rt, ro = connect(theirs), connect(ours)
        fill_streams(rt)
        fill_streams(ro)
        for key in KEYS:
            from_redis = rt.dump(key)
            from_ours = ro.dump(key)
            assert ro.restore(key + ":r", 0, from_redis)
            assert rt.restore(key + ":o", 0, from_ours)
            # Their payload restored here dumps back the same bytes, and ours
            # restored there too.
            assert ro.dump(key + ":r") == from_redis
            assert rt.dump(key + ":o") == from_ours
            if key != "s":  # "s" holds delivery and seen times
                assert from_ours == from_redis
        # Everything but the clock-dependent fields matches across the pair.
        for key in KEYS:
            assert strip(ro.execute_command("XINFO", "STREAM", key + ":r", "FULL"), True) == \
                strip(rt.execute_command("XINFO", "STREAM", key, "FULL"), True)
            assert strip(rt.execute_command("XINFO", "STREAM", key + ":o", "FULL"), True) == \
                strip(ro.execute_command("XINFO", "STREAM", key, "FULL"), True)
