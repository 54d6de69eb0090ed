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


def test_a_wrong_tag_byte_is_named_with_its_production():
    with pytest.raises(BinaryError) as e:
        Pair.read(Reader(b"\x06\x00\x00", base=0x10))
    assert "expected byte 0x07 in pair, found 0x06" in str(e.value)
    assert e.value.offset == 0x10


class Triple(Pair):
    """A subclass of a production read by generated code: read as itself, not as a Pair."""

    extra: int = field_(BYTE)


class Counted(Production):
    """A production that reads and writes itself; its subclass inherits that."""

    TAG = (0x0A,)
    n: int = field_(None)

    @classmethod
    def read(cls, r: Reader) -> "Counted":
        r.byte()
        return cls(len(r.name()))

    def write(self, w: Writer) -> None:
        w.byte(0x0A)
        w.name("x" * self.n)


class Recounted(Counted):
    pass


def test_subclasses_read_and_write_as_themselves():
    # the parent read first, so that its generated code exists when the child is read
    assert Pair.read(Reader(b"\x07\x01a\x05")) == Pair("a", 5)
    t = Triple.read(Reader(b"\x07\x01a\x05\x09"))
    assert type(t) is Triple and t == Triple("a", 5, 9)
    assert t.encode() == b"\x07\x01a\x05\x09"
    assert Pair("a", 5).encode() == b"\x07\x01a\x05"
    c = Recounted.read(Reader(b"\x0a\x03abc"))
    assert type(c) is Recounted and c.n == 3
    assert c.encode() == b"\x0a\x03xxx"


def test_a_field_that_fails_is_named_in_a_nesting_production():
    from composer.binary.types import InstanceType

    r = Reader(b"\x42\x01\x04\x00\x00\x05")
    with pytest.raises(BinaryError) as e:
        InstanceType.read(r)
    assert "instance-type.decls" in str(e.value)
    assert r.depth == 0  # the level entered is left on the way out
    ok = Reader(b"\x42\x00")
    assert InstanceType.read(ok).decls == () and ok.depth == 0


def test_a_subclass_made_after_its_parent_was_used_has_its_own_code():
    class Base(Production):
        TAG = (0x0B,)
        a: int = field_(BYTE)

    assert Base(1).encode() == b"\x0b\x01" and Base.read(Reader(b"\x0b\x01")) == Base(1)
    from composer.binary import codec

    assert Base.__dict__["write"] is not codec._first_write  # its own code, written once

    class Derived(Base):
        b: int = field_(BYTE)

    assert Derived(1, 2).encode() == b"\x0b\x01\x02"
    d = Derived.read(Reader(b"\x0b\x01\x02"))
    assert type(d) is Derived and d.b == 2
