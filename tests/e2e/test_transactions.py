"""Transactions end to end: MULTI/EXEC/WATCH across real connections.

What only a real server shows: two clients racing on a WATCHed key, a
client that disconnects with a transaction open (nothing of it is applied,
and its watched keys are forgotten), a whole transaction sent in one write,
the expiry cycle invalidating a WATCH, MONITOR and the INFO counters, and
redis-py's pipeline(transaction=True) with the WATCH-retry loop its users
write. Byte-exact replies of each command are in tests/diff/cases/transactions.txt.

E2E_AGAINST=redis runs the same tests against Debian's redis-server.
"""
import re
import threading

import redis

import servers


def info_field(client, section, name) -> str:
    text = client.command("INFO", section).decode()
    match = re.search(rf"^{re.escape(name)}:(.*?)\r$", text, re.M)
    assert match, (name, text)
    return match.group(1)


def alone_after_the_others_left(server):
    """A new client, once the server has seen every other client leave."""
    client = servers.RawClient(server.port)
    assert servers.wait_for(
        lambda: info_field(client, "clients", "connected_clients") == "1", timeout=5)
    return client


def test_watch_is_invalidated_by_another_connection(server):
    mine = servers.RawClient(server.port)
    theirs = servers.RawClient(server.port)
    assert mine.command("SET", "balance", "10") == b"+OK\r\n"
    assert mine.command("WATCH", "balance") == b"+OK\r\n"
    assert mine.command("GET", "balance") == b"$2\r\n10\r\n"
    assert theirs.command("INCRBY", "balance", "5") == b":15\r\n"
    assert mine.command("MULTI") == b"+OK\r\n"
    assert mine.command("SET", "balance", "11") == b"+QUEUED\r\n"
    assert mine.command("EXEC") == b"*-1\r\n"
    assert mine.command("GET", "balance") == b"$2\r\n15\r\n"
    # Retried without interference, it goes through.
    assert mine.command("WATCH", "balance") == b"+OK\r\n"
    assert mine.command("MULTI") == b"+OK\r\n"
    assert mine.command("SET", "balance", "16") == b"+QUEUED\r\n"
    assert mine.command("EXEC") == b"*1\r\n+OK\r\n"
    mine.close()
    theirs.close()


def test_disconnect_mid_transaction_applies_nothing(server):
    leaving = servers.RawClient(server.port)
    assert leaving.command("MULTI") == b"+OK\r\n"
    assert leaving.command("SET", "a", "1") == b"+QUEUED\r\n"
    assert leaving.command("INCR", "counter") == b"+QUEUED\r\n"
    # The commands are queued, and the client leaves before EXEC.
    leaving.close()
    other = alone_after_the_others_left(server)
    assert other.command("EXISTS", "a", "counter") == b":0\r\n"
    assert other.command("DBSIZE") == b":0\r\n"
    other.close()


def test_disconnected_watcher_is_forgotten(server):
    watcher = servers.RawClient(server.port)
    assert watcher.command("WATCH", "k") == b"+OK\r\n"
    watcher.close()
    other = alone_after_the_others_left(server)
    # Writes to the key find no watcher left behind (a crash would show here
    # under the sanitizers), and a new watcher works as usual.
    assert other.command("SET", "k", "1") == b"+OK\r\n"
    assert other.command("WATCH", "k") == b"+OK\r\n"
    assert other.command("MULTI") == b"+OK\r\n"
    assert other.command("INCR", "k") == b"+QUEUED\r\n"
    assert other.command("EXEC") == b"*1\r\n:2\r\n"
    other.close()


def test_whole_transaction_in_one_write(client):
    # A pipelined transaction: every reply comes back, in order.
    client.send(b"*1\r\n$5\r\nMULTI\r\n"
                b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
                b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
                b"*1\r\n$4\r\nEXEC\r\n")
    assert client.read_reply() == b"+OK\r\n"
    assert client.read_reply() == b"+QUEUED\r\n"
    assert client.read_reply() == b"+QUEUED\r\n"
    assert client.read_reply() == b"*2\r\n+OK\r\n$1\r\nv\r\n"


def test_disconnect_after_sending_exec_still_runs_it(server):
    # EXEC was read: the transaction runs whole, even if the client is gone
    # before its reply is written.
    leaving = servers.RawClient(server.port)
    leaving.send(b"*1\r\n$5\r\nMULTI\r\n"
                 b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
                 b"*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n"
                 b"*1\r\n$4\r\nEXEC\r\n")
    assert leaving.read_reply() == b"+OK\r\n"
    leaving.close()
    other = servers.RawClient(server.port)
    assert servers.wait_for(lambda: other.command("EXISTS", "a", "b") == b":2\r\n", timeout=5)
    other.close()


def test_active_expiry_invalidates_a_watch(server):
    client = servers.RawClient(server.port)
    assert client.command("SET", "k", "v", "PX", "50") == b"+OK\r\n"
    assert client.command("WATCH", "k") == b"+OK\r\n"
    # No client touches the key: the expiry cycle (or EXEC's own check of
    # the expire time) is what makes the key count as modified.
    assert servers.wait_for(lambda: info_field(client, "stats", "expired_keys") == "1", 5)
    assert client.command("MULTI") == b"+OK\r\n"
    assert client.command("PING") == b"+QUEUED\r\n"
    assert client.command("EXEC") == b"*-1\r\n"
    client.close()


def test_monitor_shows_queued_commands_when_exec_runs_them(server):
    monitor = servers.RawClient(server.port)
    assert monitor.command("MONITOR") == b"+OK\r\n"
    client = servers.RawClient(server.port)
    assert client.command("MULTI") == b"+OK\r\n"
    assert client.command("SET", "k", "v") == b"+QUEUED\r\n"
    assert client.command("GET", "k") == b"+QUEUED\r\n"
    assert client.command("EXEC") == b"*2\r\n+OK\r\n$1\r\nv\r\n"
    assert client.command("ECHO", "end") == b"$3\r\nend\r\n"
    lines = [monitor.read_reply().split(b"] ", 1)[1] for _ in range(5)]
    assert lines == [b'"MULTI"\r\n', b'"SET" "k" "v"\r\n', b'"GET" "k"\r\n', b'"EXEC"\r\n',
                     b'"ECHO" "end"\r\n']
    monitor.close()
    client.close()


def test_info_counters_follow_redis(client):
    assert client.command("CONFIG", "RESETSTAT") == b"+OK\r\n"
    assert client.command("MULTI") == b"+OK\r\n"
    assert client.command("SHUTDOWN") == b"-ERR Command not allowed inside a transaction\r\n"
    assert client.command("SET", "a", "1") == b"+QUEUED\r\n"
    assert client.command("EXEC") == (
        b"-EXECABORT Transaction discarded because of previous errors.\r\n")
    assert client.command("MULTI") == b"+OK\r\n"
    assert client.command("SET", "a", "1") == b"+QUEUED\r\n"
    assert client.command("LPUSH", "a", "x") == b"+QUEUED\r\n"
    assert client.command("EXEC") == (
        b"*2\r\n+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
    assert client.command("EXEC", "x") == (
        b"-EXECABORT Transaction discarded because of: "
        b"wrong number of arguments for 'exec' command\r\n")
    stats = client.command("INFO", "commandstats").decode()
    assert re.search(r"cmdstat_exec:calls=2,.*,rejected_calls=1,failed_calls=1\r", stats), stats
    assert re.search(r"cmdstat_set:calls=1,.*,rejected_calls=0,failed_calls=0\r", stats), stats
    assert re.search(r"cmdstat_lpush:calls=1,.*,rejected_calls=0,failed_calls=1\r", stats), stats
    assert re.search(r"cmdstat_shutdown:calls=0,.*,rejected_calls=1,failed_calls=0\r", stats), stats
    assert re.search(r"cmdstat_multi:calls=2,", stats), stats
    errors = client.command("INFO", "errorstats").decode()
    assert "errorstat_EXECABORT:count=2\r" in errors, errors
    assert "errorstat_ERR:count=1\r" in errors, errors
    assert "errorstat_WRONGTYPE:count=1\r" in errors, errors
    assert info_field(client, "stats", "total_error_replies") == "4"


def test_redis_py_pipeline_transaction(server):
    r = redis.Redis(port=server.port)
    with r.pipeline(transaction=True) as pipe:
        pipe.set("k", "1").incr("k").lpush("k", "x").get("k")
        results = pipe.execute(raise_on_error=False)
    assert results[:2] == [True, 2]
    assert isinstance(results[2], redis.ResponseError)
    assert results[3] == b"2"
    r.close()


def test_redis_py_watch_retry_loop_with_a_competing_client(server):
    """The optimistic-locking loop from redis-py's documentation: WATCH, read,
    MULTI, write, EXEC; on WatchError start over. Two threads increment the
    same counter this way; no increment may be lost."""
    rounds = 50

    def increment_many():
        r = redis.Redis(port=server.port)
        retries = 0
        for _ in range(rounds):
            with r.pipeline() as pipe:
                while True:
                    try:
                        pipe.watch("counter")
                        value = int(pipe.get("counter") or 0)
                        pipe.multi()
                        pipe.set("counter", value + 1)
                        pipe.execute()
                        break
                    except redis.WatchError:
                        retries += 1
        r.close()
        return retries

    threads = [threading.Thread(target=increment_many) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    r = redis.Redis(port=server.port)
    assert int(r.get("counter")) == 2 * rounds
    r.close()


def test_redis_py_watch_error_on_conflict(server):
    r = redis.Redis(port=server.port)
    other = redis.Redis(port=server.port)
    r.set("k", "1")
    with r.pipeline() as pipe:
        pipe.watch("k")
        other.set("k", "2")
        pipe.multi()
        pipe.set("k", "3")
        try:
            pipe.execute()
            raised = False
        except redis.WatchError:
            raised = True
    assert raised
    assert r.get("k") == b"2"
    r.close()
    other.close()


def test_exec_checks_the_acl_again(server):
    admin = servers.RawClient(server.port)
    assert admin.command("ACL", "SETUSER", "u", "on", ">p", "+@all", "~*") == b"+OK\r\n"
    assert admin.command("CONFIG", "RESETSTAT") == b"+OK\r\n"
    user = servers.RawClient(server.port)
    assert user.command("AUTH", "u", "p") == b"+OK\r\n"
    assert user.command("MULTI") == b"+OK\r\n"
    assert user.command("SET", "k", "v") == b"+QUEUED\r\n"
    assert user.command("GET", "k") == b"+QUEUED\r\n"
    assert user.command("PING") == b"+QUEUED\r\n"
    # The rules change between the queueing and EXEC.
    assert admin.command("ACL", "SETUSER", "u", "-set", "-ping") == b"+OK\r\n"
    refused = (b"-NOPERM ACLs rules changed between the moment the transaction was accumulated "
               b"and the EXEC call. This command is no longer allowed for the following reason: "
               b"no permission to execute the command or subcommand\r\n")
    assert user.command("EXEC") == b"*3\r\n" + refused + b"$-1\r\n" + refused
    log = admin.command("ACL", "LOG")
    assert log.startswith(b"*2\r\n"), log
    assert b"$7\r\ncontext\r\n$5\r\nmulti\r\n$6\r\nobject\r\n$4\r\nping\r\n" in log, log
    stats = admin.command("INFO", "commandstats").decode()
    # The refused commands are not counted; the refusal last in the
    # transaction makes EXEC a failed call, as Redis counts it.
    assert re.search(r"cmdstat_exec:calls=1,.*,rejected_calls=0,failed_calls=1\r", stats), stats
    assert "cmdstat_set:" not in stats and "cmdstat_ping:" not in stats, stats
    assert "errorstat_NOPERM:count=2\r" in admin.command("INFO", "errorstats").decode()
    user.close()
    admin.close()


def test_eviction_invalidates_a_watch(start_server):
    server = start_server("--maxmemory-policy", "allkeys-lru")
    client = servers.RawClient(server.port)
    writer = servers.RawClient(server.port)
    assert client.command("SET", "watched", "x") == b"+OK\r\n"
    assert client.command("WATCH", "watched") == b"+OK\r\n"
    used = int(info_field(client, "memory", "used_memory"))
    assert writer.command("CONFIG", "SET", "maxmemory", str(used + 512 * 1024)) == b"+OK\r\n"
    # The watched key is the least recently used one (WATCH does not touch
    # it, nor does TTL): writing past the limit evicts it sooner or later.
    value = b"v" * 10_000
    for i in range(2000):
        assert writer.command("SET", f"filler:{i}", value) == b"+OK\r\n"
        if i % 10 == 0 and writer.command("TTL", "watched") == b":-2\r\n":
            break
    assert writer.command("TTL", "watched") == b":-2\r\n"
    assert int(info_field(writer, "stats", "evicted_keys")) > 0
    assert writer.command("CONFIG", "SET", "maxmemory", "0") == b"+OK\r\n"
    assert client.command("MULTI") == b"+OK\r\n"
    assert client.command("PING") == b"+QUEUED\r\n"
    assert client.command("EXEC") == b"*-1\r\n"
    client.close()
    writer.close()
