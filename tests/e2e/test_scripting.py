"""Lua scripting end to end: EVAL, EVALSHA and SCRIPT through real clients.

What only a real server shows: the EVALSHA-after-SCRIPT-LOAD pattern that
queue libraries (kombu, BullMQ) use on every call, redis-py's
register_script() round trip (EVALSHA, NOSCRIPT, then EVAL), a script's
writes seen by another connection, the script cache across connections,
and the INFO fields. Byte-exact replies are in tests/diff/cases/scripting.txt.

E2E_AGAINST=redis runs the same tests against Debian's redis-server.
"""
import threading

import pytest
import redis

import servers


def info_field(r, section, name):
    return r.info(section)[name]


def test_evalsha_after_script_load_like_kombu(server):
    """kombu and BullMQ load their scripts once and then call them by SHA1,
    from any connection."""
    loader = redis.Redis(port=server.port)
    caller = redis.Redis(port=server.port)
    body = "redis.call('rpush', KEYS[1], ARGV[1]); return redis.call('llen', KEYS[1])"
    sha = loader.script_load(body)
    assert len(sha) == 40
    assert caller.script_exists(sha) == [True]
    assert caller.evalsha(sha, 1, "queue", "job-1") == 1
    assert caller.evalsha(sha, 1, "queue", "job-2") == 2
    assert loader.lrange("queue", 0, -1) == [b"job-1", b"job-2"]
    loader.close()
    caller.close()


def test_redis_py_register_script_round_trip(server):
    """register_script() tries EVALSHA, and on NOSCRIPT falls back to EVAL,
    which caches the script again: the next call is an EVALSHA hit."""
    r = redis.Redis(port=server.port)
    r.script_flush()
    incr_by = r.register_script("return redis.call('incrby', KEYS[1], ARGV[1])")
    assert incr_by(keys=["counter"], args=[5]) == 5
    assert r.script_exists(incr_by.sha) == [True]
    r.script_flush()  # the cache is gone: the next call gets NOSCRIPT first
    assert incr_by(keys=["counter"], args=[2]) == 7
    assert r.script_exists(incr_by.sha) == [True]
    with pytest.raises(redis.exceptions.NoScriptError):
        r.evalsha("0" * 40, 0)
    r.close()


def test_script_errors_reach_the_client_as_response_errors(server):
    r = redis.Redis(port=server.port)
    r.set("s", "text")
    try:
        r.eval("return redis.call('incr', KEYS[1])", 1, "s")
        raise AssertionError("no error")
    except redis.ResponseError as error:
        assert str(error).startswith("value is not an integer or out of range script: ")
    # pcall hands the error back to the script, which answers normally.
    assert r.eval("return redis.pcall('incr', KEYS[1])['err']", 1, "s") == (
        b"ERR value is not an integer or out of range")
    r.close()


def test_scripts_are_atomic_under_concurrent_clients(server):
    """Each script's read-modify-write runs without interleaving: many
    clients incrementing through GET + SET in Lua never lose an update."""
    script = ("local v = tonumber(redis.call('get', KEYS[1]) or '0'); "
              "redis.call('set', KEYS[1], v + 1); return v + 1")

    def work():
        c = redis.Redis(port=server.port)
        for _ in range(200):
            c.eval(script, 1, "n")
        c.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    r = redis.Redis(port=server.port)
    assert r.get("n") == b"800"
    r.close()


def test_info_counts_cached_scripts(server):
    r = redis.Redis(port=server.port)
    r.script_flush()
    assert info_field(r, "memory", "number_of_cached_scripts") == 0
    r.eval("return 1", 0)
    r.script_load("return 2")
    r.script_load("return 2")
    assert info_field(r, "memory", "number_of_cached_scripts") == 2
    assert info_field(r, "memory", "used_memory_lua") > 0
    r.script_flush()
    assert info_field(r, "memory", "number_of_cached_scripts") == 0
    r.close()


def test_select_inside_a_script_does_not_move_the_client(server):
    r = redis.Redis(port=server.port)
    r.eval("redis.call('select', 3); redis.call('set', 'in3', 'v')", 0)
    assert r.get("in3") is None
    assert redis.Redis(port=server.port, db=3).get("in3") == b"v"
    r.close()


def test_monitor_shows_the_eval_then_its_commands_as_lua(server):
    """Redis feeds MONITOR the EVAL line before the script runs, then each
    command the script runs from the "lua" client. The line is written after
    the command ran, so a SELECT already shows the database it chose."""
    monitor = servers.RawClient(server.port)
    assert monitor.command("MONITOR") == b"+OK\r\n"
    r = redis.Redis(port=server.port)
    r.eval("redis.call('select', 2); return redis.call('set', 'k', 'v')", 0)
    lines = [monitor.read_reply() for _ in range(3)]
    assert b'"EVAL" "redis.call(\'select\', 2); return redis.call(\'set\', \'k\', \'v\')" "0"' in lines[0]
    assert lines[1].endswith(b' [2 lua] "select" "2"\r\n'), lines[1]
    assert lines[2].endswith(b' [2 lua] "set" "k" "v"\r\n'), lines[2]
    r.close()
    monitor.close()


def test_a_self_referencing_table_ends_at_the_lua_stack_limit(server):
    """Written as nested arrays until Lua's 8000-slot stack runs out (7995
    levels, as Redis 7.0.15 writes them), then an error; the server lives on.
    (Too deep for the diff harness's recursive reader, hence here.)"""
    client = servers.RawClient(server.port)
    script = b"local t = {}; t[1] = t; return t"
    client.send(b"*3\r\n$4\r\nEVAL\r\n$%d\r\n%s\r\n$1\r\n0\r\n" % (len(script), script))
    expected = b"*1\r\n" * 7995 + b"-ERR reached lua stack limit\r\n"
    received = b""
    while len(received) < len(expected):
        chunk = client.sock.recv(65536)
        assert chunk, "connection closed"
        received += chunk
    assert received == expected
    assert client.command("PING") == b"+PONG\r\n"
    client.close()
