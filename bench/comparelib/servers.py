"""The two servers, redis-cli and redis-benchmark: starting, stopping,
asking. Shared by every section of bench/compare."""

import os
import shlex
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

# Redis must not write snapshots or an AOF while we measure it.
REDIS_PERSISTENCE_OFF = ["--save", "", "--appendonly", "no"]


class BenchError(Exception):
    """Something that makes the numbers meaningless: report it and exit 1."""


# ---------------------------------------------------------------- servers ----

def free_port():
    """A port the kernel says is free now. Never 6379: the kernel picks from
    the ephemeral range (32768+), and we re-check anyway."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port != 6379:
            return port


def ping(port, timeout=0.5):
    """True if something on the port answers a RESP PING with +PONG."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            return s.recv(64).startswith(b"+PONG\r\n")
    except OSError:
        return False


class Server:
    """One server process that this script started and must stop."""

    def __init__(self, name, binary, extra_args, workdir):
        self.name = name
        # Absolute, because the server runs in the temp dir. Not resolved:
        # Debian's redis-server is a symlink and Redis picks its mode by argv[0].
        self.binary = os.path.abspath(binary)
        self.extra_args = list(extra_args)
        self.workdir = Path(workdir)
        self.process = None
        self.port = None
        self.log_path = None

    def start(self, timeout=10.0):
        if not os.access(self.binary, os.X_OK):
            raise BenchError(f"{self.name}: {self.binary} is not an executable")
        self.port = free_port()
        self.log_path = self.workdir / f"{self.name}-{self.port}.log"
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                *self.extra_args]
        with open(self.log_path, "wb") as log:
            # A new session: Ctrl-C in the terminal reaches only this script,
            # which then stops the servers itself, in order, by PID.
            try:
                self.process = subprocess.Popen(
                    argv, cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, start_new_session=True)
            except OSError as error:
                raise BenchError(f"{self.name}: cannot run {self.binary}: {error}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} exited with status "
                                 f"{self.process.returncode} at start:\n"
                                 f"  {shlex.join(argv)}\n{self.log_tail()}")
            if ping(self.port):
                return self
            time.sleep(0.05)
        raise BenchError(f"{self.name} did not answer PING on port {self.port} "
                         f"within {timeout:.0f}s\n{self.log_tail()}")

    def stop(self):
        """SIGTERM, then SIGKILL if it lingers. Only our own PID."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def rss_bytes(self):
        """Resident set size now, from /proc/<pid>/status (VmRSS is in kB)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise BenchError(f"{self.name}: no VmRSS in /proc/{self.process.pid}/status")

    def log_tail(self, lines=20):
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join("  | " + line for line in text[-lines:])


def run_redis_benchmark(server, argv, timeout):
    """Runs redis-benchmark; its CSV output, or BenchError on any error reply."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        # redis-benchmark waits forever for a server that stopped answering.
        raise BenchError(f"redis-benchmark against {server.name} took over "
                         f"{timeout:.0f}s: {shlex.join(argv)}")
    # redis-benchmark 7 exits 1 at the first error reply ("Error from server:
    # ..." on stderr); older versions only print it, so check both.
    if done.returncode != 0 or "Error from server" in done.stderr:
        raise BenchError(f"redis-benchmark reported an error against {server.name}"
                         f" (exit {done.returncode}): {shlex.join(argv)}\n"
                         f"{done.stderr.strip()}\n{server.log_tail()}")
    return done.stdout


def row_numbers(record):
    return {
        "rps": float(record["rps"]),
        "p50": float(record["p50_latency_ms"]) if "p50_latency_ms" in record else None,
        "p99": float(record["p99_latency_ms"]) if "p99_latency_ms" in record else None,
    }


def median_of(rows, field):
    values = [row[field] for row in rows if row[field] is not None]
    return statistics.median(values) if values else None


def latency_cell(rows):
    p50, p99 = median_of(rows, "p50"), median_of(rows, "p99")
    if p50 is None or p99 is None:
        return "n/a"
    return f"{p50:.3f} / {p99:.3f}"


def cli(server, *args, stdin=None, timeout=300):
    argv = ["redis-cli", "-h", "127.0.0.1", "-p", str(server.port), *args]
    try:
        done = subprocess.run(argv, stdin=stdin, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f"redis-cli against {server.name} took over {timeout}s: "
                         f"{shlex.join(argv)}")
    if done.returncode != 0:
        raise BenchError(f"redis-cli failed against {server.name}: {shlex.join(argv)}\n"
                         f"{done.stdout}{done.stderr}")
    return done.stdout


def log(message):
    print(f"[compare] {message}", file=sys.stderr, flush=True)


def server_args(binary, extra):
    """Both servers get persistence switched off: mini-redis now saves an RDB
    on shutdown as Redis does (its default save points), and a server
    restarted fresh for a memory row would load what the rows before it left
    in the working directory (and write it again while measured). `binary`
    is kept for callers; the flags are the same for both."""
    del binary
    return REDIS_PERSISTENCE_OFF + list(extra)
