"""Client limits: maxclients, idle timeout, output buffer limits.

Each test waits for a bounded time only; none loops forever.
"""
import resource
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


# ---- CONFIG SET maxclients and the open-files limit ---------------------------------

def open_files_soft_limit(pid) -> int:
    """The process's soft RLIMIT_NOFILE, from /proc/<pid>/limits."""
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                return int(line.split()[3])
    raise AssertionError(f"no open-files limit for pid {pid}")


def start_server_with_nofile(start_server, nofile, *flags):
    """A server started under `prlimit --nofile=SOFT:HARD` (prlimit execs it,
    so the process id is the server's own); stopped by start_server's
    fixture like any other."""
    original = servers.server_under_test

    def limited(*extra_args, port=None):
        server = original(*extra_args, port=port)
        server.argv = ["prlimit", f"--nofile={nofile}", *server.argv]
        return server

    servers.server_under_test = limited
    try:
        return start_server(*flags)
    finally:
        servers.server_under_test = original


def test_config_set_maxclients_raises_the_open_files_limit_or_names_what_fits(start_server):
    """Redis's updateMaxclients: CONFIG SET maxclients raises the soft limit
    to maxclients + 32 at once; past the hard limit (4096 here, and no
    privilege to raise it) it asks for 16 fewer descriptors at a time, keeps
    what it got, refuses the value and names how many clients fit. A lower
    maxclients leaves the limit alone. Passes with E2E_AGAINST=redis."""
    server = start_server_with_nofile(start_server, "1024:4096", "--maxclients", "100")
    pid = server.process.pid
    c = servers.RawClient(server.port)
    assert open_files_soft_limit(pid) == 1024  # 100 + 32 fit: nothing raised at start

    # 5032 is refused, then 5016, ... down to 4088, the first under the hard limit.
    assert c.command("CONFIG", "SET", "maxclients", "5000") == (
        b"-ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating "
        b"system is not able to handle the specified number of clients, try with 4056\r\n")
    assert c.command("CONFIG", "GET", "maxclients") == b"*2\r\n$10\r\nmaxclients\r\n$3\r\n100\r\n"
    assert open_files_soft_limit(pid) == 4088

    assert c.command("CONFIG", "SET", "maxclients", "4056") == b"+OK\r\n"
    assert c.command("CONFIG", "SET", "maxclients", "10") == b"+OK\r\n"
    assert open_files_soft_limit(pid) == 4088  # never lowered
    assert c.command("CONFIG", "GET", "maxclients") == b"*2\r\n$10\r\nmaxclients\r\n$2\r\n10\r\n"
    c.close()


def test_config_set_maxclients_within_the_hard_limit_raises_the_soft_limit(start_server):
    server = start_server_with_nofile(start_server, "1024:4096", "--maxclients", "100")
    c = servers.RawClient(server.port)
    assert c.command("CONFIG", "SET", "maxclients", "2000") == b"+OK\r\n"
    assert open_files_soft_limit(server.process.pid) == 2032
    # The clients it admits can really connect: 1,100 sockets would have hit
    # the old limit of 1024 with EMFILE.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1300:  # this test process needs the sockets too
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(1300, hard), hard))
    extra = [socket.create_connection(("127.0.0.1", server.port), timeout=5)
             for _ in range(1100)]
    try:
        assert wait_for(lambda: info_field(c, "clients", "connected_clients") == "1101", 10)
        assert c.command("PING") == b"+PONG\r\n"
    finally:
        for s in extra:
            s.close()
    c.close()
