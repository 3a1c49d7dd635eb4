"""XREAD BLOCK across connections: a reader waits for entries after an ID
until another client XADDs, its timeout passes, or it leaves.

The rules, each checked with E2E_AGAINST=redis on Redis 7.0.15: readers are
served in the order they started waiting; "$" means the last ID at the time
the reader blocked (not when it is served); BLOCK 0 waits forever; a timeout
answers a null array; DEL of the stream does not wake the reader, nor does a
key of another type, but a new stream at the key does; inside MULTI nothing
waits."""
import time

import servers
from servers import RawClient, encode_command, wait_for


resp = encode_command  # a command as the bytes a client sends


def blocked_clients(control):
    info = control.command("INFO", "clients").decode()
    for line in info.split("\r\n"):
        if line.startswith("blocked_clients:"):
            return int(line.split(":")[1])
    raise AssertionError("INFO clients has no blocked_clients field")


def park(port, control, *command, count):
    """A new connection whose `command` blocks: seen as the count-th blocked client."""
    c = RawClient(port)
    c.send(resp(*command))
    assert wait_for(lambda: blocked_clients(control) == count, 5), f"{command} did not block"
    return c


def entry(entry_id, *fields):
    """The bytes of one entry: [id, [field, value, ...]]."""
    out = b"*2\r\n$%d\r\n%s\r\n*%d\r\n" % (len(entry_id), entry_id.encode(), len(fields))
    for f in fields:
        out += b"$%d\r\n%s\r\n" % (len(f), f.encode())
    return out


def one_stream(key, *entries):
    """XREAD's RESP2 reply for one stream."""
    return (b"*1\r\n*2\r\n$%d\r\n%s\r\n*%d\r\n" % (len(key), key.encode(), len(entries))
            + b"".join(entries))


def test_readers_are_served_in_arrival_order_with_their_own_ids(server, client):
    client.command("XADD", "s", "1-0", "a", "1")
    first = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "s", "$", count=1)
    # After an ID older than the last entry: answered at once, no waiting.
    assert client.command("XREAD", "BLOCK", 0, "STREAMS", "s", "0") == one_stream(
        "s", entry("1-0", "a", "1"))
    second = park(server.port, client, "XREAD", "COUNT", 1, "BLOCK", 0, "STREAMS", "s", "1-0",
                  count=2)
    assert client.command("XADD", "s", "2-0", "b", "2") == b"$3\r\n2-0\r\n"
    assert first.read_reply() == one_stream("s", entry("2-0", "b", "2"))
    assert second.read_reply() == one_stream("s", entry("2-0", "b", "2"))
    assert blocked_clients(client) == 0


def test_every_waiting_reader_is_served_by_one_xadd(server, client):
    readers = [park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "q", "$", count=i + 1)
               for i in range(3)]
    client.command("XADD", "q", "1-0", "n", "1")
    for reader in readers:
        assert reader.read_reply() == one_stream("q", entry("1-0", "n", "1"))
    assert blocked_clients(client) == 0


def test_dollar_is_the_last_id_when_the_reader_blocked(server, client):
    client.command("XADD", "s", "5-0", "old", "x")
    reader = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "s", "$", count=1)
    # Two entries in one MULTI: both are after the "$" of blocking time, and
    # the reader, served after EXEC, gets them both.
    client.command("MULTI")
    client.command("XADD", "s", "6-0", "a", "1")
    client.command("XADD", "s", "7-0", "b", "2")
    client.command("EXEC")
    assert reader.read_reply() == one_stream("s", entry("6-0", "a", "1"), entry("7-0", "b", "2"))


def test_dollar_on_a_missing_key_waits_for_its_first_entry(server, client):
    reader = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "new", "$", count=1)
    client.command("XADD", "new", "1-1", "f", "v")
    assert reader.read_reply() == one_stream("new", entry("1-1", "f", "v"))


def test_timeout_answers_a_null_array(server, client):
    started = time.monotonic()
    assert client.command("XREAD", "BLOCK", 200, "STREAMS", "s", "$") == b"*-1\r\n"
    elapsed = time.monotonic() - started
    assert 0.15 <= elapsed < 2.0, elapsed
    client.command("HELLO", "3")
    assert client.command("XREAD", "BLOCK", 50, "STREAMS", "s", "$") == b"_\r\n"


def test_block_zero_waits_until_woken(server, client):
    reader = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "s", "$", count=1)
    time.sleep(0.3)  # longer than any sensible default: 0 must mean forever
    assert blocked_clients(client) == 1
    client.command("XADD", "s", "9-9", "k", "v")
    assert reader.read_reply() == one_stream("s", entry("9-9", "k", "v"))


def test_several_keys_answer_with_the_one_that_got_data(server, client):
    client.command("XADD", "a", "1-0", "x", "1")
    reader = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "a", "b", "$", "$",
                  count=1)
    client.command("XADD", "b", "3-0", "y", "2")
    assert reader.read_reply() == one_stream("b", entry("3-0", "y", "2"))


def test_resp3_reader_gets_a_map(server, client):
    reader = RawClient(server.port)
    reader.send(resp("HELLO", "3"))
    reader.read_reply()
    reader.send(resp("XREAD", "BLOCK", 0, "STREAMS", "s", "$"))
    assert wait_for(lambda: blocked_clients(client) == 1, 5)
    client.command("XADD", "s", "1-0", "f", "v")
    assert reader.read_reply() == b"%1\r\n$1\r\ns\r\n*1\r\n" + entry("1-0", "f", "v")


def test_del_and_other_types_do_not_wake_a_new_stream_does(server, client):
    client.command("XADD", "s", "1-0", "a", "1")
    reader = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "s", "$", count=1)
    client.command("DEL", "s")
    client.command("SET", "s", "not a stream")
    time.sleep(0.2)
    assert blocked_clients(client) == 1
    client.command("DEL", "s")
    # A new stream whose entries are after the remembered "$" (1-0).
    client.command("XADD", "s", "2-0", "b", "2")
    assert reader.read_reply() == one_stream("s", entry("2-0", "b", "2"))


def test_entries_at_or_before_the_id_keep_the_reader_waiting(server, client):
    client.command("XADD", "s", "10-0", "a", "1")
    reader = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "s", "$", count=1)
    client.command("DEL", "s")
    client.command("XADD", "s", "3-0", "old", "1")  # a new stream, but not after 10-0
    time.sleep(0.2)
    assert blocked_clients(client) == 1
    client.command("XADD", "s", "11-0", "new", "1")
    assert reader.read_reply() == one_stream("s", entry("11-0", "new", "1"))


def test_a_reader_that_leaves_is_forgotten(server, client):
    gone = park(server.port, client, "XREAD", "BLOCK", 0, "STREAMS", "s", "$", count=1)
    gone.close()
    assert wait_for(lambda: blocked_clients(client) == 0, 5)
    assert client.command("XADD", "s", "1-0", "a", "1") == b"$3\r\n1-0\r\n"


def test_nothing_waits_inside_multi(server, client):
    client.command("MULTI")
    client.command("XREAD", "BLOCK", 0, "STREAMS", "s", "$")
    assert client.command("EXEC") == b"*1\r\n*-1\r\n"
    assert blocked_clients(client) == 0


# ---- what reaches the AOF ---------------------------------------------------------

def aof_commands(directory):
    """The commands of the incremental AOF file(s), as lists of bytes."""
    commands = []
    for path in sorted((directory / "appendonlydir").glob("*.incr.aof")):
        data = path.read_bytes()
        i = 0
        while i < len(data):
            assert data[i:i + 1] == b"*", data[i:i + 40]
            end = data.index(b"\r\n", i)
            count = int(data[i + 1:end])
            i = end + 2
            words = []
            for _ in range(count):
                end = data.index(b"\r\n", i)
                size = int(data[i + 1:end])
                words.append(data[end + 2:end + 2 + size])
                i = end + 2 + size + 2
            commands.append(words)
    return commands


def start_with_aof(directory):
    port = servers.free_port()
    binary = servers.REDIS_SERVER if servers.AGAINST_REDIS else servers.MINI_REDIS
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
            "--save", "", "--appendonly", "yes", "--appendfsync", "always"]
    return servers.Server(argv, port, cwd=str(directory))


def test_the_aof_gets_real_ids_and_exact_trims_and_replays_the_same(tmp_path):
    with start_with_aof(tmp_path) as server:
        c = RawClient(server.port)
        c.command("EVAL", "for i=1,250 do redis.call('XADD', KEYS[1], i, 'f', i) end return 1",
                  1, "s")
        auto_id = c.command("XADD", "s", "MAXLEN", "~", "120", "LIMIT", "200", "*", "a", "1")
        c.command("XDEL", "s", "120")
        c.command("XTRIM", "s", "MINID", "~", "240")  # drops node 101..200, not 201..
        c.command("XADD", "t", "5-*", "a", "1")
        c.command("XTRIM", "s", "MAXLEN", "~", "10")  # the one node left: nothing, not logged
        c.command("XSETID", "t", "9-9", "ENTRIESADDED", "7")
        before = [c.command("XRANGE", key, "-", "+") for key in ("s", "t")]
        server.stop()
    logged = aof_commands(tmp_path)
    xadds = [cmd for cmd in logged if cmd[0].lower() == b"xadd" and cmd[1] == b"s"
             and b"MAXLEN" in cmd]
    new_id = auto_id.split(b"\r\n")[1]
    # "~ 120" became "= <length after the trim>" (151: one node went), the
    # LIMIT stays (a replayed log obeys without it), "*" became the ID.
    assert xadds == [[b"XADD", b"s", b"MAXLEN", b"=", b"151", b"LIMIT", b"200", new_id,
                      b"a", b"1"]]
    assert [b"XADD", b"t", b"5-0", b"a", b"1"] in logged  # "5-*" made explicit
    trims = [cmd for cmd in logged if cmd[0].lower() == b"xtrim"]
    # MINID "~ 240" became "= <first ID left in a node>".
    assert trims == [[b"XTRIM", b"s", b"MINID", b"=", b"201-0"]]
    with start_with_aof(tmp_path) as server:
        c = RawClient(server.port)
        assert [c.command("XRANGE", key, "-", "+") for key in ("s", "t")] == before
        assert c.command("XLEN", "s") == b":51\r\n"
        # XSETID's last ID came back too: 9-9 is not free any more.
        assert c.command("XADD", "t", "9-9", "x", "1").startswith(b"-ERR The ID specified")
