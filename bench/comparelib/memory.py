"""Memory rows: what a dataset costs each server, in RSS per key or element.

Each dataset is loaded with `redis-cli --pipe` into a freshly started server;
VmRSS is read before and after, and the difference is divided by how many
keys (or list elements, or hash fields) the dataset holds. Elements and
values are 16 bytes and never numbers, so neither server may store them as
integers:

  keys          1,000,000 x SET key:%012d val:%012d          per key
  list          one list, RPUSH of 1,000,000 elements         per element
  hash          one hash, HSET of 1,000,000 fields            per field
  small hashes  100,000 hashes of 10 fields each (listpack)   per field
  set           one set, SADD of 1,000,000 members            per member
  sorted set    one sorted set, ZADD of 1,000,000 members     per member
                (scores 0..N-1)
  small sets    100,000 sets of 10 members each               per member
                (Redis 7.0 has no listpack sets: hash tables)
  small sorted sets  100,000 sorted sets of 10 members        per member
                (listpack)

--keys scales them all (the small rows hold keys/10 keys)."""

from comparelib.servers import BenchError, cli, log

# Elements per command when filling one big key: long enough that loading is
# quick, short enough that no command is big.
BATCH = 100


def bulk(word):
    return b"$%d\r\n%s\r\n" % (len(word), word)


def command(*words):
    return b"*%d\r\n" % len(words) + b"".join(bulk(w) for w in words)


def keys_dataset(count):
    for i in range(count):
        yield command(b"SET", b"key:%012d" % i, b"val:%012d" % i)


def list_dataset(count):
    for start in range(0, count, BATCH):
        yield command(b"RPUSH", b"biglist",
                      *(b"elt:%012d" % i for i in range(start, min(count, start + BATCH))))


def hash_dataset(count):
    for start in range(0, count, BATCH):
        words = []
        for i in range(start, min(count, start + BATCH)):
            words += [b"fld:%012d" % i, b"val:%012d" % i]
        yield command(b"HSET", b"bighash", *words)


def small_hashes_dataset(count):
    for h in range(count // 10):
        words = []
        for f in range(10):
            words += [b"field:%010d" % f, b"val:%012d" % (h * 10 + f)]
        yield command(b"HSET", b"hash:%012d" % h, *words)


def set_dataset(count):
    for start in range(0, count, BATCH):
        yield command(b"SADD", b"bigset",
                      *(b"mem:%012d" % i for i in range(start, min(count, start + BATCH))))


def sorted_set_dataset(count):
    for start in range(0, count, BATCH):
        words = []
        for i in range(start, min(count, start + BATCH)):
            words += [b"%d" % i, b"mem:%012d" % i]
        yield command(b"ZADD", b"bigzset", *words)


def small_sets_dataset(count):
    for s in range(count // 10):
        yield command(b"SADD", b"set:%012d" % s,
                      *(b"mem:%012d" % (s * 10 + m) for m in range(10)))


def small_sorted_sets_dataset(count):
    for z in range(count // 10):
        words = []
        for m in range(10):
            words += [b"%d" % m, b"mem:%012d" % (z * 10 + m)]
        yield command(b"ZADD", b"zset:%012d" % z, *words)


# (label, unit, generator, expected DBSIZE given the element count). The
# small rows hold count // 10 keys of 10 units each.
DATASETS = [
    ("keys", "key", keys_dataset, lambda n: n),
    ("list", "element", list_dataset, lambda n: 1),
    ("hash", "field", hash_dataset, lambda n: 1),
    ("small hashes", "field", small_hashes_dataset, lambda n: n // 10),
    ("set", "member", set_dataset, lambda n: 1),
    ("sorted set", "member", sorted_set_dataset, lambda n: 1),
    ("small sets", "member", small_sets_dataset, lambda n: n // 10),
    ("small sorted sets", "member", small_sorted_sets_dataset, lambda n: n // 10),
]


def write_load_file(path, generator, count):
    """The dataset as RESP commands, for redis-cli --pipe; returns how many."""
    commands = 0
    with open(path, "wb") as out:
        chunk = []
        for one in generator(count):
            chunk.append(one)
            commands += 1
            if len(chunk) == 10000:
                out.write(b"".join(chunk))
                chunk.clear()
        out.write(b"".join(chunk))
    return commands


def measure_rss(server, load_file, commands, keys):
    """Start fresh, read RSS, load, read RSS. Returns (before, after) bytes."""
    try:
        server.start()
        before = server.rss_bytes()
        with open(load_file, "rb") as stdin:
            out = cli(server, "--pipe", stdin=stdin)
        # redis-cli --pipe ends with "errors: 0, replies: N".
        if "errors: 0," not in out or f"replies: {commands}" not in out:
            raise BenchError(f"loading into {server.name} failed:\n{out}")
        size = cli(server, "DBSIZE").strip()
        if size != str(keys):
            raise BenchError(f"{server.name} holds {size} keys, expected {keys}")
        return before, server.rss_bytes()
    finally:
        server.stop()


def print_memory(mini, redis, count, workdir, only=None):
    """Loads every dataset into each server in turn and prints one table."""
    lines = [
        "| dataset | unit | mini-redis bytes per unit | redis bytes per unit | ratio |",
        "|---|---|---:|---:|---:|",
    ]
    for label, unit, generator, expected_keys in DATASETS:
        if only and label not in only:
            continue
        load_file = f"{workdir}/load-{label.replace(' ', '-')}.resp"
        commands = write_load_file(load_file, generator, count)
        elements = (count // 10) * 10 if label.startswith("small ") else count
        per_unit = {}
        for server in (mini, redis):
            log(f"memory: loading {label} ({elements:,} {unit}s) into {server.name}")
            before, after = measure_rss(server, load_file, commands, expected_keys(count))
            per_unit[server.name] = (after - before) / elements
        ratio = per_unit[mini.name] / per_unit[redis.name] if per_unit[redis.name] > 0 \
            else float("nan")
        lines.append(f"| {label} ({elements:,}) | {unit} | {per_unit[mini.name]:.1f} | "
                     f"{per_unit[redis.name]:.1f} | **{ratio:.2f}** |")
    print("## Memory: RSS per unit (ratio mini-redis / redis; lower is better)\n")
    print("\n".join(lines), flush=True)
