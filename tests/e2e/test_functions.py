"""Redis 7 functions with real processes: libraries survive SAVE and a
restart, and an AOF restart (FUNCTION LOAD/DELETE logged as sent, FCALL as
its writes); FUNCTION DUMP payloads move between redis-server and mini-redis
both ways; RDB files with libraries move too; redis-py's fcall and
function_* helpers; INFO's memory fields for scripts and functions.

With E2E_AGAINST=redis the server under test is Debian's redis-server; the
interoperability tests always run both."""
import redis

import servers
from servers import RawClient

BINARY = servers.REDIS_SERVER if servers.AGAINST_REDIS else servers.MINI_REDIS

LIB = ("#!lua name=counters\n"
       "redis.register_function('bump', function(keys, args)\n"
       "  return redis.call('INCRBY', keys[1], args[1]) end)\n"
       "redis.register_function{function_name='peek', callback=function(keys)\n"
       "  return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='read it'}\n")
OTHER = ("#!lua name=other\n"
         "redis.register_function('hello', function() return 'hi' end)\n")


def start(binary, directory, *extra):
    port = servers.free_port()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory), *extra]
    return servers.Server(argv, port, cwd=str(directory))


def bulk(text):
    data = text.encode() if isinstance(text, str) else text
    return b"$%d\r\n%s\r\n" % (len(data), data)


def check_counters(c, value):
    assert c.command("FCALL_RO", "peek", 1, "n") == bulk(str(value))
    assert c.command("FCALL", "bump", 1, "n", 1) == b":%d\r\n" % (value + 1)


def test_libraries_survive_save_and_restart(tmp_path):
    with start(BINARY, tmp_path, "--appendonly", "no", "--save", "") as first:
        c = RawClient(first.port)
        assert c.command("FUNCTION", "LOAD", LIB) == bulk("counters")
        assert c.command("FUNCTION", "LOAD", OTHER) == bulk("other")
        assert c.command("FCALL", "bump", 1, "n", 41) == b":41\r\n"
        # FLUSHALL empties the keyspace, not the libraries.
        assert c.command("FLUSHALL") == b"+OK\r\n"
        assert c.command("SET", "n", 41) == b"+OK\r\n"
        assert c.command("SAVE") == b"+OK\r\n"
    with start(BINARY, tmp_path, "--appendonly", "no", "--save", "") as second:
        c = RawClient(second.port)
        check_counters(c, 41)
        assert c.command("FCALL", "hello", 0) == bulk("hi")
        listed = c.command("FUNCTION", "LIST", "LIBRARYNAME", "counters", "WITHCODE")
        assert bulk(LIB) in listed and bulk("read it") in listed


def test_libraries_survive_an_aof_restart(tmp_path):
    with start(BINARY, tmp_path, "--appendonly", "yes", "--save", "",
               "--appendfsync", "always") as first:
        c = RawClient(first.port)
        assert c.command("FUNCTION", "LOAD", LIB) == bulk("counters")
        assert c.command("FUNCTION", "LOAD", OTHER) == bulk("other")
        assert c.command("FUNCTION", "DELETE", "other") == b"+OK\r\n"
        assert c.command("FCALL", "bump", 1, "n", 5) == b":5\r\n"
        assert c.command("FCALL", "bump", 1, "n", 2) == b":7\r\n"
        # A read-only call changes nothing and logs nothing.
        assert c.command("FCALL_RO", "peek", 1, "n") == bulk("7")
        first.process.kill()
        first.process.wait()
    aof = b"".join(p.read_bytes() for p in (tmp_path / "appendonlydir").glob("*.incr.aof"))
    assert b"FUNCTION" in aof and b"INCRBY" in aof
    assert b"bump" not in aof.replace(LIB.encode(), b"")  # FCALL logged as its effects
    with start(BINARY, tmp_path, "--appendonly", "yes", "--save", "") as second:
        c = RawClient(second.port)
        check_counters(c, 7)
        assert c.command("FCALL", "hello", 0) == b"-ERR Function not found\r\n"
        # A rewrite puts the libraries in the RDB base; they survive it too.
        assert c.command("BGREWRITEAOF").startswith(b"+")
        servers.wait_for(lambda: servers.info_field(c, "persistence",
                                                    "aof_rewrite_in_progress") == "0", 10)
    with start(BINARY, tmp_path, "--appendonly", "yes", "--save", "") as third:
        c = RawClient(third.port)
        check_counters(c, 8)


def test_dump_payloads_move_between_redis_and_mini_redis(tmp_path):
    with servers.real_redis("--save", "") as real, servers.mini_redis("--save", "") as mini:
        r = RawClient(real.port)
        m = RawClient(mini.port)
        for c in (r, m):
            assert c.command("FUNCTION", "FLUSH") == b"+OK\r\n"
        assert r.command("FUNCTION", "LOAD", LIB) == bulk("counters")
        payload = r.command("FUNCTION", "DUMP")
        data = payload.split(b"\r\n", 1)[1][:-2]
        assert m.command("FUNCTION", "RESTORE", data) == b"+OK\r\n"
        assert m.command("FUNCTION", "DUMP") == payload  # the same bytes back
        assert m.command("SET", "n", 0) == b"+OK\r\n"
        check_counters(m, 0)
        # And the other way: mini-redis's payload restores on redis-server.
        assert m.command("FUNCTION", "LOAD", OTHER) == bulk("other")
        m.command("FUNCTION", "DELETE", "counters")
        mine = m.command("FUNCTION", "DUMP").split(b"\r\n", 1)[1][:-2]
        assert r.command("FUNCTION", "RESTORE", mine) == b"+OK\r\n"
        assert r.command("FCALL", "hello", 0) == bulk("hi")
        assert r.command("FUNCTION", "RESTORE", mine) == b"-ERR Library other already exists\r\n"


def test_rdb_files_with_libraries_move_between_servers(tmp_path):
    for writer, reader in ((servers.REDIS_SERVER, servers.MINI_REDIS),
                           (servers.MINI_REDIS, servers.REDIS_SERVER)):
        directory = tmp_path / ("from-" + writer.rsplit("/", 1)[-1])
        directory.mkdir()
        with start(writer, directory, "--appendonly", "no", "--save", "") as first:
            c = RawClient(first.port)
            assert c.command("FUNCTION", "LOAD", LIB) == bulk("counters")
            c.command("SET", "n", 3)
            assert c.command("SAVE") == b"+OK\r\n"
        with start(reader, directory, "--appendonly", "no", "--save", "") as second:
            check_counters(RawClient(second.port), 3)


def test_redis_py_fcall_and_function_helpers():
    with servers.server_under_test("--save", "") as server:
        client = redis.Redis(port=server.port)
        client.function_flush()
        assert client.function_load(LIB) == b"counters"
        assert client.fcall("bump", 1, "hits", 10) == 10
        assert client.fcall_ro("peek", 1, "hits") == b"10"
        libraries = client.function_list(library="count*")
        assert libraries[0][1] == b"counters"
        payload = client.function_dump()
        client.function_flush()
        assert client.function_restore(payload) is True
        assert client.fcall("bump", 1, "hits", 1) == 11
        try:
            client.fcall_ro("bump", 1, "hits", 1)
            raise AssertionError("FCALL_RO ran a function that writes")
        except redis.ResponseError as error:
            assert "write flag" in str(error)
        client.close()


def test_info_memory_has_redis_script_and_function_fields():
    with servers.server_under_test("--save", "") as server:
        c = RawClient(server.port)
        c.command("FUNCTION", "FLUSH")
        c.command("FUNCTION", "LOAD", LIB)
        text = c.command("INFO", "memory").decode()
        names = [line.split(":")[0] for line in text.split("\r\n") if ":" in line]
        start_at = names.index("used_memory_lua")
        assert names[start_at:start_at + 15] == [
            "used_memory_lua", "used_memory_vm_eval", "used_memory_lua_human",
            "used_memory_scripts_eval", "number_of_cached_scripts", "number_of_functions",
            "number_of_libraries", "used_memory_vm_functions", "used_memory_vm_total",
            "used_memory_vm_total_human", "used_memory_functions", "used_memory_scripts",
            "used_memory_scripts_human", "maxmemory", "maxmemory_human"]
        assert servers.info_field(c, "memory", "number_of_functions") == "2"
        assert servers.info_field(c, "memory", "number_of_libraries") == "1"
