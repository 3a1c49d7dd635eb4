"""Values past 4 GiB: sizes are 64-bit everywhere a client can push them.

With proto-max-bulk-len raised (any client may CONFIG SET it), SETRANGE at
offset 2^32 once wrapped a 32-bit size: mini-redis answered :1 and wrote
past the value's block. Redis answers :4294967297. The 4 GiB of padding
come from calloc (Database::zero_extend), so only the pages the test
touches are ever written; the value is still the only one of its kind."""


def test_setrange_past_four_gib_keeps_every_byte(server, client):
    assert client.command("CONFIG", "SET", "proto-max-bulk-len", "5gb") == b"+OK\r\n"
    assert client.command("SETRANGE", "big", 4294967296, "x") == b":4294967297\r\n"
    assert client.command("STRLEN", "big") == b":4294967297\r\n"
    assert client.command("GETRANGE", "big", 4294967296, -1) == b"$1\r\nx\r\n"
    assert client.command("GETRANGE", "big", 4294967295, 4294967295) == b"$1\r\n\x00\r\n"
    assert client.command("DEL", "big") == b":1\r\n"
