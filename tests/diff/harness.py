"""The differential harness: read case files, run a case on two servers, compare.

A case is a short script of Redis commands (see README.md for the file format).
The harness runs it on a fresh connection to each server, reads every reply as
raw RESP bytes, and compares the two byte strings. Nothing is compared against a
hand-written expectation: Debian's redis-server *is* the expectation.

Where a reply legitimately differs between two correct servers (a client id, a
memory figure, the order of KEYS), a named normaliser rewrites both replies the
same way before they are compared. Every normaliser states its reason below; a
difference that no normaliser explains is a failure.
"""
import re
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

CASES_DIR = Path(__file__).parent / "cases"

# How long to wait for one reply. A correct server answers in microseconds; a
# server that says nothing is reported as "<no reply>" and the case stops there.
REPLY_TIMEOUT = 2.0


# ---------------------------------------------------------------------------
# Quoting: the same rules as redis-cli (Redis's sdssplitargs), so a line of a
# case file can be pasted into redis-cli and back.
# ---------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "a": "\a"}


def split_args(line: str) -> list[bytes]:
    """Splits a redis-cli style line into arguments.

    "double quotes" understand \\n \\r \\t \\b \\a \\xHH and \\<any>;
    'single quotes' understand only \\'. A closing quote must be followed by a
    space or the end of the line, as in redis-cli.
    """
    args, i, n = [], 0, len(line)
    while True:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            return args
        current, in_double, in_single, done = [], False, False, False
        while not done:
            if in_double:
                if i >= n:
                    raise ValueError(f"unbalanced double quote in: {line}")
                c = line[i]
                if c == "\\" and i + 3 < n + 0 and line[i + 1] == "x" and \
                        re.fullmatch(r"[0-9a-fA-F]{2}", line[i + 2:i + 4]):
                    current.append(chr(int(line[i + 2:i + 4], 16)))
                    i += 3
                elif c == "\\" and i + 1 < n:
                    i += 1
                    current.append(_ESCAPES.get(line[i], line[i]))
                elif c == '"':
                    if i + 1 < n and not line[i + 1].isspace():
                        raise ValueError(f"closing quote must be followed by a space: {line}")
                    done = True
                else:
                    current.append(c)
            elif in_single:
                if i >= n:
                    raise ValueError(f"unbalanced single quote in: {line}")
                c = line[i]
                if c == "\\" and i + 1 < n and line[i + 1] == "'":
                    i += 1
                    current.append("'")
                elif c == "'":
                    if i + 1 < n and not line[i + 1].isspace():
                        raise ValueError(f"closing quote must be followed by a space: {line}")
                    done = True
                else:
                    current.append(c)
            else:
                if i >= n:
                    done = True
                    continue
                c = line[i]
                if c.isspace():
                    done = True
                elif c == '"':
                    in_double = True
                elif c == "'":
                    in_single = True
                else:
                    current.append(c)
            i += 1
        args.append("".join(current).encode("latin-1"))


def unescape_raw(text: str) -> bytes:
    """The bytes of an @raw/@send line: literal text with \\r \\n \\t \\xHH \\\\."""
    out, i = bytearray(), 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "x":
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
            out += {"r": b"\r", "n": b"\n", "t": b"\t", "\\": b"\\"}.get(nxt, b"\\" + nxt.encode())
            i += 2
            continue
        out += c.encode("latin-1")
        i += 1
    return bytes(out)


# ---------------------------------------------------------------------------
# RESP parsing, only as much as the normalisers need.
# ---------------------------------------------------------------------------

def parse_resp(data: bytes, pos: int = 0):
    """(value, next_pos). Aggregates become (kind, [items]); bulk strings bytes;
    simple lines (kind, text)."""
    end = data.index(b"\r\n", pos)
    kind, rest = data[pos:pos + 1], data[pos + 1:end]
    pos = end + 2
    if kind in (b"$", b"=", b"!"):
        n = int(rest)
        if n < 0:
            return (kind, None), pos
        return (kind, data[pos:pos + n]), pos + n + 2
    if kind in (b"*", b"~", b">", b"%", b"|"):
        n = int(rest)
        if n < 0:
            return (kind, None), pos
        count = n * 2 if kind in (b"%", b"|") else n
        items = []
        for _ in range(count):
            item, pos = parse_resp(data, pos)
            items.append(item)
        return (kind, items), pos
    return (kind, rest), pos


def encode_resp(value) -> bytes:
    kind, body = value
    if body is None:
        return kind + b"-1\r\n"
    if kind in (b"$", b"=", b"!"):
        return kind + b"%d\r\n" % len(body) + body + b"\r\n"
    if kind in (b"*", b"~", b">", b"%", b"|"):
        count = len(body) // 2 if kind in (b"%", b"|") else len(body)
        return kind + b"%d\r\n" % count + b"".join(encode_resp(v) for v in body)
    return kind + body + b"\r\n"


def _is_reply(reply):
    """Replies that are markers (closed, timeout) are not RESP: leave them alone."""
    return reply.startswith((b"*", b"$", b":", b"+", b"%", b"~", b"|", b">", b",", b"#",
                             b"(", b"=", b"!", b"_"))


# ---------------------------------------------------------------------------
# Normalisers. Each maps the raw reply bytes of one server to bytes that two
# correct servers agree on. Errors pass through untouched: an error text must
# match byte for byte even where the success reply is normalised.
# ---------------------------------------------------------------------------

# CLIENT LIST / CLIENT INFO fields whose values differ between two correct
# servers: identities given out by the process (id, fd, ports in addr/laddr),
# wall-clock ages, and memory or buffer sizes that depend on how each server
# lays out its buffers. Every other field (name, db, flags, resp, cmd, ...)
# must match exactly.
CLIENT_VOLATILE_FIELDS = {"id", "addr", "laddr", "fd", "age", "idle", "qbuf", "qbuf-free",
                          "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem"}


def _mask_client_line(line: str) -> str:
    fields = []
    for part in line.split(" "):
        key, sep, _value = part.partition("=")
        fields.append(f"{key}=*" if sep and key in CLIENT_VOLATILE_FIELDS else part)
    return " ".join(fields)


def norm_client_list(reply: bytes) -> bytes:
    """CLIENT LIST / CLIENT INFO: mask volatile fields; for CLIENT LIST keep only
    the line of the connection that asked (cmd=client|list), because connections
    of earlier cases may still be closing on one server and not the other."""
    value, _ = parse_resp(reply)
    kind, body = value
    if kind not in (b"$", b"=", b"+") or body is None:
        return reply
    text = body.decode("latin-1")
    # A RESP3 verbatim string starts with its format, "txt:"; keep it apart.
    prefix = ""
    if kind == b"=" and text[3:4] == ":":
        prefix, text = text[:4], text[4:]
    lines = [l for l in text.split("\n") if l]
    if len(lines) > 1 or "cmd=client|list" in text:
        lines = [l for l in lines if "cmd=client|list" in l]
    masked = prefix + "".join(_mask_client_line(l) + "\n" for l in lines)
    if kind == b"+":
        return b"+" + masked.encode("latin-1")
    return encode_resp((kind, masked.encode("latin-1")))


def norm_integer(reply: bytes) -> bytes:
    """Any integer reply becomes ':<int>' (client ids differ between servers)."""
    return re.sub(rb"^:-?\d+\r\n$", b":<int>\r\n", reply)


def norm_hello(reply: bytes) -> bytes:
    """HELLO's map/array: the value after "id" is a client id; mask it."""
    value, _ = parse_resp(reply)
    kind, body = value
    if kind not in (b"*", b"%") or body is None:
        return reply
    items = list(body)
    for i in range(0, len(items) - 1, 2):
        if items[i] == (b"$", b"id"):
            items[i + 1] = (b":", b"<id>")
    return encode_resp((kind, items))


def norm_time(reply: bytes) -> bytes:
    """TIME: two bulk strings of digits. Only the shape can be compared."""
    return re.sub(rb"\$\d+\r\n\d+\r\n", b"$<n>\r\n<digits>\r\n", reply)


def norm_shape(reply: bytes) -> bytes:
    """Keep only the reply's type (INFO text, MEMORY USAGE, OBJECT IDLETIME:
    their values depend on the implementation, not on Redis's semantics)."""
    if reply.startswith(b"-"):
        return reply
    return reply[:1] + b"<value>"


def norm_sorted(reply: bytes) -> bytes:
    """An array whose order Redis does not define (KEYS walks its hash table):
    sort the elements."""
    value, _ = parse_resp(reply)
    kind, body = value
    if kind not in (b"*", b"~") or body is None:
        return reply
    return encode_resp((kind, sorted(body, key=encode_resp)))


def norm_sorted_pairs(reply: bytes) -> bytes:
    """A flat name/value array or a map whose pair order Redis does not define
    (CONFIG GET with several parameters walks a dict): sort the pairs."""
    value, _ = parse_resp(reply)
    kind, body = value
    if kind not in (b"*", b"%") or body is None:
        return reply
    pairs = sorted(zip(body[0::2], body[1::2]), key=lambda p: encode_resp(p[0]))
    return encode_resp((kind, [x for p in pairs for x in p]))


def norm_acl_log(reply: bytes) -> bytes:
    """ACL LOG: in each entry, age-seconds is a wall-clock age (mask it) and
    client-info a CLIENT LIST line (mask its volatile fields). The count,
    reason, context, object, username and the entries' order must match."""
    value, _ = parse_resp(reply)
    kind, body = value
    if kind not in (b"*",) or body is None:
        return reply
    entries = []
    for entry_kind, items in body:
        if entry_kind not in (b"*", b"%") or items is None:
            entries.append((entry_kind, items))
            continue
        items = list(items)
        for i in range(0, len(items) - 1, 2):
            name = items[i][1]
            if name == b"age-seconds":
                items[i + 1] = (b"$", b"<age>")
            elif name == b"client-info" and items[i + 1][1] is not None:
                line = items[i + 1][1].decode("latin-1")
                items[i + 1] = (items[i + 1][0], _mask_client_line(line).encode("latin-1"))
        entries.append((entry_kind, items))
    return encode_resp((kind, entries))


def norm_without_subcommands(reply: bytes) -> bytes:
    """COMMAND INFO of a container command (CLIENT, CONFIG, OBJECT): its 10th
    field lists every subcommand Redis has, in dict order. mini-redis has only
    some of them, so the list is dropped here and each implemented subcommand
    is compared on its own (COMMAND INFO client|setname)."""
    def drop_subcommands(items):
        if len(items) < 10:
            return items
        return items[:9] + [(b"+", b"<subcommands>")] + items[10:]
    return map_array_entries(reply, drop_subcommands)


def map_array_entries(reply: bytes, change) -> bytes:
    """Applies `change` to the items of each array entry of an array reply
    (COMMAND INFO's commands, SLOWLOG GET's entries); anything else is left
    as it is."""
    value, _ = parse_resp(reply)
    kind, body = value
    if kind != b"*" or body is None:
        return reply
    entries = []
    for entry in body:
        if entry[0] == b"*" and entry[1] is not None:
            entry = (b"*", change(list(entry[1])))
        entries.append(entry)
    return encode_resp((kind, entries))


def norm_slowlog(reply: bytes) -> bytes:
    """SLOWLOG GET: each entry's id (it counts every entry since the server
    started, and the two servers have run different histories), Unix time,
    duration in microseconds and client address (ports differ) are masked.
    The arguments as logged and the client name are compared."""
    def mask(items):
        if len(items) == 6:
            items[0] = items[1] = items[2] = (b":", b"<int>")
            items[4] = (b"$", b"<addr>")
        return items
    return map_array_entries(reply, mask)


def norm_latency_histogram(reply: bytes) -> bytes:
    """LATENCY HISTOGRAM: the buckets hold measured durations, which differ
    between two servers; the command names, their order, the "calls" counts
    and the reply's structure are compared."""
    value, _ = parse_resp(reply)
    kind, body = value
    if kind not in (b"*", b"%") or body is None:
        return reply
    items = list(body)
    for i in range(1, len(items), 2):
        kind_i, fields = items[i]
        if kind_i in (b"*", b"%") and fields is not None and len(fields) == 4:
            fields = list(fields)
            fields[3] = (fields[3][0], [])
            items[i] = (kind_i, fields)
    return encode_resp((kind, items))


def norm_memory_stats(reply: bytes) -> bytes:
    """MEMORY STATS: byte counts and ratios are measurements of each server's
    own memory; the field names, their order, the per-database entries and
    each value's type are compared."""
    def mask(value):
        kind, body = value
        if kind in (b"*", b"%") and body is not None:
            items = list(body)
            for i in range(1, len(items), 2):
                items[i] = mask(items[i])
            return (kind, items)
        return (kind, b"<value>")
    if not reply.startswith((b"*", b"%")):
        return reply
    value, _ = parse_resp(reply)
    return encode_resp(mask(value))


def norm_debug_object(reply: bytes) -> bytes:
    """DEBUG OBJECT's status line: the value's address and its LRU clock
    differ between any two servers; every other field is compared."""
    reply = re.sub(rb"Value at:\S+", b"Value at:<addr>", reply)
    reply = re.sub(rb" lru:\d+", b" lru:<clock>", reply)
    return re.sub(rb" lru_seconds_idle:\d+", b" lru_seconds_idle:<s>", reply)


NORMALISERS = {
    "debug-object": norm_debug_object,
    "memory-stats": norm_memory_stats,
    "slowlog": norm_slowlog,
    "latency-histogram": norm_latency_histogram,
    "without-subcommands": norm_without_subcommands,
    "client-list": norm_client_list,
    "acl-log": norm_acl_log,
    "integer": norm_integer,
    "hello": norm_hello,
    "time": norm_time,
    "shape": norm_shape,
    "sorted": norm_sorted,
    "sorted-pairs": norm_sorted_pairs,
}

# Commands whose replies are normalised wherever they appear, by (name, sub).
AUTO_NORMALISERS = {
    ("hello", None): "hello",
    ("client", "id"): "integer",
    ("client", "list"): "client-list",
    ("client", "info"): "client-list",
    ("acl", "log"): "acl-log",
    ("time", None): "time",
    ("info", None): "shape",
    ("memory", "usage"): "shape",
    ("memory", "stats"): "memory-stats",
    ("memory", "malloc-stats"): "shape",
    ("object", "idletime"): "shape",
    ("slowlog", "get"): "slowlog",
    ("latency", "histogram"): "latency-histogram",
    ("debug", "object"): "debug-object",
}


def auto_normaliser(args):
    if not args:
        return None
    name = args[0].decode("latin-1").lower()
    sub = args[1].decode("latin-1").lower() if len(args) > 1 else None
    return AUTO_NORMALISERS.get((name, sub)) or AUTO_NORMALISERS.get((name, None))


# ---------------------------------------------------------------------------
# Case files.
# ---------------------------------------------------------------------------

@dataclass
class Step:
    kind: str           # command, noreply, raw, send, read, closed, sleep, scan, let,
                        # replies, unordered, conn
    line: str           # the line as written, for messages
    lineno: int
    args: list = field(default_factory=list)
    data: bytes = b""
    normaliser: str | None = None
    approx: int | None = None
    var: str | None = None
    count: int = 1      # how many replies @read N / @replies N / @unordered N read
    proto: int | None = None  # @conn NAME 3: the protocol a new connection starts in


@dataclass
class Case:
    file: str
    name: str
    lineno: int
    why: list = field(default_factory=list)
    proto: int = 2
    steps: list = field(default_factory=list)

    @property
    def id(self):
        return f"{self.file}:{self.name}"


def _parse_step(text: str, lineno: int) -> Step:
    step = Step(kind="command", line=text, lineno=lineno)
    rest = text
    # Prefixes that modify how the reply of the command that follows is compared.
    while rest.startswith("@"):
        word, _, tail = rest.partition(" ")
        if word == "@sorted":
            step.normaliser, rest = "sorted", tail
        elif word == "@pairs":
            step.normaliser, rest = "sorted-pairs", tail
        elif word == "@nosubs":
            step.normaliser, rest = "without-subcommands", tail
        elif word == "@shape":
            step.normaliser, rest = "shape", tail
        elif word == "@approx":
            tolerance, _, rest = tail.partition(" ")
            step.approx = int(tolerance)
        elif word == "@noreply":
            step.kind, rest = "noreply", tail
        elif word in ("@raw", "@send"):
            step.kind, step.data = word[1:], unescape_raw(tail)
            return step
        elif word == "@inline":
            step.kind, step.data = "raw", unescape_raw(tail) + b"\r\n"
            return step
        elif word == "@send-repeat":
            count, _, text = tail.partition(" ")
            step.kind, step.data = "send", unescape_raw(text) * int(count)
            return step
        elif word == "@hangup":
            step.kind = "hangup"
            return step
        elif word == "@read":
            step.kind = "read"
            step.count = int(tail) if tail.strip() else 1
            return step
        elif word in ("@replies", "@unordered"):
            # A command with several replies: SUBSCRIBE a b c answers three
            # times. @unordered compares them as a multiset, for replies that
            # Redis sends in dict order (UNSUBSCRIBE with no argument walks the
            # client's channel dict, whose order differs from run to run even
            # between two redis-servers; so does the order of the pmessages
            # one PUBLISH sends to a client matching several patterns).
            # "@unordered N" with no command reads N replies (pushed messages).
            count, _, rest = tail.partition(" ")
            step.kind, step.count = word[1:], int(count)
        elif word == "@conn":
            # @conn NAME [2|3]: the lines that follow run on connection NAME,
            # opened (fresh, on both servers) the first time it is named.
            parts = tail.split()
            if len(parts) not in (1, 2) or (len(parts) == 2 and parts[1] not in ("2", "3")):
                raise ValueError(f"line {lineno}: @conn NAME [2|3], got: {text}")
            step.kind, step.var = "conn", parts[0]
            step.proto = int(parts[1]) if len(parts) == 2 else None
            return step
        elif word == "@closed":
            step.kind = "closed"
            return step
        elif word == "@sleep":
            step.kind, step.approx = "sleep", int(tail)
            return step
        elif word == "@scan":
            step.kind, rest = "scan", tail
        elif word == "@let":
            var, _, tail = tail.partition("=")
            step.kind, step.var, rest = "let", var.strip(), tail.strip()
        else:
            raise ValueError(f"line {lineno}: unknown directive {word}")
    step.args = split_args(rest)
    if step.normaliser is None and step.kind in ("command", "let"):
        step.normaliser = auto_normaliser(step.args)
    return step


def load_cases(directory: Path = CASES_DIR) -> list[Case]:
    cases, seen = [], set()
    for path in sorted(directory.glob("*.txt")):
        current = None
        for lineno, raw_line in enumerate(path.read_text().splitlines(), 1):
            line = raw_line.strip()
            if not line:
                current = None
                continue
            if current is None:
                if line.startswith("#"):
                    continue  # a file-level comment between cases
                current = Case(file=path.stem, name=line, lineno=lineno)
                if current.id in seen:
                    raise ValueError(f"{path}:{lineno}: duplicate case name {line}")
                seen.add(current.id)
                cases.append(current)
                continue
            if line.startswith("#"):
                current.why.append(line.lstrip("# "))
            elif line.startswith("@proto "):
                current.proto = int(line.split()[1])
            else:
                current.steps.append(_parse_step(line, lineno))
    for case in cases:
        _resolve_connection_protocols(case)
    return cases


def _resolve_connection_protocols(case: Case):
    """Every @conn step gets the protocol its connection opens in: the one
    given at its first mention, else the case's @proto. Naming a protocol again
    later must agree with the first one (a connection is opened only once)."""
    protos = {MAIN_CONNECTION: case.proto}
    for step in case.steps:
        if step.kind != "conn":
            continue
        if step.var in protos:
            if step.proto is not None and step.proto != protos[step.var]:
                raise ValueError(f"{case.file}:{step.lineno}: connection {step.var} "
                                 f"is already open in RESP{protos[step.var]}")
        else:
            protos[step.var] = step.proto if step.proto is not None else case.proto
        step.proto = protos[step.var]


# ---------------------------------------------------------------------------
# Running a case.
# ---------------------------------------------------------------------------

CLOSED = b"<connection closed>"
NO_REPLY = b"<no reply>"


# The connection a case starts on; @conn NAME switches to another one.
MAIN_CONNECTION = "main"

# What the closing PING may answer: the plain reply, or the array that a RESP2
# client in subscribed mode gets instead (Redis: *2 "pong" <argument>).
END_OF_CASE_REPLIES = (b"$16\r\ndiff-end-of-case\r\n",
                       b"*2\r\n$4\r\npong\r\n$16\r\ndiff-end-of-case\r\n")


class Connection:
    """One socket to one server."""

    def __init__(self, raw_client_class, port):
        self.client = raw_client_class(port, timeout=REPLY_TIMEOUT)
        self.dead = False


class Side:
    """One server during one case: its named connections (each opened on first
    use), which of them the next step talks on, and the @let variables."""

    def __init__(self, raw_client_class, port):
        self.raw_client_class, self.port = raw_client_class, port
        self.connections = {MAIN_CONNECTION: Connection(raw_client_class, port)}
        self.current = MAIN_CONNECTION
        self.vars = {}

    @property
    def client(self):
        """The current connection's client."""
        return self.connections[self.current].client

    @property
    def dead(self):
        return self.connections[self.current].dead

    @dead.setter
    def dead(self, value):
        self.connections[self.current].dead = value

    def use(self, name, proto=2):
        """Makes `name` the current connection, opening it if it is new (and
        switching it to RESP3 with HELLO 3 if asked; that reply carries a
        client id, so it is not compared)."""
        self.current = name
        if name not in self.connections:
            self.connections[name] = Connection(self.raw_client_class, self.port)
            if proto == 3:
                self.command([b"HELLO", b"3"])

    def close(self):
        for connection in self.connections.values():
            connection.client.close()

    def send(self, data):
        if self.dead:
            return
        try:
            self.client.send(data)
        except OSError:
            self.dead = True

    def read(self) -> bytes:
        if self.dead:
            return CLOSED
        try:
            return self.client.read_reply()
        except ConnectionError:
            self.dead = True
            return CLOSED
        except socket.timeout:
            self.dead = True
            return NO_REPLY
        except OSError:
            self.dead = True
            return CLOSED

    def read_many(self, count) -> list:
        """Up to `count` replies; stops early at a closed or silent connection."""
        replies = []
        for _ in range(count):
            replies.append(self.read())
            if replies[-1] in (CLOSED, NO_REPLY):
                break
        return replies

    def command(self, args) -> bytes:
        self.send(encode_command(self.substitute(args)))
        return self.read()

    def substitute(self, args):
        return [self.vars.get(a, a) if a.startswith(b"$") else a for a in args]


def encode_command(args) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def scan_all(side: Side, args) -> bytes:
    """Runs SCAN from cursor 0 until it returns 0 and reports the sorted set of
    keys gathered. Cursor values are the server's own business; the keys a full
    iteration returns are the contract."""
    cursor, keys = b"0", set()
    for _ in range(10000):
        reply = side.command([b"SCAN", cursor, *args])
        if not reply.startswith(b"*2\r\n"):
            return reply
        (_, (cursor_value, key_list)), _ = parse_resp(reply)
        keys.update(k[1] for k in key_list[1])
        cursor = cursor_value[1]
        if cursor == b"0":
            return b"scan keys: " + b",".join(sorted(keys))
    return b"scan did not finish"


def unordered_replies(replies) -> bytes:
    """Replies whose order Redis does not define, as one comparable string.

    The replies are compared as a multiset, except for the subscription count
    that ends each (un)subscribe confirmation ([kind, channel, count]): the
    count says how many subscriptions remain after *that* reply, so it goes
    down 3, 2, 1 whichever channel comes first. Those counts are compared in
    the order they arrived; the rest of each reply as a multiset."""
    markers = [r for r in replies if r in (CLOSED, NO_REPLY)]
    bodies, counts = [], []
    for reply in replies:
        if reply in markers:
            continue
        try:
            (kind, items), _ = parse_resp(reply)
        except (ValueError, IndexError):
            bodies.append(reply)
            continue
        if kind in (b"*", b">") and items and len(items) == 3 and items[2][0] == b":":
            counts.append(items[2][1])
            bodies.append(encode_resp((kind, items[:2] + [(b":", b"<count>")])))
        else:
            bodies.append(reply)
    out = b"".join(sorted(bodies))
    if counts:
        out += b" counts in order: " + b",".join(counts)
    return out + b"".join(markers)


def compare_approx(a: bytes, b: bytes, tolerance: int) -> bool:
    ma, mb = re.fullmatch(rb":(-?\d+)\r\n", a), re.fullmatch(rb":(-?\d+)\r\n", b)
    if ma and mb:
        return abs(int(ma.group(1)) - int(mb.group(1))) <= tolerance
    return a == b


def run_case(case: Case, reference_port: int, candidate_port: int, raw_client_class):
    """Runs `case` on both servers; returns a list of mismatch descriptions."""
    sides = {"redis": Side(raw_client_class, reference_port),
             "mini-redis": Side(raw_client_class, candidate_port)}
    mismatches = []
    config_backup = {}
    try:
        config_names = _config_parameters_set(case)
        for label, side in sides.items():
            side.command([b"FLUSHALL"])
            config_backup[label] = [(n, _config_get(side, n)) for n in config_names]
            if case.proto == 3:
                side.command([b"HELLO", b"3"])
        for step in case.steps:
            replies = {label: _run_step(side, step) for label, side in sides.items()}
            ref, cand = replies["redis"], replies["mini-redis"]
            if ref is None:
                continue
            where = f"line {step.lineno}: {step.line}"
            if sides["redis"].current != MAIN_CONNECTION:
                where += f"  (on connection {sides['redis'].current})"
            if ref.endswith(NO_REPLY):
                mismatches.append(f"{where}\n"
                                  "    redis itself sent no reply: the case is wrong")
                break
            if step.normaliser and _is_reply(ref) and _is_reply(cand):
                fn = NORMALISERS[step.normaliser]
                try:
                    ref = fn(ref)
                    cand = fn(cand)
                except (ValueError, IndexError):
                    pass  # a malformed reply is compared as it is
            same = compare_approx(ref, cand, step.approx) if step.approx is not None else ref == cand
            if not same:
                first = next((i for i, (x, y) in enumerate(zip(ref, cand)) if x != y),
                             min(len(ref), len(cand)))
                mismatches.append(
                    f"{where}\n"
                    f"    redis:      {ref!r}\n"
                    f"    mini-redis: {cand!r}\n"
                    f"    (first difference at byte {first})")
            if any(s.dead and r.endswith(NO_REPLY) for s, r in ((sides['redis'], ref),
                                                                (sides['mini-redis'], cand))):
                mismatches.append("    (case stopped: a server did not answer)")
                break
        mismatches += _check_nothing_pending(sides)
    finally:
        for side in sides.values():
            side.close()
        if any(v for v in config_backup.values()):
            _restore_config(config_backup, reference_port, candidate_port, raw_client_class)
    return mismatches


def _check_nothing_pending(sides):
    """Sends a PING on every connection of both servers: anything still pending
    (an extra reply, an unread message) arrives before its answer and shows up
    as a failure. A RESP2 connection in subscribed mode answers PING with
    *2 "pong" "<arg>", so whether a connection is still subscribed is compared
    too. Then RESET ends every subscription before the sockets close, so the
    next case never meets a subscriber left over from this one (a closed
    socket is reaped by the server some time later; RESET acts at once)."""
    mismatches, tails = [], {}
    for label, side in sides.items():
        for name in side.connections:
            side.current = name
            if side.dead:
                continue
            tail = side.command([b"PING", b"diff-end-of-case"])
            tails[label, name] = tail
            if tail not in END_OF_CASE_REPLIES:
                on = "" if name == MAIN_CONNECTION else f" on connection {name}"
                mismatches.append(f"after the case, {label} sent {tail!r}{on} "
                                  f"instead of the reply to the closing PING")
            else:
                side.command([b"RESET"])
    for (label, name), tail in tails.items():
        other = tails.get(("mini-redis" if label == "redis" else "redis", name))
        if label == "redis" and other is not None and other != tail and \
                other in END_OF_CASE_REPLIES and tail in END_OF_CASE_REPLIES:
            mismatches.append(f"after the case, the closing PING on connection {name}: "
                              f"redis {tail!r}, mini-redis {other!r} (subscribed or not)")
    return mismatches


def _run_step(side: Side, step: Step):
    """The raw reply of one step, or None for steps that produce no reply."""
    if step.kind == "command":
        return side.command(step.args)
    if step.kind == "noreply":
        side.send(encode_command(side.substitute(step.args)))
        return None
    if step.kind == "raw":
        side.send(step.data)
        return side.read()
    if step.kind == "send":
        side.send(step.data)
        return None
    if step.kind == "read":
        return b"".join(side.read_many(step.count))
    if step.kind == "replies":
        side.send(encode_command(side.substitute(step.args)))
        return b"".join(side.read_many(step.count))
    if step.kind == "unordered":
        if step.args:  # "@unordered N" alone only reads
            side.send(encode_command(side.substitute(step.args)))
        return unordered_replies(side.read_many(step.count))
    if step.kind == "conn":
        side.use(step.var, step.proto)
        return None
    if step.kind == "closed":
        if side.dead:
            return b"<closed: yes>"
        closed = side.client.closed_by_peer(timeout=1.0)
        side.dead = side.dead or closed
        return b"<closed: yes>" if closed else b"<closed: no>"
    if step.kind == "hangup":
        # We close the connection ourselves; the closing PING is skipped.
        side.dead = True
        return None
    if step.kind == "sleep":
        # Sleeps run once per side; both sides see at least this much time pass.
        time.sleep(step.approx / 1000)
        return None
    if step.kind == "scan":
        return scan_all(side, step.args)
    if step.kind == "let":
        reply = side.command(step.args)
        m = re.fullmatch(rb"[:$+](?:\d+\r\n)?(.*)\r\n", reply, re.S)
        side.vars[b"$" + step.var.encode()] = m.group(1) if m else reply
        return reply
    raise ValueError(step.kind)


def _config_parameters_set(case: Case):
    """Parameters that the case changes with CONFIG SET, restored after it."""
    names = []
    for step in case.steps:
        a = [x.lower() for x in step.args]
        if len(a) >= 4 and a[0] == b"config" and a[1] == b"set":
            for name in a[2::2]:
                if name not in names:
                    names.append(name)
    return names


def _config_get(side: Side, name: bytes):
    reply = side.command([b"CONFIG", b"GET", name])
    try:
        (_, body), _ = parse_resp(reply)
        return body[1][1] if len(body) == 2 else None
    except (ValueError, IndexError, TypeError):
        return None


def _restore_config(backup, reference_port, candidate_port, raw_client_class):
    for label, port in (("redis", reference_port), ("mini-redis", candidate_port)):
        try:
            side = Side(raw_client_class, port)
        except OSError:
            continue
        for name, value in backup.get(label, []):
            if value is not None:
                side.command([b"CONFIG", b"SET", name, value])
        side.client.close()
