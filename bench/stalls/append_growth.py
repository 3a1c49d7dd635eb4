#!/usr/bin/env python3
"""How long does one APPEND take while a string grows to 512 MB?

APPEND's documented cost is "amortized O(1)": the string keeps spare room
(Redis's sdsMakeRoomFor doubles it below 1 MB, then adds 1 MB), so most calls
only copy the new bytes. The calls that do grow the value are the ones that
can stall every other client: a growth that allocates a new block, copies the
old value and frees it costs ~0.4 ms per MB copied (200 ms at 512 MB) and
holds the value twice meanwhile (peak RSS twice the value). A realloc that
extends the block where it lies costs neither.

This script starts mini-redis and Debian's redis-server itself (each on a
free 127.0.0.1 port, in a temporary directory, `--save "" --appendonly no`),
then, one server after the other, sends `APPEND k <1 MB>` until the value
holds --mb megabytes, timing each call from send to reply, and prints per
server:

  worst      the longest single APPEND (send to reply, loopback included)
  >2ms       how many calls took longer than 2 ms (DESIGN.md's stall rule)
  mean       total time / calls: the amortized cost of one 1 MB APPEND
  peak RSS   VmHWM of the server process after the run, and that peak
             divided by the final value size (1.0x = no double holding)

    MINI_REDIS_SERVER=build/release/mini-redis-server bench/stalls/append_growth.py
    bench/stalls/append_growth.py --mb 256 --rounds 2

Bounded: --mb (512 by default) per server and round; everything stays on
127.0.0.1; each server is stopped by its PID at the end.
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time

CHUNK = 1024 * 1024


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, port, workdir):
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    argv += ["--appendonly", "no"]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               cwd=workdir)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(b"PING\r\n")
            if sock.recv(64).startswith(b"+PONG"):
                return process, sock
            sock.close()
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{binary} did not answer on port {port}")


def read_line(sock):
    data = b""
    while not data.endswith(b"\r\n"):
        part = sock.recv(64)
        if not part:
            raise RuntimeError("connection closed")
        data += part
    return data


def memory_kb(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def run(name, binary, megabytes):
    workdir = tempfile.mkdtemp(prefix="append-growth-")
    process, sock = start(binary, free_port(), workdir)
    try:
        command = (b"*3\r\n$6\r\nAPPEND\r\n$1\r\nk\r\n$%d\r\n" % CHUNK) + b"x" * CHUNK + b"\r\n"
        times = []
        for i in range(megabytes):
            began = time.perf_counter()
            sock.sendall(command)
            reply = read_line(sock)
            times.append(time.perf_counter() - began)
            if reply != b":%d\r\n" % ((i + 1) * CHUNK):
                raise RuntimeError(f"{name}: unexpected reply {reply!r}")
        hwm_mb = memory_kb(process.pid, "VmHWM") / 1024
        worst = max(times) * 1000
        slow = sum(1 for t in times if t > 0.002)
        mean = sum(times) / len(times) * 1000
        print(f"{name:12} {megabytes} MB: worst {worst:7.1f} ms  >2ms {slow:4d}  "
              f"mean {mean:5.2f} ms  peak RSS {hwm_mb:6.0f} MB ({hwm_mb / megabytes:.2f}x value)")
        sys.stdout.flush()
    finally:
        sock.close()
        process.terminate()
        process.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=512, help="final value size in MB (1 MB per APPEND)")
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds per server")
    parser.add_argument("--mini", default=os.environ.get("MINI_REDIS_SERVER",
                                                         "build/release/mini-redis-server"))
    parser.add_argument("--redis", default=os.environ.get("REDIS_SERVER", "/usr/bin/redis-server"))
    parser.add_argument("--only", choices=["mini-redis", "redis"], help="run one server only")
    args = parser.parse_args()
    for _ in range(args.rounds):
        if args.only != "redis":
            run("mini-redis", os.path.abspath(args.mini), args.mb)
        if args.only != "mini-redis":
            run("redis 7.0", args.redis, args.mb)


if __name__ == "__main__":
    main()
