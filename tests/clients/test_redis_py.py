"""redis-py (Debian's python3-redis 4.3.4) works unchanged, in RESP2.

redis-py 4.3.4 cannot speak RESP3 (no `protocol=3` yet), so RESP3 is checked
on raw bytes after HELLO 3.
"""
import re

import pytest
import redis

import servers


@pytest.fixture
def r(server):
    client = redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=10)
    yield client
    client.close()


def test_strings_and_counters(r):
    assert r.set("name", "mini") is True
    assert r.get("name") == b"mini"
    assert r.get("missing") is None
    assert r.incr("hits") == 1
    assert r.incrby("hits", 41) == 42
    assert r.decr("hits") == 41
    assert r.set("name", "other", nx=True) is None
    assert r.set("name", "other", xx=True, get=True) == b"mini"
    with pytest.raises(redis.ResponseError, match="^value is not an integer or out of range$"):
        r.incr("name")


def test_expire_and_ttl(r):
    r.set("session", "abc")
    assert r.ttl("session") == -1
    assert r.expire("session", 100) is True
    assert 99 <= r.ttl("session") <= 100
    assert 0 < r.pttl("session") <= 100_000
    assert r.persist("session") is True
    assert r.ttl("session") == -1
    assert r.ttl("missing") == -2
    r.set("short", "v", px=1)
    assert r.get("short") in (b"v", None)


def test_mset_and_mget(r):
    assert r.mset({"a": "1", "b": "2", "c": "3"}) is True
    assert r.mget("a", "b", "missing", "c") == [b"1", b"2", None, b"3"]
    assert r.exists("a", "b", "missing") == 2
    assert r.delete("a", "missing") == 1


def test_scan_iter_visits_every_key_once(r):
    r.mset({f"user:{i}": i for i in range(500)})
    r.mset({f"other:{i}": i for i in range(50)})
    seen = list(r.scan_iter(match="user:*", count=50))
    assert len(seen) == len(set(seen))  # no duplicates while nothing is rehashing
    assert sorted(seen) == sorted(f"user:{i}".encode() for i in range(500))
    assert r.dbsize() == 550


def test_pipeline_with_and_without_transaction(r):
    pipe = r.pipeline(transaction=False)
    pipe.set("p", 1).incr("p").get("p").mget("p", "q")
    assert pipe.execute() == [True, 2, b"2", [b"2", None]]


def test_client_setname_and_config_get(r):
    assert r.client_setname("worker-1") is True
    assert r.client_getname() == "worker-1"
    assert r.config_get("hz") == {"hz": "10"}
    assert r.config_get("maxclients") == {"maxclients": "10000"}
    assert r.config_set("hz", 20) is True
    assert r.config_get("hz") == {"hz": "20"}
    assert r.ping() is True
    assert r.echo("hello") == b"hello"


def test_select_through_the_connection_pool(server):
    r1 = redis.Redis(host="127.0.0.1", port=server.port, db=1, client_name="pooled")
    r1.set("in-db-1", "x")
    assert r1.client_getname() == "pooled"
    r0 = redis.Redis(host="127.0.0.1", port=server.port)
    assert r0.get("in-db-1") is None
    assert r1.get("in-db-1") == b"x"
    r0.close()
    r1.close()


def test_decode_responses(server):
    r = redis.Redis(host="127.0.0.1", port=server.port, decode_responses=True)
    r.set("ключ", "значение")
    assert r.get("ключ") == "значение"
    assert r.strlen("ключ") == len("значение".encode())
    r.close()


# ---- RESP3, on raw bytes ---------------------------------------------------------

HELLO3 = re.compile(
    rb"%7\r\n"
    rb"\$6\r\nserver\r\n\$5\r\nredis\r\n"
    rb"\$7\r\nversion\r\n\$\d+\r\n[0-9.]+\r\n"
    rb"\$5\r\nproto\r\n:3\r\n"
    rb"\$2\r\nid\r\n:\d+\r\n"
    rb"\$4\r\nmode\r\n\$10\r\nstandalone\r\n"
    rb"\$4\r\nrole\r\n\$6\r\nmaster\r\n"
    rb"\$7\r\nmodules\r\n\*0\r\n\Z")


def test_resp3_after_hello_3_and_back_to_resp2(server):
    c = servers.RawClient(server.port)
    hello = c.command("HELLO", "3")
    assert HELLO3.match(hello), hello
    assert c.command("SET", "k", "v") == b"+OK\r\n"
    assert c.command("GET", "missing") == b"_\r\n"
    assert c.command("MGET", "k", "missing") == b"*2\r\n$1\r\nv\r\n_\r\n"
    assert c.command("CONFIG", "GET", "hz") == b"%1\r\n$2\r\nhz\r\n$2\r\n10\r\n"
    assert c.command("EXPIRE", "k", "100") == b":1\r\n"
    assert c.command("TTL", "k") == b":100\r\n"
    assert c.command("PTTL", "nokey") == b":-2\r\n"
    assert c.command("INCR", "k") == b"-ERR value is not an integer or out of range\r\n"

    hello2 = c.command("HELLO", "2")
    assert hello2.startswith(b"*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n")
    assert b"$5\r\nproto\r\n:2\r\n" in hello2
    assert c.command("GET", "missing") == b"$-1\r\n"
    assert c.command("CONFIG", "GET", "hz") == b"*2\r\n$2\r\nhz\r\n$2\r\n10\r\n"
    c.close()


def test_resp2_connection_is_unaffected_by_another_in_resp3(server):
    resp3 = servers.RawClient(server.port)
    assert HELLO3.match(resp3.command("HELLO", "3"))
    resp2 = redis.Redis(host="127.0.0.1", port=server.port)
    assert resp2.get("missing") is None
    assert resp3.command("GET", "missing") == b"_\r\n"
    resp2.close()
    resp3.close()
