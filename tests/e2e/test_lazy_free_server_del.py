"""lazyfree-lazy-server-del covers every delete a write makes on its own.

Redis 7.0 frees with dbDelete, lazily under lazyfree-lazy-server-del, the
value RESTORE REPLACE replaces and the destination of a STORE command whose
result is empty (SINTERSTORE, SUNIONSTORE, SDIFFSTORE, ZUNIONSTORE,
ZRANGESTORE, SORT ... STORE, GEOSEARCHSTORE, BITOP). mini-redis freed those
at once. A set of 200 members is a hashtable of 200 allocations, above the
lazy-free threshold (64), so each such delete shows in lazyfreed_objects.
Checked against Redis with E2E_AGAINST=redis.
"""
from servers import info_field, wait_for


def make_big_set(client, key):
    members = ["m%d" % i for i in range(200)]
    assert client.command("SADD", key, *members) == b":200\r\n"


def lazyfreed(client):
    return int(info_field(client, "memory", "lazyfreed_objects"))


def test_server_deletes_go_lazy_only_when_asked(server, client):
    # With the default (no), an empty SINTERSTORE frees its destination at once.
    make_big_set(client, "dest")
    assert client.command("SINTERSTORE", "dest", "none1", "none2") == b":0\r\n"
    assert lazyfreed(client) == 0

    assert client.command("CONFIG", "SET", "lazyfree-lazy-server-del", "yes") == b"+OK\r\n"
    empty_stores = [
        ("SINTERSTORE", "dest", "none1", "none2"),
        ("SUNIONSTORE", "dest", "none"),
        ("SDIFFSTORE", "dest", "none"),
        ("ZUNIONSTORE", "dest", 1, "none"),
        ("ZRANGESTORE", "dest", "none", 0, -1),
        ("SORT", "none", "STORE", "dest"),
    ]
    expected = 0
    for command in empty_stores:
        make_big_set(client, "dest")
        assert client.command(*command) == b":0\r\n", command
        assert client.command("EXISTS", "dest") == b":0\r\n"
        expected += 1
        assert wait_for(lambda: lazyfreed(client) == expected, timeout=10), command

    make_big_set(client, "restored")
    payload = client.command("DUMP", "restored")
    body = payload[payload.index(b"\r\n") + 2:-2]
    assert client.command("RESTORE", "restored", 0, body, "REPLACE") == b"+OK\r\n"
    assert client.command("SCARD", "restored") == b":200\r\n"
    assert wait_for(lambda: lazyfreed(client) == expected + 1, timeout=10)
    assert int(info_field(client, "memory", "lazyfree_pending_objects")) == 0
