"""binary/reader.py: LEB128 limits, names, vector counts, bounds — each failure at its offset."""

import pytest

from composer.binary.reader import MAX_NESTING, Reader
from composer.binary.writer import encode_s, encode_u
from composer.errors import BinaryError


@pytest.mark.parametrize(
    "data, value",
    [
        (b"\x00", 0),
        (b"\x7f", 127),
        (b"\x80\x01", 128),
        (b"\xe5\x8e\x26", 624485),
        (b"\xff\xff\xff\xff\x0f", 0xFFFFFFFF),
        # non-minimal but within 5 bytes: valid in wasm
        (b"\x85\x80\x80\x80\x00", 5),
    ],
)
def test_u32_decodes(data, value):
    r = Reader(data)
    assert r.u32() == value
    assert r.at_end()


def test_u32_overlong_is_refused_at_its_start():
    r = Reader(b"\x00\x80\x80\x80\x80\x80\x00", pos=1, base=0x100)
    with pytest.raises(BinaryError) as e:
        r.u32()
    assert e.value.offset == 0x101
    assert "too long" in e.value.message


def test_u32_overflow_is_refused():
    # 5th byte may only carry 4 bits of a u32
    with pytest.raises(BinaryError) as e:
        Reader(b"\xff\xff\xff\xff\x1f").u32()
    assert "too large" in e.value.message


def test_truncated_leb_reports_end():
    with pytest.raises(BinaryError) as e:
        Reader(b"\x80\x80").u32()
    assert "unexpected end" in e.value.message
    assert e.value.offset == 2


@pytest.mark.parametrize(
    "data, value",
    [
        (b"\x00", 0),
        (b"\x7f", -1),
        (b"\x40", -64),
        (b"\xc0\x00", 64),
        (b"\x80\x7f", -128),
        (b"\xff\xff\xff\xff\x0f", 0xFFFFFFFF),  # s33 holds every u32
        (b"\x80\x80\x80\x80\x70", -(2**32)),
    ],
)
def test_s33_decodes(data, value):
    assert Reader(data).s33() == value


def test_s33_overflow_is_refused():
    # bits above the sign bit of the 5th byte must equal it
    with pytest.raises(BinaryError) as e:
        Reader(b"\xff\xff\xff\xff\x2f").s33()
    assert "too large" in e.value.message


@pytest.mark.parametrize("value", [0, 1, 63, 64, 127, 128, 2**14, 2**32 - 1, 2**64 - 1])
def test_unsigned_round_trip(value):
    r = Reader(encode_u(value))
    assert (r.u64() if value >= 2**32 else r.u32()) == value
    assert r.at_end()


@pytest.mark.parametrize("value", [0, -1, 63, -64, 64, -65, 2**32 - 1, -(2**32)])
def test_signed_round_trip(value):
    assert Reader(encode_s(value)).s33() == value


def test_name_utf8():
    raw = "héllo".encode()
    assert Reader(bytes([len(raw)]) + raw).name() == "héllo"


def test_name_invalid_utf8_points_at_the_byte():
    data = b"\x00\x03a\xffb"
    r = Reader(data, pos=1, base=0x40)
    with pytest.raises(BinaryError) as e:
        r.name()
    assert "invalid UTF-8" in e.value.message
    assert e.value.offset == 0x40 + 3  # the 0xff


def test_name_longer_than_data():
    with pytest.raises(BinaryError) as e:
        Reader(b"\x10abc").name()
    assert "needed 16 bytes" in e.value.message


def test_vector_count_checked_before_allocation():
    # a count of 2**32-1 items with 3 bytes left must fail at once, allocating nothing
    r = Reader(encode_u(2**32 - 1) + b"abc")
    with pytest.raises(BinaryError) as e:
        r.count("import")
    assert "larger than the 3 bytes left" in e.value.message
    assert e.value.offset == 0


def test_sub_reader_is_bounded():
    r = Reader(b"\x01\x02\x03\x04")
    sub = r.sub(2)
    assert sub.byte() == 1 and sub.byte() == 2
    with pytest.raises(BinaryError):
        sub.byte()
    assert r.byte() == 3
    with pytest.raises(BinaryError) as e:
        r.sub(5)
    assert e.value.message == "size 5 runs past the end of the data (1 bytes left)"
    assert e.value.offset == 3


def test_bytes_are_views_not_copies():
    data = bytearray(b"abcdef")
    view = Reader(data).bytes(3)
    data[0] = ord("z")
    assert bytes(view) == b"zbc"


def test_nesting_limit():
    r = Reader(b"")
    for _ in range(MAX_NESTING):
        r.nested()
    with pytest.raises(BinaryError) as e:
        r.nested()
    assert "nesting deeper" in e.value.message


def test_nesting_is_counted_up_and_down():
    r = Reader(b"")
    for _ in range(50):
        r.nested()
    for _ in range(50):
        r.unnest()
    for _ in range(MAX_NESTING):  # the whole depth is available again, no more
        r.nested()
    with pytest.raises(BinaryError):
        r.nested()


def test_reads_stop_at_the_end_of_a_sub_reader():
    r = Reader(b"\x01\x02\x03\x04\x05", base=0x10)
    sub = r.sub(3)
    sub.byte()
    with pytest.raises(BinaryError) as e:
        sub.bytes(3)  # 2 left in the sub-reader, though the data goes on
    assert (e.value.message, e.value.offset) == ("needed 3 bytes, only 2 left", 0x11)
    assert bytes(sub.bytes(2)) == b"\x02\x03"
    with pytest.raises(BinaryError) as e:
        sub.peek()
    assert (e.value.message, e.value.offset) == ("unexpected end of data", 0x13)
    with pytest.raises(BinaryError):
        sub.byte()
    assert r.peek() == 4


@pytest.mark.parametrize("read", ["u32", "s33", "u64"])
def test_integers_stop_at_the_end_of_a_sub_reader(read):
    # the sub-reader ends inside the integer; the bytes after it are not read
    r = Reader(b"\x00\x80\x01", base=0x20)
    r.byte()
    sub = r.sub(1)
    with pytest.raises(BinaryError) as e:
        getattr(sub, read)()
    assert e.value.message == "unexpected end of data in a LEB128 integer"
    assert e.value.offset == 0x22


def test_signed_errors_are_at_the_start_of_the_integer():
    r = Reader(b"\x00" + b"\x80" * 5 + b"\x00", base=0x30)
    r.byte()
    with pytest.raises(BinaryError) as e:
        r.s33()
    assert (e.value.message, e.value.offset) == ("integer representation too long for s33", 0x31)
    r = Reader(b"\x00" + encode_s(2**32), base=0x30)
    r.byte()
    with pytest.raises(BinaryError) as e:
        r.s33()
    assert (e.value.message, e.value.offset) == ("integer too large for s33", 0x31)


def test_the_widths_are_exact():
    assert Reader(encode_s(2**32 - 1)).s33() == 2**32 - 1
    assert Reader(encode_s(-(2**32))).s33() == -(2**32)
    with pytest.raises(BinaryError, match="too large for s33"):
        Reader(encode_s(-(2**32) - 1)).s33()
    assert Reader(encode_u(2**64 - 1)).u64() == 2**64 - 1
    with pytest.raises(BinaryError, match="too large for u64"):
        Reader(b"\xff" * 9 + b"\x02").u64()
    with pytest.raises(BinaryError, match="too long for u64"):
        Reader(b"\x80" * 10 + b"\x00").u64()


def test_a_vector_of_one_byte_items_may_fill_the_data_exactly():
    r = Reader(encode_u(3) + b"abc")
    assert r.count("letter") == 3
    r = Reader(encode_u(2) + b"abcde")  # items of at least 3 bytes: 6 do not fit in 5
    with pytest.raises(BinaryError, match="import count 2 is larger than the 5 bytes left"):
        r.count("import", 3)
    assert Reader(encode_u(2) + b"abcdef").count("import", 3) == 2


def test_an_empty_sub_reader_reads_nothing_even_where_the_data_goes_on():
    sub = Reader(b"\x05\x06").sub(0)
    with pytest.raises(BinaryError, match="unexpected end of data in a LEB128 integer"):
        sub.u32()


def test_s64():
    assert Reader(encode_s(-(2**63))).s64() == -(2**63)
    assert Reader(encode_s(2**63 - 1)).s64() == 2**63 - 1
    with pytest.raises(BinaryError, match="too large for s64"):
        Reader(b"\xff" * 9 + b"\x01").s64()  # the 10th byte may only be 0x00 or 0x7f
    with pytest.raises(BinaryError, match="too long for s64"):
        Reader(b"\x80" * 10 + b"\x00").s64()


def test_names_longer_than_100000_bytes_are_refused_before_reading_them():
    assert Reader(encode_u(100_000) + b"a" * 100_000).name() == "a" * 100_000
    r = Reader(b"\x00" + encode_u(100_001) + b"a" * 100_001, base=0x10)
    r.byte()
    with pytest.raises(BinaryError) as e:
        r.name()
    assert (e.value.message, e.value.offset) == ("name of 100001 bytes is longer than 100000", 0x11)
