#!/usr/bin/python3
"""How much an `appendfsync everysec` server could lose at a power cut.

A write acknowledged to a client is safe from a crash of the server as soon
as its write(2) to the AOF returned (the kernel's page cache outlives the
process: kill -9 loses nothing, see tests/e2e/test_aof.py). It is safe from
a power cut only once an fsync/fdatasync of the AOF *started after that
write* has returned. The time between the two is the window a power cut
would lose; Redis promises "about one second, at most two" under everysec.

This script measures that window from the outside, the same way for
mini-redis and Debian's redis-server: each runs with
  --appendonly yes --appendfsync everysec --save ""
under `strace -f -ttt -T -e trace=write,fsync,fdatasync` (every thread),
while redis-benchmark writes for --seconds seconds. From the trace: for
every write to the AOF's file descriptor, the end of the first fsync that
started after the write ended (any fsync: with --save "" the servers sync
nothing else, and one may sync through a dup() of the descriptor). Reported: the largest
window, the 99th percentile, and how many writes and fsyncs there were.
strace slows both servers alike; the windows depend on the fsync thread's
one-second rhythm, not on throughput.

Each server runs on a free 127.0.0.1 port in a temporary directory and is
stopped by its PID. Bounded: one benchmark of --seconds, timeouts on every
external command.

Example (from the repository root):
  python3 bench/persistence/everysec_window.py --seconds 6
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SYSCALL = re.compile(
    r"^(\d+)\s+(\d+\.\d+) (write|fsync|fdatasync)\((\d+)[,)].*= (-?\d+).*<(\d+\.\d+)>$")
# A call another thread interrupted in the trace comes as two lines.
UNFINISHED = re.compile(r"^(\d+)\s+(\d+\.\d+) (write|fsync|fdatasync)\((\d+).*<unfinished \.\.\.>$")
RESUMED = re.compile(
    r"^(\d+)\s+\d+\.\d+ <\.\.\. (write|fsync|fdatasync) resumed>.*= (-?\d+).*<(\d+\.\d+)>$")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_ping(port, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"no PONG on port {port}")


def aof_descriptors(pid):
    """The descriptors of the process that point at an .incr.aof file."""
    found = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.endswith(".incr.aof"):
            found.add(int(fd))
    return found


def windows_from_trace(path, fds):
    writes, syncs = [], []  # write end times; (start, end) of each fsync
    pending = {}  # thread -> (call, fd, start) of an unfinished call

    def record(call, fd, start, result, duration):
        if result < 0:
            return
        if call == "write":
            if fd in fds:
                writes.append(start + duration)
        else:
            # Any fsync counts: with --save "" only the AOF is synced, and a
            # server may sync it through a dup() of its descriptor.
            syncs.append((start, start + duration))

    with open(path) as trace:
        for line in trace:
            line = line.strip()
            if match := SYSCALL.match(line):
                record(match.group(3), int(match.group(4)), float(match.group(2)),
                       int(match.group(5)), float(match.group(6)))
            elif match := UNFINISHED.match(line):
                pending[match.group(1)] = (match.group(3), int(match.group(4)),
                                           float(match.group(2)))
            elif (match := RESUMED.match(line)) and match.group(1) in pending:
                call, fd, start = pending.pop(match.group(1))
                record(call, fd, start, int(match.group(3)), float(match.group(4)))
    syncs.sort()
    windows = []
    for written in writes:
        # The first fsync that started after this write returned covers it.
        covering = next((end for begin, end in syncs if begin >= written), None)
        if covering is not None:
            windows.append(covering - written)
    return windows, len(writes), len(syncs)


def measure(name, argv, seconds):
    directory = tempfile.mkdtemp(prefix="everysec-window-")
    port = free_port()
    server = subprocess.Popen(argv + ["--port", str(port), "--bind", "127.0.0.1",
                                      "--appendonly", "yes", "--appendfsync", "everysec",
                                      "--save", "", "--dir", directory],
                              cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tracer = None
    try:
        wait_for_ping(port)
        fds = aof_descriptors(server.pid)
        trace = os.path.join(directory, "trace.txt")
        # -f with the process attaches every thread it has, and new ones.
        command = ["strace", "-f", "-ttt", "-T", "-e", "trace=write,fsync,fdatasync", "-o", trace,
                   "-p", str(server.pid)]
        tracer = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)  # strace attaches
        # Writes at a steady pace: -P 1, so that some land just after an fsync.
        requests = 1000000
        subprocess.run(["timeout", str(seconds), "redis-benchmark", "-p", str(port), "-t", "set",
                        "-n", str(requests), "-c", "4", "-r", "100000", "-q"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds + 30)
        time.sleep(2.5)  # let the last fsync happen
        tracer.send_signal(signal.SIGINT)
        tracer.wait(timeout=30)
        windows, writes, syncs = windows_from_trace(trace, fds)
    finally:
        if tracer and tracer.poll() is None:
            tracer.kill()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(directory, ignore_errors=True)
    windows.sort()
    if not windows:
        print(f"{name:12} no AOF writes traced (fds {sorted(fds)})")
        return
    p99 = windows[min(len(windows) - 1, int(len(windows) * 0.99))]
    print(f"{name:12} max {windows[-1]:.3f} s   p99 {p99:.3f} s   "
          f"({writes} AOF writes, {syncs} fsyncs)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--server", default=os.path.join(ROOT, "build/release/mini-redis-server"))
    parser.add_argument("--redis", default="/usr/bin/redis-server")
    args = parser.parse_args()
    if shutil.which("strace") is None:
        sys.exit("needs strace (apt-get install strace)")
    measure("mini-redis", [args.server], args.seconds)
    measure("redis-server", [args.redis], args.seconds)


if __name__ == "__main__":
    main()
