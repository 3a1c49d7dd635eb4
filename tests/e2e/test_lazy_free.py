"""Lazy free: UNLINK, FLUSHALL/FLUSHDB ASYNC and the lazyfree-lazy-* settings
hand big values to a background thread, as Redis does.

What a client can see is that the keys are gone at once and that INFO's
lazyfreed_objects counts what the thread freed: a big value (more than 64
allocations: here a list of many quicklist nodes) as one object, a flushed
database as its number of keys, a small value not at all. How long the loop
stalls without it is measured in bench/stalls, not here. E2E_AGAINST=redis
runs the same checks against redis-server."""
import servers

BIG_LIST = 20_000  # elements; with list-max-listpack-size 8, 2,500 nodes


def info_field(client, name) -> int:
    text = client.command("INFO", "memory").decode()
    for line in text.split("\r\n"):
        if line.startswith(name + ":"):
            return int(line.split(":", 1)[1])
    raise AssertionError(f"{name} missing from INFO memory")


def freed_becomes(client, count) -> bool:
    return servers.wait_for(lambda: info_field(client, "lazyfreed_objects") == count, timeout=10)


def push_big_list(client, key):
    assert client.command("CONFIG", "SET", "list-max-listpack-size", "8") == b"+OK\r\n"
    for start in range(0, BIG_LIST, 1000):
        client.command("RPUSH", key, *range(start, start + 1000))
    assert client.command("LLEN", key) == b":%d\r\n" % BIG_LIST


def test_unlink_frees_a_big_list_in_the_background(server, client):
    push_big_list(client, "big")
    client.command("SET", "small", "v")
    assert info_field(client, "lazyfreed_objects") == 0
    assert client.command("UNLINK", "big", "small", "missing") == b":2\r\n"
    assert client.command("EXISTS", "big", "small") == b":0\r\n"
    assert freed_becomes(client, 1)  # the list; the string was freed at once
    assert info_field(client, "lazyfree_pending_objects") == 0


def test_del_goes_lazy_only_with_lazyfree_lazy_user_del(server, client):
    push_big_list(client, "a")
    assert client.command("DEL", "a") == b":1\r\n"
    assert info_field(client, "lazyfreed_objects") == 0
    assert client.command("CONFIG", "SET", "lazyfree-lazy-user-del", "yes") == b"+OK\r\n"
    push_big_list(client, "b")
    assert client.command("DEL", "b") == b":1\r\n"
    assert freed_becomes(client, 1)


def test_flushall_async_counts_every_key_and_sync_none(server, client):
    client.command("MSET", *[x for i in range(500) for x in (f"k{i}", "v")])
    assert client.command("FLUSHALL", "SYNC") == b"+OK\r\n"
    assert info_field(client, "lazyfreed_objects") == 0

    client.command("MSET", *[x for i in range(500) for x in (f"k{i}", "v")])
    client.command("SELECT", "1")
    client.command("MSET", *[x for i in range(300) for x in (f"k{i}", "v")])
    assert client.command("FLUSHALL", "ASYNC") == b"+OK\r\n"
    assert client.command("DBSIZE") == b":0\r\n"
    assert freed_becomes(client, 800)

    client.command("MSET", *[x for i in range(100) for x in (f"k{i}", "v")])
    assert client.command("FLUSHDB", "async") == b"+OK\r\n"
    assert freed_becomes(client, 900)
    assert client.command("FLUSHDB", "lazy") == b"-ERR syntax error\r\n"


def test_lazyfree_lazy_user_flush_makes_a_plain_flush_async(server, client):
    assert client.command("CONFIG", "SET", "lazyfree-lazy-user-flush", "yes") == b"+OK\r\n"
    client.command("MSET", *[x for i in range(50) for x in (f"k{i}", "v")])
    assert client.command("FLUSHDB") == b"+OK\r\n"
    assert freed_becomes(client, 50)


def test_config_resetstat_zeroes_lazyfreed_objects(server, client):
    push_big_list(client, "big")
    client.command("UNLINK", "big")
    assert freed_becomes(client, 1)
    assert client.command("CONFIG", "RESETSTAT") == b"+OK\r\n"
    assert info_field(client, "lazyfreed_objects") == 0
