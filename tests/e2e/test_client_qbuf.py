"""CLIENT INFO / CLIENT LIST qbuf= for the client that asks.

Redis 7.0 trims a client's query buffer only after running every command of
a read, so while a command runs, qbuf= is every byte of that read still held:
26 for a lone `*2 $6 client $4 info`, 13 for `client info` typed inline, and
the whole pipeline when commands come together. mini-redis answered qbuf=0
for CLIENT INFO (its own buffer sizes were only filled in for CLIENT LIST).
qbuf-free= is the free room of each server's own buffer and differs (Redis:
its 20474-byte sds, mini-redis: its 16 KiB buffer); it is checked to add up.
"""
import re
import time

from servers import RawClient


def qbuf_fields(server, request):
    client = RawClient(server.port)
    client.send(request)
    replies = b""
    deadline = time.monotonic() + 5
    while b"qbuf-free=" not in replies or not replies.endswith(b"\r\n"):
        assert time.monotonic() < deadline, replies
        client._fill()
        replies = client.buffer
    time.sleep(0.05)
    client.sock.settimeout(0.2)
    try:
        client._fill()
    except OSError:
        pass
    client.close()
    match = re.search(rb"qbuf=(\d+) qbuf-free=(\d+)", client.buffer)
    assert match, client.buffer
    return int(match.group(1)), int(match.group(2))


def test_client_info_counts_its_own_command_in_qbuf(server):
    qbuf, free = qbuf_fields(server, b"*2\r\n$6\r\nclient\r\n$4\r\ninfo\r\n")
    assert qbuf == 26
    assert free > 0 and (qbuf + free) >= 16 * 1024


def test_an_inline_client_info_counts_its_line(server):
    assert qbuf_fields(server, b"client info\r\n")[0] == 13


def test_a_pipelined_client_info_sees_the_whole_read(server):
    ping = b"*1\r\n$4\r\nPING\r\n"
    request = ping + b"*2\r\n$6\r\nclient\r\n$4\r\ninfo\r\n" + ping
    assert qbuf_fields(server, request)[0] == 54
    assert qbuf_fields(server, b"PING\r\nclient info\r\nPING\r\n")[0] == 25


def test_client_list_reports_the_same_for_the_caller(server):
    assert qbuf_fields(server, b"*2\r\n$6\r\nclient\r\n$4\r\nlist\r\n")[0] == 26
