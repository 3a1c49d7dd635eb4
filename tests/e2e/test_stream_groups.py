"""Consumer groups across connections: XREADGROUP BLOCK, failover by
XAUTOCLAIM, and the time-dependent fields the differential cases cannot
compare (idle times, delivery and seen times).

Each rule was checked with E2E_AGAINST=redis on Redis 7.0.15: a blocked
XREADGROUP is served by another client's XADD (and the entry becomes pending
for it), readers are served in the order they blocked, XGROUP DESTROY wakes
them with -NOGROUP and DEL (or SET) of the stream with -UNBLOCKED, a
timeout answers a null array; a consumer that read
without acknowledging and went away keeps its entries pending until another
consumer claims them once they have been idle for min-idle-time; XPENDING
then shows the new owner, the reset idle time and one more delivery."""
import time

import redis

from servers import RawClient, encode_command, wait_for


resp = encode_command  # a command as the bytes a client sends


def connect(server):
    return redis.Redis(host="127.0.0.1", port=server.port, decode_responses=True)


def blocked_clients(r):
    return r.info("clients")["blocked_clients"]


def park(server, r, *command, count):
    """A raw connection whose `command` blocks: seen as the count-th blocked client."""
    c = RawClient(server.port)
    c.send(resp(*command))
    assert wait_for(lambda: blocked_clients(r) == count, 5), f"{command} did not block"
    return c


def test_blocked_readers_are_served_by_xadd_in_arrival_order(server):
    r = connect(server)
    r.xgroup_create("s", "g", id="$", mkstream=True)
    first = park(server, r, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", 0, "STREAMS", "s", ">",
                 count=1)
    second = park(server, r, "XREADGROUP", "GROUP", "g", "bob", "COUNT", 1, "BLOCK", 0,
                  "STREAMS", "s", ">", count=2)
    r.xadd("s", {"f": "1"}, id="1-0")
    assert first.read_reply() == (b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n"
                                  b"*2\r\n$1\r\nf\r\n$1\r\n1\r\n")
    # The entry went to alice; bob keeps waiting for the next one.
    assert wait_for(lambda: blocked_clients(r) == 1, 5)
    r.xadd("s", {"f": "2"}, id="2-0")
    assert second.read_reply() == (b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-0\r\n"
                                   b"*2\r\n$1\r\nf\r\n$1\r\n2\r\n")
    summary = r.xpending("s", "g")
    assert summary["pending"] == 2
    assert sorted((c["name"], c["pending"]) for c in summary["consumers"]) == [
        ("alice", 1), ("bob", 1)]
    assert r.xinfo_groups("s")[0]["last-delivered-id"] == "2-0"
    first.close()
    second.close()


def test_xgroup_destroy_wakes_blocked_readers_with_nogroup(server):
    r = connect(server)
    r.xgroup_create("s", "g", id="$", mkstream=True)
    reader = park(server, r, "XREADGROUP", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", "s", ">",
                  count=1)
    assert r.xgroup_destroy("s", "g") == 1
    assert reader.read_reply() == (
        b"-NOGROUP the consumer group this client was blocked on no longer exists\r\n")
    assert wait_for(lambda: blocked_clients(r) == 0, 5)
    reader.close()


def test_deleting_or_replacing_the_stream_wakes_blocked_readers_with_an_error(server):
    r = connect(server)
    r.xgroup_create("s", "g", id="$", mkstream=True)
    reader = park(server, r, "XREADGROUP", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", "s", ">",
                  count=1)
    assert r.delete("s") == 1
    assert reader.read_reply() == b"-UNBLOCKED the stream key no longer exists\r\n"
    reader.close()
    # A string written over the stream does the same.
    r.xgroup_create("s", "g", id="$", mkstream=True)
    reader = park(server, r, "XREADGROUP", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", "s", ">",
                  count=1)
    r.set("s", "not a stream")
    assert reader.read_reply() == b"-UNBLOCKED the stream key no longer exists\r\n"
    assert wait_for(lambda: blocked_clients(r) == 0, 5)
    reader.close()


def test_block_timeout_answers_null_and_creates_no_consumer(server):
    r = connect(server)
    r.xgroup_create("s", "g", id="$", mkstream=True)
    c = RawClient(server.port)
    started = time.monotonic()
    assert c.command("XREADGROUP", "GROUP", "g", "c", "BLOCK", 200, "STREAMS", "s", ">") == (
        b"*-1\r\n")
    assert time.monotonic() - started >= 0.15
    assert r.xinfo_groups("s")[0]["consumers"] == 0
    c.close()


def test_failover_a_dead_consumers_entries_are_autoclaimed_after_min_idle(server):
    r = connect(server)
    for i in range(1, 4):
        r.xadd("jobs", {"n": str(i)}, id=f"{i}-0")
    r.xgroup_create("jobs", "workers", id="0")

    # The first worker reads everything and dies without acknowledging.
    worker = RawClient(server.port)
    reply = worker.command("XREADGROUP", "GROUP", "workers", "w1", "STREAMS", "jobs", ">")
    assert reply.count(b"$1\r\nn\r\n") == 3
    worker.close()

    # Too early: nothing has been idle for a whole second yet.
    cursor, claimed, deleted = r.xautoclaim("jobs", "workers", "w2", 1000, "0")[:3]
    assert (cursor, claimed, deleted) == ("0-0", [], [])
    assert {row["consumer"] for row in r.xpending_range("jobs", "workers", "-", "+", 10)} == {"w1"}

    time.sleep(0.3)
    # Idle long enough now: w2 claims them, one page of COUNT 2 at a time.
    cursor, claimed, _ = r.xautoclaim("jobs", "workers", "w2", 250, "0", count=2)
    assert [entry_id for entry_id, _ in claimed] == ["1-0", "2-0"]
    assert cursor == "3-0"
    cursor, claimed, _ = r.xautoclaim("jobs", "workers", "w2", 250, cursor, count=2)
    assert [entry_id for entry_id, _ in claimed] == ["3-0"]
    assert cursor == "0-0"

    rows = r.xpending_range("jobs", "workers", "-", "+", 10)
    assert [(row["message_id"], row["consumer"], row["times_delivered"]) for row in rows] == [
        ("1-0", "w2", 2), ("2-0", "w2", 2), ("3-0", "w2", 2)]
    # Claiming reset the idle time.
    assert all(row["time_since_delivered"] < 250 for row in rows)
    consumers = {c["name"]: c for c in r.xinfo_consumers("jobs", "workers")}
    assert consumers["w1"]["pending"] == 0 and consumers["w2"]["pending"] == 3
    assert consumers["w2"]["idle"] < 250
    assert consumers["w1"]["idle"] >= 250

    # The new owner finishes the work.
    assert r.xack("jobs", "workers", "1-0", "2-0", "3-0") == 3
    assert r.xpending("jobs", "workers")["pending"] == 0


def test_idle_times_and_the_idle_filter(server):
    r = connect(server)
    r.xadd("s", {"f": "1"}, id="1-0")
    r.xadd("s", {"f": "2"}, id="2-0")
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "c", {"s": ">"})
    # 2-0 was delivered "5 seconds ago" (XCLAIM IDLE), 1-0 just now.
    r.xclaim("s", "g", "c", 0, ["2-0"], idle=5000)
    rows = r.xpending_range("s", "g", "-", "+", 10, idle=4000)
    assert [row["message_id"] for row in rows] == ["2-0"]
    assert 5000 <= rows[0]["time_since_delivered"] < 6000
    # XCLAIM TIME sets the delivery time itself, as XINFO STREAM FULL shows.
    r.xclaim("s", "g", "c", 0, ["1-0"], time=1234)
    full = r.xinfo_stream("s", full=True)
    pending = {p[0]: p for p in full["groups"][0]["pending"]}
    assert pending["1-0"][2] == 1234
    # A time in the future is not an error: it becomes "now" (idle about 0).
    r.xclaim("s", "g", "c", 0, ["1-0"], time=int(time.time() * 1000) + 3_600_000)
    row = r.xpending_range("s", "g", "1-0", "1-0", 1)[0]
    assert row["time_since_delivered"] < 1000
    # seen-time is the consumer's last read or claim.
    consumer = full["groups"][0]["consumers"][0]
    if isinstance(consumer, list):  # redis-py leaves the RESP2 pairs flat
        consumer = dict(zip(consumer[::2], consumer[1::2]))
    seen = consumer["seen-time"]
    assert abs(seen - time.time() * 1000) < 5000


def test_xreadgroup_block_inside_multi_does_not_wait(server):
    r = connect(server)
    r.xgroup_create("s", "g", id="$", mkstream=True)
    c = RawClient(server.port)
    assert c.command("MULTI") == b"+OK\r\n"
    assert c.command("XREADGROUP", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", "s", ">") == (
        b"+QUEUED\r\n")
    started = time.monotonic()
    assert c.command("EXEC") == b"*1\r\n*-1\r\n"
    assert time.monotonic() - started < 1
    c.close()
