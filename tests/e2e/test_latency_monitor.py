"""The latency monitor and MEMORY's diagnostics on the real binary.

A command slower than latency-monitor-threshold shows up in LATENCY LATEST,
HISTORY, GRAPH and DOCTOR, and LATENCY RESET forgets it; with the threshold
at 0 (the default) nothing is recorded. The slow command is a Lua busy loop:
it takes tens of milliseconds on any machine, far above a 1 ms threshold,
and needs no DEBUG. The byte-exact texts are in
tests/unit/observability/latency_monitor_test.cpp and
tests/diff/cases/observability.txt. E2E_AGAINST=redis runs the same checks
against redis-server."""
import re
import time

import servers

# About 20-100 ms of Lua on this class of machine; bounded either way.
BUSY_SCRIPT = "local i = 0 while i < 3000000 do i = i + 1 end return i"


def run_slow_command(client):
    started = time.monotonic()
    assert client.command("EVAL", BUSY_SCRIPT, "0") == b":3000000\r\n"
    return (time.monotonic() - started) * 1000


def parse(reply: bytes):
    value, _ = parse_resp(reply, 0)
    return value


def parse_resp(data: bytes, pos: int):
    """A small RESP2 reader: integers, bulk strings and arrays."""
    kind = data[pos:pos + 1]
    end = data.index(b"\r\n", pos)
    head = data[pos + 1:end]
    pos = end + 2
    if kind == b":":
        return int(head), pos
    if kind in (b"+", b"-"):
        return head.decode(), pos
    if kind == b"$":
        length = int(head)
        return data[pos:pos + length].decode(), pos + length + 2
    if kind == b"*":
        items = []
        for _ in range(int(head)):
            item, pos = parse_resp(data, pos)
            items.append(item)
        return items, pos
    raise AssertionError(f"unexpected reply {data!r}")


def test_a_slow_command_is_recorded_and_reset_forgets_it(client):
    assert client.command("CONFIG", "SET", "latency-monitor-threshold", "1") == b"+OK\r\n"
    before = int(time.time())
    took_ms = run_slow_command(client)
    after = int(time.time())

    latest = parse(client.command("LATENCY", "LATEST"))
    events = {event[0]: event for event in latest}
    assert "command" in events, latest
    name, when, latency, worst = events["command"]
    assert before <= when <= after
    assert 1 <= latency <= took_ms + 1
    assert worst == latency

    history = parse(client.command("LATENCY", "HISTORY", "command"))
    assert history == [[when, latency]]

    graph = parse(client.command("LATENCY", "GRAPH", "command"))
    assert graph.startswith(f"command - high {latency} ms, low {latency} ms "
                            f"(all time high {latency} ms)\n" + "-" * 80 + "\n")

    doctor = parse(client.command("LATENCY", "DOCTOR"))
    assert re.search(r"\n1\. command: 1 latency spikes \(average %dms, mean deviation 0ms, "
                     r"period \d+\.\d\d sec\)\. Worst all time event %dms\.\n" % (latency, latency),
                     doctor), doctor
    assert "- Check your Slow Log" in doctor

    assert client.command("LATENCY", "RESET", "command") == b":1\r\n"
    assert client.command("LATENCY", "HISTORY", "command") == b"*0\r\n"
    assert client.command("LATENCY", "GRAPH", "command") == \
        b"-ERR No samples available for event 'command'\r\n"


def test_the_same_second_keeps_one_sample_with_the_worst_latency(client):
    client.command("CONFIG", "SET", "latency-monitor-threshold", "1")
    # Two slow commands, most likely in the same second: one sample or two,
    # never more, and the all-time max is the worse of the two.
    run_slow_command(client)
    run_slow_command(client)
    history = parse(client.command("LATENCY", "HISTORY", "command"))
    assert 1 <= len(history) <= 2
    assert len({when for when, _ in history}) == len(history)
    worst = parse(client.command("LATENCY", "LATEST"))[0][3]
    assert worst == max(latency for _, latency in history)


def test_nothing_is_recorded_with_the_threshold_at_zero(client):
    assert client.command("CONFIG", "GET", "latency-monitor-threshold") == \
        b"*2\r\n$25\r\nlatency-monitor-threshold\r\n$1\r\n0\r\n"
    run_slow_command(client)
    assert client.command("LATENCY", "LATEST") == b"*0\r\n"
    assert parse(client.command("LATENCY", "DOCTOR")).startswith(
        "I'm sorry, Dave, I can't do that. Latency monitoring is disabled")


def test_a_threshold_set_at_startup_applies(start_server):
    server = start_server("--latency-monitor-threshold", "1")
    client = servers.RawClient(server.port)
    try:
        run_slow_command(client)
        assert b"command" in client.command("LATENCY", "LATEST")
        assert client.command("LATENCY", "RESET") == b":1\r\n"
    finally:
        client.close()


# ---- MEMORY ------------------------------------------------------------------------

MEMORY_STATS_FIELDS = [
    "peak.allocated", "total.allocated", "startup.allocated", "replication.backlog",
    "clients.slaves", "clients.normal", "cluster.links", "aof.buffer", "lua.caches",
    "functions.caches", "overhead.total", "keys.count", "keys.bytes-per-key",
    "dataset.bytes", "dataset.percentage", "peak.percentage", "allocator.allocated",
    "allocator.active", "allocator.resident", "allocator-fragmentation.ratio",
    "allocator-fragmentation.bytes", "allocator-rss.ratio", "allocator-rss.bytes",
    "rss-overhead.ratio", "rss-overhead.bytes", "fragmentation", "fragmentation.bytes",
]


def memory_stats(client):
    items = parse(client.command("MEMORY", "STATS"))
    return dict(zip(items[::2], items[1::2])), items[::2]


def test_memory_stats_lists_redis_fields_and_counts_what_grows(client):
    stats, names = memory_stats(client)
    assert names == MEMORY_STATS_FIELDS
    assert stats["keys.count"] == 0
    assert stats["peak.allocated"] >= stats["total.allocated"] >= stats["startup.allocated"] > 0

    payload = "x" * 1000
    for i in range(0, 2000, 100):
        client.command("MSET", *[a for k in range(i, i + 100) for a in (f"k{k}", payload)])
    client.command("SET", "ttl", "v", "EX", "100")
    client.command("SELECT", "2")
    client.command("SET", "other", "v")
    grown, names = memory_stats(client)
    # Databases with keys are listed, with their tables' overhead, after
    # functions.caches; the others are not.
    assert names[:10] == MEMORY_STATS_FIELDS[:10]
    assert names[10:12] == ["db.0", "db.2"]
    assert names[12:] == MEMORY_STATS_FIELDS[10:]
    db0 = dict(zip(grown["db.0"][::2], grown["db.0"][1::2]))
    assert list(db0) == ["overhead.hashtable.main", "overhead.hashtable.expires",
                         "overhead.hashtable.slot-to-keys"]
    assert db0["overhead.hashtable.main"] > 0 and db0["overhead.hashtable.expires"] > 0
    assert grown["keys.count"] == 2002
    assert grown["dataset.bytes"] >= 2000 * 1000
    assert grown["total.allocated"] > stats["total.allocated"] + 2000 * 1000


def test_memory_doctor_purge_and_malloc_stats(client):
    assert parse(client.command("MEMORY", "DOCTOR")).startswith(
        "Hi Sam, this instance is empty or is using very little memory")
    payload = "x" * 10000
    for i in range(0, 1000, 100):
        client.command("MSET", *[a for k in range(i, i + 100) for a in (f"k{k}", payload)])
    # Above 5 MB the detector runs: no issue, or a list of them.
    report = parse(client.command("MEMORY", "DOCTOR"))
    assert report.startswith(("Hi Sam, I can't find any memory issue",
                              "Sam, I detected a few issues")), report
    assert client.command("MEMORY", "PURGE") == b"+OK\r\n"
    # The sanitizer builds run on libc malloc, which has no statistics to
    # print; Redis answers the same text when built without jemalloc.
    info = parse(client.command("INFO", "memory"))
    stats = parse(client.command("MEMORY", "MALLOC-STATS"))
    if "mem_allocator:jemalloc" in info:
        assert stats.startswith("___ Begin jemalloc statistics ___\n"), stats[:80]
    else:
        assert stats == "Stats not supported for the current allocator"
