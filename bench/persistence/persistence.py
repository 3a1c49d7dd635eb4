#!/usr/bin/python3
"""What persistence costs: mini-redis next to Debian's redis-server, one run.

What it measures (each server in turn, alternating the order every round,
medians over --rounds):

  1. Throughput with an append-only file:
       --appendonly yes --appendfsync everysec --save ""
     redis-benchmark -t set,incr -n 200000 -c 50 -r 1000000 -d 16 --csv
     at -P 1 and -P 16, and the ratio mini-redis / redis (higher is better).
     The same at -P 16 with --appendfsync always (informational: there the
     disk's fsync latency decides, not the server).
  2. SAVE of --keys string keys (1,000,000 by default): both servers get the
     same keys `SET key:<i> val:<12 digits>` (16-byte values) through
     `redis-cli --pipe`, then `redis-cli SAVE` is timed (wall clock of the
     whole redis-cli call) and the size of dump.rdb is read.
  3. Loading that file at start: each server is restarted on its own
     dump.rdb and timed from the moment the process is started until it
     answers PING with +PONG; the server's own figure, the log line
     "DB loaded from disk: X seconds", is reported next to it.
  4. Fork time of BGSAVE with those keys: INFO's latest_fork_usec (in the
     "stats" section in Redis 7.0). A server whose INFO has no such field
     gets "n/a". Also shown: how long the BGSAVE command took to answer,
     measured from here (the fork happens before the reply).

Every server runs on a free 127.0.0.1 port of its own (never 6379, never
7398-7440), in a temporary directory of its own (--dir), and is stopped by
its PID at the end, also after an error or Ctrl-C. Every load is bounded:
a fixed number of requests and a timeout on every external command.

Why side by side and ratios: the machine has 2 cores shared with other jobs,
so absolute numbers drift; two servers measured in alternating rounds drift
together. See bench/README.md.

Exit status: 0 on success, 1 if a server fails to start or load, or a tool
reports an error; 130 on Ctrl-C.

Example (from the repository root):
  python3 bench/persistence/persistence.py
  python3 bench/persistence/persistence.py --keys 100000 --rounds 1   # quick
"""

import argparse
import csv
import io
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
DEFAULT_MINI = REPO / "build" / "release" / "mini-redis-server"
DEFAULT_REDIS = Path("/usr/bin/redis-server")

# Ports we must never take: Redis's default, and a range other jobs use.
FORBIDDEN_PORTS = {6379} | set(range(7398, 7441))

# redis-benchmark flags of section 1, as in the brief (see the docstring).
BENCH_FLAGS = ["-t", "set,incr", "-n", "200000", "-c", "50",
               "-r", "1000000", "-d", "16", "--csv"]
BENCH_TESTS = ["SET", "INCR"]

# Upper bounds, so that a hung server can never hang the script.
BENCH_TIMEOUT = 300      # one redis-benchmark call, seconds
CLI_TIMEOUT = 300        # one redis-cli call (a SAVE of 1 M keys takes ~1 s)
START_TIMEOUT = 120      # start (and load) of a server
BGSAVE_TIMEOUT = 300     # waiting for a BGSAVE child to finish


class BenchError(Exception):
    """Something that makes the numbers meaningless: report it, exit 1."""


def log(message):
    """Progress goes to stderr; the report alone goes to stdout."""
    print(f"[persistence] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ servers --

def free_port():
    """A port the kernel says is free now (it picks from the ephemeral range,
    32768 and up), re-checked against FORBIDDEN_PORTS anyway."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in FORBIDDEN_PORTS:
            return port


def ping(port, timeout=0.5):
    """True if the server on `port` answers a RESP PING with +PONG. A Redis
    still loading its RDB answers -LOADING instead, which counts as no."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            return s.recv(64).startswith(b"+PONG\r\n")
    except OSError:
        return False


class Server:
    """One server process that this script started, in directory `workdir`,
    and must stop by its PID."""

    def __init__(self, name, binary, workdir):
        self.name = name
        # Absolute (the server runs in its temp dir) but not resolved: Debian's
        # redis-server is a symlink, and Redis picks its mode from argv[0].
        self.binary = os.path.abspath(binary)
        self.workdir = Path(workdir)
        self.process = None
        self.port = None
        self.log_path = None

    def start(self, args, log_name):
        """Starts the server with `args` and waits until it answers PING.
        Returns the seconds from starting the process to the first +PONG:
        for a server with a dump.rdb in its directory, that includes loading
        it (both servers load before they answer PING)."""
        if not os.access(self.binary, os.X_OK):
            raise BenchError(f"{self.name}: {self.binary} is not an executable")
        self.port = free_port()
        self.log_path = self.workdir / log_name
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.workdir), "--logfile", str(self.log_path),
                "--daemonize", "no", *args]
        # A new session: Ctrl-C in the terminal reaches only this script,
        # which then stops the servers itself, by PID.
        started = time.monotonic()
        try:
            self.process = subprocess.Popen(
                argv, cwd=self.workdir, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)
        except OSError as error:
            raise BenchError(f"{self.name}: cannot run {self.binary}: {error}")
        deadline = started + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} exited with status "
                                 f"{self.process.returncode} at start:\n  "
                                 f"{shlex.join(argv)}\n{self.log_tail()}")
            if ping(self.port, timeout=0.2):
                return time.monotonic() - started
            time.sleep(0.005)  # 5 ms: fine enough next to a load of ~1 s
        raise BenchError(f"{self.name} did not answer PING within "
                         f"{START_TIMEOUT}s\n{self.log_tail()}")

    def stop(self):
        """SIGTERM, then SIGKILL if it lingers. Only our own PID."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines=15):
        return "\n".join("  | " + line for line in self.log_text().splitlines()[-lines:])


def cli(server, *args, stdin=None):
    """One redis-cli call; its stdout. An error reply is a BenchError."""
    argv = ["redis-cli", "-h", "127.0.0.1", "-p", str(server.port), *args]
    try:
        done = subprocess.run(argv, stdin=stdin, capture_output=True, text=True,
                              timeout=CLI_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BenchError(f"redis-cli against {server.name} took over "
                         f"{CLI_TIMEOUT}s: {shlex.join(argv)}")
    # redis-cli exits 0 on an error reply when not on a terminal, but prints
    # "(error) ..." or "ERR ..."; check both.
    if done.returncode != 0 or done.stdout.startswith(("ERR", "(error)")):
        raise BenchError(f"redis-cli failed against {server.name}: "
                         f"{shlex.join(argv)}\n{done.stdout}{done.stderr}")
    return done.stdout


def info_fields(server, section):
    """INFO <section> as a dict of field -> string value."""
    fields = {}
    for line in cli(server, "INFO", section).splitlines():
        if ":" in line and not line.startswith("#"):
            key, value = line.strip().split(":", 1)
            fields[key] = value
    return fields


def command_seconds(server, *words):
    """Sends one command over a fresh socket; returns (reply line, seconds
    from sending to the first byte of the reply). Finer than timing a
    redis-cli process, whose own start costs a few milliseconds."""
    request = b"*%d\r\n" % len(words) + b"".join(
        b"$%d\r\n%s\r\n" % (len(w), w.encode()) for w in words)
    with socket.create_connection(("127.0.0.1", server.port), timeout=CLI_TIMEOUT) as s:
        started = time.monotonic()
        s.sendall(request)
        reply = s.recv(256)
        seconds = time.monotonic() - started
    return reply.decode(errors="replace").strip(), seconds


def alternating(servers, round_index):
    """A B, then B A, ...: neither server always runs first (on a warmer,
    or a busier, machine)."""
    return list(servers) if round_index % 2 == 0 else list(reversed(servers))


def median(values):
    return statistics.median(values) if values else None


# ------------------------------------------------ 1. throughput with an AOF --

def run_benchmark(server, pipeline):
    """redis-benchmark -t set,incr at one pipeline depth: {"SET": rps, ...}."""
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port),
            *BENCH_FLAGS, "-P", str(pipeline)]
    try:
        done = subprocess.run(argv, capture_output=True, text=True,
                              timeout=BENCH_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BenchError(f"redis-benchmark against {server.name} took over "
                         f"{BENCH_TIMEOUT}s: {shlex.join(argv)}")
    # redis-benchmark 7 exits 1 at the first error reply.
    if done.returncode != 0 or "Error from server" in done.stderr:
        raise BenchError(f"redis-benchmark error against {server.name}: "
                         f"{shlex.join(argv)}\n{done.stderr}\n{server.log_tail()}")
    # --csv: a header "test","rps","avg_latency_ms",... then one row per test.
    rps = {}
    for record in csv.DictReader(io.StringIO(done.stdout)):
        rps[record["test"].split(" ")[0]] = float(record["rps"])
    missing = [test for test in BENCH_TESTS if test not in rps]
    if missing:
        raise BenchError(f"no {', '.join(missing)} in redis-benchmark output "
                         f"for {server.name}:\n{done.stdout}")
    return rps


# The rows of section 1: (fsync policy, pipeline depths).
AOF_CASES = [("everysec", [1, 16]), ("always", [16])]


def measure_aof_throughput(binaries, rounds, tempdir):
    """Returns rps[(policy, pipeline, test)][name] = [rps per round] and
    ratios[(policy, pipeline, test)] = [mini/redis per round].

    Each round and policy gets fresh servers in fresh directories, so that
    the AOF starts empty every time: one round writes about 40 MB of AOF, under
    the 64 MB at which an automatic AOF rewrite would start (and fork) in
    the middle of a measurement."""
    rps, ratios = {}, {}
    for round_index in range(rounds):
        for policy, pipelines in AOF_CASES:
            servers = []
            try:
                for name, binary in binaries:
                    workdir = Path(tempfile.mkdtemp(prefix=f"aof-{name}-", dir=tempdir))
                    server = Server(name, binary, workdir)
                    servers.append(server)
                    server.start(["--appendonly", "yes", "--appendfsync", policy,
                                  "--save", ""], "aof.log")
                    # The AOF must really be on, else we measure nothing.
                    if info_fields(server, "persistence").get("aof_enabled") != "1":
                        raise BenchError(f"{name}: aof_enabled is not 1 after "
                                         f"--appendonly yes")
                for pipeline in pipelines:
                    this_round = {}
                    for server in alternating(servers, round_index):
                        log(f"round {round_index + 1}/{rounds}: {server.name}, "
                            f"appendfsync {policy}, -P {pipeline}")
                        this_round[server.name] = run_benchmark(server, pipeline)
                    for test in BENCH_TESTS:
                        key = (policy, pipeline, test)
                        for name, _ in binaries:
                            rps.setdefault(key, {}).setdefault(name, []).append(
                                this_round[name][test])
                        ratios.setdefault(key, []).append(
                            this_round["mini-redis"][test] / this_round["redis"][test])
            finally:
                for server in servers:
                    server.stop()
                    shutil.rmtree(server.workdir, ignore_errors=True)
    return rps, ratios


def aof_table(rps, ratios):
    # The last column shows every round's ratio: how far apart the rounds
    # were says how much to trust the median next to it.
    lines = ["| row | appendfsync | mini-redis rps | redis rps | ratio | ratio per round |",
             "|---|---|---:|---:|---:|---|"]
    for policy, pipelines in AOF_CASES:
        for pipeline in pipelines:
            for test in BENCH_TESTS:
                key = (policy, pipeline, test)
                lines.append(f"| {test} -P {pipeline} | {policy} | "
                             f"{median(rps[key]['mini-redis']):,.0f} | "
                             f"{median(rps[key]['redis']):,.0f} | "
                             f"{median(ratios[key]):.2f} | "
                             f"{' '.join(f'{r:.2f}' for r in ratios[key])} |")
    return "\n".join(lines)


# ------------------------------ 2.-4. SAVE, load at start, fork of BGSAVE --

def write_keys_file(path, keys):
    """The RESP commands `SET key:<i> val:<i as 12 digits>` for i < keys:
    every value 16 bytes and not a number (so no server stores it as an
    integer). Both servers get the very same file."""
    with open(path, "wb") as out:
        chunk = []
        for i in range(keys):
            key = b"key:%d" % i
            chunk.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$16\r\nval:%012d\r\n"
                         % (len(key), key, i))
            if len(chunk) == 10000:
                out.write(b"".join(chunk))
                chunk = []
        out.write(b"".join(chunk))


def fill(server, keys_file, keys):
    """Pipes the keys into the server and checks that they all arrived."""
    with open(keys_file, "rb") as commands:
        out = cli(server, "--pipe", stdin=commands)
    # redis-cli --pipe ends with "errors: 0, replies: N".
    if "errors: 0," not in out or f"replies: {keys}" not in out:
        raise BenchError(f"loading keys into {server.name} failed:\n{out}")
    size = cli(server, "DBSIZE").strip()
    if size != str(keys):
        raise BenchError(f"{server.name}: DBSIZE is {size}, expected {keys}")


def wait_for_bgsave(server):
    """Polls INFO persistence until the BGSAVE child is gone; checks it went
    well. Bounded by BGSAVE_TIMEOUT."""
    deadline = time.monotonic() + BGSAVE_TIMEOUT
    while time.monotonic() < deadline:
        fields = info_fields(server, "persistence")
        if fields.get("rdb_bgsave_in_progress") == "0":
            if fields.get("rdb_last_bgsave_status") != "ok":
                raise BenchError(f"{server.name}: BGSAVE failed\n{server.log_tail()}")
            return
        time.sleep(0.05)
    raise BenchError(f"{server.name}: BGSAVE still running after {BGSAVE_TIMEOUT}s")


LOADED_LINE = re.compile(r"DB loaded from disk: ([0-9.]+) seconds")


def measure_snapshots(binaries, rounds, keys, tempdir):
    """Sections 2, 3 and 4. Returns a dict of per-server lists of samples:
    save_s, bgsave_reply_s, fork_us (None if INFO has no latest_fork_usec),
    start_to_pong_s, log_load_s (None if the log has no such line), and
    rdb_bytes."""
    results = {name: {"save_s": [], "bgsave_reply_s": [], "fork_us": [],
                      "start_to_pong_s": [], "log_load_s": [], "rdb_bytes": None}
               for name, _ in binaries}
    keys_file = Path(tempdir) / "keys.resp"
    log(f"writing {keys:,} SET commands to {keys_file}")
    write_keys_file(keys_file, keys)

    # Persistence off while we fill and save by hand: no save points, no AOF.
    # (With an AOF, a restarting server would load the AOF, not dump.rdb.)
    snapshot_args = ["--save", "", "--appendonly", "no"]
    servers = [Server(name, binary, Path(tempfile.mkdtemp(prefix=f"rdb-{name}-",
                                                           dir=tempdir)))
               for name, binary in binaries]
    try:
        for server in servers:
            server.start(snapshot_args, "fill.log")
            log(f"filling {server.name} with {keys:,} keys")
            fill(server, keys_file, keys)

        # 2. SAVE: the wall time of the whole `redis-cli SAVE` call.
        for round_index in range(rounds):
            for server in alternating(servers, round_index):
                log(f"round {round_index + 1}/{rounds}: SAVE in {server.name}")
                started = time.monotonic()
                reply = cli(server, "SAVE").strip()
                results[server.name]["save_s"].append(time.monotonic() - started)
                if reply != "OK":
                    raise BenchError(f"{server.name}: SAVE answered {reply!r}")
        for server in servers:
            results[server.name]["rdb_bytes"] = (server.workdir / "dump.rdb").stat().st_size

        # 4. BGSAVE: the fork time the server reports, and how long the
        # command took to answer (the parent answers after fork() returns).
        for round_index in range(rounds):
            for server in alternating(servers, round_index):
                log(f"round {round_index + 1}/{rounds}: BGSAVE in {server.name}")
                reply, seconds = command_seconds(server, "BGSAVE")
                if not reply.startswith("+Background saving started"):
                    raise BenchError(f"{server.name}: BGSAVE answered {reply!r}")
                results[server.name]["bgsave_reply_s"].append(seconds)
                wait_for_bgsave(server)
                # Redis 7.0 keeps latest_fork_usec in INFO stats; look in
                # every section in case another server puts it elsewhere.
                fork = info_fields(server, "everything").get("latest_fork_usec")
                results[server.name]["fork_us"].append(
                    int(fork) if fork is not None else None)
    finally:
        for server in servers:
            server.stop()

    # 3. Load at start: each server restarted on the dump.rdb in its own
    # directory (the last SAVE or BGSAVE wrote it), the page cache warm.
    for round_index in range(rounds):
        for server in alternating(servers, round_index):
            log(f"round {round_index + 1}/{rounds}: {server.name} loading dump.rdb")
            log_name = f"load-{round_index}.log"
            try:
                seconds = server.start(snapshot_args, log_name)
                size = cli(server, "DBSIZE").strip()
                if size != str(keys):
                    raise BenchError(f"{server.name} loaded {size} keys, expected {keys}"
                                     f"\n{server.log_tail()}")
            finally:
                server.stop()
            results[server.name]["start_to_pong_s"].append(seconds)
            found = LOADED_LINE.search(server.log_text())
            results[server.name]["log_load_s"].append(
                float(found.group(1)) if found else None)
    for server in servers:
        shutil.rmtree(server.workdir, ignore_errors=True)
    return results


def snapshot_table(results, keys):
    mini, redis = results["mini-redis"], results["redis"]

    def row(label, mini_list, redis_list, scale=1.0, digits=0):
        """One table row: both medians (times `scale`) and mini / redis."""
        cells, values = [], []
        for samples in (mini_list, redis_list):
            if not samples or any(s is None for s in samples):
                cells.append("n/a")
                values.append(None)
            else:
                value = median(samples) * scale
                cells.append(f"{value:,.{digits}f}")
                values.append(value)
        ratio = (f"{values[0] / values[1]:.2f}"
                 if None not in values and values[1] > 0 else "n/a")
        # Round i of one server against round i of the other.
        per_round = " ".join(f"{m / r:.2f}" for m, r in zip(mini_list, redis_list)
                             if m is not None and r)
        return f"| {label} | {cells[0]} | {cells[1]} | {ratio} | {per_round or 'n/a'} |"

    lines = ["| measure | mini-redis | redis | ratio | ratio per round |",
             "|---|---:|---:|---:|---|",
             row(f"SAVE of {keys:,} keys, ms (redis-cli wall time)",
                 mini["save_s"], redis["save_s"], 1000),
             row("RDB file, bytes", [mini["rdb_bytes"]], [redis["rdb_bytes"]]),
             row("start until +PONG on that RDB, ms",
                 mini["start_to_pong_s"], redis["start_to_pong_s"], 1000),
             row("\"DB loaded from disk\" (log), ms",
                 mini["log_load_s"], redis["log_load_s"], 1000),
             row("BGSAVE fork, latest_fork_usec, µs",
                 mini["fork_us"], redis["fork_us"]),
             row("BGSAVE reply, ms (seen by the client)",
                 mini["bgsave_reply_s"], redis["bgsave_reply_s"], 1000, 1)]
    return "\n".join(lines)


# --------------------------------------------------------------------- main --

def parse_arguments():
    parser = argparse.ArgumentParser(
        description="AOF throughput, SAVE, load and fork time: mini-redis vs redis-server.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--mini", default=str(DEFAULT_MINI),
                        help="mini-redis binary (default: %(default)s)")
    parser.add_argument("--redis", default=str(DEFAULT_REDIS),
                        help="reference redis-server binary (default: %(default)s)")
    parser.add_argument("--keys", type=int, default=1_000_000,
                        help="keys to SAVE, load and fork with (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds; the report shows medians (default: 3)")
    args = parser.parse_args()
    if args.keys < 1 or args.rounds < 1:
        parser.error("--keys and --rounds must be at least 1")
    return args


def version_of(binary):
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
    return done.stdout.strip() or done.stderr.strip()


def main():
    args = parse_arguments()
    for tool in ("redis-benchmark", "redis-cli"):
        if shutil.which(tool) is None:
            raise BenchError(f"{tool} is not installed")
    binaries = [("mini-redis", args.mini), ("redis", args.redis)]
    # SIGTERM as Ctrl-C, so that the finally blocks stop the servers.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    tempdir = tempfile.mkdtemp(prefix="persistence-bench-")
    try:
        started = time.monotonic()
        rps, ratios = measure_aof_throughput(binaries, args.rounds, tempdir)
        snapshots = measure_snapshots(binaries, args.rounds, args.keys, tempdir)
        minutes = (time.monotonic() - started) / 60
    finally:
        shutil.rmtree(tempdir, ignore_errors=True)

    load = os.getloadavg()
    print(f"# Persistence: mini-redis vs redis-server\n")
    print(f"- mini-redis: `{args.mini}` ({version_of(args.mini)})")
    print(f"- redis: `{args.redis}` ({version_of(args.redis)})")
    print(f"- {args.rounds} alternating rounds, medians; {args.keys:,} keys; "
          f"{minutes:.1f} min; load average at the end "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} CPUs\n")
    print("## Throughput with an AOF (ratio: mini-redis rps / redis rps, higher is better)\n")
    print(f"`redis-benchmark {' '.join(BENCH_FLAGS)} -P <P>`, servers started with "
          f"`--appendonly yes --appendfsync <policy> --save \"\"`\n")
    print(aof_table(rps, ratios))
    print("\n## SAVE, load at start, fork (ratio: mini-redis / redis, lower is better)\n")
    print(snapshot_table(snapshots, args.keys))
    fork = snapshots["mini-redis"]["fork_us"]
    if fork and any(f is None for f in fork):
        print("\nmini-redis: INFO has no latest_fork_usec field, so its fork time is n/a.")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"[persistence] error: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("[persistence] interrupted", file=sys.stderr)
        sys.exit(130)
