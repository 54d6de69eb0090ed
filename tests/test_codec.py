"""binary/codec.py: one declaration reads and writes; errors carry the production path."""

import pytest

from composer.binary.codec import BYTE, NAME, U32, Choice, Opt, Production, Vec, field_
from composer.binary.reader import Reader
from composer.binary.writer import Writer
from composer.errors import BinaryError


class Pair(Production):
    TAG = (0x07,)
    name: str = field_(NAME)
    count: int = field_(U32)


class Other(Production):
    TAG = (0x08,)
    items: tuple = field_(Vec(U32, "item"))
    maybe: int | None = field_(Opt(BYTE))


EITHER = Choice("either", [Pair, Other])


def test_read_write_symmetry():
    data = b"\x07\x02ab\x80\x01"
    value = EITHER.read(Reader(data))
    assert value == Pair("ab", 128)
    assert value.encode() == data


def test_records_are_immutable_and_comparable():
    a, b = Pair("x", 1), Pair("x", 1)
    assert a == b and hash(a) == hash(b)
    with pytest.raises(AttributeError):
        a.count = 2  # type: ignore[misc]
    assert a.replace(count=2) == Pair("x", 2)


def test_optional_and_vector():
    data = b"\x08\x03\x01\x02\x03\x01\x09"
    value = EITHER.read(Reader(data))
    assert value == Other((1, 2, 3), 9)
    w = Writer()
    EITHER.write(w, value)
    assert w.getvalue() == data
    assert Other((), None).encode() == b"\x08\x00\x00"


def test_unknown_alternative_names_the_production():
    with pytest.raises(BinaryError) as e:
        EITHER.read(Reader(b"\x09", base=0x20))
    assert e.value.offset == 0x20
    assert "invalid leading byte 0x09 for either" in str(e.value)


def test_error_path_lists_fields_outermost_first():
    # Other.items[1] is an unterminated LEB128
    with pytest.raises(BinaryError) as e:
        EITHER.read(Reader(b"\x08\x02\x01\x80"))
    text = str(e.value)
    assert "other.items > item[1]" in text
    assert e.value.offset == 4


def test_vector_count_larger_than_data():
    with pytest.raises(BinaryError) as e:
        EITHER.read(Reader(b"\x08\x02\x01"))
    assert "item count 2 is larger than the 1 bytes left" in str(e.value)


def test_invalid_optional_flag():
    with pytest.raises(BinaryError) as e:
        EITHER.read(Reader(b"\x08\x00\x05"))
    assert "expected 0x00 or 0x01 for an optional" in e.value.message
