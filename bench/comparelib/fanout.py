"""PUBLISH fan-out rows: redis-benchmark publishes to a channel that 1, 10
and 100 subscribers (bench/subscriber_sink) drain, checked message by message."""

import csv
import io
import os
import select
import shlex
import signal
import socket
import statistics
import subprocess
import time
from pathlib import Path

from comparelib.servers import (BenchError, cli, latency_cell, log, median_of, row_numbers,
                                run_redis_benchmark)
from comparelib.throughput import PIPELINES

# PUBLISH fan-out rows: redis-benchmark sends PUBLISH <channel> <payload> over
# 50 connections while this many subscribers (bench/subscriber_sink) drain
# the channel. The payload is 16 bytes, like -d 16 above.
FANOUT_SUBSCRIBERS = [1, 10, 100]
FANOUT_CHANNEL = "bench:fanout"
FANOUT_PAYLOAD = "0123456789abcdef"
FANOUT_FLAGS = ["-c", "50"]
# What one message costs a subscriber, in RESP2: ["message", channel, payload].
FANOUT_MESSAGE_BYTES = len("*3\r\n$7\r\nmessage\r\n${}\r\n{}\r\n${}\r\n{}\r\n".format(
    len(FANOUT_CHANNEL), FANOUT_CHANNEL, len(FANOUT_PAYLOAD), FANOUT_PAYLOAD))

# ------------------------------------------------------ PUBLISH fan-out ----

class SubscriberSink:
    """bench/subscriber_sink: N subscribers of FANOUT_CHANNEL on one server,
    started by this script and stopped by PID. It answers SIGUSR1 with a line
    "bytes B open K" (message bytes read, connections still open) and prints
    the same line last when stopped."""

    def __init__(self, binary, server, subscribers, workdir):
        self.binary = os.path.abspath(binary)
        self.server = server
        self.subscribers = subscribers
        self.stderr_path = Path(workdir) / f"sink-{server.port}-{subscribers}.log"
        self.process = None
        self.pending = b""

    def start(self, timeout=10.0):
        argv = [self.binary, str(self.server.port), str(self.subscribers), FANOUT_CHANNEL]
        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                            stdout=subprocess.PIPE, stderr=stderr,
                                            bufsize=0, start_new_session=True)
        line = self.read_line(timeout)
        if line != f"ready {self.subscribers}":
            raise BenchError(f"subscriber_sink did not subscribe {self.subscribers} "
                             f"connection(s) to {self.server.name} (said {line!r}): "
                             f"{shlex.join(argv)}\n{self.stderr_text()}")
        return self

    def read_line(self, timeout):
        """The next line the sink prints, or None if none comes in time."""
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                return None  # the sink exited
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line.decode()

    def progress(self, line=None):
        """(bytes read, connections open), asked with SIGUSR1 unless given."""
        if line is None:
            self.process.send_signal(signal.SIGUSR1)
            line = self.read_line(5.0)
        words = (line or "").split()
        if len(words) != 4 or words[0] != "bytes" or words[2] != "open":
            raise BenchError(f"subscriber_sink said {line!r}\n{self.stderr_text()}")
        return int(words[1]), int(words[3])

    def stop(self):
        """SIGTERM; returns its last report, or None. SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return None
        self.process.terminate()
        line = self.read_line(5.0)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return line

    def stderr_text(self):
        try:
            return self.stderr_path.read_text(errors="replace").strip()
        except OSError:
            return ""


def knows_publish(server):
    """True if the server answers PUBLISH with an integer (mini-redis gains
    Pub/Sub after these rows were written; until then they are skipped)."""
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=2) as s:
            s.sendall(b"*3\r\n$7\r\nPUBLISH\r\n$13\r\nbench:nothing\r\n$1\r\nx\r\n")
            return s.recv(256).startswith(b":")
    except OSError:
        return False


def fanout_requests(base, subscribers):
    """-n for a fan-out row: `base`, cut down for 100 subscribers so that no
    row delivers more than 10 x base messages (a few seconds each)."""
    return max(1, base * 10 // max(10, subscribers))


def run_fanout(server, sink_binary, subscribers, pipeline, requests, timeout, workdir):
    """One PUBLISH row against one server with `subscribers` draining.
    Returns {"rps", "p50", "p99"}; BenchError if a subscriber was dropped or
    did not receive every message."""
    sink = SubscriberSink(sink_binary, server, subscribers, workdir)
    try:
        sink.start()
        argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port),
                *FANOUT_FLAGS, "-P", str(pipeline), "-n", str(requests), "--csv",
                "PUBLISH", FANOUT_CHANNEL, FANOUT_PAYLOAD]
        records = [r for r in csv.DictReader(io.StringIO(
            run_redis_benchmark(server, argv, timeout))) if r.get("test", "").startswith("PUBLISH")]
        if len(records) != 1:
            raise BenchError(f"no PUBLISH row in redis-benchmark's output for {server.name}")
        row = row_numbers(records[0])

        # Every publish reached every subscriber: wait for the sink to read
        # the last messages the server is still writing, then compare.
        expected = subscribers * requests * FANOUT_MESSAGE_BYTES
        deadline = time.monotonic() + 30
        received, still_open = sink.progress()
        while received < expected and still_open == subscribers and time.monotonic() < deadline:
            time.sleep(0.05)
            received, still_open = sink.progress()
        numsub = cli(server, "PUBSUB", "NUMSUB", FANOUT_CHANNEL).split()
        if numsub != [FANOUT_CHANNEL, str(subscribers)] or still_open != subscribers:
            raise BenchError(f"{server.name} dropped subscribers during the PUBLISH row: "
                             f"{still_open} of {subscribers} connections open, PUBSUB NUMSUB "
                             f"says {' '.join(numsub)}\n{server.log_tail()}")
        if received != expected:
            raise BenchError(f"subscribers of {server.name} read {received:,} bytes, "
                             f"expected {expected:,} ({requests:,} messages of "
                             f"{FANOUT_MESSAGE_BYTES} bytes x {subscribers})")
        return row
    finally:
        sink.stop()


def measure_fanout(mini, redis, sink_binary, rounds, requests, pipelined_factor, timeout,
                   workdir):
    """Alternating rounds, as measure_throughput. Keys are (subscribers, pipeline)."""
    samples = {}
    ratios = {}
    for round_index in range(rounds):
        order = [mini, redis] if round_index % 2 == 0 else [redis, mini]
        for pipeline in PIPELINES:
            for subscribers in FANOUT_SUBSCRIBERS:
                n = fanout_requests(requests * (pipelined_factor if pipeline > 1 else 1),
                                    subscribers)
                this_round = {}
                for server in order:
                    log(f"round {round_index + 1}/{rounds}: {server.name}, PUBLISH to "
                        f"{subscribers} subscriber(s), -P {pipeline}, -n {n}")
                    this_round[server.name] = run_fanout(server, sink_binary, subscribers,
                                                         pipeline, n, timeout, workdir)
                key = (subscribers, pipeline)
                per_server = samples.setdefault(key, {mini.name: [], redis.name: []})
                for server in (mini, redis):
                    per_server[server.name].append(this_round[server.name])
                ratios.setdefault(key, []).append(
                    this_round[mini.name]["rps"] / this_round[redis.name]["rps"])
    return samples, ratios


def fanout_table(samples, ratios, mini_name, redis_name):
    lines = [
        "| row | mini-redis rps | redis rps | ratio | mini-redis p50 / p99 ms | redis p50 / p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for pipeline in PIPELINES:
        for subscribers in FANOUT_SUBSCRIBERS:
            key = (subscribers, pipeline)
            mini_rows, redis_rows = samples[key][mini_name], samples[key][redis_name]
            lines.append("| PUBLISH to {} -P {} | {:,.0f} | {:,.0f} | {:.2f} | {} | {} |".format(
                f"{subscribers} subscriber{'s' if subscribers > 1 else ''}", pipeline,
                median_of(mini_rows, "rps"), median_of(redis_rows, "rps"),
                statistics.median(ratios[key]),
                latency_cell(mini_rows), latency_cell(redis_rows)))
    return "\n".join(lines)


def print_fanout(args, mini, redis, timeout, workdir):
    """The PUBLISH fan-out section: measured, or skipped with the reason."""
    if not os.access(args.subscriber_sink, os.X_OK):
        raise BenchError(f"{args.subscriber_sink} is missing: build the CMake target "
                         f"subscriber_sink, pass --subscriber-sink, or --skip-fanout")
    print("## PUBLISH fan-out (ratio: median over rounds of mini-redis rps / redis rps)\n")
    try:
        mini.start()
        redis.start()
        if not knows_publish(mini):
            log("mini-redis does not know PUBLISH: fan-out rows skipped")
            print("Skipped: mini-redis does not know PUBLISH.\n", flush=True)
            return
        samples, ratios = measure_fanout(mini, redis, args.subscriber_sink, args.rounds,
                                         args.requests, args.pipelined_factor, timeout, workdir)
    finally:
        mini.stop()
        redis.stop()
    n1 = args.requests
    n16 = args.requests * args.pipelined_factor
    print(f"redis-benchmark {' '.join(FANOUT_FLAGS)} PUBLISH {FANOUT_CHANNEL} <16 bytes>, "
          f"-n {n1} at -P 1 and {n16} at -P 16 (a tenth of that with 100 subscribers); "
          f"every subscriber is checked to have read every message\n")
    print(fanout_table(samples, ratios, mini.name, redis.name))
    print(flush=True)
