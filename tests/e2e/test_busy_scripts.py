"""Busy scripts: a script or function that runs past busy-reply-threshold
(alias lua-time-limit) keeps the server answering. Other clients get -BUSY,
except for the commands flagged allow-busy (SCRIPT KILL, FUNCTION KILL,
FUNCTION STATS, SHUTDOWN NOSAVE, MULTI, WATCH, AUTH, HELLO...); SCRIPT KILL
stops a script that has not written, FUNCTION KILL a function; a script that
wrote is UNKILLABLE and only SHUTDOWN NOSAVE ends it.

Every test sets the threshold to 100 ms so that it stays short, and ends
the scripts it starts. With E2E_AGAINST=redis the same tests run against
Debian's redis-server: the texts below are Redis 7.0.15's."""
import time

import pytest

import servers
from servers import RawClient

BUSY_EVAL = (b"-BUSY Redis is busy running a script. "
             b"You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n")
BUSY_FUNCTION = (b"-BUSY Redis is busy running a script. "
                 b"You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n")
NOTBUSY = b"-NOTBUSY No scripts in execution right now.\r\n"
UNKILLABLE = (b"-UNKILLABLE Sorry the script already executed write commands against the "
              b"dataset. You can either wait the script termination or kill the server in a hard "
              b"way using the SHUTDOWN NOSAVE command.\r\n")

SPIN = "while true do end"
GET_LOOP = "while true do redis.call('get','x') end"
# Runs ARGV[1] milliseconds by the server's clock (TIME), then returns.
RUN_FOR = ("local t = redis.call('TIME') local start = t[1] * 1000000 + t[2] "
           "while true do t = redis.call('TIME') "
           "if t[1] * 1000000 + t[2] - start > ARGV[1] * 1000 then break end end "
           "return 'done'")
LIB = ("#!lua name=busylib\n"
       "redis.register_function('spin', function() while true do end end)\n"
       "redis.register_function{function_name='spin_ro', callback=function()\n"
       "  while true do end end, flags={'no-writes'}}\n")


def sha1(text):
    import hashlib
    return hashlib.sha1(text.encode()).hexdigest().encode()


def killed_error(name, where):
    return (b"-ERR Script killed by user with SCRIPT KILL... script: " + name +
            b", on " + where + b".\r\n")


def encode(*args):
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(parts)


@pytest.fixture
def busy_server(start_server):
    server = start_server("--save", "")
    admin = RawClient(server.port)
    assert admin.command("CONFIG", "SET", "lua-time-limit", 100) == b"+OK\r\n"
    admin.close()
    return server


def wait_until_busy(client, expected=BUSY_EVAL):
    """PINGs until the script is past the threshold; its -BUSY reply."""
    deadline = time.monotonic() + 5
    while True:
        reply = client.command("PING")
        if reply != b"+PONG\r\n" or time.monotonic() > deadline:
            assert reply == expected
            return reply
        time.sleep(0.02)


def test_threshold_is_lua_time_limit_and_busy_reply_threshold(busy_server):
    c = RawClient(busy_server.port)
    assert c.command("CONFIG", "GET", "busy-reply-threshold") == (
        b"*2\r\n$20\r\nbusy-reply-threshold\r\n$3\r\n100\r\n")
    assert c.command("CONFIG", "SET", "busy-reply-threshold", 250) == b"+OK\r\n"
    assert c.command("CONFIG", "GET", "lua-time-limit") == (
        b"*2\r\n$14\r\nlua-time-limit\r\n$3\r\n250\r\n")


def test_busy_script_answers_busy_and_script_kill_stops_it(busy_server):
    caller = RawClient(busy_server.port)
    other = RawClient(busy_server.port)
    # The PING pipelined behind the EVAL must wait for the script: the
    # caller's own requests are not served by the busy loop.
    caller.send(encode("EVAL", SPIN, 0) + encode("PING"))
    wait_until_busy(other)
    assert other.command("GET", "x") == BUSY_EVAL
    assert other.command("SET", "x", 1) == BUSY_EVAL
    assert other.command("EVAL", "return 1", 0) == BUSY_EVAL
    # allow-busy commands run; FUNCTION's ask for the other kind of script.
    assert other.command("FUNCTION", "KILL") == BUSY_EVAL
    assert other.command("FUNCTION", "STATS") == BUSY_EVAL
    assert other.command("WATCH", "x") == b"+OK\r\n"
    assert other.command("UNWATCH") == b"+OK\r\n"
    assert other.command("SCRIPT", "KILL") == b"+OK\r\n"
    assert caller.read_reply() == killed_error(sha1(SPIN), b"@user_script:1")
    assert caller.read_reply() == b"+PONG\r\n"
    # Over: everything runs again, and there is nothing left to kill.
    assert other.command("SET", "x", 1) == b"+OK\r\n"
    assert other.command("SCRIPT", "KILL") == NOTBUSY
    assert other.command("FUNCTION", "KILL") == NOTBUSY


def test_a_redis_call_loop_is_busy_and_killable_too(busy_server):
    caller = RawClient(busy_server.port)
    other = RawClient(busy_server.port)
    assert caller.command("SET", "x", "v") == b"+OK\r\n"
    caller.send(encode("EVAL", GET_LOOP, 0))
    wait_until_busy(other)
    assert other.command("GET", "x") == BUSY_EVAL
    assert other.command("SCRIPT", "KILL") == b"+OK\r\n"
    assert caller.read_reply() == killed_error(sha1(GET_LOOP), b"@user_script:1")
    assert other.command("GET", "x") == b"$1\r\nv\r\n"


def test_pcall_cannot_catch_script_kill(busy_server):
    body = "while true do pcall(function() while true do end end) end"
    caller = RawClient(busy_server.port)
    other = RawClient(busy_server.port)
    caller.send(encode("EVAL", body, 0))
    wait_until_busy(other)
    assert other.command("SCRIPT", "KILL") == b"+OK\r\n"
    assert caller.read_reply() == killed_error(sha1(body), b"@user_script:1")


def test_a_command_refused_while_busy_aborts_the_transaction(busy_server):
    caller = RawClient(busy_server.port)
    other = RawClient(busy_server.port)
    caller.send(encode("EVAL", SPIN, 0))
    wait_until_busy(other)
    assert other.command("MULTI") == b"+OK\r\n"
    assert other.command("SET", "x", 1) == BUSY_EVAL
    # Inside MULTI even SCRIPT KILL is only queued: another client kills.
    assert other.command("SCRIPT", "KILL") == b"+QUEUED\r\n"
    killer = RawClient(busy_server.port)
    assert killer.command("SCRIPT", "KILL") == b"+OK\r\n"
    assert caller.read_reply().startswith(b"-ERR Script killed")
    assert other.command("EXEC") == (
        b"-EXECABORT Transaction discarded because of previous errors.\r\n")
    assert other.command("EXISTS", "x") == b":0\r\n"


def test_threshold_decides_when_others_get_busy(busy_server):
    caller = RawClient(busy_server.port)
    other = RawClient(busy_server.port)
    # Above the script's run time: the other client simply waits its turn.
    assert other.command("CONFIG", "SET", "lua-time-limit", 5000) == b"+OK\r\n"
    caller.send(encode("EVAL", RUN_FOR, 0, 300))
    time.sleep(0.05)
    assert other.command("PING") == b"+PONG\r\n"
    assert caller.read_reply() == b"$4\r\ndone\r\n"
    # Below it: the same request gets -BUSY while the script runs.
    assert other.command("CONFIG", "SET", "lua-time-limit", 100) == b"+OK\r\n"
    caller.send(encode("EVAL", RUN_FOR, 0, 300))
    time.sleep(0.05)
    assert other.command("PING") == BUSY_EVAL
    assert caller.read_reply() == b"$4\r\ndone\r\n"
    assert other.command("PING") == b"+PONG\r\n"


def test_a_busy_script_keeps_its_push_from_blocked_clients(busy_server):
    caller = RawClient(busy_server.port)
    waiter = RawClient(busy_server.port)
    other = RawClient(busy_server.port)
    waiter.send(encode("BLPOP", "q", 0))
    assert servers.wait_for(
        lambda: b"blocked_clients:1" in other.command("INFO", "clients"), 5)
    # The script pushes, stays busy while the BLPOP client could be served,
    # and pops its own element back: atomic, so the waiter never sees it.
    body = RUN_FOR.replace("return 'done'", "return redis.call('rpop', 'q')")
    body = "redis.call('lpush', 'q', 'a') " + body
    caller.send(encode("EVAL", body, 0, 300))
    time.sleep(0.15)
    assert other.command("PING") == BUSY_EVAL
    assert caller.read_reply() == b"$1\r\na\r\n"
    assert other.command("LPUSH", "q", "b") == b":1\r\n"
    assert waiter.read_reply() == b"*2\r\n$1\r\nq\r\n$1\r\nb\r\n"


def test_a_blocked_client_times_out_only_after_the_busy_script(busy_server):
    # While the script is busy the server only serves requests (Redis's
    # processEventsWhileBlocked): a BLPOP whose timeout passes meanwhile
    # gets its nil once the script is over, not before.
    caller, waiter, other = (RawClient(busy_server.port) for _ in range(3))
    waiter.send(encode("BLPOP", "q", "0.2"))
    assert servers.wait_for(
        lambda: b"blocked_clients:1" in other.command("INFO", "clients"), 5)
    caller.send(encode("EVAL", RUN_FOR, 0, 800))
    wait_until_busy(other)
    time.sleep(0.4)  # the BLPOP deadline is long past, the script still runs
    waiter.sock.settimeout(0.1)
    with pytest.raises(OSError):  # socket.timeout: nothing arrived yet
        waiter.sock.recv(100)
    waiter.sock.settimeout(5)
    assert caller.read_reply() == b"$4\r\ndone\r\n"
    assert waiter.read_reply() == b"*-1\r\n"


def test_a_caller_that_leaves_during_its_busy_script_is_freed_after_it(busy_server):
    # The caller's client is protected while its script runs (Redis's
    # protectClient): its hang-up, seen by the loop the script pumps, does
    # not free it under the running script, which finishes its work.
    caller, other = RawClient(busy_server.port), RawClient(busy_server.port)
    body = RUN_FOR.replace("return 'done'", "redis.call('set', 'k', 'v') return 'done'")
    caller.send(encode("EVAL", body, 0, 500))
    wait_until_busy(other)
    caller.close()
    assert other.command("PING") == BUSY_EVAL  # still running after the hang-up
    assert servers.wait_for(lambda: other.command("GET", "k") == b"$1\r\nv\r\n", 5)
    assert servers.wait_for(
        lambda: b"connected_clients:1\r\n" in other.command("INFO", "clients"), 5)


def test_script_that_wrote_is_unkillable_and_shutdown_nosave_ends_it(busy_server):
    body = "redis.call('del', 'nothing') " + SPIN
    caller = RawClient(busy_server.port)
    other = RawClient(busy_server.port)
    caller.send(encode("EVAL", body, 0))
    wait_until_busy(other)
    # Any write command counts, even one that changed nothing.
    assert other.command("SCRIPT", "KILL") == UNKILLABLE
    assert other.command("FUNCTION", "KILL") == UNKILLABLE
    assert other.command("SHUTDOWN") == BUSY_EVAL
    assert other.command("SHUTDOWN", "SAVE") == BUSY_EVAL
    other.send(encode("SHUTDOWN", "NOSAVE"))
    assert other.closed_by_peer(timeout=5)
    assert caller.closed_by_peer(timeout=5)
    assert busy_server.process.wait(timeout=5) == 0


def test_shutdown_nosave_keeps_a_busy_scripts_half_out_of_the_aof(start_server, tmp_path):
    # Redis exits from inside the busy script, before the writes it made so
    # far are propagated: a restart finds none of them. The log says why
    # the server went busy, and redis.log() lines reach it too.
    log = tmp_path / "server.log"
    argv = ("--save", "", "--appendonly", "yes", "--dir", str(tmp_path), "--logfile", str(log),
            "--lua-time-limit", "100")
    server = start_server(*argv)
    caller, other = RawClient(server.port), RawClient(server.port)
    assert caller.command("SET", "before", "1") == b"+OK\r\n"
    body = "redis.log(redis.LOG_WARNING, 'about', 'to', 3, 'spin') redis.call('set', 'half', 1) " + SPIN
    caller.send(encode("EVAL", body, 0))
    wait_until_busy(other)
    other.send(encode("SHUTDOWN", "NOSAVE"))
    assert other.closed_by_peer(timeout=5)
    assert server.process.wait(timeout=5) == 0
    text = log.read_text()
    assert "# about to 3 spin" in text
    assert ("# Slow script detected: still in execution after " in text
            and "You can try killing the script using the SCRIPT KILL command. "
                "Script name is: %s." % sha1(body).decode() in text)
    again = start_server("--save", "", "--appendonly", "yes", "--dir", str(tmp_path))
    c = RawClient(again.port)
    assert c.command("MGET", "before", "half") == b"*2\r\n$1\r\n1\r\n$-1\r\n"


def test_function_kill_and_function_stats(busy_server):
    caller = RawClient(busy_server.port)
    other = RawClient(busy_server.port)
    assert caller.command("FUNCTION", "LOAD", LIB) == b"$7\r\nbusylib\r\n"
    assert other.command("FUNCTION", "STATS").startswith(
        b"*4\r\n$14\r\nrunning_script\r\n$-1\r\n")
    caller.send(encode("FCALL", "spin", 1, "k", "arg"))
    wait_until_busy(other, BUSY_FUNCTION)
    assert other.command("GET", "x") == BUSY_FUNCTION
    assert other.command("SCRIPT", "KILL") == BUSY_FUNCTION
    stats = other.command("FUNCTION", "STATS")
    prefix = (b"*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n"
              b"$7\r\ncommand\r\n*5\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n1\r\n$1\r\nk\r\n"
              b"$3\r\narg\r\n$11\r\nduration_ms\r\n:")
    assert stats.startswith(prefix), stats
    duration = int(stats[len(prefix):].split(b"\r\n")[0])
    assert duration >= 100
    assert stats.endswith(b"$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n"
                          b":1\r\n$15\r\nfunctions_count\r\n:2\r\n")
    assert other.command("FUNCTION", "KILL") == b"+OK\r\n"
    assert caller.read_reply() == killed_error(b"spin", b"@user_function:2")
    assert other.command("FUNCTION", "KILL") == NOTBUSY
    # A read-only function is killable through FCALL_RO as well.
    caller.send(encode("FCALL_RO", "spin_ro", 0))
    wait_until_busy(other, BUSY_FUNCTION)
    assert other.command("FUNCTION", "KILL") == b"+OK\r\n"
    assert caller.read_reply() == killed_error(b"spin_ro", b"@user_function:4")
    assert other.command("PING") == b"+PONG\r\n"


def test_sigterm_waits_for_the_busy_script(busy_server):
    caller = RawClient(busy_server.port)
    other = RawClient(busy_server.port)
    caller.send(encode("EVAL", SPIN, 0))
    wait_until_busy(other)
    busy_server.process.terminate()
    time.sleep(0.3)
    # Still up and still busy: the shutdown waits for the script to end.
    assert busy_server.process.poll() is None
    assert other.command("PING") == BUSY_EVAL
    assert other.command("SCRIPT", "KILL") == b"+OK\r\n"
    # Then the server stops; Redis may close before the caller's reply leaves.
    try:
        reply = caller.read_reply()
    except (ConnectionError, OSError):
        reply = None
    assert reply in (None, killed_error(sha1(SPIN), b"@user_script:1"))
    assert busy_server.process.wait(timeout=5) == 0
