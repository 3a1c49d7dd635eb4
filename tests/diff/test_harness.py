"""The harness's own small pieces: quoting, raw escapes, normalisers."""
import pytest

from harness import (norm_client_list, norm_hello, norm_sorted, norm_sorted_pairs,
                     norm_time, split_args, unescape_raw, compare_approx)


@pytest.mark.parametrize("line, args", [
    ('SET k v', [b"SET", b"k", b"v"]),
    ('SET "a b" \'c d\'', [b"SET", b"a b", b"c d"]),
    ('ECHO "\\x00\\xff\\r\\n"', [b"ECHO", b"\x00\xff\r\n"]),
    ("ECHO 'it\\'s'", [b"ECHO", b"it's"]),
    ('ECHO ""', [b"ECHO", b""]),
])
def test_split_args_follows_redis_cli_quoting(line, args):
    assert split_args(line) == args


def test_split_args_rejects_unbalanced_quotes():
    with pytest.raises(ValueError):
        split_args('SET k "abc')


def test_unescape_raw():
    assert unescape_raw(r"*1\r\n$4\r\nPING\r\n\x00\\") == b"*1\r\n$4\r\nPING\r\n\x00\\"


def test_client_list_masks_volatile_fields_and_keeps_own_line():
    reply = (b"$%d\r\n" % 0)  # length fixed below
    text = (b"id=3 addr=127.0.0.1:1 fd=8 name= age=9 db=0 cmd=get resp=2\n"
            b"id=4 addr=127.0.0.1:2 fd=9 name=x age=0 db=1 cmd=client|list resp=2\n")
    reply = b"$%d\r\n%s\r\n" % (len(text), text)
    masked = b"id=* addr=* fd=* name=x age=* db=1 cmd=client|list resp=2\n"
    assert norm_client_list(reply) == b"$%d\r\n%s\r\n" % (len(masked), masked)


def test_client_info_resp3_verbatim_keeps_txt_prefix_and_masks_id():
    text = b"txt:id=12 addr=127.0.0.1:5 name=n resp=3\n"
    masked = b"txt:id=* addr=* name=n resp=3\n"
    assert norm_client_list(b"=%d\r\n%s\r\n" % (len(text), text)) == \
        b"=%d\r\n%s\r\n" % (len(masked), masked)


def test_hello_masks_only_the_id():
    a = b"*4\r\n$2\r\nid\r\n:7\r\n$5\r\nproto\r\n:2\r\n"
    b = b"*4\r\n$2\r\nid\r\n:9\r\n$5\r\nproto\r\n:2\r\n"
    assert norm_hello(a) == norm_hello(b)
    assert norm_hello(a) != norm_hello(b.replace(b":2\r\n", b":3\r\n"))


def test_time_keeps_shape():
    assert norm_time(b"*2\r\n$10\r\n1700000000\r\n$6\r\n123456\r\n") == \
        norm_time(b"*2\r\n$10\r\n1800000000\r\n$5\r\n12345\r\n")


def test_sorted_and_pairs():
    assert norm_sorted(b"*2\r\n$1\r\nb\r\n$1\r\na\r\n") == b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"
    assert norm_sorted_pairs(b"*4\r\n$1\r\nz\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n") == \
        b"*4\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n1\r\n"


def test_errors_are_never_normalised():
    assert norm_sorted(b"-ERR x\r\n") == b"-ERR x\r\n"


def test_approx_only_for_integers():
    assert compare_approx(b":100\r\n", b":98\r\n", 5)
    assert not compare_approx(b":100\r\n", b":90\r\n", 5)
    assert not compare_approx(b"$1\r\na\r\n", b"$1\r\nb\r\n", 5)
