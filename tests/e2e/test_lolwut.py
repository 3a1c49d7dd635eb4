"""LOLWUT's random pictures, checked by their structure: how many lines, how
wide, the caption and the version line last. Redis draws them at random too;
the deterministic outputs are compared byte for byte in
tests/diff/cases/lolwut.txt. E2E_AGAINST=redis runs the same checks against
redis-server."""
import re

SCHOTTER_CAPTION = "Georg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15"
SKYLINE_CAPTION = ("Dedicated to the 8 bit game developers of past and present.\n"
                   "Original 8 bit image from Plaguemon by hikikomori. Redis ver. 7.0.15\n")
CELL = re.compile("\x1b\\[0;(30;40|90;100|37;47|97;107)m \x1b\\[0m")


def text(reply: bytes) -> str:
    assert reply.startswith(b"$"), reply[:80]
    return reply.split(b"\r\n", 1)[1][:-2].decode("utf-8")


def braille_rows(art: str):
    rows = art.split("\n")
    for row in rows:
        assert all(0x2800 <= ord(ch) <= 0x28FF for ch in row), row
    return rows


def test_schotter_default_size(client):
    # 66 columns = 132 pixels; 8 squares of 16 pixels across, 12 down, plus a
    # 2-pixel margin: 196 pixel rows, 49 rows of Braille (4 pixels each).
    body = text(client.command("LOLWUT", "VERSION", "5"))
    art, caption = body.split("\n\n")
    assert caption == SCHOTTER_CAPTION + "\n"
    rows = braille_rows(art)
    assert len(rows) == 49
    assert {len(row) for row in rows} == {66}
    assert any(ch != "\u2800" for ch in art)  # something is drawn


def test_schotter_given_size(client):
    # 30 columns = 60 pixels, squares of 56/5 = 11.2 pixels: 60 pixel rows.
    body = text(client.command("LOLWUT", "VERSION", "5", "30", "5", "5"))
    art, caption = body.split("\n\n")
    assert caption == SCHOTTER_CAPTION + "\n"
    rows = braille_rows(art)
    assert len(rows) == 15
    assert {len(row) for row in rows} == {30}


def test_schotter_columns_are_clamped_to_1000(client):
    body = text(client.command("LOLWUT", "VERSION", "5", "5000", "1", "1"))
    rows = braille_rows(body.split("\n\n")[0])
    assert {len(row) for row in rows} == {1000}


def test_skyline_default_and_clamped_sizes(client):
    for args, width, height in [((), 80, 20), (("7", "3"), 7, 3), (("2000", "0"), 1000, 1)]:
        body = text(client.command("LOLWUT", "VERSION", "6", *args))
        assert body.endswith("\n" + SKYLINE_CAPTION)
        art = body[:-len("\n" + SKYLINE_CAPTION)]
        rows = art.split("\n")
        assert len(rows) == height
        for row in rows:
            assert CELL.sub("", row) == ""  # nothing but colored cells
            assert len(CELL.findall(row)) == width
