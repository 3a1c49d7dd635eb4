"""The harness's own small pieces: quoting, raw escapes, normalisers."""
import pytest

from harness import (norm_acl_log, norm_client_list, norm_hello, norm_sorted, norm_sorted_pairs,
                     norm_time, split_args, unescape_raw, compare_approx)


@pytest.mark.parametrize("line, args", [
    ('SET k v', [b"SET", b"k", b"v"]),
    ('SET "a b" \'c d\'', [b"SET", b"a b", b"c d"]),
    ('ECHO "\\x00\\xff\\r\\n"', [b"ECHO", b"\x00\xff\r\n"]),
    ("ECHO 'it\\'s'", [b"ECHO", b"it's"]),
    ('ECHO ""', [b"ECHO", b""]),
])
def test_split_args_follows_redis_cli_quoting(line, args):
    assert split_args(line) == args


def test_split_args_rejects_unbalanced_quotes():
    with pytest.raises(ValueError):
        split_args('SET k "abc')


def test_unescape_raw():
    assert unescape_raw(r"*1\r\n$4\r\nPING\r\n\x00\\") == b"*1\r\n$4\r\nPING\r\n\x00\\"


def test_client_list_masks_volatile_fields_and_keeps_own_line():
    reply = (b"$%d\r\n" % 0)  # length fixed below
    text = (b"id=3 addr=127.0.0.1:1 fd=8 name= age=9 db=0 cmd=get resp=2\n"
            b"id=4 addr=127.0.0.1:2 fd=9 name=x age=0 db=1 cmd=client|list resp=2\n")
    reply = b"$%d\r\n%s\r\n" % (len(text), text)
    masked = b"id=* addr=* fd=* name=x age=* db=1 cmd=client|list resp=2\n"
    assert norm_client_list(reply) == b"$%d\r\n%s\r\n" % (len(masked), masked)


def test_client_info_resp3_verbatim_keeps_txt_prefix_and_masks_id():
    text = b"txt:id=12 addr=127.0.0.1:5 name=n resp=3\n"
    masked = b"txt:id=* addr=* name=n resp=3\n"
    assert norm_client_list(b"=%d\r\n%s\r\n" % (len(text), text)) == \
        b"=%d\r\n%s\r\n" % (len(masked), masked)


def test_hello_masks_only_the_id():
    a = b"*4\r\n$2\r\nid\r\n:7\r\n$5\r\nproto\r\n:2\r\n"
    b = b"*4\r\n$2\r\nid\r\n:9\r\n$5\r\nproto\r\n:2\r\n"
    assert norm_hello(a) == norm_hello(b)
    assert norm_hello(a) != norm_hello(b.replace(b":2\r\n", b":3\r\n"))


def test_time_keeps_shape():
    assert norm_time(b"*2\r\n$10\r\n1700000000\r\n$6\r\n123456\r\n") == \
        norm_time(b"*2\r\n$10\r\n1800000000\r\n$5\r\n12345\r\n")


def test_sorted_and_pairs():
    assert norm_sorted(b"*2\r\n$1\r\nb\r\n$1\r\na\r\n") == b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"
    assert norm_sorted_pairs(b"*4\r\n$1\r\nz\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n") == \
        b"*4\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n1\r\n"


def test_errors_are_never_normalised():
    assert norm_sorted(b"-ERR x\r\n") == b"-ERR x\r\n"


def test_approx_only_for_integers():
    assert compare_approx(b":100\r\n", b":98\r\n", 5)
    assert not compare_approx(b":100\r\n", b":90\r\n", 5)
    assert not compare_approx(b"$1\r\na\r\n", b"$1\r\nb\r\n", 5)


# ---- several connections per case (@conn, @replies, @unordered) ------------

from harness import Case, MAIN_CONNECTION, _parse_step, _resolve_connection_protocols, \
    load_cases, run_case, unordered_replies  # noqa: E402


def _case(text, tmp_path):
    (tmp_path / "t.txt").write_text(text)
    return load_cases(tmp_path)[0]


def test_conn_opens_named_connections_in_the_case_protocol_unless_told(tmp_path):
    case = _case("c\n@proto 3\n@conn a\nPING\n@conn b 2\nPING\n@conn a\n@conn main\nPING\n",
                 tmp_path)
    conns = [(s.var, s.proto) for s in case.steps if s.kind == "conn"]
    assert conns == [("a", 3), ("b", 2), ("a", 3), (MAIN_CONNECTION, 3)]


def test_conn_cannot_change_the_protocol_of_an_open_connection(tmp_path):
    with pytest.raises(ValueError):
        _case("c\n@conn a 3\nPING\n@conn a 2\nPING\n", tmp_path)
    with pytest.raises(ValueError):
        _parse_step("@conn a 4", 1)


def test_replies_and_unordered_read_a_count():
    step = _parse_step("@replies 3 SUBSCRIBE a b c", 1)
    assert (step.kind, step.count, step.args) == ("replies", 3, [b"SUBSCRIBE", b"a", b"b", b"c"])
    step = _parse_step("@unordered 2", 1)
    assert (step.kind, step.count, step.args) == ("unordered", 2, [])
    assert _parse_step("@read 4", 1).count == 4
    assert _parse_step("@read", 1).count == 1


def _unsub(channel, count, kind=b"*"):
    return kind + b"3\r\n$11\r\nunsubscribe\r\n$1\r\n%s\r\n:%d\r\n" % (channel, count)


def test_unordered_ignores_channel_order_but_keeps_counts_in_order():
    # Redis walks a dict: the channels come in any order, the counts go down.
    one = unordered_replies([_unsub(b"a", 2), _unsub(b"b", 1), _unsub(b"c", 0)])
    two = unordered_replies([_unsub(b"c", 2), _unsub(b"a", 1), _unsub(b"b", 0)])
    assert one == two
    assert one != unordered_replies([_unsub(b"a", 2), _unsub(b"b", 2), _unsub(b"c", 0)])
    assert one != unordered_replies([_unsub(b"a", 2), _unsub(b"b", 1), _unsub(b"d", 0)])
    assert unordered_replies([_unsub(b"a", 0, b">")]) != unordered_replies([_unsub(b"a", 0)])


def test_unordered_compares_messages_as_a_multiset():
    m1 = b"*4\r\n$8\r\npmessage\r\n$2\r\nh*\r\n$1\r\nh\r\n$1\r\nx\r\n"
    m2 = b"*4\r\n$8\r\npmessage\r\n$2\r\n*h\r\n$1\r\nh\r\n$1\r\nx\r\n"
    assert unordered_replies([m1, m2]) == unordered_replies([m2, m1])
    assert unordered_replies([m1, m1]) != unordered_replies([m1, m2])


class ScriptedClient:
    """A fake RawClient: answers from a script of (command -> reply bytes) and
    may have unsolicited bytes (a pushed message) waiting before the next reply."""
    script = {}
    pending = {}     # (connection number, command) -> replies queued before its reply
    opened = []

    def __init__(self, port, timeout=None):
        self.number = len(ScriptedClient.opened)
        ScriptedClient.opened.append(self)
        self.queue, self.sent = [], []

    def send(self, data):
        self.sent.append(data)
        name = data.split(b"\r\n")[2].upper()
        self.queue += ScriptedClient.pending.pop((self.number, name), [])
        if name == b"PING":
            self.queue.append(ScriptedClient.script.get((self.number, b"PING"),
                                                        b"$16\r\ndiff-end-of-case\r\n"))
        else:
            self.queue.append(ScriptedClient.script.get(name, b"+OK\r\n"))

    def read_reply(self):
        return self.queue.pop(0)

    def close(self):
        pass


def _run_scripted(case, script, pending=None):
    ScriptedClient.script, ScriptedClient.pending, ScriptedClient.opened = \
        script, dict(pending or {}), []
    return run_case(case, 1, 2, ScriptedClient), ScriptedClient.opened


def test_every_connection_is_checked_for_leftover_bytes_then_reset(tmp_path):
    case = _case("c\nSET k v\n@conn sub\nSUBSCRIBE ch\n@conn main\nPUBLISH ch m\n", tmp_path)
    # Connections open in order: redis main (0), mini-redis main (1), then
    # redis sub (2), mini-redis sub (3). A RESP2 subscriber answers PING with
    # *2 pong <arg>: that is accepted, and RESET ends its subscriptions.
    subscribed_ping = b"*2\r\n$4\r\npong\r\n$16\r\ndiff-end-of-case\r\n"
    script = {(2, b"PING"): subscribed_ping, (3, b"PING"): subscribed_ping}
    mismatches, opened = _run_scripted(case, script)
    assert mismatches == []
    assert len(opened) == 4
    for client in opened:
        assert client.sent[-1] == b"*1\r\n$5\r\nRESET\r\n"
    # An unread message on mini-redis's subscriber is reported by name.
    mismatches, _ = _run_scripted(case, script, pending={(3, b"PING"): [b"*3\r\n$7\r\nmessage\r\n"]})
    assert len(mismatches) == 1 and "mini-redis" in mismatches[0] and "sub" in mismatches[0]
    # One server still subscribed, the other not: reported too.
    mismatches, _ = _run_scripted(case, {(2, b"PING"): subscribed_ping})
    assert len(mismatches) == 1 and "subscribed or not" in mismatches[0]


def test_acl_log_masks_age_and_client_fields_only():
    def log(age, cid, obj):
        info = b"id=%d addr=127.0.0.1:1 cmd=get user=u" % cid
        entry = [b"count", b"reason", b"object", b"age-seconds", b"client-info"]
        values = [b":1", b"$3\r\nkey", b"$1\r\n" + obj, b"$%d\r\n%s" % (len(age), age),
                  b"$%d\r\n%s" % (len(info), info)]
        body = b"".join(b"$%d\r\n%s\r\n" % (len(n), n) + v + (b"\r\n" if not v.startswith(b":") else b"\r\n")
                        for n, v in zip(entry, values))
        return b"*1\r\n*10\r\n" + body
    assert norm_acl_log(log(b"0.01", 5, b"a")) == norm_acl_log(log(b"0.002", 9, b"a"))
    assert norm_acl_log(log(b"0.01", 5, b"a")) != norm_acl_log(log(b"0.01", 5, b"b"))
