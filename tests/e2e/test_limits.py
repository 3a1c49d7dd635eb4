"""Client limits: maxclients, idle timeout, output buffer limits.

Each test waits for a bounded time only; none loops forever.
"""
import socket
import time

import servers
from servers import wait_for


def info_field(client, section, field) -> str:
    reply = client.command("INFO", section).decode()
    for line in reply.split("\r\n"):
        if line.startswith(field + ":"):
            return line.split(":", 1)[1]
    raise AssertionError(f"{field} not in INFO {section}: {reply!r}")


def proc_status_kb(pid, field) -> int:
    """VmRSS / VmHWM of a process, in kB, from /proc/<pid>/status."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"{field} missing for pid {pid}")


def test_maxclients_refuses_the_fourth_client_with_an_error_then_closes(start_server):
    server = start_server("--maxclients", "3")
    first = servers.RawClient(server.port)
    # The start-up PING connection may not be reaped yet; wait until we are alone.
    assert wait_for(lambda: info_field(first, "clients", "connected_clients") == "1", 3)
    second = servers.RawClient(server.port)
    third = servers.RawClient(server.port)
    assert second.command("PING") == b"+PONG\r\n"
    assert third.command("PING") == b"+PONG\r\n"

    fourth = servers.RawClient(server.port)
    assert fourth.closed_by_peer(timeout=5)
    assert fourth.buffer == b"-ERR max number of clients reached\r\n"
    fourth.close()

    # The three admitted clients still work, and a freed slot can be reused.
    assert first.command("PING") == b"+PONG\r\n"
    third.close()
    assert wait_for(lambda: info_field(first, "clients", "connected_clients") == "2", 3)
    again = servers.RawClient(server.port)
    assert again.command("PING") == b"+PONG\r\n"
    for c in (first, second, again):
        c.close()


def test_timeout_closes_an_idle_client(start_server):
    server = start_server("--timeout", "1")
    c = servers.RawClient(server.port)
    assert c.command("PING") == b"+PONG\r\n"
    started = time.monotonic()
    assert c.closed_by_peer(timeout=5), "idle client still connected after 5 s"
    elapsed = time.monotonic() - started
    assert elapsed >= 0.9, f"closed after {elapsed:.2f} s, before the 1 s timeout"
    assert c.buffer == b""  # Redis closes idle clients silently
    c.close()


def test_timeout_spares_a_client_that_keeps_talking(start_server):
    server = start_server("--timeout", "1")
    c = servers.RawClient(server.port)
    for _ in range(8):  # 2.4 s in total, never idle for more than 0.3 s
        assert c.command("PING") == b"+PONG\r\n"
        time.sleep(0.3)
    assert c.command("PING") == b"+PONG\r\n"
    c.close()


def test_client_that_never_reads_is_dropped_at_the_output_buffer_limit(start_server):
    server = start_server("--client-output-buffer-limit", "normal 8mb 4mb 2")
    pid = server.process.pid
    value = b"x" * (1 << 20)

    other = servers.RawClient(server.port)
    assert other.command("SET", "big", value) == b"+OK\r\n"
    baseline_kb = proc_status_kb(pid, "VmRSS")

    # 300 GETs of a 1 MB value would be 300 MB of replies; the client reads none.
    greedy = socket.create_connection(("127.0.0.1", server.port))
    greedy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    greedy.settimeout(5)
    try:
        greedy.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 300)
    except OSError:
        pass  # already disconnected: fine

    # The server drops it and keeps serving everybody else.
    assert wait_for(lambda: info_field(other, "clients", "connected_clients") == "1", 5), \
        "the client over the hard limit is still connected"
    assert other.command("PING") == b"+PONG\r\n"
    assert other.command("STRLEN", "big") == b":1048576\r\n"

    # Memory never grew by anything close to the 300 MB the client asked for.
    peak_kb = proc_status_kb(pid, "VmHWM")
    current_kb = proc_status_kb(pid, "VmRSS")
    assert peak_kb - baseline_kb < 64 * 1024, f"peak RSS grew by {peak_kb - baseline_kb} kB"
    assert current_kb - baseline_kb < 32 * 1024, f"RSS grew by {current_kb - baseline_kb} kB"
    greedy.close()
    other.close()
