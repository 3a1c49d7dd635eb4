"""DEBUG on the real binary: the enable-debug-command gate, DIGEST equal to
redis-server's for the same data of every type and encoding, RELOAD keeping
the data, SLEEP stopping the whole server, SET-ACTIVE-EXPIRE 0 stopping the
active expiry cycle.

The byte-exact replies (errors, HELP, DEBUG OBJECT's fields, digests of small
values) are in tests/diff/cases/debug.txt. E2E_AGAINST=redis runs the same
checks against redis-server (the digest test then compares Redis with
itself)."""
import socket
import time

import servers

DEBUG_REFUSED = (b"-ERR DEBUG command not allowed. If the enable-debug-command option is set to "
                 b"\"local\", you can run it from a local connection, otherwise you need to set "
                 b"this option in the configuration file, and then restart the server.\r\n")


def status(reply: bytes) -> str:
    assert reply.startswith(b"+"), reply
    return reply[1:-2].decode()


def test_debug_is_off_by_default_and_cannot_be_turned_on_at_runtime(client):
    assert client.command("DEBUG", "DIGEST") == DEBUG_REFUSED
    assert client.command("DEBUG", "HELP") == DEBUG_REFUSED
    # The arity check comes first, as in Redis.
    assert client.command("DEBUG") == b"-ERR wrong number of arguments for 'debug' command\r\n"
    assert client.command("CONFIG", "SET", "enable-debug-command", "yes") == (
        b"-ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - "
        b"can't set immutable config\r\n")
    assert client.command("DEBUG", "DIGEST") == DEBUG_REFUSED


def test_a_refused_debug_dooms_the_transaction(client):
    assert client.command("MULTI") == b"+OK\r\n"
    assert client.command("DEBUG", "DIGEST") == DEBUG_REFUSED
    assert client.command("EXEC").startswith(b"-EXECABORT")


def test_local_allows_a_loopback_client(start_server, tmp_path):
    server = start_server("--enable-debug-command", "local", "--dir", str(tmp_path))
    c = servers.RawClient(server.port)
    try:
        assert c.command("DEBUG", "DIGEST") == b"+" + b"0" * 40 + b"\r\n"
        assert c.command("CONFIG", "GET", "enable-debug-command") == (
            b"*2\r\n$20\r\nenable-debug-command\r\n$5\r\nlocal\r\n")
    finally:
        c.close()


# ---- DIGEST against redis-server --------------------------------------------------

def load_dataset(c):
    """Every type, in each of its encodings, some keys with a TTL, two databases."""
    def ok(*args):
        reply = c.command(*args)
        assert not reply.startswith(b"-"), (args, reply)

    ok("SET", "str", "hello world")
    ok("SET", "int", "123456")
    ok("SET", "raw", "x" * 100)
    ok("SET", "ttl-str", "v", "EX", "1000")
    ok("RPUSH", "small-list", "a", "b", "1", "-2")
    ok("RPUSH", "big-list", *[f"element-{i}" for i in range(600)])  # several quicklist nodes
    ok("SADD", "intset", *[str(i * 7) for i in range(50)])
    ok("SADD", "set-hashtable", *[f"m{i}" for i in range(100)], "1", "2")
    ok("SADD", "big-intset", *[str(i) for i in range(600)])  # past 512: hashtable
    ok("ZADD", "zset-listpack", "1", "a", "2.5", "b", "-3", "c", "1e10", "d", "0.1", "e")
    zbig = []
    for i in range(200):
        zbig += [str(i / 7), f"member-{i}"]
    ok("ZADD", "zset-skiplist", *zbig)
    ok("HSET", "hash-listpack", "f1", "v1", "f2", "2", "f3", "")
    hbig = []
    for i in range(600):
        hbig += [f"field-{i}", f"value-{i}"]
    ok("HSET", "hash-hashtable", *hbig)
    ok("HSET", "hash-long-value", "f", "y" * 100)
    for i in range(1, 251):
        ok("XADD", "stream", f"{i}-{i % 3}", "field", f"v{i}", "n", str(i))
    ok("XDEL", "stream", "5-2", "6-0")
    ok("XGROUP", "CREATE", "stream", "group", "0")
    ok("PEXPIRE", "big-list", "900000")
    ok("EXPIRE", "zset-skiplist", "5000")
    ok("SELECT", "3")
    ok("SET", "str", "hello world")
    ok("RPUSH", "small-list", "z")
    ok("SELECT", "0")


KEYS = ["str", "int", "raw", "ttl-str", "small-list", "big-list", "intset", "set-hashtable",
        "big-intset", "zset-listpack", "zset-skiplist", "hash-listpack", "hash-hashtable",
        "hash-long-value", "stream", "missing"]


def test_digest_equals_redis_for_every_type(start_server, tmp_path):
    # Directories of their own: a dump.rdb left in /tmp would be loaded at start.
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ours = start_server("--enable-debug-command", "yes", "--dir", str(tmp_path / "a"))
    with servers.real_redis("--enable-debug-command", "yes", "--dir", str(tmp_path / "b")) as reference:
        a = servers.RawClient(ours.port)
        b = servers.RawClient(reference.port)
        try:
            load_dataset(a)
            load_dataset(b)
            # The encodings really are the ones the test means to cover.
            for key, encoding in [("intset", b"intset"), ("big-intset", b"hashtable"),
                                  ("zset-skiplist", b"skiplist"), ("hash-hashtable", b"hashtable"),
                                  ("hash-long-value", b"hashtable"), ("int", b"int")]:
                assert a.command("OBJECT", "ENCODING", key) == b"$%d\r\n%s\r\n" % (
                    len(encoding), encoding)
            digest = a.command("DEBUG", "DIGEST")
            assert digest == b.command("DEBUG", "DIGEST")
            assert status(digest) != "0" * 40
            values = a.command("DEBUG", "DIGEST-VALUE", *KEYS)
            assert values == b.command("DEBUG", "DIGEST-VALUE", *KEYS)
            # A TTL changes the digest; its length does not.
            before = a.command("DEBUG", "DIGEST")
            a.command("PERSIST", "big-list")
            assert a.command("DEBUG", "DIGEST") != before
            a.command("EXPIRE", "big-list", "77")
            assert a.command("DEBUG", "DIGEST") == before
        finally:
            a.close()
            b.close()


# ---- RELOAD -----------------------------------------------------------------------

def test_reload_keeps_the_data_and_nosave_loads_the_last_file(start_server, tmp_path):
    server = start_server("--enable-debug-command", "yes", "--dir", str(tmp_path))
    c = servers.RawClient(server.port)
    try:
        load_dataset(c)
        digest = c.command("DEBUG", "DIGEST")
        size = c.command("DBSIZE")
        assert c.command("DEBUG", "RELOAD") == b"+OK\r\n"
        assert c.command("DEBUG", "DIGEST") == digest
        assert c.command("DBSIZE") == size
        ttl = int(c.command("TTL", "zset-skiplist")[1:-2])
        assert 4990 <= ttl <= 5000
        # NOSAVE: the file saved above replaces what changed since.
        c.command("SET", "later", "1")
        c.command("DEL", "str")
        assert c.command("DEBUG", "RELOAD", "NOSAVE") == b"+OK\r\n"
        assert c.command("EXISTS", "later", "str") == b":1\r\n"  # str is back, later gone
        assert c.command("GET", "later") == b"$-1\r\n"
        assert c.command("DEBUG", "DIGEST") == digest
        # NOSAVE NOFLUSH MERGE: the file's keys are added to what is there.
        c.command("SET", "later", "1")
        assert c.command("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE") == b"+OK\r\n"
        assert c.command("GET", "later") == b"$1\r\n1\r\n"
        assert c.command("GET", "str") == b"$11\r\nhello world\r\n"
    finally:
        c.close()


# ---- SLEEP ---------------------------------------------------------------------------

def test_sleep_stops_every_client(start_server, tmp_path):
    server = start_server("--enable-debug-command", "yes", "--dir", str(tmp_path))
    sleeper = servers.RawClient(server.port)
    other = servers.RawClient(server.port)
    try:
        started = time.monotonic()
        sleeper.send(b"DEBUG SLEEP 0.5\r\n")
        time.sleep(0.05)  # let the server start sleeping
        assert other.command("PING") == b"+PONG\r\n"
        waited = time.monotonic() - started
        assert waited >= 0.4, waited
        assert sleeper.read_reply() == b"+OK\r\n"
        assert waited < 5
    finally:
        sleeper.close()
        other.close()


# ---- SET-ACTIVE-EXPIRE -------------------------------------------------------------

def test_set_active_expire_0_stops_the_active_cycle(start_server, tmp_path):
    server = start_server(
        "--enable-debug-command", "yes", "--hz", "100", "--dir", str(tmp_path))
    c = servers.RawClient(server.port)
    try:
        assert c.command("DEBUG", "SET-ACTIVE-EXPIRE", "0") == b"+OK\r\n"
        for i in range(20):
            assert c.command("SET", f"k{i}", "v", "PX", "20") == b"+OK\r\n"
        time.sleep(0.5)  # 50 cron ticks at hz 100: the cycle would have taken them all
        # Nobody touched the keys: they expired but are still stored.
        assert c.command("DBSIZE") == b":20\r\n"
        assert servers.info_field(c, "stats", "expired_keys") == "0"
        # Back on, the cycle deletes them without any lookup.
        assert c.command("DEBUG", "SET-ACTIVE-EXPIRE", "1") == b"+OK\r\n"
        assert servers.wait_for(lambda: c.command("DBSIZE") == b":0\r\n", timeout=5)
        assert servers.info_field(c, "stats", "expired_keys") == "20"
    finally:
        c.close()
