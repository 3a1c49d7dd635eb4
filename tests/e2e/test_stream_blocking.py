"""XREAD and XREADGROUP BLOCK: which stream a woken reader is answered for,
and every way its wait can end besides an XADD.

Each rule was checked with E2E_AGAINST=redis on Redis 7.0.15:

- a reader waiting on several streams is answered for the *first stream
  signalled* alone, even when others got entries in the same MULTI or
  script (Redis's serveClientsBlockedOnStreamKey serves one ready key);
  without COUNT it gets at most 1000 entries (XREAD_BLOCKED_DEFAULT_COUNT);
  it is served once the stream's last ID passed its own, with an empty list
  if the new entries were deleted before its turn;
- XREADGROUP waiters of a stream that stops existing, however (DEL, SET,
  expiry active or passive, eviction, FLUSHALL, FLUSHDB, SWAPDB, RENAME,
  MOVE, COPY onto it), get "-UNBLOCKED the stream key no longer exists";
  a stream replaced by one without their group gets "-NOGROUP ..."; XREAD
  waiters keep waiting in all these cases, and are served by a new stream
  with newer entries;
- XGROUP SETID does not wake anyone;
- CLIENT UNBLOCK TIMEOUT answers a null array, ERROR "-UNBLOCKED client
  unblocked via CLIENT UNBLOCK"; neither, nor a disconnection, leaves a
  blocked client or a consumer behind."""
import time

import pytest

from servers import RawClient, encode_command, wait_for

UNBLOCKED = b"-UNBLOCKED the stream key no longer exists\r\n"
NOGROUP = b"-NOGROUP the consumer group this client was blocked on no longer exists\r\n"


resp = encode_command  # a command as the bytes a client sends


def blocked_clients(control):
    for line in control.command("INFO", "clients").decode().split("\r\n"):
        if line.startswith("blocked_clients:"):
            return int(line.split(":")[1])
    raise AssertionError("INFO clients has no blocked_clients field")


def park(port, control, *command, count=1, proto=2):
    """A new connection whose `command` blocks: seen as the count-th blocked client."""
    c = RawClient(port)
    if proto == 3:
        c.send(resp("HELLO", 3))
        c.read_reply()
    c.send(resp(*command))
    assert wait_for(lambda: blocked_clients(control) == count, 5), f"{command} did not block"
    return c


def group_reader(port, control, key="s", count=1, consumer="c"):
    return park(port, control, "XREADGROUP", "GROUP", "g", consumer, "BLOCK", 0, "STREAMS", key,
                ">", count=count)


def plain_reader(port, control, key="s", count=1):
    return park(port, control, "XREAD", "BLOCK", 0, "STREAMS", key, "$", count=count)


def still_waiting(reader):
    """True when `reader` has no reply within a moment."""
    reader.sock.settimeout(0.3)
    try:
        reader.read_reply()
    except TimeoutError:
        return True
    finally:
        reader.sock.settimeout(5)
    return False


def entry(entry_id, *fields):
    out = b"*2\r\n$%d\r\n%s\r\n*%d\r\n" % (len(entry_id), entry_id.encode(), len(fields))
    for f in fields:
        out += b"$%d\r\n%s\r\n" % (len(f), f.encode())
    return out


def one_stream(key, *entries, header=b"*1\r\n*2\r\n"):
    return (header + b"$%d\r\n%s\r\n*%d\r\n" % (len(key), key.encode(), len(entries))
            + b"".join(entries))


def transaction(client, *commands):
    client.command("MULTI")
    for command in commands:
        client.command(*command)
    return client.command("EXEC")


# ---- which stream a woken reader is answered for -----------------------------------

def test_two_streams_fed_in_one_multi_answer_the_first_signalled(server, client):
    reader = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "s1", "s2", "$", "$")
    transaction(client, ("XADD", "s2", "1-0", "b", "1"), ("XADD", "s1", "1-0", "a", "1"))
    assert reader.read_reply() == one_stream("s2", entry("1-0", "b", "1"))
    # The other order, in RESP3: a map of one.
    reader = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "s1", "s2", "$", "$",
                  proto=3)
    transaction(client, ("XADD", "s1", "2-0", "a", "2"), ("XADD", "s2", "2-0", "b", "2"))
    assert reader.read_reply() == one_stream("s1", entry("2-0", "a", "2"), header=b"%1\r\n")
    assert blocked_clients(client) == 0


def test_a_script_feeding_two_streams_answers_all_of_the_first(server, client):
    reader = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "s1", "s2", "$", "$")
    client.command("EVAL", "redis.call('XADD','s1','1-0','a','1');"
                   "redis.call('XADD','s2','1-0','b','1');"
                   "redis.call('XADD','s1','2-0','c','1')", 0)
    assert reader.read_reply() == one_stream("s1", entry("1-0", "a", "1"), entry("2-0", "c", "1"))


def test_count_limits_the_served_stream(server, client):
    reader = park(server.port, client, "XREAD", "COUNT", 1, "BLOCK", 0, "STREAMS", "s1", "s2",
                  "$", "$")
    transaction(client, ("XADD", "s1", "1-0", "a", "1"), ("XADD", "s1", "2-0", "a", "2"),
                ("XADD", "s2", "1-0", "b", "1"))
    assert reader.read_reply() == one_stream("s1", entry("1-0", "a", "1"))


@pytest.mark.parametrize("group", [False, True])
def test_a_reader_served_without_count_gets_at_most_1000(server, client, group):
    if group:
        client.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
        reader = group_reader(server.port, client)
    else:
        reader = plain_reader(server.port, client)
    client.command("EVAL", "for i=1,1005 do redis.call('XADD','s',i..'-0','f','v') end", 0)
    reply = reader.read_reply()
    assert reply.startswith(b"*1\r\n*2\r\n$1\r\ns\r\n*1000\r\n*2\r\n$3\r\n1-0\r\n"), reply[:60]
    assert reply.count(b"$1\r\nf\r\n") == 1000
    if group:
        assert client.command("XPENDING", "s", "g").startswith(b"*4\r\n:1000\r\n")


def test_a_group_reader_on_two_streams_takes_only_the_first_signalled(server, client):
    for key in ("s1", "s2"):
        client.command("XGROUP", "CREATE", key, "g", "$", "MKSTREAM")
    reader = park(server.port, client, "XREADGROUP", "GROUP", "g", "c", "BLOCK", 0, "STREAMS",
                  "s1", "s2", ">", ">")
    transaction(client, ("XADD", "s2", "1-0", "b", "1"), ("XADD", "s1", "1-0", "a", "1"))
    assert reader.read_reply() == one_stream("s2", entry("1-0", "b", "1"))
    # s1's entry was not delivered: it is still there for the next reader.
    assert client.command("XPENDING", "s1", "g") == b"*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n"
    assert client.command("XREADGROUP", "GROUP", "g", "d", "STREAMS", "s1", ">") == one_stream(
        "s1", entry("1-0", "a", "1"))


def test_group_readers_in_arrival_order_share_what_one_multi_added(server, client):
    client.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    readers = [park(server.port, client, "XREADGROUP", "GROUP", "g", f"c{i}", "COUNT", 1, "BLOCK",
                    0, "STREAMS", "s", ">", count=i + 1) for i in range(3)]
    transaction(client, ("XADD", "s", "1-0", "a", "1"), ("XADD", "s", "2-0", "a", "2"))
    assert readers[0].read_reply() == one_stream("s", entry("1-0", "a", "1"))
    assert readers[1].read_reply() == one_stream("s", entry("2-0", "a", "2"))
    assert still_waiting(readers[2])
    assert blocked_clients(client) == 1


def test_a_reader_on_several_keys_keeps_its_place_on_each(server, client):
    # first waits on s1 and s2, second on s2 only: an XADD to s2 serves
    # first, then second.
    first = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "s1", "s2", "$", "$")
    second = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "s2", "$", count=2)
    client.command("XADD", "s2", "1-0", "x", "1")
    assert first.read_reply() == one_stream("s2", entry("1-0", "x", "1"))
    assert second.read_reply() == one_stream("s2", entry("1-0", "x", "1"))
    # Nothing is left waiting on s1.
    assert blocked_clients(client) == 0
    client.command("XADD", "s1", "1-0", "y", "1")
    assert blocked_clients(client) == 0


def test_an_entry_added_and_deleted_in_one_multi_serves_an_empty_list(server, client):
    client.command("XADD", "s", "5-0", "a", "1")
    reader = plain_reader(server.port, client)
    transaction(client, ("XADD", "s", "6-0", "a", "1"), ("XDEL", "s", "6-0"))
    assert reader.read_reply() == b"*1\r\n*2\r\n$1\r\ns\r\n*0\r\n"
    client.command("XGROUP", "CREATE", "s", "g", "$")
    reader = group_reader(server.port, client)
    transaction(client, ("XADD", "s", "7-0", "a", "1"), ("XDEL", "s", "7-0"))
    assert reader.read_reply() == b"*1\r\n*2\r\n$1\r\ns\r\n*0\r\n"
    # Served, so the consumer exists.
    assert b"$1\r\nc\r\n" in client.command("XINFO", "CONSUMERS", "s", "g")


def test_a_key_named_twice_waits_for_its_first_id(server, client):
    reader = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "s", "s", "7-0", "$")
    client.command("XADD", "s", "5-0", "a", "1")  # after "$" but not after 7-0
    assert still_waiting(reader)
    client.command("XADD", "s", "8-0", "a", "1")
    assert reader.read_reply() == one_stream("s", entry("8-0", "a", "1"))


def test_xgroup_setid_does_not_wake_a_group_reader(server, client):
    client.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    client.command("XADD", "s", "1-0", "a", "1")
    client.command("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
    reader = group_reader(server.port, client)
    client.command("XGROUP", "SETID", "s", "g", "0")
    assert still_waiting(reader)
    client.command("XADD", "s", "2-0", "b", "1")
    assert reader.read_reply() == one_stream("s", entry("1-0", "a", "1"), entry("2-0", "b", "1"))


# ---- a stream that stops existing ---------------------------------------------------

def expect_group_ended_xread_waits(client, group, plain, answer=UNBLOCKED):
    assert group.read_reply() == answer
    assert still_waiting(plain)
    assert blocked_clients(client) == 1


@pytest.mark.parametrize("command", [
    ("DEL", "s"), ("UNLINK", "s"), ("SET", "s", "x"), ("FLUSHALL",), ("FLUSHALL", "ASYNC"),
    ("FLUSHDB",), ("SWAPDB", 0, 1), ("RENAME", "s", "t"), ("MOVE", "s", 1),
    ("COPY", "str", "s", "REPLACE"), ("RENAME", "str", "s"),
])
def test_a_stream_gone_ends_group_waits_not_xread_waits(server, client, command):
    client.command("SET", "str", "text")
    client.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    group = group_reader(server.port, client)
    plain = plain_reader(server.port, client, count=2)
    assert not client.command(*command).startswith(b"-")
    expect_group_ended_xread_waits(client, group, plain)


def test_a_stream_replaced_by_one_without_the_group_answers_nogroup(server, client):
    client.command("XADD", "other", "1-0", "a", "b")
    client.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    group = group_reader(server.port, client)
    plain = plain_reader(server.port, client, count=2)
    client.command("COPY", "other", "s", "REPLACE")
    assert group.read_reply() == NOGROUP
    # The XREAD waiter is served by the new stream, whose entry is newer.
    assert plain.read_reply() == one_stream("s", entry("1-0", "a", "b"))


def test_swapdb_serves_group_readers_from_the_swapped_in_stream(server, client):
    client.command("SELECT", 1)
    client.command("XADD", "s", "1-0", "a", "1")
    client.command("XGROUP", "CREATE", "s", "g", "0")
    client.command("SELECT", 0)
    client.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    group = group_reader(server.port, client)
    client.command("SWAPDB", 0, 1)
    assert group.read_reply() == one_stream("s", entry("1-0", "a", "1"))


def test_active_expiry_ends_group_waits_not_xread_waits(server, client):
    client.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    group = group_reader(server.port, client)
    plain = plain_reader(server.port, client, count=2)
    client.command("PEXPIRE", "s", 50)
    # No command touches s: only the expiry cycle can find it.
    group.sock.settimeout(5)
    expect_group_ended_xread_waits(client, group, plain)


def test_passive_expiry_ends_group_waits(start_server):
    server = start_server("--enable-debug-command", "yes")
    client = RawClient(server.port)
    client.command("DEBUG", "SET-ACTIVE-EXPIRE", 0)
    client.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    group = group_reader(server.port, client)
    client.command("PEXPIRE", "s", 50)
    time.sleep(0.2)
    assert still_waiting(group)  # nobody looked at s yet
    assert client.command("EXISTS", "s") == b":0\r\n"
    assert group.read_reply() == UNBLOCKED
    # Expired then recreated by XADD in one go: the new stream has no group.
    client.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    group = group_reader(server.port, client)
    client.command("PEXPIRE", "s", 50)
    time.sleep(0.2)
    client.command("XADD", "s", "5-0", "f", "v")
    assert group.read_reply() == NOGROUP


def test_eviction_ends_group_waits_not_xread_waits(server, client):
    client.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    client.command("EXPIRE", "s", 100000)  # the only key volatile-lru may evict
    group = group_reader(server.port, client)
    plain = plain_reader(server.port, client, count=2)
    client.command("CONFIG", "SET", "maxmemory-policy", "volatile-lru")
    used = int(client.command("MEMORY", "STATS").split(b"total.allocated\r\n:")[1].split(b"\r\n")[0])
    client.command("CONFIG", "SET", "maxmemory", used + 100000)
    for i in range(1000):
        if client.command("EXISTS", "s") == b":0\r\n":
            break
        client.command("SET", f"k{i}", "x" * 10000)
    assert client.command("EXISTS", "s") == b":0\r\n"
    client.command("CONFIG", "SET", "maxmemory", 0)
    expect_group_ended_xread_waits(client, group, plain)


# ---- CLIENT UNBLOCK and disconnection ----------------------------------------------

def reader_id(client):
    for line in client.command("CLIENT", "LIST").decode().split("\n"):
        if "cmd=xread" in line:
            return int(line.split("id=")[1].split()[0])
    raise AssertionError("no blocked reader in CLIENT LIST")


@pytest.mark.parametrize("group", [False, True])
@pytest.mark.parametrize("mode,answer", [
    ("TIMEOUT", b"*-1\r\n"), ("ERROR", b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n")])
def test_client_unblock_ends_the_wait(server, client, group, mode, answer):
    client.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    reader = group_reader(server.port, client) if group else plain_reader(server.port, client)
    assert client.command("CLIENT", "UNBLOCK", reader_id(client), mode) == b":1\r\n"
    assert reader.read_reply() == answer
    assert blocked_clients(client) == 0
    # Nothing was read: no consumer, and the next entry waits for the next reader.
    assert client.command("XINFO", "CONSUMERS", "s", "g") == b"*0\r\n"
    client.command("XADD", "s", "1-0", "a", "1")
    assert reader.command("PING") == b"+PONG\r\n"


def test_a_reader_that_disconnects_leaves_nothing_behind(server, client):
    client.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    group = group_reader(server.port, client)
    plain = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "s", "other", "$", "$",
                 count=2)
    group.close()
    plain.close()
    assert wait_for(lambda: blocked_clients(client) == 0, 5)
    assert client.command("XADD", "s", "1-0", "a", "b") == b"$3\r\n1-0\r\n"
    assert client.command("XINFO", "CONSUMERS", "s", "g") == b"*0\r\n"
    assert client.command("XPENDING", "s", "g") == b"*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n"
