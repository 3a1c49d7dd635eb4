"""maxmemory and eviction, as a client sees them: the OOM error under
noeviction, used memory held near the limit under allkeys-lru, "evicted"
keyspace events, evicted_keys in INFO. Which keys each policy picks is
tested in tests/unit/storage/storage_eviction_test.cpp with a manual clock;
the hit ratio against Redis's is measured in bench/eviction.
E2E_AGAINST=redis runs the same checks against redis-server."""
import re
import socket

OOM = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"
VALUE = b"v" * 1000


def info_int(client, section, name) -> int:
    for line in client.command("INFO", section).decode().split("\r\n"):
        if line.startswith(name + ":"):
            return int(line.split(":", 1)[1])
    raise AssertionError(f"{name} missing from INFO {section}")


def limit_above_now(client, extra_bytes) -> int:
    limit = info_int(client, "memory", "used_memory") + extra_bytes
    assert client.command("CONFIG", "SET", "maxmemory", limit) == b"+OK\r\n"
    return limit


def write_keys(client, count, prefix="k"):
    """SETs in pipelined batches; returns the distinct replies."""
    replies = set()
    for start in range(0, count, 100):
        batch = b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (
            len(key), key, len(VALUE), VALUE)
            for key in (f"{prefix}{i}".encode() for i in range(start, start + 100)))
        client.send(batch)
        replies.update(client.read_reply() for _ in range(100))
    return replies


def test_noeviction_refuses_writes_but_not_reads_or_deletes(server, client):
    client.command("SET", "before", "x")
    limit_above_now(client, 2_000_000)
    replies = write_keys(client, 10_000)  # 10 MB: far past the limit
    assert OOM in replies
    # (Whether one more small SET fails now depends on what the replies of
    # the batch held: Redis counts client buffers too. Not asserted.)
    assert client.command("GET", "before") == b"$1\r\nx\r\n"  # reads still work
    assert client.command("DEL", "before") == b":1\r\n"       # and deletes
    assert info_int(client, "stats", "evicted_keys") == 0
    # Raising the limit lets writes in again.
    assert client.command("CONFIG", "SET", "maxmemory", 0) == b"+OK\r\n"
    assert client.command("SET", "more", "x") == b"+OK\r\n"


def test_allkeys_lru_keeps_used_memory_near_the_limit(server, client):
    assert client.command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru") == b"+OK\r\n"
    limit = limit_above_now(client, 4_000_000)
    assert write_keys(client, 20_000) == {b"+OK\r\n"}  # 20 MB into 4 MB of room
    # Read both in one transaction: the cron may evict one more key between
    # two separate commands (it goes on evicting when memory creeps up).
    assert client.command("MULTI") == b"+OK\r\n"
    assert client.command("INFO", "stats") == b"+QUEUED\r\n"
    assert client.command("DBSIZE") == b"+QUEUED\r\n"
    both = client.command("EXEC")
    evicted = int(re.search(rb"\r\nevicted_keys:(\d+)\r\n", both).group(1))
    keys = int(re.search(rb"\r\n:(\d+)\r\n$", both).group(1))
    assert evicted > 10_000
    assert keys == 20_000 - evicted
    assert info_int(client, "memory", "used_memory") <= limit * 1.05
    # The newest keys survive; the first ones written were evicted.
    assert client.command("EXISTS", "k19999") == b":1\r\n"
    assert client.command("EXISTS", "k0") == b":0\r\n"


def test_evicted_keys_are_announced(server, client):
    assert client.command("CONFIG", "SET", "notify-keyspace-events", "Ee") == b"+OK\r\n"
    listener = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    listener.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$22\r\n__keyevent@0__:evicted\r\n")
    assert listener.recv(100).startswith(b"*3\r\n$9\r\nsubscribe\r\n")
    assert client.command("CONFIG", "SET", "maxmemory-policy", "allkeys-random") == b"+OK\r\n"
    limit_above_now(client, 1_000_000)
    write_keys(client, 3_000)
    assert info_int(client, "stats", "evicted_keys") > 0
    data = listener.recv(4096)
    assert data.startswith(b"*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:evicted\r\n$")
    listener.close()


def test_volatile_policy_without_ttls_acts_as_noeviction(server, client):
    assert client.command("CONFIG", "SET", "maxmemory-policy", "volatile-lru") == b"+OK\r\n"
    limit_above_now(client, 1_000_000)
    assert OOM in write_keys(client, 3_000)
    assert info_int(client, "stats", "evicted_keys") == 0


def test_volatile_ttl_evicts_only_keys_with_a_ttl(server, client):
    assert client.command("CONFIG", "SET", "maxmemory-policy", "volatile-ttl") == b"+OK\r\n"
    write_keys(client, 2_000, prefix="keep")
    for start in range(0, 2_000, 100):
        client.send(b"".join(b"*5\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$2\r\nEX\r\n$4\r\n1000\r\n" % (
            len(key), key, len(VALUE), VALUE)
            for key in (f"ttl{i}".encode() for i in range(start, start + 100))))
        for _ in range(100):
            client.read_reply()
    assert client.command("CONFIG", "SET", "maxmemory",
                          info_int(client, "memory", "used_memory") - 500_000) == b"+OK\r\n"
    assert client.command("SET", "trigger", "x") == b"+OK\r\n"
    assert info_int(client, "stats", "evicted_keys") > 0
    keep = [client.command("EXISTS", f"keep{i}") for i in range(0, 2_000, 50)]
    assert set(keep) == {b":1\r\n"}
