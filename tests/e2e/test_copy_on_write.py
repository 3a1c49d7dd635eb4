"""Copy-on-write of BGSAVE and BGREWRITEAOF children, reported in INFO
persistence as Redis 7.0 reports it.

While a child runs, the parent writes into pages the child still shares; the
kernel copies each such page, and the child reports how much it holds
(current_cow_size, current_cow_peak), how far it is (current_save_keys_*,
current_fork_perc) and, when it is done, its total (rdb_last_cow_size,
aof_last_cow_size). rdb-key-save-delay slows the child so that there is time
to write while it runs. Passes against redis-server too (E2E_AGAINST=redis).
"""
import servers

KEYS = 20000
VALUE = b"v" * 1000


def fill(client):
    for start in range(0, KEYS, 1000):
        args = []
        for i in range(start, start + 1000):
            args += [b"key:%d" % i, VALUE]
        assert client.command("MSET", *args) == b"+OK\r\n"


def touch_every_value(client):
    """SETRANGE writes into each value where it lies: every page holding a
    value is written, so the kernel must copy it for the child."""
    for i in range(KEYS):
        client.send(b"*4\r\n$8\r\nSETRANGE\r\n$%d\r\nkey:%d\r\n$1\r\n0\r\n$1\r\nw\r\n"
                    % (len(b"key:%d" % i), i))
    for _ in range(KEYS):
        client.read_reply()


def field(client, name):
    return servers.info_field(client, "persistence", name)


def run_child_and_check(client, start_command, in_progress_field, last_cow_field):
    assert client.command("CONFIG", "SET", "rdb-key-save-delay", "150") == b"+OK\r\n"
    assert client.command(start_command).startswith(b"+")
    assert field(client, in_progress_field) == "1"
    assert field(client, "current_save_keys_total") == str(KEYS)
    touch_every_value(client)
    # The child reports at most once a second, after every 1024 keys.
    assert servers.wait_for(lambda: int(field(client, "current_cow_size")) > 0, timeout=20)
    assert int(field(client, "current_cow_peak")) >= int(field(client, "current_cow_size")) > 0
    processed = int(field(client, "current_save_keys_processed"))
    assert 0 < processed <= KEYS
    assert 0.0 < float(field(client, "current_fork_perc")) <= 100.0
    assert client.command("CONFIG", "SET", "rdb-key-save-delay", "0") == b"+OK\r\n"
    assert servers.wait_for(lambda: field(client, in_progress_field) == "0", timeout=60)
    # Most of the 20 MB of values were written while the child ran.
    assert int(field(client, last_cow_field)) > 4 * 1024 * 1024
    for name in ("current_cow_size", "current_cow_peak", "current_save_keys_processed",
                 "current_save_keys_total"):
        assert field(client, name) == "0", name


def test_bgsave_reports_its_copy_on_write():
    with servers.server_under_test("--save", "") as server:
        client = servers.RawClient(server.port, timeout=30)
        fill(client)
        assert field(client, "rdb_last_cow_size") == "0"
        run_child_and_check(client, "BGSAVE", "rdb_bgsave_in_progress", "rdb_last_cow_size")
        assert field(client, "aof_last_cow_size") == "0"
        client.close()


def test_aof_rewrite_reports_its_copy_on_write():
    with servers.server_under_test("--save", "", "--appendonly", "yes") as server:
        client = servers.RawClient(server.port, timeout=30)
        fill(client)
        run_child_and_check(client, "BGREWRITEAOF", "aof_rewrite_in_progress",
                            "aof_last_cow_size")
        client.close()
