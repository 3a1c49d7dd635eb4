"""Throughput and latency rows: redis-benchmark against both servers, in
alternating rounds, one row per test at -P 1 and -P 16."""

import csv
import io
import statistics

from comparelib.servers import (BenchError, latency_cell, log, median_of, row_numbers,
                                run_redis_benchmark)

# The rows of the table: (label, redis-benchmark -t name). ping_mbulk is PING
# sent as a RESP array, as real clients send it (ping_inline is for telnet).
# The LRANGE_N rows read the first N elements of a list that redis-benchmark
# fills first (its "LPUSH (needed to benchmark LRANGE)" row, not reported).
TESTS = [("PING", "ping_mbulk"), ("SET", "set"), ("GET", "get"),
         ("INCR", "incr"), ("MSET", "mset"), ("LPUSH", "lpush"), ("RPUSH", "rpush"),
         ("LPOP", "lpop"), ("RPOP", "rpop"), ("HSET", "hset"), ("SADD", "sadd"),
         ("SPOP", "spop"), ("ZADD", "zadd"), ("ZPOPMIN", "zpopmin"),
         ("LRANGE_100", "lrange_100"), ("LRANGE_300", "lrange_300"),
         ("LRANGE_600", "lrange_600")]
PIPELINES = [1, 16]
# redis-benchmark names its CSV rows by the first word ("MSET (10 keys)",
# "LRANGE_100 (first 100 elements)"); PING's is PING_MBULK.
CSV_NAME_TO_LABEL = {name.upper(): label for label, name in TESTS}
CSV_NAME_TO_LABEL["PING_MBULK"] = "PING"
COMMON_FLAGS = ["-r", "1000000", "-d", "16", "-c", "50"]

def run_benchmark(server, pipeline, requests, timeout):
    """One redis-benchmark run of all rows at one pipeline depth.
    Returns {label: {"rps": float, "p50": float|None, "p99": float|None}}."""
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port),
            *COMMON_FLAGS, "-P", str(pipeline), "-n", str(requests),
            "-t", ",".join(name for _, name in TESTS), "--csv"]
    return parse_csv(run_redis_benchmark(server, argv, timeout), server.name)


def parse_csv(text, server_name):
    """redis-benchmark --csv prints a header, then one row per test:
       "test","rps","avg_latency_ms",...,"p50_latency_ms",...,"p99_latency_ms",...
    Versions before 6.2 print only "test","rps": latencies are then None."""
    rows = {}
    for record in csv.DictReader(io.StringIO(text)):
        test = record.get("test", "")
        if "(needed to benchmark" in test:
            continue  # the list LRANGE reads, filled by an LPUSH row of its own
        name = test.split(" ")[0]  # "MSET (10 keys)" -> MSET
        label = CSV_NAME_TO_LABEL.get(name)
        if label is None:
            continue
        rows[label] = row_numbers(record)
    missing = [label for label, _ in TESTS if label not in rows]
    if missing:
        raise BenchError(f"redis-benchmark output for {server_name} lacks "
                         f"{', '.join(missing)}:\n{text}")
    return rows


def measure_throughput(mini, redis, rounds, requests, pipelined_factor, timeout):
    """Alternating rounds. Returns samples[(label, pipeline)][server] = list of
    row dicts, one per round, and ratios[(label, pipeline)] = list of ratios."""
    samples = {}
    ratios = {}
    for round_index in range(rounds):
        # A B, then B A: neither server always runs on a warmer (or busier) box.
        order = [mini, redis] if round_index % 2 == 0 else [redis, mini]
        for pipeline in PIPELINES:
            # Pipelined runs are ~10x faster; give them more requests so each
            # row lasts long enough to be measured.
            n = requests * (pipelined_factor if pipeline > 1 else 1)
            this_round = {}
            for server in order:
                log(f"round {round_index + 1}/{rounds}: {server.name}, -P {pipeline}, -n {n}")
                this_round[server.name] = run_benchmark(server, pipeline, n, timeout)
            for label, _ in TESTS:
                key = (label, pipeline)
                per_server = samples.setdefault(key, {mini.name: [], redis.name: []})
                for server in (mini, redis):
                    per_server[server.name].append(this_round[server.name][label])
                ratios.setdefault(key, []).append(
                    this_round[mini.name][label]["rps"] / this_round[redis.name][label]["rps"])
    return samples, ratios


def throughput_table(samples, ratios, mini_name, redis_name):
    lines = [
        "| row | mini-redis rps | redis rps | ratio | mini-redis p50 / p99 ms | redis p50 / p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for pipeline in PIPELINES:
        for label, _ in TESTS:
            key = (label, pipeline)
            mini_rows, redis_rows = samples[key][mini_name], samples[key][redis_name]
            lines.append("| {} -P {} | {:,.0f} | {:,.0f} | {:.2f} | {} | {} |".format(
                label, pipeline, median_of(mini_rows, "rps"), median_of(redis_rows, "rps"),
                statistics.median(ratios[key]),
                latency_cell(mini_rows), latency_cell(redis_rows)))
    return "\n".join(lines)
