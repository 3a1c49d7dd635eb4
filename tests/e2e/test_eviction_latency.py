"""The latency monitor's eviction events, as Redis's evict.c records them:
"eviction-del" for deleting one key and "eviction-cycle" for the whole pass
that freed memory. The reliable trigger is a key whose deletion is slow: a
set of a few hundred thousand members, freed in place (lazyfree-lazy-eviction
is off by default), takes milliseconds on any machine, well above a 1 ms
threshold. E2E_AGAINST=redis runs the same checks against redis-server."""


def info_int(client, section, name) -> int:
    for line in client.command("INFO", section).decode().split("\r\n"):
        if line.startswith(name + ":"):
            return int(line.split(":", 1)[1])
    raise AssertionError(f"{name} missing from INFO {section}")


def fill_big_set(client, members):
    """SADD in pipelined batches of 1000 members."""
    for start in range(0, members, 1000):
        args = [b"SADD", b"big"] + [b"member:%d" % i for i in range(start, start + 1000)]
        client.send(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
    for _ in range(0, members, 1000):
        assert client.read_reply() == b":1000\r\n"


def latest_events(client) -> dict:
    """LATENCY LATEST as {event: (time, latest ms, max ms)}."""
    reply = client.command("LATENCY", "LATEST").decode()
    lines = reply.split("\r\n")
    events = {}
    index = 1
    while index < len(lines) - 1:
        # *4 $len name :time :latest :max
        assert lines[index] == "*4", reply
        name = lines[index + 2]
        events[name] = tuple(int(lines[index + k][1:]) for k in (3, 4, 5))
        index += 6
    return events


def evict_the_big_set(client):
    fill_big_set(client, 300_000)
    assert client.command("CONFIG", "SET", "maxmemory-policy", "allkeys-random") == b"+OK\r\n"
    used = info_int(client, "memory", "used_memory")
    # Below what the set alone takes: the set must go. Redis evicts at once
    # when maxmemory is lowered; the next command would in any case.
    assert client.command("CONFIG", "SET", "maxmemory", str(used - 5_000_000)) == b"+OK\r\n"
    assert client.command("SET", "after", "1") == b"+OK\r\n"
    assert client.command("EXISTS", "big") == b":0\r\n"
    assert info_int(client, "stats", "evicted_keys") >= 1
    assert client.command("CONFIG", "SET", "maxmemory", "0") == b"+OK\r\n"


def test_a_slow_eviction_records_eviction_del_and_eviction_cycle(client):
    assert client.command("CONFIG", "SET", "latency-monitor-threshold", "1") == b"+OK\r\n"
    evict_the_big_set(client)
    events = latest_events(client)
    assert "eviction-del" in events, events
    assert "eviction-cycle" in events, events
    # The cycle contains the deletion, so it took at least as long.
    assert events["eviction-cycle"][2] >= events["eviction-del"][2] >= 1
    history = client.command("LATENCY", "HISTORY", "eviction-del")
    assert history.startswith(b"*1\r\n*2\r\n:"), history


def test_nothing_is_recorded_with_the_monitor_off(client):
    evict_the_big_set(client)
    assert client.command("LATENCY", "LATEST") == b"*0\r\n"
