"""binary/writer.py: shortest LEB128, names, sized payloads."""

from composer.binary.writer import Writer, encode_s, encode_u


def test_unsigned_is_shortest():
    assert encode_u(0) == b"\x00"
    assert encode_u(127) == b"\x7f"
    assert encode_u(128) == b"\x80\x01"
    assert encode_u(2**32 - 1) == b"\xff\xff\xff\xff\x0f"


def test_signed_is_shortest():
    assert encode_s(0) == b"\x00"
    assert encode_s(-1) == b"\x7f"
    assert encode_s(63) == b"\x3f"
    assert encode_s(64) == b"\xc0\x00"  # type index 64 as s33 needs two bytes
    assert encode_s(-64) == b"\x40"
    assert encode_s(-65) == b"\xbf\x7f"


def test_name_and_sized():
    w = Writer()
    w.name("ab")
    w.sized(lambda inner: inner.bytes(b"xyz"))
    w.u32(300)
    w.u64(2**40)
    w.s33(-65)
    assert w.getvalue() == (b"\x02ab" + b"\x03xyz" + b"\xac\x02" + encode_u(2**40) + b"\xbf\x7f")
