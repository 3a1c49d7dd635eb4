"""CLIENT LIST / CLIENT INFO against redis-server, state by state.

The same steps run on mini-redis and on Debian's redis-server; the line of the
client under test is parsed on both, and then compared: the field names in
order always, and the values of every field that does not depend on the
implementation (ids, addresses, ages and buffer sizes do). Each state is one
that clients and test suites look at: a fresh connection, a name, RESP3,
MULTI with queued commands, Pub/Sub of all three kinds, WATCH, a blocked
client, a selected database, a big query, an unknown command."""
import time

import servers

# Same on both servers whatever their buffers: compared by value.
DETERMINISTIC = ["name", "flags", "db", "sub", "psub", "ssub", "multi", "events", "cmd", "user",
                 "redir", "resp"]


def parse_line(reply: bytes) -> list:
    """The (name, value) pairs of a CLIENT INFO / CLIENT LIST ID reply."""
    assert reply[:1] in (b"$", b"="), reply
    body = reply.split(b"\r\n", 1)[1][:-2].decode()
    if reply[:1] == b"=":
        body = body[4:]  # "txt:"
    lines = [line for line in body.split("\n") if line]
    assert len(lines) == 1, lines
    return [tuple(part.split("=", 1)) for part in lines[0].split(" ")]


def client_id(c) -> int:
    reply = c.command("CLIENT", "ID")
    return int(reply[1:-2])


def compare(ours: list, theirs: list, extra=()):
    assert [name for name, _ in ours] == [name for name, _ in theirs]
    mine, reference = dict(ours), dict(theirs)
    for name in DETERMINISTIC + list(extra):
        assert mine[name] == reference[name], (name, ours, theirs)


class Pair:
    """One connection per server for the client under test, one to observe."""

    def __init__(self, ours_port, redis_port):
        self.subjects = [servers.RawClient(ours_port), servers.RawClient(redis_port)]
        self.observers = [servers.RawClient(ours_port), servers.RawClient(redis_port)]
        self.ids = [client_id(c) for c in self.subjects]

    def close(self):
        for c in self.subjects + self.observers:
            c.close()

    def both(self, *args):
        return [c.command(*args) for c in self.subjects]

    def send_both(self, data: bytes):
        for c in self.subjects:
            c.send(data)

    def info(self, extra=()):
        lines = [parse_line(c.command("CLIENT", "INFO")) for c in self.subjects]
        compare(*lines, extra=extra)
        return lines

    def listed(self, extra=()):
        """The subject's line as another connection's CLIENT LIST ID shows it."""
        lines = [parse_line(observer.command("CLIENT", "LIST", "ID", str(ident)))
                 for observer, ident in zip(self.observers, self.ids)]
        compare(*lines, extra=extra)
        return lines


def with_both_servers(start_server, steps):
    ours = start_server()
    with servers.real_redis() as reference:
        pair = Pair(ours.port, reference.port)
        try:
            steps(pair)
        finally:
            pair.close()


def test_fresh_connection(start_server):
    def steps(pair):
        # (qbuf differs: Redis still holds the request in its query buffer
        # while CLIENT INFO runs, 26 bytes; we have consumed it, 0.)
        ours, _ = pair.info(extra=["argv-mem", "multi-mem", "obl", "oll", "omem"])
        assert dict(ours)["cmd"] == "client|info"
        assert dict(ours)["flags"] == "N"
    with_both_servers(start_server, steps)


def test_named_resp3_and_selected_database(start_server):
    def steps(pair):
        assert pair.both("CLIENT", "SETNAME", "worker-1") == [b"+OK\r\n"] * 2
        pair.both("SELECT", "5")
        ours, _ = pair.info()
        assert dict(ours)["name"] == "worker-1" and dict(ours)["db"] == "5"
        pair.both("HELLO", "3")
        ours, _ = pair.info()
        assert dict(ours)["resp"] == "3"
    with_both_servers(start_server, steps)


def test_in_multi_with_queued_commands(start_server):
    def steps(pair):
        pair.both("MULTI")
        assert pair.both("SET", "a", "1") == [b"+QUEUED\r\n"] * 2
        pair.both("INCR", "n")
        ours, _ = pair.listed(extra=["multi-mem"])
        assert dict(ours)["multi"] == "2" and "x" in dict(ours)["flags"]
        pair.both("DISCARD")
    with_both_servers(start_server, steps)


def test_subscribed_to_channels_patterns_and_shard_channels(start_server):
    def steps(pair):
        pair.send_both(b"SUBSCRIBE a b\r\n")
        for c in pair.subjects:
            c.read_reply()
            c.read_reply()
        pair.send_both(b"PSUBSCRIBE p*\r\n")
        for c in pair.subjects:
            c.read_reply()
        pair.send_both(b"SSUBSCRIBE s\r\n")
        for c in pair.subjects:
            c.read_reply()
        ours, _ = pair.listed()
        fields = dict(ours)
        assert (fields["sub"], fields["psub"], fields["ssub"]) == ("2", "1", "1")
    with_both_servers(start_server, steps)


def test_watching_keys(start_server):
    def steps(pair):
        pair.both("WATCH", "a", "b")
        pair.info()
        # A watched key changed: EXEC will fail (flag d).
        for observer in pair.observers:
            observer.command("SET", "a", "changed")
        pair.listed()
    with_both_servers(start_server, steps)


def test_blocked_client(start_server):
    def steps(pair):
        pair.send_both(b"BLPOP nothing 0\r\n")
        time.sleep(0.1)
        ours, _ = pair.listed()
        assert dict(ours)["cmd"] == "blpop" and "b" in dict(ours)["flags"]
        for observer in pair.observers:
            observer.command("RPUSH", "nothing", "x")
        for c in pair.subjects:
            assert c.read_reply().startswith(b"*2")
    with_both_servers(start_server, steps)


def test_after_a_big_query_and_an_unknown_command(start_server):
    def steps(pair):
        assert pair.both("SET", "big", "x" * 200_000) == [b"+OK\r\n"] * 2
        pair.listed()
        replies = pair.both("NOSUCHCOMMAND", "x")
        assert all(r.startswith(b"-ERR unknown command") for r in replies)
        pair.listed()
        pair.both("GET")  # known, but the wrong number of arguments
        pair.listed()
    with_both_servers(start_server, steps)
