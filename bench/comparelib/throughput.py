"""Throughput and latency rows: redis-benchmark against both servers, in
alternating rounds, one row per test at -P 1 and -P 16."""

import csv
import io
import statistics
import tempfile

from comparelib.servers import (BenchError, cli, latency_cell, log, median_of, row_numbers,
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

# Rows redis-benchmark has no -t test for: one command of ours each
# (`redis-benchmark ... ZRANGE zset:big 0 99`, where every __rand_int__
# becomes its own random 12-digit number below -r). Both use one sorted set,
# zset:big, that fill_big_sorted_set() loads into each server before the
# first round: `--keys` members (1,000,000 by default) "member:%012d" with
# scores 0..N-1, so a skiplist, as any sorted set past 128 members.
#   ZRANGE_100  its first 100 members: the skiplist walk and a 100-element
#               reply (the sorted-set counterpart of LRANGE_100);
#   ZADD_1M     a member "new:<random>" at a random score: an insert into
#               a 1 M-member skiplist and its member table. The set grows
#               towards 2 M members over the rounds, and more and more of the
#               ZADDs then move an existing new: member to its new score.
#   XADD        an entry of two 16-byte-ish fields appended to stream:bench
#               with an automatic ID (the common producer call); the stream
#               grows over the rounds, node after node.
#   XRANGE_100  the first 100 entries of stream:big, which
#               fill_big_stream() loads with STREAM_ENTRIES entries of two
#               fields first: a node walk and a 100-entry reply.
BIG_ZSET = "zset:big"
BIG_STREAM = "stream:big"
STREAM_ENTRIES = 1000
CUSTOM_ROWS = [("ZRANGE_100", ["ZRANGE", BIG_ZSET, "0", "99"]),
               ("ZADD_1M", ["ZADD", BIG_ZSET, "__rand_int__", "new:__rand_int__"]),
               ("XADD", ["XADD", "stream:bench", "*", "field:one", "__rand_int__",
                         "field:two", "__rand_int__"]),
               ("XRANGE_100", ["XRANGE", BIG_STREAM, "-", "+", "COUNT", "100"])]
# Members per ZADD when loading zset:big.
FILL_BATCH = 100

# Every row of the table, in its order.
ROW_LABELS = [label for label, _ in TESTS] + [label for label, _ in CUSTOM_ROWS]


def run_benchmark(server, pipeline, requests, timeout, tests=TESTS):
    """One redis-benchmark run of the -t rows `tests` at one pipeline depth.
    Returns {label: {"rps": float, "p50": float|None, "p99": float|None}}."""
    if not tests:
        return {}
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port),
            *COMMON_FLAGS, "-P", str(pipeline), "-n", str(requests),
            "-t", ",".join(name for _, name in tests), "--csv"]
    return parse_csv(run_redis_benchmark(server, argv, timeout), server.name, tests)


def run_custom_row(server, pipeline, requests, timeout, label, words):
    """One redis-benchmark run of one command of ours; its CSV has one row."""
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port),
            *COMMON_FLAGS, "-P", str(pipeline), "-n", str(requests), "--csv", *words]
    records = list(csv.DictReader(io.StringIO(run_redis_benchmark(server, argv, timeout))))
    if len(records) != 1:
        raise BenchError(f"redis-benchmark output for {server.name}, {label}: "
                         f"expected one row, got {len(records)}")
    return row_numbers(records[0])


def fill_big_sorted_set(server, members, workdir):
    """Loads zset:big (see CUSTOM_ROWS) with redis-cli --pipe."""
    commands = 0
    with tempfile.NamedTemporaryFile(dir=workdir, suffix=".resp") as load:
        for start in range(0, members, FILL_BATCH):
            words = [b"ZADD", BIG_ZSET.encode()]
            for i in range(start, min(members, start + FILL_BATCH)):
                words += [b"%d" % i, b"member:%012d" % i]
            load.write(b"*%d\r\n" % len(words) +
                       b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in words))
            commands += 1
        load.flush()
        load.seek(0)
        out = cli(server, "--pipe", stdin=load)
    if "errors: 0," not in out or f"replies: {commands}" not in out:
        raise BenchError(f"loading {BIG_ZSET} into {server.name} failed:\n{out}")
    size = cli(server, "ZCARD", BIG_ZSET).strip()
    if size != str(members):
        raise BenchError(f"{server.name}: {BIG_ZSET} holds {size} members, expected {members}")


def fill_big_stream(server, workdir):
    """Loads stream:big (see CUSTOM_ROWS) with redis-cli --pipe."""
    with tempfile.NamedTemporaryFile(dir=workdir, suffix=".resp") as load:
        for i in range(1, STREAM_ENTRIES + 1):
            words = [b"XADD", BIG_STREAM.encode(), b"%d-1" % i,
                     b"field:one", b"value:%010d" % i, b"field:two", b"%d" % (i * 7)]
            load.write(b"*%d\r\n" % len(words) +
                       b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in words))
        load.flush()
        load.seek(0)
        out = cli(server, "--pipe", stdin=load)
    if "errors: 0," not in out or f"replies: {STREAM_ENTRIES}" not in out:
        raise BenchError(f"loading {BIG_STREAM} into {server.name} failed:\n{out}")
    size = cli(server, "XLEN", BIG_STREAM).strip()
    if size != str(STREAM_ENTRIES):
        raise BenchError(f"{server.name}: {BIG_STREAM} holds {size} entries, "
                         f"expected {STREAM_ENTRIES}")


def parse_csv(text, server_name, tests=TESTS):
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
    missing = [label for label, _ in tests if label not in rows]
    if missing:
        raise BenchError(f"redis-benchmark output for {server_name} lacks "
                         f"{', '.join(missing)}:\n{text}")
    return rows


def selected(rows, table):
    """The entries of `table` ((label, ...) pairs) named in `rows`; all if None."""
    if rows is None:
        return list(table)
    unknown = set(rows) - set(ROW_LABELS)
    if unknown:
        raise BenchError(f"unknown row(s) {', '.join(sorted(unknown))}; "
                         f"rows are {', '.join(ROW_LABELS)}")
    return [entry for entry in table if entry[0] in rows]


def measure_throughput(mini, redis, rounds, requests, pipelined_factor, timeout,
                       zset_members, workdir, rows=None):
    """Alternating rounds. Returns samples[(label, pipeline)][server] = list of
    row dicts, one per round, and ratios[(label, pipeline)] = list of ratios.
    `rows`: only these labels (None: every row)."""
    samples = {}
    ratios = {}
    tests, custom_rows = selected(rows, TESTS), selected(rows, CUSTOM_ROWS)
    needs_zset = any(label.startswith("Z") for label, _ in custom_rows)
    needs_stream = any(label == "XRANGE_100" for label, _ in custom_rows)
    for server in (mini, redis):
        if needs_zset:
            log(f"filling {BIG_ZSET} with {zset_members:,} members in {server.name}")
            fill_big_sorted_set(server, zset_members, workdir)
        if needs_stream:
            log(f"filling {BIG_STREAM} with {STREAM_ENTRIES:,} entries in {server.name}")
            fill_big_stream(server, workdir)
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
                this_round[server.name] = run_benchmark(server, pipeline, n, timeout, tests)
                for label, words in custom_rows:
                    this_round[server.name][label] = run_custom_row(
                        server, pipeline, n, timeout, label, words)
            for label in (label for label, _ in tests + custom_rows):
                key = (label, pipeline)
                per_server = samples.setdefault(key, {mini.name: [], redis.name: []})
                for server in (mini, redis):
                    per_server[server.name].append(this_round[server.name][label])
                ratios.setdefault(key, []).append(
                    this_round[mini.name][label]["rps"] / this_round[redis.name][label]["rps"])
    return samples, ratios


def throughput_table(samples, ratios, mini_name, redis_name, rows=None):
    lines = [
        "| row | mini-redis rps | redis rps | ratio | mini-redis p50 / p99 ms | redis p50 / p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for pipeline in PIPELINES:
        for label in rows or ROW_LABELS:
            key = (label, pipeline)
            mini_rows, redis_rows = samples[key][mini_name], samples[key][redis_name]
            lines.append("| {} -P {} | {:,.0f} | {:,.0f} | {:.2f} | {} | {} |".format(
                label, pipeline, median_of(mini_rows, "rps"), median_of(redis_rows, "rps"),
                statistics.median(ratios[key]),
                latency_cell(mini_rows), latency_cell(redis_rows)))
    return "\n".join(lines)
