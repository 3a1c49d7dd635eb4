#!/usr/bin/env python3
"""How long can one hostile client freeze everybody else?

A single-threaded server is only as responsive as its longest step on the
event loop. DESIGN.md's rule is ~2 ms. This script runs a few hostile request
patterns, one at a time, against a running server, and meanwhile a second
client (the probe) sends PING every millisecond and records how long each
answer took. The worst answer time is the longest stall the hostile client
caused (plus loopback and Python noise, ~0.1-0.5 ms on an idle machine).

Patterns (each bounded by --seconds and by its own byte count):

  multibulk   "*2147483647\\r\\n" then endless "$1\\r\\nx\\r\\n": a command
              that never completes, one tiny argument after another (the
              server must keep a table of them: how does it grow?)
  bigbulk     "SET k <512 MB announced>" then the value trickled in 1 MB
              sends: the query buffer grows with what arrives
  append      APPEND k <1 MB> repeated: a string value that keeps growing

The hostile client runs in another process, so Python's GIL does not add
its own pauses to the probe's timings. Loopback only: both connect to
127.0.0.1.

    bench/stalls/stalls.py --port 6399                 # all patterns
    bench/stalls/stalls.py --port 6399 --pid 1234      # also report VmHWM/VmRSS
    bench/stalls/stalls.py --port 6399 --pattern multibulk --seconds 10
"""
import argparse
import multiprocessing
import socket
import time

MULTIBULK_HEADER = b"*2147483647\r\n"
TINY_ARGUMENT = b"$1\r\nx\r\n"


def connect(port, password):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if password:
        s.sendall(b"AUTH %s\r\n" % password.encode())
        assert s.recv(64).startswith(b"+OK"), "AUTH failed"
    return s


def hostile(pattern, port, password, seconds, max_bytes, stop_event, sent_counter):
    """Runs in its own process: sends `pattern` until time, bytes or the server run out."""
    s = connect(port, password)
    deadline = time.monotonic() + seconds
    sent = 0
    try:
        if pattern == "multibulk":
            s.sendall(MULTIBULK_HEADER)
            chunk = TINY_ARGUMENT * (1024 * 1024 // len(TINY_ARGUMENT))
            def next_chunk():
                return chunk
        elif pattern == "bigbulk":
            s.sendall(b"*3\r\n$3\r\nSET\r\n$9\r\nstall:big\r\n$536870912\r\n")
            chunk = b"v" * (1024 * 1024)
            def next_chunk():
                return chunk
        elif pattern == "append":
            s.settimeout(30)
            value = b"a" * (1024 * 1024)
            command = b"*3\r\n$6\r\nAPPEND\r\n$12\r\nstall:append\r\n$%d\r\n%s\r\n" % (
                len(value), value)
            s.sendall(b"*2\r\n$3\r\nDEL\r\n$12\r\nstall:append\r\n")
            s.recv(64)
            def next_chunk():
                return command
        else:
            raise ValueError(pattern)
        while sent < max_bytes and time.monotonic() < deadline:
            data = next_chunk()
            s.sendall(data)
            sent += len(data)
            if pattern == "append":
                reply = s.recv(64)  # one reply per APPEND: keeps it a growth, not a pipeline
                if not reply.startswith(b":"):
                    break
    except OSError as error:
        # The server closed us (a limit, a protocol error): one possible outcome.
        print(f"  ({pattern}: the server closed the hostile client after "
              f"{sent / 1e6:.1f} MB: {error})", flush=True)
    finally:
        sent_counter.value = sent
        stop_event.set()
        s.close()


def probe(port, password, stop_event, interval, give_up_after):
    """PINGs every `interval` s until the hostile client is done; returns latencies (s)."""
    s = connect(port, password)
    latencies = []
    while not stop_event.is_set():
        start = time.perf_counter()
        s.sendall(b"PING\r\n")
        reply = b""
        s.settimeout(give_up_after)
        try:
            while not reply.endswith(b"\r\n"):
                part = s.recv(64)
                if not part:
                    raise ConnectionError("server closed the probe")
                reply += part
        except socket.timeout:
            latencies.append(give_up_after)
            break
        latencies.append(time.perf_counter() - start)
        assert reply == b"+PONG\r\n", reply
        time.sleep(interval)
    s.close()
    return latencies


def memory_kb(pid, field):
    if not pid:
        return None
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def client_info(port, password, field):
    """One field of INFO stats, read as the bulk reply it is."""
    try:
        s = connect(port, password)
    except OSError:
        return "?"
    s.sendall(b"INFO stats\r\n")
    data = b""
    while b"\r\n" not in data:
        data += s.recv(65536)
    header, _, body = data.partition(b"\r\n")
    while len(body) < int(header[1:]) + 2:
        body += s.recv(65536)
    s.close()
    for line in body.decode(errors="replace").split("\r\n"):
        if line.startswith(field + ":"):
            return line.split(":", 1)[1]
    return "?"


def run(pattern, args):
    stop_event = multiprocessing.Event()
    sent = multiprocessing.Value("q", 0)
    max_bytes = {"multibulk": args.max_arguments * len(TINY_ARGUMENT),
                 "bigbulk": 512 * 1024 * 1024,
                 "append": args.append_mb * 1024 * 1024}[pattern]
    before_hwm = memory_kb(args.pid, "VmHWM")
    worker = multiprocessing.Process(
        target=hostile,
        args=(pattern, args.port, args.password, args.seconds, max_bytes, stop_event, sent))
    started = time.monotonic()
    worker.start()
    latencies = probe(args.port, args.password, stop_event, 0.001, args.seconds + 30)
    worker.join(60)
    elapsed = time.monotonic() - started
    rss = memory_kb(args.pid, "VmRSS")
    hwm = memory_kb(args.pid, "VmHWM")
    latencies.sort()
    worst = latencies[-1] * 1000 if latencies else float("nan")
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if len(latencies) >= 100 else worst
    over_2ms = sum(1 for x in latencies if x > 0.002)
    memory = ""
    if hwm is not None:
        memory = f"  VmHWM {before_hwm // 1024}->{hwm // 1024} MB  VmRSS after {rss // 1024} MB"
    disconnects = client_info(args.port, args.password, "client_query_buffer_limit_disconnections")
    print(f"{pattern:10} sent {sent.value / 1e6:8.1f} MB in {elapsed:5.1f} s  "
          f"pings {len(latencies):6}  worst {worst:8.2f} ms  p99 {p99:6.2f} ms  "
          f">2ms {over_2ms:4}{memory}  qbuf-limit disconnections {disconnects}",
          flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--password", default=None)
    parser.add_argument("--pid", type=int, default=None, help="server pid, for memory figures")
    parser.add_argument("--pattern", action="append",
                        choices=["multibulk", "bigbulk", "append"])
    parser.add_argument("--seconds", type=float, default=10.0, help="bound per pattern")
    parser.add_argument("--max-arguments", type=int, default=300_000_000,
                        help="bound on tiny arguments sent by 'multibulk'")
    parser.add_argument("--append-mb", type=int, default=512,
                        help="bound on the string 'append' grows")
    args = parser.parse_args()
    for pattern in args.pattern or ["multibulk", "bigbulk", "append"]:
        run(pattern, args)
        time.sleep(0.5)  # let the server free what the pattern left


if __name__ == "__main__":
    main()
