#!/usr/bin/env python3
"""One huge SET, then a RENAME of it, while a second client PINGs every 1 ms.

  big_set.py --port P --pid PID [--mb 512]

What it prints, for a running server (mini-redis or redis-server):
  - set:    the time from the value's last byte sent to +OK, the worst PING
            answer while the SET arrived and ran, and the server's peak RSS
            (VmHWM) against the value's size: a server that copies the value
            out of its query buffer holds it twice for a moment and stalls
            every client for the copy (~100 ms for 512 MB).
  - rename: RENAME of that key to a name of another length, the same figures.
            A server that copies the bytes to rename stalls as long again.

The value is sent as fast as the socket takes it (8 MB sends), so the whole
command arrives in well under a second; the probe runs in its own process.
Everything stays on 127.0.0.1 and ends after the two commands (bounded).
"""
import argparse
import multiprocessing
import socket
import time


def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_line(s):
    data = b""
    while not data.endswith(b"\r\n"):
        part = s.recv(4096)
        if not part:
            raise ConnectionError("server closed the connection")
        data += part
    return data


def probe(port, stop_event, result):
    """PINGs every 1 ms until told to stop; stores the worst answer time (ms)."""
    s = connect(port)
    worst = 0.0
    count = 0
    while not stop_event.is_set():
        start = time.perf_counter()
        s.sendall(b"PING\r\n")
        assert read_line(s) == b"+PONG\r\n"
        worst = max(worst, time.perf_counter() - start)
        count += 1
        time.sleep(0.001)
    result[0] = worst * 1000
    result[1] = count
    s.close()


def memory_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def measured(port, pid, send):
    """Runs `send(socket)` (which returns when the last byte is out) with the
    probe running; returns (ms from last byte to reply, worst ping ms, pings)."""
    stop_event = multiprocessing.Event()
    result = multiprocessing.Array("d", 2)
    prober = multiprocessing.Process(target=probe, args=(port, stop_event, result))
    prober.start()
    time.sleep(0.2)
    s = connect(port)
    send(s)
    sent_at = time.perf_counter()
    reply = read_line(s)
    answered = (time.perf_counter() - sent_at) * 1000
    time.sleep(0.1)
    stop_event.set()
    prober.join(30)
    s.close()
    assert reply == b"+OK\r\n", reply
    return answered, result[0], int(result[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--mb", type=int, default=512)
    args = parser.parse_args()

    size = args.mb * 1024 * 1024
    chunk = b"v" * (8 * 1024 * 1024)

    def send_set(s):
        s.sendall(b"*3\r\n$3\r\nSET\r\n$7\r\nbig:set\r\n$%d\r\n" % size)
        left = size
        while left > 0:
            piece = chunk if left >= len(chunk) else chunk[:left]
            s.sendall(piece)
            left -= len(piece)
        s.sendall(b"\r\n")

    def send_rename(s):
        s.sendall(b"*3\r\n$6\r\nRENAME\r\n$7\r\nbig:set\r\n$16\r\nbig:renamed:key1\r\n")

    c = connect(args.port)
    c.sendall(b"DEL big:set big:renamed:key1\r\n")
    read_line(c)
    before = memory_kb(args.pid, "VmRSS")
    answered, worst, pings = measured(args.port, args.pid, send_set)
    hwm = memory_kb(args.pid, "VmHWM")
    print(f"set     {args.mb} MB: reply {answered:7.1f} ms after the last byte  "
          f"worst PING {worst:7.1f} ms ({pings} pings)  "
          f"VmRSS before {before // 1024} MB, VmHWM {hwm // 1024} MB "
          f"({(hwm - before) / 1024 / args.mb:.2f}x the value)", flush=True)
    answered, worst, pings = measured(args.port, args.pid, send_rename)
    print(f"rename  {args.mb} MB: reply {answered:7.1f} ms  worst PING {worst:7.1f} ms "
          f"({pings} pings)", flush=True)
    c.sendall(b"STRLEN big:renamed:key1\r\n")
    assert read_line(c) == b":%d\r\n" % size
    c.sendall(b"GETRANGE big:renamed:key1 -3 -1\r\n")
    reply = b""
    while len(reply) < 9:
        reply += c.recv(64)
    assert reply == b"$3\r\nvvv\r\n", reply
    c.sendall(b"DEL big:renamed:key1\r\n")
    read_line(c)
    c.close()


if __name__ == "__main__":
    main()
