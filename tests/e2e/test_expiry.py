"""Active expiry: keys nobody touches again still disappear.

DBSIZE counts keys without looking them up (no passive expiry), so it only
drops when the background cycle deletes them.
"""
import time

import servers


def dbsize(client) -> int:
    reply = client.command("DBSIZE")
    assert reply.startswith(b":")
    return int(reply[1:-2])


def info_field(client, section, field) -> str:
    for line in client.command("INFO", section).decode().split("\r\n"):
        if line.startswith(field + ":"):
            return line.split(":", 1)[1]
    raise AssertionError(f"{field} not in INFO {section}")


def wait_for_dbsize(client, expected, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if dbsize(client) == expected:
            return True
        time.sleep(0.05)
    return dbsize(client) == expected


def test_untouched_key_with_px_100_is_deleted_by_the_background_cycle(client):
    assert client.command("SET", "k", "v", "PX", "100") == b"+OK\r\n"
    assert dbsize(client) == 1
    assert wait_for_dbsize(client, 0, timeout=2), "key still counted after 2 s"
    assert int(info_field(client, "stats", "expired_keys")) >= 1


def test_active_expiry_deletes_only_keys_whose_time_has_come(client):
    for i in range(200):
        assert client.command("SET", f"volatile:{i}", "v", "PX", "100") == b"+OK\r\n"
        assert client.command("SET", f"persistent:{i}", "v") == b"+OK\r\n"
        assert client.command("SET", f"later:{i}", "v", "EX", "100") == b"+OK\r\n"
    assert wait_for_dbsize(client, 400, timeout=3)
    assert int(info_field(client, "stats", "expired_keys")) >= 200
    assert client.command("EXISTS", "persistent:0", "later:199") == b":2\r\n"


def test_expiry_runs_in_every_database(start_server):
    server = start_server()
    c = servers.RawClient(server.port)
    assert c.command("SELECT", "3") == b"+OK\r\n"
    assert c.command("SET", "k", "v", "PX", "50") == b"+OK\r\n"
    assert wait_for_dbsize(c, 0, timeout=2)
    c.close()
